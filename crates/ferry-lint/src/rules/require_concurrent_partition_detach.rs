//! `require-concurrent-partition-detach` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-concurrent-partition-detach",
    risk: High,
    lock: "ACCESS EXCLUSIVE on the parent",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), without a transaction",
    default_on: true,
    triggers: "ALTER TABLE t DETACH PARTITION t_2024;",
    passes: "-- ferry:no-transaction
ALTER TABLE t DETACH PARTITION t_2024 CONCURRENTLY;",
}
