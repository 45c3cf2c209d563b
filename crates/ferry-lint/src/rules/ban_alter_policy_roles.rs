//! `ban-alter-policy-roles` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-policy-roles",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check who gains or loses access",
    default_on: false,
    triggers: "ALTER POLICY p ON t TO app;",
    passes: "SELECT 1;",
}
