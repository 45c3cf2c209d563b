//! goose SQL files: `<version>_<name>.sql` with `-- +goose Up` and `-- +goose Down`;
//! `-- +goose NO TRANSACTION` is read by [`crate::parse_directives`]; `StatementBegin` /
//! `StatementEnd` fence statements that hold semicolons, which ferry's splitter already
//! keeps whole (dollar quotes, compound statements). Versions are numbers; `.go` files are
//! Go migrations, which ferry reports and does not run.

use super::dbmate::classify_single;
use super::sections::{Marker, SectionError, Sections, comment_words, split_at_markers};
use super::{Convention, Entry, Found};

/// goose's layout.
pub struct Goose;

impl Convention for Goose {
    fn name(&self) -> &'static str {
        "goose"
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        classify_single(entry, self.version_kind())
    }

    fn sections(&self, text: &str) -> Result<Sections, SectionError> {
        let mut sections = split_at_markers(text, "-- +goose Up", |line| {
            let words = comment_words(line)?;
            match words.as_slice() {
                [goose, up] if goose == "+goose" && up == "up" => Some(Marker::Up),
                [goose, down] if goose == "+goose" && down == "down" => Some(Marker::Down),
                _ => None,
            }
        })?;
        // goose applies `NO TRANSACTION` to the whole file, wherever it is: the down
        // section gets the line at the same place (blank there, before its own marker).
        if let Some(down) = &mut sections.down {
            *down = with_lines_of(down, &sections.up, is_no_transaction);
        }
        Ok(sections)
    }
}

fn is_no_transaction(line: &str) -> bool {
    comment_words(line.trim()).is_some_and(|w| w == ["+goose", "no", "transaction"])
}

/// `target` with the lines of `source` that `keep` picks copied in at the same places,
/// where `target` has blank lines.
fn with_lines_of(target: &str, source: &str, keep: impl Fn(&str) -> bool) -> String {
    (target.split_inclusive('\n'))
        .zip(source.split_inclusive('\n').chain(std::iter::repeat("")))
        .map(|(t, s)| match t.trim().is_empty() && keep(s) {
            true => s,
            false => t,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keep_fenced_statements() {
        let text = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f();\n";
        let s = Goose.sections(text).unwrap();
        assert_eq!(s.up.lines().count(), 6);
        assert!(s.down.unwrap().contains("DROP FUNCTION"));
        assert!(matches!(
            Goose.classify(Entry {
                path: "00002_seed.go",
                is_dir: false
            }),
            Found::Unread(_)
        ));
    }
}
