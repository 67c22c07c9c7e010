//! The one error type of the API client: every failure names the call, never the token.

use std::time::Duration;

/// Longest slice of a server's error body kept in a message.
const BODY_LIMIT: usize = 2000;

/// Why a call to the Secoda API failed. Messages name the method and path (never the query
/// string, never the token) so that a user can tell which call went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The client's write gate refused to send the write (e.g. the apply's lease was lost).
    #[error("{method} {path} was not sent: {why}")]
    NotSent {
        /// HTTP method.
        method: String,
        /// Request path.
        path: String,
        /// Why the gate refused.
        why: String,
    },
    /// No token was configured.
    #[error("no Secoda API token: set SECODA_API_TOKEN or pass --token-file PATH")]
    MissingToken,
    /// The token cannot be sent in an HTTP header.
    #[error("the Secoda API token holds characters that cannot be sent in a header (check for stray quotes or control characters)")]
    InvalidToken,
    /// The base URL could not be parsed.
    #[error("invalid API URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL uses plain http towards a host that is not loopback.
    #[error("refusing to send the API token over plain http to `{url}`: use https (http is allowed for loopback hosts only)")]
    InsecureUrl {
        /// The URL as given.
        url: String,
    },
    /// The HTTP client could not be built (TLS backend).
    #[error("failed to set up the HTTP client")]
    Setup(#[source] reqwest::Error),
    /// A list whose pages never end: a page repeats ids already read, or the page number ran
    /// far past the `total_pages` the list announced. Reading stops; nothing is written.
    #[error(
        "GET {path}: the list does not end ({why}); stopped reading it, and nothing was written"
    )]
    EndlessList {
        /// The list's path.
        path: String,
        /// What gave it away.
        why: String,
    },
    /// The server answered with a non-success status.
    #[error("{method} {path} -> {status}: {body}{hint}", body = shown_body(body), hint = status_hint(*status))]
    Status {
        /// HTTP method.
        method: String,
        /// Path, without the query string.
        path: String,
        /// HTTP status code.
        status: u16,
        /// The server's error body (Secoda's field errors live here).
        body: String,
    },
    /// The server redirected a call that must not be redirected.
    #[error("{method} {path} -> {status}: redirect to `{location}` not followed ({why}); check --api-url and --trailing-slash")]
    Redirect {
        /// HTTP method.
        method: String,
        /// Path, without the query string.
        path: String,
        /// HTTP status code.
        status: u16,
        /// The `Location` header.
        location: String,
        /// Why it was not followed.
        why: &'static str,
    },
    /// No answer in time, on every try.
    #[error("{method} {path}: no answer within {}s{} (see --request-timeout / --connect-timeout{})",
            after.as_secs_f64(), tries_taken(*tries, *total), if *tries > 1 { " / --max-tries" } else { "" })]
    Timeout {
        /// HTTP method.
        method: String,
        /// Path, without the query string.
        path: String,
        /// The timeout that expired.
        after: Duration,
        /// How many tries the call made (the last one timed out).
        tries: u32,
        /// The time from the first try to giving up.
        total: Duration,
    },
    /// The connection failed or broke.
    #[error("{method} {path}: {what}")]
    Transport {
        /// HTTP method.
        method: String,
        /// Path, without the query string.
        path: String,
        /// `connection failed` (nothing was sent) or `connection broken` (the answer was lost).
        what: &'static str,
        /// The underlying error (its URL stripped).
        #[source]
        source: reqwest::Error,
    },
    /// The answer was not the JSON the call expects.
    #[error(
        "{method} {path} -> {status}: unexpected response body: {source} (body starts: {snippet})"
    )]
    Decode {
        /// HTTP method.
        method: String,
        /// Path, without the query string.
        path: String,
        /// HTTP status code.
        status: u16,
        /// The parse error.
        #[source]
        source: serde_json::Error,
        /// The first bytes of the body.
        snippet: String,
    },
}

fn shown_body(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    truncate(body, BODY_LIMIT)
}

/// `, the last of 3 tries, 1.5s in all` when the call was tried more than once.
fn tries_taken(tries: u32, total: Duration) -> String {
    if tries <= 1 {
        return String::new();
    }
    let secs = total.as_secs_f64();
    if secs < 60.0 {
        format!(", the last of {tries} tries, {secs:.1}s in all")
    } else {
        let whole = total.as_secs();
        format!(
            ", the last of {tries} tries, {}m {}s in all",
            whole / 60,
            whole % 60
        )
    }
}

fn status_hint(status: u16) -> &'static str {
    match status {
        401 => " (the API token was refused: check SECODA_API_TOKEN or --token-file)",
        403 => " (the API token is not allowed to do this)",
        429 => " (rate limited: lower --write-rate / --read-rate or --concurrency)",
        _ => "",
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &s[..end], s.len())
}

impl ApiError {
    /// The HTTP status the server answered, when it answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. }
            | Self::Redirect { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server says the object does not exist (404).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The server does not serve this call (404 on a collection, 405, 501): e.g. a workspace
    /// whose API cannot delete monitors.
    #[must_use]
    pub fn is_unsupported(&self) -> bool {
        matches!(self.status(), Some(404 | 405 | 501))
    }

    /// The call may or may not have taken effect (timeout, lost answer, 5xx): a create must
    /// look before it tries again.
    #[must_use]
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Transport { what, .. } => *what == BROKEN,
            Self::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// `Transport::what` when nothing reached the server.
pub(crate) const FAILED: &str = "connection failed";
/// `Transport::what` when the request may have reached the server.
pub(crate) const BROKEN: &str = "connection broken before the answer arrived";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_after_retries_names_the_tries_and_the_total() {
        let err = |tries, total| ApiError::Timeout {
            method: "GET".into(),
            path: "/p".into(),
            after: Duration::from_secs(60),
            tries,
            total: Duration::from_secs(total),
        };
        assert_eq!(
            err(1, 60).to_string(),
            "GET /p: no answer within 60s (see --request-timeout / --connect-timeout)"
        );
        assert_eq!(
            err(8, 487).to_string(),
            "GET /p: no answer within 60s, the last of 8 tries, 8m 7s in all (see \
             --request-timeout / --connect-timeout / --max-tries)"
        );
    }

    #[test]
    fn status_error_names_call_status_and_body() {
        let e = ApiError::Status {
            method: "POST".into(),
            path: "/api/v1/event/events".into(),
            status: 400,
            body: r#"{"parent": ["This field is required."]}"#.into(),
        };
        assert_eq!(
            e.to_string(),
            r#"POST /api/v1/event/events -> 400: {"parent": ["This field is required."]}"#
        );
        assert!(!e.is_ambiguous());
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn unauthorized_names_both_ways_to_set_the_token() {
        let e = ApiError::Status {
            method: "GET".into(),
            path: "/api/v1/tag".into(),
            status: 401,
            body: String::new(),
        };
        let msg = e.to_string();
        assert!(msg.contains("-> 401: (empty body)"), "{msg}");
        assert!(msg.contains("SECODA_API_TOKEN") && msg.contains("--token-file"));
    }

    #[test]
    fn long_bodies_are_cut_on_a_char_boundary() {
        let s = "é".repeat(2000);
        let t = truncate(&s, 101);
        assert!(t.starts_with(&"é".repeat(50)));
        assert!(t.ends_with("(4000 bytes)"));
    }

    #[test]
    fn server_errors_are_ambiguous_client_errors_are_not() {
        let mk = |status| ApiError::Status {
            method: "POST".into(),
            path: "/p".into(),
            status,
            body: String::new(),
        };
        assert!(mk(502).is_ambiguous());
        assert!(!mk(404).is_ambiguous());
        assert!(mk(404).is_not_found());
        assert!(mk(405).is_unsupported());
    }
}
