use super::*;
use ferry_core::{Dialect, Migration};

fn load_with(dir: &Path, options: FolderOptions) -> Result<Vec<Migration>, LoadError> {
    let folder = Box::new(Folder::open(dir, "app", options)?);
    Ok(folder.read()?.resolve(Dialect::Sqlite))
}

fn load(dir: &Path) -> Result<Vec<Migration>, LoadError> {
    load_with(dir, FolderOptions::default())
}

#[test]
fn a_large_folder_is_read_whole_on_several_threads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(ROLLBACK_DIR)).unwrap();
    let count = FILES_PER_THREAD * 3;
    for i in 1..=count {
        let name = format!("{i:04}_m{i}.sql");
        std::fs::write(dir.path().join(&name), format!("SELECT {i};")).unwrap();
        let down = dir.path().join(ROLLBACK_DIR).join(&name);
        std::fs::write(down, format!("SELECT -{i};")).unwrap();
    }
    let migrations = load(dir.path()).unwrap();
    assert_eq!(migrations.len(), count);
    for (i, m) in migrations.iter().enumerate() {
        let n = i + 1;
        assert_eq!(m.up.text().unwrap(), format!("SELECT {n};"));
        let down = m.down.as_ref().unwrap();
        assert!(matches!(down, DownScript::OnDisk { .. }), "left on disk");
        assert_eq!(
            down.load().unwrap().text().unwrap(),
            format!("SELECT -{n};")
        );
    }
}

#[test]
fn a_script_known_from_the_cache_refuses_a_text_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("001_a.sql");
    std::fs::write(&path, "SELECT 1;").unwrap();
    let planned = Script::new(path.clone(), "SELECT 1;".into()).unwrap();
    let known = Script::known(path.clone(), planned.summary(), Arc::new(Disk));
    assert_eq!(known.text().unwrap(), "SELECT 1;");
    std::fs::write(&path, "SELECT 2;").unwrap();
    let known = Script::known(path, planned.summary(), Arc::new(Disk));
    assert!(matches!(known.text(), Err(LoadError::Changed { .. })));
}

#[test]
fn a_cache_that_cannot_be_written_only_costs_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
    // The cache's folder is a file: nothing can be written under it.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let cache = blocker.join("cache.json");
    // Settled files are the ones the cache would record.
    std::thread::sleep(crate::cache::SETTLED + std::time::Duration::from_millis(200));
    let options = FolderOptions {
        cache: Some(cache.clone()),
        ..FolderOptions::default()
    };
    let migrations = load_with(dir.path(), options).unwrap();
    assert_eq!(migrations[0].up.text().unwrap(), "SELECT 1;");
    assert!(!cache.exists());
}

#[test]
fn entries_that_look_like_migrations_but_cannot_be_read_are_errors() {
    use std::os::unix::ffi::OsStrExt;
    type Make = fn(&Path);
    let cases: [(&str, Make); 4] = [
        ("002_folder.sql", |p| std::fs::create_dir(p).unwrap()),
        ("003_dangling.sql", |p| {
            std::os::unix::fs::symlink("nowhere.sql", p).unwrap()
        }),
        ("004_loop.sql", |p| {
            std::os::unix::fs::symlink(p, p).unwrap()
        }),
        ("005_diesel_style", |p| std::fs::create_dir(p).unwrap()),
    ];
    for (name, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
        make(&dir.path().join(name));
        let err = load(dir.path()).unwrap_err();
        assert!(matches!(err, LoadError::Unread { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = std::ffi::OsStr::from_bytes(b"006_\xff.sql");
    std::fs::write(dir.path().join(bad), "SELECT 1;").unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
    // Hidden entries (an Emacs lock link) are skipped without a word.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
    std::os::unix::fs::symlink("user@host.123", dir.path().join(".#001_a.sql")).unwrap();
    assert!(load(dir.path()).is_ok());
    // A rollback "folder" that is a file, or the migrations folder itself, is an error.
    for make in [
        (|p: &Path| std::fs::write(p, "x").unwrap()) as Make,
        |p: &Path| std::os::unix::fs::symlink(".", p).unwrap(),
        |p: &Path| std::os::unix::fs::symlink("gone", p).unwrap(),
    ] {
        let dir = tempfile::tempdir().unwrap();
        make(&dir.path().join(ROLLBACK_DIR));
        let err = load(dir.path()).unwrap_err();
        assert!(matches!(err, LoadError::Unread { .. }), "{err}");
    }
    // Other folders and files are not migrations: skipped (folders with a warning).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("archive")).unwrap();
    std::fs::create_dir(dir.path().join(ROLLBACK_DIR)).unwrap();
    std::fs::write(dir.path().join("README.md"), "x").unwrap();
    assert!(load(dir.path()).is_ok());
}
