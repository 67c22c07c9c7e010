//! What a caller decides about a client: address, token, pacing, concurrency, timeouts,
//! retries and logging, with the defaults every command starts from.

use super::{LogLevel, LogSink, Rate, ReadPace, RetryPolicy, Token};
use std::time::Duration;
use url::Url;

/// Everything the client needs to reach the API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://api.secoda.co` (a path prefix is kept).
    pub base_url: Url,
    /// The API token.
    pub token: Token,
    /// Pace of POST/PUT/PATCH/DELETE calls; `None` = unpaced.
    pub write_rate: Option<Rate>,
    /// Pace of GET calls.
    pub read_pace: ReadPace,
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    /// Send `/path/` forms.
    pub trailing_slash: bool,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Call logging.
    pub log: LogLevel,
    /// Where call logs go.
    pub log_sink: LogSink,
}

impl ClientConfig {
    /// Defaults for everything but the address and token: no write or read pacing (callers
    /// talking to Secoda set `write_rate` to [`Rate::SECODA_WRITES`] and `read_pace` to
    /// [`ReadPace::AUTO`]), concurrency 8, timeouts
    /// 10 s / 60 s, the default retry policy, no logging.
    #[must_use]
    pub fn new(base_url: Url, token: Token) -> Self {
        Self {
            base_url,
            token,
            write_rate: None,
            read_pace: ReadPace::Unpaced,
            concurrency: 8,
            trailing_slash: false,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            log: LogLevel::Off,
            log_sink: LogSink::stderr(),
        }
    }
}
