//! The settings of a run, resolved once: clap parses the command line alone, then each
//! setting the user did not type takes its environment variable, else the project config
//! file's value, else its default (the flag's clap default, written once). Values from the
//! environment and the file are parsed and range-checked by the flag's own parser
//! (`cli::settings`) and set on the verb's typed arguments, so only what was typed can
//! conflict: the file's `prune` never collides with `apply --plan`, nor `SECODA_API_URL` with
//! `--sandbox`.
//!
//! `apply --plan` applies what was reviewed: the flags that would change what the saved plan
//! does are refused here, before anything connects, and the file's values the plan decides
//! are set aside for the command to compare with what the plan records.

use super::settings::{invalid, Value, Verb};
use super::{Cli, Command};
use crate::config_file::{self, EnvChoice, ProjectConfig, SettingSource};
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

/// Parses the process's arguments and resolves the settings under them; on bad arguments, a
/// bad config file or a bad value in the environment prints the error and exits 1 (`--help`
/// and `--version` exit 0).
#[must_use]
pub(crate) fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    let env = std::env::var(config_file::ENV_VAR).ok();
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = config_file::locate(
        flag_value(&args, "--config").map(PathBuf::from).as_deref(),
        env.as_deref(),
        &cwd,
    );
    let env_name = std::env::var(config_file::ENV_NAME_VAR).ok();
    let choice = EnvChoice::of(flag_value(&args, "--env").as_deref(), env_name.as_deref());
    let invalid = |e: String| exit(&Cli::command().error(clap::error::ErrorKind::InvalidValue, e));
    let file = match path
        .map(|p| ProjectConfig::read(&p, choice.as_ref()))
        .transpose()
    {
        Ok(f) => f,
        Err(e) => invalid(e.to_string()),
    };
    if let (Some(choice), None) = (&choice, &file) {
        invalid(format!(
            "environment `{}` (from {}) is an [env.{0}] table of {}, and none was found",
            choice.name,
            choice.chosen_by,
            config_file::FILE_NAME
        ));
    }
    match parse_from(&args, file.as_ref(), |v| std::env::var(v).ok()) {
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

/// Parses `args` and resolves every setting the verb takes: the flag if typed, else the
/// environment (read through `env`), else `file`, else the flag's default.
///
/// # Errors
/// Clap's error for arguments that do not parse, a flag `apply --plan` cannot honour, or a
/// value from the environment or the file that its flag would refuse.
pub(crate) fn parse_from(
    args: &[OsString],
    file: Option<&ProjectConfig>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Cli, clap::Error> {
    let matches = matches(args, file)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    let leaf = leaf(&matches);
    refuse_for_saved_plan(&cli.command, leaf)?;
    resolve(&mut cli.command, leaf, file, &env)
        .map_err(|e| Cli::command().error(clap::error::ErrorKind::InvalidValue, e))?;
    Ok(cli)
}

/// The command line's matches. A verb that takes manifest paths and was given none takes the
/// file's `manifests` as its positional paths (the only value of the file that is read as
/// arguments: positionals conflict with nothing but `apply --plan`, which needs none).
fn matches(args: &[OsString], file: Option<&ProjectConfig>) -> Result<ArgMatches, clap::Error> {
    let err = match Cli::command().try_get_matches_from(args) {
        Ok(m) => return Ok(m),
        Err(e) if e.kind() == clap::error::ErrorKind::MissingRequiredArgument => e,
        Err(e) => return Err(e),
    };
    let paths = file.and_then(|f| f.values.get("manifests"));
    let verb = args
        .iter()
        .skip(1)
        .any(|a| TAKES_MANIFESTS.iter().any(|v| a.to_str() == Some(*v)));
    let (Some(paths), true) = (paths, verb || diff_from_ref(args)) else {
        return Err(err);
    };
    let mut args = args.to_vec();
    let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let tail = args.split_off(at);
    args.extend(paths.iter().map(OsString::from));
    args.extend(tail);
    Cli::command().try_get_matches_from(args)
}

/// The innermost subcommand's matches.
fn leaf(matches: &ArgMatches) -> &ArgMatches {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    m
}

/// Whether `id` was typed on the command line.
fn typed(m: &ArgMatches, id: &str) -> bool {
    m.ids().any(|i| i.as_str() == id) && m.value_source(id) == Some(ValueSource::CommandLine)
}

/// The flags that change or limit what a plan does, which a saved plan cannot honour: it is
/// applied as it was reviewed (`--max-deletes` and `--max-delete-percent` can be: they are
/// checked against its deletes).
const NOT_WITH_SAVED_PLAN: &[(&str, &str)] = &[
    ("prune", "--prune"),
    ("target", "--target"),
    ("exclude", "--exclude"),
    ("owner_tag", "--owner-tag"),
    ("monitors_delete", "--monitors-delete"),
    ("allow_used_deletes", "--allow-used-deletes"),
    ("allow_case_twins", "--allow-case-twins"),
    ("property_types", "--property-types"),
    ("integration", "--integration"),
    ("rules", "--rules"),
    ("csv_map", "--csv-map"),
    ("csv_empty", "--csv-empty"),
    ("stdin_format", "--stdin-format"),
    ("from", "--from"),
    ("category_label", "--category-label"),
    ("default_category", "--default-category"),
];

/// Refuses the flags typed with `apply --plan` that it cannot honour.
fn refuse_for_saved_plan(command: &Command, m: &ArgMatches) -> Result<(), clap::Error> {
    let Command::Apply(args) = command else {
        return Ok(());
    };
    if args.plan.is_none() {
        return Ok(());
    }
    // The error shows `apply`'s usage, as clap's own conflicts do.
    let conflict = |message: String| {
        let mut cli = Cli::command();
        cli.build();
        let kind = clap::error::ErrorKind::ArgumentConflict;
        Err(match cli.find_subcommand_mut("apply") {
            Some(apply) => apply.error(kind, message),
            None => cli.error(kind, message),
        })
    };
    if let Some((_, flag)) = NOT_WITH_SAVED_PLAN.iter().find(|(id, _)| typed(m, id)) {
        return conflict(format!(
            "`{flag}` cannot be used with `--plan`: a saved plan is applied exactly as it was \
             reviewed, and {flag} would change what it does; make a new plan with it \
             (`secoda-sync plan ... {flag} ... --out FILE`)"
        ));
    }
    Ok(())
}

/// Sets each setting the verb takes and the user did not type from the environment, else the
/// file (the defaults are already in place).
fn resolve(
    command: &mut Command,
    m: &ArgMatches,
    file: Option<&ProjectConfig>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let mut verb = Verb::of(command);
    // A typed host (or the sandbox) decides the host; the environment's beats the file's.
    let host_typed = ["api_url", "region", "sandbox"]
        .iter()
        .any(|id| typed(m, id));
    let mut host_from_env = false;
    for s in config_file::SETTINGS {
        if !verb.takes(s.key) || typed(m, s.key) {
            continue;
        }
        if s.key == "manifests" && typed(m, "paths") {
            continue;
        }
        let is_host = matches!(s.key, "api_url" | "region");
        if is_host && (host_typed || host_from_env) {
            continue;
        }
        // The sandbox needs no token; a typed token file decides where the token is.
        let is_token = matches!(s.key, "token_file" | "token_env");
        if is_token && (typed(m, "sandbox") || typed(m, "token_file")) {
            continue;
        }
        let from_env = s
            .env
            .and_then(|var| env(var).filter(|v| !v.is_empty()).map(|v| (var, v)));
        let (source, raw) = match (from_env, file.and_then(|f| f.values.get(s.key))) {
            (Some((var, v)), _) => (SettingSource::Env(var), vec![v]),
            (None, Some(values)) => (
                file.map_or(SettingSource::Default, |f| f.source_of(s.key)),
                values.clone(),
            ),
            (None, None) => continue,
        };
        host_from_env |= is_host && matches!(source, SettingSource::Env(_));
        let value = Value::parse(s.key, &raw).map_err(|e| invalid(&source, s.key, &raw, &e))?;
        verb.set(value);
    }
    if let Some(name) = file.and_then(|f| f.env.clone()) {
        verb.set_environment(name);
    }
    Ok(())
}

/// `FLAG VALUE` or `FLAG=VALUE` (`--config`, `--env`), looked for before parsing: they decide
/// which settings the parse resolves with.
fn flag_value(args: &[OsString], flag: &str) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == flag {
            return it.next().map(|v| v.to_string_lossy().into_owned());
        }
        if let Some(v) = a.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
            return Some(v.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::Duration;

    fn cli(args: &str, toml: &str, env: &[(&str, &str)]) -> Result<Cli, clap::Error> {
        let file = ProjectConfig::parse(Path::new("r/secoda-sync.toml"), toml, None).unwrap();
        let args: Vec<OsString> = std::iter::once("secoda-sync")
            .chain(args.split_whitespace())
            .map(OsString::from)
            .collect();
        parse_from(&args, Some(&file), |v| {
            env.iter()
                .find(|(k, _)| *k == v)
                .map(|(_, x)| (*x).to_owned())
        })
    }

    fn apply(c: Cli) -> super::super::ApplyArgs {
        match c.command {
            Command::Apply(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_beat_the_environment_which_beats_the_file() {
        let toml = "concurrency = 3\nmax_deletes = 7\nlock_timeout = \"5m\"\nmanifests = [\"m\"]\n";
        let a = apply(cli("apply --auto-approve", toml, &[]).unwrap());
        assert_eq!(a.connection.concurrency, 3);
        assert_eq!(a.planning.max_deletes, 7);
        assert_eq!(a.lock.lock_timeout, Duration::from_secs(300));
        assert_eq!(a.manifests.paths, [PathBuf::from("r/m")]);
        let a = apply(cli("apply x", toml, &[("SECODA_CONCURRENCY", "5")]).unwrap());
        assert_eq!(a.connection.concurrency, 5);
        assert_eq!(a.manifests.paths, [PathBuf::from("x")]);
        let a = apply(
            cli(
                "apply x --concurrency 6 --max-deletes 0",
                toml,
                &[("SECODA_CONCURRENCY", "5")],
            )
            .unwrap(),
        );
        assert_eq!(a.connection.concurrency, 6);
        assert_eq!(a.planning.max_deletes, 0);
    }

    #[test]
    fn the_files_plan_options_are_set_aside_for_a_saved_plan() {
        let toml = "prune = true\nowner_tag = \"t\"\nmonitors_delete = true\n\
                    property_types = \"definition\"\nmanifests = [\"m\"]\n";
        let a = apply(cli("apply --plan p.json --auto-approve", toml, &[]).unwrap());
        assert!(!a.planning.prune && a.planning.owner_tag.is_none());
        assert_eq!(a.saved.prune, Some(true));
        assert_eq!(a.saved.owner_tag.as_deref(), Some("t"));
        assert!(a.manifests.paths.is_empty());
        let e = cli("apply --plan p.json --exclude Checkout", "", &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("`--exclude` cannot be used with `--plan`"),
            "{e}"
        );
    }

    #[test]
    fn the_files_fail_on_gates_plan_and_diff_unless_typed() {
        use crate::plan::class::Class;
        let toml = "fail_on = \"breaking\"\n";
        let Command::Plan(p) = cli("plan m", toml, &[]).unwrap().command else {
            panic!("plan")
        };
        assert_eq!(p.fail_on, Some(Class::Breaking));
        let Command::Diff(d) = cli("diff a b --fail-on revision", toml, &[])
            .unwrap()
            .command
        else {
            panic!("diff")
        };
        assert_eq!(d.fail_on, Some(Class::Revision));
        let e = cli("plan m", "fail_on = \"sometimes\"\n", &[]).unwrap_err();
        assert!(e.to_string().contains("`fail_on` = `sometimes`"), "{e}");
    }

    #[test]
    fn a_typed_switch_never_conflicts_with_a_file_value() {
        let a = apply(cli("apply m --no-lock", "lock_timeout = \"5m\"\n", &[]).unwrap());
        assert!(a.lock.no_lock);
        let p = cli("plan m --sandbox", "api_url = \"https://h.example\"\n", &[]).unwrap();
        let Command::Plan(p) = p.command else {
            panic!("plan")
        };
        assert!(p.connection.sandbox && p.connection.api_url.is_none());
    }

    #[test]
    fn the_environments_host_yields_to_a_typed_sandbox_or_region() {
        let env = [("SECODA_API_URL", "https://x.example")];
        let a = apply(cli("apply m --sandbox", "", &env).unwrap());
        assert_eq!(a.connection.api_url, None);
        let a = apply(cli("apply m --region eu", "region = \"apac\"\n", &env).unwrap());
        assert_eq!(a.connection.api_url, None);
        // The environment's host beats the file's region.
        let a = apply(cli("apply m", "region = \"apac\"\n", &env).unwrap());
        assert_eq!(a.connection.api_url.as_deref(), Some("https://x.example"));
        assert_eq!(a.connection.region, None);
    }

    #[test]
    fn values_from_the_environment_and_the_file_are_range_checked() {
        let e = cli("plan m", "", &[("SECODA_CONCURRENCY", "100000")]).unwrap_err();
        assert!(e.to_string().contains("SECODA_CONCURRENCY=`100000`"), "{e}");
        let e = cli("plan m", "max_delete_percent = nan\n", &[]).unwrap_err();
        assert!(
            e.to_string().contains("`max_delete_percent` = `NaN`"),
            "{e}"
        );
    }
}
