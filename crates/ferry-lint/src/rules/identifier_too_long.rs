//! `identifier-too-long` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "identifier-too-long",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "keep identifiers to 63 bytes: PostgreSQL cuts longer ones silently",
    default_on: true,
    triggers: "CREATE TABLE t (a_column_name_that_is_very_much_longer_than_sixty_three_bytes_in_all_xx bigint);",
    passes: "CREATE TABLE t (short bigint);",
}
