//! Which changes break the tracking plan's contract with the code that sends and reads events.
//!
//! Every change of a plan has a [`Class`]: `breaking` (a sender or a reader written against the
//! old plan can fail), `addition` (something new, or a rule loosened) or `revision`
//! (documentation, ownership, monitors). One field's class comes from its row's
//! [`Contract`] in the field table; a change with several fields takes the most severe. The
//! classes are what `--fail-on` gates on and what the renderings list first.

use super::{Action, Change, FieldChange, FieldName, Key, Kind, ParentRef, Plan, PlanValue};
use crate::fields::Contract;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// How a change affects the contract, least severe first (so `Ord` is severity).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Documentation and ownership (description, owners, tags, pii, ...) and monitors.
    Revision,
    /// A new category, event or optional property; enum values added; a regex removed.
    Addition,
    /// A removed, renamed or moved event or property; a property made required (or a new
    /// required one on an existing event); a type, `is_array_type` or regex changed; enum values
    /// removed.
    Breaking,
}

impl Class {
    /// Every class, most severe first (the order the renderings list them in).
    pub const MOST_SEVERE_FIRST: [Self; 3] = [Self::Breaking, Self::Addition, Self::Revision];

    /// The lowercase name (`breaking`), as `--fail-on` and the JSON document spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revision => "revision",
            Self::Addition => "addition",
            Self::Breaking => "breaking",
        }
    }

    /// `1 breaking change`, `2 additions`, `1 revision`.
    #[must_use]
    pub fn count(self, n: usize) -> String {
        match self {
            Self::Breaking => crate::output::count(n, "breaking change", "breaking changes"),
            Self::Addition => crate::output::count(n, "addition", "additions"),
            Self::Revision => crate::output::count(n, "revision", "revisions"),
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a change has its class: one per field (or one for the whole resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The manifests no longer declare it (deleted with `--prune`, left alone without): a
    /// rename or a move to another parent shows as this removal beside a create.
    Removed(Kind),
    /// Renamed in place (`renamed_from`): same id, new title.
    Renamed(Kind),
    /// Declared and not in the baseline.
    New(Kind),
    /// A new property senders must send, on an event that already exists.
    NewRequired,
    /// A new property that is not required, or one on a new event.
    NewOptional,
    /// `type` changed.
    TypeChanged,
    /// `is_required` made true.
    MadeRequired,
    /// `is_required` made false.
    MadeOptional,
    /// `is_array_type` changed.
    ArrayChanged,
    /// Enum values removed (listed).
    EnumRemoved(Vec<String>),
    /// An enum list set where there was none: every other value becomes invalid.
    EnumIntroduced,
    /// Enum values added (listed), none removed.
    EnumAdded(Vec<String>),
    /// The enum list cleared: any value is allowed again.
    EnumCleared,
    /// A regex set where there was none.
    RegexAdded,
    /// The regex changed.
    RegexChanged,
    /// The regex removed.
    RegexRemoved,
    /// A documentation or ownership field (named).
    Documented(String),
    /// A monitor: it watches the data, it is no part of the tracking plan.
    Monitor,
}

impl Reason {
    /// The class this reason gives a change.
    #[must_use]
    pub(crate) fn class(&self) -> Class {
        match self {
            Self::Removed(_)
            | Self::Renamed(_)
            | Self::NewRequired
            | Self::TypeChanged
            | Self::MadeRequired
            | Self::ArrayChanged
            | Self::EnumRemoved(_)
            | Self::EnumIntroduced
            | Self::RegexAdded
            | Self::RegexChanged => Class::Breaking,
            Self::New(_)
            | Self::NewOptional
            | Self::MadeOptional
            | Self::EnumAdded(_)
            | Self::EnumCleared
            | Self::RegexRemoved => Class::Addition,
            Self::Documented(_) | Self::Monitor => Class::Revision,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Removed(kind) => write!(f, "{kind} removed from the manifests"),
            Self::Renamed(kind) => write!(f, "{kind} renamed"),
            Self::New(kind) => write!(f, "new {kind}"),
            Self::NewRequired => f.write_str("new required property on an existing event"),
            Self::NewOptional => f.write_str("new optional property"),
            Self::TypeChanged => f.write_str("type changed"),
            Self::MadeRequired => f.write_str("made required"),
            Self::MadeOptional => f.write_str("made optional"),
            Self::ArrayChanged => f.write_str("is_array_type changed"),
            Self::EnumRemoved(v) => write!(f, "enum values removed: {}", v.join(", ")),
            Self::EnumIntroduced => f.write_str("enum values set where any value was allowed"),
            Self::EnumAdded(v) => write!(f, "enum values added: {}", v.join(", ")),
            Self::EnumCleared => f.write_str("enum values cleared: any value is allowed"),
            Self::RegexAdded => f.write_str("regex added"),
            Self::RegexChanged => f.write_str("regex changed"),
            Self::RegexRemoved => f.write_str("regex removed"),
            Self::Documented(field) => write!(f, "{field} changed"),
            Self::Monitor => f.write_str("monitor change (not part of the tracking plan)"),
        }
    }
}

/// A change's class and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    /// The most severe of the reasons' classes (`revision` when there are none).
    pub(crate) class: Class,
    /// Every reason, in field order.
    pub(crate) reasons: Vec<Reason>,
}

impl Classified {
    fn of(reasons: Vec<Reason>) -> Self {
        Self {
            class: reasons
                .iter()
                .map(Reason::class)
                .max()
                .unwrap_or(Class::Revision),
            reasons,
        }
    }

    /// The reasons of this change's own class, joined for one line (`type changed; regex
    /// added`): what a reviewer needs to know about why it is in that class.
    #[must_use]
    pub(crate) fn why(&self) -> String {
        self.reasons
            .iter()
            .filter(|r| r.class() == self.class)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Classifies one change.
#[must_use]
pub(crate) fn classify(c: &Change) -> Classified {
    if c.kind == Kind::Monitor {
        return Classified::of(vec![Reason::Monitor]);
    }
    let reasons = match c.action {
        Action::Create => vec![created(c)],
        // A resource the manifests no longer declare, deleted or left alone: a reader of it
        // breaks either way. A move to another parent is this removal plus a create.
        Action::Delete | Action::Unmanaged => vec![Reason::Removed(c.kind)],
        // A rename keeps the id, but every sender and query naming the old title breaks.
        Action::Update if c.renamed_from.is_some() => {
            let mut reasons = vec![Reason::Renamed(c.kind)];
            reasons.extend(c.fields.iter().filter_map(field));
            reasons
        }
        // A declared category the API cannot create (a reserved title) is still new.
        Action::Unsupported if c.id.is_none() => vec![Reason::New(c.kind)],
        Action::Update | Action::Unsupported => c.fields.iter().filter_map(field).collect(),
    };
    Classified::of(reasons)
}

/// A create: new, unless it is a required property on an event that already exists.
fn created(c: &Change) -> Reason {
    if c.kind != Kind::Property {
        return Reason::New(c.kind);
    }
    let required = c
        .fields
        .iter()
        .any(|f| contract(&f.name) == Some(Contract::Required) && f.after == PlanValue::Bool(true));
    let on_existing_event = matches!(c.parent, Some(ParentRef::Id(_)));
    if required && on_existing_event {
        Reason::NewRequired
    } else {
        Reason::NewOptional
    }
}

fn contract(name: &FieldName) -> Option<Contract> {
    match name {
        FieldName::Row(spec) => Some(spec.contract),
        FieldName::Monitor(_) | FieldName::Tag(_) | FieldName::Unknown(_) => None,
    }
}

/// One field's change, by its row's contract (`None` when it did not change after all).
fn field(f: &FieldChange) -> Option<Reason> {
    let Some(contract) = contract(&f.name) else {
        return Some(Reason::Documented(f.name.to_string()));
    };
    Some(match contract {
        Contract::Documentation | Contract::Ownership => Reason::Documented(f.name.to_string()),
        Contract::Type => Reason::TypeChanged,
        Contract::Array => Reason::ArrayChanged,
        Contract::Required => {
            if f.after == PlanValue::Bool(true) {
                Reason::MadeRequired
            } else {
                Reason::MadeOptional
            }
        }
        Contract::EnumValues => return enum_values(&f.before, &f.after),
        Contract::Regex => match (text(&f.before).is_empty(), text(&f.after).is_empty()) {
            (true, true) => return None,
            (true, false) => Reason::RegexAdded,
            (false, true) => Reason::RegexRemoved,
            (false, false) => Reason::RegexChanged,
        },
    })
}

/// Text, with `null` (not known) and whitespace read as empty.
fn text(v: &PlanValue) -> &str {
    v.as_str().map_or("", str::trim)
}

/// The values of an enum list (`"card, paypal"`): trimmed, empty ones dropped.
fn values(v: &PlanValue) -> BTreeSet<&str> {
    text(v)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn enum_values(before: &PlanValue, after: &PlanValue) -> Option<Reason> {
    let (old, new) = (values(before), values(after));
    let owned = |s: Vec<&&str>| s.into_iter().map(|v| (*v).to_owned()).collect();
    Some(match (old.is_empty(), new.is_empty()) {
        // Same values, spelled another way (spaces, order): nothing a sender sees.
        (true, true) => return None,
        (true, false) => Reason::EnumIntroduced,
        (false, true) => Reason::EnumCleared,
        (false, false) => {
            let removed: Vec<&&str> = old.difference(&new).collect();
            if removed.is_empty() {
                let added: Vec<&&str> = new.difference(&old).collect();
                if added.is_empty() {
                    return None;
                }
                Reason::EnumAdded(owned(added))
            } else {
                Reason::EnumRemoved(owned(removed))
            }
        }
    })
}

/// Changes per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ClassCounts {
    /// Breaking changes.
    pub(crate) breaking: usize,
    /// Additions.
    pub(crate) addition: usize,
    /// Revisions.
    pub(crate) revision: usize,
}

impl ClassCounts {
    /// Counts the classes of `plan`'s changes.
    #[must_use]
    pub(crate) fn of(plan: &Plan) -> Self {
        let mut n = Self::default();
        for c in &plan.changes {
            *n.get_mut(classify(c).class) += 1;
        }
        n
    }

    /// The count of `class`.
    #[must_use]
    pub(crate) fn get(self, class: Class) -> usize {
        match class {
            Class::Breaking => self.breaking,
            Class::Addition => self.addition,
            Class::Revision => self.revision,
        }
    }

    fn get_mut(&mut self, class: Class) -> &mut usize {
        match class {
            Class::Breaking => &mut self.breaking,
            Class::Addition => &mut self.addition,
            Class::Revision => &mut self.revision,
        }
    }

    /// `2 breaking changes, 1 addition`: the classes present, most severe first.
    #[must_use]
    pub(crate) fn line(self) -> String {
        Class::MOST_SEVERE_FIRST
            .into_iter()
            .filter(|c| self.get(*c) > 0)
            .map(|c| c.count(self.get(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The changes of `plan` whose class is `at_least` or more severe, most severe first, each
/// with its classification: what `--fail-on` fails on.
#[must_use]
pub(crate) fn at_least(plan: &Plan, at_least: Class) -> Vec<(&Change, Classified)> {
    let mut out: Vec<(&Change, Classified)> = plan
        .changes
        .iter()
        .map(|c| (c, classify(c)))
        .filter(|(_, k)| k.class >= at_least)
        .collect();
    out.sort_by(|a, b| {
        b.1.class
            .cmp(&a.1.class)
            .then_with(|| a.0.key.cmp(&b.0.key))
    });
    out
}

/// `--fail-on`'s verdict: the changes it fails on, or `None` when the plan passes.
#[derive(Debug, Clone)]
pub(crate) struct Gate<'a> {
    /// The level asked for.
    pub(crate) level: Class,
    /// The changes at that level or above, most severe first.
    pub(crate) failing: Vec<(&'a Change, Classified)>,
}

impl<'a> Gate<'a> {
    /// Judges `plan` against `--fail-on level`: `None` when no change reaches it.
    #[must_use]
    pub(crate) fn judge(plan: &'a Plan, level: Class) -> Option<Self> {
        let failing = at_least(plan, level);
        (!failing.is_empty()).then_some(Self { level, failing })
    }
}

/// `--fail-on addition: 2 breaking changes, 1 addition` and one line per change:
/// `  breaking  property "Checkout/Order Completed/coupon": property removed from the manifests`.
impl fmt::Display for Gate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut n = ClassCounts::default();
        for (_, k) in &self.failing {
            *n.get_mut(k.class) += 1;
        }
        write!(f, "--fail-on {}: {}", self.level, n.line())?;
        for (c, k) in &self.failing {
            write!(
                f,
                "\n  {:<8}  {} \"{}\": {}",
                k.class,
                c.kind,
                key_path(&c.key),
                k.why()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Gate<'_> {}

/// A key as a reviewer reads it: the path, or the monitor's metric.
fn key_path(k: &Key) -> String {
    crate::output::printable(&k.to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Id;
    use crate::fields::{spec, FIELDS};

    fn prop() -> Key {
        Key::Property("C".into(), "E".into(), "p".into())
    }

    fn update(fields: &[(&str, PlanValue, PlanValue)]) -> Change {
        let mut c = Change::new(Action::Update, prop(), "p".into());
        c.id = Some(Id::from("1"));
        c.fields = fields
            .iter()
            .map(|(n, b, a)| FieldChange::new(spec(n).unwrap(), b.clone(), a.clone()))
            .collect();
        c
    }

    fn t(s: &str) -> PlanValue {
        PlanValue::Text(s.into())
    }

    fn class_of(name: &str, before: PlanValue, after: PlanValue) -> Classified {
        classify(&update(&[(name, before, after)]))
    }

    fn created_property(required: bool, parent: ParentRef) -> Change {
        let mut c = Change::new(Action::Create, prop(), "p".into());
        c.parent = Some(parent);
        c.fields = vec![FieldChange::new(
            spec("is_required").unwrap(),
            PlanValue::Null,
            PlanValue::Bool(required),
        )];
        c
    }

    #[test]
    fn removals_break_whether_deleted_or_left_unmanaged() {
        for action in [Action::Delete, Action::Unmanaged] {
            for key in [
                Key::Category("C".into()),
                Key::Event("C".into(), "E".into()),
                prop(),
            ] {
                let k = classify(&Change::new(action, key.clone(), String::new()));
                assert_eq!(k.class, Class::Breaking, "{action:?} {key}");
                assert_eq!(k.reasons, vec![Reason::Removed(key.kind())]);
            }
        }
    }

    #[test]
    fn new_categories_events_and_optional_properties_are_additions() {
        for key in [
            Key::Category("C".into()),
            Key::Event("C".into(), "E".into()),
        ] {
            let c = Change::new(Action::Create, key.clone(), String::new());
            assert_eq!(classify(&c).class, Class::Addition, "{key}");
        }
        let optional = created_property(false, ParentRef::Id(Id::from("1")));
        assert_eq!(classify(&optional).reasons, vec![Reason::NewOptional]);
        assert_eq!(classify(&optional).class, Class::Addition);
    }

    #[test]
    fn a_new_required_property_breaks_only_an_existing_event() {
        let existing = created_property(true, ParentRef::Id(Id::from("1")));
        assert_eq!(classify(&existing).class, Class::Breaking);
        assert_eq!(classify(&existing).reasons, vec![Reason::NewRequired]);
        // On an event the same plan creates, no sender sends it yet.
        let on_new = created_property(true, ParentRef::Pending("C/E".into()));
        assert_eq!(classify(&on_new).class, Class::Addition);
    }

    #[test]
    fn made_required_breaks_and_made_optional_adds() {
        let k = class_of("is_required", PlanValue::Bool(false), PlanValue::Bool(true));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Breaking, vec![Reason::MadeRequired])
        );
        let k = class_of("is_required", PlanValue::Null, PlanValue::Bool(true));
        assert_eq!(k.class, Class::Breaking);
        let k = class_of("is_required", PlanValue::Bool(true), PlanValue::Bool(false));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Addition, vec![Reason::MadeOptional])
        );
    }

    #[test]
    fn type_and_array_changes_break() {
        assert_eq!(
            class_of("type", t("string"), t("number")).reasons,
            vec![Reason::TypeChanged]
        );
        assert_eq!(class_of("type", t(""), t("number")).class, Class::Breaking);
        let k = class_of(
            "is_array_type",
            PlanValue::Bool(true),
            PlanValue::Bool(false),
        );
        assert_eq!(
            (k.class, k.reasons),
            (Class::Breaking, vec![Reason::ArrayChanged])
        );
    }

    #[test]
    fn enum_values_removed_break_and_added_are_additions() {
        let k = class_of("enum_values", t("card,paypal"), t("card"));
        assert_eq!(k.class, Class::Breaking);
        assert_eq!(k.reasons, vec![Reason::EnumRemoved(vec!["paypal".into()])]);
        let k = class_of("enum_values", t("card"), t("card, paypal,iban"));
        assert_eq!(k.class, Class::Addition);
        assert_eq!(
            k.reasons,
            vec![Reason::EnumAdded(vec!["iban".into(), "paypal".into()])]
        );
        // Both at once: a removal is a removal.
        let k = class_of("enum_values", t("card,paypal"), t("card,iban"));
        assert_eq!(k.class, Class::Breaking);
    }

    #[test]
    fn an_enum_list_set_breaks_and_cleared_adds_as_a_regex_does() {
        assert_eq!(
            class_of("enum_values", PlanValue::Null, t("a,b")).reasons,
            vec![Reason::EnumIntroduced]
        );
        let respelled = class_of("enum_values", t("a,b"), t("b, a"));
        assert_eq!(
            (respelled.class, respelled.reasons),
            (Class::Revision, vec![])
        );
        let k = class_of("enum_values", t("a,b"), t(""));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Addition, vec![Reason::EnumCleared])
        );
    }

    #[test]
    fn regex_added_or_changed_breaks_and_removed_adds() {
        let k = class_of("regex", PlanValue::Null, t("^[a-z]+$"));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Breaking, vec![Reason::RegexAdded])
        );
        let k = class_of("regex", t("^a$"), t("^b$"));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Breaking, vec![Reason::RegexChanged])
        );
        let k = class_of("regex", t("^a$"), t(""));
        assert_eq!(
            (k.class, k.reasons),
            (Class::Addition, vec![Reason::RegexRemoved])
        );
    }

    #[test]
    fn documentation_and_ownership_fields_are_revisions() {
        for s in FIELDS
            .iter()
            .filter(|s| matches!(s.contract, Contract::Documentation | Contract::Ownership))
        {
            let before = PlanValue::Text("a".into());
            let k = class_of(s.name, before, PlanValue::Text("b".into()));
            assert_eq!(k.class, Class::Revision, "{}", s.name);
        }
        // And exactly the fields the contract table lists as such.
        let revision: Vec<&str> = FIELDS
            .iter()
            .filter(|s| matches!(s.contract, Contract::Documentation | Contract::Ownership))
            .map(|s| s.name)
            .collect();
        assert_eq!(
            revision,
            [
                "description",
                "definition",
                "pii",
                "verified",
                "published",
                "owners",
                "teams",
                "tags",
                "collections",
                "subscribers"
            ]
        );
    }

    #[test]
    fn an_update_takes_its_most_severe_field() {
        let c = update(&[
            ("description", t("a"), t("b")),
            ("regex", t(""), t("^x$")),
            ("enum_values", t("a"), t("a,b")),
        ]);
        let k = classify(&c);
        assert_eq!(k.class, Class::Breaking);
        assert_eq!(k.reasons.len(), 3);
        assert_eq!(k.why(), "regex added");
        let c = update(&[("description", t("a"), t("b")), ("regex", t("^x$"), t(""))]);
        assert_eq!(classify(&c).class, Class::Addition);
    }

    #[test]
    fn monitors_are_revisions_whatever_the_action() {
        let key = Key::Monitor("t".into(), "row_count".into(), "{}".into());
        for action in [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::Unmanaged,
        ] {
            let c = Change::new(action, key.clone(), String::new());
            assert_eq!(classify(&c).class, Class::Revision, "{action:?}");
        }
    }

    #[test]
    fn an_unsupported_category_difference_is_a_revision_and_a_reserved_one_new() {
        let mut c = Change::new(Action::Unsupported, Key::Category("C".into()), "C".into());
        let reserved = classify(&c);
        assert_eq!(reserved.class, Class::Addition);
        c.id = Some(Id::from("1"));
        c.fields = vec![FieldChange::new(
            spec("description").unwrap(),
            t("a"),
            t("b"),
        )];
        assert_eq!(classify(&c).class, Class::Revision);
    }

    #[test]
    fn the_gate_fails_on_its_level_and_above_most_severe_first() {
        let mut plan = crate::plan::testutil::plan_of(vec![
            update(&[("description", t("a"), t("b"))]),
            Change::new(
                Action::Create,
                Key::Event("C".into(), "New".into()),
                "New".into(),
            ),
            Change::new(
                Action::Delete,
                Key::Event("C".into(), "Old".into()),
                "Old".into(),
            ),
        ]);
        let classes = |level| {
            Gate::judge(&plan, level)
                .map(|g| g.failing.iter().map(|(_, k)| k.class).collect::<Vec<_>>())
        };
        assert_eq!(classes(Class::Breaking), Some(vec![Class::Breaking]));
        assert_eq!(
            classes(Class::Addition),
            Some(vec![Class::Breaking, Class::Addition])
        );
        assert_eq!(classes(Class::Revision).map(|v| v.len()), Some(3));
        let gate = Gate::judge(&plan, Class::Addition).unwrap().to_string();
        assert!(
            gate.starts_with("--fail-on addition: 1 breaking change, 1 addition\n"),
            "{gate}"
        );
        assert!(
            gate.contains("breaking  event \"C/Old\": event removed from the manifests"),
            "{gate}"
        );
        plan.changes.remove(2);
        assert!(Gate::judge(&plan, Class::Breaking).is_none());
        assert_eq!(
            ClassCounts::of(&plan),
            ClassCounts {
                breaking: 0,
                addition: 1,
                revision: 1
            }
        );
    }
}
