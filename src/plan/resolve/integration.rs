//! The integration the manifests are for, by name or id.

use super::error::{Problem, ResolveError};
use super::matching::resolve_named;
use super::Resolver;
use crate::api::Id;
use crate::manifest::{IntegrationRef, ManifestSet};
use crate::plan::IntegrationInfo;

impl Resolver<'_> {
    pub(super) fn integration(&mut self, set: &ManifestSet) -> Option<IntegrationInfo> {
        let origin = set
            .categories
            .first()
            .map(|c| &c.origin)
            .or_else(|| set.monitors.first().map(|m| &m.origin))
            .cloned();
        let all = &self.lookups.integrations;
        let err = |name: &str, problem| ResolveError {
            origin: origin.clone(),
            item: "manifests".to_owned(),
            field: "integration",
            name: name.to_owned(),
            problem,
        };
        match &set.integration {
            None => {
                self.errors.push(err("", Problem::Missing));
                None
            }
            Some(IntegrationRef::Id(id)) => {
                let id = Id(id.clone());
                let name = all
                    .iter()
                    .find(|i| i.id == id)
                    .map_or_else(|| id.0.clone(), |i| i.name.clone());
                Some(IntegrationInfo { id, name })
            }
            Some(IntegrationRef::Name(name)) => {
                match resolve_named(name, all.iter().map(|i| (i.name.as_str(), &i.id)), true) {
                    Ok(id) => {
                        let name = all
                            .iter()
                            .find(|i| i.id == id)
                            .map_or_else(|| name.clone(), |i| i.name.clone());
                        Some(IntegrationInfo { id, name })
                    }
                    Err(p) => {
                        self.errors.push(err(name, p));
                        None
                    }
                }
            }
        }
    }
}
