//! `ban-add-enum-value` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-add-enum-value",
    risk: Low,
    lock: "EXCLUSIVE on the type (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure readers accept the new value",
    default_on: false,
    triggers: "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';",
    passes: "SELECT 1;",
}
