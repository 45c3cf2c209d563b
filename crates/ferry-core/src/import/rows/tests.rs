//! Every tool's rows, turned into ferry's, with the disagreements they can hold.

use super::*;
use crate::{Dialect, Source};
use std::path::PathBuf;

fn folder(files: &[(&str, &str)]) -> Vec<Migration> {
    let files = files
        .iter()
        .map(|(n, t)| (PathBuf::from(n), t.to_string(), false))
        .collect();
    Source::from_files("app", files)
        .unwrap()
        .resolve(Dialect::Postgres)
}

fn row(version: &str) -> ForeignRow {
    ForeignRow {
        version: Some(version.into()),
        ..ForeignRow::default()
    }
}

fn versions(imported: &[Imported<'_>]) -> Vec<(String, RowState)> {
    imported
        .iter()
        .map(|i| (i.migration.label.clone(), i.state))
        .collect()
}

#[test]
fn sqlx_checksums_are_verified_and_kept() {
    let files = folder(&[
        ("1_a.sql", "CREATE TABLE a (id int);\n"),
        ("2_b.sql", "CREATE TABLE b (id int);\n"),
    ]);
    let sum = |t: &str| Checksum::with_algorithm(SQLX_ALGORITHM, t).unwrap().hex();
    let rows = vec![
        ForeignRow {
            checksum: Some(sum("CREATE TABLE a (id int);\n")),
            ok: Some(true),
            ..row("1")
        },
        ForeignRow {
            checksum: Some(sum("CREATE TABLE b (id int);\n")),
            ok: Some(false),
            ..row("2")
        },
    ];
    let imported = plan(Tool::Sqlx, rows.clone(), &files, VersionKind::Numeric).unwrap();
    assert_eq!(
        versions(&imported),
        [
            ("1".into(), RowState::Applied),
            ("2".into(), RowState::Failed)
        ]
    );
    assert_eq!(imported[0].checksum.algorithm, SQLX_ALGORITHM);
    let edited = folder(&[
        ("1_a.sql", "CREATE TABLE a (id bigint);\n"),
        ("2_b.sql", "CREATE TABLE b (id int);\n"),
    ]);
    let err = plan(Tool::Sqlx, rows, &edited, VersionKind::Numeric).unwrap_err();
    assert!(
        matches!(&err[..], [Difference::Changed { version, .. }] if version == "1"),
        "{err:?}"
    );
}

#[test]
fn flyway_rows_repeatables_undo_and_markers() {
    let files = folder(&[
        ("V1__a.sql", "A;"),
        ("V2__b.sql", "B;"),
        ("R__views.sql", "V2;"),
    ]);
    let crc = |t: &str| {
        (Checksum::with_algorithm(FLYWAY_ALGORITHM, t)
            .unwrap()
            .digest()
            .try_into()
            .map(u32::from_be_bytes)
            .unwrap() as i32)
            .to_string()
    };
    let fly = |version: Option<&str>, kind: &str, script: &str, sum: Option<String>| ForeignRow {
        version: version.map(str::to_owned),
        kind: Some(kind.into()),
        script: Some(script.into()),
        checksum: sum,
        ok: Some(true),
        ..ForeignRow::default()
    };
    let rows = vec![
        fly(None, "SCHEMA", "<< Flyway Schema Creation >>", None),
        fly(Some("1"), "SQL", "V1__a.sql", Some(crc("A;"))),
        fly(Some("2"), "SQL", "V2__b.sql", Some(crc("B;"))),
        fly(None, "SQL", "R__views.sql", Some(crc("V1;"))),
        fly(None, "SQL", "R__views.sql", Some(crc("V2;"))),
        fly(Some("2"), "UNDO_SQL", "U2__b.sql", None),
    ];
    let imported = plan(Tool::Flyway, rows, &files, VersionKind::Numeric).unwrap();
    assert_eq!(
        versions(&imported),
        [
            ("1".into(), RowState::Applied),
            ("R__views".into(), RowState::Applied)
        ]
    );
    let java = vec![fly(Some("3"), "JDBC", "V3__Java", None)];
    assert!(matches!(
        &plan(Tool::Flyway, java, &files, VersionKind::Numeric).unwrap_err()[..],
        [Difference::Unsupported { .. }]
    ));
}

#[test]
fn golang_migrate_keeps_one_row_and_dirty_means_failed() {
    let files = folder(&[
        ("1_a.up.sql", "A;"),
        ("2_b.up.sql", "B;"),
        ("3_c.up.sql", "C;"),
    ]);
    let dirty = vec![ForeignRow {
        ok: Some(true),
        ..row("2")
    }];
    let imported = plan(Tool::GolangMigrate, dirty, &files, VersionKind::Numeric).unwrap();
    assert_eq!(
        versions(&imported),
        [
            ("1".into(), RowState::Applied),
            ("2".into(), RowState::Failed)
        ]
    );
    let gone = vec![ForeignRow {
        ok: Some(false),
        ..row("7")
    }];
    assert_eq!(
        plan(Tool::GolangMigrate, gone, &files, VersionKind::Numeric).unwrap_err(),
        [Difference::NoFile {
            version: "7".into()
        }]
    );
}

#[test]
fn goose_skips_its_version_zero_and_reads_the_latest_row() {
    let files = folder(&[("00001_a.sql", "A;"), ("00002_b.sql", "B;")]);
    let rows = vec![
        ForeignRow {
            ok: Some(true),
            ..row("0")
        },
        ForeignRow {
            ok: Some(true),
            ..row("1")
        },
        ForeignRow {
            ok: Some(true),
            ..row("2")
        },
        // Legacy goose records a down as a row with is_applied false.
        ForeignRow {
            ok: Some(false),
            ..row("2")
        },
    ];
    let imported = plan(Tool::Goose, rows, &files, VersionKind::Numeric).unwrap();
    assert_eq!(versions(&imported), [("00001".into(), RowState::Applied)]);
}

#[test]
fn node_pg_migrate_names_postgres_migrations_hashes_and_missing_files() {
    let files = folder(&[
        ("1600000000000_users.sql", "A;"),
        ("1600000000001_posts.sql", "B;"),
    ]);
    let rows = vec![row("1600000000000_users")];
    let imported = plan(Tool::NodePgMigrate, rows, &files, VersionKind::Numeric).unwrap();
    assert_eq!(imported.len(), 1);
    let files = folder(&[("1_create-users.sql", "A;")]);
    use sha1::Digest;
    let hash = hex::encode(sha1::Sha1::digest(b"1_create-users.sqlA;"));
    let rows = vec![
        row("0"),
        ForeignRow {
            checksum: Some(hash),
            ..row("1")
        },
    ];
    assert_eq!(
        plan(Tool::PostgresMigrations, rows, &files, VersionKind::Numeric)
            .unwrap()
            .len(),
        1
    );
    let rows = vec![
        ForeignRow {
            checksum: Some("00".repeat(20)),
            ..row("1")
        },
        row("5"),
    ];
    let err = plan(Tool::PostgresMigrations, rows, &files, VersionKind::Numeric).unwrap_err();
    assert_eq!(err.len(), 2, "every difference is listed: {err:?}");
}

#[test]
fn text_versions_stay_as_written() {
    let files = {
        let listed = [("20200101000001", "users"), ("9", "late")];
        let named: Vec<crate::NamedFile> = listed
            .iter()
            .map(|(v, n)| crate::NamedFile {
                name: crate::naming::ParsedName {
                    version: Version::text(v).unwrap(),
                    label: v.to_string(),
                    name: n.to_string(),
                    direction: crate::naming::Direction::Up,
                    dialect: None,
                },
                file: crate::ScriptFile::Up(Box::new(
                    crate::Script::new(format!("{v}/up.sql").into(), "A;".into()).unwrap(),
                )),
            })
            .collect();
        Source::build("app", VersionKind::Text, named)
            .unwrap()
            .resolve(Dialect::Sqlite)
    };
    let imported = plan(
        Tool::Diesel,
        vec![row("9"), row("20200101000001")],
        &files,
        VersionKind::Text,
    )
    .unwrap();
    assert_eq!(
        versions(&imported),
        [
            ("9".into(), RowState::Applied),
            ("20200101000001".into(), RowState::Applied)
        ]
    );
}

#[test]
fn what_the_first_adversarial_trial_found() {
    let files = folder(&[
        ("V1__a.sql", "A;"),
        ("V2__b.sql", "B;"),
        ("V3__c.sql", "C;"),
        ("R__v.sql", "V2;"),
    ]);
    let crc = |t: &str| {
        let c = Checksum::with_algorithm(FLYWAY_ALGORITHM, t).unwrap();
        (u32::from_be_bytes(c.digest().try_into().unwrap()) as i32).to_string()
    };
    let fly = |version: Option<&str>, kind: &str, script: &str, sum: Option<String>| ForeignRow {
        version: version.map(str::to_owned),
        kind: Some(kind.into()),
        script: Some(script.into()),
        checksum: sum,
        ok: Some(true),
        ..ForeignRow::default()
    };
    // Below a baseline, Flyway counts every version applied; a DELETE row takes one back;
    // a changed repeatable is imported to be applied again, not refused.
    let rows = vec![
        fly(Some("2"), "BASELINE", "<< Flyway Baseline >>", None),
        fly(Some("3"), "SQL", "V3__c.sql", Some(crc("C;"))),
        fly(Some("3"), "DELETE", "V3__c.sql", None),
        fly(None, "SQL", "R__v.sql", Some(crc("V1;"))),
    ];
    let imported = plan(Tool::Flyway, rows, &files, VersionKind::Numeric).unwrap();
    let got: Vec<(String, bool)> = imported
        .iter()
        .map(|i| (i.migration.label.clone(), i.baseline))
        .collect();
    assert_eq!(
        got,
        [
            ("1".into(), true),
            ("2".into(), true),
            ("R__v".into(), false)
        ]
    );
    // NULL versions, several golang-migrate rows and a node-pg-migrate rename are
    // differences; control characters in one are shown escaped.
    let err = plan(
        Tool::Sqlx,
        vec![ForeignRow::default()],
        &files,
        VersionKind::Numeric,
    )
    .unwrap_err();
    assert!(
        matches!(&err[..], [Difference::BadVersion { .. }]),
        "{err:?}"
    );
    let two = vec![row("1"), row("2")];
    assert!(plan(Tool::GolangMigrate, two, &files, VersionKind::Numeric).is_err());
    let node = folder(&[("1600000000000_users.sql", "A;")]);
    let err = plan(
        Tool::NodePgMigrate,
        vec![row("1600000000000_people")],
        &node,
        VersionKind::Numeric,
    )
    .unwrap_err();
    assert!(matches!(&err[..], [Difference::Renamed { .. }]), "{err:?}");
    let err = plan(
        Tool::Dbmate,
        vec![row("7\u{1b}]0;pwned\u{7}")],
        &files,
        VersionKind::Numeric,
    )
    .unwrap_err();
    assert!(!err[0].to_string().contains('\u{1b}'), "{}", err[0]);
}

#[test]
fn liquibase_rows_are_keyed_by_author_and_id() {
    let named: Vec<crate::NamedFile> = [("ann:a", "a"), ("bob:b", "b")]
        .iter()
        .enumerate()
        .map(|(i, (key, id))| crate::NamedFile {
            name: crate::naming::ParsedName {
                version: Version::sequence(i as u64, key).unwrap(),
                label: key.to_string(),
                name: id.to_string(),
                direction: crate::naming::Direction::Up,
                dialect: None,
            },
            file: crate::ScriptFile::Up(Box::new(
                crate::Script::new("c.sql".into(), "A;".into()).unwrap(),
            )),
        })
        .collect();
    let files = Source::build("app", VersionKind::Sequence, named)
        .unwrap()
        .resolve(Dialect::Sqlite);
    let rows = vec![
        ForeignRow {
            name: Some("ann".into()),
            kind: Some("EXECUTED".into()),
            ..row("a")
        },
        ForeignRow {
            name: Some("bob".into()),
            kind: Some("SKIPPED".into()),
            ..row("b")
        },
    ];
    let imported = plan(Tool::Liquibase, rows.clone(), &files, VersionKind::Sequence).unwrap();
    assert_eq!(versions(&imported), [("ann:a".into(), RowState::Applied)]);
    let claimed = claimed(Tool::Liquibase, rows, &files, VersionKind::Sequence);
    assert_eq!(
        claimed.iter().map(|m| m.label.as_str()).collect::<Vec<_>>(),
        ["ann:a"]
    );
}

#[test]
fn a_flyway_baseline_without_a_file_counts_every_version_below_it() {
    let files = folder(&[
        ("V1__a.sql", "A;"),
        ("V2__b.sql", "B;"),
        ("V7__c.sql", "C;"),
    ]);
    let baseline = ForeignRow {
        kind: Some("BASELINE".into()),
        script: Some("<< Flyway Baseline >>".into()),
        ok: Some(true),
        ..row("5")
    };
    let imported = plan(
        Tool::Flyway,
        vec![baseline.clone()],
        &files,
        VersionKind::Numeric,
    )
    .unwrap();
    assert_eq!(
        versions(&imported),
        [
            ("1".into(), RowState::Applied),
            ("2".into(), RowState::Applied)
        ]
    );
    let again = claimed(Tool::Flyway, vec![baseline], &files, VersionKind::Numeric);
    assert_eq!(again.len(), 2, "migrate would run 1 and 2 again");
}
