//! `prefer-text-field` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-text-field",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use text with a CHECK on its length: a longer varchar(n) later takes ACCESS EXCLUSIVE",
    default_on: true,
    triggers: "CREATE TABLE t (name varchar(100));",
    passes: "CREATE TABLE t (name text);",
}
