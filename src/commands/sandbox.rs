//! `secoda-sync sandbox serve`: run the Secoda-compatible emulator.

use crate::api::Rate;
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use crate::sandbox::{self, Faults, SandboxConfig};
use clap::{Args, Subcommand};
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

/// Sandbox subcommands.
#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the emulator until Ctrl-C (or SIGTERM).
    ///
    /// Prints `export` lines to paste into another shell, then serves every endpoint of the
    /// Secoda API that secoda-sync uses, from a seeded workspace (integrations Segment,
    /// Amplitude, Snowflake; teams, tags, users, collections; a small Snowflake catalog).
    #[command(after_help = SERVE_EXAMPLE)]
    Serve(ServeArgs),
}

const SERVE_EXAMPLE: &str = "\
Example:
  secoda-sync sandbox serve --state sandbox.json --token dev-token
  # in another shell, paste the printed export lines, then:
  curl -H \"Authorization: Bearer $SECODA_API_TOKEN\" \"$SECODA_API_URL/api/v1/tag\"";

/// Options of `sandbox serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load state from this JSON file (when it exists) and save to it after writes and on exit.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Bearer token to accept [default: random, printed at start].
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Default list page size (a request's `page_size` overrides it, up to 1000).
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    /// Delay added to every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub latency_ms: u64,
    /// Answer 429 to writes (POST/PUT/PATCH/DELETE) over this rate, e.g. `30/min`.
    #[arg(long, value_name = "RATE", conflicts_with = "secoda_limits")]
    pub write_limit: Option<Rate>,
    /// Answer 429 to reads (GET) over this rate, e.g. `10/s`.
    #[arg(long, value_name = "RATE")]
    pub read_limit: Option<Rate>,
    /// Secoda's documented limit: 30 writes per minute.
    #[arg(long)]
    pub secoda_limits: bool,
    /// Send 429s without a `Retry-After` header (as Secoda may).
    #[arg(long)]
    pub no_retry_after: bool,
    /// Fraction of writes answered 500/503 without being committed (0 to 1).
    #[arg(long, value_name = "P", default_value_t = 0.0,
          value_parser = crate::cli::numbers::fraction)]
    pub fail_rate: f64,
    /// Fraction of writes committed, then answered 502 or dropped unanswered (0 to 1).
    #[arg(long, value_name = "P", default_value_t = 0.0,
          value_parser = crate::cli::numbers::fraction)]
    pub drop_after_commit: f64,
    /// Seed of the fault dice and of generated ids.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Append every answered call to this file as JSON Lines (headers, and so the token, are
    /// never logged).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Answer 405 to PATCH on monitors.
    #[arg(long)]
    pub no_monitor_patch: bool,
    /// Answer 405 to DELETE on monitors.
    #[arg(long)]
    pub no_monitor_delete: bool,
}

impl ServeArgs {
    /// The library config these flags describe.
    #[must_use]
    pub fn config(&self) -> SandboxConfig {
        SandboxConfig {
            token: self.token.clone(),
            page_size: self.page_size as usize,
            faults: Faults {
                latency: Duration::from_millis(self.latency_ms),
                write_limit: if self.secoda_limits {
                    Some(Rate::SECODA_WRITES)
                } else {
                    self.write_limit
                },
                read_limit: self.read_limit,
                retry_after: !self.no_retry_after,
                fail_rate: self.fail_rate,
                drop_after_commit: self.drop_after_commit,
            },
            seed: self.seed,
            state_file: self.state.clone(),
            monitor_patch: !self.no_monitor_patch,
            monitor_delete: !self.no_monitor_delete,
            log_file: self.log.clone(),
        }
    }
}

/// Runs a sandbox subcommand.
///
/// # Errors
/// When the sandbox cannot start (port taken, unusable state file) or cannot save on exit.
pub fn run(cmd: SandboxCommand, printer: &Printer) -> Result<Exit> {
    let SandboxCommand::Serve(args) = cmd;
    super::session::runtime()?.block_on(serve(&args, printer))
}

async fn serve(args: &ServeArgs, printer: &Printer) -> Result<Exit> {
    check_serve_args(args)?;
    let running = sandbox::spawn_at(args.config(), args.addr).await?;
    let url = loopback_url(running.url(), args.addr);
    if args.addr.ip().is_unspecified() {
        printer.warn(format!(
            "listening on {}: the sandbox (and its token) is reachable from the network; \
             use --addr 127.0.0.1:{} to keep it on this machine",
            args.addr,
            args.addr.port()
        ));
    }
    // Installed before the URL is announced, so a signal sent as soon as it is read stops the
    // sandbox cleanly instead of killing it.
    let stop = stop_signal().await.map_err(|source| Error::Io {
        action: "install the signal handlers of",
        path: "sandbox".into(),
        source,
    })?;
    {
        let mut out = printer.stdout();
        let lines = format!(
            "export SECODA_API_URL={url}\nexport SECODA_API_TOKEN={}\n",
            running.token()
        );
        out.write_all(lines.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|source| Error::Io {
                action: "write",
                path: "stdout".into(),
                source,
            })?;
    }
    let state = args
        .state
        .as_ref()
        .map_or_else(String::new, |p| format!(", state in {}", p.display()));
    printer.status(format!(
        "sandbox serving at {url}{state}; press Ctrl-C to stop"
    ));
    let interrupted = stop.await;
    printer.status("stopping sandbox");
    running.shutdown().await?;
    interrupted.map_err(|source| Error::Io {
        action: "wait for Ctrl-C in",
        path: "sandbox".into(),
        source,
    })?;
    Ok(Exit::Success)
}

// issue 15: sandbox start-up checks (state directory, empty token, wildcard address).

/// Refuses, before anything listens, a `--state` file whose directory does not exist (its
/// state would be lost at exit) and an empty `--token`.
fn check_serve_args(args: &ServeArgs) -> Result<()> {
    if let Some(state) = &args.state {
        let dir = state.parent().filter(|d| !d.as_os_str().is_empty());
        if dir.is_some_and(|d| !d.is_dir()) {
            return Err(Error::Usage(format!(
                "--state `{}`: its directory does not exist, so the state could not be saved",
                state.display()
            )));
        }
    }
    if args.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Error::Usage(
            "--token is empty: give a token, or leave the flag out for a random one".into(),
        ));
    }
    Ok(())
}

/// The URL to give a client: a wildcard listen address (`0.0.0.0`, `::`) is not one a client
/// can connect to (nor one it sends a token to over http), so it is shown as loopback.
fn loopback_url(url: &str, addr: SocketAddr) -> String {
    if !addr.ip().is_unspecified() {
        return url.to_owned();
    }
    let host = if addr.is_ipv4() { "127.0.0.1" } else { "[::1]" };
    match url::Url::parse(url).ok().and_then(|u| u.port()) {
        Some(port) => format!("http://{host}:{port}"),
        None => url.to_owned(),
    }
}

/// A stop request: Ctrl-C or, on Unix, SIGTERM (what `kill`, CI runners and service managers
/// send), so either ends in a clean shutdown that saves the state. Both handlers are in place
/// when this returns.
async fn stop_signal() -> io::Result<Pin<Box<dyn Future<Output = io::Result<()>> + Send>>> {
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    // `ctrl_c` installs its handler on the first poll.
    if let Poll::Ready(r) = futures::poll!(&mut ctrl_c) {
        return Ok(Box::pin(std::future::ready(r)));
    }
    #[cfg(unix)]
    let stop = {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        Box::pin(async move {
            tokio::select! {
                r = ctrl_c => r,
                _ = term.recv() => Ok(()),
            }
        })
    };
    #[cfg(not(unix))]
    let stop = ctrl_c;
    Ok(stop)
}
