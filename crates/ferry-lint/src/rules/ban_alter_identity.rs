//! `ban-alter-identity` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-identity",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "leave identity columns as they are, or move to a new column",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN id DROP IDENTITY;",
    passes: "SELECT 1;",
}
