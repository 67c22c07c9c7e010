//! One logical call: the body encoded once, then tries under the limiter and the concurrency
//! cap, each one logged, with the redirect and retry decisions applied and the answer decoded.

use super::error::{self, ApiError};
use super::redirect;
use super::retry::Replay;
use super::stats::bump;
use super::{Client, Endpoint, LogLevel};
use reqwest::header;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::{Instant, SystemTime};

fn is_write(method: &Method) -> bool {
    method != Method::GET && method != Method::HEAD
}

impl Client {
    /// GET and decode.
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        query: &[(String, String)],
    ) -> Result<T, ApiError> {
        self.call(Method::GET, endpoint, query, None::<&()>, Replay::Free)
            .await
    }

    /// POST once (repeated only when the server surely did not act).
    pub(super) async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> Result<T, ApiError> {
        self.call(Method::POST, endpoint, &[], Some(body), Replay::Unsent)
            .await
    }

    /// PATCH (safe to repeat: it sets the same fields again, so a 500 is tried again too).
    pub(super) async fn patch<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> Result<T, ApiError> {
        self.call(Method::PATCH, endpoint, &[], Some(body), Replay::Idempotent)
            .await
    }

    /// DELETE; what is already gone (404) counts as deleted.
    pub(super) async fn delete(&self, endpoint: &Endpoint) -> Result<(), ApiError> {
        match self
            .call::<serde_json::Value, ()>(Method::DELETE, endpoint, &[], None, Replay::Idempotent)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// One logical call: pacing, concurrency cap, retries, redirects, decoding.
    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        endpoint: &Endpoint,
        query: &[(String, String)],
        body: Option<&B>,
        replay: Replay,
    ) -> Result<T, ApiError> {
        let path = endpoint.path_with(self.inner.trailing_slash);
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|source| ApiError::Decode {
                method: method.to_string(),
                path: path.clone(),
                status: 0,
                snippet: String::new(),
                source,
            })?;
        let retry = self.retry;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let mut err = match self.attempt(&method, &path, query, body.as_deref()).await {
                Ok((status, bytes)) => return decode(&method, &path, status, &bytes),
                Err(e) => e,
            };
            if let ApiError::Timeout { tries, total, .. } = &mut err {
                *tries = attempt;
                *total = started.elapsed();
            }
            let Some(mut wait) = retry.wait_after(&err, replay, attempt) else {
                return Err(err);
            };
            if matches!(err, ApiError::Timeout { .. }) {
                // The timeout already waited: no backoff on top, so a server that never
                // answers fails within the request timeout times the tries.
                wait = std::time::Duration::ZERO;
            }
            bump(&self.inner.counters.retries);
            self.log_retry(&method, &path, attempt, wait, &err);
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One HTTP exchange (plus same-origin GET redirects), under the limiter and a slot.
    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&[u8]>,
    ) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let write = is_write(method);
        let limiter = if write {
            &self.inner.writes
        } else {
            &self.inner.reads
        };
        limiter.ready().await;
        let _slot = self
            .inner
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        if let (true, Some(gate)) = (write, &self.gate) {
            gate.check().map_err(|why| ApiError::NotSent {
                method: method.to_string(),
                path: path.to_owned(),
                why,
            })?;
        }
        let mut url = self.url(path, query);
        let mut redirects = 0;
        loop {
            let started = Instant::now();
            bump(&self.inner.counters.calls);
            if write {
                bump(&self.inner.counters.writes);
            }
            let mut req = self.inner.http.request(method.clone(), url.clone());
            if let Some(b) = body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(b.to_vec());
            }
            if self.inner.log >= LogLevel::Bodies {
                self.log_request(method, &url, body);
            }
            let result = req.send().await;
            let resp = match result {
                Ok(r) => r,
                Err(e) => {
                    let err = self.transport_error(method, path, e);
                    self.log_call(method, &url, None, started, Some(&err));
                    return Err(err);
                }
            };
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = match resp.bytes().await {
                Ok(b) => Vec::from(b),
                Err(e) => {
                    let err = self.transport_error(method, path, e);
                    self.log_call(method, &url, Some(status), started, Some(&err));
                    return Err(err);
                }
            };
            self.log_call(method, &url, Some(status), started, None);
            // Only a 429 slows an adaptive pace and only a success speeds it up: a 5xx says
            // nothing good about the server's load.
            if status == StatusCode::TOO_MANY_REQUESTS {
                limiter.rate_limited(started);
            } else if status.is_success() {
                limiter.answered(started.elapsed());
            }
            if self.inner.log >= LogLevel::Bodies {
                self.log_response(&headers, &bytes);
            }
            if status.is_success() {
                return Ok((status, bytes));
            }
            if status.is_redirection() {
                let target = headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                match redirect::follow(write, &url, target, &self.inner.base, redirects) {
                    Ok(next) => {
                        url = next;
                        redirects += 1;
                        continue;
                    }
                    Err(why) => {
                        return Err(ApiError::Redirect {
                            method: method.to_string(),
                            path: path.to_owned(),
                            status: status.as_u16(),
                            location: target.to_owned(),
                            why,
                        })
                    }
                }
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                bump(&self.inner.counters.rate_limited);
                let retry_after = headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok());
                limiter.pause(self.retry.rate_limit_pause(retry_after, SystemTime::now()));
            }
            return Err(ApiError::Status {
                method: method.to_string(),
                path: path.to_owned(),
                status: status.as_u16(),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
    }

    fn transport_error(&self, method: &Method, path: &str, e: reqwest::Error) -> ApiError {
        let method = method.to_string();
        let path = path.to_owned();
        if e.is_timeout() {
            let after = if e.is_connect() {
                self.inner.connect_timeout
            } else {
                self.inner.request_timeout
            };
            return ApiError::Timeout {
                method,
                path,
                after,
                tries: 1,
                total: after,
            };
        }
        let what = if e.is_connect() {
            error::FAILED
        } else {
            error::BROKEN
        };
        ApiError::Transport {
            method,
            path,
            what,
            source: e.without_url(),
        }
    }
}

fn decode<T: DeserializeOwned>(
    method: &Method,
    path: &str,
    status: StatusCode,
    bytes: &[u8],
) -> Result<T, ApiError> {
    // 204 and empty bodies decode as `null` so that `()`/`Value`/`Option` callers work.
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|source| ApiError::Decode {
        method: method.to_string(),
        path: path.to_owned(),
        status: status.as_u16(),
        source,
        snippet: error::truncate(&String::from_utf8_lossy(bytes), 200),
    })
}
