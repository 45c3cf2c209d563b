//! `ban-alter-domain-with-add-constraint` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-alter-domain-with-add-constraint",
    risk: Medium,
    lock: "SHARE (scans every column of the domain)",
    flags: [rewrites: false, scans: true, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "put the CHECK on the tables' columns instead",
    default_on: true,
    triggers: "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);",
    passes: "ALTER DOMAIN positive SET DEFAULT 1;",
}
