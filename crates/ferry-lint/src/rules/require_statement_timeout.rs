//! `require-statement-timeout` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-statement-timeout",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "SET statement_timeout first, so a statement cannot hold its lock for ever",
    default_on: true,
    triggers: "SET lock_timeout = '2s';
ALTER TABLE t ADD COLUMN c text;",
    passes: "SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE t ADD COLUMN c text;",
}
