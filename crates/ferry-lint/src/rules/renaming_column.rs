//! `renaming-column` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "renaming-column",
    risk: High,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "add the new column, write both, move readers, then drop the old one (expand and contract)",
    default_on: true,
    triggers: "ALTER TABLE t RENAME COLUMN email TO mail;",
    passes: "ALTER TABLE t ADD COLUMN mail text;",
}
