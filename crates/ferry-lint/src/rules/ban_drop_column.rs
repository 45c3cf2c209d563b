//! `ban-drop-column` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-column",
    risk: High,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "stop reading and writing the column in a release first; keep a backup of its values; then drop it",
    default_on: true,
    triggers: "ALTER TABLE t DROP COLUMN legacy;",
    passes: "ALTER TABLE t ADD COLUMN legacy text;",
}
