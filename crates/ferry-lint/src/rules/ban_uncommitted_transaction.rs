//! `ban-uncommitted-transaction` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-uncommitted-transaction",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "end the transaction you begin",
    default_on: true,
    triggers: "BEGIN;
CREATE TABLE t (id bigint);",
    passes: "CREATE TABLE t (id bigint);",
}
