#!/usr/bin/env python3
"""Writes crates/ferry-lint/src/rules/<id>.rs for the PostgreSQL rules whose detection is
squawk's: ferry's metadata for each (risk, lock, rewrite, scan, transaction, data loss,
breaking change, fix) and its snapshot tests on SQL that triggers it and SQL that must not.
Run it again after editing the table; files of ferry's own rules are not touched."""
import os, sys
H, M, L = "High", "Medium", "Low"
AE, SRE, SH, NONE = "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "none"
# id, risk, lock, rewrites, scans, in_tx, destroys, breaks, opt_in, fix, trigger, ok
R = [
("require-concurrent-index-creation", H, SH + " (blocks writes while the index builds)", 0,1,1,0,0,0,
 "CREATE INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
 "CREATE TABLE t (id int);\nCREATE INDEX t_id ON big (id);", "CREATE INDEX CONCURRENTLY t_id ON big (id);"),
("require-concurrent-index-deletion", M, AE, 0,0,1,0,0,0,
 "DROP INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
 "DROP INDEX t_id;", "DROP INDEX CONCURRENTLY t_id;"),
("constraint-missing-not-valid", H, AE + " (scans the table to validate)", 0,1,1,0,0,0,
 "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration",
 "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0);", "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;"),
("adding-field-with-default", H, AE + " (rewrites the table)", 1,1,1,0,0,0,
 "add the column without a default (or with a constant one), backfill in batches, then SET DEFAULT",
 "ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();", "ALTER TABLE t ADD COLUMN active boolean DEFAULT true;"),
("adding-foreign-key-constraint", H, SRE + " on both tables (scans the table)", 0,1,1,0,0,0,
 "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later migration",
 "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id);", "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"),
("changing-column-type", H, AE + " (rewrites the table)", 1,1,1,0,1,0,
 "add a new column, keep both written (a dual-write trigger), backfill in batches, switch readers, then drop the old one",
 "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "ALTER TABLE t ADD COLUMN id_big bigint;"),
("adding-not-nullable-field", H, AE + " (scans the table)", 0,1,1,0,0,0,
 "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (it uses the check) and drop the check",
 "ALTER TABLE t ALTER COLUMN email SET NOT NULL;", "ALTER TABLE t ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;"),
("adding-serial-primary-key-field", H, AE + " (builds the index)", 0,1,1,0,0,0,
 "CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX",
 "ALTER TABLE t ADD PRIMARY KEY (id);", "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_id;"),
("renaming-column", H, AE + " (brief)", 0,0,1,0,1,0,
 "add the new column, write both, move readers, then drop the old one (expand and contract)",
 "ALTER TABLE t RENAME COLUMN email TO mail;", "ALTER TABLE t ADD COLUMN mail text;"),
("renaming-table", H, AE + " (brief)", 0,0,1,0,1,0,
 "create the new table or a view under the new name, move readers, then drop the old name",
 "ALTER TABLE t RENAME TO people;", "CREATE VIEW people AS SELECT * FROM t;"),
("disallowed-unique-constraint", H, AE + " (builds the index)", 0,1,1,0,0,0,
 "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX",
 "ALTER TABLE t ADD CONSTRAINT t_email UNIQUE (email);", "ALTER TABLE t ADD CONSTRAINT t_email UNIQUE USING INDEX t_email_idx;"),
("ban-drop-database", H, AE + " on the database", 0,0,0,1,1,0,
 "drop databases by hand, never in a migration", "DROP DATABASE app;", "SELECT 1;"),
("prefer-bigint-over-int", L, NONE, 0,0,1,0,0,0,
 "use bigint: changing the type later rewrites the table", "CREATE TABLE t (id int);", "CREATE TABLE t (id bigint);"),
("prefer-bigint-over-smallint", L, NONE, 0,0,1,0,0,0,
 "use bigint: changing the type later rewrites the table", "CREATE TABLE t (n smallint);", "CREATE TABLE t (n bigint);"),
("prefer-identity", L, NONE, 0,0,1,0,0,0,
 "use `bigint GENERATED ALWAYS AS IDENTITY`", "CREATE TABLE t (id serial);", "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY);"),
("prefer-repack", H, AE + " (rewrites the table)", 1,1,0,0,0,0,
 "pg_repack, or REPACK (CONCURRENTLY) on PostgreSQL 19+", "CLUSTER t USING t_pkey;", "SELECT 1;"),
("prefer-robust-stmts", L, NONE, 0,0,1,0,0,0,
 "IF [NOT] EXISTS, so that a migration that failed part-way without a transaction can run again",
 "-- ferry:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);", "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);"),
("prefer-text-field", L, NONE, 0,0,1,0,0,0,
 "use text with a CHECK on its length: a longer varchar(n) later takes " + AE, "CREATE TABLE t (name varchar(100));", "CREATE TABLE t (name text);"),
("prefer-timestamp-tz", L, NONE, 0,0,1,0,0,0,
 "use timestamptz", "CREATE TABLE t (at timestamp);", "CREATE TABLE t (at timestamptz);"),
("ban-char-field", L, NONE, 0,0,1,0,0,0,
 "use text (or varchar): char(n) pads and compares oddly", "CREATE TABLE t (code char(3));", "CREATE TABLE t (code text);"),
("ban-drop-column", H, AE + " (brief)", 0,0,1,1,1,0,
 "stop reading and writing the column in a release first; keep a backup of its values; then drop it",
 "ALTER TABLE t DROP COLUMN legacy;", "ALTER TABLE t ADD COLUMN legacy text;"),
("ban-drop-table", H, AE, 0,0,1,1,1,0,
 "stop using the table in a release first; keep a backup (or rename it and drop it later)", "DROP TABLE t;", "CREATE TABLE t (id bigint);"),
("ban-drop-not-null", M, AE + " (brief)", 0,0,1,0,1,0,
 "make sure no reader relies on the column never being NULL", "ALTER TABLE t ALTER COLUMN email DROP NOT NULL;", "ALTER TABLE t ALTER COLUMN email SET DEFAULT '';"),
("transaction-nesting", M, NONE, 0,0,1,0,0,0,
 "leave BEGIN and COMMIT to ferry, or mark the migration `-- ferry:no-transaction`", "BEGIN;\nCREATE TABLE t (id bigint);\nCOMMIT;", "CREATE TABLE t (id bigint);"),
("adding-required-field", H, AE, 0,0,1,0,0,0,
 "add the column nullable or with a default, backfill, then SET NOT NULL", "ALTER TABLE t ADD COLUMN email text NOT NULL;", "ALTER TABLE t ADD COLUMN email text NOT NULL DEFAULT '';"),
("ban-concurrent-index-creation-in-transaction", H, NONE, 0,1,0,0,0,0,
 "mark the migration `-- ferry:no-transaction`: CONCURRENTLY cannot run in a transaction", "CREATE TABLE t (id bigint);\nCREATE INDEX CONCURRENTLY t_id ON t (id);", "-- ferry:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);"),
("ban-create-domain-with-constraint", M, NONE, 0,0,1,0,0,0,
 "put the CHECK on the table's column instead", "CREATE DOMAIN positive AS int CHECK (VALUE > 0);", "CREATE DOMAIN name_text AS text;"),
("unused-ignore", L, NONE, 0,0,1,0,0,0, "remove the squawk-ignore comment", "-- squawk-ignore no-such-rule\nSELECT 1;", "SELECT 1;"),
("ban-alter-domain-with-add-constraint", M, "SHARE (scans every column of the domain)", 0,1,1,0,0,0,
 "put the CHECK on the tables' columns instead", "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);", "ALTER DOMAIN positive SET DEFAULT 1;"),
("ban-truncate-cascade", H, AE + " on every table it reaches", 0,0,1,1,0,0,
 "TRUNCATE the tables you mean, by name", "TRUNCATE t CASCADE;", "TRUNCATE t;"),
("ban-uncommitted-transaction", M, NONE, 0,0,1,0,0,0, "end the transaction you begin", "BEGIN;\nCREATE TABLE t (id bigint);", "CREATE TABLE t (id bigint);"),
("require-enum-value-ordering", L, NONE, 0,0,1,0,0,0, "say where the value goes: ADD VALUE ... BEFORE|AFTER", "ALTER TYPE mood ADD VALUE 'meh';", "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';"),
("require-table-schema", L, NONE, 0,0,1,0,0,1, "name the schema: public.t", "CREATE TABLE t (id bigint);", "CREATE TABLE public.t (id bigint);"),
("identifier-too-long", M, NONE, 0,0,1,0,0,0, "keep identifiers to 63 bytes: PostgreSQL cuts longer ones silently",
 "CREATE TABLE t (a_column_name_that_is_very_much_longer_than_sixty_three_bytes_in_all_xx bigint);", "CREATE TABLE t (short bigint);"),
("require-concurrent-partition-detach", H, AE + " on the parent", 0,0,1,0,0,0, "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), without a transaction",
 "ALTER TABLE t DETACH PARTITION t_2024;", "-- ferry:no-transaction\nALTER TABLE t DETACH PARTITION t_2024 CONCURRENTLY;"),
("require-concurrent-reindex", H, AE, 0,1,1,0,0,0, "REINDEX ... CONCURRENTLY, without a transaction", "REINDEX INDEX t_id;", "-- ferry:no-transaction\nREINDEX INDEX CONCURRENTLY t_id;"),
("require-lock-timeout", L, NONE, 0,0,1,0,0,0, "SET lock_timeout = '2s' first: waiting for a lock blocks everything queued behind it",
 "ALTER TABLE t ADD COLUMN c text;", "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN c text;"),
("require-statement-timeout", L, NONE, 0,0,1,0,0,0, "SET statement_timeout first, so a statement cannot hold its lock for ever",
 "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c text;", "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN c text;"),
("ban-duplicate-column-assignments", M, NONE, 0,0,1,0,0,0, "assign each column once", "UPDATE t SET a = 1, a = 2;", "UPDATE t SET a = 1, b = 2;"),
("ban-drop-view", H, AE, 0,0,1,0,1,0, "stop reading the view in a release first", "DROP VIEW v;", "CREATE VIEW v AS SELECT 1;"),
("ban-drop-function", H, AE, 0,0,1,0,1,0, "stop calling the function in a release first", "DROP FUNCTION f();", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';"),
("ban-drop-type", H, AE, 0,0,1,1,1,0, "stop using the type in a release first", "DROP TYPE mood;", "CREATE TYPE mood AS ENUM ('ok');"),
("ban-drop-default", M, AE + " (brief)", 0,0,1,0,1,0, "make sure every writer sets the column first", "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;", "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;"),
("ban-drop-trigger", M, AE, 0,0,1,0,1,1, "make sure nothing relies on what the trigger did", "DROP TRIGGER tg ON t;", "SELECT 1;"),
("ban-drop-schema", H, AE + " on every object in it", 0,0,1,1,1,0, "drop schemas by hand, after a backup", "DROP SCHEMA audit;", "CREATE SCHEMA audit;"),
("ban-drop-sequence", H, AE, 0,0,1,1,1,0, "stop using the sequence in a release first", "DROP SEQUENCE s;", "CREATE SEQUENCE s;"),
("ban-drop-domain", H, AE, 0,0,1,1,1,0, "stop using the domain in a release first", "DROP DOMAIN positive;", "SELECT 1;"),
("ban-drop-constraint", M, AE + " (brief)", 0,0,1,0,1,0, "make sure nothing relies on the constraint holding", "ALTER TABLE t DROP CONSTRAINT positive;", "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;"),
("ban-drop-generated-expression", M, AE, 1,1,1,0,1,0, "make sure every writer sets the column first", "ALTER TABLE t ALTER COLUMN total DROP EXPRESSION;", "SELECT 1;"),
("renaming-object", H, AE + " (brief)", 0,0,1,0,1,0, "create the object under the new name and move users to it before dropping the old one", "ALTER VIEW v RENAME TO w;", "CREATE VIEW w AS SELECT 1;"),
("ban-set-schema", H, AE + " (brief)", 0,0,1,0,1,0, "keep the object where its users look for it; add it to the search path instead", "ALTER TABLE t SET SCHEMA archive;", "SELECT 1;"),
("ban-alter-identity", M, AE, 0,0,1,0,1,0, "leave identity columns as they are, or move to a new column", "ALTER TABLE t ALTER COLUMN id DROP IDENTITY;", "SELECT 1;"),
("ban-drop-extension", H, AE, 0,0,1,1,1,0, "drop extensions by hand, after checking what uses them", "DROP EXTENSION pgcrypto;", "CREATE EXTENSION IF NOT EXISTS pgcrypto;"),
("ban-alter-generated-expression", M, AE + " (rewrites the table)", 1,1,1,0,1,1, "add a new generated column instead", "ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (a + b);", "SELECT 1;"),
("ban-drop-index", M, AE, 0,0,1,0,0,1, "check the plans that use the index first", "DROP INDEX CONCURRENTLY t_id;", "CREATE INDEX CONCURRENTLY t_id ON t (id);"),
("ban-set-default", L, AE + " (brief)", 0,0,1,0,0,1, "make sure writers expect the new default", "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;", "SELECT 1;"),
("ban-disable-trigger", M, SRE, 0,0,1,0,1,1, "keep triggers as they are during a migration", "ALTER TABLE t DISABLE TRIGGER tg;", "SELECT 1;"),
("ban-replica-identity", M, AE, 0,0,1,0,1,1, "coordinate replication changes outside migrations", "ALTER TABLE t REPLICA IDENTITY FULL;", "SELECT 1;"),
("ban-drop-policy", M, AE, 0,0,1,0,1,1, "check who the policy protected", "DROP POLICY p ON t;", "SELECT 1;"),
("ban-revoke", M, NONE, 0,0,1,0,1,1, "check who loses access", "REVOKE SELECT ON t FROM app;", "GRANT SELECT ON t TO app;"),
("ban-replace-view-function", M, AE, 0,0,1,0,1,1, "create a new view or function and move callers to it", "CREATE OR REPLACE VIEW v AS SELECT 1;", "CREATE VIEW v AS SELECT 1;"),
("ban-alter-policy-condition", M, AE, 0,0,1,0,1,1, "check who gains or loses rows", "ALTER POLICY p ON t USING (true);", "SELECT 1;"),
("ban-alter-policy-roles", M, AE, 0,0,1,0,1,1, "check who gains or loses access", "ALTER POLICY p ON t TO app;", "SELECT 1;"),
("ban-create-policy", M, AE, 0,0,1,0,1,1, "check which rows each role loses", "CREATE POLICY p ON t USING (true);", "SELECT 1;"),
("ban-alter-function-options", M, AE, 0,0,1,0,1,1, "review security and search_path changes with the owners", "ALTER FUNCTION f() SECURITY DEFINER;", "SELECT 1;"),
("ban-alter-view-options", M, AE, 0,0,1,0,1,1, "review security_barrier and check option changes", "ALTER VIEW v SET (security_barrier = true);", "SELECT 1;"),
("ban-alter-role-options", M, NONE, 0,0,1,0,1,1, "change roles outside migrations", "ALTER ROLE app WITH SUPERUSER;", "SELECT 1;"),
("ban-alter-database-options", M, NONE, 0,0,1,0,1,1, "change database settings outside migrations", "ALTER DATABASE app SET timezone = 'UTC';", "SELECT 1;"),
("ban-alter-row-level-security", M, AE, 0,0,1,0,1,1, "check which rows each role loses", "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", "SELECT 1;"),
("ban-new-write-restriction", M, AE, 0,0,1,0,1,1, "make sure every writer already obeys it", "ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0) NOT VALID;", "SELECT 1;"),
("ban-add-enum-value", L, "EXCLUSIVE on the type (brief)", 0,0,1,0,1,1, "make sure readers accept the new value", "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';", "SELECT 1;"),
("ban-add-composite-attribute", L, AE, 0,0,1,0,1,1, "make sure readers accept the new attribute", "ALTER TYPE pair ADD ATTRIBUTE c int;", "SELECT 1;"),
("ban-add-column", L, AE + " (brief)", 0,0,1,0,1,1, "make sure `SELECT *` readers accept the new column", "ALTER TABLE t ADD COLUMN c text;", "SELECT 1;"),
("ban-detach-inheritance", M, AE, 0,0,1,0,1,1, "check the queries on the parent", "ALTER TABLE t_2024 NO INHERIT t;", "SELECT 1;"),
("ban-alter-sequence-values", M, AE, 0,0,1,0,1,1, "check who relies on the sequence's values", "ALTER SEQUENCE s RESTART WITH 1;", "SELECT 1;"),
("ban-alter-system-options", H, NONE, 0,0,0,0,1,1, "change server settings outside migrations", "ALTER SYSTEM SET work_mem = '64MB';", "SELECT 1;"),
("ban-alter-extension", M, AE, 0,0,1,0,1,1, "upgrade extensions by hand, after reading their notes", "ALTER EXTENSION pgcrypto UPDATE;", "SELECT 1;"),
]
out = sys.argv[1] if len(sys.argv) > 1 else "crates/ferry-lint/src/rules"
b = lambda v: "true" if v else "false"
q = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')
names = []
for (rid, risk, lock, rw, sc, tx, de, br, optin, fix, trig, ok) in R:
    mod = rid.replace("-", "_")
    names.append((rid, mod))
    with open(os.path.join(out, mod + ".rs"), "w") as f:
        f.write(f'''//! `{rid}` (PostgreSQL; found by squawk's rule of the same id).

crate::squawk_rule! {{
    id: "{rid}",
    risk: {risk},
    lock: "{q(lock)}",
    flags: [rewrites: {b(rw)}, scans: {b(sc)}, in_transaction: {b(tx)}, destroys_data: {b(de)}, breaks_app: {b(br)}],
    fix: "{q(fix)}",
    default_on: {b(not optin)},
    triggers: "{q(trig)}",
    passes: "{q(ok)}",
}}
''')
with open(os.path.join(out, "squawk.rs"), "w") as f:
    f.write("//! The rules found by squawk (generated by scripts/lint_rules.py).\n\n")
    f.write("use crate::model::Rule;\n\n/// Every rule whose detection is squawk's.\npub static RULES: &[&Rule] = &[\n")
    for rid, mod in names:
        f.write(f"    &super::{mod}::RULE,\n")
    f.write("];\n")
with open(os.path.join(out, "squawk_mods.rs"), "w") as f:
    for rid, mod in names:
        f.write(f"pub mod {mod};\n")
print(len(R), "rules")
