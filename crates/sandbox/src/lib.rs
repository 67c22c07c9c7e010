//! A Secoda-compatible API emulator: an axum app over an in-memory workspace, with fault
//! injection and an atomic JSON state file, so rehearsals and tests never need the network.
//!
//! ```no_run
//! # async fn demo() -> Result<(), secoda_sync_sandbox::SandboxError> {
//! use secoda_sync_sandbox::{spawn, SandboxConfig};
//! let sandbox = spawn(SandboxConfig::default()).await?;
//! println!("{} {}", sandbox.url(), sandbox.token());
//! sandbox.shutdown().await?;
//! # Ok(()) }
//! ```

mod adversity;
mod filter;
mod gate;
mod log;
mod lookups;
mod method_faults;
mod model;
mod monitors;
pub mod paths;
mod resources;
mod routes;
pub mod seed;
mod store;
mod tags;
mod wire;

pub use adversity::Adversity;
pub use gate::{Faults, Limit, LimitError};
pub use log::{Fault, LogEntry};
pub use method_faults::{Method, MethodAnswer, MethodFault, MethodFaultError};
pub use model::Id;

use gate::{ConnHandle, FaultState, KillableListener};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;
use store::Store;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

/// What a list request's `page_size` parameter does: Secoda documents it for one list only,
/// so a server may honour it, ignore it or refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSizeParam {
    /// Pages hold the items asked for, up to 1000.
    Honoured,
    /// Pages hold the sandbox's page size whatever was asked, as a server that does not know
    /// the parameter.
    Ignored,
    /// A list asked with it answers 400, as a server that rejects unknown parameters.
    Refused,
}

/// How a sandbox runs. `Default` = no faults, page size 50, a random token, no state file,
/// monitor PATCH and DELETE served. `Debug` output leaves the token out.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The bearer token to accept; random when `None`.
    pub token: Option<String>,
    /// Default list page size (a request's `page_size` overrides it, up to 1000, when
    /// `page_size_param` honours it).
    pub page_size: usize,
    /// What a request's `page_size` does.
    pub page_size_param: PageSizeParam,
    /// Faults injected from the start (change them later with
    /// [`RunningSandbox::set_faults`]).
    pub faults: Faults,
    /// Seed of the fault dice and of generated ids.
    pub seed: u64,
    /// JSON state loaded at start (when it exists) and saved after writes and on shutdown.
    pub state_file: Option<PathBuf>,
    /// Serve `PATCH` on monitors (else 405).
    pub monitor_patch: bool,
    /// Serve `DELETE` on monitors (else 405).
    pub monitor_delete: bool,
    /// Append every answered call to this file as JSON Lines.
    pub log_file: Option<PathBuf>,
    /// Fields of categories, events and properties (wire names, e.g. `type`) that writes may
    /// carry but that are neither kept nor returned: a workspace that does not keep them.
    pub drop_fields: Vec<String>,
    /// Fields of categories, events and properties (wire names), and of monitors
    /// (`monitor.<field>`, e.g. `monitor.condition_manual_min`), that writes may carry but
    /// that are not kept, while answers still carry them as they were before the write
    /// (`null` when never set): a workspace whose answers hide that it ignored them.
    pub ignore_fields: Vec<String>,
    /// Fields of categories, events and properties (wire names) that make a write carrying
    /// them answer 400 with a field error: a workspace that refuses them.
    pub reject_fields: Vec<String>,
    /// Answer a `PATCH` of an event's or property's `title` with success and keep the old
    /// title: a workspace that does not rename through the API.
    pub drop_title_patch: bool,
    /// Calls failed by method, the first N of each (`--fail-method PATCH:500:3`).
    pub method_faults: Vec<MethodFault>,
    /// Lease renewals that fail and a UI delete mid-run (none by default).
    pub adversity: Adversity,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            token: None,
            page_size: 50,
            page_size_param: PageSizeParam::Honoured,
            faults: Faults::default(),
            seed: 0,
            state_file: None,
            monitor_patch: true,
            monitor_delete: true,
            log_file: None,
            drop_fields: Vec::new(),
            ignore_fields: Vec::new(),
            reject_fields: Vec::new(),
            drop_title_patch: false,
            method_faults: Vec::new(),
            adversity: Adversity::default(),
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("page_size", &self.page_size)
            .field("page_size_param", &self.page_size_param)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("state_file", &self.state_file)
            .field("monitor_patch", &self.monitor_patch)
            .field("monitor_delete", &self.monitor_delete)
            .field("log_file", &self.log_file)
            .field("drop_fields", &self.drop_fields)
            .field("ignore_fields", &self.ignore_fields)
            .field("reject_fields", &self.reject_fields)
            .field("drop_title_patch", &self.drop_title_patch)
            .field("method_faults", &self.method_faults)
            .field("adversity", &self.adversity)
            .finish()
    }
}

/// Why a sandbox could not start, save or stop.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The address is taken or not ours.
    #[error("failed to listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The state file exists but cannot be read.
    #[error("failed to read sandbox state `{path}`")]
    ReadState {
        /// The state file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The state file holds something else than a sandbox state.
    #[error("sandbox state `{path}` is not usable: {reason} (remove it to start from the seeded workspace)")]
    BadState {
        /// The state file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The state could not be saved.
    #[error("failed to save sandbox state `{path}`")]
    SaveState {
        /// The state file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The request log file cannot be opened.
    #[error("failed to open request log `{path}`")]
    LogFile {
        /// The log file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A setting is out of range.
    #[error("invalid sandbox setting: {0}")]
    Config(String),
    /// The server stopped with an error.
    #[error("sandbox server failed")]
    Serve(#[source] std::io::Error),
}

/// State shared by all handlers.
pub(crate) struct Shared {
    store: Mutex<Store>,
    base_url: String,
    token: String,
    page_size: usize,
    page_size_param: PageSizeParam,
    monitor_patch: bool,
    monitor_delete: bool,
    /// Resource fields accepted but neither kept nor returned.
    drop_fields: Vec<String>,
    /// Resource fields, and monitor fields as `monitor.<field>`, accepted and not kept, but
    /// returned (as before the write).
    ignore_fields: Vec<String>,
    /// Resource fields a write may not carry (400).
    reject_fields: Vec<String>,
    /// A PATCH's `title` is answered as kept, and is not.
    drop_title_patch: bool,
    faults: RwLock<FaultState>,
    /// Calls failed by method, with the calls each has left.
    method_faults: method_faults::MethodFaults,
    rng: Mutex<StdRng>,
    log: log::RequestLog,
    /// Signalled after every committed write; the saver debounces it.
    dirty: Notify,
    /// Whether any write was committed.
    written: std::sync::atomic::AtomicBool,
    /// Whether shutdown saves the state when nothing was written (see
    /// [`RunningSandbox::save_only_after_writes`]).
    save_unwritten: std::sync::atomic::AtomicBool,
    /// Lease renewals that fail and a UI delete mid-run.
    adversity: adversity::AdversityState,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token stays out of debug output.
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The page a list request asks for, at this sandbox's page size unless it honours the
    /// request's `page_size`.
    fn page_request(&self, params: &wire::Params) -> Result<wire::PageRequest, wire::ApiError> {
        wire::PageRequest::from_params(params, self.page_size, self.page_size_param)
    }

    /// The workspace (handlers hold it briefly and never across an await).
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn faults(&self) -> RwLockReadGuard<'_, FaultState> {
        self.faults.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn rng(&self) -> MutexGuard<'_, StdRng> {
        self.rng.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The current time as the API writes it (RFC 3339, UTC, microseconds).
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn random_token() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sandbox-{hex}")
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// Loads the state file; `None` when it does not exist yet.
fn load_state(path: &Path) -> Result<Option<Store>, SandboxError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SandboxError::ReadState {
                path: display(path),
                source,
            })
        }
    };
    // An empty file (e.g. from `touch`) is a workspace not yet saved, not a broken one.
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let bad = |reason: String| SandboxError::BadState {
        path: display(path),
        reason,
    };
    let snap = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    Store::from_snapshot(snap).map(Some).map_err(bad)
}

/// Serializes the workspace and replaces the state file atomically.
async fn save_state(shared: &Shared, path: &Path) -> Result<(), SandboxError> {
    let err = |source| SandboxError::SaveState {
        path: display(path),
        source,
    };
    let bytes = shared.store().snapshot_json().map_err(|e| err(e.into()))?;
    let target = path.to_owned();
    tokio::task::spawn_blocking(move || secoda_sync_atomic::write_atomic(&target, &bytes))
        .await
        .map_err(|e| err(std::io::Error::other(e)))?
        .map_err(err)
}

/// How long the saver waits after a write for more writes before saving.
const SAVE_DEBOUNCE: Duration = Duration::from_millis(200);

/// Saves after writes (debounced) until told to stop, then saves once more. A big workspace
/// takes a while to save, so the pause between saves grows with it: saving never takes more
/// than a fifth of the time, and requests (which wait for the store while it serializes)
/// keep flowing.
async fn saver(shared: Arc<Shared>, path: PathBuf, stop: Arc<Notify>) -> Result<(), SandboxError> {
    let mut last_save = Duration::ZERO;
    loop {
        tokio::select! {
            biased;
            () = stop.notified() => break,
            () = shared.dirty.notified() => {}
        }
        // A stop during the pause goes straight to the final save.
        tokio::select! {
            biased;
            () = stop.notified() => break,
            () = tokio::time::sleep(SAVE_DEBOUNCE.max(last_save * 4)) => {}
        }
        let started = std::time::Instant::now();
        if let Err(e) = save_state(&shared, &path).await {
            tracing::warn!("{e}");
        }
        last_save = started.elapsed();
    }
    let written = shared.written.load(std::sync::atomic::Ordering::SeqCst);
    if !written
        && !shared
            .save_unwritten
            .load(std::sync::atomic::Ordering::SeqCst)
    {
        return Ok(());
    }
    save_state(&shared, &path).await
}

/// A sandbox serving on a local port.
#[derive(Debug)]
pub struct RunningSandbox {
    url: String,
    shared: Arc<Shared>,
    stop_server: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    stop_saver: Arc<Notify>,
    saver: Option<JoinHandle<Result<(), SandboxError>>>,
}

/// Starts a sandbox on an ephemeral loopback port (`127.0.0.1:0`).
///
/// # Errors
/// When the state or log file is unusable, a setting is out of range, or no port is free.
pub async fn spawn(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    spawn_at(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
}

/// Starts a sandbox on `addr`.
///
/// # Errors
/// As [`spawn`], or when `addr` cannot be bound.
pub async fn spawn_at(
    config: SandboxConfig,
    addr: SocketAddr,
) -> Result<RunningSandbox, SandboxError> {
    let faults = config.faults;
    faults.validate().map_err(SandboxError::Config)?;
    if config.page_size == 0 {
        return Err(SandboxError::Config("page size must be at least 1".into()));
    }
    for (fields, verb) in [
        (&config.drop_fields, "drop"),
        (&config.ignore_fields, "ignore"),
        (&config.reject_fields, "reject"),
    ] {
        // Monitor fields (`monitor.<field>`) can only be ignored: every monitor answer the
        // reference shows carries them all, so dropping one would not be Secoda's shape.
        let known = |f: &str| match f.strip_prefix("monitor.") {
            Some(m) => verb == "ignore" && monitors::IGNORABLE.contains(&m),
            None => resources::DROPPABLE.contains(&f),
        };
        if let Some(f) = fields.iter().find(|f| !known(f)) {
            let mut can = resources::DROPPABLE.join(", ");
            if verb == "ignore" {
                for m in monitors::IGNORABLE {
                    can.push_str(", monitor.");
                    can.push_str(m);
                }
            }
            return Err(SandboxError::Config(format!(
                "cannot {verb} `{f}`: fields that can be are {can}"
            )));
        }
    }
    let mut store = match &config.state_file {
        Some(p) => load_state(p)?.unwrap_or_else(Store::seeded),
        None => Store::seeded(),
    };
    store.reseed(config.seed);
    let log = log::RequestLog::open(config.log_file.as_deref()).map_err(|source| {
        SandboxError::LogFile {
            path: config.log_file.as_deref().map(display).unwrap_or_default(),
            source,
        }
    })?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let url = format!("http://{local}");
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        base_url: url.clone(),
        token: config.token.clone().unwrap_or_else(random_token),
        page_size: config.page_size,
        page_size_param: config.page_size_param,
        monitor_patch: config.monitor_patch,
        monitor_delete: config.monitor_delete,
        drop_fields: config.drop_fields.clone(),
        ignore_fields: config.ignore_fields.clone(),
        reject_fields: config.reject_fields.clone(),
        drop_title_patch: config.drop_title_patch,
        faults: RwLock::new(FaultState::new(faults)),
        method_faults: method_faults::MethodFaults::new(&config.method_faults),
        rng: Mutex::new(StdRng::seed_from_u64(config.seed)),
        log,
        dirty: Notify::new(),
        written: std::sync::atomic::AtomicBool::new(false),
        save_unwritten: std::sync::atomic::AtomicBool::new(true),
        adversity: adversity::AdversityState::new(config.adversity.clone()),
    });
    let app = routes::router(shared.clone()).into_make_service_with_connect_info::<ConnHandle>();
    let (stop_server, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(KillableListener(listener), app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let stop_saver = Arc::new(Notify::new());
    let saver = config
        .state_file
        .map(|p| tokio::spawn(saver(shared.clone(), p, stop_saver.clone())));
    Ok(RunningSandbox {
        url,
        shared,
        stop_server,
        server,
        stop_saver,
        saver,
    })
}

/// How long shutdown waits for calls in flight before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl RunningSandbox {
    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bearer token the sandbox accepts.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Every call answered since the start or the last [`RunningSandbox::clear_log`].
    #[must_use]
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.shared.log.entries()
    }

    /// Forgets the request log (a `--log` file keeps its lines).
    pub fn clear_log(&self) {
        self.shared.log.clear();
    }

    /// Records use of a category, event or property, as Secoda's ingestion would: sets its
    /// `internal_usage` and `external_usage`, and `total_usage` to their sum. `false` when no
    /// resource has that id.
    pub fn set_usage(&self, id: &str, internal: u64, external: u64) -> bool {
        let mut store = self.shared.store();
        let Some((kind, _)) = store.get(id) else {
            return false;
        };
        let Some(r) = store.get_mut(kind, id) else {
            return false;
        };
        r.internal_usage = internal;
        r.external_usage = external;
        r.total_usage = internal + external;
        true
    }

    /// The faults in force.
    #[must_use]
    pub fn faults(&self) -> Faults {
        self.shared.faults().faults.clone()
    }

    /// Replaces the faults (limiters start afresh).
    ///
    /// # Errors
    /// When a fraction is not between 0 and 1.
    pub fn set_faults(&self, faults: Faults) -> Result<(), SandboxError> {
        faults.validate().map_err(SandboxError::Config)?;
        *self
            .shared
            .faults
            .write()
            .unwrap_or_else(PoisonError::into_inner) = FaultState::new(faults);
        Ok(())
    }

    /// Saves the state on shutdown only if a write was committed: a run that only read
    /// (`plan --sandbox`) leaves the state file as it found it, and does not create it.
    pub fn save_only_after_writes(&self) {
        self.shared
            .save_unwritten
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// Replaces the adversities played (their counts start afresh).
    pub fn set_adversity(&self, adversity: Adversity) {
        self.shared.adversity.set(adversity);
    }

    /// Stops serving (calls in flight get a few seconds to finish) and saves the state file.
    ///
    /// # Errors
    /// When the final save fails or the server died with an error.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        let _ = self.stop_server.send(());
        let mut server = self.server;
        let served = match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
            Ok(Ok(r)) => r.map_err(SandboxError::Serve),
            Ok(Err(join)) => Err(SandboxError::Serve(std::io::Error::other(join))),
            Err(_) => {
                server.abort();
                Ok(())
            }
        };
        if let Some(saver) = self.saver {
            self.stop_saver.notify_one();
            saver
                .await
                .map_err(|e| SandboxError::Serve(std::io::Error::other(e)))??;
        }
        served
    }
}
