//! The HTTP client for Secoda's API: one connection pool, shared limiters and concurrency cap,
//! retries, paging, and the idempotent creates the executor relies on.

use super::error::{self, ApiError};
use super::limit::Limiter;
use super::paging::{next_page, read_ahead};
use super::retry::{parse_retry_after, RetryPolicy};
use super::{
    Collection, Endpoint, Health, Id, Incident, Integration, Job, Measurement, Monitor,
    MonitorWrite, Page, Rate, Resource, ResourceWrite, Tag, Team, User,
};
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::io::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;
use url::Url;

/// Redirects a GET may follow (same origin only).
const MAX_REDIRECTS: usize = 5;
/// Longest body printed by `-vv`.
const LOG_BODY_LIMIT: usize = 4000;

/// The API token. A secret: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token (surrounding whitespace, e.g. a file's final newline, is trimmed).
    #[must_use]
    pub fn new(token: impl AsRef<str>) -> Self {
        Self(token.as_ref().trim().to_owned())
    }

    /// Whether the token is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn header(&self) -> Result<HeaderValue, ApiError> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.0))
            .map_err(|_| ApiError::InvalidToken)?;
        v.set_sensitive(true);
        Ok(v)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

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

    fn line(&self, msg: &str) {
        let mut w = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A log line that cannot be written must not fail the call it describes.
        let _ = writeln!(w, "{msg}");
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

/// Everything the client needs to reach the API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://api.secoda.co` (a path prefix is kept).
    pub base_url: Url,
    /// The API token.
    pub token: Token,
    /// Pace of POST/PUT/PATCH/DELETE calls; `None` = unpaced.
    pub write_rate: Option<Rate>,
    /// Pace of GET calls; `None` = unpaced.
    pub read_rate: Option<Rate>,
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
    /// talking to Secoda set `write_rate` to [`Rate::SECODA_WRITES`]), concurrency 8, timeouts
    /// 10 s / 60 s, the default retry policy, no logging.
    #[must_use]
    pub fn new(base_url: Url, token: Token) -> Self {
        Self {
            base_url,
            token,
            write_rate: None,
            read_rate: None,
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

/// Call counters, for benchmarks, tests and the apply summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent (retries included).
    pub calls: u64,
    /// Of those, writes (POST/PUT/PATCH/DELETE).
    pub writes: u64,
    /// Attempts repeated after a retryable failure.
    pub retries: u64,
    /// 429 answers seen.
    pub rate_limited: u64,
    /// Creates whose answer was lost and whose resource was found and adopted instead.
    pub adopted: u64,
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    writes: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    adopted: AtomicU64,
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// Filters of the category, event and property lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `integration_id=`.
    pub integration_id: Option<Id>,
    /// `parent_id=` (category of events, event of properties).
    pub parent_id: Option<Id>,
    /// `title=` (exact).
    pub title: Option<String>,
}

impl ListFilter {
    fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(id) = &self.integration_id {
            q.push(("integration_id".to_owned(), id.to_string()));
        }
        if let Some(id) = &self.parent_id {
            q.push(("parent_id".to_owned(), id.to_string()));
        }
        if let Some(t) = &self.title {
            q.push(("title".to_owned(), t.clone()));
        }
        q
    }

    /// Whether a listed resource is what the filter asks for, judged by its own fields: the
    /// reference documents only `title` for the category list, so a server may answer other
    /// integrations' resources whatever filter was sent.
    #[must_use]
    pub fn keeps(&self, r: &Resource) -> bool {
        let same = |want: &Option<Id>, have: &Option<Id>| want.is_none() || want == have;
        same(&self.integration_id, &r.integration)
            && same(&self.parent_id, &r.parent)
            && self.title.as_ref().is_none_or(|t| *t == r.title)
    }

    /// The resource-list filter for events, which the reference names as the replacement of
    /// the deprecated events list.
    fn events_filter(&self) -> serde_json::Value {
        let exact = |field: &str, value: &str| serde_json::json!({"operator": "exact", "field": field, "value": value});
        let mut operands = vec![exact("type", "event")];
        if let Some(id) = &self.integration_id {
            operands.push(exact("integration", id.as_str()));
        }
        if let Some(id) = &self.parent_id {
            operands.push(exact("parent", id.as_str()));
        }
        if let Some(t) = &self.title {
            operands.push(exact("title", t));
        }
        serde_json::json!({"operator": "and", "operands": operands})
    }
}

/// Filters of the measurements list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasurementFilter {
    /// `monitor=`.
    pub monitor: Option<Id>,
    /// `incident_id=`.
    pub incident_id: Option<Id>,
}

/// Whether a call may be sent again after a failure that leaves its effect unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// GET, PATCH, DELETE: repeating them is harmless.
    Free,
    /// POST: only when the server surely did not act (429, connection never made).
    Unsent,
}

/// A client for one workspace. Cheap to clone: clones share the connection pool, the
/// limiters, the concurrency cap and the counters.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    write_rate: Option<Rate>,
    writes: Limiter,
    reads: Limiter,
    slots: Semaphore,
    /// Pages of one list requested at once (the concurrency cap).
    read_ahead: usize,
    trailing_slash: bool,
    request_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    log: LogLevel,
    sink: LogSink,
    counters: Counters,
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn is_write(method: &Method) -> bool {
    method != Method::GET && method != Method::HEAD
}

impl Client {
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
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_max_idle_per_host(concurrency)
            .user_agent(concat!("secoda-sync/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .build()
            .map_err(ApiError::Setup)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                write_rate: config.write_rate,
                writes: Limiter::new(config.write_rate),
                reads: Limiter::new(config.read_rate),
                slots: Semaphore::new(concurrency),
                read_ahead: concurrency,
                trailing_slash: config.trailing_slash,
                request_timeout: config.request_timeout,
                connect_timeout: config.connect_timeout,
                retry: config.retry,
                log: config.log,
                sink: config.log_sink,
                counters: Counters::default(),
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

    /// Counters so far.
    #[must_use]
    pub fn stats(&self) -> ClientStats {
        let c = &self.inner.counters;
        ClientStats {
            calls: c.calls.load(Ordering::Relaxed),
            writes: c.writes.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limited: c.rate_limited.load(Ordering::Relaxed),
            adopted: c.adopted.load(Ordering::Relaxed),
        }
    }

    /// `GET /healthcheck`: the server answers and speaks JSON.
    ///
    /// # Errors
    /// Any [`ApiError`] of the call.
    pub async fn healthcheck(&self) -> Result<(), ApiError> {
        let _: Health = self.get(&Endpoint::Healthcheck, &[]).await?;
        Ok(())
    }

    // ---- categories, events, properties -------------------------------------------------

    /// Event categories, streamed page by page; only those [`ListFilter::keeps`].
    pub fn list_categories(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        self.list(Endpoint::Categories, f.query())
            .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// Events, streamed page by page; only those [`ListFilter::keeps`]. Read through the
    /// resource list with the `type` filter; where that list does not answer (400, 404, 405),
    /// through the deprecated events list.
    pub fn list_events(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        let catalog = self.catalog(&f.events_filter());
        let deprecated = self.list::<Resource>(Endpoint::Events, f.query());
        let client = self.clone();
        stream::once(async move {
            let mut catalog = Box::pin(catalog);
            match catalog.next().await {
                Some(Err(e)) if e.is_unsupported() || e.status() == Some(400) => {
                    client.log_note(&format!(
                        "events: the resource list did not answer ({e}); reading the deprecated events list"
                    ));
                    deprecated.boxed()
                }
                first => {
                    client.log_note("events: read through the resource list (type = event)");
                    stream::iter(first).chain(catalog).boxed()
                }
            }
        })
        .flatten()
        .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// Event properties, streamed page by page; only those [`ListFilter::keeps`].
    pub fn list_properties(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        self.list(Endpoint::Properties, f.query())
            .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// One event category.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_category(&self, id: &Id) -> Result<Resource, ApiError> {
        self.get(&Endpoint::Category(id.clone()), &[]).await
    }

    /// One event.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_event(&self, id: &Id) -> Result<Resource, ApiError> {
        self.get(&Endpoint::Event(id.clone()), &[]).await
    }

    /// One event property.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_property(&self, id: &Id) -> Result<Resource, ApiError> {
        self.get(&Endpoint::Property(id.clone()), &[]).await
    }

    /// Creates an event category (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_category(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Categories, body).await
    }

    /// Creates an event (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_event(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Events, body).await
    }

    /// Creates an event property (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_property(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Properties, body).await
    }

    /// Creates an event category; after an ambiguous failure, adopts the category with the
    /// same title (and integration) if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_category_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Categories, body)
            .await
    }

    /// Creates an event; after an ambiguous failure, adopts the event with the same title,
    /// parent and integration if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_event_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Events, body)
            .await
    }

    /// Creates an event property; after an ambiguous failure, adopts the property with the
    /// same title, parent and integration if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_property_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Properties, body)
            .await
    }

    /// Updates an event with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn patch_event(&self, id: &Id, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.patch(&Endpoint::Event(id.clone()), body).await
    }

    /// Updates an event property with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn patch_property(
        &self,
        id: &Id,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.patch(&Endpoint::Property(id.clone()), body).await
    }

    /// Deletes an event; one already gone (404) counts as deleted.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404.
    pub async fn delete_event(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Event(id.clone())).await
    }

    /// Deletes an event property; one already gone (404) counts as deleted.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404.
    pub async fn delete_property(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Property(id.clone())).await
    }

    // ---- monitors ------------------------------------------------------------------------

    /// Monitors, streamed page by page.
    pub fn list_monitors(&self) -> impl Stream<Item = Result<Monitor, ApiError>> + Send + 'static {
        self.list(Endpoint::Monitors, Vec::new())
    }

    /// One monitor.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_monitor(&self, id: &Id) -> Result<Monitor, ApiError> {
        self.get(&Endpoint::Monitor(id.clone()), &[]).await
    }

    /// Creates a monitor (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_monitor(&self, body: &MonitorWrite) -> Result<Monitor, ApiError> {
        self.post(&Endpoint::Monitors, body).await
    }

    /// Creates a monitor; after an ambiguous failure, adopts the monitor with the same
    /// target, metric type and metric config if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_monitor_idempotent(
        &self,
        body: &MonitorWrite,
    ) -> Result<Monitor, ApiError> {
        self.create_idempotent(&Endpoint::Monitors, body, || async {
            let monitors: Vec<Monitor> = self.list_monitors().try_collect().await?;
            Ok(monitors.into_iter().find(|m| monitor_matches(m, body)))
        })
        .await
    }

    /// Updates a monitor with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_unsupported`] when the workspace cannot patch monitors.
    pub async fn patch_monitor(&self, id: &Id, body: &MonitorWrite) -> Result<Monitor, ApiError> {
        self.patch(&Endpoint::Monitor(id.clone()), body).await
    }

    /// Deletes a monitor; one already gone counts as deleted. Not documented by Secoda: a
    /// workspace that does not serve it answers 405.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404; [`ApiError::is_unsupported`] tells a 405/501 apart.
    pub async fn delete_monitor(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Monitor(id.clone())).await
    }

    /// Starts a run of the given monitors (a background job).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn run_monitors(&self, ids: &[Id]) -> Result<Job, ApiError> {
        self.post(
            &Endpoint::MonitorsRun,
            &serde_json::json!({ "monitors": ids }),
        )
        .await
    }

    /// Incidents, streamed page by page.
    pub fn list_incidents(
        &self,
    ) -> impl Stream<Item = Result<Incident, ApiError>> + Send + 'static {
        self.list(Endpoint::Incidents, Vec::new())
    }

    /// One incident.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_incident(&self, id: &Id) -> Result<Incident, ApiError> {
        self.get(&Endpoint::Incident(id.clone()), &[]).await
    }

    /// Measurements of a monitor or an incident, streamed page by page.
    pub fn list_measurements(
        &self,
        f: &MeasurementFilter,
    ) -> impl Stream<Item = Result<Measurement, ApiError>> + Send + 'static {
        let mut q = Vec::new();
        if let Some(id) = &f.monitor {
            q.push(("monitor".to_owned(), id.to_string()));
        }
        if let Some(id) = &f.incident_id {
            q.push(("incident_id".to_owned(), id.to_string()));
        }
        self.list(Endpoint::Measurements, q)
    }

    // ---- lookups -------------------------------------------------------------------------

    /// Integrations, streamed page by page.
    pub fn list_integrations(
        &self,
    ) -> impl Stream<Item = Result<Integration, ApiError>> + Send + 'static {
        self.list(Endpoint::Integrations, Vec::new())
    }

    /// Teams, streamed page by page.
    pub fn list_teams(&self) -> impl Stream<Item = Result<Team, ApiError>> + Send + 'static {
        self.list(Endpoint::Teams, Vec::new())
    }

    /// Tags, streamed page by page.
    pub fn list_tags(&self) -> impl Stream<Item = Result<Tag, ApiError>> + Send + 'static {
        self.list(Endpoint::Tags, Vec::new())
    }

    /// Users, streamed page by page.
    pub fn list_users(&self) -> impl Stream<Item = Result<User, ApiError>> + Send + 'static {
        self.list(Endpoint::Users, Vec::new())
    }

    /// Collections, streamed page by page; `title` filters by substring on the server (match
    /// exactly on the caller's side).
    pub fn list_collections(
        &self,
        title: Option<&str>,
    ) -> impl Stream<Item = Result<Collection, ApiError>> + Send + 'static {
        let q = title
            .map(|t| vec![("title".to_owned(), t.to_owned())])
            .unwrap_or_default();
        self.list(Endpoint::Collections, q)
    }

    /// Catalog resources matching a filter such as
    /// `{"operator":"exact","field":"title","value":"orders"}`, streamed page by page.
    pub fn catalog(
        &self,
        filter: &serde_json::Value,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        self.list(
            Endpoint::Catalog,
            vec![("filter".to_owned(), filter.to_string())],
        )
    }

    // ---- plumbing ------------------------------------------------------------------------

    /// Streams every item of a list, in page order. After the first page, the pages its
    /// `total_pages` promises are requested a window at a time (up to the concurrency cap), so a
    /// long list is not read one round trip after another; only that window is held in memory.
    fn list<T>(
        &self,
        endpoint: Endpoint,
        query: Vec<(String, String)>,
    ) -> impl Stream<Item = Result<T, ApiError>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let client = self.clone();
        stream::try_unfold(Some((1u64, 1u64)), move |state| {
            let client = client.clone();
            let endpoint = endpoint.clone();
            let query = query.clone();
            async move {
                let Some((first, width)) = state else {
                    return Ok(None);
                };
                let pages = futures::future::try_join_all((first..first + width).map(|n| {
                    let mut query = query.clone();
                    query.push(("page".to_owned(), n.to_string()));
                    let (client, endpoint) = (&client, &endpoint);
                    async move { client.get::<Page<T>>(endpoint, &query).await }
                }))
                .await?;
                let mut items = Vec::new();
                let mut state = None;
                for (n, page) in (first..).zip(pages) {
                    let next = next_page(n, &page);
                    let ahead = next.map(|next| read_ahead(next, &page, client.inner.read_ahead));
                    items.extend(page.results);
                    match (next, ahead) {
                        // The window read ahead to exactly this page: go on with it.
                        (Some(next), _) if next == n + 1 && next < first + width => {}
                        (Some(next), Some(ahead)) => {
                            state = Some((next, ahead));
                            break;
                        }
                        _ => break,
                    }
                }
                Ok(Some((items, state)))
            }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }

    async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        query: &[(String, String)],
    ) -> Result<T, ApiError> {
        self.call(Method::GET, endpoint, query, None::<&()>, Replay::Free)
            .await
    }

    async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> Result<T, ApiError> {
        self.call(Method::POST, endpoint, &[], Some(body), Replay::Unsent)
            .await
    }

    async fn patch<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        endpoint: &Endpoint,
        body: &B,
    ) -> Result<T, ApiError> {
        self.call(Method::PATCH, endpoint, &[], Some(body), Replay::Free)
            .await
    }

    async fn delete(&self, endpoint: &Endpoint) -> Result<(), ApiError> {
        match self
            .call::<serde_json::Value, ()>(Method::DELETE, endpoint, &[], None, Replay::Free)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn create_resource_idempotent(
        &self,
        endpoint: Endpoint,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_idempotent(&endpoint, body, || async {
            let filter = ListFilter {
                integration_id: body.integration.clone(),
                parent_id: body.parent.clone(),
                title: body.title.clone(),
            };
            // The create endpoint is also the list of its kind.
            let found: Vec<Resource> = self
                .list(endpoint.clone(), filter.query())
                .try_filter(|r| std::future::ready(resource_matches(r, body)))
                .take(1)
                .try_collect()
                .await?;
            Ok(found.into_iter().next())
        })
        .await
    }

    /// POSTs `body`; after an ambiguous failure waits, asks `lookup` whether the lost call
    /// landed, adopts what it finds, and otherwise tries again.
    async fn create_idempotent<T, B, F, Fut>(
        &self,
        endpoint: &Endpoint,
        body: &B,
        lookup: F,
    ) -> Result<T, ApiError>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, ApiError>>,
    {
        let retry = self.inner.retry;
        let mut attempt = 1;
        loop {
            match self.post(endpoint, body).await {
                Err(e) if e.is_ambiguous() && attempt < retry.max_tries => {
                    bump(&self.inner.counters.retries);
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    if let Some(found) = lookup().await? {
                        bump(&self.inner.counters.adopted);
                        return Ok(found);
                    }
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn url(&self, path: &str, query: &[(String, String)]) -> Url {
        let mut url = self.inner.base.clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.inner.base.origin()
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
        let retry = self.inner.retry;
        let mut attempt = 1;
        loop {
            let err = match self.attempt(&method, &path, query, body.as_deref()).await {
                Ok((status, bytes)) => return decode(&method, &path, status, &bytes),
                Err(e) => e,
            };
            if attempt >= retry.max_tries {
                return Err(err);
            }
            let wait = match &err {
                // The pause the 429 set on the limiter does the waiting.
                ApiError::Status { status: 429, .. } => Duration::ZERO,
                ApiError::Status {
                    status: 502..=504, ..
                }
                | ApiError::Timeout { .. }
                    if replay == Replay::Free =>
                {
                    retry.backoff(attempt)
                }
                ApiError::Transport { what, .. }
                    if replay == Replay::Free || *what == error::FAILED =>
                {
                    retry.backoff(attempt)
                }
                _ => return Err(err),
            };
            bump(&self.inner.counters.retries);
            if self.inner.log >= LogLevel::Calls {
                self.inner.sink.line(&format!(
                    "retrying {method} {path} (try {} of {}) in {} ms: {err}",
                    attempt + 1,
                    retry.max_tries,
                    wait.as_millis()
                ));
            }
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
                let next = url.join(target).ok();
                let why = if write {
                    "writes are never redirected"
                } else if next.as_ref().is_none_or(|n| !self.same_origin(n)) {
                    "it leads to another host"
                } else if redirects >= MAX_REDIRECTS {
                    "too many redirects"
                } else {
                    ""
                };
                match next {
                    Some(next) if why.is_empty() => {
                        url = next;
                        redirects += 1;
                        continue;
                    }
                    _ => {
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
                let now = SystemTime::now();
                let retry = &self.inner.retry;
                // A day-long (or overflowing) `Retry-After` must not stall the run or panic
                // the clock.
                let pause = headers
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, now))
                    .map(|d| d.min(retry.max_pause))
                    .unwrap_or_else(|| retry.until_next_window(now));
                limiter.pause(pause);
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

    /// A line for `-v` about how the client reads the workspace.
    fn log_note(&self, msg: &str) {
        if self.inner.log >= LogLevel::Calls {
            self.inner.sink.line(msg);
        }
    }

    fn log_call(
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

    fn log_request(&self, method: &Method, url: &Url, body: Option<&[u8]>) {
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

    fn log_response(&self, headers: &HeaderMap, body: &[u8]) {
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

/// Whether `r` is what a create of `body` would have made (natural key: title + parent +
/// integration).
fn resource_matches(r: &Resource, body: &ResourceWrite) -> bool {
    !r.archived
        && body.title.as_deref() == Some(r.title.as_str())
        && (body.parent.is_none() || body.parent == r.parent)
        && (body.integration.is_none()
            || r.integration.is_none()
            || body.integration == r.integration)
}

/// Whether `m` is what a create of `body` would have made (natural key: target + metric type
/// + metric config).
fn monitor_matches(m: &Monitor, body: &MonitorWrite) -> bool {
    body.target.is_some()
        && m.target == body.target
        && body.metric_type.as_deref() == Some(m.metric_type.as_str())
        && body.metric_config.clone().unwrap_or_default() == m.metric_config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> ClientConfig {
        ClientConfig::new(Url::parse(url).unwrap(), Token::new("s3cret"))
    }

    #[test]
    fn token_never_shows_in_debug_or_display() {
        let t = Token::new(" s3cret\n");
        assert_eq!(format!("{t} {t:?}"), "[redacted] [redacted]");
        let c = config("https://api.secoda.co");
        assert!(!format!("{c:?}").contains("s3cret"));
        let client = Client::new(c).unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
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

    #[test]
    fn natural_keys_match_title_parent_and_integration() {
        let body = ResourceWrite {
            title: Some("Order Completed".into()),
            parent: Some(Id::from("cat")),
            integration: Some(Id::from("seg")),
            ..ResourceWrite::default()
        };
        let mut r = Resource {
            title: "Order Completed".into(),
            parent: Some(Id::from("cat")),
            integration: Some(Id::from("seg")),
            ..Resource::default()
        };
        assert!(resource_matches(&r, &body));
        r.parent = Some(Id::from("other"));
        assert!(!resource_matches(&r, &body));
        r.parent = Some(Id::from("cat"));
        r.archived = true;
        assert!(!resource_matches(&r, &body));

        let mw = MonitorWrite {
            target: Some(Id::from("t")),
            metric_type: Some("row_count".into()),
            ..MonitorWrite::default()
        };
        let mut m = Monitor {
            target: Some(Id::from("t")),
            metric_type: "row_count".into(),
            ..Monitor::default()
        };
        assert!(monitor_matches(&m, &mw));
        m.metric_config.insert("x".into(), 1.into());
        assert!(!monitor_matches(&m, &mw));
    }
}
