//! `prefer-bigint-over-smallint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-bigint-over-smallint",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use bigint: changing the type later rewrites the table",
    default_on: true,
    triggers: "CREATE TABLE t (n smallint);",
    passes: "CREATE TABLE t (n bigint);",
}
