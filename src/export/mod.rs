//! Export: the live workspace read back into a [`ManifestSet`], so that a team whose workspace
//! already holds events can start managing it from git (`load(export(live)) == live`, and the
//! export plans to no changes).
//!
//! Rules, in one place:
//! - ids become names only when the name resolves back to the same id the way a manifest's
//!   name would (teams and tags by name, users by email then display name, collections by
//!   title, monitor targets by catalog `title_full`); anything else stays the UUID;
//! - text and lists the server holds empty (`""`, whitespace only, `[]`, `null`) are left out,
//!   so the export manages only what is set;
//! - `pii`, `verified` and `published` are always written: the API cannot tell `false` from
//!   unset, and `false` is a real value worth keeping in git; `is_required` and
//!   `is_array_type` are written when the server holds a value (`false` included);
//! - live duplicates are resolved the way the diff resolves them (the first in list order
//!   wins) and archived resources are skipped; each such choice is reported as a warning.
//!
//! Memory: events and properties are converted to the manifest model as each page arrives,
//! so no raw page or wire [`Resource`] outlives its page.

mod read;
mod tree;

use crate::api::{self, ApiError, Client, Id, ListFilter, Resource};
use crate::manifest::{Category, IntegrationRef, ManifestSet, Origin, PropertyTypes, Tag};
use crate::plan::naming::{integration_ref, Namer};
use crate::plan::resolve::{quoted, resolve, ResolveError};
use crate::workspace::fetch_lookups;
use futures::TryStreamExt;
use read::catalog_of;
use std::collections::BTreeSet;
use std::sync::Arc;
use tree::{first_per_key, unique_names, Tree};

/// What to export and how.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The integration whose tracking plan is exported.
    pub integration: IntegrationRef,
    /// Only these category titles (empty = all).
    pub categories: Vec<String>,
    /// Also export the workspace's monitors.
    pub include_monitors: bool,
    /// Names holding `,` or `;` are written as ids (CSV list cells split on both).
    pub list_safe: bool,
    /// Catalog lookups in flight at once.
    pub concurrency: usize,
    /// Where the properties' tracking-plan fields are read from (`--property-types`).
    pub property_types: PropertyTypes,
}

/// An exported manifest set and what could not be carried over faithfully.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The workspace as manifests.
    pub set: ManifestSet,
    /// One line per skipped or altered item, for stderr.
    pub warnings: Vec<String>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A call to the API failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `--integration` names no integration, or several.
    #[error(transparent)]
    Integration(Box<ResolveError>),
    /// `--category` names categories the integration does not have.
    #[error(
        "unknown category {}; the integration has: {}",
        quoted(unknown),
        known_list(known)
    )]
    UnknownCategories {
        /// The titles given that do not exist.
        unknown: Vec<String>,
        /// The categories that do exist, sorted.
        known: Vec<String>,
    },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "no categories".to_owned()
    } else {
        quoted(known)
    }
}

/// The workspace's tags the exported resources name, as the workspace has them (an empty
/// colour or description is left unmanaged), so the export declares what it uses.
fn used_tags(categories: &[Category], live: &[api::Tag], origin: &Origin) -> Vec<Tag> {
    let used: BTreeSet<&str> = categories
        .iter()
        .flat_map(|c| &c.events)
        .flat_map(|e| std::iter::once(&e.fields).chain(e.properties.iter().map(|p| &p.fields)))
        .filter_map(|f| f.tags.as_ref())
        .flatten()
        .map(String::as_str)
        .collect();
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut seen = BTreeSet::new();
    // Two live tags of one name are named by id, never declared twice.
    live.iter()
        .filter(|t| used.contains(t.name.as_str()) && seen.insert(t.name.as_str()))
        .map(|t| Tag {
            name: t.name.clone(),
            color: text(&t.color),
            description: text(&t.description),
            origin: origin.clone(),
        })
        .collect()
}

/// Reads the integration's tracking plan (and, with `include_monitors`, every monitor of the
/// workspace: monitors watch warehouse tables, not the event integration) as a manifest set.
///
/// # Errors
/// A failed API call, an unknown integration or unknown `--category` titles.
pub async fn export(client: &Client, opts: &ExportOptions) -> Result<Exported, ExportError> {
    let mut lookups = fetch_lookups(client, &ManifestSet::default(), opts.concurrency).await?;
    let wanted = ManifestSet {
        vendor_files: Vec::new(),
        integration: Some(opts.integration.clone()),
        ..ManifestSet::default()
    };
    let info = match resolve(&wanted, &lookups) {
        Ok(r) => r.integration,
        Err(mut errors) => {
            let mut e = errors.remove(0);
            e.item = "--integration".to_owned();
            e.origin = None;
            return Err(ExportError::Integration(Box::new(e)));
        }
    };
    let by_integration = ListFilter {
        integration_id: Some(info.id.clone()),
        ..ListFilter::default()
    };
    let monitors = async {
        if opts.include_monitors {
            client.list_monitors().try_collect().await
        } else {
            Ok(Vec::new())
        }
    };
    let (categories, monitors): (Vec<Resource>, Vec<api::Monitor>) = tokio::try_join!(
        client.list_categories(&by_integration).try_collect(),
        monitors,
    )?;
    // The lease category is the tool's own; its lease events go with it (as orphans).
    let categories: Vec<Resource> = categories
        .into_iter()
        .filter(|c| !crate::plan::reserved::is_lease_home(c))
        .collect();
    let targets: Vec<Id> = monitors
        .iter()
        .filter_map(|m| m.target.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut notes = Vec::new();
    if !targets.is_empty() {
        match catalog_of(client, &targets, opts.concurrency).await {
            Ok(found) => lookups.add_catalog(found),
            // A catalog that cannot be filtered by id costs the paths, not the export: a UUID
            // target plans just as well.
            Err(e) => notes.push(format!(
                "could not read the catalog ({e}); monitor targets are written as ids"
            )),
        }
    }
    let namer = Namer::new(&lookups, opts.list_safe);
    let origin = Origin {
        file: Arc::from(format!("export of {}", info.name)),
        line: 0,
        column: 0,
    };
    let mut tree = Tree::new(origin.clone(), opts.property_types);
    tree.categories(&categories, &namer, &opts.categories)?;
    drop(categories);
    // Events and properties are converted as each page arrives; no wire resource is kept.
    let mut events = std::pin::pin!(client.list_events(&by_integration));
    while let Some(r) = events.try_next().await? {
        tree.event(&r, &namer);
    }
    let mut properties = std::pin::pin!(client.list_properties(&by_integration));
    while let Some(r) = properties.try_next().await? {
        tree.property(&r, &namer);
    }
    let (categories, tree_warnings) = tree.finish();
    let mut warnings = notes;
    warnings.extend(tree_warnings);
    let mut exported = Vec::with_capacity(monitors.len());
    for m in first_per_key(&monitors, &mut warnings) {
        match namer.monitor(m, &origin, &mut warnings) {
            Ok(m) => exported.push(m),
            Err(w) => warnings.push(w),
        }
    }
    let monitors = unique_names(exported, &mut warnings);
    let tags = used_tags(&categories, &lookups.tags, &origin);
    Ok(Exported {
        set: ManifestSet {
            vendor_files: Vec::new(),
            integration: Some(integration_ref(&info, &lookups)),
            categories,
            monitors,
            tags,
        },
        warnings,
    })
}
