//! Keeping passwords out of everything ferry prints.
//!
//! Redaction works on the text as given, parseable or not: a password with a raw `/`, `#`,
//! `?` or `@` makes a URL unparseable (or parse to the wrong parts), and it must stay
//! hidden all the same. Whatever lies between the user name and the last `@` is the password.

/// `url` with any password replaced by `***`: the `user:password@` part (everything from
/// the first `:` after the user name to the last `@`), secret query parameters
/// (`password=`, `sslpassword=`, any key naming a password, secret or token), and the same
/// keys in a `key=value` connection string (`host=db password=...`).
pub fn redact_url(url: &str) -> String {
    let out = match userinfo(url) {
        Some(info) if info.password.is_some() => {
            format!("{}***{}", &url[..info.password_start], &url[info.at..])
        }
        _ => url.to_owned(),
    };
    let out = redact_query_password(&out);
    match out.contains("://") {
        true => out,
        false => redact_key_values(&out),
    }
}

/// Whether a parameter's key names something secret.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "pass"
        || key == "pwd"
        || ["password", "secret", "token"]
            .iter()
            .any(|k| key.contains(k))
}

/// A `key=value key=value` connection string with secret values hidden, read as libpq
/// reads one: spaces around `=`, any whitespace between pairs, `'quoted values'`.
fn redact_key_values(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_') {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        out.push_str(&text[start..i]);
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= b.len() || b[j] != b'=' || !is_secret_key(&text[start..i]) {
            continue;
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        out.push_str(&text[i..j]);
        j = value_end(b, j);
        out.push_str("***");
        i = j;
    }
    out
}

/// Where a value starting at `j` ends: after its closing quote, or at whitespace.
fn value_end(b: &[u8], mut j: usize) -> usize {
    if b.get(j) == Some(&b'\'') {
        j += 1;
        while j < b.len() && b[j] != b'\'' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        return (j + 1).min(b.len());
    }
    // Unquoted, a backslash escapes the next character (a space among them).
    while j < b.len() && !b[j].is_ascii_whitespace() {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    j.min(b.len())
}

/// The values of secret query parameters in `url`.
fn query_secrets(url: &str) -> Vec<String> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    (query.split('&'))
        .filter_map(|p| p.split_once('='))
        .filter(|(k, v)| is_secret_key(k) && !v.is_empty())
        .map(|(_, v)| v.to_owned())
        .collect()
}

/// Where the user information of `url` lies.
struct UserInfo {
    /// Byte offset where the password starts (after `user:`).
    password_start: usize,
    /// Byte offset of the last `@`.
    at: usize,
    /// The password as written, if the user information has one.
    password: Option<String>,
}

fn userinfo(url: &str) -> Option<UserInfo> {
    // Without `://` there may be no scheme at all (`user:pass@host`): the user information
    // then starts at the beginning, and a scheme before it is hidden too (safe side).
    let start = url.find("://").map_or(0, |i| i + 3);
    let at = start + url[start..].rfind('@')?;
    let colon = url[start..at].find(':').map(|c| start + c);
    Some(UserInfo {
        password_start: colon.map_or(at, |c| c + 1),
        at,
        password: colon.map(|c| url[c + 1..at].to_owned()),
    })
}

fn redact_query_password(url: &str) -> String {
    let Some(q) = url.find('?') else {
        return url.to_owned();
    };
    let (head, query) = url.split_at(q + 1);
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if is_secret_key(k) => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{head}{}", params.join("&"))
}

/// `text` with every occurrence of the password in `url` (as written, and percent-decoded)
/// replaced by `***`, for messages that came from elsewhere (a driver error) and might
/// quote it.
pub fn scrub_password(text: &str, url: &str) -> String {
    let mut secrets = query_secrets(url);
    secrets.extend(userinfo(url).and_then(|i| i.password));
    let mut out = text.to_owned();
    for secret in secrets {
        let decoded = percent_encoding::percent_decode_str(&secret)
            .decode_utf8_lossy()
            .into_owned();
        for form in [decoded, secret] {
            if form.len() >= 3 {
                out = out.replace(&form, "***");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_password_in_userinfo() {
        assert_eq!(
            redact_url("postgres://user:s3cr@t@host:5432/db"),
            "postgres://user:***@host:5432/db"
        );
        assert_eq!(
            redact_url("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite://ferry.db"), "sqlite://ferry.db");
    }

    #[test]
    fn hides_passwords_that_break_the_url() {
        for (url, shown) in [
            ("postgres://u:pa/ss@host/db", "postgres://u:***@host/db"),
            ("postgres://u:pa#ss@host/db", "postgres://u:***@host/db"),
            ("mysql://u:pa?ss@host/db", "mysql://u:***@host/db"),
            ("postgres://u:123/x@host/db", "postgres://u:***@host/db"),
            ("postgres:u:secret@host", "postgres:***@host"),
            // Found by an adversarial trial: no scheme at all.
            ("u:S3cret@127.0.0.1/db", "u:***@127.0.0.1/db"),
        ] {
            assert_eq!(redact_url(url), shown);
        }
    }

    #[test]
    fn hides_password_in_query() {
        assert_eq!(
            redact_url("postgres://h/db?user=a&password=xyz&sslmode=off"),
            "postgres://h/db?user=a&password=***&sslmode=off"
        );
    }

    #[test]
    fn hides_other_secret_parameters_and_key_value_strings() {
        assert_eq!(
            redact_url("postgres://h/db?sslpassword=S3cretPW&sslmode=require"),
            "postgres://h/db?sslpassword=***&sslmode=require"
        );
        assert_eq!(
            redact_url("host=db user=app password=S3cretPW dbname=app"),
            "host=db user=app password=*** dbname=app"
        );
        // Found by a review: spaces around `=`, quoted values, tabs.
        for (dsn, shown) in [
            (
                "host=db password = hunter22 dbname=app",
                "host=db password = *** dbname=app",
            ),
            (
                "host=db password='my secret pw' dbname=app",
                "host=db password=*** dbname=app",
            ),
            ("host=db\tpassword=hunter22", "host=db\tpassword=***"),
            ("password='it\\'s' x=1", "password=*** x=1"),
            (
                "host=h password=S3C\\ RETq dbname=x",
                "host=h password=*** dbname=x",
            ),
        ] {
            assert_eq!(redact_url(dsn), shown, "{dsn}");
        }
        assert_eq!(
            scrub_password(
                "ignoring key=sslpassword value=S3cretPW",
                "postgres://h/db?sslpassword=S3cretPW"
            ),
            "ignoring key=sslpassword value=***"
        );
    }

    #[test]
    fn scrubs_messages() {
        assert_eq!(
            scrub_password("auth failed for hunter2", "postgres://u:hunter2@h/db"),
            "auth failed for ***"
        );
        assert_eq!(
            scrub_password("bad p/w!", "postgres://u:p%2Fw!@h/db"),
            "bad ***"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::database_url::dialect_of;
    use proptest::prelude::*;

    /// The fixed words a URL error holds (ferry's and the url crate's), which a short
    /// password may happen to be a piece of.
    const FIXED_TEXT: &str = "``: not a valid URL (); the URL names no host; the URL has an @ after its host; \
        characters such as / # ? @ in a password must be percent-encoded (%2F %23 %3F %40) \
        empty host invalid international domain name invalid port number invalid IPv4 address \
        invalid IPv6 address invalid domain character relative URL without a base";

    proptest! {
        /// No password made of any printable characters appears in anything ferry renders
        /// from a URL: the redacted URL, the URL error, a scrubbed driver message.
        #[test]
        fn no_password_ever_shows(
            user in "[a-z][a-z0-9_]{0,8}",
            password in "[ -~]{3,24}",
            scheme in prop_oneof![Just("postgres"), Just("mysql"), Just("mariadb")],
            tail in prop_oneof![Just("127.0.0.1:5432/db"), Just("db.internal/app?sslmode=require"), Just("h:99999/x")],
        ) {
            let url = format!("{scheme}://{user}:{password}@{tail}");
            let frame = format!("{scheme}://{user}:***@{tail}");
            // A password can only "show" where it is a piece of what is not secret.
            prop_assume!(!frame.contains(&password) && !FIXED_TEXT.contains(&password));
            let shown = redact_url(&url);
            prop_assert!(!shown.contains(&password), "{shown}");
            if let Err(e) = dialect_of(&url) {
                let message = e.to_string().replace(&shown, "");
                prop_assert!(!message.contains(&password), "{message}");
            }
            let scrubbed = scrub_password(&format!("FATAL: password {password} rejected"), &url);
            prop_assert!(!scrubbed.contains(&password), "{scrubbed}");
        }
    }
}
