//! `secoda-sync doctor` arguments.

use super::ConnectionArgs;
use clap::{Args, ValueEnum};

const AFTER_HELP: &str = "\
Only GETs are sent: doctor never writes. Exit 0 when the tool can work with the workspace,
1 when a check failed, the token was refused or the host does not answer.

Examples:
  secoda-sync doctor                          # SECODA_API_TOKEN against https://api.secoda.co
  secoda-sync doctor --region eu
  secoda-sync doctor --sandbox --format json  # schemas/doctor.schema.json";

/// `doctor` options.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// How to print the report on stdout.
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text, help_heading = "Output")]
    pub format: DoctorFormat,
}

/// `doctor --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    /// Findings, then the endpoint and integration tables.
    Text,
    /// The documented JSON document (schemas/doctor.schema.json).
    Json,
}
