//! The settings `secoda-sync.toml` and the environment may give, typed as their flags are:
//! each value is parsed (and range-checked) by the same function clap uses for the flag, and
//! set on the verb's own argument groups. `cli::layered` decides which source wins.

use super::apply::SavedPlanSettings;
use super::{numbers, Command, ConnectionArgs, LockArgs, PlanningArgs, PropertyTypes, Region};
use crate::api::{Rate, ReadPace, ReadPaceError, ReadRateChoice};
use crate::config_file::{self, Effective, ProjectConfig, Setting, SettingSource};
use crate::plan::class::Class;
use clap::{CommandFactory, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// One setting's value, typed as its flag is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `api_url` / `--api-url` / `SECODA_API_URL`.
    ApiUrl(String),
    /// `region` / `--region`.
    Region(Region),
    /// `write_rate` / `--write-rate` / `SECODA_WRITE_RATE`.
    WriteRate(Rate),
    /// `read_rate` / `--read-rate` / `SECODA_READ_RATE`.
    ReadRate(ReadRateChoice),
    /// `read_rate_max` / `--read-rate-max` / `SECODA_READ_RATE_MAX`.
    ReadRateMax(Rate),
    /// `concurrency` / `--concurrency` / `SECODA_CONCURRENCY`.
    Concurrency(u16),
    /// `manifests` (the verb's paths).
    Manifests(Vec<PathBuf>),
    /// `integration` / `--integration` (name or UUID).
    Integration(String),
    /// `prune` / `--prune`.
    Prune(bool),
    /// `max_deletes` / `--max-deletes`.
    MaxDeletes(usize),
    /// `max_delete_percent` / `--max-delete-percent`.
    MaxDeletePercent(f64),
    /// `monitors_delete` / `--monitors-delete`.
    MonitorsDelete(bool),
    /// `owner_tag` / `--owner-tag`.
    OwnerTag(String),
    /// `fail_on` / `--fail-on` (`plan` and `diff`).
    FailOn(Class),
    /// `property_types` / `--property-types`.
    PropertyTypes(PropertyTypes),
    /// `lock_timeout` / `--lock-timeout`.
    LockTimeout(Duration),
    /// `token_file` / `--token-file`.
    TokenFile(PathBuf),
    /// `token_env`: the variable holding the token (instead of `SECODA_API_TOKEN`).
    TokenEnv(String),
}

impl Value {
    /// Parses the value(s) a file or variable gives `key`, as its flag would be parsed.
    ///
    /// # Errors
    /// The value is not of the flag's type or outside its range (the message names both).
    pub(crate) fn parse(key: &str, raw: &[String]) -> Result<Self, String> {
        let one = raw.first().map_or("", String::as_str);
        let bool_of = |s: &str| match s {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("`{s}` is not true or false")),
        };
        let rate = |s: &str| s.parse::<Rate>().map_err(|e| e.to_string());
        Ok(match key {
            "api_url" => Self::ApiUrl(one.to_owned()),
            "region" => Self::Region(Region::from_str(one, true)?),
            "write_rate" => Self::WriteRate(rate(one)?),
            "read_rate" => Self::ReadRate(one.parse().map_err(|e: ReadPaceError| e.to_string())?),
            "read_rate_max" => Self::ReadRateMax(rate(one)?),
            "concurrency" => Self::Concurrency(numbers::concurrency(one)?),
            "manifests" => Self::Manifests(raw.iter().map(PathBuf::from).collect()),
            "integration" => Self::Integration(one.to_owned()),
            "prune" => Self::Prune(bool_of(one)?),
            "max_deletes" => Self::MaxDeletes(numbers::count(one)?),
            "max_delete_percent" => Self::MaxDeletePercent(numbers::percent(one)?),
            "monitors_delete" => Self::MonitorsDelete(bool_of(one)?),
            "owner_tag" => Self::OwnerTag(one.to_owned()),
            "fail_on" => Self::FailOn(Class::from_str(one, true)?),
            "property_types" => Self::PropertyTypes(PropertyTypes::from_str(one, true)?),
            "lock_timeout" => Self::LockTimeout(numbers::lock_timeout(one)?),
            "token_file" => Self::TokenFile(PathBuf::from(one)),
            "token_env" => Self::TokenEnv(one.to_owned()),
            _ => return Err(format!("`{key}` is not a setting (a bug in secoda-sync)")),
        })
    }
}

/// The argument groups of the verb being run that settings can go into.
#[derive(Debug, Default)]
pub(super) struct Verb<'a> {
    pub(super) connection: Option<&'a mut ConnectionArgs>,
    pub(super) planning: Option<&'a mut PlanningArgs>,
    pub(super) types: Option<&'a mut PropertyTypes>,
    pub(super) lock: Option<&'a mut LockArgs>,
    /// The manifest paths, for the verbs the file's `manifests` may supply them to.
    pub(super) paths: Option<&'a mut Vec<PathBuf>>,
    /// `--integration`, for the verbs that read manifests or export one.
    pub(super) integration: Option<&'a mut Option<String>>,
    /// `--fail-on`, for the verbs that gate on change classes.
    pub(super) fail_on: Option<&'a mut Option<Class>>,
    /// `apply --plan`: where the values the saved plan decides are set aside.
    pub(super) saved: Option<&'a mut SavedPlanSettings>,
}

impl<'a> Verb<'a> {
    /// The groups of `command`; `saved` is whether it is `apply --plan`.
    pub(super) fn of(command: &'a mut Command) -> Self {
        match command {
            Command::Validate(a) => Self {
                types: Some(&mut a.manifests.input.types.property_types),
                paths: Some(&mut a.manifests.paths),
                integration: Some(&mut a.manifests.input.integration),
                ..Self::default()
            },
            Command::Plan(a) => Self {
                connection: Some(&mut a.connection),
                planning: Some(&mut a.planning),
                types: Some(&mut a.manifests.input.types.property_types),
                paths: Some(&mut a.manifests.paths),
                integration: Some(&mut a.manifests.input.integration),
                fail_on: Some(&mut a.fail_on),
                ..Self::default()
            },
            Command::Apply(a) => {
                let saved = a.plan.is_some();
                Self {
                    connection: Some(&mut a.connection),
                    planning: Some(&mut a.planning),
                    types: Some(&mut a.manifests.input.types.property_types),
                    lock: Some(&mut a.lock),
                    paths: (!saved).then_some(&mut a.manifests.paths),
                    integration: (!saved).then_some(&mut a.manifests.input.integration),
                    saved: saved.then_some(&mut a.saved),
                    fail_on: None,
                }
            }
            Command::Export(a) => Self {
                connection: Some(&mut a.connection),
                types: Some(&mut a.types.property_types),
                integration: Some(&mut a.integration),
                ..Self::default()
            },
            Command::Diff(a) => Self {
                types: Some(&mut a.input.types.property_types),
                integration: Some(&mut a.input.integration),
                fail_on: Some(&mut a.fail_on),
                ..Self::default()
            },
            Command::MigrateReport(a) => Self {
                connection: Some(&mut a.connection),
                types: Some(&mut a.manifests.input.types.property_types),
                integration: Some(&mut a.manifests.input.integration),
                ..Self::default()
            },
            Command::Unlock(a) => Self::connected(&mut a.connection),
            Command::Audit(a) => Self::connected(&mut a.connection),
            Command::Doctor(a) => Self::connected(&mut a.connection),
            Command::Monitors(super::MonitorsCommand::Status(a)) => {
                Self::connected(&mut a.connection)
            }
            Command::Schema(_)
            | Command::Sandbox(_)
            | Command::Config(_)
            | Command::Completions(_)
            | Command::Man => Self::default(),
        }
    }

    fn connected(connection: &'a mut ConnectionArgs) -> Self {
        Self {
            connection: Some(connection),
            ..Self::default()
        }
    }

    /// Whether this verb takes the setting `key`.
    pub(super) fn takes(&self, key: &str) -> bool {
        match key {
            "api_url" | "region" | "write_rate" | "read_rate" | "read_rate_max" | "concurrency"
            | "token_file" | "token_env" => self.connection.is_some(),
            "manifests" => self.paths.is_some(),
            "integration" => self.integration.is_some() || self.saved.is_some(),
            "fail_on" => self.fail_on.is_some(),
            "prune" | "owner_tag" | "monitors_delete" => {
                self.planning.is_some() || self.saved.is_some()
            }
            "max_deletes" | "max_delete_percent" => self.planning.is_some(),
            "property_types" => self.types.is_some() || self.saved.is_some(),
            "lock_timeout" => self.lock.is_some(),
            _ => false,
        }
    }

    /// Sets `value` on the verb's arguments; with `apply --plan`, the values the saved plan
    /// decides are set aside instead (the command compares them with what the plan records).
    pub(super) fn set(&mut self, value: Value) {
        if let Some(saved) = self.saved.as_deref_mut() {
            match value {
                Value::Prune(b) => saved.prune = Some(b),
                Value::OwnerTag(t) => saved.owner_tag = Some(t),
                Value::MonitorsDelete(b) => saved.monitors_delete = Some(b),
                Value::PropertyTypes(p) => saved.property_types = Some(p),
                Value::Integration(i) => saved.integration = Some(i),
                other => self.set_own(other),
            }
        } else {
            self.set_own(value);
        }
    }

    fn set_own(&mut self, value: Value) {
        match value {
            Value::ApiUrl(u) => self.connection(|c| c.api_url = Some(u)),
            Value::Region(r) => self.connection(|c| c.region = Some(r)),
            Value::WriteRate(r) => self.connection(|c| c.write_rate = Some(r)),
            Value::ReadRate(r) => self.connection(|c| c.read_rate = Some(r)),
            Value::ReadRateMax(r) => self.connection(|c| c.read_rate_max = Some(r)),
            Value::Concurrency(n) => self.connection(|c| c.concurrency = n),
            Value::Manifests(p) => {
                if let Some(paths) = self.paths.as_deref_mut() {
                    *paths = p;
                }
            }
            Value::Integration(i) => {
                if let Some(integration) = self.integration.as_deref_mut() {
                    *integration = Some(i);
                }
            }
            Value::FailOn(c) => {
                if let Some(fail_on) = self.fail_on.as_deref_mut() {
                    *fail_on = Some(c);
                }
            }
            Value::Prune(b) => self.planning(|p| p.prune = b),
            Value::MaxDeletes(n) => self.planning(|p| p.max_deletes = n),
            Value::MaxDeletePercent(n) => self.planning(|p| p.max_delete_percent = n),
            Value::MonitorsDelete(b) => self.planning(|p| p.monitors_delete = b),
            Value::OwnerTag(t) => self.planning(|p| p.owner_tag = Some(t)),
            Value::PropertyTypes(t) => {
                if let Some(types) = self.types.as_deref_mut() {
                    *types = t;
                }
            }
            Value::LockTimeout(d) => {
                if let Some(lock) = self.lock.as_deref_mut() {
                    lock.lock_timeout = d;
                }
            }
            Value::TokenFile(p) => self.connection(|c| c.token_file = Some(p)),
            Value::TokenEnv(v) => self.connection(|c| c.token_env = Some(v)),
        }
    }

    /// Records the config file's environment chosen, for the verbs that connect.
    pub(super) fn set_environment(&mut self, name: String) {
        self.connection(|c| c.environment = Some(name));
    }

    fn connection(&mut self, f: impl FnOnce(&mut ConnectionArgs)) {
        if let Some(c) = self.connection.as_deref_mut() {
            f(c);
        }
    }

    fn planning(&mut self, f: impl FnOnce(&mut PlanningArgs)) {
        if let Some(p) = self.planning.as_deref_mut() {
            f(p);
        }
    }
}

/// A setting's default as `--help` shows it: the clap default of its flag (the one place it
/// is written), else what the flag's absence means.
#[must_use]
pub(crate) fn default_of(setting: &Setting) -> String {
    let cli = crate::cli::Cli::command();
    let clap_default = cli.get_subcommands().find_map(|verb| {
        let arg = verb.get_arguments().find(|a| a.get_id() == setting.key)?;
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(" "))
    });
    clap_default.unwrap_or_else(|| match (setting.key, setting.kind) {
        ("api_url", _) => Region::Us.base_url().to_owned(),
        ("write_rate", _) => Rate::SECODA_WRITES.to_string(),
        ("read_rate", _) => ReadRateChoice::Auto.to_string(),
        ("read_rate_max", _) => ReadPace::DEFAULT_MAX.to_string(),
        // A switch's absence.
        (_, config_file::ValueKind::Bool) => "false".to_owned(),
        _ => "(none)".to_owned(),
    })
}

/// Every setting's effective value and source when no flag is given (what `config` prints),
/// each value checked as its flag would be.
///
/// # Errors
/// A value in the environment or the file that its flag would refuse: the variable or file,
/// the key, the value and why.
pub(crate) fn effective(
    file: Option<&ProjectConfig>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Effective>, String> {
    let settings = config_file::effective(file, env, default_of);
    for s in &settings {
        if s.source == SettingSource::Default {
            continue;
        }
        let raw = match (&s.source, file) {
            (SettingSource::File { .. }, Some(f)) => {
                f.values.get(s.key).cloned().unwrap_or_default()
            }
            _ => vec![s.value.clone()],
        };
        Value::parse(s.key, &raw).map_err(|e| invalid(&s.source, s.key, &raw, &e))?;
    }
    Ok(settings)
}

/// The message for a value from the environment or the file that does not parse.
pub(super) fn invalid(source: &SettingSource, key: &str, raw: &[String], why: &str) -> String {
    let shown = raw.join(" ");
    match source {
        SettingSource::Env(var) => format!("invalid {var}=`{shown}`: {why}"),
        SettingSource::File { path, env } => format!(
            "config file `{}`: invalid `{}{key}` = `{shown}`: {why}",
            path.display(),
            env.as_ref()
                .map(|e| format!("env.{e}."))
                .unwrap_or_default()
        ),
        SettingSource::Default => format!("invalid `{key}` `{shown}`: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_parses_as_its_flag_and_out_of_range_values_are_refused() {
        let ok = |k: &str, v: &str| Value::parse(k, &[v.to_owned()]);
        assert_eq!(ok("concurrency", "4"), Ok(Value::Concurrency(4)));
        assert_eq!(ok("region", "eu"), Ok(Value::Region(Region::Eu)));
        assert_eq!(
            ok("lock_timeout", "5m"),
            Ok(Value::LockTimeout(Duration::from_secs(300)))
        );
        for (k, v) in [
            ("concurrency", "100000"),
            ("max_delete_percent", "NaN"),
            ("max_delete_percent", "inf"),
            ("lock_timeout", "-5m"),
            ("lock_timeout", "5124095576030432h"),
            ("write_rate", "0/min"),
            ("prune", "yes"),
            ("property_types", "sideways"),
        ] {
            assert!(ok(k, v).is_err(), "{k} = {v}");
        }
    }

    #[test]
    fn every_setting_is_typed_and_its_key_is_the_id_of_its_flag() {
        let cli = crate::cli::Cli::command();
        for s in config_file::SETTINGS {
            let parsed = Value::parse(s.key, &["x".to_owned()]);
            assert!(
                !parsed.is_err_and(|e| e.contains("a bug")),
                "{} has no Value",
                s.key
            );
            let Some(flag) = s.flag else { continue };
            let arg = cli
                .get_subcommands()
                .flat_map(clap::Command::get_arguments)
                .find(|a| a.get_id() == s.key)
                .unwrap_or_else(|| panic!("no argument `{}`", s.key));
            assert_eq!(
                arg.get_long().map(|l| format!("--{l}")).as_deref(),
                Some(flag)
            );
            if let Some(var) = s.env {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(help.contains(var), "{flag}'s help names {var}: {help}");
            }
        }
    }

    #[test]
    fn defaults_come_from_the_flags() {
        let find = |k: &str| config_file::SETTINGS.iter().find(|s| s.key == k).unwrap();
        assert_eq!(
            default_of(find("max_deletes")),
            crate::plan::MAX_DELETES.to_string()
        );
        assert_eq!(default_of(find("max_delete_percent")), "10");
        assert_eq!(default_of(find("concurrency")), "8");
        assert_eq!(default_of(find("api_url")), "https://api.secoda.co");
        assert_eq!(default_of(find("write_rate")), "30/min");
        assert_eq!(default_of(find("owner_tag")), "(none)");
        assert_eq!(default_of(find("prune")), "false");
        assert_eq!(default_of(find("lock_timeout")), "0");
    }
}
