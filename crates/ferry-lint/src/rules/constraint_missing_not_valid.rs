//! `constraint-missing-not-valid` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "constraint-missing-not-valid",
    risk: High,
    lock: "ACCESS EXCLUSIVE (scans the table to validate)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration",
    default_on: true,
    triggers: "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0);",
    passes: "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;",
}
