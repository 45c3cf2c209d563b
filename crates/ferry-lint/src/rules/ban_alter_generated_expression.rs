//! `ban-alter-generated-expression` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-generated-expression",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    flags: [rewrites: true, scans: true, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "add a new generated column instead",
    default_on: false,
    triggers: "ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (a + b);",
    passes: "SELECT 1;",
}
