//! `ban-drop-sequence` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-sequence",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "stop using the sequence in a release first",
    default_on: true,
    triggers: "DROP SEQUENCE s;",
    passes: "CREATE SEQUENCE s;",
}
