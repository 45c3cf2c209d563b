//! `ban-drop-policy` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-policy",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check who the policy protected",
    default_on: false,
    triggers: "DROP POLICY p ON t;",
    passes: "SELECT 1;",
}
