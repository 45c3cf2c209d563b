//! `ban-drop-table` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-table",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "stop using the table in a release first; keep a backup (or rename it and drop it later)",
    default_on: true,
    triggers: "DROP TABLE t;",
    passes: "CREATE TABLE t (id bigint);",
}
