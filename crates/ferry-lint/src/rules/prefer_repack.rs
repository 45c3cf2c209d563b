//! `prefer-repack` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-repack",
    risk: High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    flags: [rewrites: true, scans: true, in_transaction: false, destroys_data: false, breaks_app: false],
    fix: "pg_repack, or REPACK (CONCURRENTLY) on PostgreSQL 19+",
    default_on: true,
    triggers: "CLUSTER t USING t_pkey;",
    passes: "SELECT 1;",
}
