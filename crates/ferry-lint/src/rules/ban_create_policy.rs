//! `ban-create-policy` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-create-policy",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check which rows each role loses",
    default_on: false,
    triggers: "CREATE POLICY p ON t USING (true);",
    passes: "SELECT 1;",
}
