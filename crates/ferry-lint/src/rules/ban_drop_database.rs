//! `ban-drop-database` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-database",
    risk: High,
    lock: "ACCESS EXCLUSIVE on the database",
    flags: [rewrites: false, scans: false, in_transaction: false, destroys_data: true, breaks_app: true],
    fix: "drop databases by hand, never in a migration",
    default_on: true,
    triggers: "DROP DATABASE app;",
    passes: "SELECT 1;",
}
