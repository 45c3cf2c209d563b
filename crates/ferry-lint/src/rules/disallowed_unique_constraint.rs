//! `disallowed-unique-constraint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "disallowed-unique-constraint",
    risk: High,
    lock: "ACCESS EXCLUSIVE (builds the index)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX",
    default_on: true,
    triggers: "ALTER TABLE t ADD CONSTRAINT t_email UNIQUE (email);",
    passes: "ALTER TABLE t ADD CONSTRAINT t_email UNIQUE USING INDEX t_email_idx;",
}
