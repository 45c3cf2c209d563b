use super::*;
use crate::schema::{DiffOptions, diff, render};

fn row(cells: &[&str]) -> Row {
    cells
        .iter()
        .map(|c| (*c != "NULL").then(|| (*c).to_owned()))
        .collect()
}

fn rows(list: &[&[&str]]) -> Vec<Row> {
    list.iter().map(|r| row(r)).collect()
}

/// A small catalog, rows deliberately out of order.
fn users() -> CatalogRows {
    CatalogRows {
        tables: rows(&[&["users"], &["ferry_migrations"], &["orgs"]]),
        columns: rows(&[
            &[
                "users", "email", "2", "text", "false", "NULL", "NULL", "NULL",
            ],
            &["users", "id", "1", "bigint", "f", "NULL", "always", "NULL"],
            &[
                "users", "org_id", "3", "bigint", "true", "NULL", "NULL", "NULL",
            ],
            &[
                "orgs",
                "id",
                "1",
                "integer",
                "NO",
                "nextval('orgs_id_seq')",
                "NULL",
                "NULL",
            ],
            &[
                "ferry_migrations",
                "id",
                "1",
                "bigint",
                "false",
                "NULL",
                "NULL",
                "NULL",
            ],
        ]),
        indexes: rows(&[
            &[
                "users",
                "users_email_org",
                "true",
                "2",
                "org_id",
                "NULL",
                "true",
                "btree",
            ],
            &[
                "users",
                "users_email_org",
                "true",
                "1",
                "lower(email)",
                "NULL",
                "true",
                "btree",
            ],
            &[
                "users",
                "users_partial",
                "false",
                "1",
                "email",
                "org_id IS NULL",
                "false",
                "btree",
            ],
        ]),
        constraints: rows(&[
            &[
                "users",
                "users_pkey",
                "p",
                "1",
                "id",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "true",
            ],
            &[
                "users",
                "users_org_fk",
                "f",
                "1",
                "org_id",
                "orgs",
                "id",
                "a",
                "c",
                "NULL",
                "false",
            ],
            &[
                "users",
                "email_shape",
                "c",
                "1",
                "email",
                "NULL",
                "NULL",
                "NULL",
                "NULL",
                "CHECK ((email ~~ '%@%'::text)) NOT VALID",
                "false",
            ],
        ]),
        sequences: rows(&[
            &["orgs_id_seq", "integer start 1 increment 1", "orgs"],
            &["ferry_migrations_id_seq", "bigint", "ferry_migrations"],
        ]),
        types: rows(&[
            &["mood", "enum", "2", "happy"],
            &["mood", "enum", "1", "sad"],
        ]),
        extensions: rows(&[&["plpgsql", "1.0"]]),
        ..CatalogRows::default()
    }
}

#[test]
fn assembles_in_a_stable_order_without_ferrys_tables() {
    let schema = assemble("postgres", &users(), &["ferry_migrations"]);
    insta::assert_snapshot!(render(&schema), @r"
    -- ferry schema dump, format 1, postgres
    table orgs
      id integer not null default nextval('orgs_id_seq')
    table users
      id bigint not null identity always
      email text not null
      org_id bigint
      primary key users_pkey (id)
      check email_shape: ((email ~~ '%@%'::text)) [not validated]
      foreign key users_org_fk (org_id) references orgs (id) on update no action on delete cascade [not validated]
      index users_email_org unique (lower(email), org_id) using btree
      index users_partial (email) where org_id IS NULL using btree [invalid]
    sequence orgs_id_seq: integer start 1 increment 1
    type mood enum (sad, happy)
    extension plpgsql 1.0
    ");
}

#[test]
fn the_json_dump_reads_back_and_refuses_a_newer_format() {
    let schema = assemble("postgres", &users(), &[]);
    let back = crate::schema::Schema::from_json(&schema.to_json()).unwrap();
    assert_eq!(back, schema);
    let newer = schema.to_json().replace("\"format\": 1", "\"format\": 99");
    let err = crate::schema::Schema::from_json(&newer).unwrap_err();
    assert!(err.to_string().contains("format 99 is newer"), "{err}");
}

#[test]
fn diff_names_each_object_once() {
    let before = assemble("postgres", &users(), &[]);
    let mut after = before.clone();
    let t = after.tables.get_mut("users").unwrap();
    t.indexes.remove("users_partial");
    t.columns[1].data_type = "character varying(20)".into();
    t.columns[1].nullable = true;
    t.columns.push(crate::schema::Column {
        name: "nick".into(),
        data_type: "text".into(),
        nullable: true,
        ..Default::default()
    });
    after.tables.remove("orgs");
    let lines: Vec<String> = (diff(&before, &after, DiffOptions::default()).iter())
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r"
    - table orgs: 1 column(s)
    ~ column users.email: type text → character varying(20); not null → nullable
    + column users.nick: nick text
    - index users_partial on users: (email) where org_id IS NULL using btree [invalid]
    ");
}

#[test]
fn column_order_counts_unless_ignored() {
    let before = assemble("postgres", &users(), &[]);
    let mut after = before.clone();
    let cols = &mut after.tables.get_mut("users").unwrap().columns;
    let email = cols.remove(1);
    cols.push(email);
    let found = diff(&before, &after, DiffOptions::default());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].to_string(),
        "~ columns of users: order (id, email, org_id) → (id, org_id, email)"
    );
    let options = DiffOptions {
        ignore_column_order: true,
    };
    assert!(diff(&before, &after, options).is_empty());
}

#[test]
fn identical_schemas_have_no_difference() {
    let a = assemble("postgres", &users(), &[]);
    assert!(diff(&a, &a.clone(), DiffOptions::default()).is_empty());
}

#[test]
fn check_text_drops_the_keyword_and_not_valid() {
    assert_eq!(check_text("CHECK ((a > 0)) NOT VALID"), "((a > 0))");
    assert_eq!(check_text("`a` > 0"), "`a` > 0");
    assert_eq!(check_text("check (x)"), "(x)");
}
