//! `ban-alter-function-options` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-function-options",
    risk: Medium,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "review security and search_path changes with the owners",
    default_on: false,
    triggers: "ALTER FUNCTION f() SECURITY DEFINER;",
    passes: "SELECT 1;",
}
