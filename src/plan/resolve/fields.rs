//! The tracking plan's name fields (every list of names in `manifest::fields`' table, and a
//! category's `teams`): each name in them becomes an id, walking categories, events and
//! properties.

use super::error::{Problem, ResolveError};
use super::matching::{as_uuid, resolve_named, resolve_user};
use super::Resolver;
use crate::api::Id;
use crate::manifest::{Category, Event, NameSet, Origin, Property, ResourceFields};
use crate::plan::desired::{
    CategoryIdFields, DesiredCategory, DesiredEvent, DesiredProperty, Fields, IdSet, LeftOutOwner,
};
use std::convert::Infallible;

impl Resolver<'_> {
    pub(super) fn category(&mut self, c: &Category) -> DesiredCategory {
        let item = format!("category `{}`", c.title);
        let resolved: Result<CategoryIdFields, Infallible> = c
            .fields
            .map_sets(|field, _, names| Ok(self.set(Some(names), field, &item, &c.origin)));
        let fields = match resolved {
            Ok(fields) => fields,
            Err(never) => match never {},
        };
        DesiredCategory {
            title: c.title.clone(),
            fields,
            protect: c.protect,
            events: c.events.iter().map(|e| self.event(&c.title, e)).collect(),
            origin: c.origin.clone(),
        }
    }

    fn event(&mut self, category: &str, e: &Event) -> DesiredEvent {
        let item = format!("event `{category}/{}`", e.title);
        DesiredEvent {
            title: e.title.clone(),
            fields: self.fields(&e.fields, &item, &e.origin),
            protect: e.protect,
            renamed_from: e.renamed_from.clone(),
            properties: e
                .properties
                .iter()
                .map(|p| self.property(category, &e.title, p))
                .collect(),
            origin: e.origin.clone(),
        }
    }

    fn property(&mut self, category: &str, event: &str, p: &Property) -> DesiredProperty {
        let item = format!("property `{category}/{event}/{}`", p.title);
        DesiredProperty {
            title: p.title.clone(),
            fields: self.fields(&p.fields, &item, &p.origin),
            tracking: p.tracking.clone(),
            protect: p.protect,
            renamed_from: p.renamed_from.clone(),
            origin: p.origin.clone(),
        }
    }

    fn fields(&mut self, f: &ResourceFields, item: &str, origin: &Origin) -> Fields {
        let from_vendor = f.owners.is_some() && self.vendor_files.contains(&origin.file);
        let vendor_fields;
        let f = if from_vendor {
            vendor_fields = self.vendor_owners(f, item, origin);
            &vendor_fields
        } else {
            f
        };
        let resolved: Result<Fields, Infallible> =
            f.map_sets(|field, _, names| Ok(self.set(Some(names), field, item, origin)));
        match resolved {
            Ok(fields) => fields,
            Err(never) => match never {},
        }
    }

    /// A vendor export's owners as a migration reads them: one that names no user but a team
    /// moves to `teams` (Avo's `Owner` is often a team), one that names neither is left out
    /// and recorded. An ambiguous user stays, to fail as anywhere else: picking one would be a
    /// guess. When every owner is left out, `owners` stays unmanaged rather than cleared.
    fn vendor_owners(&mut self, f: &ResourceFields, item: &str, origin: &Origin) -> ResourceFields {
        let mut out = f.clone();
        let Some(owners) = out.owners.take() else {
            return out;
        };
        let mut kept = NameSet::new();
        let mut left_out = 0;
        for name in owners {
            let trimmed = name.trim();
            let user =
                as_uuid(trimmed).map_or_else(|| resolve_user(trimmed, &self.lookups.users), Ok);
            if matches!(user, Ok(_) | Err(Problem::Ambiguous(_))) {
                kept.insert(name);
            } else if self.one("teams", trimmed).is_ok() {
                out.teams.get_or_insert_with(NameSet::new).insert(name);
            } else {
                left_out += 1;
                self.left_out_owners.push(LeftOutOwner {
                    item: item.to_owned(),
                    name: trimmed.to_owned(),
                    origin: origin.clone(),
                });
            }
        }
        out.owners = (!kept.is_empty() || left_out == 0).then_some(kept);
        out
    }

    fn set(
        &mut self,
        names: Option<&NameSet>,
        field: &'static str,
        item: &str,
        origin: &Origin,
    ) -> Option<IdSet> {
        let names = names?;
        let mut ids = IdSet::new();
        for name in names {
            let name = name.trim();
            match self.one(field, name) {
                Ok(id) => {
                    ids.insert(id);
                }
                Err(problem) => self.errors.push(ResolveError {
                    origin: Some(origin.clone()),
                    item: item.to_owned(),
                    field,
                    name: name.to_owned(),
                    problem,
                }),
            }
        }
        Some(ids)
    }

    pub(super) fn one(&self, field: &str, name: &str) -> Result<Id, Problem> {
        if let Some(id) = as_uuid(name) {
            return Ok(id);
        }
        let l = self.lookups;
        match field {
            "teams" => resolve_named(name, l.teams.iter().map(|t| (t.name.as_str(), &t.id)), true),
            "tags" => {
                let found =
                    resolve_named(name, l.tags.iter().map(|t| (t.name.as_str(), &t.id)), true);
                match found {
                    Err(Problem::Unknown { .. })
                        if self.declared_tags.iter().any(|t| t.name == name) =>
                    {
                        Ok(Id::pending_tag(name))
                    }
                    other => other,
                }
            }
            "collections" => resolve_named(
                name,
                l.collections.iter().map(|c| (c.title.as_str(), &c.id)),
                false,
            ),
            _ => resolve_user(name, &l.users),
        }
    }
}
