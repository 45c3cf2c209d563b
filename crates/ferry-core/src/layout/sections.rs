//! Both directions in one file (dbmate, goose, node-pg-migrate): each direction's script is
//! the file's text with every line outside its section blanked, so that statements keep
//! the line and column they have in the file, for errors and for `status`.

/// The two scripts of a file that holds both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sections {
    /// The up script.
    pub up: String,
    /// The down script, if the file has a down section (it may be empty).
    pub down: Option<String>,
}

/// A file whose sections cannot be told apart.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SectionError {
    /// 1-based line.
    pub line: u32,
    /// What is wrong and what to do.
    pub message: String,
}

/// Which section a marker line opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    Up,
    Down,
}

/// Splits `text` at the lines `marker` recognises. Lines before the first marker may only
/// be comments or blank, and belong to both sections; the up marker must come once, before
/// any down marker.
pub(super) fn split_at_markers(
    text: &str,
    up_name: &str,
    marker: impl Fn(&str) -> Option<Marker>,
) -> Result<Sections, SectionError> {
    let (mut up, mut down) = (String::with_capacity(text.len()), String::new());
    let mut current: Option<Marker> = None;
    let mut seen_down = false;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line_no = n as u32 + 1;
        let err = |message: String| {
            Err(SectionError {
                line: line_no,
                message,
            })
        };
        let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
        // A byte order mark is not part of the first line's text.
        let found = marker(line.trim_start_matches('\u{feff}').trim());
        match (found, current) {
            (Some(Marker::Up), Some(_)) => {
                return err(format!(
                    "a second `{up_name}` line; a file holds one migration"
                ));
            }
            (Some(Marker::Down), None) => {
                return err(format!("the down section comes before `{up_name}`"));
            }
            (Some(Marker::Down), Some(Marker::Down)) => return err("a second down section".into()),
            (None, None) if !is_comment_or_blank(line) => {
                return err(format!(
                    "a statement before `{up_name}`; put it in the up section"
                ));
            }
            _ => {}
        }
        if found.is_some() {
            current = found;
            seen_down |= found == Some(Marker::Down);
        }
        // Comments before the first marker (goose's `NO TRANSACTION`, a licence) belong to
        // both directions.
        let (up_line, down_line) = match current {
            None => (line, line),
            Some(Marker::Up) => (line, ending),
            Some(Marker::Down) => (ending, line),
        };
        up.push_str(up_line);
        down.push_str(down_line);
    }
    if current.is_none() {
        return Err(SectionError {
            line: 1,
            message: format!("no `{up_name}` line; mark where the up migration starts"),
        });
    }
    Ok(Sections {
        up,
        down: seen_down.then_some(down),
    })
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start_matches('\u{feff}').trim();
    t.is_empty() || t.starts_with("--")
}

/// The words of a `--` comment line, lower-cased; `None` for any other line.
pub(super) fn comment_words(line: &str) -> Option<Vec<String>> {
    let body = line.strip_prefix("--")?;
    Some(
        body.split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(line: &str) -> Option<Marker> {
        match line {
            "-- up" => Some(Marker::Up),
            "-- down" => Some(Marker::Down),
            _ => None,
        }
    }

    #[test]
    fn lines_outside_a_section_are_blanked_so_lines_keep_their_numbers() {
        let s = split_at_markers("-- head\n-- up\nA;\r\n-- down\nB;\n", "-- up", marker).unwrap();
        assert_eq!(s.up, "-- head\n-- up\nA;\r\n\n\n");
        assert_eq!(s.down.as_deref(), Some("-- head\n\n\r\n-- down\nB;\n"));
        let s = split_at_markers("-- up\nA;", "-- up", marker).unwrap();
        assert_eq!((s.up.as_str(), s.down), ("-- up\nA;", None));
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_marker() {
        let s = split_at_markers("\u{feff}-- up\nA;\n-- down\nB;\n", "-- up", marker).unwrap();
        assert!(s.up.contains("A;") && !s.up.contains("B;"));
        assert!(s.down.unwrap().contains("B;"));
    }

    #[test]
    fn misplaced_markers_are_located() {
        let line = |t| split_at_markers(t, "-- up", marker).unwrap_err().line;
        assert_eq!(line("A;\n-- up\n"), 1);
        assert_eq!(line("-- down\n-- up\n"), 1);
        assert_eq!(line("-- up\nA;\n-- up\n"), 3);
        assert_eq!(line("-- up\n-- down\n-- down\n"), 3);
        assert_eq!(line("-- nothing\n"), 1);
    }
}
