//! `secoda-sync sandbox serve`: run the Secoda-compatible emulator.

use crate::cli::{SandboxCommand, ServeArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use crate::sandbox;
use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::Poll;

/// Runs a sandbox subcommand.
///
/// # Errors
/// When the sandbox cannot start (port taken, unusable state file) or cannot save on exit.
pub fn run(cmd: SandboxCommand, printer: &Printer) -> Result<Exit> {
    let SandboxCommand::Serve(args) = cmd;
    super::session::runtime()?.block_on(serve(&args, printer))
}

async fn serve(args: &ServeArgs, printer: &Printer) -> Result<Exit> {
    let running = sandbox::spawn_at(args.config(), args.addr).await?;
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
            "export SECODA_API_URL={}\nexport SECODA_API_TOKEN={}\n",
            running.url(),
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
        "sandbox serving at {}{state}; press Ctrl-C to stop",
        running.url()
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
