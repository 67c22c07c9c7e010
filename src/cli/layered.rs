//! The command line with the project config file under it: a setting from the file becomes
//! the flag it stands for, added only where neither a flag nor its environment variable
//! already gave a value (flags beat environment, environment beats the file).

use super::Cli;
use crate::config::{self, ProjectConfig};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::path::PathBuf;

/// Verbs whose manifest paths the file's `manifests` may supply.
const TAKES_MANIFESTS: &[&str] = &["validate", "plan", "apply"];

/// Whether `args` run `diff --base-ref`, whose new paths the file's `manifests` may supply
/// (the base is the same paths at the ref; plain `diff` takes two paths of its own).
fn diff_from_ref(args: &[OsString]) -> bool {
    args.iter().any(|a| a == "diff")
        && args.iter().any(|a| {
            a.to_str()
                .is_some_and(|s| s == "--base-ref" || s.starts_with("--base-ref="))
        })
}

/// Parses the process's arguments with the config file applied; on bad arguments or a bad
/// config file prints clap's usage error and exits 1 (`--help` and `--version` exit 0).
#[must_use]
pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    let env = std::env::var(config::ENV_VAR).ok();
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = config::locate(flag_value(&args).as_deref(), env.as_deref(), &cwd);
    let file = match path.map(|p| ProjectConfig::read(&p)).transpose() {
        Ok(f) => f,
        Err(e) => exit(&Cli::command().error(clap::error::ErrorKind::InvalidValue, e)),
    };
    match parse_from(args, file.as_ref()) {
        Ok(cli) => cli,
        Err(e) => exit(&e),
    }
}

/// Clap's own exit code for a usage error is 2, which `plan --detailed-exitcode` means as
/// "changes pending": a pipeline with a typo in a flag would read it as a plan. Exit 1, as
/// for any other invalid input.
fn exit(e: &clap::Error) -> ! {
    // A closed stream cannot be reported on; the exit code still says what happened.
    let _ = e.print();
    std::process::exit(i32::from(e.use_stderr()));
}

/// Parses `args` with `file` applied.
///
/// # Errors
/// Clap's error for arguments that do not parse.
pub fn parse_from(args: Vec<OsString>, file: Option<&ProjectConfig>) -> Result<Cli, clap::Error> {
    let Some(file) = file else {
        return Cli::try_parse_from_args(args);
    };
    let mut args = args;
    let matches = match Cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) if e.kind() == clap::error::ErrorKind::MissingRequiredArgument => {
            let paths = file.values.get("manifests");
            let verb = args.iter().find_map(|a| {
                TAKES_MANIFESTS
                    .iter()
                    .find(|v| a.to_str() == Some(**v))
                    .copied()
            });
            match (paths, verb.is_some() || diff_from_ref(&args)) {
                (Some(paths), true) => {
                    insert(&mut args, paths.iter().map(OsString::from));
                    Cli::command().try_get_matches_from(&args)?
                }
                _ => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let (verb_cmd, leaf) = leaf(&matches);
    let mut extra = Vec::new();
    for s in config::SETTINGS {
        let (Some(flag), Some(values)) = (s.flag, file.values.get(s.key)) else {
            continue;
        };
        let known = verb_cmd
            .as_ref()
            .is_some_and(|c| c.get_arguments().any(|a| a.get_id() == s.key));
        if !known || given(leaf, s.key) {
            continue;
        }
        // The host flags exclude each other and the sandbox: the file yields to either.
        if matches!(s.key, "api_url" | "region")
            && ["api_url", "region", "sandbox"]
                .iter()
                .any(|k| given(leaf, k))
        {
            continue;
        }
        match s.kind {
            config::ValueKind::Bool => {
                if values.first().is_some_and(|v| v == "true") {
                    extra.push(OsString::from(flag));
                }
            }
            _ => {
                for v in values {
                    extra.push(OsString::from(format!("{flag}={v}")));
                }
            }
        }
    }
    insert(&mut args, extra);
    Cli::try_parse_from_args(args)
}

impl Cli {
    fn try_parse_from_args(args: Vec<OsString>) -> Result<Cli, clap::Error> {
        let mut m = Cli::command().try_get_matches_from(args)?;
        Cli::from_arg_matches_mut(&mut m)
    }
}

/// Adds arguments at the end, before a `--` if there is one.
fn insert(args: &mut Vec<OsString>, extra: impl IntoIterator<Item = OsString>) {
    let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let tail = args.split_off(at);
    args.extend(extra);
    args.extend(tail);
}

/// The innermost subcommand's clap definition and matches.
fn leaf(matches: &ArgMatches) -> (Option<clap::Command>, &ArgMatches) {
    let mut cmd = Cli::command();
    let mut m = matches;
    let mut found = None;
    while let Some((name, sub)) = m.subcommand() {
        let Some(c) = cmd.find_subcommand(name).cloned() else {
            break;
        };
        cmd = c.clone();
        found = Some(c);
        m = sub;
    }
    (found, m)
}

/// Whether a flag or its environment variable gave `id` a value.
fn given(m: &ArgMatches, id: &str) -> bool {
    let known = m.ids().any(|i| i.as_str() == id);
    known
        && matches!(
            m.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
}

/// `--config FILE` or `--config=FILE`, looked for before parsing (it decides what to parse).
fn flag_value(args: &[OsString]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--config=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}
