//! A saved plan is a reviewed artefact, but its ids are only text in a file: an id swapped for
//! another resource's (by hand or by a bad merge) would write to the wrong resource while the
//! report names the right one. Before `apply --plan` writes anything, every id the plan uses is
//! re-read and must be a resource of the change's kind whose natural key is the change's key.
//!
//! Pure: the caller re-reads ([`ids_to_read`], then [`parents_to_read`] until it is empty) and
//! hands the answers to [`verify`].

use super::saved::SavedPlan;
use super::{Action, Key, Kind, ParentRef};
use crate::api::Id;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A resource as re-read by id right before a saved plan applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reread {
    /// The kind it was read as (the endpoint that answered).
    pub kind: Kind,
    /// Its id.
    pub id: Id,
    /// Its title (empty for a monitor).
    pub title: String,
    /// Its parent (category of an event, event of a property).
    pub parent: Option<Id>,
    /// Its integration, when the server says.
    pub integration: Option<Id>,
    /// Its `updated_at` now.
    pub updated_at: String,
    /// A monitor's natural key (target, metric, config); `None` for the tracking plan.
    pub monitor_key: Option<Key>,
}

impl Reread {
    /// A category, event or property as the API answered it, read as `kind`.
    #[must_use]
    pub(crate) fn resource(kind: Kind, r: &crate::api::Resource) -> Self {
        Self {
            kind,
            id: r.id.clone(),
            title: r.title.clone(),
            parent: r.parent.clone(),
            integration: r.integration.clone(),
            updated_at: r.updated_at.clone(),
            monitor_key: None,
        }
    }

    /// A tag as the workspace lists it (tags carry no `updated_at`: empty).
    #[must_use]
    pub(crate) fn tag(t: &crate::api::Tag) -> Self {
        Self {
            kind: Kind::Tag,
            id: t.id.clone(),
            title: t.name.clone(),
            parent: None,
            integration: None,
            updated_at: String::new(),
            monitor_key: None,
        }
    }

    /// A monitor as the API answered it.
    #[must_use]
    pub(crate) fn monitor(m: &crate::api::Monitor) -> Self {
        Self {
            kind: Kind::Monitor,
            id: m.id.clone(),
            title: String::new(),
            parent: None,
            integration: m.integration.clone(),
            updated_at: m.updated_at.clone(),
            monitor_key: Some(super::diff::monitor_key(m)),
        }
    }
}

/// The parent kind of a tracking-plan kind.
fn parent_kind(kind: Kind) -> Option<Kind> {
    match kind {
        Kind::Event => Some(Kind::Category),
        Kind::Property => Some(Kind::Event),
        Kind::Category | Kind::Monitor | Kind::Tag => None,
    }
}

/// Every id the plan writes through or under: each change's id and each create's parent id,
/// with the kind it must be (deduplicated, in plan order).
#[must_use]
pub(crate) fn ids_to_read(saved: &SavedPlan) -> Vec<(Kind, Id)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut push = |kind: Kind, id: &Id| {
        if seen.insert(id.clone()) {
            out.push((kind, id.clone()));
        }
    };
    for t in &saved.live {
        push(t.kind, &t.id);
    }
    for c in &saved.plan.changes {
        if let Some(id) = &c.id {
            push(c.kind, id);
        }
        if let (Some(ParentRef::Id(p)), Some(kind)) = (&c.parent, parent_kind(c.kind)) {
            push(kind, p);
        }
    }
    out
}

/// The parents of re-read events and properties that were not read yet, so each one's full
/// key (`Category/Event/property`) can be built.
#[must_use]
pub(crate) fn parents_to_read(reread: &[Reread]) -> Vec<(Kind, Id)> {
    let have: HashSet<&Id> = reread.iter().map(|r| &r.id).collect();
    let mut out: Vec<(Kind, Id)> = Vec::new();
    for r in reread {
        if let (Some(p), Some(kind)) = (&r.parent, parent_kind(r.kind)) {
            if !have.contains(p) && !out.iter().any(|(_, id)| id == p) {
                out.push((kind, p.clone()));
            }
        }
    }
    out
}

/// One way a saved plan does not match what the workspace holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mismatch {
    /// An update or delete with no id.
    NoId {
        /// The change's key.
        key: String,
    },
    /// An update or delete with no `live` entry of the same id, kind and key (so its
    /// freshness cannot be checked).
    NoLiveEntry {
        /// The change's key.
        key: String,
        /// Its id.
        id: Id,
    },
    /// The id names a resource whose key is another one (or that cannot be placed).
    WrongResource {
        /// The change's (or a create's parent's) kind and key.
        kind: Kind,
        /// The key the plan says.
        key: String,
        /// The id.
        id: Id,
        /// What the id is in the workspace.
        found: String,
    },
    /// A create's parent id that names nothing in the workspace.
    ParentGone {
        /// The create's kind.
        kind: Kind,
        /// Its key.
        key: String,
        /// The parent id.
        id: Id,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoId { key } => write!(f, "`{key}` is an update or delete without an id"),
            Self::NoLiveEntry { key, id } => write!(
                f,
                "`{key}` ({id}) has no matching entry in the plan's `live` list"
            ),
            Self::WrongResource {
                kind,
                key,
                id,
                found,
            } => write!(f, "{kind} `{key}` has id {id}, which is {found}"),
            Self::ParentGone { kind, key, id } => write!(
                f,
                "{kind} `{key}` is created under {id}, which does not exist"
            ),
        }
    }
}

/// A saved plan whose ids do not name the resources its keys say; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) struct MismatchError(pub Vec<Mismatch>);

impl fmt::Display for MismatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the saved plan does not match the workspace ({}), so none of it is applied: was it \
             edited? re-run `secoda-sync plan --out`",
            crate::output::count(self.0.len(), "problem", "problems")
        )?;
        for m in &self.0 {
            write!(f, "\n  - {m}")?;
        }
        Ok(())
    }
}

/// The natural key of a re-read resource, built through its re-read ancestors; `Err` says why
/// it cannot be placed.
fn key_of(r: &Reread, by_id: &HashMap<&Id, &Reread>, integration: &Id) -> Result<Key, String> {
    let parent = |r: &Reread| -> Result<&Reread, String> {
        let p = r.parent.as_ref().ok_or("a resource without a parent")?;
        by_id
            .get(p)
            .copied()
            .ok_or_else(|| format!("under {p}, which does not exist"))
    };
    let category = |c: &Reread| -> Result<String, String> {
        if c.kind != Kind::Category {
            return Err(format!("under {} {}, not a category", c.kind, c.id));
        }
        match &c.integration {
            Some(i) if i != integration => Err(format!(
                "category `{}` of another integration ({i})",
                c.title
            )),
            _ => Ok(c.title.clone()),
        }
    };
    match r.kind {
        Kind::Monitor => r.monitor_key.clone().ok_or_else(|| "a monitor".to_owned()),
        Kind::Tag => Ok(Key::Tag(r.title.clone())),
        Kind::Category => category(r).map(Key::Category),
        Kind::Event => Ok(Key::Event(category(parent(r)?)?, r.title.clone())),
        Kind::Property => {
            let ev = parent(r)?;
            if ev.kind != Kind::Event {
                return Err(format!("under {} {}, not an event", ev.kind, ev.id));
            }
            Ok(Key::Property(
                category(parent(ev)?)?,
                ev.title.clone(),
                r.title.clone(),
            ))
        }
    }
}

/// The plan's event renames: until the apply makes them, the workspace knows a renamed event,
/// and every property under it, by the old title.
struct Renamed(HashMap<Key, String>);

impl Renamed {
    fn of(saved: &SavedPlan) -> Self {
        Self(
            saved
                .plan
                .changes
                .iter()
                .filter(|c| c.kind == Kind::Event && c.action == Action::Update)
                .filter_map(|c| Some((c.key.clone(), c.renamed_from.clone()?)))
                .collect(),
        )
    }

    /// The key the workspace knows the resource under `key` by before the apply: its own old
    /// title (`renamed_from`) and its event's.
    fn live_key(&self, key: &Key, renamed_from: Option<&str>) -> Key {
        let key = match (key, renamed_from) {
            (Key::Event(c, _), Some(old)) => Key::Event(c.clone(), old.to_owned()),
            (Key::Property(c, e, _), Some(old)) => {
                Key::Property(c.clone(), e.clone(), old.to_owned())
            }
            _ => key.clone(),
        };
        match &key {
            Key::Property(c, e, p) => match self.0.get(&Key::Event(c.clone(), e.clone())) {
                Some(old) => Key::Property(c.clone(), old.clone(), p.clone()),
                None => key,
            },
            Key::Event(..) if renamed_from.is_none() => match self.0.get(&key) {
                Some(old) => Key::Event(key_category(&key), old.clone()),
                None => key,
            },
            _ => key,
        }
    }
}

fn key_category(key: &Key) -> String {
    match key {
        Key::Category(c) | Key::Event(c, _) | Key::Property(c, _, _) => c.clone(),
        Key::Monitor(..) | Key::Tag(_) => String::new(),
    }
}

/// Checks that `id` is a `kind` whose key is `key`; pushes a [`Mismatch`] otherwise. An id
/// the re-read did not find is left to the freshness check (`no longer exists`).
fn check_id(
    out: &mut Vec<Mismatch>,
    by_id: &HashMap<&Id, &Reread>,
    integration: &Id,
    (kind, key, id): (Kind, &Key, &Id),
) {
    let Some(r) = by_id.get(id) else {
        return;
    };
    let found = if r.kind == kind {
        match key_of(r, by_id, integration) {
            Ok(k) if &k == key => return,
            Ok(k) => format!("{} `{k}`", r.kind),
            Err(why) => why,
        }
    } else {
        format!("a {}", r.kind)
    };
    out.push(Mismatch::WrongResource {
        kind,
        key: key.to_string(),
        id: id.clone(),
        found,
    });
}

/// Checks every change of `saved` against what was re-read: each update's and delete's id has
/// its `live` entry and names a resource of the change's kind with the change's key; each
/// create's parent id names the parent its key says.
///
/// # Errors
/// Every mismatch found; the plan must then be refused whole.
pub(crate) fn verify(saved: &SavedPlan, reread: &[Reread]) -> Result<(), MismatchError> {
    let by_id: HashMap<&Id, &Reread> = reread.iter().map(|r| (&r.id, r)).collect();
    let integration = &saved.integration.id;
    let renamed = Renamed::of(saved);
    let mut out = Vec::new();
    for c in &saved.plan.changes {
        match c.action {
            Action::Update | Action::Delete => {
                let Some(id) = &c.id else {
                    out.push(Mismatch::NoId {
                        key: c.key.to_string(),
                    });
                    continue;
                };
                let key = c.key.to_string();
                if !saved
                    .live
                    .iter()
                    .any(|t| &t.id == id && t.kind == c.kind && t.key == key)
                {
                    out.push(Mismatch::NoLiveEntry {
                        key,
                        id: id.clone(),
                    });
                }
                let live_key = renamed.live_key(&c.key, c.renamed_from.as_deref());
                check_id(&mut out, &by_id, integration, (c.kind, &live_key, id));
            }
            Action::Create => {
                if let (Some(ParentRef::Id(p)), Some(kind), Some(parent)) =
                    (&c.parent, parent_kind(c.kind), c.key.parent())
                {
                    if by_id.contains_key(p) {
                        let parent = renamed.live_key(&parent, None);
                        check_id(&mut out, &by_id, integration, (kind, &parent, p));
                    } else {
                        out.push(Mismatch::ParentGone {
                            kind: c.kind,
                            key: c.key.to_string(),
                            id: p.clone(),
                        });
                    }
                }
            }
            Action::Unsupported | Action::Unmanaged => {}
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(MismatchError(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::TrackingFields;
    use crate::plan::desired::Fields;
    use crate::plan::testutil::{category, event, live_of, property, resolved};
    use crate::plan::{diff, DiffOptions, Live};

    /// A plan with an update (`C/E`), a delete (`C/E/q`) and a create under `C/E` (`C/E/n`),
    /// and everything the workspace answers when re-read.
    fn fixture() -> (SavedPlan, Vec<Reread>) {
        let prop = |t: &str| property(t, Fields::default(), TrackingFields::default());
        let mut d = resolved(
            vec![category(
                "C",
                vec![
                    event("E", Fields::default(), vec![prop("p"), prop("q")]),
                    event("F", Fields::default(), vec![]),
                ],
            )],
            vec![],
        );
        let live = live_of(&d, None);
        let e = &mut d.categories[0].events[0];
        e.fields.description = Some("new".into());
        e.properties[1] = prop("n");
        let opts = DiffOptions {
            prune: true,
            max_delete_percent: 100.0,
            ..DiffOptions::default()
        };
        let plan = diff(&d, &live, &opts);
        let saved = SavedPlan::new(plan, "http://x", String::new(), &opts);
        (saved, everything(&live))
    }

    fn everything(live: &Live) -> Vec<Reread> {
        let mut out: Vec<Reread> = Vec::new();
        for (kind, list) in [
            (Kind::Category, &live.categories),
            (Kind::Event, &live.events),
            (Kind::Property, &live.properties),
        ] {
            out.extend(list.iter().map(|r| Reread::resource(kind, r)));
        }
        out
    }

    #[test]
    fn a_faithful_workspace_passes_and_reads_what_it_needs() {
        let (s, now) = fixture();
        let actions: Vec<_> = s
            .plan
            .changes
            .iter()
            .map(|c| (c.action, c.key.to_string()))
            .collect();
        assert_eq!(
            actions,
            [
                (Action::Update, "C/E".to_owned()),
                (Action::Create, "C/E/n".to_owned()),
                (Action::Delete, "C/E/q".to_owned())
            ]
        );
        assert_eq!(verify(&s, &now), Ok(()));
        // The update's and the delete's ids, then the create's parent (the event, read once).
        assert_eq!(ids_to_read(&s).len(), 2);
        let props: Vec<Reread> = now
            .iter()
            .filter(|r| r.kind == Kind::Property)
            .cloned()
            .collect();
        assert_eq!(
            parents_to_read(&props).len(),
            1,
            "p and q share event E: read once"
        );
    }

    #[test]
    fn a_swapped_id_or_a_missing_live_entry_is_refused_by_name() {
        let (mut s, now) = fixture();
        // The delete of `C/E/q` pointed at `C/E/p`'s id (and its live entry with it).
        let p = now.iter().find(|r| r.title == "p").unwrap().id.clone();
        s.plan.changes[2].id = Some(p.clone());
        s.live[1].id = p;
        let msg = verify(&s, &now).unwrap_err().to_string();
        assert!(
            msg.contains("property `C/E/q` has id") && msg.contains("which is property `C/E/p`"),
            "{msg}"
        );
        assert!(
            msg.starts_with("the saved plan does not match the workspace (1 problem)"),
            "{msg}"
        );

        // The update's live entry removed: applied unchecked before.
        let (mut s, now) = fixture();
        s.live.retain(|t| t.key != "C/E");
        let msg = verify(&s, &now).unwrap_err().to_string();
        assert!(msg.contains("`C/E` ("), "{msg}");
        assert!(
            msg.contains("no matching entry in the plan's `live` list"),
            "{msg}"
        );

        // The create's parent pointed at another event.
        let (mut s, now) = fixture();
        let f = now.iter().find(|r| r.title == "F").unwrap().id.clone();
        s.plan.changes[1].parent = Some(ParentRef::Id(f));
        let msg = verify(&s, &now).unwrap_err().to_string();
        assert!(
            msg.contains("event `C/E` has id") && msg.contains("which is event `C/F`"),
            "{msg}"
        );
        // The create's parent pointed at nothing: refused, not left to fail mid-apply.
        let (mut s, now) = fixture();
        s.plan.changes[1].parent = Some(ParentRef::Id(Id("gone".into())));
        let msg = verify(&s, &now).unwrap_err().to_string();
        assert!(
            msg.contains("property `C/E/n` is created under gone, which does not exist"),
            "{msg}"
        );
    }

    #[test]
    fn a_rename_is_verified_against_the_old_title_and_its_properties_under_it() {
        let (mut s, now) = fixture();
        // `C/E` renamed `C/G`: the update, the create under it and the delete below it all
        // name the new title, while the workspace knows the event as `C/E` until the apply.
        for c in &mut s.plan.changes {
            c.key = match &c.key {
                Key::Event(cat, _) => Key::Event(cat.clone(), "G".into()),
                Key::Property(cat, _, p) => Key::Property(cat.clone(), "G".into(), p.clone()),
                k => k.clone(),
            };
            if let Some(ParentRef::Pending(_)) = &c.parent {
                unreachable!("the fixture's event exists");
            }
        }
        s.plan.changes[0].renamed_from = Some("E".into());
        for t in &mut s.live {
            t.key = t.key.replacen("C/E", "C/G", 1);
        }
        assert_eq!(verify(&s, &now), Ok(()));

        // Without `renamed_from`, the same ids are refused: they name `C/E`.
        s.plan.changes[0].renamed_from = None;
        let msg = verify(&s, &now).unwrap_err().to_string();
        assert!(
            msg.contains("event `C/G` has id") && msg.contains("which is event `C/E`"),
            "{msg}"
        );
    }
}
