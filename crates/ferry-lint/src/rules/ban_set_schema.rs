//! `ban-set-schema` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-set-schema",
    risk: High,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "keep the object where its users look for it; add it to the search path instead",
    default_on: true,
    triggers: "ALTER TABLE t SET SCHEMA archive;",
    passes: "SELECT 1;",
}
