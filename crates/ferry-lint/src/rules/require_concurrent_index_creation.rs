//! `require-concurrent-index-creation` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-concurrent-index-creation",
    risk: High,
    lock: "SHARE (blocks writes while the index builds)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "CREATE INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
    default_on: true,
    triggers: "CREATE TABLE t (id int);
CREATE INDEX t_id ON big (id);",
    passes: "CREATE INDEX CONCURRENTLY t_id ON big (id);",
}
