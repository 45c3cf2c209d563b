//! `unused-ignore` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "unused-ignore",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "remove the squawk-ignore comment",
    default_on: true,
    triggers: "-- squawk-ignore no-such-rule
SELECT 1;",
    passes: "SELECT 1;",
}
