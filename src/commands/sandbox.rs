//! `secoda-sync sandbox serve`: run the Secoda-compatible emulator.

use crate::cli::{SandboxCommand, ServeArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use crate::sandbox;
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::Poll;

/// Runs a sandbox subcommand.
///
/// # Errors
/// When the sandbox cannot start (port taken, unusable state file) or cannot save on exit.
pub(crate) fn run(cmd: SandboxCommand, printer: &Printer) -> Result<Exit> {
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
