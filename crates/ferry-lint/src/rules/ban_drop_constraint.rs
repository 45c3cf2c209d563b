//! `ban-drop-constraint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-constraint",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE (brief)",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "make sure nothing relies on the constraint holding",
    default_on: true,
    triggers: "ALTER TABLE t DROP CONSTRAINT positive;",
    passes: "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;",
}
