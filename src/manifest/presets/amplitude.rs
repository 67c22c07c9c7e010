//! Amplitude Data's CSV export: typed rows, an `Event` (or `Property Group`) row followed by its
//! `Event Property` rows, the object columns on property rows blank or repeated (filled down).

use super::build::Builder;
use super::table::{Row, Table};
use super::types;
use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::node::Ctx;
use crate::manifest::{Origin, ResourceFields, TrackingFields};
use std::collections::BTreeMap;

const NO_CATEGORY: &str =
    "fill `Event Category`, or pass --default-category TITLE for events without one";

/// What the rows so far belong to.
enum Current {
    None,
    Event(String),
    Group(String),
    /// A removed event or an object type Secoda has no home for: its rows are skipped.
    Skipped(String),
}

/// A property read under a property group, to copy into the events using the group.
type GroupProp = (String, ResourceFields, TrackingFields, Origin);

/// Reads every row of an Amplitude Data CSV.
pub(super) fn read(ctx: &mut Ctx<'_>, t: &Table, b: &mut Builder<'_>) {
    let mut current = Current::None;
    let mut groups: BTreeMap<String, Vec<GroupProp>> = BTreeMap::new();
    let mut uses: Vec<(String, Vec<String>)> = Vec::new();
    for row in t.iter() {
        let removed = row.get("Action").eq_ignore_ascii_case("remove");
        // `Remove` on a row naming a property removes the property, not its event.
        let removes_object = removed && row.get("Event Property Name").is_empty();
        let kind = row.get("Object Type").to_lowercase();
        let name = row.some("Object Name");
        let starts = match (&current, &name) {
            (Current::Event(e) | Current::Group(e) | Current::Skipped(e), Some(n)) => e != n,
            (_, Some(_)) => true,
            (_, None) => false,
        };
        if starts || (name.is_some() && removes_object) {
            let name = name.clone().unwrap_or_default();
            current = if removes_object {
                b.notes.skip("removed rows", row.line);
                Current::Skipped(name)
            } else if kind == "event" || kind.is_empty() {
                event_row(ctx, &row, &name, b, &mut uses);
                if b.has_event(&name) {
                    Current::Event(name)
                } else {
                    Current::Skipped(name)
                }
            } else if kind == "property group" {
                groups.entry(name.clone()).or_default();
                Current::Group(name)
            } else {
                b.notes.skip("objects other than events", row.line);
                Current::Skipped(name)
            };
            if removes_object {
                continue;
            }
        }
        let Some(property) = row.some("Event Property Name") else {
            continue;
        };
        let ptype = row.get("Property Type").to_lowercase();
        if removed {
            b.notes.skip("removed rows", row.line);
            continue;
        }
        if !ptype.is_empty() && ptype != "event property" {
            b.notes.skip("user properties", row.line);
            continue;
        }
        let (fields, tracking) = property_fields(ctx, &row);
        let origin = row.origin(ctx);
        match &current {
            Current::Event(e) => b.property(e, &property, fields, tracking, origin),
            Current::Group(g) => groups
                .entry(g.clone())
                .or_default()
                .push((property, fields, tracking, origin)),
            Current::Skipped(_) => {}
            Current::None => ctx.push(
                Diagnostic::at(
                    Code::MissingParent,
                    row.at(ctx, "Event Property Name"),
                    format!("property `{property}` comes before any event row"),
                )
                .hint("an `Event` row (Object Type, Object Name) goes before its properties"),
            ),
        }
    }
    expand_groups(b, &groups, &uses);
}

/// Copies each group's properties into the events that name it; a group no event names is
/// counted, since the file does not say where its properties go.
fn expand_groups(
    b: &mut Builder<'_>,
    groups: &BTreeMap<String, Vec<GroupProp>>,
    uses: &[(String, Vec<String>)],
) {
    let mut used: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (event, names) in uses {
        for g in names {
            if let Some(props) = groups.get(g) {
                used.insert(g.as_str());
                for (title, fields, tracking, origin) in props {
                    b.property(
                        event,
                        title,
                        fields.clone(),
                        tracking.clone(),
                        origin.clone(),
                    );
                }
            }
        }
    }
    for (g, props) in groups {
        if !used.contains(g.as_str()) {
            for (_, _, _, origin) in props {
                b.notes
                    .skip("property-group properties no event names", origin.line);
            }
        }
    }
}

fn event_row(
    ctx: &mut Ctx<'_>,
    row: &Row<'_>,
    name: &str,
    b: &mut Builder<'_>,
    uses: &mut Vec<(String, Vec<String>)>,
) {
    let own = row.some("Event Category");
    let Some(category) = b.category(ctx, own, row.at(ctx, "Event Category"), NO_CATEGORY) else {
        return;
    };
    if !b.has_event(name) {
        if !row.get("Event Activity").is_empty() {
            b.notes.no_home("Event Activity");
        }
        if !row.get("Event Source").is_empty() {
            b.notes.no_home("Event Source");
        }
        if let Some(groups) = row.list("Property Groups", &[',', ';']) {
            uses.push((name.to_owned(), groups.into_iter().collect()));
        }
    }
    let fields = ResourceFields {
        description: row.some("Object Description"),
        tags: row.list("Tags", &[',', ';']),
        owners: row.list("Owner", &[',', ';']),
        ..ResourceFields::default()
    };
    let origin = row.origin(ctx);
    b.event(&category, name, fields, origin);
}

fn property_fields(ctx: &mut Ctx<'_>, row: &Row<'_>) -> (ResourceFields, TrackingFields) {
    let typed = types::parse(row.get("Property Value Type").split(','));
    let array = row.flag(ctx, "Property Is Array");
    let tracking = TrackingFields {
        property_type: typed.ty,
        is_required: row.flag(ctx, "Property Required"),
        is_array_type: if typed.array { Some(true) } else { array },
        enum_values: types::enum_values(row.get("Enum Values").split(',')),
        regex: row.some("Property Regex"),
    };
    let fields = ResourceFields {
        description: row.some("Property Description"),
        ..ResourceFields::default()
    };
    (fields, tracking)
}
