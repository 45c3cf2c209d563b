//! `ban-duplicate-column-assignments` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-duplicate-column-assignments",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "assign each column once",
    default_on: true,
    triggers: "UPDATE t SET a = 1, a = 2;",
    passes: "UPDATE t SET a = 1, b = 2;",
}
