//! `require-enum-value-ordering` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-enum-value-ordering",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "say where the value goes: ADD VALUE ... BEFORE|AFTER",
    default_on: true,
    triggers: "ALTER TYPE mood ADD VALUE 'meh';",
    passes: "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';",
}
