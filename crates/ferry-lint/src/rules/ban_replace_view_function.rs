//! `ban-replace-view-function` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-replace-view-function",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "create a new view or function and move callers to it",
    default_on: false,
    triggers: "CREATE OR REPLACE VIEW v AS SELECT 1;",
    passes: "CREATE VIEW v AS SELECT 1;",
}
