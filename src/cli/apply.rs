//! `secoda-sync apply` arguments.

use super::{ConnectionArgs, ManifestArgs, PlanningArgs};
use crate::plan::resolve::Names;
use crate::plan::saved::SavedOptions;
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  secoda-sync apply --sandbox --auto-approve examples/ecommerce/
  secoda-sync apply manifests/                      # asks `Apply these N changes? [y/N]`
  secoda-sync apply manifests/ --prune --auto-approve --max-deletes 50
  secoda-sync apply --plan plan.json --auto-approve # exactly a plan saved with `plan --out`
  secoda-sync apply manifests/ --auto-approve --run-monitors   # then run what changed
  secoda-sync apply manifests/ --auto-approve --strict  # exit 1 if Secoda drops a field

Ctrl-C (or SIGTERM) stops starting new calls and lets the ones in flight finish; a second
abandons them. Re-running apply finishes the job without duplicates.

Exit codes:
  0    every change made (or nothing to do)
  1    invalid input, refused (safety cap, no-delete-used, stale plan, no confirmation),
       a failed change, property writes held back because Secoda refused or did not keep
       a tracking field (hint: --property-types definition), a --run-monitors run that
       could not be started, or with --strict a field Secoda did not keep
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM): handled as the first Ctrl-C, reported and saved";

/// Make the workspace match the manifests: plans, shows the plan, asks for confirmation on a
/// terminal (elsewhere `--auto-approve` is required), then writes, one call per change.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// Apply a plan saved with `plan --out` exactly; refuses it whole, before any write, if
    /// anything it touches moved, if it was edited (its fingerprint), or if its deletes are
    /// over `--max-deletes` / `--max-delete-percent` (typed here, else the environment or the
    /// config file, else the defaults; live cascades counted). Refuses the flags that would
    /// change what it does (the other planning flags and the manifest flags); the config file's
    /// `prune`, `owner_tag`, `monitors_delete` and `property_types` give way to what the plan
    /// records.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "paths",
        help_heading = "Apply"
    )]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long, help_heading = "Apply")]
    pub auto_approve: bool,
    /// Print the result as JSON on stdout (each change with its status and id, the fields not
    /// kept, and whether the workspace's record of them was written; schema:
    /// schemas/apply.schema.json); the plan goes to stderr.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// After the apply, run the monitors it created or changed (not disabled, deleted or
    /// failed ones) and print the job id.
    #[arg(long, help_heading = "Apply")]
    pub run_monitors: bool,
    /// Exit 1 when Secoda accepted a write but its answer did not keep a field sent (the
    /// read-back check; listed as `not_kept` in `--json`).
    #[arg(long, help_heading = "Apply")]
    pub strict: bool,
    #[command(flatten)]
    pub lock: LockArgs,
    /// What the settings resolution set aside for `--plan` (not a flag).
    #[arg(skip)]
    pub saved: SavedPlanSettings,
}

/// The config file's values that `apply --plan` does not use because the saved plan decides
/// them, filled in by the settings resolution (`cli::layered`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedPlanSettings {
    /// `prune`, as the file sets it.
    pub prune: Option<bool>,
    /// `owner_tag`, as the file sets it.
    pub owner_tag: Option<String>,
    /// `monitors_delete`, as the file sets it.
    pub monitors_delete: Option<bool>,
    /// `property_types`, as the file sets it.
    pub property_types: Option<super::PropertyTypes>,
    /// `integration`, as the file sets it: unlike the others, a plan made for another
    /// integration is refused (it is another environment's plan), not applied.
    pub integration: Option<String>,
}

impl SavedPlanSettings {
    /// The values set aside that differ from what the saved plan records (`options`), as
    /// `key = value` with the plan's own; a tag agrees by id or by name (`names`). A plan
    /// saved before it recorded `property_types` is not compared on it.
    #[must_use]
    pub fn differences(&self, options: &SavedOptions, names: &Names) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.prune.filter(|p| *p != options.prune) {
            out.push(format!("prune = {p} (the plan: {})", options.prune));
        }
        if let Some(tag) = &self.owner_tag {
            let agrees = options
                .owner_tag
                .as_ref()
                .is_some_and(|id| id.0 == *tag || names.get(id) == Some(tag));
            if !agrees {
                let planned = options
                    .owner_tag
                    .as_ref()
                    .map_or("none", |id| names.get(id).unwrap_or(&id.0));
                out.push(format!("owner_tag = \"{tag}\" (the plan: {planned})"));
            }
        }
        if let Some(m) = self
            .monitors_delete
            .filter(|m| *m != options.monitors_delete)
        {
            out.push(format!(
                "monitors_delete = {m} (the plan: {})",
                options.monitors_delete
            ));
        }
        if let (Some(t), Some(planned)) = (self.property_types, options.property_types) {
            if t != planned {
                let name = |p| format!("{p:?}").to_lowercase();
                out.push(format!(
                    "property_types = \"{}\" (the plan: {})",
                    name(t),
                    name(planned)
                ));
            }
        }
        out
    }
}

/// The apply lease: one apply per integration at a time.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Apply")]
pub struct LockArgs {
    /// How long to wait for another apply's lease on the integration to go: `0` (fail at
    /// once), `90s`, `10m`, `1h`; at most `24h`.
    #[arg(long, value_name = "DURATION", default_value = "0",
          value_parser = super::numbers::lock_timeout)]
    pub lock_timeout: std::time::Duration,
    /// Take no lease (another apply may then run at the same time; creates still adopt twins).
    #[arg(long, conflicts_with = "lock_timeout")]
    pub no_lock: bool,
    /// How long a lease lives unless renewed (for tests; default 5m).
    #[arg(long, hide = true, env = "SECODA_LEASE_TTL", value_name = "DURATION",
          value_parser = super::numbers::lock_timeout)]
    pub lease_ttl: Option<std::time::Duration>,
    /// How often the holder renews its lease (for tests; default 2m).
    #[arg(long, hide = true, env = "SECODA_LEASE_RENEW_EVERY", value_name = "DURATION",
          value_parser = super::numbers::lock_timeout)]
    pub lease_renew_every: Option<std::time::Duration>,
}

impl LockArgs {
    /// The lease timings these flags (or their environment variables) set, over the
    /// defaults: `(time to live, renewal interval)`.
    #[must_use]
    pub fn lease_timings(&self) -> (std::time::Duration, std::time::Duration) {
        (
            self.lease_ttl.unwrap_or(crate::apply::lease::TTL),
            self.lease_renew_every
                .unwrap_or(crate::apply::lease::RENEW_EVERY),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Id;

    #[test]
    fn only_the_file_values_that_differ_from_the_saved_plan_are_named() {
        let options = SavedOptions {
            prune: false,
            owner_tag: Some(Id::from("t-1")),
            targets: Vec::new(),
            excludes: Vec::new(),
            monitors_delete: false,
            property_types: Some(crate::manifest::PropertyTypes::Native),
        };
        let names: Names = [(Id::from("t-1"), "secoda-sync".to_owned())].into();
        let agree = SavedPlanSettings {
            prune: Some(false),
            owner_tag: Some("secoda-sync".into()),
            monitors_delete: Some(false),
            property_types: Some(super::super::PropertyTypes::Native),
            integration: None,
        };
        assert!(agree.differences(&options, &names).is_empty());
        let by_id = SavedPlanSettings {
            owner_tag: Some("t-1".into()),
            ..SavedPlanSettings::default()
        };
        assert!(by_id.differences(&options, &names).is_empty());
        let differ = SavedPlanSettings {
            prune: Some(true),
            owner_tag: Some("other".into()),
            monitors_delete: None,
            property_types: Some(super::super::PropertyTypes::Definition),
            integration: Some("Amplitude".into()),
        };
        assert_eq!(
            differ.differences(&options, &names),
            [
                "prune = true (the plan: false)",
                "owner_tag = \"other\" (the plan: secoda-sync)",
                "property_types = \"definition\" (the plan: native)",
            ]
        );
    }
}
