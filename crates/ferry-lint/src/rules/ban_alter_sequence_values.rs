//! `ban-alter-sequence-values` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-sequence-values",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check who relies on the sequence's values",
    default_on: false,
    triggers: "ALTER SEQUENCE s RESTART WITH 1;",
    passes: "SELECT 1;",
}
