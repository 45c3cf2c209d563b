//! `require-concurrent-index-deletion` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-concurrent-index-deletion",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "DROP INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
    default_on: true,
    triggers: "DROP INDEX t_id;",
    passes: "DROP INDEX CONCURRENTLY t_id;",
}
