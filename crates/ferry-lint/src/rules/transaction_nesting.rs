//! `transaction-nesting` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "transaction-nesting",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "leave BEGIN and COMMIT to ferry, or mark the migration `-- ferry:no-transaction`",
    default_on: true,
    triggers: "BEGIN;
CREATE TABLE t (id bigint);
COMMIT;",
    passes: "CREATE TABLE t (id bigint);",
}
