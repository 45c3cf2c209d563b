//! `ban-alter-role-options` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-role-options",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "change roles outside migrations",
    default_on: false,
    triggers: "ALTER ROLE app WITH SUPERUSER;",
    passes: "SELECT 1;",
}
