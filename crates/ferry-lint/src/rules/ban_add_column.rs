//! `ban-add-column` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-add-column",
    risk: Low,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure `SELECT *` readers accept the new column",
    default_on: false,
    triggers: "ALTER TABLE t ADD COLUMN c text;",
    passes: "SELECT 1;",
}
