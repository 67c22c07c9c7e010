//! The project config file, `secoda-sync.toml`: the settings CI lines repeat (host, pacing,
//! manifest paths, prune scope and caps, owner tag, where property types go, lock timeout), read once and checked, so a
//! misspelt key is an error with a suggestion rather than a setting silently ignored.
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
    #[error("config file `{}`: set `api_url` or `region`, not both", path.display())]
    Conflict {
        /// The file.
        path: PathBuf,
    },
}

/// A loaded config file: each setting it holds, as the command-line value(s) it stands for.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ProjectConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// Key -> values (one, except `manifests`; a bool is `true` or `false`).
    pub values: BTreeMap<&'static str, Vec<String>>,
}

impl ProjectConfig {
    /// Parses `text` read from `path`; relative manifest paths are taken from the file's
    /// directory, so the file works from any directory of the repository.
    ///
    /// # Errors
    /// Invalid TOML, an unknown key (with the closest known one), a value of the wrong type.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let table: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| ConfigError::Syntax {
                    path: path.to_path_buf(),
                    message: e.message().to_owned(),
                })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut values = BTreeMap::new();
        for (key, value) in &table {
            let Some(s) = SETTINGS.iter().find(|s| s.key == key) else {
                return Err(ConfigError::UnknownKey {
                    path: path.to_path_buf(),
                    key: key.clone(),
                    hint: did_you_mean(key),
                });
            };
            let wrong = |expected| ConfigError::Type {
                path: path.to_path_buf(),
                key: key.clone(),
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
                (ValueKind::Paths, toml::Value::Array(items)) => items
                    .iter()
                    .map(|i| match i {
                        toml::Value::String(p) => Ok(from_here(&base.join(p))),
                        _ => Err(wrong("a list of paths")),
                    })
                    .collect::<Result<_, _>>()?,
                (ValueKind::Paths, toml::Value::String(p)) => {
                    vec![from_here(&base.join(p))]
                }
                (ValueKind::Paths, _) => return Err(wrong("a list of paths")),
            };
            values.insert(s.key, v);
        }
        if values.contains_key("api_url") && values.contains_key("region") {
            return Err(ConfigError::Conflict {
                path: path.to_path_buf(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            values,
        })
    }

    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// As [`ProjectConfig::parse`], or when the file cannot be read.
    pub(crate) fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }
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
    /// The config file.
    File(PathBuf),
    /// The built-in default.
    Default,
}

impl std::fmt::Display for SettingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Env(v) => write!(f, "env {v}"),
            Self::File(p) => write!(f, "file {}", p.display()),
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
                    source: SettingSource::File(f.path.clone()),
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
        let e = ProjectConfig::parse(Path::new("s.toml"), "max_delete = 3\n").unwrap_err();
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
        )
        .unwrap();
        assert_eq!(c.values["concurrency"], ["4"]);
        assert_eq!(c.values["manifests"], ["repo/m"]);
        assert_eq!(c.values["max_delete_percent"], ["2.5"]);
        let e = ProjectConfig::parse(Path::new("s.toml"), "prune = \"yes\"\n").unwrap_err();
        assert!(e.to_string().contains("true or false"), "{e}");
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
