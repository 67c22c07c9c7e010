//! Planning options `plan` and `apply` share, and the diff options they describe.

use super::PropertyTypesArgs;
use crate::pipeline::Checks;
use crate::plan::{AllowUsed, DiffOptions, Key, UsedDeletes};
use clap::Args;

/// Planning options `plan` and `apply` share.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Planning")]
pub struct PlanningArgs {
    /// Delete events and properties under declared categories and events that no manifest
    /// lists (monitors: disable, or delete with --monitors-delete).
    #[arg(long)]
    pub prune: bool,
    /// Limit the plan to a subtree: `Category`, `Category/Event` or `Category/Event/property`
    /// (repeatable).
    #[arg(long, value_name = "KEY", value_parser = Key::parse_path)]
    pub target: Vec<Key>,
    /// Leave a subtree out of the plan, as `--target` names it (repeatable): "everything but
    /// this".
    #[arg(long, value_name = "KEY", value_parser = Key::parse_path)]
    pub exclude: Vec<Key>,
    /// Tag (name or id) added to everything created; --prune then deletes only resources
    /// carrying it.
    #[arg(long, value_name = "TAG")]
    pub owner_tag: Option<String>,
    /// Refuse to apply deletes that remove more than this many resources (an event delete
    /// counts its properties).
    #[arg(long, value_name = "N", default_value_t = crate::plan::MAX_DELETES,
          value_parser = super::numbers::count)]
    pub max_deletes: usize,
    /// Refuse to apply deletes that remove more than this percentage (0 to 100) of the managed
    /// live resources.
    #[arg(long, value_name = "P", default_value_t = crate::plan::MAX_DELETE_PERCENT,
          value_parser = super::numbers::percent)]
    pub max_delete_percent: f64,
    /// Prune monitors by deleting them instead of disabling them.
    #[arg(long)]
    pub monitors_delete: bool,
    /// Let deletes of used resources through the `no-delete-used` rule: alone, all of them;
    /// `--allow-used-deletes=KEY` (repeatable), those under KEY. The `=` is required, so a
    /// manifest path after the flag stays a path.
    #[arg(long, value_name = "KEY", num_args = 0..=1, require_equals = true,
          action = clap::ArgAction::Append, value_parser = Key::parse_path)]
    pub allow_used_deletes: Option<Vec<Key>>,
    /// Compare again the fields an earlier apply found the workspace does not keep (recorded
    /// in the workspace, normally left out of plans); an apply with it rewrites that record
    /// from what its answers show.
    #[arg(long)]
    pub recheck_fields: bool,
    /// Create categories and events even beside a live one whose title differs only in case or
    /// Unicode form (`checkout` beside `Checkout`); without it such a plan is refused, since
    /// categories cannot be deleted through the API.
    #[arg(long)]
    pub allow_case_twins: bool,
}

impl PlanningArgs {
    /// The plan checks these flags relax.
    #[must_use]
    pub fn checks(&self) -> Checks {
        Checks {
            allow_case_twins: self.allow_case_twins,
        }
    }

    /// The diff options these flags and `--property-types` describe (`owner_tag` is resolved
    /// by the pipeline).
    #[must_use]
    pub fn diff_options(&self, types: PropertyTypesArgs) -> DiffOptions {
        DiffOptions {
            prune: self.prune,
            owner_tag: None,
            targets: self.target.clone(),
            excludes: self.exclude.clone(),
            max_deletes: self.max_deletes,
            max_delete_percent: self.max_delete_percent,
            monitors_delete: self.monitors_delete,
            used_deletes: UsedDeletes {
                // The manifests' `no-delete-used` level fills this in (the pipeline).
                min_usage: None,
                allow: AllowUsed::from_flag(self.allow_used_deletes.clone()),
            },
            recheck_fields: self.recheck_fields,
            property_types: types.into(),
        }
    }
}
