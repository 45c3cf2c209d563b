//! `ban-drop-generated-expression` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-generated-expression",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: true, scans: true, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure every writer sets the column first",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN total DROP EXPRESSION;",
    passes: "SELECT 1;",
}
