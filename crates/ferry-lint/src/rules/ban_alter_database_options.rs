//! `ban-alter-database-options` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-database-options",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "change database settings outside migrations",
    default_on: false,
    triggers: "ALTER DATABASE app SET timezone = 'UTC';",
    passes: "SELECT 1;",
}
