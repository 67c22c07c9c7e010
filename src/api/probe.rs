//! Single GETs of paths the tool may not send itself (the other slash form, monitors without
//! `/api/v1`), answered raw: status, JSON and time on the wire, for `doctor`. Only ever
//! to the configured base URL, never a redirect's or a page link's host, so the token stays
//! where the user sent it.

use super::error;
use super::stats::bump;
use super::Client;
use reqwest::header;
use reqwest::{Method, StatusCode};
use std::time::{Duration, Instant, SystemTime};

/// 429s a probe waits out before it reports the 429 itself.
const MAX_THROTTLED: u32 = 3;

/// What one GET saw.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The path asked for (no query string).
    pub path: String,
    /// The status answered; `None` when no answer came.
    pub status: Option<u16>,
    /// Time from sending the request to the end of the answer (the pacing wait left out).
    pub elapsed: Duration,
    /// The answer's JSON; `None` when it was not JSON (or there was no answer).
    pub body: Option<serde_json::Value>,
    /// A redirect's `Location`, which a probe reports instead of following.
    pub location: Option<String>,
    /// Why no answer came (connection failed, timeout).
    pub error: Option<String>,
}

impl Probe {
    /// Whether the server answered 2xx.
    #[must_use]
    pub fn answered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Whether the server answered 401 or 403: the token is not good for this call.
    #[must_use]
    pub fn refused(&self) -> bool {
        matches!(self.status, Some(401 | 403))
    }
}

impl Client {
    /// One GET of `path` (under the base URL's own path) with `query`, paced like every read
    /// and under the concurrency cap; a 429 is waited out a few times, nothing else is retried
    /// and no redirect is followed (the answer says where it pointed).
    pub async fn probe(&self, path: &str, query: &[(String, String)]) -> Probe {
        let url = self.url(path, query);
        let mut throttled = 0;
        loop {
            self.inner.reads.ready().await;
            let _slot = self
                .inner
                .slots
                .acquire()
                .await
                .expect("the semaphore is never closed");
            bump(&self.inner.counters.calls);
            let started = Instant::now();
            let sent = self.inner.http.get(url.clone()).send().await;
            let (status, headers, bytes) = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(b) => (status, headers, b),
                        Err(e) => return self.failed(path, &url, started, e),
                    }
                }
                Err(e) => return self.failed(path, &url, started, e),
            };
            let elapsed = started.elapsed();
            self.log_call(&Method::GET, &url, Some(status), started, None);
            if status == StatusCode::TOO_MANY_REQUESTS && throttled < MAX_THROTTLED {
                throttled += 1;
                bump(&self.inner.counters.rate_limited);
                let retry_after = headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok());
                self.inner
                    .reads
                    .pause(self.retry.rate_limit_pause(retry_after, SystemTime::now()));
                continue;
            }
            let location = status
                .is_redirection()
                .then(|| headers.get(header::LOCATION)?.to_str().ok())
                .flatten()
                .map(str::to_owned);
            return Probe {
                path: path.to_owned(),
                status: Some(status.as_u16()),
                elapsed,
                body: serde_json::from_slice(&bytes).ok(),
                location,
                error: None,
            };
        }
    }

    fn failed(&self, path: &str, url: &url::Url, started: Instant, e: reqwest::Error) -> Probe {
        let err = if e.is_timeout() {
            let (after, flag) = if e.is_connect() {
                (self.inner.connect_timeout, "--connect-timeout")
            } else {
                (self.inner.request_timeout, "--request-timeout")
            };
            format!("no answer within {}s (see {flag})", after.as_secs_f64())
        } else {
            let what = if e.is_connect() {
                error::FAILED
            } else {
                error::BROKEN
            };
            format!("{what}: {}", e.without_url())
        };
        self.log_call(&Method::GET, url, None, started, None);
        Probe {
            path: path.to_owned(),
            status: None,
            elapsed: started.elapsed(),
            body: None,
            location: None,
            error: Some(err),
        }
    }
}
