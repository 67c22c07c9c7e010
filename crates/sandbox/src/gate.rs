//! What happens to every call before and after its handler: auth, latency, rate limits,
//! injected failures, and the request log. Also the connection type that lets a handler's
//! answer be dropped on the floor after the write is committed.

use super::log::{Fault, LogEntry};
use super::Shared;
use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use axum::Json;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rand::Rng;
use serde_json::{json, Value};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A call limit the sandbox enforces, written `N/s` or `N/min` (the sandbox's own type: it
/// shares none with the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Calls allowed per period.
    pub count: std::num::NonZeroU32,
    /// The period.
    pub per: Duration,
}

impl Limit {
    /// Secoda's documented write limit: 30 per minute.
    pub const SECODA_WRITES: Limit = Limit {
        count: std::num::NonZeroU32::new(30).unwrap(),
        per: Duration::from_secs(60),
    };

    /// The time between two calls at this limit.
    #[must_use]
    pub fn interval(self) -> Duration {
        self.per / self.count.get()
    }
}

/// A limit that is not `N/s` or `N/min`.
#[derive(Debug, thiserror::Error)]
#[error("invalid limit `{0}` (expected e.g. `30/min` or `5/s`)")]
pub struct LimitError(String);

impl std::str::FromStr for Limit {
    type Err = LimitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || LimitError(s.to_owned());
        let (n, unit) = s.trim().split_once('/').ok_or_else(err)?;
        let count = n.trim().parse().map_err(|_| err())?;
        let per = match unit.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            _ => return Err(err()),
        };
        Ok(Limit { count, per })
    }
}

/// Faults a sandbox injects; change them at runtime with
/// [`RunningSandbox::set_faults`](super::RunningSandbox::set_faults).
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// Limit on POST/PUT/PATCH/DELETE; over it the answer is 429.
    pub write_limit: Option<Limit>,
    /// Limit on GET; over it the answer is 429.
    pub read_limit: Option<Limit>,
    /// Whether a 429 carries `Retry-After` (Secoda promises no such header).
    pub retry_after: bool,
    /// Fraction of writes answered 500/503 without being committed.
    pub fail_rate: f64,
    /// Fraction of writes committed, then answered 502 or dropped without an answer.
    pub drop_after_commit: f64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            write_limit: None,
            read_limit: None,
            retry_after: true,
            fail_rate: 0.0,
            drop_after_commit: 0.0,
        }
    }
}

impl Faults {
    /// Checks the fractions are probabilities.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, p) in [
            ("fail rate", self.fail_rate),
            ("drop-after-commit rate", self.drop_after_commit),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} {p} is not between 0 and 1"));
            }
        }
        Ok(())
    }
}

/// Faults plus the limiters built from them.
///
/// The limiters are GCRA (governor): a rate of N per period admits a burst of N, then one
/// call every period/N; a 429's `Retry-After` is the whole seconds until the next admission.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub(crate) faults: Faults,
    write: Option<DefaultDirectRateLimiter>,
    read: Option<DefaultDirectRateLimiter>,
}

fn limiter(rate: Option<Limit>) -> Option<DefaultDirectRateLimiter> {
    let rate = rate?;
    let quota = Quota::with_period(rate.interval())?.allow_burst(rate.count);
    Some(RateLimiter::direct(quota))
}

impl FaultState {
    pub(crate) fn new(faults: Faults) -> Self {
        Self {
            write: limiter(faults.write_limit),
            read: limiter(faults.read_limit),
            faults,
        }
    }

    /// `Some(wait)` when the call is over its limit.
    fn throttle(&self, write: bool) -> Option<Duration> {
        let l = if write { &self.write } else { &self.read };
        l.as_ref()?
            .check()
            .err()
            .map(|nu| nu.wait_time_from(DefaultClock::default().now()))
    }
}

/// A TCP connection that a handler can sever: once killed, every read and write fails, so
/// the answer being prepared never reaches the client.
#[derive(Debug)]
pub(crate) struct KillableStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

fn killed_err() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "dropped by the sandbox")
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_err()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_err()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_err()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The listener handing out [`KillableStream`]s.
#[derive(Debug)]
pub(crate) struct KillableListener(pub(crate) TcpListener);

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    let stream = KillableStream {
                        inner,
                        killed: Arc::new(AtomicBool::new(false)),
                    };
                    return (stream, addr);
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A handle on the connection a request came in on.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    pub(crate) fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        Self(stream.io().killed.clone())
    }
}

fn authorized(req: &Request, token: &str) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim() == token)
}

pub(crate) fn detail(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "detail": msg }))).into_response()
}

/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// The middleware wrapping every route.
pub(crate) async fn gate(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    req: Request,
    next: Next,
) -> Response {
    let mut entry = LogEntry {
        time: super::now(),
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        query: req.uri().query().map(str::to_owned),
        status: None,
        fault: None,
        body: None,
    };
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let faults = shared.faults().faults.clone();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let (resp, fault) = guarded(&shared, req, next, &conn, write, &faults, &mut entry).await;
    entry.fault = fault;
    entry.status = match fault {
        Some(Fault::DroppedAfterCommit | Fault::Reset) => None,
        _ => Some(resp.status().as_u16()),
    };
    shared.log.record(entry);
    resp
}

async fn guarded(
    shared: &Shared,
    req: Request,
    next: Next,
    conn: &ConnHandle,
    write: bool,
    faults: &Faults,
    entry: &mut LogEntry,
) -> (Response, Option<Fault>) {
    if req.uri().path() != crate::paths::HEALTHCHECK && !authorized(&req, &shared.token) {
        return (detail(StatusCode::UNAUTHORIZED, "Invalid token."), None);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (
            detail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large."),
            None,
        );
    };
    if write && !bytes.is_empty() {
        entry.body = Some(
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())),
        );
    }
    let req = Request::from_parts(parts, Body::from(bytes));

    if let Some(wait) = shared.faults().throttle(write) {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let secs = secs.max(1);
        let mut resp = detail(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Request was throttled. Expected available in {secs} seconds."),
        );
        if faults.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        return (resp, Some(Fault::Throttled));
    }
    if let Some(answer) = shared.method_faults.take(&entry.method) {
        return super::method_faults::answer(answer, conn);
    }
    if write && super::adversity::fails_renewal(shared, req.method(), req.uri().path()) {
        let resp = detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "A server error occurred.",
        );
        return (resp, Some(Fault::Failed));
    }
    if write && faults.fail_rate > 0.0 {
        let (fail, unavailable) = {
            let mut rng = shared.rng();
            (rng.gen_bool(faults.fail_rate), rng.gen_bool(0.5))
        };
        if fail {
            let resp = if unavailable {
                detail(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service temporarily unavailable.",
                )
            } else {
                detail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "A server error occurred.",
                )
            };
            return (resp, Some(Fault::Failed));
        }
    }

    let resp = next.run(req).await;

    if write && resp.status().is_success() {
        shared
            .written
            .store(true, std::sync::atomic::Ordering::SeqCst);
        super::adversity::after_write(shared);
        shared.dirty.notify_one();
        if faults.drop_after_commit > 0.0 {
            let (drop, close) = {
                let mut rng = shared.rng();
                (rng.gen_bool(faults.drop_after_commit), rng.gen_bool(0.5))
            };
            if drop && close {
                conn.kill();
                return (resp, Some(Fault::DroppedAfterCommit));
            }
            if drop {
                let resp = detail(StatusCode::BAD_GATEWAY, "Bad gateway.");
                return (resp, Some(Fault::BadGatewayAfterCommit));
            }
        }
    }
    (resp, None)
}
