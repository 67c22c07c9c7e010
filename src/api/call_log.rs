//! Call logging for `-v` / `-vv`: one line per call, then headers and bodies, with the token
//! and cookies redacted. A log line that cannot be written never fails the call.

use super::error::{self, ApiError};
use super::Client;
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// Longest body printed by `-vv`.
const LOG_BODY_LIMIT: usize = 4000;

/// How much the client logs about its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LogLevel {
    /// Nothing.
    #[default]
    Off,
    /// `-v`: method, path, status, duration per call.
    Calls,
    /// `-vv`: also headers (Authorization redacted) and bodies.
    Bodies,
}

/// Where call logs go (stderr unless a test or caller supplies a writer).
#[derive(Clone)]
pub struct LogSink(Arc<Mutex<Box<dyn Write + Send>>>);

impl LogSink {
    /// Logs to stderr.
    #[must_use]
    pub fn stderr() -> Self {
        Self::new(std::io::stderr())
    }

    /// Logs to any writer.
    pub fn new(w: impl Write + Send + 'static) -> Self {
        Self(Arc::new(Mutex::new(Box::new(w))))
    }

    /// Writes one log entry (which may span lines) under the lock, so entries never interleave.
    pub(super) fn line(&self, msg: &str) {
        let mut w = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A log line that cannot be written must not fail the call it describes.
        let _ = writeln!(w, "{}", crate::output::redact(msg));
    }
}

impl Default for LogSink {
    fn default() -> Self {
        Self::stderr()
    }
}

impl fmt::Debug for LogSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LogSink")
    }
}

impl Client {
    /// A line for `-v` about how the client reads the workspace.
    pub(super) fn log_note(&self, msg: &str) {
        if self.inner.log >= LogLevel::Calls {
            self.inner.sink.line(msg);
        }
    }

    /// `-v`: `METHOD /path?query -> status (N ms)`, or the failure.
    pub(super) fn log_call(
        &self,
        method: &Method,
        url: &Url,
        status: Option<StatusCode>,
        started: Instant,
        err: Option<&ApiError>,
    ) {
        if self.inner.log < LogLevel::Calls {
            return;
        }
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let ms = started.elapsed().as_millis();
        let outcome = match (status, err) {
            (_, Some(e)) => format!("failed ({e})"),
            (Some(s), None) => s.as_u16().to_string(),
            (None, None) => "?".to_owned(),
        };
        self.inner
            .sink
            .line(&format!("{method} {target} -> {outcome} ({ms} ms)"));
    }

    /// `-v`: why a call is tried again, and when.
    pub(super) fn log_retry(
        &self,
        method: &Method,
        path: &str,
        attempt: u32,
        wait: Duration,
        err: &ApiError,
    ) {
        if self.inner.log >= LogLevel::Calls {
            self.inner.sink.line(&format!(
                "retrying {method} {path} (try {} of {}) in {} ms: {err}",
                attempt + 1,
                self.retry.max_tries,
                wait.as_millis()
            ));
        }
    }

    /// `-vv`: the request line, the (redacted) authorization and the body.
    pub(super) fn log_request(&self, method: &Method, url: &Url, body: Option<&[u8]>) {
        let mut lines = format!("> {method} {}", url.path());
        lines.push_str("\n> authorization: Bearer [redacted]");
        if let Some(b) = body {
            lines.push_str("\n> content-type: application/json\n> ");
            lines.push_str(&error::truncate(
                &String::from_utf8_lossy(b),
                LOG_BODY_LIMIT,
            ));
        }
        self.inner.sink.line(&lines);
    }

    /// `-vv`: the answer's headers (credentials redacted) and body.
    pub(super) fn log_response(&self, headers: &HeaderMap, body: &[u8]) {
        let mut lines = String::new();
        for (name, value) in headers {
            let shown = if name == header::AUTHORIZATION || name == header::SET_COOKIE {
                "[redacted]"
            } else {
                value.to_str().unwrap_or("(binary)")
            };
            lines.push_str(&format!("< {name}: {shown}\n"));
        }
        lines.push_str("< ");
        lines.push_str(&error::truncate(
            &String::from_utf8_lossy(body),
            LOG_BODY_LIMIT,
        ));
        self.inner.sink.line(&lines);
    }
}
