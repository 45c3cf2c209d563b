//! What scripts expect of the environment they run in: schemas, extensions and roles they
//! use but do not create, a `search_path`, session settings, and psql meta-commands that
//! only psql understands.

use super::{Finding, has_seq, tokens};
use crate::{Dialect, Migration, Statement};
use std::collections::BTreeSet;

/// The environment `migrations` (their up scripts, as split for `dialect`) expect.
pub fn expectations(migrations: &[(&Migration, Vec<Statement>)], dialect: Dialect) -> Vec<Finding> {
    let mut created = Created::default();
    let mut found = Vec::new();
    for (m, statements) in migrations {
        for s in statements {
            let t = tokens(s, dialect);
            created.note(&t);
            for what in expected(&t, &created) {
                found.push(Finding {
                    version: m.label.clone(),
                    file: m.up.path.display().to_string(),
                    line: s.line,
                    what,
                });
            }
        }
        meta_commands(m, &mut found);
    }
    found
}

/// Schemas, roles and extensions the scripts create themselves (so they expect nothing).
#[derive(Default)]
struct Created {
    schemas: BTreeSet<String>,
    roles: BTreeSet<String>,
}

impl Created {
    fn note(&mut self, t: &[String]) {
        let after = |kw: &str| name_after(t, kw);
        match t.first().map(String::as_str) {
            Some("CREATE") if t.get(1).is_some_and(|w| w == "SCHEMA" || w == "DATABASE") => {
                self.schemas.extend(after(t[1].as_str()));
            }
            Some("CREATE") if t.get(1).is_some_and(|w| w == "ROLE" || w == "USER") => {
                self.roles.extend(after(t[1].as_str()));
            }
            _ => {}
        }
    }
}

/// The name after keyword `kw` (skipping `IF NOT EXISTS`), unquoted and upper-cased.
fn name_after(t: &[String], kw: &str) -> Option<String> {
    let at = t.iter().position(|w| w == kw)? + 1;
    let rest: Vec<&String> = t[at..]
        .iter()
        .skip_while(|w| matches!(w.as_str(), "IF" | "NOT" | "EXISTS"))
        .collect();
    rest.first().map(|w| unquote(w))
}

fn unquote(w: &str) -> String {
    w.trim_matches(['"', '`', '[', ']']).to_ascii_uppercase()
}

/// What one statement expects that the scripts did not create.
fn expected(t: &[String], created: &Created) -> Vec<String> {
    let first = t.first().map(String::as_str).unwrap_or_default();
    let mut out = Vec::new();
    if first == "CREATE"
        && has_seq(t, &["EXTENSION"])
        && let Some(name) = name_after(t, "EXTENSION")
    {
        out.push(format!(
            "the extension {} (installing it may need a superuser)",
            name.to_lowercase()
        ));
    }
    if first == "SET" || (first == "ALTER" && has_seq(t, &["SET"])) {
        out.extend(setting(t));
    }
    // Roles: GRANT ... TO r, OWNER TO r, SET ROLE r, policies TO r.
    for (i, w) in t.iter().enumerate() {
        let role = match (w.as_str(), i.checked_sub(1).map(|j| t[j].as_str())) {
            ("TO", Some("OWNER")) => t.get(i + 1),
            ("TO", _)
                if matches!(first, "GRANT" | "CREATE") && has_seq(t, &["POLICY"])
                    || first == "GRANT" =>
            {
                t.get(i + 1)
            }
            ("ROLE", Some("SET")) => t.get(i + 1),
            _ => None,
        };
        const NOT_ROLES: [&str; 6] = [
            "PUBLIC",
            "CURRENT_USER",
            "SESSION_USER",
            "NONE",
            "DEFAULT",
            "CURRENT_ROLE",
        ];
        if let Some(role) = role.map(|r| unquote(r))
            && !NOT_ROLES.contains(&role.as_str())
            && !created.roles.contains(&role)
        {
            out.push(format!("the role {}", role.to_lowercase()));
        }
    }
    // Objects in a schema the scripts do not create: `CREATE TABLE s.t`, `ALTER TABLE s.t`.
    if matches!(first, "CREATE" | "ALTER" | "DROP" | "INSERT" | "UPDATE")
        && let Some(dot) = t.iter().take(10).position(|w| w == ".")
        && dot > 0
    {
        let schema = unquote(&t[dot - 1]);
        if !created.schemas.contains(&schema)
            && !matches!(schema.as_str(), "PUBLIC" | "MAIN" | "TEMP" | "PG_CATALOG")
        {
            out.push(format!("the schema {}", schema.to_lowercase()));
        }
    }
    out
}

/// A session setting a statement changes (which ferry resets after each migration).
fn setting(t: &[String]) -> Option<String> {
    let at = t.iter().position(|w| w == "SET")? + 1;
    let rest: Vec<&String> = (t[at..].iter())
        .skip_while(|w| {
            matches!(
                w.as_str(),
                "SESSION" | "LOCAL" | "GLOBAL" | "@@SESSION" | "@@GLOBAL"
            )
        })
        .collect();
    // The name, with its dotted parts (`@@session.sql_mode`, `app.tenant`).
    let mut name = rest.first().map_or(String::new(), |w| w.to_string());
    for pair in rest.get(1..).unwrap_or_default().chunks(2) {
        match pair {
            [dot, part] if dot.as_str() == "." => name.push_str(&format!(".{part}")),
            _ => break,
        }
    }
    let name = name.trim_start_matches('@').to_ascii_lowercase();
    let name = name.strip_prefix("session.").unwrap_or(&name).to_owned();
    match name.as_str() {
        "" | "role" | "names" | "transaction" => None,
        "search_path" | "schema" => Some("a search_path (set by the script)".into()),
        _ if t.first().is_some_and(|w| w == "ALTER") => Some(format!(
            "the setting {name} (changed with ALTER ... SET, which outlives the migration)"
        )),
        _ => Some(format!(
            "the session setting {name} (ferry restores the session after the migration)"
        )),
    }
}

/// psql meta-commands (`\i`, `\connect`, `\set`) that only psql runs.
fn meta_commands(m: &Migration, found: &mut Vec<Finding>) {
    let Ok(text) = m.up.text() else { return };
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('\\') && t.len() > 1 && t.as_bytes()[1].is_ascii_alphabetic() {
            found.push(Finding {
                version: m.label.clone(),
                file: m.up.path.display().to_string(),
                line: n as u32 + 1,
                what: format!(
                    "psql, for the meta-command `{}` (ferry runs SQL only)",
                    t.split_whitespace().next().unwrap_or(t)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(sql: &str, dialect: Dialect) -> Vec<String> {
        super::super::findings(sql, dialect, expectations)
    }

    #[test]
    fn extensions_roles_schemas_settings_and_meta_commands() {
        let got = found(
            "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE billing.invoices (id int);\nGRANT SELECT ON billing.invoices TO reporting;\nALTER TABLE billing.invoices OWNER TO app_owner;\nSET statement_timeout = 0;\n\\i other.sql\n",
            Dialect::Postgres,
        );
        assert_eq!(
            got,
            [
                "1: the extension pgcrypto (installing it may need a superuser)",
                "2: the schema billing",
                "3: the role reporting",
                "4: the role app_owner",
                "4: the schema billing",
                "5: the session setting statement_timeout (ferry restores the session after the migration)",
                "6: psql, for the meta-command `\\i` (ferry runs SQL only)",
            ]
        );
    }

    #[test]
    fn what_the_scripts_create_is_not_expected() {
        let got = found(
            "CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\nCREATE ROLE reader;\nGRANT USAGE ON SCHEMA app TO reader;\n",
            Dialect::Postgres,
        );
        assert!(got.is_empty(), "{got:?}");
        let got = found(
            "SET FOREIGN_KEY_CHECKS = 0;\nSET NAMES utf8mb4;\n",
            Dialect::Mysql,
        );
        assert_eq!(
            got,
            [
                "1: the session setting foreign_key_checks (ferry restores the session after the migration)"
            ]
        );
    }
}
