//! The summary cache: unchanged files are known without being read, and no change to a
//! file, even one of the same size, ever hides behind it.

mod common;

use common::Project;
use ferry_source::cache::SETTLED;
use ferry_testkit::{Engine, TestDb};

/// Waits until files written now count as settled, so that the next run caches them.
fn let_files_settle() {
    std::thread::sleep(SETTLED + std::time::Duration::from_millis(200));
}

fn cache_files(p: &Project) -> usize {
    std::fs::read_dir(p.cache_dir()).map_or(0, |d| d.count())
}

#[test]
fn an_edit_of_the_same_size_is_seen_through_the_cache() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);\n");
    p.write("002_b.sql", "CREATE TABLE b (id INT);\n");
    let_files_settle();
    p.expect(&["migrate"], 0);
    assert_eq!(cache_files(&p), 1, "the run recorded the settled files");
    p.expect(&["status", "--check"], 0);
    // Same length, same second: only the change time tells.
    p.write("001_a.sql", "CREATE TABLE z (id INT);\n");
    let (_, err) = p.expect(&["migrate"], 4);
    assert!(err.contains("001"), "{err}");
    p.expect(&["status", "--check"], 4);
    p.expect(&["--no-cache", "status", "--check"], 4);
}

#[test]
fn a_pending_script_known_from_the_cache_runs_its_real_text() {
    for engine in [Engine::Postgres, Engine::Mysql] {
        let p = Project::new(TestDb::new(engine));
        p.write(
            "001_a.sql",
            "CREATE TABLE cached_a (id INT);\nINSERT INTO cached_a VALUES (7);\n",
        );
        p.write("rollback/001_a.sql", "DROP TABLE cached_a;\n");
        let_files_settle();
        p.expect(&["status"], 0);
        assert_eq!(
            cache_files(&p),
            1,
            "{engine:?}: status cached the pending file"
        );
        p.expect(&["migrate"], 0);
        let rows = p.db.query("SELECT CAST(id AS CHAR(10)) FROM cached_a");
        assert_eq!(rows, ["7"], "{engine:?}");
        p.expect(&["rollback"], 0);
        assert!(
            !p.db.tables().contains(&"cached_a".to_owned()),
            "{engine:?}"
        );
    }
}

#[test]
fn without_a_cache_folder_nothing_is_cached() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);\n");
    let_files_settle();
    p.expect(&["--no-cache", "migrate"], 0);
    p.expect(&["validate"], 0);
    assert_eq!(cache_files(&p), 0, "--no-cache and validate write no cache");
}
