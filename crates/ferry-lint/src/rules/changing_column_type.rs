//! `changing-column-type` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "changing-column-type",
    risk: High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    flags: [rewrites: true, scans: true, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "add a new column, keep both written (a dual-write trigger), backfill in batches, switch readers, then drop the old one",
    default_on: true,
    triggers: "ALTER TABLE t ALTER COLUMN id TYPE bigint;",
    passes: "ALTER TABLE t ADD COLUMN id_big bigint;",
}
