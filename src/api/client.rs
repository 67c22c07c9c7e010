//! The client core: one connection pool, the shared limiters, concurrency cap and counters,
//! and the checks a base URL must pass before the token goes anywhere.
//!
//! The calls are `impl Client` blocks, one file per concern: `resources` (categories, events,
//! properties), `monitors`, `lookups`, `idempotent` (creates that survive a lost answer); how
//! a call is made lives in `call`, `paging`, `retry`, `redirect` and `call_log`.

use super::limit::Limiter;
use super::paging::PageSizeSeen;
use super::stats::Counters;
use super::{
    ApiError, ClientConfig, ClientStats, Endpoint, Health, LogLevel, LogSink, Rate, ReadPace,
    RetryPolicy,
};
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use url::Url;

/// A client for one workspace. Cheap to clone: clones share the connection pool, the
/// limiters, the concurrency cap and the counters.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
    /// Asked right before each write is sent (`None` = every write may go).
    pub(super) gate: Option<super::WriteGate>,
    /// How this clone's failed calls are retried.
    pub(super) retry: RetryPolicy,
}

/// What every clone of a [`Client`] shares.
#[derive(Debug)]
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    pub(super) write_rate: Option<Rate>,
    pub(super) read_pace: ReadPace,
    pub(super) writes: Limiter,
    pub(super) reads: Limiter,
    pub(super) slots: Semaphore,
    /// Pages of one list requested at once (the concurrency cap).
    pub(super) read_ahead: usize,
    pub(super) trailing_slash: bool,
    pub(super) request_timeout: Duration,
    pub(super) connect_timeout: Duration,
    pub(super) log: LogLevel,
    pub(super) sink: LogSink,
    pub(super) counters: Counters,
    /// What this run learnt about `page_size`.
    pub(super) page_size: PageSizeSeen,
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl Client {
    /// A clone sharing everything with this client but asking `gate` right before each write
    /// it sends (after pacing, before every retry); a write the gate refuses fails with
    /// [`ApiError::NotSent`] unsent.
    #[must_use]
    pub fn with_write_gate(&self, gate: super::WriteGate) -> Self {
        Self {
            inner: self.inner.clone(),
            gate: Some(gate),
            retry: self.retry,
        }
    }

    /// A clone sharing everything with this client but making each call once: a failure is
    /// returned at once, for a caller that retries on its own schedule (a lease renewal must
    /// learn of a failure while its expiry is still ahead, not after minutes of backoff).
    #[must_use]
    pub fn single_try(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            gate: self.gate.clone(),
            retry: RetryPolicy {
                max_tries: 1,
                ..self.retry
            },
        }
    }

    /// Builds the client: checks the URL (https, or http to a loopback host) and the token.
    ///
    /// # Errors
    /// [`ApiError::MissingToken`], [`ApiError::InvalidToken`], [`ApiError::InvalidUrl`],
    /// [`ApiError::InsecureUrl`], or [`ApiError::Setup`] when TLS cannot be initialised.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base = config.base_url;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(ApiError::InsecureUrl {
                    url: base.to_string(),
                })
            }
            other => {
                return Err(ApiError::InvalidUrl {
                    url: base.to_string(),
                    reason: format!("scheme `{other}` is not http(s)"),
                })
            }
        }
        if base.host().is_none() || base.cannot_be_a_base() {
            return Err(ApiError::InvalidUrl {
                url: base.to_string(),
                reason: "no host".to_owned(),
            });
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(ApiError::InvalidUrl {
                url: "(hidden: it holds credentials)".to_owned(),
                reason: "credentials in the URL are not supported; use SECODA_API_TOKEN".to_owned(),
            });
        }
        if config.token.is_empty() {
            return Err(ApiError::MissingToken);
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, config.token.header()?);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let concurrency = config.concurrency.max(1);
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .gzip(true)
            // Redirects are followed by hand (see `redirect`), so none takes the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_max_idle_per_host(concurrency)
            .user_agent(concat!("secoda-sync/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .build()
            .map_err(ApiError::Setup)?;
        Ok(Self {
            gate: None,
            retry: config.retry,
            inner: Arc::new(Inner {
                http,
                base,
                write_rate: config.write_rate,
                read_pace: config.read_pace,
                writes: Limiter::new(config.write_rate),
                reads: Limiter::reads(config.read_pace),
                slots: Semaphore::new(concurrency),
                read_ahead: concurrency,
                trailing_slash: config.trailing_slash,
                request_timeout: config.request_timeout,
                connect_timeout: config.connect_timeout,
                log: config.log,
                sink: config.log_sink,
                counters: Counters::default(),
                page_size: PageSizeSeen::default(),
            }),
        })
    }

    /// The configured base URL.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The write pace, for estimates such as "124 writes take about 4 min".
    #[must_use]
    pub fn write_rate(&self) -> Option<Rate> {
        self.inner.write_rate
    }

    /// The pace of reads, as configured.
    #[must_use]
    pub fn read_pace(&self) -> ReadPace {
        self.inner.read_pace
    }

    /// Reads a second an `auto` pace keeps now (`None` when the pace is fixed or none).
    #[must_use]
    pub fn settled_read_rate(&self) -> Option<f64> {
        self.inner.reads.adaptive_rate()
    }

    /// Whether the server honours `page_size` (`None`: no list has told yet) and the most
    /// items one page held, so far in this run.
    #[must_use]
    pub fn page_size_seen(&self) -> (Option<bool>, usize) {
        (
            self.inner.page_size.honoured(),
            self.inner.page_size.largest(),
        )
    }

    /// Counters so far.
    #[must_use]
    pub fn stats(&self) -> ClientStats {
        self.inner.counters.snapshot()
    }

    /// `GET /healthcheck`: the server answers and speaks JSON.
    ///
    /// # Errors
    /// Any [`ApiError`] of the call.
    pub async fn healthcheck(&self) -> Result<(), ApiError> {
        let _: Health = self.get(&Endpoint::Healthcheck, &[]).await?;
        Ok(())
    }

    /// The full URL of `path` under the base URL (its path prefix kept), with `query`.
    pub(super) fn url(&self, path: &str, query: &[(String, String)]) -> Url {
        let mut url = self.inner.base.clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Token;

    fn config(url: &str) -> ClientConfig {
        ClientConfig::new(Url::parse(url).unwrap(), Token::new("s3cret"))
    }

    #[test]
    fn http_is_refused_except_for_loopback() {
        for ok in [
            "https://api.secoda.co",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(Client::new(config(ok)).is_ok(), "{ok}");
        }
        let err = Client::new(config("http://api.secoda.co")).unwrap_err();
        assert!(matches!(err, ApiError::InsecureUrl { .. }), "{err}");
        let err = Client::new(config("ftp://api.secoda.co")).unwrap_err();
        assert!(matches!(err, ApiError::InvalidUrl { .. }), "{err}");
    }

    #[test]
    fn an_empty_token_is_a_missing_token() {
        let mut c = config("https://api.secoda.co");
        c.token = Token::new("  \n");
        assert!(matches!(Client::new(c), Err(ApiError::MissingToken)));
    }

    #[test]
    fn urls_keep_the_base_path_and_add_the_query() {
        let client = Client::new(config("https://acme.secoda.co/prefix/")).unwrap();
        let url = client.url(
            "/api/v1/event/events",
            &[
                ("title".into(), "A&B c".into()),
                ("page".into(), "2".into()),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://acme.secoda.co/prefix/api/v1/event/events?title=A%26B+c&page=2"
        );
    }
}
