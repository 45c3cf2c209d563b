//! Generated migrations: many small, realistic ones (a table, a row, a rollback).

use std::path::{Path, PathBuf};

/// Writes `count` migrations (and their rollback files) into `dir`; returns the up files in order.
pub fn migrations(dir: &Path, count: usize) -> std::io::Result<Vec<PathBuf>> {
    let rollback = dir.join("rollback");
    std::fs::create_dir_all(&rollback)?;
    let width = count.to_string().len().max(3);
    let mut ups = Vec::with_capacity(count);
    for i in 1..=count {
        let name = format!("{i:0width$}_create_bench_{i}.sql");
        let up = format!(
            "-- ferry:description bench table {i}\n\
             CREATE TABLE bench_{i} (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\
             INSERT INTO bench_{i} (id, name) VALUES (1, 'row {i}');\n"
        );
        let path = dir.join(&name);
        std::fs::write(&path, up)?;
        std::fs::write(rollback.join(&name), format!("DROP TABLE bench_{i};\n"))?;
        ups.push(path);
    }
    Ok(ups)
}
