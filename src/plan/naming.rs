//! Ids to names: the name a manifest may use for each id the workspace holds, kept only when
//! it resolves back to the same id the way a manifest's name would; anything else stays the
//! UUID.

use super::resolve::{resolve, Lookups};
use super::IntegrationInfo;
use crate::api::{self, Id, Resource, WireRef};
use crate::manifest::fields::{self, FieldKind, FieldSpec, FieldValue, Group, NameKind};
use crate::manifest::{
    Category, CategoryFields, Event, IntegrationRef, ManifestSet, Monitor, NameSet, Origin,
    Property, ResourceFields, Schedule, Thresholds, TrackingFields,
};
use std::collections::HashMap;

/// Id -> the name a manifest may use for it, per field; ids without an entry stay ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct Namer {
    users: HashMap<Id, String>,
    teams: HashMap<Id, String>,
    tags: HashMap<Id, String>,
    collections: HashMap<Id, String>,
    targets: HashMap<Id, String>,
}

impl Namer {
    /// Indexes every name in `lookups` that resolves back to its own id; with `list_safe`,
    /// names holding `,` or `;` are left out (CSV cannot carry them in a list cell).
    #[must_use]
    pub(crate) fn new(lookups: &Lookups, list_safe: bool) -> Self {
        let usable = |field: &str, name: &str, id: &Id| {
            !name.is_empty()
                && name.trim() == name
                && !(list_safe && name.contains([',', ';']))
                && lookups.resolve_name(field, name).as_ref() == Ok(id)
        };
        let index = |field: &str, items: Vec<(&Id, &str)>| -> HashMap<Id, String> {
            items
                .into_iter()
                .filter(|(id, name)| usable(field, name, id))
                .map(|(id, name)| (id.clone(), name.to_owned()))
                .collect()
        };
        let users = lookups
            .users
            .iter()
            .filter_map(|u| {
                [u.email.as_str(), u.display_name.as_str()]
                    .into_iter()
                    .find(|n| usable("owners", n, &u.id))
                    .map(|n| (u.id.clone(), n.to_owned()))
            })
            .collect();
        let targets = lookups
            .targets
            .iter()
            .filter_map(|(path, rs)| match rs.as_slice() {
                [one] if usable("target", path, &one.id) => Some((one.id.clone(), path.clone())),
                _ => None,
            })
            .collect();
        Self {
            users,
            teams: index(
                "teams",
                lookups
                    .teams
                    .iter()
                    .map(|t| (&t.id, t.name.as_str()))
                    .collect(),
            ),
            tags: index(
                "tags",
                lookups
                    .tags
                    .iter()
                    .map(|t| (&t.id, t.name.as_str()))
                    .collect(),
            ),
            collections: index(
                "collections",
                lookups
                    .collections
                    .iter()
                    .map(|c| (&c.id, c.title.as_str()))
                    .collect(),
            ),
            targets,
        }
    }

    /// A monitor target as its catalog path when known, else its id.
    #[must_use]
    pub(crate) fn target(&self, id: &Id) -> String {
        self.targets.get(id).unwrap_or(&id.0).clone()
    }

    fn names(map: &HashMap<Id, String>, ids: &[Id]) -> Option<NameSet> {
        (!ids.is_empty()).then(|| {
            ids.iter()
                .map(|id| map.get(id).unwrap_or(&id.0).clone())
                .collect()
        })
    }

    /// Event and property fields with ids turned into names; empty ones left out.
    #[must_use]
    pub(crate) fn fields(&self, r: &Resource) -> ResourceFields {
        let mut f = ResourceFields::default();
        for spec in fields::group(Group::Resource) {
            f.set(spec.name, self.value(spec, r));
        }
        f
    }

    /// The fields a category carries, ids turned into names; empty ones left out.
    fn category_fields(&self, r: &Resource) -> CategoryFields {
        let mut c = CategoryFields::default();
        for spec in fields::category() {
            c.set(spec.name, self.value(spec, r));
        }
        c
    }

    /// The tracking-plan fields a property holds; empty text left out.
    fn tracking(&self, r: &Resource) -> TrackingFields {
        let mut t = TrackingFields::default();
        for spec in fields::group(Group::Tracking) {
            t.set(spec.name, self.value(spec, r));
        }
        t
    }

    /// One field of the table as a manifest would write it: empty text and lists left out.
    fn value(&self, spec: &FieldSpec, r: &Resource) -> Option<FieldValue<NameSet>> {
        match (spec.kind, r.field(spec.name)?) {
            (_, WireRef::Text(s)) => text(s).map(FieldValue::Text),
            (_, WireRef::Bool(b)) => Some(FieldValue::Bool(b)),
            (FieldKind::Names(n), WireRef::Ids(ids)) => {
                let map = match n {
                    NameKind::Users => &self.users,
                    NameKind::Teams => &self.teams,
                    NameKind::Tags => &self.tags,
                    NameKind::Collections => &self.collections,
                };
                Self::names(map, ids).map(FieldValue::Names)
            }
            (_, WireRef::Ids(_)) => None,
        }
    }

    /// A category without its events.
    #[must_use]
    pub(crate) fn category(&self, r: &Resource, origin: &Origin) -> Category {
        Category {
            title: r.title.trim().to_owned(),
            fields: self.category_fields(r),
            protect: false,
            events: Vec::new(),
            origin: origin.clone(),
        }
    }

    /// An event without its properties.
    #[must_use]
    pub(crate) fn event(&self, r: &Resource, origin: &Origin) -> Event {
        Event {
            title: r.title.trim().to_owned(),
            fields: self.fields(r),
            protect: false,
            renamed_from: Vec::new(),
            properties: Vec::new(),
            origin: origin.clone(),
        }
    }

    /// A property.
    #[must_use]
    pub(crate) fn property(&self, r: &Resource, origin: &Origin) -> Property {
        Property {
            title: r.title.trim().to_owned(),
            fields: self.fields(r),
            tracking: self.tracking(r),
            protect: false,
            renamed_from: Vec::new(),
            origin: origin.clone(),
        }
    }

    /// A monitor, or why it cannot be exported. Parts a manifest cannot express (an unknown
    /// cadence, a fractional sensitivity) are left unmanaged and reported in `warnings`.
    ///
    /// # Errors
    /// A monitor without a target or metric type (a manifest requires both).
    pub(crate) fn monitor(
        &self,
        m: &api::Monitor,
        origin: &Origin,
        warnings: &mut Vec<String>,
    ) -> Result<Monitor, String> {
        let Some(target) = m.target.as_ref() else {
            return Err(format!("monitor {}: no target, not exported", m.id));
        };
        let metric_type = m.metric_type.trim();
        if metric_type.is_empty() {
            return Err(format!("monitor {}: no metric type, not exported", m.id));
        }
        let target = self.target(target);
        // A monitor without a name stays unnamed, so the export leaves its name unmanaged.
        let name = m.name.trim().to_owned();
        let thresholds = match (
            m.condition_auto_sensitivity,
            m.condition_manual_min,
            m.condition_manual_max,
        ) {
            (Some(s), ..) => match sensitivity(s) {
                Some(sensitivity) => Some(Thresholds::Auto { sensitivity }),
                None => {
                    warnings.push(format!(
                        "monitor `{name}`: sensitivity {s} is not a whole number 1..=10; \
                         thresholds left unmanaged"
                    ));
                    None
                }
            },
            (None, None, None) => None,
            (None, min, max) => Some(Thresholds::Manual { min, max }),
        };
        let schedule = m.schedule.as_ref().and_then(|s| {
            let cadence = s
                .cadence
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let known = cadence.filter(|c| crate::manifest::validate::CADENCES.contains(c));
            if let (Some(c), None) = (cadence, known) {
                warnings.push(format!(
                    "monitor `{name}`: cadence `{c}` has no manifest form; left unmanaged"
                ));
            }
            let s = Schedule {
                cadence: known.map(str::to_owned),
                frequency: s.frequency,
                day: s.day,
                hour: s.hour,
            };
            (s != Schedule::default()).then_some(s)
        });
        // Secoda's monitor objects carry only the run interval in hours (`frequency`).
        let schedule = schedule.or_else(|| {
            let hours = m.frequency?;
            let s = schedule_of_hours(hours);
            if s.is_none() {
                warnings.push(format!(
                    "monitor `{name}`: a run every {hours} hours has no cadence; schedule left \
                     unmanaged"
                ));
            }
            s
        });
        Ok(Monitor {
            name,
            target: Some(target),
            metric_type: Some(metric_type.to_owned()),
            metric_config: (!m.metric_config.is_empty()).then(|| m.metric_config.clone()),
            is_enabled: m.is_enabled,
            thresholds,
            schedule,
            protect: false,
            origin: origin.clone(),
        })
    }
}

/// A run interval in hours as the manifest's schedule: the largest cadence that divides it
/// (`48` -> daily x 2, `168` -> weekly x 1, `6` -> hourly x 6); `None` for an interval that is
/// not a positive whole number of hours. The diff compares a schedule through the same hours,
/// so the export plans to no changes.
#[must_use]
pub(crate) fn schedule_of_hours(hours: f64) -> Option<Schedule> {
    if !(hours.is_finite() && hours >= 1.0 && hours.fract() == 0.0 && hours <= f64::from(u32::MAX))
    {
        return None;
    }
    // Whole and in range, checked above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let hours = hours as u32;
    let (cadence, unit) = [("weekly", 168), ("daily", 24), ("hourly", 1)]
        .into_iter()
        .find(|(_, unit)| hours % unit == 0)?;
    Some(Schedule {
        cadence: Some(cadence.to_owned()),
        frequency: Some(hours / unit),
        day: None,
        hour: None,
    })
}

/// `Some` for text worth managing; blank text (which CSV cannot tell from unset) is left out.
fn text(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// A live sensitivity as the manifest's 1..=10, when it is one.
fn sensitivity(s: f64) -> Option<u8> {
    (s.fract() == 0.0 && (1.0..=10.0).contains(&s))
        .then(|| format!("{s:.0}").parse().ok())
        .flatten()
}

/// How the export names the integration: by name when that name leads back to exactly this
/// integration (and does not read as a UUID), else by id.
pub(crate) fn integration_ref(info: &IntegrationInfo, lookups: &Lookups) -> IntegrationRef {
    let named = IntegrationRef::Name(info.name.clone());
    let by_name = ManifestSet {
        vendor_files: Vec::new(),
        integration: Some(named.clone()),
        ..ManifestSet::default()
    };
    if IntegrationRef::parse(&info.name) == named
        && resolve(&by_name, lookups).is_ok_and(|r| r.integration.id == info.id)
    {
        named
    } else {
        IntegrationRef::Id(info.id.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::MonitorSchedule;
    use crate::plan::naming_fixtures::{id, lookups, origin};

    fn names(items: &[&str]) -> Option<NameSet> {
        Some(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn run_intervals_in_hours_become_the_largest_cadence() {
        let of = |h: f64| {
            schedule_of_hours(h).map(|s| (s.cadence.unwrap_or_default(), s.frequency.unwrap()))
        };
        assert_eq!(of(6.0), Some(("hourly".to_owned(), 6)));
        assert_eq!(of(24.0), Some(("daily".to_owned(), 1)));
        assert_eq!(of(48.0), Some(("daily".to_owned(), 2)));
        assert_eq!(of(168.0), Some(("weekly".to_owned(), 1)));
        assert_eq!(of(336.0), Some(("weekly".to_owned(), 2)));
        for bad in [0.0, -24.0, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(of(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_become_names_only_when_the_name_resolves_back() {
        let namer = Namer::new(&lookups(), false);
        let r = Resource {
            teams: vec![id(1), id(2), id(4), id(99)],
            owners: vec![id(20), id(21), id(22)],
            tags: vec![id(10)],
            collections: vec![id(30)],
            ..Resource::default()
        };
        let f = namer.fields(&r);
        // Twin is ambiguous, ` Padded` would be trimmed on load, 99 is unknown: all stay ids.
        assert_eq!(f.teams, names(&["Growth", &id(2).0, &id(4).0, &id(99).0]));
        // Email first, display name when there is no email, id when the name is shared.
        assert_eq!(f.owners, names(&["alice@acme.test", "Robot", &id(22).0]));
        assert_eq!(f.tags, names(&["a;b"]));
        assert_eq!(f.collections, names(&["Revenue Metrics"]));
        assert_eq!(namer.target(&id(40)), "analytics.public.orders");
        assert_eq!(
            namer.target(&id(41)),
            id(41).0,
            "an ambiguous path keeps the id"
        );
    }

    #[test]
    fn csv_export_keeps_ids_for_names_a_list_cell_would_split() {
        let namer = Namer::new(&lookups(), true);
        let r = Resource {
            tags: vec![id(10)],
            ..Resource::default()
        };
        assert_eq!(namer.fields(&r).tags, names(&[&id(10).0]));
    }

    #[test]
    fn empty_fields_are_omitted_and_booleans_always_written() {
        let namer = Namer::new(&lookups(), false);
        let r = Resource {
            title: "order_id".into(),
            description: "  ".into(),
            definition: String::new(),
            enum_values: Some(String::new()),
            is_required: Some(false),
            ..Resource::default()
        };
        let p = namer.property(&r, &origin());
        assert_eq!(
            p.fields,
            ResourceFields {
                pii: Some(false),
                verified: Some(false),
                published: Some(false),
                ..ResourceFields::default()
            }
        );
        assert_eq!(
            p.tracking,
            TrackingFields {
                is_required: Some(false),
                ..TrackingFields::default()
            }
        );
        let r = Resource {
            description: "Fired once".into(),
            definition: "# Docs\n".into(),
            pii: true,
            ..Resource::default()
        };
        let f = namer.fields(&r);
        assert_eq!(f.description.as_deref(), Some("Fired once"));
        assert_eq!(f.definition.as_deref(), Some("# Docs\n"), "kept exactly");
        assert_eq!(f.pii, Some(true));
    }

    #[test]
    fn monitors_export_paths_and_leave_out_what_a_manifest_cannot_say() {
        let namer = Namer::new(&lookups(), false);
        let live = api::Monitor {
            id: id(50),
            target: Some(id(40)),
            metric_type: "row_count".into(),
            is_enabled: true,
            condition_auto_sensitivity: Some(2.5),
            schedule: Some(MonitorSchedule {
                cadence: Some("monthly".into()),
                frequency: Some(1),
                ..MonitorSchedule::default()
            }),
            ..api::Monitor::default()
        };
        let mut warnings = Vec::new();
        let m = namer.monitor(&live, &origin(), &mut warnings).unwrap();
        assert_eq!(m.target.as_deref(), Some("analytics.public.orders"));
        assert_eq!(
            m.name, "",
            "no name on the server: the name stays unmanaged"
        );
        assert_eq!(m.metric_config, None, "an empty config is not managed");
        assert_eq!(m.thresholds, None);
        assert_eq!(
            m.schedule,
            Some(Schedule {
                frequency: Some(1),
                ..Schedule::default()
            })
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");

        let manual = api::Monitor {
            name: "Bounds".into(),
            condition_manual_max: Some(0.0),
            ..live.clone()
        };
        let m = namer
            .monitor(
                &api::Monitor {
                    condition_auto_sensitivity: None,
                    ..manual
                },
                &origin(),
                &mut warnings,
            )
            .unwrap();
        assert_eq!(
            m.thresholds,
            Some(Thresholds::Manual {
                min: None,
                max: Some(0.0)
            })
        );
        let untargeted = api::Monitor {
            target: None,
            ..live
        };
        assert!(namer
            .monitor(&untargeted, &origin(), &mut warnings)
            .is_err());
    }
}
