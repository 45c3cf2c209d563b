//! `prefer-timestamp-tz` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "prefer-timestamp-tz",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use timestamptz",
    default_on: true,
    triggers: "CREATE TABLE t (at timestamp);",
    passes: "CREATE TABLE t (at timestamptz);",
}
