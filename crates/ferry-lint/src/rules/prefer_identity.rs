//! `prefer-identity` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-identity",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use `bigint GENERATED ALWAYS AS IDENTITY`",
    default_on: true,
    triggers: "CREATE TABLE t (id serial);",
    passes: "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY);",
}
