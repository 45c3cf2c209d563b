//! `ban-drop-not-null` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-not-null",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure no reader relies on the column never being NULL",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN email DROP NOT NULL;",
    passes: "ALTER TABLE t ALTER COLUMN email SET DEFAULT '';",
}
