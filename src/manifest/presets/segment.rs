//! Segment Protocols' tracking-plan CSV: an event row (blank `Property Name`) followed by its
//! property rows; required-ness lives in the type (`string` required, `string,null` optional).

use super::build::Builder;
use super::table::{Row, Table};
use super::types;
use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::node::Ctx;
use crate::manifest::{ResourceFields, TrackingFields};

/// The hint when an event's category is nowhere.
pub(super) const NO_CATEGORY: &str = "Segment has no categories: label events `category:TITLE` \
     (or pass --category-label KEY), or pass --default-category TITLE";

/// The category label's key (`--category-label`, `category` by default).
pub(super) fn category_key(b: &Builder<'_>) -> String {
    b.opts
        .category_label
        .clone()
        .unwrap_or_else(|| "category".into())
}

/// Takes the category out of `labels` and counts the other labels as homeless; then the
/// category by `--default-category`, or an error at `at`.
pub(super) fn category_of(
    ctx: &mut Ctx<'_>,
    b: &mut Builder<'_>,
    labels: Vec<(String, String)>,
    at: Location,
) -> Option<String> {
    let key = category_key(b);
    let mut category = None;
    for (k, v) in labels {
        if category.is_none() && k.eq_ignore_ascii_case(&key) && !v.is_empty() {
            category = Some(v);
        } else {
            b.notes.no_home("Labels (other than the category)");
        }
    }
    b.category(ctx, category, at, NO_CATEGORY)
}

/// Splits a `Labels` cell (`key:value` items separated by commas, semicolons or newlines).
fn labels(cell: &str) -> Vec<(String, String)> {
    cell.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| match item.split_once(':') {
            Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
            None => (item.to_owned(), String::new()),
        })
        .collect()
}

/// Reads every row of a Segment Protocols CSV.
pub(super) fn read(ctx: &mut Ctx<'_>, t: &Table, b: &mut Builder<'_>) {
    // The event the property rows belong to, and whether it is carried (a non-track event's
    // rows are skipped).
    let mut current: Option<(String, bool)> = None;
    for row in t.iter() {
        let property = row.some("Property Name");
        let name = row.some("Event Name");
        let fresh = match (&current, &name) {
            (Some((e, _)), Some(n)) => e != n,
            (_, Some(_)) => true,
            (_, None) => false,
        };
        if property.is_none() || fresh {
            let Some(name) = name else {
                ctx.push(Diagnostic::at(
                    Code::MissingField,
                    row.at(ctx, "Event Name"),
                    "event row has no `Event Name`",
                ));
                current = Some((String::new(), false));
                continue;
            };
            let carried = event_row(ctx, &row, &name, b).is_some();
            current = Some((name, carried));
            if property.is_none() {
                continue;
            }
        }
        let Some(property) = property else { continue };
        match &current {
            Some((event, true)) => {
                let (fields, tracking) = property_fields(&row);
                let origin = row.origin(ctx);
                b.property(event, &property, fields, tracking, origin);
            }
            Some((_, false)) => {}
            None => ctx.push(
                Diagnostic::at(
                    Code::MissingParent,
                    row.at(ctx, "Property Name"),
                    format!("property `{property}` comes before any event row"),
                )
                .hint("an event row (blank `Property Name`) goes before its properties"),
            ),
        }
    }
}

/// Declares the event of an event row; `None` when it is not a `Track` event or has no category.
fn event_row(ctx: &mut Ctx<'_>, row: &Row<'_>, name: &str, b: &mut Builder<'_>) -> Option<String> {
    let kind = row.get("Event Type");
    if !kind.is_empty() && !kind.eq_ignore_ascii_case("track") {
        b.notes
            .skip("non-track events (and their properties)", row.line);
        return None;
    }
    if b.has_event(name) {
        return Some(name.to_owned());
    }
    let at = row.at(ctx, "Labels");
    let category = category_of(ctx, b, labels(row.get("Labels")), at)?;
    let fields = ResourceFields {
        description: row.some("Description"),
        ..ResourceFields::default()
    };
    let origin = row.origin(ctx);
    b.event(&category, name, fields, origin);
    Some(name.to_owned())
}

fn property_fields(row: &Row<'_>) -> (ResourceFields, TrackingFields) {
    let cell = row.get("Property Data Type");
    let typed = types::parse(cell.split([',', '|']));
    let tracking = TrackingFields {
        is_required: (!cell.is_empty()).then_some(!typed.nullable),
        is_array_type: (!cell.is_empty()).then_some(typed.array),
        property_type: typed.ty,
        enum_values: types::enum_values(row.get("Enum Values").split(',')),
        regex: row.some("Pattern"),
    };
    let fields = ResourceFields {
        description: row.some("Description"),
        ..ResourceFields::default()
    };
    (fields, tracking)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_into_pairs() {
        assert_eq!(
            labels("category:Checkout, team: growth"),
            [
                ("category".to_owned(), "Checkout".to_owned()),
                ("team".to_owned(), "growth".to_owned())
            ]
        );
    }
}
