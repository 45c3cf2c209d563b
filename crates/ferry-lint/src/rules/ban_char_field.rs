//! `ban-char-field` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-char-field",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "use text (or varchar): char(n) pads and compares oddly",
    default_on: true,
    triggers: "CREATE TABLE t (code char(3));",
    passes: "CREATE TABLE t (code text);",
}
