//! `require-concurrent-reindex` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-concurrent-reindex",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "REINDEX ... CONCURRENTLY, without a transaction",
    default_on: true,
    triggers: "REINDEX INDEX t_id;",
    passes: "-- ferry:no-transaction
REINDEX INDEX CONCURRENTLY t_id;",
}
