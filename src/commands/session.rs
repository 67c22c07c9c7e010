//! The connection a `plan` or `apply` run works through: a client for a real workspace, or an
//! in-process sandbox (`--sandbox`) whose state is saved when the run ends.

use super::connect;
use crate::api::{Client, ClientConfig, Token};
use crate::cli::ConnectionArgs;
use crate::error::{Error, Result};
use crate::output::{Printer, Verbosity};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};
use url::Url;

/// A connected run.
#[derive(Debug)]
pub(crate) struct Session {
    /// The client every call goes through.
    pub client: Client,
    /// What a saved plan records as where it was made: the base URL, or for `--sandbox` the
    /// state file (the sandbox's port changes from run to run, its state does not).
    pub origin: String,
    sandbox: Option<RunningSandbox>,
}

impl Session {
    /// Connects as the flags say; with `--sandbox`, starts the sandbox on the state file first
    /// (no write pacing unless `--write-rate` is given).
    ///
    /// # Errors
    /// A missing token or bad URL, or a sandbox that cannot start.
    pub(crate) async fn open(args: &ConnectionArgs, printer: &Printer) -> Result<Self> {
        if !args.sandbox {
            let client = connect::connect(args, printer)?;
            if printer.verbosity() >= Verbosity::Verbose {
                printer.status(pacing(&client));
            }
            let origin = client.base_url().as_str().trim_end_matches('/').to_owned();
            return Ok(Self {
                client,
                origin,
                sandbox: None,
            });
        }
        let state = &args.sandbox_state;
        let running = sandbox::spawn(SandboxConfig {
            state_file: Some(state.clone()),
            ..SandboxConfig::default()
        })
        .await?;
        running.save_only_after_writes();
        let url = Url::parse(running.url()).map_err(|e| {
            Error::Usage(format!(
                "the sandbox answered with a bad URL `{}`: {e}",
                running.url()
            ))
        })?;
        let mut config = ClientConfig::new(url, Token::new(running.token()));
        connect::tune(&mut config, args, printer.verbosity())?;
        let client = Client::new(config)?;
        let path = std::path::absolute(state).unwrap_or_else(|_| state.clone());
        printer.status(format!("Using the sandbox in `{}`", state.display()));
        if printer.verbosity() >= Verbosity::Verbose {
            printer.status(pacing(&client));
        }
        Ok(Self {
            client,
            origin: format!("sandbox:{}", path.display()),
            sandbox: Some(running),
        })
    }

    /// Ends the run: says (with `-v`) the read pace `auto` settled at, then stops the sandbox
    /// and saves its state (a no-op for a real workspace).
    ///
    /// # Errors
    /// When the sandbox state cannot be saved.
    pub(crate) async fn close(self, printer: &Printer) -> Result<()> {
        if let Some(rate) = self.client.settled_read_rate() {
            if printer.verbosity() >= Verbosity::Verbose {
                printer.status(format!(
                    "Reads settled at {rate:.1}/s ({}, {} rate-limited answers).",
                    self.client.read_pace(),
                    self.client.stats().rate_limited
                ));
            }
        }
        if let Some(s) = self.sandbox {
            s.shutdown().await?;
        }
        Ok(())
    }
}

/// The `-v` line naming the paces a client keeps, e.g. `Pacing: reads unpaced, writes 30/min`.
fn pacing(client: &Client) -> String {
    format!(
        "Pacing: reads {}, writes {}",
        client.read_pace(),
        client
            .write_rate()
            .map_or_else(|| "unpaced".to_owned(), |r| r.to_string())
    )
}

/// Opens a session on a new runtime, runs `work` in it, then closes it whatever `work` returned
/// (so the sandbox saves its state after a failure or Ctrl-C too); `work`'s error comes first.
///
/// # Errors
/// A session that cannot open, `work`'s error, or a sandbox state that cannot be saved.
pub(crate) fn run_in_session<T>(
    args: &ConnectionArgs,
    printer: &Printer,
    work: impl AsyncFnOnce(&Session) -> Result<T>,
) -> Result<T> {
    runtime()?.block_on(async {
        let session = Session::open(args, printer).await?;
        let result = work(&session).await;
        let closed = session.close(printer).await;
        let out = result?;
        closed?;
        Ok(out)
    })
}

/// The runtime every command that talks to the API (or serves the sandbox) runs on.
///
/// # Errors
/// When the OS refuses threads or an I/O driver.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            action: "start",
            path: "the async runtime".into(),
            source,
        })
}
