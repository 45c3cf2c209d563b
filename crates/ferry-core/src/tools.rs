//! The other migration tools ferry knows, and the tables their histories live in.

/// A migration tool whose history ferry can find (and, with `import-history`, read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// Flyway: `flyway_schema_history`.
    Flyway,
    /// sqlx: `_sqlx_migrations`.
    Sqlx,
    /// golang-migrate: `schema_migrations` with a `dirty` column.
    GolangMigrate,
    /// dbmate: `schema_migrations` (versions only).
    Dbmate,
    /// goose: `goose_db_version`.
    Goose,
    /// diesel: `__diesel_schema_migrations`.
    Diesel,
    /// refinery: `refinery_schema_history`.
    Refinery,
    /// node-pg-migrate: `pgmigrations`.
    NodePgMigrate,
    /// Ory popx: `schema_migration`.
    Popx,
    /// postgres-migrations: `migrations`.
    PostgresMigrations,
    /// Liquibase: `databasechangelog`.
    Liquibase,
}

/// Every tool, in the order `doctor` lists them.
pub const ALL: [Tool; 11] = [
    Tool::Flyway,
    Tool::Sqlx,
    Tool::GolangMigrate,
    Tool::Dbmate,
    Tool::Goose,
    Tool::Diesel,
    Tool::Refinery,
    Tool::NodePgMigrate,
    Tool::Popx,
    Tool::PostgresMigrations,
    Tool::Liquibase,
];

impl Tool {
    /// The tool's name, as `--from` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Flyway => "flyway",
            Tool::Sqlx => "sqlx",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Dbmate => "dbmate",
            Tool::Goose => "goose",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::NodePgMigrate => "node-pg-migrate",
            Tool::Popx => "popx",
            Tool::PostgresMigrations => "postgres-migrations",
            Tool::Liquibase => "liquibase",
        }
    }

    /// The tool named `name` (`migrate` is golang-migrate's command).
    pub fn from_name(name: &str) -> Option<Tool> {
        let name = name.to_ascii_lowercase();
        let name = if name == "migrate" {
            "golang-migrate"
        } else {
            name.as_str()
        };
        ALL.into_iter().find(|t| t.name() == name)
    }

    /// The names `--from` accepts, for messages.
    pub fn names() -> String {
        ALL.map(Tool::name).join(", ")
    }

    /// The tool's default history table.
    pub fn table(self) -> &'static str {
        match self {
            Tool::Flyway => "flyway_schema_history",
            Tool::Sqlx => "_sqlx_migrations",
            Tool::GolangMigrate | Tool::Dbmate => "schema_migrations",
            Tool::Goose => "goose_db_version",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Refinery => "refinery_schema_history",
            Tool::NodePgMigrate => "pgmigrations",
            Tool::Popx => "schema_migration",
            Tool::PostgresMigrations => "migrations",
            Tool::Liquibase => "databasechangelog",
        }
    }
}

/// Every table among `tables` named like a tool's history table (compared without case,
/// and without a schema in front; one tool may have several, in several schemas), with the
/// table as the database names it. Tables in the current schema come first.
pub fn found_in(tables: &[String]) -> Vec<(Tool, &str)> {
    let mut found = Vec::new();
    for tool in ALL {
        let named = |t: &&String| {
            let bare = t.rsplit('.').next().unwrap_or(t);
            bare.eq_ignore_ascii_case(tool.table())
        };
        let mut matching: Vec<&str> = tables.iter().filter(named).map(String::as_str).collect();
        matching.sort_by_key(|t| t.contains('.'));
        found.extend(matching.into_iter().map(|t| (tool, t)));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_tables_are_found_without_case() {
        for tool in ALL {
            assert_eq!(Tool::from_name(tool.name()), Some(tool));
        }
        assert_eq!(Tool::from_name("migrate"), Some(Tool::GolangMigrate));
        let tables = vec![
            "DATABASECHANGELOG".to_string(),
            "users".into(),
            "schema_migrations".into(),
        ];
        let found: Vec<Tool> = found_in(&tables).into_iter().map(|(t, _)| t).collect();
        assert_eq!(found, [Tool::GolangMigrate, Tool::Dbmate, Tool::Liquibase]);
    }
}
