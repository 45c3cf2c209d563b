//! `ban-drop-domain` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-domain",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "stop using the domain in a release first",
    default_on: true,
    triggers: "DROP DOMAIN positive;",
    passes: "SELECT 1;",
}
