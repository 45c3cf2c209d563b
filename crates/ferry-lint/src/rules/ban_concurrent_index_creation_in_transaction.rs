//! `ban-concurrent-index-creation-in-transaction` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-concurrent-index-creation-in-transaction",
    risk: High,
    lock: "none",
    flags: [rewrites: false, scans: true, in_transaction: false, destroys_data: false, breaks_app: false],
    fix: "mark the migration `-- ferry:no-transaction`: CONCURRENTLY cannot run in a transaction",
    default_on: true,
    triggers: "CREATE TABLE t (id bigint);
CREATE INDEX CONCURRENTLY t_id ON t (id);",
    passes: "-- ferry:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);",
}
