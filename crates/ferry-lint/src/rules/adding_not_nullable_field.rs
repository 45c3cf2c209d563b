//! `adding-not-nullable-field` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "adding-not-nullable-field",
    risk: High,
    lock: "ACCESS EXCLUSIVE (scans the table)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (it uses the check) and drop the check",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN email SET NOT NULL;",
    passes: "ALTER TABLE t ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;",
}
