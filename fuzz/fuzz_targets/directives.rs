//! Directives: any script's leading comments parse or give a located error.
#![no_main]

use ferry_core::parse_directives;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|script: &str| {
    if let Err(e) = parse_directives(script) {
        let lines = script.lines().count().max(1) as u32;
        assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
        assert!(e.column >= 1);
    }
});
