//! The workspace's named objects a resolve runs against, and single-name look-ups over them.

use super::error::{Problem, ResolveError};
use super::matching::{resolve_named, user_label};
use super::Resolver;
use crate::api::{self, Id};
use crate::plan::desired::Names;
use std::collections::HashMap;

/// The workspace's named objects, fetched by the caller before resolving.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// Every integration.
    pub integrations: Vec<api::Integration>,
    /// Every team.
    pub teams: Vec<api::Team>,
    /// Every tag.
    pub tags: Vec<api::Tag>,
    /// Every user.
    pub users: Vec<api::User>,
    /// Every collection.
    pub collections: Vec<api::Collection>,
    /// Catalog resources by `title_full`; holds at least the paths
    /// [`target_paths`](super::target_paths) names (more entries give better "did you mean"
    /// hints).
    pub targets: HashMap<String, Vec<api::Resource>>,
}

impl Lookups {
    /// Indexes catalog resources (tables, columns) by their `title_full` path. A resource read
    /// twice (named by path and by id, or a near miss of another path) is indexed once, so it
    /// cannot make its path look ambiguous.
    pub fn add_catalog(&mut self, resources: impl IntoIterator<Item = api::Resource>) {
        for r in resources {
            let at = self.targets.entry(r.title_full.clone()).or_default();
            if !at.iter().any(|x| x.id == r.id) {
                at.push(r);
            }
        }
    }

    /// The reverse map id -> display name over everything known.
    #[must_use]
    pub fn names(&self) -> Names {
        let mut names = Names::new();
        for i in &self.integrations {
            names.insert(i.id.clone(), i.name.clone());
        }
        for t in &self.teams {
            names.insert(t.id.clone(), t.name.clone());
        }
        for t in &self.tags {
            names.insert(t.id.clone(), t.name.clone());
        }
        for u in &self.users {
            names.insert(u.id.clone(), user_label(u).to_owned());
        }
        for c in &self.collections {
            names.insert(c.id.clone(), c.title.clone());
        }
        for (path, rs) in &self.targets {
            for r in rs {
                names.insert(r.id.clone(), path.clone());
            }
        }
        names
    }

    /// Resolves one name the way a manifest's would be in `field` (a list of names in
    /// `manifest::fields`' table, or `target`); `export` uses it to write only names that
    /// resolve back to the same id.
    ///
    /// # Errors
    /// When the name is unknown or ambiguous.
    pub fn resolve_name(&self, field: &str, name: &str) -> Result<Id, Problem> {
        let r = Resolver {
            lookups: self,
            errors: Vec::new(),
            vendor_files: &[],
            declared_tags: &[],
            left_out_owners: Vec::new(),
        };
        if field == "target" {
            r.target(name)
        } else {
            r.one(field, name)
        }
    }

    /// Resolves a tag given on the command line (`--owner-tag`) by name or id.
    ///
    /// # Errors
    /// When no tag or several tags carry that name.
    pub fn tag_id(&self, name: &str) -> Result<Id, Box<ResolveError>> {
        let name = name.trim();
        resolve_named(
            name,
            self.tags.iter().map(|t| (t.name.as_str(), &t.id)),
            true,
        )
        .map_err(|problem| {
            Box::new(ResolveError {
                origin: None,
                item: "--owner-tag".to_owned(),
                field: "tags",
                name: name.to_owned(),
                problem,
            })
        })
    }
}
