//! `ban-drop-trigger` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-trigger",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure nothing relies on what the trigger did",
    default_on: false,
    triggers: "DROP TRIGGER tg ON t;",
    passes: "SELECT 1;",
}
