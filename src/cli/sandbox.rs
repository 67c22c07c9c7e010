//! `secoda-sync sandbox` subcommands and arguments, and the sandbox config they describe.

use crate::sandbox::Limit;
use crate::sandbox::{Adversity, Faults, PageSizeParam, SandboxConfig};
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
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
    /// Ignore a request's `page_size`: every list answers --page-size items a page, as a
    /// server that does not know the parameter.
    #[arg(long, conflicts_with = "refuse_page_size")]
    pub ignore_page_size: bool,
    /// Answer 400 to a list asked with `page_size`, as a server that rejects parameters it
    /// does not know.
    #[arg(long)]
    pub refuse_page_size: bool,
    /// Delay added to every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub latency_ms: u64,
    /// Answer 429 to writes (POST/PUT/PATCH/DELETE) over this rate, e.g. `30/min`.
    #[arg(long, value_name = "RATE", conflicts_with = "secoda_limits")]
    pub write_limit: Option<Limit>,
    /// Answer 429 to reads (GET) over this rate, e.g. `10/s`.
    #[arg(long, value_name = "RATE")]
    pub read_limit: Option<Limit>,
    /// Secoda's documented limit: 30 writes per minute.
    #[arg(long)]
    pub secoda_limits: bool,
    /// Send 429s without a `Retry-After` header (as Secoda may).
    #[arg(long)]
    pub no_retry_after: bool,
    /// Fraction of writes answered 500/503 without being committed (0 to 1).
    #[arg(long, value_name = "P", default_value_t = 0.0,
          value_parser = super::numbers::fraction)]
    pub fail_rate: f64,
    /// Fraction of writes committed, then answered 502 or dropped unanswered (0 to 1).
    #[arg(long, value_name = "P", default_value_t = 0.0,
          value_parser = super::numbers::fraction)]
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
    /// Accept these fields of categories, events and properties in writes but neither keep
    /// nor return them, e.g. `type,is_required` (a workspace that does not keep them).
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub drop_fields: Vec<String>,
    /// Accept these fields of categories, events and properties, or of monitors as
    /// `monitor.<field>`, in writes but do not keep them, answering them as they were before
    /// (`null` when never set), e.g. `type,monitor.condition_manual_min`.
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub ignore_fields: Vec<String>,
    /// Answer 400 with a field error to writes of categories, events and properties carrying
    /// these fields, e.g. `type,is_required` (a workspace that refuses them).
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub reject_fields: Vec<String>,
    /// Answer a PATCH of an event's or property's `title` as done, and keep the old title
    /// (a workspace that does not rename through the API).
    #[arg(long)]
    pub drop_title_patch: bool,
    /// Fail the first N calls of one HTTP method, without doing them: `PATCH:500:3` answers
    /// the first three PATCHes 500, `DELETE:reset:1` cuts the first DELETE's connection
    /// unanswered (a lost answer). Repeatable; the faults of one method apply in order.
    #[arg(long, value_name = "METHOD:STATUS:N")]
    pub fail_method: Vec<crate::sandbox::MethodFault>,
    /// Answer 500 to this many renewals of apply leases (PATCH or PUT of an event titled
    /// `secoda-sync lease`), e.g. `1000` for "the renewals fail for the rest of the run".
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fail_lease_renewals: usize,
    /// Delete the category of this title, and everything in it, as a user would in
    /// Secoda's UI, after `--ui-delete-after-writes` writes (e.g. `secoda-sync`, the
    /// category holding the apply leases, part-way through an apply).
    #[arg(long, value_name = "TITLE")]
    pub ui_delete_category: Option<String>,
    /// How many committed writes come before `--ui-delete-category` plays its delete.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        requires = "ui_delete_category"
    )]
    pub ui_delete_after_writes: usize,
}

impl ServeArgs {
    /// The library config these flags describe.
    #[must_use]
    pub fn config(&self) -> SandboxConfig {
        SandboxConfig {
            token: self.token.clone(),
            page_size: self.page_size as usize,
            page_size_param: if self.refuse_page_size {
                PageSizeParam::Refused
            } else if self.ignore_page_size {
                PageSizeParam::Ignored
            } else {
                PageSizeParam::Honoured
            },
            faults: Faults {
                latency: Duration::from_millis(self.latency_ms),
                write_limit: if self.secoda_limits {
                    Some(Limit::SECODA_WRITES)
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
            drop_fields: self.drop_fields.clone(),
            ignore_fields: self.ignore_fields.clone(),
            reject_fields: self.reject_fields.clone(),
            drop_title_patch: self.drop_title_patch,
            method_faults: self.fail_method.clone(),
            adversity: Adversity {
                failing_renewals: self.fail_lease_renewals,
                ui_delete_category: self.ui_delete_category.clone(),
                ui_delete_after_writes: self.ui_delete_after_writes,
            },
        }
    }
}
