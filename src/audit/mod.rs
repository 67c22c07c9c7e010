//! `audit`: the tracking-plan rules run over a live integration instead of manifests (read
//! only), each finding naming the resource's key and Secoda id, with counts per rule and a score.

mod render;

pub(crate) use render::{render, Format};

use crate::api::{ApiError, Client, Id, Resource};
use crate::manifest::rules::{check, RuleId, Rules};
use crate::manifest::{Category, Event, IntegrationRef, ManifestSet, Origin, Severity};
use crate::plan::naming::Namer;
use crate::plan::resolve::{resolve, ResolveError};
use crate::workspace::{fetch_lookups, read_live};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuditError {
    /// A call to the API failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// `--integration` names no integration, or several.
    #[error(transparent)]
    Integration(Box<ResolveError>),
}

/// What to audit and how.
#[derive(Debug, Clone)]
pub(crate) struct AuditOptions {
    /// The integration audited.
    pub integration: IntegrationRef,
    /// The rules run (a set without `rules:` gets the defaults).
    pub rules: Rules,
    /// Lookups in flight at once.
    pub concurrency: usize,
}

/// One finding on a live resource.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AuditFinding {
    /// Error or warning.
    pub severity: Severity,
    /// The rule id.
    pub rule: &'static str,
    /// The resource's key (`Checkout/Order Completed/order_id`).
    pub key: String,
    /// Its Secoda id.
    pub id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The expected form, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Findings of one rule.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RuleCount {
    /// The rule id.
    pub rule: &'static str,
    /// How many findings it made.
    pub findings: usize,
}

/// The audit of one integration.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Audit {
    /// The integration's name.
    pub integration: String,
    /// Categories, events and properties read.
    pub resources: usize,
    /// Resources without any finding.
    pub clean: usize,
    /// Share of resources without findings, 0..=100.
    pub score: f64,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Findings per rule that is on, in rule order.
    pub rules: Vec<RuleCount>,
    /// Every finding.
    pub findings: Vec<AuditFinding>,
}

/// Reads the integration and runs the rules over it.
///
/// # Errors
/// A failed API call, or an integration that does not resolve.
pub(crate) async fn audit(client: &Client, opts: &AuditOptions) -> Result<Audit, AuditError> {
    let lookups = fetch_lookups(client, &ManifestSet::default(), opts.concurrency).await?;
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
            return Err(AuditError::Integration(Box::new(e)));
        }
    };
    let live = read_live(client, &info, &[], &|| {}).await?;
    let namer = Namer::new(&lookups, false);
    let (set, ids) = tree(&live.categories, &live.events, &live.properties, &namer);
    Ok(summarise(info.name, &set, &ids, &opts.rules))
}

/// Key -> Secoda id of every resource in the set.
type Ids = HashMap<String, Id>;

/// The live lists as a manifest set (archived and orphaned resources left out).
fn tree(
    categories: &[Resource],
    events: &[Resource],
    properties: &[Resource],
    namer: &Namer,
) -> (ManifestSet, Ids) {
    let origin = Origin {
        file: Arc::from(""),
        line: 0,
        column: 0,
    };
    let mut ids = Ids::new();
    let mut set = ManifestSet::default();
    let mut category_of = HashMap::new();
    // The apply lease's category is the tool's own, not the tracking plan's; its events are
    // then orphans and left out with it.
    let audited = |r: &&Resource| !r.archived && !crate::plan::reserved::is_lease_home(r);
    for r in categories.iter().filter(audited) {
        let c: Category = namer.category(r, &origin);
        ids.insert(c.title.clone(), r.id.clone());
        category_of.insert(r.id.clone(), set.categories.len());
        set.categories.push(c);
    }
    let mut event_of = HashMap::new();
    for r in events.iter().filter(|r| !r.archived) {
        let Some(&ci) = r.parent.as_ref().and_then(|p| category_of.get(p)) else {
            continue;
        };
        let e: Event = namer.event(r, &origin);
        let c = &mut set.categories[ci];
        ids.insert(format!("{}/{}", c.title, e.title), r.id.clone());
        event_of.insert(r.id.clone(), (ci, c.events.len()));
        c.events.push(e);
    }
    for r in properties.iter().filter(|r| !r.archived) {
        let Some(&(ci, ei)) = r.parent.as_ref().and_then(|p| event_of.get(p)) else {
            continue;
        };
        let p = namer.property(r, &origin);
        let c = &mut set.categories[ci];
        let e = &mut c.events[ei];
        ids.insert(format!("{}/{}/{}", c.title, e.title, p.title), r.id.clone());
        e.properties.push(p);
    }
    (set, ids)
}

fn summarise(integration: String, set: &ManifestSet, ids: &Ids, rules: &Rules) -> Audit {
    let counts = set.counts();
    let resources = counts.categories + counts.events + counts.properties;
    let findings: Vec<AuditFinding> = check(set, rules)
        .into_iter()
        .map(|f| AuditFinding {
            severity: f.diagnostic.severity,
            rule: f.rule.as_str(),
            id: ids.get(&f.key).map(ToString::to_string),
            key: f.key,
            message: f.diagnostic.message,
            hint: f.diagnostic.hint,
        })
        .collect();
    let flagged: std::collections::HashSet<&str> =
        findings.iter().map(|f| f.key.as_str()).collect();
    let clean = resources.saturating_sub(flagged.len());
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let score = if resources == 0 {
        100.0
    } else {
        (clean as f64 * 1000.0 / resources as f64).round() / 10.0
    };
    let per_rule = RuleId::ALL
        .iter()
        .filter(|id| {
            rules.level(**id) != crate::manifest::rules::RuleLevel::Off && !id.judges_plans()
        })
        .map(|id| RuleCount {
            rule: id.as_str(),
            findings: findings.iter().filter(|f| f.rule == id.as_str()).count(),
        })
        .collect();
    Audit {
        integration,
        resources,
        clean,
        score,
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
        rules: per_rule,
        findings,
    }
}
