//! `ban-set-default` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-set-default",
    risk: Low,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "make sure writers expect the new default",
    default_on: false,
    triggers: "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;",
    passes: "SELECT 1;",
}
