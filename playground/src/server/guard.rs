//! The server's checks on every request (Host, cross-site) and its caching
//! headers. The rules are in plain functions so they are tested one by one.

use axum::http::{HeaderMap, Method, header};

use super::error::ApiError;

/// DNS rebinding and cross-site protection: the Host must be this server's
/// loopback address with its port; requests that change anything (all but
/// GET/HEAD) must come from the book's own pages.
pub fn check_request(method: &Method, headers: &HeaderMap, port: u16) -> Result<(), ApiError> {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return Err(ApiError::Forbidden("the request has no Host header".into()));
    };
    if !host_allowed(host, port) {
        return Err(ApiError::Forbidden(format!(
            "Host `{host}` is not this server (use http://127.0.0.1:{port}/)"
        )));
    }
    if method == Method::GET || method == Method::HEAD {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(ApiError::Forbidden(format!("a {site} request (Sec-Fetch-Site)")));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own = format!("http://{host}");
        if origin.as_bytes() != own.as_bytes() {
            let shown = String::from_utf8_lossy(origin.as_bytes()).into_owned();
            return Err(ApiError::Forbidden(format!("Origin `{shown}` is not {own}")));
        }
    }
    Ok(())
}

/// `127.0.0.1`, `localhost` or `[::1]`, with the bound port (implicit only for 80).
pub fn host_allowed(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    host_port == Some(port)
        && matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// The `Cache-Control` for a successful (or not) answer at `path`: hashed
/// mdBook assets (`book-3a9f1c2e.js`) never change under that name;
/// everything else (HTML above all) must be revalidated.
pub fn cache_control(path: &str, success: bool) -> &'static str {
    if success && is_hashed_asset(path) { "public, max-age=31536000, immutable" } else { "no-cache" }
}

/// `name-<8+ hex digits>.ext`, the shape of mdBook's `hash-files` names.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    if ext == "html" {
        return false;
    }
    let Some((_, hash)) = stem.rsplit_once('-') else { return false };
    hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

/// Whether a `Content-Type` is JSON.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_loopback_names_with_the_right_port_are_hosts() {
        for ok in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000", "[::1]:3000"] {
            assert!(host_allowed(ok, 3000), "{ok}");
        }
        for bad in
            ["127.0.0.1:3001", "attacker.example:3000", "127.0.0.1", "[::1]", "127.0.0.2:3000", "localhost:x"]
        {
            assert!(!host_allowed(bad, 3000), "{bad}");
        }
        assert!(host_allowed("localhost", 80), "port 80 may be implicit");
        assert!(host_allowed("[::1]", 80));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn cross_site_posts_are_refused_and_reads_allowed() {
        let post = Method::POST;
        let own = [
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ];
        assert_eq!(check_request(&post, &headers(&own), 3000), Ok(()));
        assert_eq!(check_request(&post, &headers(&[("host", "127.0.0.1:3000")]), 3000), Ok(()));
        let cases: [&[(&'static str, &str)]; 4] = [
            &[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")],
            &[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-site")],
            &[("host", "127.0.0.1:3000"), ("origin", "null")],
            &[("host", "localhost:3000"), ("origin", "http://127.0.0.1:3000")],
        ];
        for case in cases {
            let err = check_request(&post, &headers(case), 3000).unwrap_err();
            assert!(matches!(err, ApiError::Forbidden(_)), "{case:?}: {err}");
        }
        let get = [("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")];
        assert_eq!(check_request(&Method::GET, &headers(&get), 3000), Ok(()), "a page may link here");
        let err = check_request(&Method::GET, &HeaderMap::new(), 3000).unwrap_err();
        assert!(err.to_string().contains("no Host"), "{err}");
    }

    #[test]
    fn hashed_assets_are_cached_for_a_year_and_the_rest_revalidated() {
        assert!(is_hashed_asset("/book-0123abcd.js"));
        assert!(is_hashed_asset("/css/chrome-5f1d2c3b4a.css"));
        assert!(!is_hashed_asset("/index-0123abcd.html"), "HTML is always revalidated");
        assert!(!is_hashed_asset("/book-0123abc.js"), "seven digits are no hash");
        assert!(!is_hashed_asset("/my-notes.js"));
        assert!(!is_hashed_asset("/"));
        assert_eq!(cache_control("/book-0123abcd.js", true), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("/book-0123abcd.js", false), "no-cache");
        assert_eq!(cache_control("/mutex/poisoning.html", true), "no-cache");
    }

    #[test]
    fn json_is_recognised_with_parameters() {
        assert!(is_json(&headers(&[("content-type", "application/json; charset=utf-8")])));
        assert!(!is_json(&headers(&[("content-type", "text/plain")])));
        assert!(!is_json(&HeaderMap::new()));
    }
}
