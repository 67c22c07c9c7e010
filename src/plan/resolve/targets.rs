//! Monitor targets: catalog paths (`analytics.public.orders`) or UUIDs -> table and column ids.

use super::error::{Problem, ResolveError};
use super::matching::{as_uuid, unknown};
use super::Resolver;
use crate::api::Id;
use crate::manifest::{ManifestSet, Monitor};
use crate::plan::desired::DesiredMonitor;
use std::collections::BTreeSet;

/// The catalog paths (non-UUID monitor targets) the caller must put into
/// [`Lookups::targets`](super::Lookups::targets).
#[must_use]
pub(crate) fn target_paths(set: &ManifestSet) -> Vec<String> {
    let paths: BTreeSet<String> = set
        .monitors
        .iter()
        .filter_map(|m| m.target.as_deref())
        .map(str::trim)
        .filter(|t| as_uuid(t).is_none())
        .map(str::to_owned)
        .collect();
    paths.into_iter().collect()
}

/// The monitor targets `set` gives as UUIDs; the caller reads their catalog entries into
/// [`Lookups::targets`](super::Lookups::targets) so plans can show the target's title instead
/// of its id.
#[must_use]
pub(crate) fn target_ids(set: &ManifestSet) -> Vec<Id> {
    let ids: BTreeSet<Id> = set
        .monitors
        .iter()
        .filter_map(|m| m.target.as_deref())
        .filter_map(|t| as_uuid(t.trim()))
        .collect();
    ids.into_iter().collect()
}

impl Resolver<'_> {
    pub(super) fn monitor(&mut self, m: &Monitor) -> Option<DesiredMonitor> {
        let item = format!("monitor `{}`", m.label());
        let err = |field, name: &str, problem| ResolveError {
            origin: Some(m.origin.clone()),
            item: item.clone(),
            field,
            name: name.to_owned(),
            problem,
        };
        let target = match m.target.as_deref().map(str::trim) {
            None | Some("") => Err(err("target", "", Problem::Missing)),
            Some(t) => self.target(t).map_err(|p| err("target", t, p)),
        };
        let metric_type = match m.metric_type.as_deref().map(str::trim) {
            None | Some("") => Err(err("metric_type", "", Problem::Missing)),
            Some(t) => Ok(t.to_owned()),
        };
        match (target, metric_type) {
            (Ok(target), Ok(metric_type)) => Some(DesiredMonitor {
                name: m.name.trim().to_owned(),
                target,
                metric_type,
                metric_config: m.metric_config.clone(),
                is_enabled: m.is_enabled,
                thresholds: m.thresholds.clone(),
                schedule: m.schedule.clone(),
                protect: m.protect,
                origin: m.origin.clone(),
            }),
            (t, mt) => {
                self.errors.extend(t.err());
                self.errors.extend(mt.err());
                None
            }
        }
    }

    pub(super) fn target(&self, path: &str) -> Result<Id, Problem> {
        if let Some(id) = as_uuid(path) {
            return Ok(id);
        }
        match self.lookups.targets.get(path).map(Vec::as_slice) {
            Some([one]) => Ok(one.id.clone()),
            Some(many @ [_, _, ..]) => Err(Problem::Ambiguous(
                many.iter()
                    .map(|r| format!("{} ({})", r.id, r.entity_type))
                    .collect(),
            )),
            _ => {
                let known = self
                    .lookups
                    .targets
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, _)| k.as_str());
                Err(unknown(path, known))
            }
        }
    }
}
