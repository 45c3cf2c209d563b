//! `ban-drop-view` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-view",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "stop reading the view in a release first",
    default_on: true,
    triggers: "DROP VIEW v;",
    passes: "CREATE VIEW v AS SELECT 1;",
}
