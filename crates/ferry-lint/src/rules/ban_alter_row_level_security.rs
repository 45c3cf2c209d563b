//! `ban-alter-row-level-security` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-row-level-security",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check which rows each role loses",
    default_on: false,
    triggers: "ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
    passes: "SELECT 1;",
}
