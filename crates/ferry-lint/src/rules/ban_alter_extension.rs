//! `ban-alter-extension` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-extension",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "upgrade extensions by hand, after reading their notes",
    default_on: false,
    triggers: "ALTER EXTENSION pgcrypto UPDATE;",
    passes: "SELECT 1;",
}
