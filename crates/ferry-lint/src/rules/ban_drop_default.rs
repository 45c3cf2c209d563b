//! `ban-drop-default` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-default",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure every writer sets the column first",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;",
    passes: "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;",
}
