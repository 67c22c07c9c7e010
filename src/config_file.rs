//! The project config file, `secoda-sync.toml`: the settings CI lines repeat (host, pacing,
//! manifest paths, prune scope and caps, owner tag, where property types go, lock timeout), read once and checked, so a
//! misspelt key is an error with a suggestion rather than a setting silently ignored.
//!
//! `[env.NAME]` tables hold any of the top-level keys for one environment (a staging and a
//! production workspace, two integrations): `--env NAME` or `SECODA_SYNC_ENV` picks one, whose
//! values stand over the top level's. The token never goes in the file (it is committed to
//! git): `token_env` names the variable holding it, `token_file` the file.
//!
//! Precedence is flags, then environment, then this file, then the built-in defaults; the
//! settings resolution (`cli::layered`) applies it to the typed arguments of the verb being
//! run, and [`effective`] reports it. The defaults are the flags' own (`cli::settings`), so
//! each is written once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for at the repository root.
pub(crate) const FILE_NAME: &str = "secoda-sync.toml";

/// The environment variable naming a config file.
pub(crate) const ENV_VAR: &str = "SECODA_SYNC_CONFIG";

/// The environment variable naming the file's environment to use (`--env`).
pub(crate) const ENV_NAME_VAR: &str = "SECODA_SYNC_ENV";

/// The key of the environments' tables (`[env.staging]`).
const ENVIRONMENTS_KEY: &str = "env";

/// Keys a token would be written under: refused, so a secret never reaches git.
const SECRET_KEYS: &[&str] = &[
    "token",
    "api_token",
    "secoda_api_token",
    "api_key",
    "secret",
];

/// What a setting's value must be in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// A string.
    Text,
    /// A non-negative integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A list of strings (paths).
    Paths,
}

/// One setting the file may hold: its key, the flag it stands for and that flag's variable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setting {
    /// Key in the file (also the clap argument id).
    pub key: &'static str,
    /// The command-line flag (`--api-url`), or `None` for the manifest paths.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "the table's documentation; a test ties each key to its flag"
        )
    )]
    pub flag: Option<&'static str>,
    /// The environment variable the flag reads, when it has one.
    pub env: Option<&'static str>,
    /// The value's type.
    pub kind: ValueKind,
}

/// Every key the file accepts.
pub(crate) const SETTINGS: &[Setting] = &[
    setting(
        "api_url",
        Some("--api-url"),
        Some("SECODA_API_URL"),
        ValueKind::Text,
    ),
    setting("region", Some("--region"), None, ValueKind::Text),
    setting(
        "write_rate",
        Some("--write-rate"),
        Some("SECODA_WRITE_RATE"),
        ValueKind::Text,
    ),
    setting(
        "read_rate",
        Some("--read-rate"),
        Some("SECODA_READ_RATE"),
        ValueKind::Text,
    ),
    setting(
        "read_rate_max",
        Some("--read-rate-max"),
        Some("SECODA_READ_RATE_MAX"),
        ValueKind::Text,
    ),
    setting(
        "concurrency",
        Some("--concurrency"),
        Some("SECODA_CONCURRENCY"),
        ValueKind::Integer,
    ),
    setting("manifests", None, None, ValueKind::Paths),
    setting("integration", Some("--integration"), None, ValueKind::Text),
    setting("prune", Some("--prune"), None, ValueKind::Bool),
    setting(
        "max_deletes",
        Some("--max-deletes"),
        None,
        ValueKind::Integer,
    ),
    setting(
        "max_delete_percent",
        Some("--max-delete-percent"),
        None,
        ValueKind::Number,
    ),
    setting(
        "monitors_delete",
        Some("--monitors-delete"),
        None,
        ValueKind::Bool,
    ),
    setting("owner_tag", Some("--owner-tag"), None, ValueKind::Text),
    setting("fail_on", Some("--fail-on"), None, ValueKind::Text),
    setting(
        "property_types",
        Some("--property-types"),
        None,
        ValueKind::Text,
    ),
    setting(
        "lock_timeout",
        Some("--lock-timeout"),
        None,
        ValueKind::Text,
    ),
    setting("token_file", Some("--token-file"), None, ValueKind::Paths),
    setting("token_env", None, None, ValueKind::Text),
];

#[rustfmt::skip]
const fn setting(key: &'static str, flag: Option<&'static str>, env: Option<&'static str>, kind: ValueKind) -> Setting {
    Setting { key, flag, env, kind }
}

/// Why the config file cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    /// It could not be read.
    #[error("failed to read config file `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// It is not TOML.
    #[error("config file `{}` is not valid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A key no setting has.
    #[error("config file `{}`: unknown key `{key}`{hint}", path.display())]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
        /// ` (did you mean `x`?)` or empty.
        hint: String,
    },
    /// A value of the wrong type.
    #[error("config file `{}`: `{key}` must be {expected}", path.display())]
    Type {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
        /// What it must be.
        expected: &'static str,
    },
    /// Settings that exclude each other.
    #[error("config file `{}`: set `api_url` or `region`, not both{}", path.display(), in_env(env.as_deref()))]
    Conflict {
        /// The file.
        path: PathBuf,
        /// The environment whose values conflict, if one is chosen.
        env: Option<String>,
    },
    /// A token written in the file.
    #[error("config file `{}`: `{key}` {why}: the file is committed to git and a token must not be; name the variable that holds it (`token_env = \"SECODA_PROD_TOKEN\"`) or a file outside the repository (`token_file = \"...\"`)", path.display())]
    Secret {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
        /// Why the value reads as a token.
        why: &'static str,
    },
    /// An environment no `[env.NAME]` table defines.
    #[error("config file `{}` defines no environment `{name}` (from {chosen_by}); defined: {}", path.display(), list_or_none(defined))]
    UnknownEnv {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        name: String,
        /// `--env` or `SECODA_SYNC_ENV`.
        chosen_by: &'static str,
        /// The names the file defines.
        defined: Vec<String>,
    },
}

fn in_env(env: Option<&str>) -> String {
    env.map(|e| format!(" (with [env.{e}])"))
        .unwrap_or_default()
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none (add an [env.NAME] table)".to_owned()
    } else {
        names.join(", ")
    }
}

/// The environment of the file to use, and what chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvChoice {
    /// Its name (`staging`).
    pub name: String,
    /// `--env` or `SECODA_SYNC_ENV`, for messages.
    pub chosen_by: &'static str,
}

impl EnvChoice {
    /// `--env NAME` if given, else a non-empty `SECODA_SYNC_ENV`.
    #[must_use]
    pub(crate) fn of(flag: Option<&str>, env: Option<&str>) -> Option<Self> {
        match (flag, env.filter(|e| !e.is_empty())) {
            (Some(name), _) => Some(Self {
                name: name.to_owned(),
                chosen_by: "--env",
            }),
            (None, Some(name)) => Some(Self {
                name: name.to_owned(),
                chosen_by: ENV_NAME_VAR,
            }),
            (None, None) => None,
        }
    }
}

/// A loaded config file: each setting it holds, as the command-line value(s) it stands for.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ProjectConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// Key -> values (one, except `manifests`; a bool is `true` or `false`): the chosen
    /// environment's over the top level's.
    pub values: BTreeMap<&'static str, Vec<String>>,
    /// The chosen environment, if any.
    pub env: Option<String>,
    /// The keys whose value is the chosen environment's.
    pub from_env: std::collections::BTreeSet<&'static str>,
}

impl ProjectConfig {
    /// Parses `text` read from `path`, with the values of the environment `env` (an
    /// `[env.NAME]` table) over the top level's; relative paths are taken from the file's
    /// directory, so the file works from any directory of the repository.
    ///
    /// # Errors
    /// Invalid TOML, an unknown key (with the closest known one), a value of the wrong type, a
    /// token written in the file, an environment the file does not define.
    pub(crate) fn parse(
        path: &Path,
        text: &str,
        env: Option<&EnvChoice>,
    ) -> Result<Self, ConfigError> {
        let mut table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: path.to_path_buf(),
                    message: e.message().to_owned(),
                })?;
        let environments = match table.remove(ENVIRONMENTS_KEY) {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t,
            Some(_) => {
                return Err(ConfigError::Type {
                    path: path.to_path_buf(),
                    key: ENVIRONMENTS_KEY.to_owned(),
                    expected: "tables of settings ([env.NAME])",
                })
            }
        };
        let mut values = typed_values(path, &table, "")?;
        let mut own = BTreeMap::new();
        for (name, settings) in &environments {
            let prefix = format!("env.{name}.");
            let toml::Value::Table(settings) = settings else {
                return Err(ConfigError::Type {
                    path: path.to_path_buf(),
                    key: format!("{ENVIRONMENTS_KEY}.{name}"),
                    expected: "a table of settings",
                });
            };
            // Every environment is checked, not only the chosen one: a typo in production's
            // table fails the staging job too, before it reaches production.
            let parsed = typed_values(path, settings, &prefix)?;
            if env.is_some_and(|e| &e.name == name) {
                own = parsed;
            }
        }
        if let Some(choice) = env {
            if !environments.contains_key(&choice.name) {
                return Err(ConfigError::UnknownEnv {
                    path: path.to_path_buf(),
                    name: choice.name.clone(),
                    chosen_by: choice.chosen_by,
                    defined: environments.keys().cloned().collect(),
                });
            }
        }
        // An environment's host replaces the top level's, whichever way each names it.
        if own.contains_key("api_url") || own.contains_key("region") {
            values.remove("api_url");
            values.remove("region");
        }
        let from_env = own.keys().copied().collect();
        values.extend(own);
        if values.contains_key("api_url") && values.contains_key("region") {
            return Err(ConfigError::Conflict {
                path: path.to_path_buf(),
                env: env.map(|e| e.name.clone()),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            values,
            env: env.map(|e| e.name.clone()),
            from_env,
        })
    }

    /// Where the file's value of `key` comes from: its top level or the chosen environment.
    #[must_use]
    pub(crate) fn source_of(&self, key: &str) -> SettingSource {
        SettingSource::File {
            path: self.path.clone(),
            env: self
                .from_env
                .contains(key)
                .then(|| self.env.clone())
                .flatten(),
        }
    }

    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// As [`ProjectConfig::parse`], or when the file cannot be read.
    pub(crate) fn read(path: &Path, env: Option<&EnvChoice>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text, env)
    }
}

/// The settings of one table (the top level or an environment's, whose keys `prefix`
/// names in messages), typed.
fn typed_values(
    path: &Path,
    table: &toml::Table,
    prefix: &str,
) -> Result<BTreeMap<&'static str, Vec<String>>, ConfigError> {
    let base = path.parent().unwrap_or(Path::new(""));
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let shown_key = format!("{prefix}{key}");
        if SECRET_KEYS.contains(&key.as_str()) {
            return Err(ConfigError::Secret {
                path: path.to_path_buf(),
                key: shown_key,
                why: "would hold a token",
            });
        }
        let Some(s) = SETTINGS.iter().find(|s| s.key == key) else {
            return Err(ConfigError::UnknownKey {
                path: path.to_path_buf(),
                key: shown_key,
                hint: did_you_mean(key),
            });
        };
        let wrong = |expected| ConfigError::Type {
            path: path.to_path_buf(),
            key: shown_key.clone(),
            expected,
        };
        let v = match (s.kind, value) {
            (ValueKind::Text, toml::Value::String(t)) => vec![t.clone()],
            (ValueKind::Text, _) => return Err(wrong("a string")),
            (ValueKind::Integer, toml::Value::Integer(i)) if *i >= 0 => vec![i.to_string()],
            (ValueKind::Integer, _) => return Err(wrong("a non-negative integer")),
            (ValueKind::Number, toml::Value::Integer(i)) => vec![i.to_string()],
            (ValueKind::Number, toml::Value::Float(f)) => vec![f.to_string()],
            (ValueKind::Number, _) => return Err(wrong("a number")),
            (ValueKind::Bool, toml::Value::Boolean(b)) => vec![b.to_string()],
            (ValueKind::Bool, _) => return Err(wrong("true or false")),
            (ValueKind::Paths, toml::Value::Array(items)) if s.key != "token_file" => items
                .iter()
                .map(|i| match i {
                    toml::Value::String(p) => Ok(from_here(&base.join(p))),
                    _ => Err(wrong("a list of paths")),
                })
                .collect::<Result<_, _>>()?,
            (ValueKind::Paths, toml::Value::String(p)) => {
                vec![from_here(&base.join(p))]
            }
            (ValueKind::Paths, _) if s.key == "token_file" => return Err(wrong("a path")),
            (ValueKind::Paths, _) => return Err(wrong("a list of paths")),
        };
        if s.key == "token_env" {
            if let Some(why) = not_a_variable_name(&v[0]) {
                return Err(ConfigError::Secret {
                    path: path.to_path_buf(),
                    key: shown_key,
                    why,
                });
            }
        }
        values.insert(s.key, v);
    }
    Ok(values)
}

/// Why `name`, given as `token_env`, is not the name of an environment variable (and so may
/// be the token itself), or `None` when it is one.
fn not_a_variable_name(name: &str) -> Option<&'static str> {
    let is_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Some("must name an environment variable (letters, digits, `_`) and this value reads as a token");
    }
    // Long, in lower case and dense with digits: a key (`sk_live_9f8e...`), not a name
    // (`SECODA_PROD_TOKEN`, `secoda_token_2`).
    let lower = name.chars().filter(char::is_ascii_lowercase).count();
    let digits = name.chars().filter(char::is_ascii_digit).count();
    if name.len() >= 20 && lower > 0 && digits >= 4 {
        return Some("reads as a token, not the name of the variable that holds one");
    }
    None
}

fn did_you_mean(key: &str) -> String {
    SETTINGS
        .iter()
        .map(|s| (strsim::jaro_winkler(key, s.key), s.key))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// `path` as diagnostics should print it: relative to the working directory where it can be
/// (`plans/web.yaml`, `../plans`), as given otherwise.
fn from_here(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .filter(|_| path.is_absolute())
        .and_then(|cwd| relative(path, &cwd));
    shown
        .unwrap_or_else(|| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// `path` relative to `base` (both absolute): `..` for each step up from `base`.
fn relative(path: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let path: Vec<Component<'_>> = path.components().collect();
    let base: Vec<Component<'_>> = base.components().collect();
    let shared = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    // Only the root in common: an absolute path says it better.
    if shared <= 1 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in shared..base.len() {
        out.push("..");
    }
    for c in &path[shared..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

/// Which config file applies: `--config FILE`, else `SECODA_SYNC_CONFIG`, else
/// `secoda-sync.toml` in the current directory or the nearest parent up to the repository
/// root (the first directory holding `.git`).
#[must_use]
pub(crate) fn locate(flag: Option<&Path>, env: Option<&str>, cwd: &Path) -> Option<PathBuf> {
    if let Some(f) = flag {
        return Some(f.to_path_buf());
    }
    if let Some(e) = env.filter(|e| !e.is_empty()) {
        return Some(PathBuf::from(e));
    }
    let mut dir = Some(cwd);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Where an effective setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SettingSource {
    /// An environment variable.
    Env(&'static str),
    /// The config file: its top level, or the chosen environment's table.
    File {
        /// The file.
        path: PathBuf,
        /// The environment whose table set it.
        env: Option<String>,
    },
    /// The built-in default.
    Default,
}

impl std::fmt::Display for SettingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(v) => write!(f, "env {v}"),
            Self::File { path, env: None } => write!(f, "file {}", path.display()),
            Self::File { path, env: Some(e) } => write!(f, "file {} [env.{e}]", path.display()),
            Self::Default => f.write_str("default"),
        }
    }
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Effective {
    /// The key.
    pub key: &'static str,
    /// Its value as the command line would spell it.
    pub value: String,
    /// Where it came from.
    pub source: SettingSource,
}

impl Effective {
    /// The value as `config` prints it: a password in a URL (`https://user:secret@host`)
    /// shows as `***`.
    #[must_use]
    pub(crate) fn shown(&self) -> String {
        hide_password(&self.value)
    }
}

/// `url` with the password of its user info, if any, replaced by `***`; the rest as written.
#[must_use]
pub(crate) fn hide_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    let start = scheme_end + colon + 1;
    format!("{}***{}", &url[..start], &url[scheme_end + at..])
}

/// Every setting's effective value and source when no flag is given: the environment (read
/// through `env`, an empty variable counting as unset) beats the file, the file beats the
/// default (`default` gives it).
#[must_use]
pub(crate) fn effective(
    file: Option<&ProjectConfig>,
    env: impl Fn(&str) -> Option<String>,
    default: impl Fn(&Setting) -> String,
) -> Vec<Effective> {
    SETTINGS
        .iter()
        .map(|s| {
            let from_env = s
                .env
                .and_then(|var| env(var).filter(|v| !v.is_empty()).map(|v| (var, v)));
            if let Some((var, v)) = from_env {
                return Effective {
                    key: s.key,
                    value: v,
                    source: SettingSource::Env(var),
                };
            }
            if let Some((f, v)) = file.and_then(|f| f.values.get(s.key).map(|v| (f, v))) {
                return Effective {
                    key: s.key,
                    value: v.join(" "),
                    source: f.source_of(s.key),
                };
            }
            Effective {
                key: s.key,
                value: default(s),
                source: SettingSource::Default,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_is_an_error_with_a_suggestion() {
        let e = ProjectConfig::parse(Path::new("s.toml"), "max_delete = 3\n", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config file `s.toml`: unknown key `max_delete` (did you mean `max_deletes`?)"
        );
    }

    #[test]
    fn values_are_typed_and_paths_relative_to_the_file() {
        let c = ProjectConfig::parse(
            Path::new("repo/secoda-sync.toml"),
            "concurrency = 4\nprune = true\nmanifests = [\"m\"]\nmax_delete_percent = 2.5\n",
            None,
        )
        .unwrap();
        assert_eq!(c.values["concurrency"], ["4"]);
        assert_eq!(c.values["manifests"], ["repo/m"]);
        assert_eq!(c.values["max_delete_percent"], ["2.5"]);
        let e = ProjectConfig::parse(Path::new("s.toml"), "prune = \"yes\"\n", None).unwrap_err();
        assert!(e.to_string().contains("true or false"), "{e}");
    }

    const ENVIRONMENTS: &str = "concurrency = 4\nregion = \"eu\"\ntoken_env = \"SECODA_STAGING_TOKEN\"\n\
        [env.staging]\nmax_deletes = 50\n\
        [env.production]\napi_url = \"https://secoda.example\"\ntoken_env = \"SECODA_PROD_TOKEN\"\n";

    fn choice(name: &str) -> EnvChoice {
        EnvChoice {
            name: name.to_owned(),
            chosen_by: "--env",
        }
    }

    #[test]
    fn the_chosen_environments_values_stand_over_the_top_levels() {
        let parse = |env: Option<&str>| {
            ProjectConfig::parse(Path::new("s.toml"), ENVIRONMENTS, env.map(choice).as_ref())
                .unwrap()
        };
        let top = parse(None);
        assert_eq!(top.values["region"], ["eu"]);
        assert!(!top.values.contains_key("max_deletes"));
        let staging = parse(Some("staging"));
        assert_eq!(staging.values["max_deletes"], ["50"]);
        assert_eq!(staging.values["concurrency"], ["4"]);
        assert_eq!(staging.values["token_env"], ["SECODA_STAGING_TOKEN"]);
        assert_eq!(
            staging.source_of("max_deletes").to_string(),
            "file s.toml [env.staging]"
        );
        assert_eq!(staging.source_of("concurrency").to_string(), "file s.toml");
        // Production's URL replaces the top level's region rather than conflicting with it.
        let production = parse(Some("production"));
        assert_eq!(production.values["api_url"], ["https://secoda.example"]);
        assert!(!production.values.contains_key("region"));
        assert_eq!(production.values["token_env"], ["SECODA_PROD_TOKEN"]);
    }

    #[test]
    fn an_unknown_environment_lists_the_defined_ones() {
        let e = ProjectConfig::parse(Path::new("s.toml"), ENVIRONMENTS, Some(&choice("prod")))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "config file `s.toml` defines no environment `prod` (from --env); defined: production, staging"
        );
        let e = ProjectConfig::parse(Path::new("s.toml"), "[env.staging]\nconcurrenc = 2\n", None)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown key `env.staging.concurrenc`"),
            "{e}"
        );
    }

    #[test]
    fn a_token_written_in_the_file_is_refused_with_the_reason() {
        for text in [
            "token = \"abc\"\n",
            "[env.prod]\napi_token = \"abc\"\n",
            "token_env = \"sk-live 1234\"\n",
            "token_env = \"a1B2c3D4e5F6g7H8i9J0k1L2m3N4\"\n",
        ] {
            let e = ProjectConfig::parse(Path::new("s.toml"), text, None).unwrap_err();
            let message = e.to_string();
            assert!(matches!(e, ConfigError::Secret { .. }), "{text}: {message}");
            assert!(message.contains("committed to git"), "{message}");
            assert!(
                !message.contains("1234") && !message.contains("a1B2"),
                "{message}"
            );
        }
        for name in [
            "SECODA_PROD_TOKEN_2",
            "secoda_token_2",
            "SECODA_TOKEN_2025_Q1",
        ] {
            let text = format!("token_env = \"{name}\"\n");
            let ok = ProjectConfig::parse(Path::new("s.toml"), &text, None);
            assert!(ok.is_ok(), "{name}: {ok:?}");
        }
    }

    #[test]
    fn a_password_in_a_url_is_hidden_and_the_rest_kept() {
        assert_eq!(
            hide_password("https://user:secret@host.example/api"),
            "https://user:***@host.example/api"
        );
        assert_eq!(hide_password("https://u:p@ss:w@h/"), "https://u:***@h/");
        assert_eq!(hide_password("https://user@host"), "https://user@host");
        assert_eq!(hide_password("https://host/a:b@c"), "https://host/a:b@c");
        assert_eq!(hide_password("30/min"), "30/min");
    }

    #[test]
    fn absolute_paths_show_relative_to_a_base_they_share_more_than_the_root_with() {
        let rel = |p: &str, b: &str| relative(Path::new(p), Path::new(b));
        assert_eq!(rel("/repo/plans", "/repo"), Some(PathBuf::from("plans")));
        assert_eq!(
            rel("/repo/plans", "/repo/sub/dir"),
            Some(PathBuf::from("../../plans"))
        );
        assert_eq!(rel("/repo", "/repo"), Some(PathBuf::from(".")));
        assert_eq!(rel("/etc/plans", "/repo"), None);
    }

    #[test]
    fn environment_beats_the_file_and_the_file_beats_defaults() {
        let c = ProjectConfig::parse(
            Path::new("s.toml"),
            "write_rate = \"10/min\"\nread_rate = \"5/s\"\n",
            None,
        )
        .unwrap();
        let env = |v: &str| (v == "SECODA_READ_RATE").then(|| "2/s".to_owned());
        let e = effective(Some(&c), env, |s| format!("default {}", s.key));
        let get = |k| e.iter().find(|s| s.key == k).unwrap().clone();
        assert_eq!(
            get("read_rate").source,
            SettingSource::Env("SECODA_READ_RATE")
        );
        assert_eq!(get("write_rate").value, "10/min");
        assert_eq!(get("concurrency").source, SettingSource::Default);
        assert_eq!(get("concurrency").value, "default concurrency");
    }
}
