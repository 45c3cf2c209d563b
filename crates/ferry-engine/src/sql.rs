//! The SQL text of ferry's own tables, per dialect. Generated once per connection.

use crate::NewRow;
use ferry_core::Dialect;

/// Names of ferry's tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNames {
    /// The history table, optionally schema-qualified (`app.ferry_migrations`).
    pub history: String,
    /// The events table, optionally schema-qualified.
    pub events: String,
    /// The installed plugins' versions, optionally schema-qualified.
    pub plugins: String,
    /// The schema snapshots taken after each migrate, optionally schema-qualified.
    pub snapshots: String,
}

impl Default for TableNames {
    fn default() -> Self {
        TableNames {
            history: "ferry_migrations".into(),
            events: "ferry_events".into(),
            plugins: "ferry_plugins".into(),
            snapshots: "ferry_snapshots".into(),
        }
    }
}

/// Every statement ferry runs against its own tables, for one dialect.
#[derive(Clone, Debug)]
pub(crate) struct HistorySql {
    pub create: Vec<String>,
    /// Returns one row (any text) if the history table exists; takes the table name.
    pub exists: String,
    pub exists_arg: String,
    /// Reads every row, without the stored down scripts.
    pub select: String,
    /// Reads every row with the stored down scripts, for commands that roll back.
    pub select_with_down: String,
    /// Inserts a row; returns its id when `last_id` is `None`.
    pub insert: String,
    /// The start of an INSERT whose values are written out (see [`HistorySql::insert_literal`]),
    /// where the engine runs a script and this row in one batch.
    pub insert_values: Option<String>,
    pub last_id: Option<String>,
    pub set_finished: String,
    pub set_failed: String,
    pub set_reverted: String,
    pub set_rolling_back: String,
    pub set_state: String,
    pub set_down: String,
    pub set_checksum: String,
    pub insert_event: String,
    /// Widens the checksum column, where lengths are enforced.
    pub widen_checksum: Option<String>,
    /// The plugins table's statements.
    pub plugins: PluginSql,
    /// The snapshots table's statements.
    pub snapshots: SnapshotSql,
}

/// The statements of the table of schema snapshots.
#[derive(Clone, Debug)]
pub(crate) struct SnapshotSql {
    pub create: String,
    /// Returns one row if the table exists; takes `exists_arg`.
    pub exists: String,
    pub exists_arg: String,
    /// Takes command, format, schema JSON, row counts JSON, ferry version.
    pub insert: String,
    /// The newest snapshot: taken_at, command, schema JSON, row counts JSON.
    pub select_last: String,
}

impl SnapshotSql {
    fn new(dialect: Dialect, name: &str, p: &dyn Fn(usize) -> String) -> SnapshotSql {
        let f = flavor(dialect);
        let t = quote_name(name, f.quote);
        let (exists, exists_arg) = exists_query(dialect, name, &t);
        let (idt, tt, tm, now) = (f.id_column, f.text_type, f.time_type, f.now);
        let limit = |q: String| format!("{q} ORDER BY id DESC LIMIT 1");
        SnapshotSql {
            create: format!(
                "CREATE TABLE IF NOT EXISTS {t} ({idt}, taken_at {tm} NOT NULL, command VARCHAR(32) NOT NULL, \
                 format BIGINT NOT NULL, schema_json {tt} NOT NULL, row_counts {tt}, ferry_version VARCHAR(32) NOT NULL)"
            ),
            exists,
            exists_arg,
            insert: format!(
                "INSERT INTO {t} (taken_at, command, format, schema_json, row_counts, ferry_version) VALUES ({now}, {}, {}, {}, {}, {})",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5)
            ),
            select_last: limit(format!(
                "SELECT {} AS taken_at, command, schema_json, row_counts FROM {t}",
                (f.time_as_text)("taken_at")
            )),
        }
    }
}

/// The statements of the table of installed plugins' versions.
#[derive(Clone, Debug)]
pub(crate) struct PluginSql {
    pub create: String,
    /// Returns one row if the table exists; takes `exists_arg`.
    pub exists: String,
    pub exists_arg: String,
    /// name, version, previous_version, updated_at, updated_by.
    pub select: String,
    /// Sets version, previous version and who, by name.
    pub update: String,
    /// name, version, previous version, who.
    pub insert: String,
}

/// A query that returns one row if table `name` (perhaps schema-qualified) exists, and
/// the argument it takes.
fn exists_query(dialect: Dialect, name: &str, quoted: &str) -> (String, String) {
    match dialect {
        Dialect::Postgres => (
            "SELECT CAST(to_regclass($1) AS TEXT) WHERE to_regclass($1) IS NOT NULL".to_owned(),
            quoted.to_owned(),
        ),
        Dialect::Mysql => {
            let (schema, table) = match name.rsplit_once('.') {
                Some((s, tb)) => (
                    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
                    tb.to_owned(),
                ),
                None => ("DATABASE()".to_owned(), name.to_owned()),
            };
            (
                format!(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = {schema} AND table_name = ?"
                ),
                table,
            )
        }
        Dialect::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?".to_owned(),
            name.to_owned(),
        ),
    }
}

/// The SELECT of another tool's history table `table` (as the database names it): the
/// columns of [`ForeignRow`](ferry_core::import::ForeignRow), in order, as text.
pub(crate) fn foreign_select(
    dialect: Dialect,
    table: &str,
    c: &ferry_core::import::Columns,
) -> String {
    use ferry_core::import::ChecksumShape;
    let f = flavor(dialect);
    let q = |col: &str| quote_name(col, f.quote);
    let text = |col: &str| match dialect {
        Dialect::Mysql => format!("CAST({} AS CHAR)", q(col)),
        _ => format!("CAST({} AS TEXT)", q(col)),
    };
    let or_null = |col: Option<String>| col.unwrap_or_else(|| f.null_text.to_owned());
    let checksum = c.checksum.map(|(col, shape)| match shape {
        ChecksumShape::Bytes => (f.hex)(&q(col)),
        ChecksumShape::Text => text(col),
    });
    let order = (c.order.split(','))
        .map(|col| q(col.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {}, {}, {}, {}, {}, {}, {} FROM {} ORDER BY {order}",
        text(c.version),
        or_null(c.name.map(text)),
        or_null(c.applied_at.map(|col| (f.any_time_as_text)(&q(col)))),
        or_null(checksum),
        or_null(c.ok.map(|col| format!("CASE WHEN {} THEN '1' ELSE '0' END", q(col)))),
        or_null(c.kind.map(text)),
        or_null(c.script.map(text)),
        quote_name(table, f.quote),
    )
}

struct Flavor {
    quote: char,
    id_column: &'static str,
    time_type: &'static str,
    text_type: &'static str,
    bool_type: &'static str,
    now: &'static str,
    time_as_text: fn(&str) -> String,
    /// A NULL of the text type, for a column a command does not need.
    null_text: &'static str,
    bool_as_int: fn(&str) -> String,
    returning: bool,
    /// A UTC time given as text (`YYYY-MM-DD HH:MM:SS[.f]`), as the time type.
    time_param: fn(&str) -> String,
    /// Any time column as UTC text `YYYY-MM-DD HH:MM:SS[.f]` (for other tools' tables).
    any_time_as_text: fn(&str) -> String,
    /// Bytes as lowercase hex.
    hex: fn(&str) -> String,
    /// Widens the checksum column of table `t` (`None` where lengths are not enforced).
    widen_checksum: fn(&str) -> Option<String>,
}

fn flavor(dialect: Dialect) -> Flavor {
    match dialect {
        Dialect::Postgres => Flavor {
            quote: '"',
            id_column: "id BIGSERIAL PRIMARY KEY",
            time_type: "TIMESTAMPTZ",
            text_type: "TEXT",
            bool_type: "BOOLEAN",
            now: "clock_timestamp()",
            // Half the server time of to_char on a long history; `iso_utc` finishes the format.
            time_as_text: |c| format!("CAST({c} AT TIME ZONE 'UTC' AS TEXT)"),
            null_text: "CAST(NULL AS TEXT)",
            bool_as_int: |c| format!("CAST(CAST({c} AS INT) AS BIGINT)"),
            returning: true,
            time_param: |p| format!("(CAST({p} AS TIMESTAMP) AT TIME ZONE 'UTC')"),
            any_time_as_text: |c| {
                format!("CAST(CAST({c} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TEXT)")
            },
            hex: |c| format!("encode({c}, 'hex')"),
            widen_checksum: |t| {
                Some(format!(
                    "ALTER TABLE {t} ALTER COLUMN checksum TYPE VARCHAR(128)"
                ))
            },
        },
        Dialect::Mysql => Flavor {
            quote: '`',
            id_column: "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            time_type: "DATETIME(3)",
            text_type: "LONGTEXT",
            bool_type: "BOOLEAN",
            now: "UTC_TIMESTAMP(3)",
            time_as_text: |c| format!("DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%fZ')"),
            null_text: "CAST(NULL AS CHAR)",
            bool_as_int: |c| format!("CAST({c} AS SIGNED)"),
            returning: false,
            time_param: |p| format!("CAST({p} AS DATETIME(3))"),
            // Through the epoch: a TIMESTAMP reads in the session's time zone otherwise.
            any_time_as_text: |c| {
                format!(
                    "DATE_FORMAT(TIMESTAMPADD(MICROSECOND, ROUND(UNIX_TIMESTAMP({c}) * 1000000), '1970-01-01 00:00:00'), '%Y-%m-%d %H:%i:%s.%f')"
                )
            },
            hex: |c| format!("LOWER(HEX({c}))"),
            widen_checksum: |t| {
                Some(format!(
                    "ALTER TABLE {t} MODIFY checksum VARCHAR(128) NOT NULL"
                ))
            },
        },
        Dialect::Sqlite => Flavor {
            quote: '"',
            id_column: "id INTEGER PRIMARY KEY AUTOINCREMENT",
            time_type: "TEXT",
            text_type: "TEXT",
            bool_type: "INTEGER",
            now: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            time_as_text: |c| c.to_owned(),
            null_text: "NULL",
            bool_as_int: |c| c.to_owned(),
            returning: true,
            time_param: |p| format!("strftime('%Y-%m-%dT%H:%M:%fZ', {p})"),
            any_time_as_text: |c| format!("strftime('%Y-%m-%d %H:%M:%f', {c})"),
            hex: |c| format!("lower(hex({c}))"),
            widen_checksum: |_| None,
        },
    }
}

/// Quotes one identifier (a database name may hold dots: it is one part).
pub(crate) fn quote_ident(name: &str, quote: char) -> String {
    format!(
        "{quote}{}{quote}",
        name.replace(quote, &format!("{quote}{quote}"))
    )
}

/// Quotes a possibly schema-qualified name part by part.
/// The identifier quote of `dialect`.
pub(crate) fn quote_char(dialect: Dialect) -> char {
    flavor(dialect).quote
}

pub(crate) fn quote_name(name: &str, quote: char) -> String {
    // The model's names quote a part holding a dot (`"audit.log"`): split outside quotes.
    ferry_core::schema::split_name(name)
        .iter()
        .map(|part| quote_ident(part, quote))
        .collect::<Vec<_>>()
        .join(".")
}

impl HistorySql {
    pub fn new(dialect: Dialect, names: &TableNames) -> HistorySql {
        let f = flavor(dialect);
        let t = quote_name(&names.history, f.quote);
        let e = quote_name(&names.events, f.quote);
        let p = |i: usize| {
            if dialect == Dialect::Postgres {
                format!("${i}")
            } else {
                "?".to_owned()
            }
        };
        let ps = |from: usize, n: usize| (from..from + n).map(p).collect::<Vec<_>>().join(", ");
        let index_name = quote_name(
            &format!(
                "{}_version_idx",
                names.history.rsplit('.').next().unwrap_or("h")
            ),
            f.quote,
        );
        let (idt, tt, tm, bt, now) = (f.id_column, f.text_type, f.time_type, f.bool_type, f.now);
        let vc = if dialect == Dialect::Mysql {
            "VARCHAR(191)"
        } else {
            "VARCHAR(255)"
        };
        let plugins = PluginSql::new(dialect, &names.plugins, &p);
        let snapshots = SnapshotSql::new(dialect, &names.snapshots, &p);
        let create = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {t} ({idt}, plugin {vc} NOT NULL, version {vc} NOT NULL, name {tt} NOT NULL, \
                 checksum VARCHAR(128) NOT NULL, checksum_algorithm BIGINT NOT NULL, down_sql {tt}, state VARCHAR(16) NOT NULL, \
                 batch BIGINT NOT NULL, applied_at {tm} NOT NULL, rolled_back_at {tm}, duration_ms BIGINT, applied_by {tt} NOT NULL, \
                 ferry_version VARCHAR(32) NOT NULL, error {tt}, failed_statement BIGINT, baseline {bt} NOT NULL, no_transaction {bt} NOT NULL)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {e} ({idt}, at {tm} NOT NULL, command VARCHAR(32) NOT NULL, plugin {vc}, actor {tt} NOT NULL, \
                 outcome VARCHAR(16) NOT NULL, message {tt} NOT NULL, ferry_version VARCHAR(32) NOT NULL)"
            ),
            match dialect {
                // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has); an inline KEY would need a rewrite.
                Dialect::Mysql => String::new(),
                _ => format!("CREATE INDEX IF NOT EXISTS {index_name} ON {t} (plugin, version)"),
            },
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        let (exists, exists_arg) = exists_query(dialect, &names.history, &t);
        let tx = f.time_as_text;
        let bi = f.bool_as_int;
        // No ORDER BY: the history is sorted by id once read, which costs the server nothing.
        let select = |down: &str| {
            format!(
                "SELECT id, plugin, version, name, checksum, checksum_algorithm, {down}, state, batch, {} AS applied_at, {} AS rolled_back_at, \
                 duration_ms, applied_by, ferry_version, error, failed_statement, {} AS baseline, {} AS no_transaction FROM {t}",
                tx("applied_at"),
                tx("rolled_back_at"),
                bi("baseline"),
                bi("no_transaction")
            )
        };
        let insert = format!(
            "INSERT INTO {t} (plugin, version, name, checksum, checksum_algorithm, down_sql, state, batch, applied_at, duration_ms, \
             applied_by, ferry_version, error, failed_statement, baseline, no_transaction) VALUES ({}, COALESCE({}, {now}), {}){}",
            ps(1, 8),
            (f.time_param)(&p(9)),
            ps(10, 7),
            if f.returning { " RETURNING id" } else { "" }
        );
        HistorySql {
            create,
            exists,
            exists_arg,
            select: select(f.null_text),
            select_with_down: select("down_sql"),
            insert_values: (dialect == Dialect::Postgres).then(|| {
                format!(
                    "INSERT INTO {t} (plugin, version, name, checksum, checksum_algorithm, down_sql, state, batch, applied_at, duration_ms, \
                     applied_by, ferry_version, error, failed_statement, baseline, no_transaction) VALUES "
                )
            }),
            insert,
            last_id: (!f.returning).then(|| "SELECT CAST(LAST_INSERT_ID() AS SIGNED)".to_owned()),
            set_finished: format!(
                "UPDATE {t} SET state = 'applied', duration_ms = {}, error = NULL WHERE id = {}",
                p(1),
                p(2)
            ),
            set_failed: format!(
                "UPDATE {t} SET state = 'failed', error = {}, failed_statement = {}, duration_ms = {} WHERE id = {}",
                p(1),
                p(2),
                p(3),
                p(4)
            ),
            set_reverted: format!(
                "UPDATE {t} SET state = {}, rolled_back_at = {now} WHERE id = {}",
                p(1),
                p(2)
            ),
            set_rolling_back: format!(
                "UPDATE {t} SET state = 'rolling_back' WHERE id = {}",
                p(1)
            ),
            set_down: format!("UPDATE {t} SET down_sql = {} WHERE id = {}", p(1), p(2)),
            set_state: format!("UPDATE {t} SET state = {} WHERE id = {}", p(1), p(2)),
            set_checksum: format!(
                "UPDATE {t} SET checksum = {}, checksum_algorithm = {}, down_sql = {}, name = {} WHERE id = {}",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5)
            ),
            insert_event: format!(
                "INSERT INTO {e} (at, command, plugin, actor, outcome, message, ferry_version) VALUES ({now}, {})",
                ps(1, 6)
            ),
            widen_checksum: (f.widen_checksum)(&t),
            plugins,
            snapshots,
        }
    }
}

impl PluginSql {
    fn new(dialect: Dialect, name: &str, p: &dyn Fn(usize) -> String) -> PluginSql {
        let f = flavor(dialect);
        let t = quote_name(name, f.quote);
        let (exists, exists_arg) = exists_query(dialect, name, &t);
        let vc = if dialect == Dialect::Mysql {
            "VARCHAR(191)"
        } else {
            "VARCHAR(255)"
        };
        let (tt, tm, now) = (f.text_type, f.time_type, f.now);
        PluginSql {
            create: format!(
                "CREATE TABLE IF NOT EXISTS {t} (name {vc} NOT NULL PRIMARY KEY, version VARCHAR(64) NOT NULL, \
                 previous_version VARCHAR(64), installed_at {tm} NOT NULL, updated_at {tm} NOT NULL, updated_by {tt} NOT NULL, \
                 ferry_version VARCHAR(32) NOT NULL)"
            ),
            exists,
            exists_arg,
            select: format!(
                "SELECT name, version, previous_version, {} AS updated_at, updated_by FROM {t} ORDER BY name",
                (f.time_as_text)("updated_at")
            ),
            update: format!(
                "UPDATE {t} SET version = {}, previous_version = {}, updated_by = {}, updated_at = {now}, ferry_version = {} WHERE name = {}",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5)
            ),
            insert: format!(
                "INSERT INTO {t} (version, previous_version, updated_by, ferry_version, name, installed_at, updated_at) \
                 VALUES ({}, {}, {}, {}, {}, {now}, {now})",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5)
            ),
        }
    }
}

impl HistorySql {
    /// The INSERT of an applied migration's row with its values written out, to end a batch
    /// that runs the script: text in dollar quotes (which no setting reinterprets), the
    /// duration measured by the server from the batch's arrival. `None` if the engine has
    /// no such batch.
    pub fn insert_literal(&self, row: &NewRow<'_>) -> Option<String> {
        let start = self.insert_values.as_ref()?;
        let text = |value: &str| dollar_quote(value);
        let values = [
            text(row.plugin),
            text(&row.version),
            text(row.name),
            text(&row.checksum.hex()),
            row.checksum.algorithm.to_string(),
            row.down_sql.map_or_else(|| "NULL".to_owned(), text),
            text(row.state.as_str()),
            row.batch.to_string(),
            "clock_timestamp()".to_owned(),
            "CAST(EXTRACT(EPOCH FROM clock_timestamp() - statement_timestamp()) * 1000 AS BIGINT)"
                .to_owned(),
            text(row.applied_by),
            text(env!("CARGO_PKG_VERSION")),
            "NULL".to_owned(),
            "NULL".to_owned(),
            row.baseline.to_string(),
            row.no_transaction.to_string(),
        ];
        Some(format!("{start}({})", values.join(", ")))
    }
}

/// `value` as a PostgreSQL dollar-quoted string, with a tag that does not occur in it.
fn dollar_quote(value: &str) -> String {
    let mut n = 0;
    let mut tag = String::from("$ferry0$");
    // The tag must first occur where the value ends: `x$ferry0` + `$ferry0$` would close early.
    while format!("{value}{tag}").find(&tag) != Some(value.len()) {
        n += 1;
        tag = format!("$ferry{n}$");
    }
    format!("{tag}{value}{tag}")
}

#[cfg(test)]
mod tests {
    use super::dollar_quote;

    #[test]
    fn dollar_quotes_pick_a_tag_the_text_does_not_hold() {
        assert_eq!(dollar_quote("it's"), "$ferry0$it's$ferry0$");
        assert_eq!(dollar_quote("x $ferry0$ y"), "$ferry1$x $ferry0$ y$ferry1$");
        // Found in review: a value ending in the tag but its last `$`.
        assert_eq!(dollar_quote("x$ferry0"), "$ferry1$x$ferry0$ferry1$");
    }
}
