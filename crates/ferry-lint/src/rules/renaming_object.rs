//! `renaming-object` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "renaming-object",
    risk: High,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "create the object under the new name and move users to it before dropping the old one",
    default_on: true,
    triggers: "ALTER VIEW v RENAME TO w;",
    passes: "CREATE VIEW w AS SELECT 1;",
}
