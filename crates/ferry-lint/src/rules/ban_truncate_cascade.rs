//! `ban-truncate-cascade` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-truncate-cascade",
    risk: High,
    lock: "ACCESS EXCLUSIVE on every table it reaches",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: false],
    fix: "TRUNCATE the tables you mean, by name",
    default_on: true,
    triggers: "TRUNCATE t CASCADE;",
    passes: "TRUNCATE t;",
}
