//! How to reach the API: host, token file, pacing, retries, or the in-process sandbox.

use crate::api::{Rate, ReadRateChoice};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Regional API hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Region {
    /// The US host.
    #[value(help = "https://api.secoda.co")]
    Us,
    /// The EU host.
    #[value(help = "https://eapi.secoda.co")]
    Eu,
    /// The APAC host.
    #[value(help = "https://aapi.secoda.co")]
    Apac,
}

impl Region {
    /// The region's base URL.
    #[must_use]
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Us => "https://api.secoda.co",
            Self::Eu => "https://eapi.secoda.co",
            Self::Apac => "https://aapi.secoda.co",
        }
    }
}

/// How to reach the API. The token is never a flag: `SECODA_API_TOKEN` or `--token-file`.
///
/// The environment variables named here are read by the settings resolution
/// (`cli::layered`), not by clap, so that only what was typed can conflict: a
/// `SECODA_API_URL` in the environment yields to `--sandbox` or `--region` on the command line.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// API base URL (the help text carries the default host).
    #[arg(
        long,
        help = "API base URL [default: https://api.secoda.co] [env: SECODA_API_URL]",
        value_name = "URL",
        conflicts_with = "region"
    )]
    pub api_url: Option<String>,
    /// Regional host shorthand.
    #[arg(long, value_enum)]
    pub region: Option<Region>,
    /// Read the API token from this file (otherwise from SECODA_API_TOKEN).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The variable holding the token, when the config file's `token_env` names one other
    /// than SECODA_API_TOKEN (one per environment); never a flag.
    #[arg(skip)]
    pub token_env: Option<String>,
    /// The config file's environment chosen (`--env`, `SECODA_SYNC_ENV`), which a saved
    /// plan records; set by the settings resolution, never a flag of its own here.
    #[arg(skip)]
    pub environment: Option<String>,
    /// Pace of POST/PATCH/DELETE calls (Secoda allows 30/min) [default: 30/min; none with
    /// --sandbox] [env: SECODA_WRITE_RATE].
    #[arg(long, value_name = "RATE")]
    pub write_rate: Option<Rate>,
    /// Pace of GET calls: `auto` finds the server's pace (faster while answers come back fast,
    /// slower on a 429 or climbing latency), or a fixed N/s [default: auto; none with
    /// --sandbox] [env: SECODA_READ_RATE].
    #[arg(long, value_name = "auto|RATE")]
    pub read_rate: Option<ReadRateChoice>,
    /// The most reads a second `--read-rate auto` goes to [default: 50/s] [env:
    /// SECODA_READ_RATE_MAX].
    #[arg(long, value_name = "RATE")]
    pub read_rate_max: Option<Rate>,
    /// Requests in flight at once, 1 to 256 [env: SECODA_CONCURRENCY].
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = super::numbers::concurrency)]
    pub concurrency: u16,
    /// Use `/path/` forms (some deployments want the trailing slash).
    #[arg(long)]
    pub trailing_slash: bool,
    /// Connect timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = super::numbers::seconds)]
    pub connect_timeout: f64,
    /// Whole-request timeout in seconds. A server that never answers fails a call after this
    /// times --max-tries (8 minutes with the defaults; timeouts get no backoff on top).
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = super::numbers::seconds)]
    pub request_timeout: f64,
    /// Attempts per call before giving up (429, 502/503/504, connection errors are retried).
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_tries: u32,
    /// First retry backoff in milliseconds (exponential, full jitter).
    #[arg(long, value_name = "MS", default_value_t = 250,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub retry_base_ms: u64,
    /// Longest retry backoff in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub retry_cap_secs: u64,
    /// Run against an in-process sandbox persisted in .secoda-sandbox.json (no network, no token).
    #[arg(long, conflicts_with_all = ["api_url", "region", "token_file"])]
    pub sandbox: bool,
    /// State file for --sandbox.
    #[arg(
        long,
        value_name = "FILE",
        default_value = ".secoda-sandbox.json",
        requires = "sandbox"
    )]
    pub sandbox_state: PathBuf,
}
