//! Keeping passwords out of everything ferry prints.

/// `url` with any password replaced by `***`: the `user:password@` part and `password=`
/// query parameters.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = out[authority_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| authority_start + i);
        if let Some(at) = out[authority_start..authority_end].rfind('@') {
            let userinfo = &out[authority_start..authority_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = authority_start + colon + 1;
                out.replace_range(start..authority_start + at, "***");
            }
        }
    }
    redact_query_password(&out)
}

fn redact_query_password(url: &str) -> String {
    let Some(q) = url.find('?') else {
        return url.to_owned();
    };
    let (head, query) = url.split_at(q + 1);
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _))
                if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("pass") =>
            {
                format!("{k}=***")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{head}{}", params.join("&"))
}

/// `text` with every occurrence of the password in `url` replaced by `***`, for messages
/// that came from elsewhere (a driver error) and might quote it.
pub fn scrub_password(text: &str, url: &str) -> String {
    match password_of(url) {
        Some(pw) if pw.len() >= 3 => text.replace(&pw, "***"),
        _ => text.to_owned(),
    }
}

fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    Some(userinfo.split_once(':')?.1.to_owned())
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
    fn hides_password_in_query() {
        assert_eq!(
            redact_url("postgres://h/db?user=a&password=xyz&sslmode=off"),
            "postgres://h/db?user=a&password=***&sslmode=off"
        );
    }

    #[test]
    fn scrubs_messages() {
        assert_eq!(
            scrub_password("auth failed for hunter2", "postgres://u:hunter2@h/db"),
            "auth failed for ***"
        );
    }
}
