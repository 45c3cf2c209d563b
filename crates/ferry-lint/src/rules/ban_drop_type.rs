//! `ban-drop-type` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "ban-drop-type",
    risk: High,
    lock: "ACCESS EXCLUSIVE",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: true, breaks_app: true],
    fix: "stop using the type in a release first",
    default_on: true,
    triggers: "DROP TYPE mood;",
    passes: "CREATE TYPE mood AS ENUM ('ok');",
}
