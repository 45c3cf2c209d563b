//! `ban-drop-function` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-function",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: true],
    fix: "stop calling the function in a release first",
    default_on: true,
    triggers: "DROP FUNCTION f();",
    passes: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';",
}
