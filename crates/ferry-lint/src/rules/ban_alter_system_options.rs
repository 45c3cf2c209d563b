//! `ban-alter-system-options` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-system-options",
    risk: High,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: false, destroys_data: false, breaks_app: true],
    fix: "change server settings outside migrations",
    default_on: false,
    triggers: "ALTER SYSTEM SET work_mem = '64MB';",
    passes: "SELECT 1;",
}
