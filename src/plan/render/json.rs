//! The JSON rendering: a stable, documented document (`schemas/plan.schema.json`) built from
//! dedicated output structs, so internal refactors cannot change it by accident.

use super::{eta_seconds, RenderContext};
use crate::plan::class::{classify, Class, ClassCounts};
use crate::plan::{Action, Block, Kind, ParentRef, Plan, Usage};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::io::{self, Write};

/// The version of the document's shape; bumped on any incompatible change.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `plan --format json`: what would change, and how long applying it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanDocument {
    /// Always 1 for this shape.
    pub format_version: u32,
    /// The integration planned against.
    pub integration: IntegrationDoc,
    /// Counts, write calls and the estimated apply time.
    pub summary: SummaryDoc,
    /// The changes, in an order an executor may follow one by one.
    pub changes: Vec<ChangeDoc>,
    /// Managed fields the workspace does not return: sent on create, never compared (absent
    /// when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_readable: Vec<NotReadableDoc>,
    /// Changes held back because an apply proved the workspace does not keep the field
    /// (absent when there are none; `--recheck-fields` compares them again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_kept: Vec<NotKeptDoc>,
}

/// Changes to one field of one kind held back because the workspace does not keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct NotKeptDoc {
    /// `category`, `event` or `property`.
    pub kind: Kind,
    /// Wire name, e.g. `type`.
    pub field: String,
    /// Resources whose manifest value differs from the live one (the writes not offered).
    pub count: usize,
    /// When an apply saw the workspace not keep it (RFC 3339).
    pub seen: String,
}

/// Managed fields the live objects of one kind do not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct NotReadableDoc {
    /// `category`, `event`, `property` or `monitor`.
    pub kind: Kind,
    /// Wire names, e.g. `type`, `is_required`, `schedule.day`.
    pub fields: Vec<String>,
    /// Resources whose manifest manages these fields.
    pub count: usize,
}

/// The integration a plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct IntegrationDoc {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Counts per action, plus what an apply would cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct SummaryDoc {
    /// Creates.
    pub create: usize,
    /// Updates (monitor disables included).
    pub update: usize,
    /// Deletes, blocked ones included.
    pub delete: usize,
    /// Differences the API cannot fix.
    pub unsupported: usize,
    /// Resources the base set of an offline diff declares and the new one does not, left alone
    /// without `--prune` (absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unmanaged: usize,
    /// Deletes held back (a safety cap or `no-delete-used`); apply refuses while any is
    /// blocked.
    pub blocked: usize,
    /// Of `blocked`, those held back by `no-delete-used`.
    pub blocked_used: usize,
    /// Deletes of resources Secoda reports usage for (`total_usage` above 0), blocked or not.
    pub used_deletes: usize,
    /// Resources the deletes remove: an event delete counts its properties too. The caps
    /// (`--max-deletes`, `--max-delete-percent`) apply to this count.
    pub removes: usize,
    /// Write calls an apply makes (one per create, update and unblocked delete, plus the
    /// lease's).
    pub writes: usize,
    /// Of `writes`, those the apply's lease makes (left out when there are none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lease_writes: usize,
    /// Estimated apply time at `write_rate`, in whole seconds.
    pub eta_seconds: u64,
    /// The write rate the estimate assumes, e.g. `30/min`.
    pub write_rate: String,
    /// Changes per class (`breaking`, `addition`, `revision`): what `--fail-on` weighs.
    pub classes: ClassesDoc,
}

/// Changes per class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClassesDoc {
    /// Changes that can break a sender or a reader of the tracking plan.
    pub breaking: usize,
    /// New resources, optional properties and loosened rules.
    pub addition: usize,
    /// Documentation, ownership and monitor changes.
    pub revision: usize,
}

impl From<ClassCounts> for ClassesDoc {
    fn from(n: ClassCounts) -> Self {
        Self {
            breaking: n.breaking,
            addition: n.addition,
            revision: n.revision,
        }
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Where a created resource's parent comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ParentDoc {
    /// The parent exists: its id.
    Id(String),
    /// The parent is created earlier in the same plan: its key.
    Pending(String),
}

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub(crate) struct ChangeDoc {
    /// `create`, `update`, `delete`, `unsupported` or `unmanaged` (an offline diff's removal
    /// without `--prune`).
    pub action: Action,
    /// `tag`, `category`, `event`, `property` or `monitor`.
    pub kind: Kind,
    /// Natural key: `Category/Event/property`, `monitor:<metric>@<target id>` or
    /// `tag:<name>`. A tag created by the plan appears in `tags` lists as
    /// `pending-tag:<name>` until the apply knows its id.
    pub key: String,
    /// Human label: the title, or the monitor's name.
    pub label: String,
    /// `breaking`, `addition` or `revision`: what the change does to the tracking plan's
    /// contract (the most severe of its fields').
    pub class: Class,
    /// Why it has that class, e.g. `enum values removed: paypal` (one reason per field of
    /// that class, joined by `; `).
    pub class_reason: String,
    /// Live id (null for creates).
    pub id: Option<String>,
    /// The live title an update renames (`renamed_from` in the manifests): the PATCH sends
    /// the key's title with the changed fields, keeping the id (absent when not a rename).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Parent of a created event or property.
    pub parent: Option<ParentDoc>,
    /// Live values of the changed fields (empty for creates and deletes).
    pub before: Map<String, Value>,
    /// Desired values of the changed fields (every managed field for a create).
    pub after: Map<String, Value>,
    /// The changed fields' wire names, in order.
    pub fields: Vec<String>,
    /// Why the change is unsupported, blocked or special (e.g. `disable`).
    pub note: Option<String>,
    /// A delete held back (by a safety cap or `no-delete-used`).
    pub blocked: bool,
    /// Why it is held back: `cap` or `used` (absent when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<Block>,
    /// Secoda's usage counters of the resource a delete removes (events and properties).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl PlanDocument {
    /// Builds the document for `plan` at the context's write rate.
    #[must_use]
    pub(crate) fn new(plan: &Plan, ctx: &RenderContext<'_>) -> Self {
        let s = plan.summary();
        Self {
            format_version: FORMAT_VERSION,
            integration: IntegrationDoc {
                id: plan.integration.id.0.clone(),
                name: plan.integration.name.clone(),
            },
            summary: SummaryDoc {
                create: s.create,
                update: s.update,
                delete: s.delete,
                unsupported: s.unsupported,
                unmanaged: s.unmanaged,
                blocked: s.blocked,
                blocked_used: s.blocked_used,
                used_deletes: s.used_deletes,
                removes: s.removes,
                writes: plan.total_writes(),
                lease_writes: plan.lease_writes,
                eta_seconds: eta_seconds(plan, ctx.write_rate),
                write_rate: ctx.write_rate.to_string(),
                classes: ClassCounts::of(plan).into(),
            },
            changes: plan
                .changes
                .iter()
                .map(|c| (c, classify(c)))
                .map(|(c, k)| ChangeDoc {
                    action: c.action,
                    kind: c.kind,
                    key: c.key.to_string(),
                    label: c.label.clone(),
                    class: k.class,
                    class_reason: k.why(),
                    id: c.id.as_ref().map(|i| i.0.clone()),
                    renamed_from: c.renamed_from.clone(),
                    parent: c.parent.as_ref().map(|p| match p {
                        ParentRef::Id(id) => ParentDoc::Id(id.0.clone()),
                        ParentRef::Pending(k) => ParentDoc::Pending(k.clone()),
                    }),
                    before: if c.action == Action::Create {
                        Map::new()
                    } else {
                        c.fields
                            .iter()
                            .map(|f| (f.name.to_string(), f.before.to_json()))
                            .collect()
                    },
                    after: c
                        .fields
                        .iter()
                        .map(|f| (f.name.to_string(), f.after.to_json()))
                        .collect(),
                    fields: c.fields.iter().map(|f| f.name.to_string()).collect(),
                    note: c.note.clone(),
                    blocked: c.is_blocked(),
                    blocked_by: c.blocked,
                    usage: c.usage,
                })
                .collect(),
            not_readable: plan
                .not_readable
                .iter()
                .map(|n| NotReadableDoc {
                    kind: n.kind,
                    fields: n.fields.clone(),
                    count: n.count,
                })
                .collect(),
            not_kept: plan
                .not_kept
                .iter()
                .map(|n| NotKeptDoc {
                    kind: n.kind,
                    field: n.field.clone(),
                    count: n.count,
                    seen: n.seen.clone(),
                })
                .collect(),
        }
    }
}

/// Renders `plan` as one pretty-printed JSON document followed by a newline.
///
/// # Errors
/// When writing to `w` fails.
pub(crate) fn render(plan: &Plan, ctx: &RenderContext<'_>, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &PlanDocument::new(plan, ctx))?;
    writeln!(w)
}

/// The JSON Schema of [`PlanDocument`], as written to `schemas/plan.schema.json`.
#[must_use]
pub(crate) fn schema_json() -> String {
    crate::output::schema::schema_json::<PlanDocument>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_file_is_up_to_date() {
        crate::output::schema::assert_schema_file_fresh("plan.schema.json", &schema_json());
    }
}
