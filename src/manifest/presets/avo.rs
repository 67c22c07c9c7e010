//! Avo's CSV (import template and export): one row per (event, property), the event's columns
//! repeated on each row (or left blank after the first: both are read).

use super::build::Builder;
use super::table::{Row, Table};
use super::types;
use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::node::Ctx;
use crate::manifest::{ResourceFields, TrackingFields};

const NO_CATEGORY: &str =
    "fill `Event Category`, or pass --default-category TITLE for events without one";

/// Reads every row of an Avo CSV.
pub(super) fn read(ctx: &mut Ctx<'_>, t: &Table, b: &mut Builder<'_>) {
    let mut current: Option<String> = None;
    for row in t.iter() {
        let Some(event) = row.some("Event Name").or_else(|| current.clone()) else {
            ctx.push(Diagnostic::at(
                Code::MissingField,
                row.at(ctx, "Event Name"),
                "row has no event name, and no event row comes before it",
            ));
            continue;
        };
        let fresh = current.as_deref() != Some(event.as_str());
        current = Some(event.clone());
        if fresh {
            event_row(ctx, &row, &event, b);
        }
        if !b.has_event(&event) {
            continue;
        }
        let Some(property) = row.some("Property Name") else {
            continue;
        };
        let kind = row.get("Property Type").to_lowercase();
        if !kind.is_empty() && kind != "event" && kind != "event property" {
            b.notes.skip("user and system properties", row.line);
            continue;
        }
        let typed = types::parse([row.get("Property Value Type")]);
        let array = row.flag(ctx, "Is Property Array");
        let tracking = TrackingFields {
            property_type: typed.ty,
            is_required: row.flag(ctx, "Is Property Required"),
            is_array_type: if typed.array { Some(true) } else { array },
            enum_values: types::enum_values(row.get("Property Enumeration Options").split(',')),
            regex: row.some("Property Regex"),
        };
        let fields = ResourceFields {
            description: row.some("Property Description"),
            ..ResourceFields::default()
        };
        let origin = row.origin(ctx);
        b.property(&event, &property, fields, tracking, origin);
    }
}

/// The event's own columns on a row: declares it, or fills the blanks of the declaration.
fn event_row(ctx: &mut Ctx<'_>, row: &Row<'_>, event: &str, b: &mut Builder<'_>) {
    let mut categories = row
        .get("Event Category")
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let first = categories.next().map(str::to_owned);
    if !b.has_event(event) {
        // Secoda files an event under one category: the others are counted.
        for _ in categories {
            b.notes.no_home("Event Category (beyond the first)");
        }
    }
    let Some(category) = b.category(ctx, first, row.at(ctx, "Event Category"), NO_CATEGORY) else {
        return;
    };
    if !b.has_event(event) {
        if !row.get("Sources").is_empty() {
            b.notes.no_home("Sources");
        }
        if !row.get("Stakeholders").is_empty() {
            b.notes.no_home("Stakeholders");
        }
    }
    let fields = ResourceFields {
        description: row.some("Event Description"),
        owners: row.list("Owner", &[',', ';']),
        tags: row.list("Event Tags", &[';']),
        ..ResourceFields::default()
    };
    let origin = row.origin(ctx);
    b.event(&category, event, fields, origin);
}
