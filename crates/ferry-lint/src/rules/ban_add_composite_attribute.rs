//! `ban-add-composite-attribute` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-add-composite-attribute",
    risk: Low,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure readers accept the new attribute",
    default_on: false,
    triggers: "ALTER TYPE pair ADD ATTRIBUTE c int;",
    passes: "SELECT 1;",
}
