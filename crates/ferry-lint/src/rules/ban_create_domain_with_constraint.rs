//! `ban-create-domain-with-constraint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-create-domain-with-constraint",
    risk: Medium,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "put the CHECK on the table's column instead",
    default_on: true,
    triggers: "CREATE DOMAIN positive AS int CHECK (VALUE > 0);",
    passes: "CREATE DOMAIN name_text AS text;",
}
