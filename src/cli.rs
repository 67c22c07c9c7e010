//! Command-line types (clap derive). Argument groups shared between verbs live here so that a
//! command line can switch `validate` / `plan` / `apply` / `export` freely.

use crate::api::Rate;
use crate::commands;
use crate::output::{self, Printer, Verbosity};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    success (with --detailed-exitcode: no changes)
  1    error: invalid input, API failure, refused or failed apply
  2    changes pending (plan --detailed-exitcode only)
  130  interrupted (Ctrl-C)
  141  the reader of stdout went away (nothing is reported)";

/// Keep a Secoda workspace's tracking plan (event categories, events, properties) and
/// data-quality monitors in line with manifests kept in git.
#[derive(Debug, Parser)]
#[command(name = "secoda-sync", version, about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Output and logging options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// More output on stderr: -v logs each API call, -vv adds bodies (token redacted).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// When to use colour on stderr (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl GlobalArgs {
    /// The printer these flags ask for (`-q` wins; `-v` counts up to `-vv`).
    #[must_use]
    pub fn printer(&self) -> Printer {
        let verbosity = match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            (false, _) => Verbosity::Debug,
        };
        Printer::new(verbosity, self.color.into())
    }
}

impl From<ColorChoice> for output::ColorChoice {
    fn from(c: ColorChoice) -> Self {
        match c {
            ColorChoice::Auto => Self::Auto,
            ColorChoice::Always => Self::Always,
            ColorChoice::Never => Self::Never,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests without touching the network.
    Validate(commands::validate::ValidateArgs),
    /// Print or write the JSON Schemas of the manifest formats.
    Schema(commands::schema::SchemaArgs),
    /// Run a Secoda-compatible API emulator (for rehearsals and tests).
    #[command(subcommand)]
    Sandbox(commands::sandbox::SandboxCommand),
    /// Show what apply would change.
    Plan(commands::plan::PlanArgs),
    /// Make the workspace match the manifests.
    #[command(mut_arg("paths", |a| a.required(false).required_unless_present("plan")))]
    Apply(commands::apply::ApplyArgs),
    /// Write a live integration's tracking plan (and monitors) as manifests.
    Export(commands::export::ExportArgs),
    /// Remove the apply lease of a run that died (issue 14).
    Unlock(commands::unlock::UnlockArgs),
    /// Inspect the workspace's monitors (`monitors status`).
    #[command(subcommand)]
    Monitors(commands::monitors::MonitorsCommand),
}

/// Which manifest format stdin holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// YAML (`version: 1`).
    Yaml,
    /// CSV, one row per property.
    Csv,
    /// JSON Lines, one record per line.
    Jsonl,
}

/// What an empty CSV cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CsvEmpty {
    /// Leave the field unmanaged (a spreadsheet cannot tell blank from clear).
    #[default]
    Ignore,
    /// Manage the field as empty (clear it on the server).
    Clear,
}

/// Where the manifests come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct ManifestArgs {
    /// Manifest files or directories (a directory loads its *.yaml, *.yml, *.csv and *.jsonl,
    /// not recursively); `-` reads one manifest from stdin.
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Manifest-reading options (without paths, so `export` can share them).
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The integration (UUID or name), overriding or supplying the manifests' `integration`.
    #[arg(long, value_name = "NAME|UUID")]
    pub integration: Option<String>,
    /// Column mapping for CSV with foreign headers (YAML: our column -> their header).
    #[arg(long, value_name = "FILE")]
    pub csv_map: Option<PathBuf>,
    /// What an empty CSV cell means.
    #[arg(long, value_enum, default_value_t = CsvEmpty::Ignore)]
    pub csv_empty: CsvEmpty,
    /// Format of a manifest read from stdin (`-`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub stdin_format: Option<InputFormat>,
}

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
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// API base URL (the help text carries the default host).
    #[arg(
        long,
        help = "API base URL [default: https://api.secoda.co]",
        env = "SECODA_API_URL",
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
    /// Pace of POST/PATCH/DELETE calls (Secoda allows 30/min) [default: 30/min; none with --sandbox].
    #[arg(long, env = "SECODA_WRITE_RATE", value_name = "RATE")]
    pub write_rate: Option<Rate>,
    /// Pace of GET calls.
    #[arg(
        long,
        env = "SECODA_READ_RATE",
        value_name = "RATE",
        default_value = "10/s"
    )]
    pub read_rate: Rate,
    /// Requests in flight at once.
    #[arg(long, env = "SECODA_CONCURRENCY", value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Use `/path/` forms (some deployments want the trailing slash).
    #[arg(long)]
    pub trailing_slash: bool,
    /// Connect timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Whole-request timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub request_timeout: f64,
    /// Attempts per call before giving up (429, 502/503/504, connection errors are retried).
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_tries: u32,
    /// First retry backoff in milliseconds (exponential, full jitter).
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub retry_base_ms: u64,
    /// Longest retry backoff in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
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
