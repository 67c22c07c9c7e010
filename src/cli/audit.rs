//! `secoda-sync audit` arguments.

use super::ConnectionArgs;
use clap::Args;

pub(crate) use crate::audit::Format as AuditFormat;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync audit --integration Segment
  secoda-sync audit --integration Segment --rules rules.yaml --format markdown > audit.md
  secoda-sync audit --sandbox --integration Segment --format json

Reads only. Exit 1 when a finding has error severity. Without --rules only the rules on by
default run (case-collision, as a warning).";

/// Run the tracking-plan rules over a live integration: findings, counts per rule, a score.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct AuditArgs {
    /// The integration to audit (name or UUID).
    #[arg(long, value_name = "NAME|UUID")]
    pub integration: String,
    /// A YAML file holding a `rules:` map (a manifest holding one will do: its other keys
    /// are not read).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text, help_heading = "Output")]
    pub format: AuditFormat,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}
