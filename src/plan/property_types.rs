//! `--property-types definition` in the plan: the definition a property should have when its
//! tracking-plan fields live in a block of it, computed from the manifest and the live text.
//!
//! The diff compares whole definitions, so the desired one must already hold what the
//! workspace keeps outside the block. Pure: the live text goes in, the desired text comes out.

use crate::api;
use crate::manifest::fields::{self, Group};
use crate::manifest::tracking_block::{compose, render, split};
use crate::manifest::TrackingFields;

/// The definition a property should have: the manifest's text (or, when the manifest does not
/// manage `definition`, the live text) outside the block, and the block rendered from the live
/// block's fields overlaid with the manifest's (a field the manifest does not mention keeps its
/// live row). `None` when neither the definition nor any tracking field is managed.
#[must_use]
pub(crate) fn definition_with_block(
    manifest: Option<&str>,
    tracking: &TrackingFields,
    live: Option<&str>,
) -> Option<String> {
    let managed = fields::group(Group::Tracking).any(|s| tracking.get::<()>(s.name).is_some());
    if manifest.is_none() && !managed {
        return None;
    }
    let live = live.map(split);
    let own = manifest.map(split);
    let mut merged = live
        .as_ref()
        .and_then(|l| l.block.clone())
        .unwrap_or_default();
    // A block written into the manifest's own definition (a native export) counts too, under
    // the tracking fields set beside it.
    for layer in [own.as_ref().and_then(|o| o.block.as_ref()), Some(tracking)]
        .into_iter()
        .flatten()
    {
        overlay(&mut merged, layer);
    }
    let block = render(&merged);
    let (before, after) = match (&own, &live) {
        (Some(o), _) if o.block.is_some() => (o.before, o.after),
        // The manifest's text is what the workspace holds outside the block (an export read
        // back): keep the block where it is.
        (Some(o), Some(l)) if same_text(&o.outside(), &l.outside()) => (l.before, l.after),
        (Some(o), _) => (o.before, ""),
        (None, Some(l)) => (l.before, l.after),
        (None, None) => ("", ""),
    };
    Some(compose(before, block.as_deref(), after))
}

fn overlay(into: &mut TrackingFields, from: &TrackingFields) {
    for spec in fields::group(Group::Tracking) {
        if let Some(v) = from.get::<()>(spec.name) {
            into.set(spec.name, Some(v.to_owned_value()));
        }
    }
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim_end_matches(['\n', '\r']) == b.trim_end_matches(['\n', '\r'])
}

/// The tracking fields a wire resource holds as fields.
#[must_use]
pub(crate) fn native_tracking(r: &api::Resource) -> TrackingFields {
    TrackingFields {
        property_type: r.property_type.clone(),
        is_required: r.is_required,
        is_array_type: r.is_array_type,
        enum_values: r.enum_values.clone(),
        regex: r.regex.clone(),
    }
}

/// Moves each property's tracking fields into a block of its definition: what a perfect
/// apply under `--property-types definition` leaves behind.
pub(crate) fn into_definitions(properties: &mut [api::Resource]) {
    for p in properties {
        let tracking = native_tracking(p);
        if let Some(d) = definition_with_block(Some(&p.definition), &tracking, None) {
            p.definition = d;
        }
        p.property_type = None;
        p.is_required = None;
        p.is_array_type = None;
        p.enum_values = None;
        p.regex = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tracking_block::BEGIN;

    fn typed(t: &str) -> TrackingFields {
        TrackingFields {
            property_type: Some(t.into()),
            ..TrackingFields::default()
        }
    }

    #[test]
    fn unmanaged_stays_unmanaged_and_live_text_outside_the_block_is_kept() {
        let none = TrackingFields::default();
        assert_eq!(definition_with_block(None, &none, Some("live")), None);
        let first = definition_with_block(None, &typed("string"), Some("Hand-written.")).unwrap();
        assert!(first.starts_with("Hand-written.\n\n<!--"), "{first}");
        // Re-planned against what the apply left: the same text (converges).
        assert_eq!(
            definition_with_block(None, &typed("string"), Some(&first)).as_deref(),
            Some(first.as_str())
        );
        // A changed type replaces the block only; text after it stays after it.
        let moved = format!("{first}\n\nFooter.");
        let next = definition_with_block(None, &typed("integer"), Some(&moved)).unwrap();
        assert_eq!(next, moved.replace("`string`", "`integer`"));
    }

    #[test]
    fn the_manifest_text_wins_and_unmentioned_live_rows_are_kept() {
        let live = definition_with_block(
            None,
            &TrackingFields {
                is_required: Some(true),
                ..typed("string")
            },
            Some("Old text."),
        )
        .unwrap();
        let d = definition_with_block(Some("New text.\n"), &typed("number"), Some(&live)).unwrap();
        assert!(d.starts_with("New text.\n\n"), "{d}");
        let s = split(&d);
        let f = s.block.unwrap();
        assert_eq!(f.property_type.as_deref(), Some("number"));
        assert_eq!(f.is_required, Some(true), "not mentioned: kept as live");
        // No tracking field in the manifest: its text with the live block.
        let kept = definition_with_block(Some("Text"), &TrackingFields::default(), Some(&live));
        assert!(kept.unwrap().contains(BEGIN));
    }
}
