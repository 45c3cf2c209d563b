//! `require-lock-timeout` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-lock-timeout",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "SET lock_timeout = '2s' first: waiting for a lock blocks everything queued behind it",
    default_on: true,
    triggers: "ALTER TABLE t ADD COLUMN c text;",
    passes: "SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE t ADD COLUMN c text;",
}
