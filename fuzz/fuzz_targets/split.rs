//! Statement splitting, per dialect (the first byte picks it): statements are slices of the
//! script at their recorded offsets, in order, numbered in order; errors are located.
#![no_main]

use ferry_core::{Dialect, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(script) = std::str::from_utf8(rest) else {
        return;
    };
    let dialect = Dialect::ALL[pick as usize % 3];
    match split(script, dialect) {
        Ok(statements) => {
            let mut previous_end = 0;
            for (i, s) in statements.iter().enumerate() {
                assert_eq!(s.index, i);
                assert!(s.offset >= previous_end, "statements overlap");
                assert!(script.is_char_boundary(s.offset));
                assert!(script[s.offset..].starts_with(&s.sql), "{s:?}");
                assert!(!s.sql.is_empty() && s.line >= 1 && s.column >= 1);
                previous_end = s.offset + s.sql.len();
            }
        }
        Err(e) => assert!(e.line >= 1 && e.column >= 1, "{e:?}"),
    }
});
