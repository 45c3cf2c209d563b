//! `adding-serial-primary-key-field` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "adding-serial-primary-key-field",
    risk: High,
    lock: "ACCESS EXCLUSIVE (builds the index)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX",
    default_on: true,
    triggers: "ALTER TABLE t ADD PRIMARY KEY (id);",
    passes: "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_id;",
}
