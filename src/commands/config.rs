//! `secoda-sync config`: the effective settings and where each comes from (never the token).

use crate::cli::config::ConfigArgs;
use crate::cli::settings::effective;
use crate::config_file::{locate, EnvChoice, ProjectConfig, ENV_NAME_VAR, ENV_VAR};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use std::io::Write as _;
use std::path::Path;

/// Runs `config`.
///
/// # Errors
/// A config file that cannot be read or parsed, a value in it or in the environment that its
/// flag would refuse, or stdout that cannot be written.
pub(crate) fn run(
    _args: &ConfigArgs,
    flag: Option<&Path>,
    env_flag: Option<&str>,
    printer: &Printer,
) -> Result<Exit> {
    let env_file = std::env::var(ENV_VAR).ok();
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = locate(flag, env_file.as_deref(), &cwd);
    let env_name = std::env::var(ENV_NAME_VAR).ok();
    let choice = EnvChoice::of(env_flag, env_name.as_deref());
    let file = path
        .as_deref()
        .map(|p| ProjectConfig::read(p, choice.as_ref()))
        .transpose()?;
    let settings = effective(file.as_ref(), |v| std::env::var(v).ok()).map_err(Error::Usage)?;
    let mut out = printer.stdout();
    let w = Error::writing("stdout");
    match &path {
        Some(p) => writeln!(out, "config file: {}", p.display()),
        None => writeln!(out, "config file: (none)"),
    }
    .map_err(w)?;
    match &choice {
        Some(c) => writeln!(out, "environment: {} (from {})", c.name, c.chosen_by),
        None => writeln!(out, "environment: (none)"),
    }
    .map_err(w)?;
    let width = settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
    for s in &settings {
        let value = s.shown();
        writeln!(out, "{:width$}  {value}  ({})", s.key, s.source).map_err(w)?;
    }
    // Where the token comes from, never the token.
    let setting = |key: &str| {
        settings
            .iter()
            .find(|s| s.key == key && s.source != crate::config_file::SettingSource::Default)
    };
    let token = if let Some(f) = setting("token_file") {
        format!("from the file {} ({})", f.value, f.source)
    } else {
        let variable = setting("token_env").map_or("SECODA_API_TOKEN", |s| s.value.as_str());
        if std::env::var_os(variable).is_some_and(|t| !t.is_empty()) {
            format!("set (env {variable})")
        } else {
            format!("not set ({variable} or --token-file)")
        }
    };
    writeln!(out, "{:width$}  {token}", "token").map_err(w)?;
    Ok(Exit::Success)
}
