//! `ban-drop-extension` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-extension",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "drop extensions by hand, after checking what uses them",
    default_on: true,
    triggers: "DROP EXTENSION pgcrypto;",
    passes: "CREATE EXTENSION IF NOT EXISTS pgcrypto;",
}
