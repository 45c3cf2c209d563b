//! `ferry new NAME`

use crate::cli::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use ferry_core::MigrationSource;
use ferry_core::layout::Layout;

/// Creates the next-numbered up and down files.
pub fn run(global: &Global, name: &str, no_transaction: bool) -> Result<(), CliError> {
    let config = Config::load(global)?;
    let slug: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if slug.trim_matches('_').is_empty() {
        return Err(CliError::Usage(format!(
            "`{name}` is not a usable name; use letters, digits and underscores"
        )));
    }
    let create = |dir: &std::path::Path| {
        std::fs::create_dir_all(dir).map_err(|e| CliError::Usage(format!("{}: {e}", dir.display())))
    };
    create(&config.dir)?;
    let folder = crate::session::open_folder(&config, false)?;
    if folder.layout() != Layout::Ferry {
        return Err(CliError::Usage(format!(
            "{}: the folder follows the {} layout ({}); `ferry new` writes ferry's own layout, so create the migration as {} would",
            config.dir.display(),
            folder.layout(),
            folder.why(),
            folder.layout(),
        )));
    }
    create(&config.dir.join(ferry_core::ROLLBACK_DIR))?;
    let source = Box::new(folder).read()?;
    let label = next_label(source.newest_label());
    let file = format!("{label}_{slug}.sql");
    let up = config.dir.join(&file);
    let down = config.dir.join(ferry_core::ROLLBACK_DIR).join(&file);
    let directive = if no_transaction {
        "-- ferry:no-transaction\n"
    } else {
        ""
    };
    let up_text = format!(
        "{directive}-- ferry:description {}\n\n",
        slug.replace('_', " ")
    );
    let down_text = format!("{directive}-- Reverts {label}_{slug}.sql\n\n");
    for (path, text) in [(&up, up_text), (&down, down_text)] {
        if path.exists() {
            return Err(CliError::Usage(format!(
                "{} already exists",
                path.display()
            )));
        }
        std::fs::write(path, text)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        out(&format!("created {}", path.display()));
    }
    Ok(())
}

/// The next version label: one more than the newest, keeping its zero padding.
fn next_label(newest: Option<&str>) -> String {
    let Some(newest) = newest.filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    else {
        return match newest {
            Some(dotted) => format!(
                "{}",
                dotted
                    .split('.')
                    .next()
                    .and_then(|m| m.parse::<u128>().ok())
                    .unwrap_or(0)
                    + 1
            ),
            None => "001".into(),
        };
    };
    let next = newest.parse::<u128>().map(|n| n + 1).unwrap_or(1);
    format!("{next:0width$}", width = newest.len())
}

#[cfg(test)]
mod tests {
    use super::next_label;

    #[test]
    fn numbering_keeps_padding() {
        assert_eq!(next_label(None), "001");
        assert_eq!(next_label(Some("009")), "010");
        assert_eq!(next_label(Some("7")), "8");
        assert_eq!(next_label(Some("20260130120000")), "20260130120001");
        assert_eq!(next_label(Some("2.1")), "3");
    }
}
