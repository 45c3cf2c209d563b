//! `ban-revoke` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-revoke",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "check who loses access",
    default_on: false,
    triggers: "REVOKE SELECT ON t FROM app;",
    passes: "GRANT SELECT ON t TO app;",
}
