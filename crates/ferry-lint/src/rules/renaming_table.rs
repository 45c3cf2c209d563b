//! `renaming-table` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "renaming-table",
    risk: High,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "create the new table or a view under the new name, move readers, then drop the old name",
    default_on: true,
    triggers: "ALTER TABLE t RENAME TO people;",
    passes: "CREATE VIEW people AS SELECT * FROM t;",
}
