//! `ban-drop-schema` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-schema",
    risk: High,
    lock: "ACCESS EXCLUSIVE on every object in it",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "drop schemas by hand, after a backup",
    default_on: true,
    triggers: "DROP SCHEMA audit;",
    passes: "CREATE SCHEMA audit;",
}
