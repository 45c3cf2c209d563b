//! Database URLs: which engine a URL names, and whether it is well formed, decided before
//! any connection is tried. Every message shows the URL with its password hidden.

use crate::{Dialect, redact_url};

/// Why a database URL cannot be used; the message holds the URL with its password hidden.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UrlError(pub String);

/// The engine family a URL names, or why it names none. Server URLs are parsed with the
/// `url` crate: a bad port, a missing host or a raw `/ # ? @` in a password is a
/// configuration error, not a failed connection.
pub fn dialect_of(url: &str) -> Result<Dialect, UrlError> {
    let (scheme, rest) = url.split_once(':').unwrap_or((url, ""));
    let dialect = match scheme.to_ascii_lowercase().as_str() {
        _ if !url.contains(':') => {
            return Err(UrlError(format!(
                "`{}` is not a database URL: it has no scheme; use postgres://, postgresql://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:",
                redact_url(url)
            )));
        }
        "postgres" | "postgresql" => Dialect::Postgres,
        "mysql" | "mariadb" => Dialect::Mysql,
        "sqlite" => Dialect::Sqlite,
        _ => {
            return Err(UrlError(format!(
                "`{}` is not a database URL ferry knows; use postgres://, postgresql://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:",
                redact_url(url)
            )));
        }
    };
    let bad = |why: &str| UrlError(format!("`{}`: {why}", redact_url(url)));
    const ENCODE: &str =
        "characters such as / # ? @ in a password must be percent-encoded (%2F %23 %3F %40)";
    match dialect {
        Dialect::Sqlite => {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.split('?').next().unwrap_or_default().is_empty() {
                return Err(bad(
                    "the SQLite URL names no file; write sqlite://PATH (or sqlite::memory: for a throw-away database)",
                ));
            }
        }
        _ => {
            let parsed = url::Url::parse(url)
                .map_err(|e| bad(&format!("not a valid URL ({e}); {ENCODE}")))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(bad("the URL names no host"));
            }
            // `user:12/x@host/db` parses as host `user`, port 12: a raw `/` in a password.
            let at_after_host =
                parsed.path().contains('@') || parsed.fragment().is_some_and(|f| f.contains('@'));
            if at_after_host {
                return Err(bad(&format!("the URL has an @ after its host; {ENCODE}")));
            }
        }
    }
    Ok(dialect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_configuration_errors_that_hide_the_password() {
        for url in [
            "postgres://u:Zq/Xv@host/db",
            "postgres://u:Zq#Xv@host/db",
            "mysql://u:Zq?Xv@host/db",
            "postgres://u:ZqXv@host:99999/db",
            "postgres://u:ZqXv@host:port/db",
            "mysql://u:ZqXv@/db",
            "postgres://u:12/ZqXv@host/db",
        ] {
            let err = dialect_of(url).unwrap_err();
            assert!(matches!(err, UrlError(_)), "{url}");
            let text = err.to_string();
            assert!(
                !text.contains("Zq") && !text.contains("Xv"),
                "{url}: {text}"
            );
        }
        assert!(matches!(dialect_of("sqlite://"), Err(UrlError(_))));
        assert!(matches!(dialect_of("sqlite:"), Err(UrlError(_))));
        // Found by fuzzing: a scheme without its colon.
        assert!(matches!(dialect_of("sqlite"), Err(UrlError(_))));
        assert!(matches!(dialect_of("postgres"), Err(UrlError(_))));
        assert_eq!(dialect_of("sqlite::memory:").unwrap(), Dialect::Sqlite);
        assert_eq!(dialect_of("sqlite://x.db").unwrap(), Dialect::Sqlite);
        assert_eq!(
            dialect_of("postgres://u:p%2Fw@127.0.0.1:5432/db").unwrap(),
            Dialect::Postgres
        );
    }
}

/// The database a server URL names (its path without the slash), if any.
pub fn database_name(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let name = parsed.path().trim_start_matches('/');
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .ok()?;
    (!name.is_empty()).then(|| name.into_owned())
}

/// `url` naming database `name` instead (a server URL's path), keeping its user, password,
/// host and query.
pub fn with_database(url: &str, name: &str) -> Result<String, UrlError> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| UrlError(format!("`{}`: {e}", redact_url(url))))?;
    const NAME: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'_')
        .remove(b'-')
        .remove(b'.');
    let encoded = percent_encoding::utf8_percent_encode(name, NAME);
    parsed.set_path(&format!("/{encoded}"));
    Ok(parsed.to_string())
}

#[cfg(test)]
mod naming_tests {
    use super::{database_name, with_database};

    #[test]
    fn swaps_the_database_and_keeps_the_rest() {
        let url = "postgres://u:p%40ss@h:5/app?sslmode=disable";
        assert_eq!(database_name(url).as_deref(), Some("app"));
        let other = with_database(url, "app_ferry_test_1").unwrap();
        assert_eq!(
            other,
            "postgres://u:p%40ss@h:5/app_ferry_test_1?sslmode=disable"
        );
        assert_eq!(database_name(&other).as_deref(), Some("app_ferry_test_1"));
        assert_eq!(database_name("mysql://root@h"), None);
    }
}
