//! `ban-replica-identity` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-replica-identity",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "coordinate replication changes outside migrations",
    default_on: false,
    triggers: "ALTER TABLE t REPLICA IDENTITY FULL;",
    passes: "SELECT 1;",
}
