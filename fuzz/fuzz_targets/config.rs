//! ferry.toml: any text is a configuration or a located error; durations never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = ferry_cli::config::check(text);
});
