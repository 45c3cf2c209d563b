//! `ban-new-write-restriction` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-new-write-restriction",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure every writer already obeys it",
    default_on: false,
    triggers: "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;",
    passes: "SELECT 1;",
}
