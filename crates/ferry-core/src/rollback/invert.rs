//! One statement's inverse, from its sqlparser AST.

use crate::Dialect;
use sqlparser::ast::{
    AlterTableOperation, CreateFunction, CreateIndex, CreateTable, CreateTrigger, CreateView,
    ObjectName, RenameTableNameKind, SchemaName, Statement, TableConstraint,
};
use sqlparser::parser::Parser;

/// What the script created so far: a later COMMENT on one of them needs no inverse (the
/// object's DROP takes its comment along).
#[derive(Default)]
pub(super) struct Created(Vec<String>);

impl Created {
    fn add(&mut self, name: &ObjectName) {
        self.0.push(name.to_string().to_lowercase());
    }
    fn has(&self, name: &ObjectName) -> bool {
        let name = name.to_string().to_lowercase();
        self.0
            .iter()
            .any(|c| *c == name || name.starts_with(&format!("{c}.")))
    }
}

/// The statements undoing `sql`, in the order they undo its parts (reversed by the
/// caller); `Err(why)` when it has no inverse ferry can stand behind.
pub(super) fn inverse(
    sql: &str,
    dialect: Dialect,
    created: &mut Created,
) -> Result<Vec<String>, String> {
    let parsed = Parser::parse_sql(dialect.parser_dialect().as_ref(), sql)
        .map_err(|e| format!("not parsed ({e}); write its down by hand"))?;
    let mut out = Vec::new();
    for statement in &parsed {
        out.extend(one(statement, dialect, created)?);
    }
    Ok(out)
}

/// Why a `CREATE ... IF NOT EXISTS` has no inverse: the object may have been there before,
/// and dropping it would destroy what the migration did not make.
const MAY_HAVE_EXISTED: &str = "IF NOT EXISTS: the object may have existed before this migration, and dropping it would destroy it; write the down by hand";

fn one(s: &Statement, dialect: Dialect, created: &mut Created) -> Result<Vec<String>, String> {
    if if_not_exists(s) {
        return Err(MAY_HAVE_EXISTED.into());
    }
    Ok(match s {
        Statement::CreateTable(CreateTable { name, .. }) => {
            created.add(name);
            vec![format!("DROP TABLE {name}")]
        }
        Statement::CreateIndex(index) => vec![drop_index(index, dialect)?],
        Statement::CreateView(CreateView {
            name,
            materialized,
            or_replace,
            ..
        }) => {
            if *or_replace {
                return Err("CREATE OR REPLACE VIEW may replace an older view; its earlier definition is needed: write the down by hand".into());
            }
            created.add(name);
            let kind = if *materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            vec![format!("DROP {kind} {name}")]
        }
        Statement::CreateFunction(f) => vec![drop_function(f)?],
        Statement::CreateTrigger(t) => vec![drop_trigger(t, dialect)?],
        Statement::CreateType { name, .. } => {
            created.add(name);
            vec![format!("DROP TYPE {name}")]
        }
        Statement::CreateSequence { name, .. } => {
            created.add(name);
            vec![format!("DROP SEQUENCE {name}")]
        }
        Statement::CreateSchema { schema_name, .. } => match schema_name {
            SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) => {
                created.add(name);
                vec![format!("DROP SCHEMA {name}")]
            }
            SchemaName::UnnamedAuthorization(_) => {
                return Err(
                    "CREATE SCHEMA AUTHORIZATION names no schema: write the down by hand".into(),
                );
            }
        },
        Statement::CreateExtension(e) => vec![format!("DROP EXTENSION {}", e.name)],
        Statement::AlterTable(alter) => {
            let table = &alter.name;
            let mut out = Vec::new();
            for op in &alter.operations {
                out.push(alter_op(table, op, dialect, created)?);
            }
            out
        }
        Statement::Comment { object_name, .. } if created.has(object_name) => Vec::new(),
        Statement::Comment { .. } => {
            return Err(
                "COMMENT replaces an earlier comment ferry cannot see: write the down by hand"
                    .into(),
            );
        }
        Statement::Drop { .. } | Statement::DropFunction(_) => {
            return Err("DROP destroys the object (and its rows): restore it from a backup or write its CREATE by hand".into());
        }
        Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Truncate(_) => {
            return Err("a data change cannot be inverted from its text: keep a backup of the rows it changes, or write the down by hand".into());
        }
        Statement::Query(_) => Vec::new(),
        Statement::Set(set) => {
            // Where later names resolve, or who owns what they create, changes with these:
            // an inverse without them could drop another schema's table (found by an
            // adversarial trial).
            let text = set.to_string().to_ascii_lowercase();
            if text.contains("search_path") || text.contains(" role") || text.contains("schema") {
                return Err("SET of the search path, schema or role changes what later names mean: write the down by hand".into());
            }
            Vec::new()
        }
        other => {
            let words: String = other
                .to_string()
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            return Err(format!(
                "ferry knows no inverse of `{words} ...`: write the down by hand"
            ));
        }
    })
}

/// Whether the statement creates something only if it is not there yet.
fn if_not_exists(s: &Statement) -> bool {
    match s {
        Statement::CreateTable(t) => t.if_not_exists,
        Statement::CreateIndex(i) => i.if_not_exists,
        Statement::CreateView(v) => v.if_not_exists,
        Statement::CreateSequence { if_not_exists, .. }
        | Statement::CreateSchema { if_not_exists, .. } => *if_not_exists,
        Statement::CreateExtension(e) => e.if_not_exists,
        Statement::AlterTable(a) => a.operations.iter().any(|op| {
            matches!(
                op,
                AlterTableOperation::AddColumn {
                    if_not_exists: true,
                    ..
                }
            )
        }),
        _ => false,
    }
}

fn drop_index(index: &CreateIndex, dialect: Dialect) -> Result<String, String> {
    let Some(name) = &index.name else {
        return Err("CREATE INDEX without a name: name the index so its down can drop it".into());
    };
    // An index lives in its table's schema: DROP INDEX needs that schema too.
    let name = match (dialect, name.0.len(), index.table_name.0.len()) {
        (Dialect::Postgres, 1, 2) => format!("{}.{name}", index.table_name.0[0]),
        _ => name.to_string(),
    };
    Ok(match dialect {
        Dialect::Mysql => format!("DROP INDEX {name} ON {}", index.table_name),
        _ if index.concurrently => format!("DROP INDEX CONCURRENTLY {name}"),
        _ => format!("DROP INDEX {name}"),
    })
}

fn drop_function(f: &CreateFunction) -> Result<String, String> {
    if f.or_replace {
        return Err("CREATE OR REPLACE FUNCTION may replace an older function; its earlier body is needed: write the down by hand".into());
    }
    let types: Vec<String> = (f.args.iter().flatten())
        .map(|a| a.data_type.to_string())
        .collect();
    Ok(format!("DROP FUNCTION {}({})", f.name, types.join(", ")))
}

fn drop_trigger(t: &CreateTrigger, dialect: Dialect) -> Result<String, String> {
    if t.or_replace {
        return Err(
            "CREATE OR REPLACE TRIGGER may replace an older trigger: write the down by hand".into(),
        );
    }
    Ok(match dialect {
        Dialect::Postgres => format!("DROP TRIGGER {} ON {}", t.name, t.table_name),
        _ => format!("DROP TRIGGER {}", t.name),
    })
}

fn alter_op(
    table: &ObjectName,
    op: &AlterTableOperation,
    dialect: Dialect,
    created: &Created,
) -> Result<String, String> {
    let alter = |what: String| format!("ALTER TABLE {table} {what}");
    Ok(match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            alter(format!("DROP COLUMN {}", column_def.name))
        }
        AlterTableOperation::AddConstraint { constraint, .. } => {
            drop_constraint(table, constraint, dialect)?
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => alter(format!(
            "RENAME COLUMN {new_column_name} TO {old_column_name}"
        )),
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
            // The old name, unqualified: RENAME TO takes a bare name.
            let old = table.0.last().map(ToString::to_string).unwrap_or_default();
            format!("ALTER TABLE {new} RENAME TO {old}")
        }
        AlterTableOperation::RenameConstraint { old_name, new_name } => {
            alter(format!("RENAME CONSTRAINT {new_name} TO {old_name}"))
        }
        AlterTableOperation::EnableTrigger { name } => alter(format!("DISABLE TRIGGER {name}")),
        AlterTableOperation::DisableTrigger { name } => alter(format!("ENABLE TRIGGER {name}")),
        AlterTableOperation::DropColumn { .. } => {
            return Err("DROP COLUMN destroys the column's values: restore them from a backup, or write the down by hand".into());
        }
        AlterTableOperation::AlterColumn { .. }
        | AlterTableOperation::ModifyColumn { .. }
        | AlterTableOperation::ChangeColumn { .. } => {
            return Err("the column's earlier definition (type, default, nullability) is not in the up script: write the down by hand".into());
        }
        _ if created.has(table) => {
            return Err(
                "ferry knows no inverse of this ALTER TABLE operation: write the down by hand"
                    .into(),
            );
        }
        _ => {
            return Err(
                "ferry knows no inverse of this ALTER TABLE operation: write the down by hand"
                    .into(),
            );
        }
    })
}

/// DROP CONSTRAINT (MySQL: DROP FOREIGN KEY / CHECK / INDEX / PRIMARY KEY by kind).
fn drop_constraint(
    table: &ObjectName,
    c: &TableConstraint,
    dialect: Dialect,
) -> Result<String, String> {
    let unnamed =
        || "ADD CONSTRAINT without a name: name the constraint so its down can drop it".to_string();
    let alter = |what: String| Ok(format!("ALTER TABLE {table} {what}"));
    match (dialect, c) {
        (Dialect::Mysql, TableConstraint::PrimaryKey(_)) => alter("DROP PRIMARY KEY".into()),
        (_, TableConstraint::PrimaryKey(k)) => alter(format!("DROP CONSTRAINT {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (Dialect::Mysql, TableConstraint::ForeignKey(k)) => alter(format!("DROP FOREIGN KEY {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (Dialect::Mysql, TableConstraint::Check(k)) => alter(format!("DROP CHECK {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (Dialect::Mysql, TableConstraint::Unique(k)) => alter(format!("DROP INDEX {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (Dialect::Sqlite, _) => Err("SQLite cannot drop a constraint: the down must rebuild the table (create a copy without it, copy the rows, swap)".into()),
        (_, TableConstraint::ForeignKey(k)) => alter(format!("DROP CONSTRAINT {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (_, TableConstraint::Check(k)) => alter(format!("DROP CONSTRAINT {}", k.name.as_ref().ok_or_else(unnamed)?)),
        (_, TableConstraint::Unique(k)) => alter(format!("DROP CONSTRAINT {}", k.name.as_ref().ok_or_else(unnamed)?)),
        _ => Err("ferry knows no inverse of this constraint: write the down by hand".into()),
    }
}
