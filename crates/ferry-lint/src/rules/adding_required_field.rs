//! `adding-required-field` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "adding-required-field",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "add the column nullable or with a default, backfill, then SET NOT NULL",
    default_on: true,
    triggers: "ALTER TABLE t ADD COLUMN email text NOT NULL;",
    passes: "ALTER TABLE t ADD COLUMN email text NOT NULL DEFAULT '';",
}
