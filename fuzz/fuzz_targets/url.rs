//! Database URLs and redaction: no panic on any text, and a password made of any
//! characters never shows in the redacted URL or in the URL error.
#![no_main]

use ferry_core::database_url::dialect_of;
use ferry_core::{redact_url, scrub_password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (&str, &str)| {
    let (text, password) = data;
    let _ = dialect_of(text);
    let _ = scrub_password(text, text);
    let _ = redact_url(text);
    if password.len() < 3 {
        return;
    }
    for scheme in ["postgres", "mysql"] {
        let url = format!("{scheme}://user:{password}@127.0.0.1:5432/db");
        let shown = redact_url(&url);
        // The password may only show where it is a piece of what is not secret.
        let frame = format!("{scheme}://user:***@127.0.0.1:5432/db");
        assert!(
            !shown.contains(password) || frame.contains(password),
            "{shown}"
        );
        if let Err(e) = dialect_of(&url) {
            // The message is the redacted URL and fixed text, nothing else.
            let mut rest = e.to_string().replace(&shown, "");
            for fragment in FIXED_TEXT {
                rest = rest.replace(fragment, "");
            }
            assert!(
                rest.trim().is_empty(),
                "unexpected text in a URL error: {rest:?}"
            );
        }
        assert!(
            !scrub_password(&format!("error near {password}"), &url).contains(password)
                || frame.contains(password)
        );
    }
});

/// Every fixed text a URL error can hold (ferry's and the url crate's).
const FIXED_TEXT: [&str; 20] = [
    "characters such as / # ? @ in a password must be percent-encoded (%2F %23 %3F %40)",
    "is not a database URL ferry knows; use postgres://, postgresql://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:",
    "is not a database URL: it has no scheme; use postgres://, postgresql://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:",
    "the SQLite URL names no file; write sqlite://PATH (or sqlite::memory: for a throw-away database)",
    "the URL has an @ after its host; ",
    "the URL names no host",
    "not a valid URL (",
    "empty host",
    "invalid international domain name",
    "invalid port number",
    "invalid IPv4 address",
    "invalid IPv6 address",
    "invalid domain character",
    "relative URL without a base",
    "relative URL with a cannot-be-a-base base",
    "a cannot-be-a-base URL doesn\'t have a host to set",
    "URLs more than 4 GB are not supported",
    "); ",
    "``: ",
    "``",
];
