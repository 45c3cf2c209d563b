//! `ban-alter-view-options` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-view-options",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "review security_barrier and check option changes",
    default_on: false,
    triggers: "ALTER VIEW v SET (security_barrier = true);",
    passes: "SELECT 1;",
}
