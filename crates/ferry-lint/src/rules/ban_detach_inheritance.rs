//! `ban-detach-inheritance` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-detach-inheritance",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check the queries on the parent",
    default_on: false,
    triggers: "ALTER TABLE t_2024 NO INHERIT t;",
    passes: "SELECT 1;",
}
