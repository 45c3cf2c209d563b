//! `ban-drop-index` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-index",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "check the plans that use the index first",
    default_on: false,
    triggers: "DROP INDEX CONCURRENTLY t_id;",
    passes: "CREATE INDEX CONCURRENTLY t_id ON t (id);",
}
