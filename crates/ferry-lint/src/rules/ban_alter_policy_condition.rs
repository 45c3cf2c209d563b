//! `ban-alter-policy-condition` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-policy-condition",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check who gains or loses rows",
    default_on: false,
    triggers: "ALTER POLICY p ON t USING (true);",
    passes: "SELECT 1;",
}
