//! `adding-field-with-default` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "adding-field-with-default",
    risk: High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    flags: [rewrites: true, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "add the column without a default (or with a constant one), backfill in batches, then SET DEFAULT",
    default_on: true,
    triggers: "ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    passes: "ALTER TABLE t ADD COLUMN active boolean DEFAULT true;",
}
