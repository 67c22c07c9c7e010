//! What `apply --plan` checks in a saved plan's own content, whole, before its first write: a
//! plan file is text anyone can edit, so nothing in it is trusted because it was reviewed.
//!
//! - its `fingerprint` still matches its content (an edit or a bad merge is caught);
//! - no delete in a plan made without `--prune` (no monitor delete without
//!   `--monitors-delete`), and no update or delete of a category (the API has no such call);
//! - each change carries only the fields the field table ([`crate::fields`]) gives its kind
//!   (a monitor, only the monitor fields), each with a value of the field's type (never
//!   `title`, `parent` or `integration`, which come from the key);
//! - each create of an event or property has its parent: an id, or the create of its parent
//!   earlier in the plan;
//! - the deletes, with what they remove (an event's properties), are within the caps the apply
//!   is given ([`Caps`]), counted against the managed resources the plan was made over.
//!
//! Pure: the caller counts the live properties under each deleted event (the file's own
//! `cascade` could have been lowered) and hands them in.

use super::saved::SavedPlan;
use super::{Action, Change, DiffOptions, FieldName, Key, Kind, ParentRef, PlanValue, TagField};
use crate::api::Id;
use crate::fields::{self, Group};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The delete caps an apply enforces (`--max-deletes`, `--max-delete-percent`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Caps {
    /// Most resources the deletes may remove (an event delete counts its properties).
    pub max_deletes: usize,
    /// Largest share (0 to 100) of the managed live resources the deletes may remove.
    pub max_delete_percent: f64,
}

impl Default for Caps {
    /// The flags' defaults (those of [`DiffOptions::default`]).
    fn default() -> Self {
        Self::of(&DiffOptions::default())
    }
}

impl Caps {
    /// The caps a plan is made under.
    #[must_use]
    pub(crate) fn of(opts: &DiffOptions) -> Self {
        Self {
            max_deletes: opts.max_deletes,
            max_delete_percent: opts.max_delete_percent,
        }
    }
}

/// One reason a saved plan is refused before any write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// The content no longer matches the fingerprint it was written with.
    Edited,
    /// The file has no fingerprint (written before plans carried one, or removed).
    Unsealed,
    /// A delete in a plan made without `--prune` (or a monitor delete without
    /// `--monitors-delete`).
    DeleteNotPlanned {
        /// The change's kind.
        kind: Kind,
        /// Its key.
        key: String,
        /// The flag the plan was made without.
        flag: &'static str,
    },
    /// An update or delete the API has no call for (categories), or a tag delete (which a
    /// plan never makes).
    NotWritable {
        /// The change's kind.
        kind: Kind,
        /// Its key.
        key: String,
        /// The change's action.
        action: Action,
    },
    /// A field the change may not carry.
    Field {
        /// The change's kind.
        kind: Kind,
        /// Its key.
        key: String,
        /// The field's name as written.
        field: String,
        /// Why not.
        reason: String,
    },
    /// A create of an event or property whose parent is neither an id nor created earlier.
    MissingParent {
        /// The change's kind.
        kind: Kind,
        /// Its key.
        key: String,
    },
    /// A change naming a tag to be created that no create earlier in the plan makes.
    MissingTag {
        /// The change's kind.
        kind: Kind,
        /// Its key.
        key: String,
        /// The tag's name.
        tag: String,
    },
    /// The deletes remove more than a cap allows.
    OverCap(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Edited => f.write_str(
                "its content does not match its fingerprint: it was edited after `plan --out` \
                 wrote it",
            ),
            Self::Unsealed => f.write_str(
                "it has no fingerprint (written by an older secoda-sync, or removed), so nothing \
                 says it was not edited",
            ),
            Self::DeleteNotPlanned { kind, key, flag } => write!(
                f,
                "{kind} `{key}` is a delete, but the plan was made without {flag}"
            ),
            Self::NotWritable { kind, key, action } => write!(
                f,
                "{kind} `{key}` is to be {}, which the API cannot do",
                if *action == Action::Delete {
                    "deleted"
                } else {
                    "updated"
                }
            ),
            Self::Field {
                kind,
                key,
                field,
                reason,
            } => write!(f, "{kind} `{key}` carries field `{field}`: {reason}"),
            Self::MissingParent { kind, key } => write!(
                f,
                "{kind} `{key}` is created without its parent (no id, and no create of it earlier \
                 in the plan)"
            ),
            Self::MissingTag { kind, key, tag } => write!(
                f,
                "{kind} `{key}` carries tag `{tag}` to be created, but no create of it comes \
                 earlier in the plan"
            ),
            Self::OverCap(why) => f.write_str(why),
        }
    }
}

/// A saved plan refused before any write; names every problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) struct PreflightError(pub Vec<Problem>);

impl fmt::Display for PreflightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the saved plan cannot be applied ({}), so none of it is: re-run `secoda-sync plan \
             --out`",
            crate::output::count(self.0.len(), "problem", "problems")
        )?;
        for p in &self.0 {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// Every event a delete of the plan removes: the ids whose live properties the caller counts.
#[must_use]
pub(crate) fn deleted_events(saved: &SavedPlan) -> Vec<Id> {
    saved
        .plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete && c.kind == Kind::Event)
        .filter_map(|c| c.id.clone())
        .collect()
}

/// Checks `saved` whole (see the module's doc); `children` is the number of live properties
/// under each deleted event ([`deleted_events`]).
///
/// # Errors
/// Every problem found; the plan must then be refused whole.
pub(crate) fn check(
    saved: &SavedPlan,
    caps: Caps,
    children: &HashMap<Id, usize>,
) -> Result<(), PreflightError> {
    let mut out = Vec::new();
    if saved.fingerprint.is_empty() {
        out.push(Problem::Unsealed);
    } else if !saved.is_intact() {
        out.push(Problem::Edited);
    }
    let mut created: HashSet<String> = HashSet::new();
    let mut created_tags: HashSet<&str> = HashSet::new();
    for c in &saved.plan.changes {
        check_change(saved, c, &created, &mut out);
        check_pending_tags(c, &created_tags, &mut out);
        if c.action == Action::Create {
            match &c.key {
                Key::Tag(name) => {
                    created_tags.insert(name);
                }
                other => {
                    created.insert(other.to_string());
                }
            }
        }
    }
    if let Some(why) = over_cap(saved, caps, children) {
        out.push(Problem::OverCap(why));
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(PreflightError(out))
    }
}

fn check_change(saved: &SavedPlan, c: &Change, created: &HashSet<String>, out: &mut Vec<Problem>) {
    let key = || c.key.to_string();
    match (c.kind, c.action) {
        (_, Action::Unsupported) => return,
        (Kind::Category, Action::Update | Action::Delete) | (Kind::Tag, Action::Delete) => {
            out.push(Problem::NotWritable {
                kind: c.kind,
                key: key(),
                action: c.action,
            });
            return;
        }
        (Kind::Monitor, Action::Delete) if !saved.options.monitors_delete => {
            out.push(Problem::DeleteNotPlanned {
                kind: c.kind,
                key: key(),
                flag: "--monitors-delete",
            });
        }
        (_, Action::Delete) if !saved.options.prune => out.push(Problem::DeleteNotPlanned {
            kind: c.kind,
            key: key(),
            flag: "--prune",
        }),
        _ => {}
    }
    // Only an event's or property's update renames: a create has no old title to keep the id
    // of, and the API cannot rename a category.
    let renames = c.action == Action::Update && matches!(c.kind, Kind::Event | Kind::Property);
    if c.renamed_from.is_some() && !renames {
        out.push(field_problem(
            c,
            "renamed_from",
            "only an update of an event or property renames",
        ));
    }
    if c.action == Action::Delete {
        for f in &c.fields {
            out.push(field_problem(
                c,
                f.name.as_str(),
                "a delete carries no fields",
            ));
        }
        return;
    }
    for f in &c.fields {
        if let Some(reason) = field_refusal(c.kind, &f.name, &f.after) {
            out.push(field_problem(c, f.name.as_str(), &reason));
        }
    }
    if c.action == Action::Create && matches!(c.kind, Kind::Event | Kind::Property) {
        let parent_ok = match &c.parent {
            Some(ParentRef::Id(_)) => true,
            Some(ParentRef::Pending(k)) => {
                created.contains(k) && c.key.parent().is_some_and(|p| p.to_string() == *k)
            }
            None => false,
        };
        if !parent_ok {
            out.push(Problem::MissingParent {
                kind: c.kind,
                key: key(),
            });
        }
    }
}

/// A placeholder for a tag is valid only where a create of that tag comes earlier: the apply
/// fills it in from that create's answer, and nothing else could.
fn check_pending_tags(c: &Change, created_tags: &HashSet<&str>, out: &mut Vec<Problem>) {
    for f in &c.fields {
        let PlanValue::Ids(ids) = &f.after else {
            continue;
        };
        for tag in ids.iter().filter_map(Id::pending_tag_name) {
            let named_here = f.name.as_str() == "tags" && c.kind != Kind::Tag;
            if !named_here || !created_tags.contains(tag) {
                out.push(Problem::MissingTag {
                    kind: c.kind,
                    key: c.key.to_string(),
                    tag: tag.to_owned(),
                });
            }
        }
    }
}

fn field_problem(c: &Change, field: &str, reason: &str) -> Problem {
    Problem::Field {
        kind: c.kind,
        key: c.key.to_string(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Why a change of `kind` may not carry `name` = `value`; `None` when it may.
fn field_refusal(kind: Kind, name: &FieldName, value: &PlanValue) -> Option<String> {
    let (fits, expected) = match (kind, name) {
        (Kind::Monitor, FieldName::Monitor(m)) => (m.takes(value), m.expects()),
        (Kind::Monitor, FieldName::Row(_)) => return Some("not a field of monitors".to_owned()),
        (Kind::Tag, FieldName::Tag(TagField::Color)) => {
            (matches!(value, PlanValue::Text(_)), "a string")
        }
        (Kind::Tag, FieldName::Row(spec)) if spec.name == "description" => {
            (matches!(value, PlanValue::Text(_)), "a string")
        }
        (Kind::Tag, _) => return Some("not a field of tags".to_owned()),
        (_, FieldName::Row(spec)) => {
            let carried = match kind {
                Kind::Category => spec.category,
                Kind::Event => spec.group == Group::Resource,
                Kind::Property | Kind::Monitor | Kind::Tag => true,
            };
            if !carried {
                let kinds = match kind {
                    Kind::Category => "categories",
                    Kind::Event => "events",
                    Kind::Property | Kind::Monitor | Kind::Tag => "properties",
                };
                return Some(format!("not a field of {kinds}"));
            }
            match spec.kind {
                fields::FieldKind::Text | fields::FieldKind::Markdown => {
                    (matches!(value, PlanValue::Text(_)), "a string")
                }
                fields::FieldKind::Bool => (matches!(value, PlanValue::Bool(_)), "true or false"),
                fields::FieldKind::Names(_) => {
                    (matches!(value, PlanValue::Ids(_)), "a list of ids")
                }
            }
        }
        (_, FieldName::Monitor(_) | FieldName::Tag(_) | FieldName::Unknown(_)) => {
            return Some("not a managed field".to_owned())
        }
    };
    (!fits).then(|| format!("{value} is not {expected}"))
}

/// Why the plan's deletes are over a cap; `None` when within both.
fn over_cap(saved: &SavedPlan, caps: Caps, children: &HashMap<Id, usize>) -> Option<String> {
    let deletes: Vec<&Change> = saved
        .plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .collect();
    if deletes.is_empty() {
        return None;
    }
    let removes: usize = deletes
        .iter()
        .map(|c| {
            let live = c.id.as_ref().and_then(|id| children.get(id)).copied();
            1 + c.cascade.max(live.unwrap_or(0))
        })
        .sum();
    let counted = format!(
        "{} removing {removes} {}",
        crate::output::count(deletes.len(), "delete", "deletes"),
        if removes == 1 {
            "resource"
        } else {
            "resources"
        }
    );
    let base = saved.managed_live.max(removes).max(1);
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let percent = removes as f64 * 100.0 / base as f64;
    if removes > caps.max_deletes {
        Some(format!(
            "{counted} exceed --max-deletes {} (pass a higher --max-deletes to `apply --plan` to \
             allow them)",
            caps.max_deletes
        ))
    } else if percent > caps.max_delete_percent || caps.max_delete_percent.is_nan() {
        Some(format!(
            "{counted} are {percent:.1}% of the {base} managed resources, over \
             --max-delete-percent {} (pass a higher --max-delete-percent to `apply --plan` to \
             allow them)",
            caps.max_delete_percent
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TrackingFields;
    use crate::plan::desired::Fields;
    use crate::plan::testutil::{category, event, live_of, property, resolved};
    use crate::plan::{diff, FieldChange};
    use serde_json::{json, Value};

    /// A plan (made with `--prune`) updating `C/E`, creating `C/E/n` and deleting event `C/F`
    /// with its two properties, over 5 managed resources.
    fn fixture() -> SavedPlan {
        let prop = |t: &str| property(t, Fields::default(), TrackingFields::default());
        let mut d = resolved(
            vec![category(
                "C",
                vec![
                    event("E", Fields::default(), vec![prop("p")]),
                    event("F", Fields::default(), vec![prop("a"), prop("b")]),
                ],
            )],
            vec![],
        );
        let live = live_of(&d, None);
        let events = &mut d.categories[0].events;
        events[0].fields.description = Some("new".into());
        events[0].properties.push(prop("n"));
        events.pop();
        let opts = DiffOptions {
            prune: true,
            max_delete_percent: 100.0,
            ..DiffOptions::default()
        };
        SavedPlan::new(diff(&d, &live, &opts), "http://x", String::new(), &opts)
    }

    const WIDE: Caps = Caps {
        max_deletes: 100,
        max_delete_percent: 100.0,
    };

    fn problems(s: &SavedPlan, caps: Caps, children: &HashMap<Id, usize>) -> Vec<String> {
        check(s, caps, children)
            .err()
            .map(|e| e.0.iter().map(ToString::to_string).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_faithful_plan_passes_within_its_caps() {
        let s = fixture();
        assert_eq!(s.plan.summary().removes, 3, "{:?}", s.plan.changes);
        assert_eq!(check(&s, WIDE, &HashMap::new()), Ok(()));
        let msg = problems(&s, Caps::default(), &HashMap::new()).join("\n");
        assert!(
            msg.contains("1 delete removing 3 resources are 60.0% of the 5 managed resources"),
            "{msg}"
        );
    }

    #[test]
    fn the_caps_count_live_cascades_not_the_files() {
        let mut s = fixture();
        for c in &mut s.plan.changes {
            c.cascade = 0;
        }
        let s = s.sealed();
        let tight = Caps {
            max_deletes: 2,
            ..WIDE
        };
        assert_eq!(check(&s, tight, &HashMap::new()), Ok(()), "the file says 1");
        let deleted = deleted_events(&s);
        assert_eq!(deleted.len(), 1);
        let children = HashMap::from([(deleted[0].clone(), 2)]);
        assert_eq!(
            problems(&s, tight, &children),
            [
                "1 delete removing 3 resources exceed --max-deletes 2 (pass a higher \
                 --max-deletes to `apply --plan` to allow them)"
            ]
        );
    }

    #[test]
    fn edits_are_caught_by_the_fingerprint_and_resealed_ones_by_their_own_check() {
        let mut s = fixture();
        s.options.prune = false;
        assert_eq!(
            problems(&s, WIDE, &HashMap::new()),
            [
                "its content does not match its fingerprint: it was edited after `plan --out` \
                 wrote it",
                "event `C/F` is a delete, but the plan was made without --prune"
            ]
        );
        let mut s = fixture();
        s.fingerprint.clear();
        assert_eq!(
            problems(&s, WIDE, &HashMap::new()),
            [
                "it has no fingerprint (written by an older secoda-sync, or removed), so nothing \
                 says it was not edited"
            ]
        );
        let mut s = fixture();
        s.plan.changes[0]
            .fields
            .push(FieldChange::from_json("regex", Value::Null, json!(true)).unwrap());
        s.plan.changes[1].parent = None;
        let s = s.sealed();
        assert_eq!(
            problems(&s, WIDE, &HashMap::new()),
            [
                "event `C/E` carries field `regex`: not a field of events",
                "property `C/E/n` is created without its parent (no id, and no create of it \
                 earlier in the plan)"
            ]
        );
    }

    #[test]
    fn field_values_must_have_the_fields_type() {
        let read = |name: &str, v: Value| FieldChange::from_json(name, Value::Null, v).unwrap();
        let refusal_on = |kind: Kind, name: &str, v: Value| {
            let f = read(name, v);
            field_refusal(kind, &f.name, &f.after)
        };
        let refusal = |name: &str, v: Value| refusal_on(Kind::Property, name, v);
        assert_eq!(refusal("description", json!("x")), None);
        assert_eq!(refusal("pii", json!(false)), None);
        assert_eq!(refusal("tags", json!(["t1"])), None);
        assert_eq!(
            refusal("pii", json!("yes")).as_deref(),
            Some("\"yes\" is not true or false")
        );
        assert_eq!(
            refusal("tags", json!(5)).as_deref(),
            Some("5 is not a list of ids")
        );
        assert_eq!(
            refusal_on(Kind::Category, "tags", json!([])).as_deref(),
            Some("not a field of categories")
        );
        assert_eq!(
            refusal("is_enabled", json!(true)).as_deref(),
            Some("not a managed field")
        );
        let monitor = |name: &str, v: Value| refusal_on(Kind::Monitor, name, v);
        assert_eq!(monitor("is_enabled", json!(false)), None);
        assert_eq!(monitor("condition_manual_min", json!(null)), None);
        assert_eq!(monitor("condition_auto_sensitivity", json!(5)), None);
        assert_eq!(
            monitor("is_enabled", json!("no")).as_deref(),
            Some("\"no\" is not true or false")
        );
        assert_eq!(
            monitor("condition_manual_max", json!("10")).as_deref(),
            Some("\"10\" is not a number or null")
        );
        assert_eq!(
            monitor("pii", json!(true)).as_deref(),
            Some("not a field of monitors")
        );
        assert_eq!(
            monitor("colour", json!("red")).as_deref(),
            Some("not a managed field")
        );
    }
}
