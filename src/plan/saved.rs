//! Saved plans (`plan --out plan.json`): everything `apply --plan` needs, plus a fingerprint of
//! the live state the plan was made from, so a plan that went stale is refused, not applied.
//!
//! Bytes in, bytes out: the caller reads and writes the file, so planning stays free of I/O.

use super::{DiffOptions, IntegrationInfo, Kind, Plan};
use crate::api::Id;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

/// The version of the saved-plan file format.
/// `managed_live` and `fingerprint` came later without a new version (a reader that ignores
/// them still reads the rest right); a file without a fingerprint is refused by `apply --plan`
/// with a hint to plan again, since nothing says it was not edited.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The diff options a plan was made with (apply re-checks them, users read them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedOptions {
    /// `--prune`.
    pub prune: bool,
    /// `--owner-tag`, as a tag id.
    pub owner_tag: Option<Id>,
    /// `--target` keys, as written (`Category/Event`).
    pub targets: Vec<String>,
    /// `--exclude` keys, as written (absent from plans saved without any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<String>,
    /// `--monitors-delete`.
    pub monitors_delete: bool,
    /// `--property-types` (absent from plans saved before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_types: Option<crate::manifest::PropertyTypes>,
}

impl From<&DiffOptions> for SavedOptions {
    fn from(o: &DiffOptions) -> Self {
        Self {
            prune: o.prune,
            owner_tag: o.owner_tag.clone(),
            targets: o.targets.iter().map(ToString::to_string).collect(),
            excludes: o.excludes.iter().map(ToString::to_string).collect(),
            monitors_delete: o.monitors_delete,
            property_types: Some(o.property_types),
        }
    }
}

/// A live resource a plan touches, with its `updated_at` when planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touched {
    /// Kind.
    pub kind: Kind,
    /// Natural key as displayed, for messages.
    pub key: String,
    /// Live id.
    pub id: Id,
    /// `updated_at` when the plan was made.
    pub updated_at: String,
}

/// A plan file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// File format version (`FORMAT_VERSION`).
    pub format_version: u32,
    /// `secoda-sync <version>` that wrote it.
    pub created_by: String,
    /// API base URL planned against.
    pub base_url: String,
    /// The config file's environment chosen when planning (`--env`), if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Integration planned against.
    pub integration: IntegrationInfo,
    /// The loader's fingerprint of the manifests the plan came from (`manifest::Loaded`).
    pub manifests_fingerprint: String,
    /// Diff options used.
    pub options: SavedOptions,
    /// The plan itself.
    pub plan: Plan,
    /// Every live resource the plan updates or deletes, with its `updated_at`.
    pub live: Vec<Touched>,
    /// Live resources inside prune scope when planned: the base `apply --plan` checks the
    /// deletes' share against (`--max-delete-percent`).
    #[serde(default)]
    pub managed_live: usize,
    /// [`SavedPlan::content_fingerprint`] when the file was written: `apply --plan` refuses a
    /// file whose content no longer matches it (edited by hand or mangled by a merge), or that
    /// has none.
    #[serde(default)]
    pub fingerprint: String,
}

/// Failure to save or load a plan file.
#[derive(Debug, thiserror::Error)]
pub enum SavedPlanError {
    /// The file could not be read or written.
    #[error("failed to {action} plan file `{}`", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a plan file.
    #[error("`{}` is not a secoda-sync plan file", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where parsing failed.
        #[source]
        source: serde_json::Error,
    },
    /// The file was written by an incompatible version.
    #[error(
        "plan file `{}` has format version {found}, this secoda-sync reads version {FORMAT_VERSION}: \
         re-run `secoda-sync plan --out`",
        path.display()
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
}

impl SavedPlanError {
    /// A failure to `read` or `write` the plan file at `path`.
    #[must_use]
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }
}

/// Bytes that are not a plan this version reads; [`FormatError::in_file`] names the file.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Not a plan file at all.
    #[error("not a secoda-sync plan file")]
    Parse(#[source] serde_json::Error),
    /// Written by an incompatible version.
    #[error("format version {0}, this secoda-sync reads version {FORMAT_VERSION}")]
    Version(u32),
}

impl FormatError {
    /// The same failure, naming the file the bytes came from.
    #[must_use]
    pub fn in_file(self, path: &Path) -> SavedPlanError {
        let path = path.to_owned();
        match self {
            Self::Parse(source) => SavedPlanError::Parse { path, source },
            Self::Version(found) => SavedPlanError::Version { path, found },
        }
    }
}

/// One reason a saved plan no longer applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// Planned against another API.
    BaseUrl {
        /// In the plan.
        planned: String,
        /// Now.
        current: String,
    },
    /// Planned for another environment of the config file.
    Environment {
        /// In the plan.
        planned: String,
        /// Now.
        current: String,
    },
    /// Planned against another integration.
    Integration {
        /// In the plan.
        planned: IntegrationInfo,
        /// Now.
        current: IntegrationInfo,
    },
    /// A touched resource changed since.
    Moved {
        /// The resource.
        touched: Touched,
        /// Its `updated_at` now.
        current: String,
    },
    /// A touched resource no longer exists.
    Gone(Touched),
}

impl fmt::Display for Staleness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseUrl { planned, current } => {
                write!(f, "planned against `{planned}`, now talking to `{current}`")
            }
            Self::Environment { planned, current } => {
                write!(f, "planned for environment `{planned}`, now `{current}`")
            }
            Self::Integration { planned, current } => write!(
                f,
                "planned for integration `{}` ({}), now `{}` ({})",
                planned.name, planned.id, current.name, current.id
            ),
            Self::Moved {
                touched: t,
                current,
            } => write!(
                f,
                "{} `{}` ({}) changed since the plan was made (updated_at {} -> {current})",
                t.kind, t.key, t.id, t.updated_at
            ),
            Self::Gone(t) => write!(f, "{} `{}` ({}) no longer exists", t.kind, t.key, t.id),
        }
    }
}

/// A saved plan that no longer matches the workspace; names everything that moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StaleError(pub Vec<Staleness>);

impl fmt::Display for StaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the saved plan is stale ({} {}); run `secoda-sync plan` again",
            self.0.len(),
            if self.0.len() == 1 {
                "reason"
            } else {
                "reasons"
            }
        )?;
        for s in &self.0 {
            write!(f, "\n  - {s}")?;
        }
        Ok(())
    }
}

/// Where `apply --plan` is about to write.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// The API base URL.
    pub base_url: &'a str,
    /// The integration: the one the settings name, else the plan's own as the workspace has
    /// it (an id the workspace lacks reads as another integration).
    pub integration: IntegrationInfo,
    /// The config file's environment chosen now, if one was.
    pub environment: Option<&'a str>,
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

impl SavedPlan {
    /// Wraps `plan` with what `apply --plan` checks before writing.
    #[must_use]
    pub fn new(
        plan: Plan,
        base_url: &str,
        manifests_fingerprint: String,
        options: &DiffOptions,
    ) -> Self {
        let live = plan
            .changes
            .iter()
            .filter_map(|c| {
                Some(Touched {
                    kind: c.kind,
                    key: c.key.to_string(),
                    id: c.id.clone()?,
                    updated_at: c.live_updated_at.clone().unwrap_or_default(),
                })
            })
            .collect();
        Self {
            format_version: FORMAT_VERSION,
            created_by: concat!("secoda-sync ", env!("CARGO_PKG_VERSION")).to_owned(),
            base_url: base_url.to_owned(),
            environment: None,
            integration: plan.integration.clone(),
            manifests_fingerprint,
            options: options.into(),
            managed_live: plan.managed_live,
            plan,
            live,
            fingerprint: String::new(),
        }
        .sealed()
    }

    /// The same plan, recording the config file's environment it was made in.
    #[must_use]
    pub fn in_environment(mut self, environment: Option<String>) -> Self {
        self.environment = environment;
        self.sealed()
    }

    /// The digest of everything in the file but the `fingerprint` itself: SHA-256 over its
    /// JSON, as this version writes it. An integrity check, not a signature: it catches a hand
    /// edit or a bad merge, and the other checks of `apply --plan` hold whatever it says.
    #[must_use]
    pub fn content_fingerprint(&self) -> String {
        let unsealed = Self {
            fingerprint: String::new(),
            ..self.clone()
        };
        // Serialising a plan cannot fail (every map has string keys); an empty stream would
        // only make every file look edited.
        let bytes = serde_json::to_vec(&unsealed).unwrap_or_default();
        format!("sha256:{:x}", Sha256::digest(&bytes))
    }

    /// The plan with its `fingerprint` set to its content's.
    #[must_use]
    pub fn sealed(mut self) -> Self {
        self.fingerprint = self.content_fingerprint();
        self
    }

    /// Whether the content still matches the `fingerprint` it was written with.
    #[must_use]
    pub fn is_intact(&self) -> bool {
        self.fingerprint == self.content_fingerprint()
    }

    /// The ids whose current `updated_at` [`SavedPlan::check_fresh`] needs.
    pub fn touched_ids(&self) -> impl Iterator<Item = (Kind, &Id)> {
        self.live.iter().map(|t| (t.kind, &t.id))
    }

    /// Checks that the plan still applies: same API, same integration, the same environment
    /// when both the plan and `target` name one, and every touched resource still there with
    /// the same `updated_at` (`current` = id and `updated_at` now).
    ///
    /// # Errors
    /// Every reason the plan is stale.
    pub fn check_fresh(
        &self,
        target: &Target<'_>,
        current: &[(Id, String)],
    ) -> Result<(), StaleError> {
        let mut problems = Vec::new();
        if let (Some(planned), Some(now)) = (&self.environment, target.environment) {
            if planned != now {
                problems.push(Staleness::Environment {
                    planned: planned.clone(),
                    current: now.to_owned(),
                });
            }
        }
        if !same_url(&self.base_url, target.base_url) {
            problems.push(Staleness::BaseUrl {
                planned: self.base_url.clone(),
                current: target.base_url.to_owned(),
            });
        }
        if self.integration.id != target.integration.id {
            problems.push(Staleness::Integration {
                planned: self.integration.clone(),
                current: target.integration.clone(),
            });
        }
        let now: std::collections::HashMap<&Id, &str> =
            current.iter().map(|(id, u)| (id, u.as_str())).collect();
        for t in &self.live {
            match now.get(&t.id) {
                None => problems.push(Staleness::Gone(t.clone())),
                Some(u) if *u != t.updated_at => problems.push(Staleness::Moved {
                    touched: t.clone(),
                    current: (*u).to_owned(),
                }),
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StaleError(problems))
        }
    }

    /// The plan file's bytes: pretty JSON and a final newline. The caller writes them (the
    /// commands use an atomic write, so a crash never leaves a half-written plan behind).
    ///
    /// # Errors
    /// Never in practice (every map in a plan has string keys); kept so no input can panic.
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        Ok(json)
    }

    /// Reads a plan file's bytes.
    ///
    /// # Errors
    /// When the bytes are not a plan, or have another format version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        #[derive(Deserialize)]
        struct Version {
            format_version: u32,
        }
        let v: Version = serde_json::from_slice(bytes).map_err(FormatError::Parse)?;
        if v.format_version != FORMAT_VERSION {
            return Err(FormatError::Version(v.format_version));
        }
        let mut saved: Self = serde_json::from_slice(bytes).map_err(FormatError::Parse)?;
        // Saved once, beside the plan: the plan's own copy is not serialised.
        saved.plan.managed_live = saved.managed_live;
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::sample_plan;

    fn saved() -> SavedPlan {
        let (plan, _) = sample_plan();
        let opts = DiffOptions {
            prune: true,
            targets: vec![crate::plan::Key::Category("Checkout".into())],
            ..DiffOptions::default()
        };
        SavedPlan::new(
            plan,
            "http://127.0.0.1:4010",
            "sha256:manifests".to_owned(),
            &opts,
        )
    }

    fn current(s: &SavedPlan) -> Vec<(Id, String)> {
        s.live
            .iter()
            .map(|t| (t.id.clone(), t.updated_at.clone()))
            .collect()
    }

    #[test]
    fn bytes_round_trip() {
        let s = saved();
        let bytes = s.to_bytes().unwrap();
        assert!(bytes.ends_with(b"}\n"));
        assert_eq!(SavedPlan::from_bytes(&bytes).unwrap(), s);
        assert_eq!(s.options.targets, ["Checkout"]);
        // Updates, deletes and unsupported changes carry ids; creates do not.
        assert_eq!(s.live.len(), 5);
    }

    #[test]
    fn from_bytes_rejects_other_versions_and_non_plans() {
        let path = Path::new("plan.json");
        let err = SavedPlan::from_bytes(br#"{"format_version": 2}"#).unwrap_err();
        assert_eq!(
            err.in_file(path).to_string(),
            "plan file `plan.json` has format version 2, this secoda-sync reads version 1: \
             re-run `secoda-sync plan --out`"
        );
        let err = SavedPlan::from_bytes(b"[]").unwrap_err().in_file(path);
        assert!(matches!(err, SavedPlanError::Parse { .. }));
        assert_eq!(
            err.to_string(),
            "`plan.json` is not a secoda-sync plan file"
        );
        let missing = SavedPlanError::io("read", path, std::io::ErrorKind::NotFound.into());
        assert!(missing.to_string().starts_with("failed to read plan file"));
    }

    #[test]
    fn fresh_plan_passes_and_stale_plan_names_everything_that_moved() {
        let s = saved();
        let mut now = current(&s);
        let same = Target {
            base_url: "http://127.0.0.1:4010/",
            integration: s.integration.clone(),
            environment: Some("staging"),
        };
        assert_eq!(s.check_fresh(&same, &now), Ok(()));
        let s = s.in_environment(Some("staging".to_owned()));
        assert!(s.is_intact());
        assert_eq!(s.check_fresh(&same, &now), Ok(()));

        now[0].1 = "2026-02-02T00:00:00Z".into();
        let gone = now.pop().unwrap();
        let other = Target {
            base_url: "https://api.secoda.co",
            integration: IntegrationInfo {
                id: Id("other".into()),
                name: "Mobile".into(),
            },
            environment: Some("production"),
        };
        let err = s.check_fresh(&other, &now).unwrap_err();
        assert_eq!(err.0.len(), 5);
        let msg = err.to_string();
        assert!(
            msg.starts_with("the saved plan is stale (5 reasons)"),
            "{msg}"
        );
        assert!(msg.contains("planned for environment `staging`, now `production`"));
        assert!(msg.contains("now `Mobile` (other)"), "{msg}");
        assert!(msg.contains("planned against `http://127.0.0.1:4010`"));
        assert!(msg.contains("changed since the plan was made"));
        assert!(msg.contains(&format!("({}) no longer exists", gone.0)));
    }

    #[test]
    fn a_written_plan_is_intact_and_any_edit_of_its_content_is_not() {
        let s = saved();
        assert!(s.is_intact());
        let back = SavedPlan::from_bytes(&s.to_bytes().unwrap()).unwrap();
        assert!(back.is_intact(), "a round trip keeps the fingerprint");
        let mut edited = back.clone();
        edited.plan.changes[0].label.push('!');
        assert!(!edited.is_intact());
        let mut edited = back;
        edited.live[0].id = Id("other".into());
        assert!(!edited.is_intact());
        assert!(edited.sealed().is_intact());
    }

    #[test]
    fn a_value_no_field_holds_fails_the_read_naming_the_field_and_a_reread_plan_writes_the_same_bytes(
    ) {
        let bytes = saved().to_bytes().unwrap();
        let again = SavedPlan::from_bytes(&bytes).unwrap().to_bytes().unwrap();
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(bytes.clone()).unwrap()
        );
        let mut doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let field = doc["plan"]["changes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find_map(|c| c["fields"].as_array_mut().filter(|f| !f.is_empty()))
            .map(|f| &mut f[0])
            .unwrap();
        let name = field["name"].as_str().unwrap().to_owned();
        field["after"] = serde_json::json!([1]);
        let err = SavedPlan::from_bytes(&serde_json::to_vec(&doc).unwrap())
            .unwrap_err()
            .in_file(Path::new("plan.json"));
        assert_eq!(
            err.to_string(),
            "`plan.json` is not a secoda-sync plan file"
        );
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(
            cause.starts_with(&format!(
                "field `{name}`: [1] is not a value any field of that name holds"
            )),
            "{cause}"
        );
    }
}
