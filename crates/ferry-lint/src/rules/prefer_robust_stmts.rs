//! `prefer-robust-stmts` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-robust-stmts",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "IF [NOT] EXISTS, so that a migration that failed part-way without a transaction can run again",
    default_on: true,
    triggers: "-- ferry:no-transaction
CREATE INDEX CONCURRENTLY t_id ON t (id);",
    passes: "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);",
}
