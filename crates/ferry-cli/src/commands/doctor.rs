//! `ferry doctor`: what ferry finds in a folder, and in the database if it can reach it.
//! Changes nothing and creates nothing.

use crate::cli::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use crate::session::{connect_options, open_folder};
use ferry_core::doctor::{self, Finding};
use ferry_core::{
    Dialect, Migration, ServerFacts, Statement, TxMode, execution, redact_url, tools,
};
use serde::Serialize;

/// Everything the doctor found.
#[derive(Debug, Serialize)]
struct Report {
    folder: String,
    engine: Dialect,
    layout: String,
    layout_reason: String,
    migrations: usize,
    not_read: Vec<Entry>,
    skipped: Vec<Entry>,
    order_differs: Vec<(String, String)>,
    without_transaction: Vec<Finding>,
    empty_down_scripts: Vec<Entry>,
    expects: Vec<Finding>,
    needs: Vec<Finding>,
    database: Database,
}

/// A file and what about it.
#[derive(Debug, Serialize)]
struct Entry {
    path: String,
    why: String,
}

/// What the database holds, if it could be reached.
#[derive(Debug, Serialize)]
struct Database {
    url: String,
    reached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    other_tools: Vec<OtherTool>,
}

#[derive(Debug, Serialize)]
struct OtherTool {
    tool: &'static str,
    table: String,
}

/// Runs `ferry doctor`.
pub async fn run(global: &Global) -> Result<(), CliError> {
    let config = Config::load(global)?;
    let dialect = ferry_engine::dialect_of(&config.url)?;
    let folder = open_folder(&config, false)?;
    let (layout, layout_reason) = (folder.layout().to_string(), folder.why().to_owned());
    let loaded = folder.load()?;
    let entries = |list: Vec<(std::path::PathBuf, String)>| {
        (list.into_iter())
            .map(|(p, why)| Entry {
                path: p.display().to_string(),
                why,
            })
            .collect()
    };
    let skipped = loaded
        .skipped
        .into_iter()
        .map(|s| (s.path, s.why))
        .collect();
    let migrations = loaded.source.resolve(dialect);
    let mut not_read: Vec<Entry> = entries(loaded.unread);
    let mut split: Vec<(&Migration, Vec<Statement>)> = Vec::new();
    for m in &migrations {
        match m.up.statements(dialect) {
            Ok(statements) => split.push((m, statements)),
            // What cannot run on this engine yet is a finding here, not the end of the report.
            Err(ferry_core::LoadError::Unusable { path, message }) => not_read.push(Entry {
                path: path.display().to_string(),
                why: format!("cannot run on {dialect}: {message}"),
            }),
            Err(e) => return Err(e.into()),
        }
    }
    let report = Report {
        folder: config.dir.display().to_string(),
        engine: dialect,
        layout,
        layout_reason,
        migrations: migrations.len(),
        not_read,
        skipped: entries(skipped),
        order_differs: doctor::order_differences(&migrations, 10),
        without_transaction: without_transaction(&split, dialect),
        empty_down_scripts: empty_downs(&migrations, dialect)?,
        expects: doctor::expectations(&split, dialect),
        needs: doctor::needs(&split, dialect),
        database: database(&config).await,
    };
    if global.json {
        out(&serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        out(render(&report).trim_end());
    }
    Ok(())
}

/// Scripts that run without a transaction on `dialect`, and why.
fn without_transaction(split: &[(&Migration, Vec<Statement>)], dialect: Dialect) -> Vec<Finding> {
    let server = ServerFacts {
        dialect,
        major_version: None,
        transactional_ddl: dialect != Dialect::Mysql,
    };
    let mut found = Vec::new();
    for (m, statements) in split {
        let run = execution(&m.up.directives, statements.clone(), server);
        let what = match (&run.mode, &run.record_only) {
            (_, Some(marker)) => format!("recorded without running: the file says {marker}"),
            (TxMode::NoTransaction(reason), _) => reason.to_string(),
            (TxMode::Transaction, None) => continue,
        };
        found.push(Finding {
            version: m.label.clone(),
            file: m.up.path.display().to_string(),
            line: 1,
            what,
        });
    }
    found
}

/// Down scripts with no statements: rolling back their migration undoes nothing.
fn empty_downs(migrations: &[Migration], dialect: Dialect) -> Result<Vec<Entry>, CliError> {
    let mut found = Vec::new();
    for m in migrations {
        let Some(down) = &m.down else { continue };
        if down.load()?.statements(dialect)?.is_empty() {
            found.push(Entry {
                path: down.path().display().to_string(),
                why: format!("rolling back {} undoes nothing", m.label),
            });
        }
    }
    Ok(found)
}

/// Other tools' history tables in the database; an unreachable database is reported, not
/// an error (the folder is worth a look without it).
async fn database(config: &Config) -> Database {
    let url = redact_url(&config.url);
    let listed = async {
        let mut db = ferry_engine::connect(&config.url, &connect_options(config, false)).await?;
        let tables = db
            .table_names()
            .await
            .map_err(ferry_engine::EngineError::db("listing tables"));
        db.close().await;
        tables
    };
    match listed.await {
        Ok(tables) => Database {
            url,
            reached: true,
            error: None,
            other_tools: (tools::found_in(&tables).into_iter())
                .map(|(tool, table)| OtherTool {
                    tool: tool.name(),
                    table: table.to_owned(),
                })
                .collect(),
        },
        Err(e) => Database {
            url,
            reached: false,
            error: Some(e.to_string()),
            other_tools: Vec::new(),
        },
    }
}

fn render(r: &Report) -> String {
    let mut text = format!(
        "folder: {} ({} migration(s) for {})\nlayout: {} ({})\n",
        r.folder, r.migrations, r.engine, r.layout, r.layout_reason
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            text.push_str(&format!("{title}:\n"));
            for line in lines {
                text.push_str(&format!("  {line}\n"));
            }
        }
    };
    let entries = |list: &[Entry]| {
        list.iter()
            .map(|e| format!("{}: {}", e.path, e.why))
            .collect()
    };
    let findings = |list: &[Finding]| {
        list.iter()
            .map(|f| format!("{}:{}: {}", f.file, f.line, f.what))
            .collect()
    };
    section(
        "not read (commands refuse until these are fixed, removed or listed in `ignore`)",
        entries(&r.not_read),
    );
    section("skipped", entries(&r.skipped));
    section(
        "order (differs from a plain file-name sort)",
        r.order_differs
            .iter()
            .map(|(a, b)| format!("{a} runs before {b}"))
            .collect(),
    );
    section("without a transaction", findings(&r.without_transaction));
    section("empty down scripts", entries(&r.empty_down_scripts));
    section("expects", findings(&r.expects));
    section("needs", findings(&r.needs));
    let db = &r.database;
    let line = match (&db.error, db.other_tools.as_slice()) {
        (Some(e), _) => format!("database: {} not reached: {e}", db.url),
        (None, []) => format!("database: {}: no other tool's history table", db.url),
        (None, found) => format!(
            "database: {}: other tools' history tables: {} (`ferry import-history --from TOOL` records them as ferry's)",
            db.url,
            found
                .iter()
                .map(|t| format!("{} ({})", t.table, t.tool))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    text.push_str(&line);
    text
}
