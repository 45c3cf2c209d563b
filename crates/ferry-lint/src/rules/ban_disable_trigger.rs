//! `ban-disable-trigger` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-disable-trigger",
    risk: Medium,
    lock: "SHARE ROW EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "keep triggers as they are during a migration",
    default_on: false,
    triggers: "ALTER TABLE t DISABLE TRIGGER tg;",
    passes: "SELECT 1;",
}
