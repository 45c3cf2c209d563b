//! `require-table-schema` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {
    id: "require-table-schema",
    risk: Low,
    lock: "none",
    flags: [rewrites: false, scans: false, in_transaction: true, destroys_data: false, breaks_app: false],
    fix: "name the schema: public.t",
    default_on: false,
    triggers: "CREATE TABLE t (id bigint);",
    passes: "CREATE TABLE public.t (id bigint);",
}
