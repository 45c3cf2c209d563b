//! `adding-foreign-key-constraint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "adding-foreign-key-constraint",
    risk: High,
    lock: "SHARE ROW EXCLUSIVE on both tables (scans the table)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later migration",
    default_on: true,
    triggers: "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id);",
    passes: "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
}
