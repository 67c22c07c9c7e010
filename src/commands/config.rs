//! `secoda-sync config`: the effective settings and where each comes from (never the token).

use crate::cli::config::ConfigArgs;
use crate::cli::settings::effective;
use crate::config_file::{locate, ProjectConfig, ENV_VAR};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use std::io::Write as _;
use std::path::Path;

/// Runs `config`.
///
/// # Errors
/// A config file that cannot be read or parsed, a value in it or in the environment that its
/// flag would refuse, or stdout that cannot be written.
pub(crate) fn run(_args: &ConfigArgs, flag: Option<&Path>, printer: &Printer) -> Result<Exit> {
    let env_file = std::env::var(ENV_VAR).ok();
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = locate(flag, env_file.as_deref(), &cwd);
    let file = path.as_deref().map(ProjectConfig::read).transpose()?;
    let settings = effective(file.as_ref(), |v| std::env::var(v).ok()).map_err(Error::Usage)?;
    let mut out = printer.stdout();
    let w = Error::writing("stdout");
    match &path {
        Some(p) => writeln!(out, "config file: {}", p.display()),
        None => writeln!(out, "config file: (none)"),
    }
    .map_err(w)?;
    let width = settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
    for s in &settings {
        let value = s.shown();
        writeln!(out, "{:width$}  {value}  ({})", s.key, s.source).map_err(w)?;
    }
    let token = if std::env::var_os("SECODA_API_TOKEN").is_some_and(|t| !t.is_empty()) {
        "set (env SECODA_API_TOKEN)"
    } else {
        "not set (SECODA_API_TOKEN or --token-file)"
    };
    writeln!(out, "{:width$}  {token}", "token").map_err(w)?;
    Ok(Exit::Success)
}
