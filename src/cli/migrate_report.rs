//! `secoda-sync migrate-report` arguments.

use super::{ConnectionArgs, ManifestArgs};
use clap::{Args, ValueEnum};

const AFTER_HELP: &str = "\
Loads vendor exports as `plan` would, touches no network, and prints what the migration will
carry: counts of categories, events and properties; rows skipped and why (user properties,
non-track events, removed rows) with the vendor file's lines; fields Secoda has no home for;
warnings; and the number of writes (the apply's lease included, as `plan` counts them) with
their duration at 30 writes per minute.

With --workspace it also reads the workspace's users, teams and tags (the token, or
--sandbox): it lists the owners that name neither a user nor a team (the migration leaves them
out of their resources; an owner naming a team is carried as the resource's team), tells the
tags to create from those already present, and counts the writes as `plan` would against an
empty integration.

Examples:
  secoda-sync migrate-report avo-export.csv --from avo
  secoda-sync migrate-report plan.csv --from segment --default-category Web --format markdown > report.md
  secoda-sync migrate-report avo-export.csv --from avo --workspace";

/// Report what migrating vendor exports will carry (offline unless --workspace).
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct MigrateReportArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = MigrateFormat::Text)]
    pub format: MigrateFormat,
    /// Also read the workspace's users, teams and tags: list the owners that name neither a
    /// user nor a team, and the tags already present (no write).
    #[arg(long)]
    pub workspace: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `migrate-report --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateFormat {
    /// Lines for a terminal.
    Text,
    /// One JSON document.
    Json,
    /// Tables for the migration's pull request.
    Markdown,
}
