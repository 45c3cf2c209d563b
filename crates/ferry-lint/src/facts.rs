//! Live facts: with a database at hand, each finding names the table its statement touches,
//! that table's rows and size, and how long a rewrite or scan would hold its lock; the risk
//! of a rewrite or scan follows the size (an empty table's rewrite is low risk, a 10 GB
//! table's high).

use crate::model::TableFacts;
use crate::{Finding, Risk};
use ferry_core::Dialect;
use std::collections::BTreeMap;

/// Bytes per second a rewrite and a scan get through, for the estimate (a rough figure for
/// a server's disk; the point is the order of magnitude).
const REWRITE_BYTES_PER_S: f64 = 50e6;
const SCAN_BYTES_PER_S: f64 = 200e6;

/// Sets each finding's `table` to the first table its statement names (None when it names
/// none or cannot be read). Returns the tables named.
pub fn name_tables(findings: &mut [Finding], text: &str, dialect: Dialect) -> Vec<String> {
    let Ok(statements) = ferry_core::split(text, dialect) else {
        return Vec::new();
    };
    // A script that sets the search path resolves names ferry cannot follow: its findings
    // keep their rules' risk (found by an adversarial trial).
    let moves_path =
        (statements.iter()).any(|s| s.sql.to_ascii_lowercase().contains("search_path"));
    if moves_path {
        return Vec::new();
    }
    let mut names = Vec::new();
    for f in findings.iter_mut() {
        let statement = statements
            .iter()
            .find(|s| f.span.0 >= s.offset && f.span.0 <= s.offset + s.sql.len());
        let table = statement
            .and_then(|s| ferry_core::schema::touched(&s.sql, dialect))
            .and_then(|t| t.into_iter().next());
        if let Some(name) = table {
            names.push(name.clone());
            f.table = Some(TableFacts {
                name,
                ..TableFacts::default()
            });
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Fills in each finding's table facts from `sizes` (rows, bytes by table) and makes the
/// risk of a rewrite or scan follow the table's size (never below medium for a change that
/// breaks running code or destroys data).
pub fn apply_sizes(findings: &mut [Finding], sizes: &BTreeMap<String, (u64, Option<u64>)>) {
    for f in findings.iter_mut() {
        let Some(t) = f.table.as_mut() else {
            continue;
        };
        let Some(&(rows, bytes)) = sizes.get(&t.name) else {
            continue;
        };
        t.rows = Some(rows);
        t.bytes = bytes;
        if !(f.rewrites || f.scans) {
            continue;
        }
        let rate = if f.rewrites {
            REWRITE_BYTES_PER_S
        } else {
            SCAN_BYTES_PER_S
        };
        t.lock_seconds = bytes.map(|b| b as f64 / rate);
        // Breaking running code or destroying data does not shrink with the table.
        let floor = match f.breaks_app || f.destroys_data {
            true => Risk::Medium,
            false => Risk::Low,
        };
        f.risk = sized(bytes, rows).max(floor);
    }
}

/// Below 10 MB (or 10,000 rows where the size is unknown) low, below 1 GB (1,000,000 rows)
/// medium, else high.
fn sized(bytes: Option<u64>, rows: u64) -> Risk {
    match bytes {
        Some(b) if b < 10_000_000 => Risk::Low,
        Some(b) if b < 1_000_000_000 => Risk::Medium,
        Some(_) => Risk::High,
        None if rows < 10_000 => Risk::Low,
        None if rows < 1_000_000 => Risk::Medium,
        None => Risk::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_of_a_small_table_is_low_and_of_a_large_one_high() {
        let sql = "ALTER TABLE orders ALTER COLUMN id TYPE bigint;";
        let mut findings = crate::lint("x.sql", sql, Dialect::Postgres, &Default::default());
        assert_eq!(
            name_tables(&mut findings, sql, Dialect::Postgres),
            ["orders"]
        );
        let mut sizes = BTreeMap::from([("orders".to_owned(), (12, Some(16_384)))]);
        let mut small = findings.clone();
        apply_sizes(&mut small, &sizes);
        // The rewrite is quick, but running code still breaks.
        let f = small
            .iter()
            .find(|f| f.rule == "changing-column-type")
            .unwrap();
        assert_eq!(f.risk, Risk::Medium);
        assert!(f.table.as_ref().unwrap().lock_seconds.unwrap() < 0.01);
        sizes.insert("orders".into(), (90_000_000, Some(12_000_000_000)));
        apply_sizes(&mut findings, &sizes);
        let f = findings
            .iter()
            .find(|f| f.rule == "changing-column-type")
            .unwrap();
        assert_eq!(f.risk, Risk::High);
        assert_eq!(
            f.table.as_ref().unwrap().lock_seconds.map(|s| s.round()),
            Some(240.0)
        );
        // A scan of a small table is low risk.
        let sql = "ALTER TABLE orders ALTER COLUMN email SET NOT NULL;";
        let mut scan = crate::lint("x.sql", sql, Dialect::Postgres, &Default::default());
        name_tables(&mut scan, sql, Dialect::Postgres);
        apply_sizes(
            &mut scan,
            &BTreeMap::from([("orders".to_owned(), (12, Some(16_384)))]),
        );
        assert!(
            scan.iter()
                .any(|f| f.rule == "adding-not-nullable-field" && f.risk == Risk::Low)
        );
        // A rename takes its lock for an instant whatever the size: its risk stays.
        let sql = "ALTER TABLE orders RENAME COLUMN a TO b;";
        let mut rename = crate::lint("x.sql", sql, Dialect::Postgres, &Default::default());
        name_tables(&mut rename, sql, Dialect::Postgres);
        apply_sizes(&mut rename, &sizes);
        assert!(
            rename
                .iter()
                .any(|f| f.rule == "renaming-column" && f.risk == Risk::High)
        );
    }
}
