//! What a plan is: the changes that would make the live workspace match the manifests.

use super::key::{Key, Kind};
use super::FieldChange;
use crate::api::{self, Id, Rate};
use crate::manifest::PropertyTypes;
use serde::{Deserialize, Serialize};

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// POST a new resource carrying every managed field.
    Create,
    /// PATCH the changed managed fields, all in one call.
    Update,
    /// DELETE (only with `--prune`, only under owned scope). Monitors are disabled instead
    /// unless `--monitors-delete` is given.
    Delete,
    /// A difference the API cannot fix (e.g. a category description: categories have no PATCH).
    Unsupported,
    /// Declared by the base set of an offline diff and not by the new one, left alone as `apply`
    /// leaves it without `--prune`: shown with what `--prune` would do, never written.
    Unmanaged,
}

impl Action {
    /// Whether the change costs a write call when applied.
    #[must_use]
    pub fn is_write(self) -> bool {
        !matches!(self, Self::Unsupported | Self::Unmanaged)
    }
}

/// Where a created resource's parent comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParentRef {
    /// The parent exists; its id.
    Id(Id),
    /// The parent is created earlier in the same plan; the executor fills in its id.
    Pending(String),
}

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What to do.
    pub action: Action,
    /// Resource kind.
    pub kind: Kind,
    /// Natural key (rendered as `Category/Event/property`).
    #[serde(with = "key_as_string")]
    pub key: Key,
    /// Human label (monitor name; the key's last part otherwise).
    pub label: String,
    /// Live id (updates, deletes, unsupported).
    pub id: Option<Id>,
    /// The live title an update renames (`renamed_from` in the manifests): the PATCH sends the
    /// key's title along with the changed fields, and the id keeps the old title until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Parent of a create (events and properties).
    pub parent: Option<ParentRef>,
    /// For a create: every managed field; for an update: the changed ones; for a delete: none.
    pub fields: Vec<FieldChange>,
    /// Live `updated_at` when planned; a saved plan refuses to apply if it moved.
    pub live_updated_at: Option<String>,
    /// Why the change is unsupported or blocked (e.g. over `--max-deletes`).
    pub note: Option<String>,
    /// A delete held back (by a safety cap or `no-delete-used`): shown, never applied.
    #[serde(default, deserialize_with = "block_or_bool")]
    pub blocked: Option<Block>,
    /// What Secoda reports of the use of a deleted event or property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Resources a delete removes along with its own (an event delete takes its properties):
    /// the caps count them, so a truncated file cannot slip 40 deletes past them as 7.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cascade: usize,
}

/// Why a delete is held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// The deletes remove more than `--max-deletes` or `--max-delete-percent` allow.
    Cap,
    /// The `no-delete-used` rule: the workspace reports usage for the resource and
    /// `--allow-used-deletes` does not name it.
    Used,
}

/// Plans saved before `blocked` said why wrote a bool: `true` was a cap.
fn block_or_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Block>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Bool(bool),
        Block(Block),
    }
    Ok(match Option::<Wire>::deserialize(d)? {
        None | Some(Wire::Bool(false)) => None,
        Some(Wire::Bool(true)) => Some(Block::Cap),
        Some(Wire::Block(b)) => Some(b),
    })
}

/// Secoda's usage counters of a resource (`total_usage`, `internal_usage`, `external_usage`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Usage {
    /// `total_usage`.
    pub total: u64,
    /// `internal_usage`: uses inside Secoda.
    pub internal: u64,
    /// `external_usage`: uses the source reports.
    pub external: u64,
}

impl Usage {
    /// The counters of a live resource.
    #[must_use]
    pub fn of(r: &api::Resource) -> Self {
        Self {
            total: r.total_usage,
            internal: r.internal_usage,
            external: r.external_usage,
        }
    }

    /// Whether Secoda reports any use at all.
    #[must_use]
    pub fn is_used(self) -> bool {
        self.total > 0
    }
}

impl Change {
    /// A change of `key` carrying nothing else yet (no id, parent, fields or note).
    #[must_use]
    pub fn new(action: Action, key: Key, label: String) -> Self {
        Self {
            action,
            kind: key.kind(),
            key,
            label,
            id: None,
            renamed_from: None,
            parent: None,
            fields: Vec::new(),
            live_updated_at: None,
            note: None,
            blocked: None,
            usage: None,
            cascade: 0,
        }
    }

    /// Whether the change is held back (never applied).
    #[must_use]
    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some()
    }

    /// Whether this is a delete of a resource Secoda reports usage for.
    #[must_use]
    pub fn deletes_used(&self) -> bool {
        self.action == Action::Delete && self.usage.is_some_and(Usage::is_used)
    }

    /// Resources this change removes: its own plus its cascade for a delete, else none.
    #[must_use]
    pub fn removes(&self) -> usize {
        if self.action == Action::Delete {
            1 + self.cascade
        } else {
            0
        }
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Keys round-trip through their display form plus the kind (monitors keep their parts).
mod key_as_string {
    use super::Key;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Path(String),
        Monitor {
            target: String,
            metric_type: String,
            metric_config: String,
        },
        Tag {
            tag: String,
        },
    }

    pub(super) fn serialize<S: Serializer>(k: &Key, s: S) -> Result<S::Ok, S::Error> {
        match k {
            Key::Monitor(t, m, c) => Wire::Monitor {
                target: t.clone(),
                metric_type: m.clone(),
                metric_config: c.clone(),
            }
            .serialize(s),
            Key::Tag(t) => Wire::Tag { tag: t.clone() }.serialize(s),
            other => other.to_string().serialize(s),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        match Wire::deserialize(d)? {
            Wire::Path(p) => Key::parse_path(&p).map_err(serde::de::Error::custom),
            Wire::Monitor {
                target,
                metric_type,
                metric_config,
            } => Ok(Key::Monitor(target, metric_type, metric_config)),
            Wire::Tag { tag } => Ok(Key::Tag(tag)),
        }
    }
}

/// Counts per action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Creates.
    pub create: usize,
    /// Updates.
    pub update: usize,
    /// Deletes (including blocked ones).
    pub delete: usize,
    /// Unsupported differences.
    pub unsupported: usize,
    /// Resources no longer managed and left alone (offline diffs without `--prune`).
    #[serde(default)]
    pub unmanaged: usize,
    /// Deletes held back (by a safety cap or `no-delete-used`).
    pub blocked: usize,
    /// Of `blocked`, those `no-delete-used` holds back.
    #[serde(default)]
    pub blocked_used: usize,
    /// Deletes of resources Secoda reports usage for (blocked or not).
    #[serde(default)]
    pub used_deletes: usize,
    /// Resources the deletes remove (an event delete counts its properties too).
    #[serde(default)]
    pub removes: usize,
}

impl Summary {
    /// Write calls an apply would make (one per create, update and unblocked delete).
    #[must_use]
    pub fn writes(&self) -> usize {
        self.create + self.update + self.delete - self.blocked
    }

    /// Whether the workspace already matches.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.create + self.update + self.delete + self.unsupported + self.unmanaged == 0
    }
}

/// The integration a plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationInfo {
    /// Id.
    pub id: Id,
    /// Display name.
    pub name: String,
}

/// A plan: changes in dependency order (parents before children, child deletes before parent
/// deletes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The integration planned against.
    pub integration: IntegrationInfo,
    /// The changes, in an order the executor may follow one by one.
    pub changes: Vec<Change>,
    /// Writes the apply's lease costs on top of the changes' (0 = no lease is taken).
    #[serde(default)]
    pub lease_writes: usize,
    /// Live resources sharing a key, for the warnings `plan` and `apply` print.
    #[serde(skip)]
    pub twins: Vec<super::twins::Twins>,
    /// Renames the workspace makes ambiguous (the new title and an old one both live, or two
    /// old ones): the plan is refused before any write until the user picks one.
    #[serde(skip)]
    pub rename_conflicts: Vec<super::renames::RenameConflict>,
    /// Managed fields the workspace does not return, so never compared (see
    /// `fidelity::uncompared`); shown once, never written to existing resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_readable: Vec<super::fidelity::NotReadable>,
    /// Managed fields an apply proved the workspace does not keep (see `fidelity::record`): left
    /// uncompared on existing resources, shown once instead of offered again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_kept: Vec<super::fidelity::NotKept>,
    /// Every field the workspace's record held when the plan was made (kind, wire name; empty
    /// under `--recheck-fields`): already known not kept, so an apply does not stop on them
    /// again. Not saved: a saved plan's apply stops as on a first discovery.
    #[serde(skip)]
    pub recorded: Vec<(Kind, String)>,
    /// Live resources inside prune scope when planned: the base of `--max-delete-percent`,
    /// which a saved plan records so `apply --plan` can check its deletes against it.
    #[serde(skip)]
    pub managed_live: usize,
    /// The integration's lease home and the leases in it as the plan's read found them, for
    /// an apply made right after (`None` for a saved plan: its apply looks for itself).
    #[serde(skip)]
    pub leases_seen: Option<super::reserved::LeasesSeen>,
}

impl Plan {
    /// Counts per action.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.create += 1,
                Action::Update => s.update += 1,
                Action::Delete => s.delete += 1,
                Action::Unsupported => s.unsupported += 1,
                Action::Unmanaged => s.unmanaged += 1,
            }
            match c.blocked {
                Some(Block::Cap) => s.blocked += 1,
                Some(Block::Used) => {
                    s.blocked += 1;
                    s.blocked_used += 1;
                }
                None => {}
            }
            if c.deletes_used() {
                s.used_deletes += 1;
            }
            s.removes += c.removes();
        }
        s
    }

    /// Every write an apply makes: the changes' plus the lease's.
    #[must_use]
    pub fn total_writes(&self) -> usize {
        self.summary().writes() + self.lease_writes
    }

    /// Estimated apply time at `rate`, for the `N writes, about 4m10s at 30/min` line.
    #[must_use]
    pub fn eta(&self, rate: Rate) -> std::time::Duration {
        rate.time_for(self.total_writes())
    }
}

/// What the workspace holds for one integration, as read through the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// The integration.
    pub integration: api::Integration,
    /// Its event categories.
    pub categories: Vec<api::Resource>,
    /// Its events (parent = category id).
    pub events: Vec<api::Resource>,
    /// Its event properties (parent = event id).
    pub properties: Vec<api::Resource>,
    /// The workspace's monitors.
    pub monitors: Vec<api::Monitor>,
    /// The workspace's tags.
    pub tags: Vec<api::Tag>,
    /// Fields applies proved the workspace does not keep (its record event, `fidelity::record`).
    pub not_kept: super::fidelity::Record,
}

/// The default of `--max-deletes` (and `max_deletes` in the config file).
pub(crate) const MAX_DELETES: usize = 25;

/// The default of `--max-delete-percent` (and `max_delete_percent` in the config file).
pub(crate) const MAX_DELETE_PERCENT: f64 = 10.0;

/// Knobs of the diff that come from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffOptions {
    /// Plan deletes for undeclared resources under owned scope.
    pub prune: bool,
    /// Only resources carrying this tag id are pruned; creates get it added.
    pub owner_tag: Option<Id>,
    /// Limit the plan to these subtrees (empty = everything).
    pub targets: Vec<Key>,
    /// Leave these subtrees out (`--exclude`), even under a target.
    pub excludes: Vec<Key>,
    /// Deletes removing more resources than this (an event's properties count) are blocked.
    pub max_deletes: usize,
    /// Deletes removing more than this percentage of managed live resources are blocked.
    pub max_delete_percent: f64,
    /// Prune monitors by deleting instead of disabling them.
    pub monitors_delete: bool,
    /// Which deletes of used resources are held back (`no-delete-used`).
    pub used_deletes: UsedDeletes,
    /// Compare the fields the workspace's record says it does not keep, as if none were
    /// recorded (`--recheck-fields`).
    pub recheck_fields: bool,
    /// Where the tracking-plan fields of properties go (`--property-types`).
    pub property_types: PropertyTypes,
}

/// The `no-delete-used` rule as the diff applies it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsedDeletes {
    /// Deletes of resources used at least this often are held back (`None`: the rule is off
    /// or only warns).
    pub min_usage: Option<u64>,
    /// `--allow-used-deletes`: what may be deleted anyway.
    pub allow: AllowUsed,
}

impl UsedDeletes {
    /// The usage of `c` when the rule judges it: a delete of a resource used at least
    /// `min_usage` times (never less than once) that `allow` does not let through.
    #[must_use]
    pub fn judges(&self, c: &Change) -> Option<u64> {
        let min = self.min_usage?.max(1);
        let usage = c.usage.filter(|_| c.action == Action::Delete)?;
        (usage.total >= min && !self.allow.allows(&c.key)).then_some(usage.total)
    }
}

/// What `--allow-used-deletes` lets through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowUsed {
    /// Nothing (the flag was not given).
    #[default]
    Nothing,
    /// Every used delete (the flag given alone).
    All,
    /// The deletes under these keys.
    Keys(Vec<Key>),
}

impl AllowUsed {
    /// The flag's values as given: `None` when absent, `Some([])` when given alone.
    #[must_use]
    pub fn from_flag(keys: Option<Vec<Key>>) -> Self {
        match keys {
            None => Self::Nothing,
            Some(k) if k.is_empty() => Self::All,
            Some(k) => Self::Keys(k),
        }
    }

    /// Whether the delete of `key` is let through.
    #[must_use]
    pub fn allows(&self, key: &Key) -> bool {
        match self {
            Self::Nothing => false,
            Self::All => true,
            Self::Keys(keys) => keys.iter().any(|k| key.is_within(k)),
        }
    }
}

impl Default for DiffOptions {
    fn default() -> Self {
        Self {
            prune: false,
            owner_tag: None,
            targets: Vec::new(),
            excludes: Vec::new(),
            max_deletes: MAX_DELETES,
            max_delete_percent: MAX_DELETE_PERCENT,
            monitors_delete: false,
            used_deletes: UsedDeletes::default(),
            recheck_fields: false,
            property_types: PropertyTypes::Native,
        }
    }
}
