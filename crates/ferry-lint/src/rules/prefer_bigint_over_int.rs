//! `prefer-bigint-over-int` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-bigint-over-int",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use bigint: changing the type later rewrites the table",
    default_on: true,
    triggers: "CREATE TABLE t (id int);",
    passes: "CREATE TABLE t (id bigint);",
}
