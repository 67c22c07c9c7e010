//! Tags: a declared tag the workspace lacks is created (before the resources carrying it); a
//! declared colour or description that differs is patched. Tags are never deleted: one left
//! out of the manifests may be in use anywhere in the workspace.

use super::{live_tag_change, Differ};
use crate::api;
use crate::manifest::Tag;
use crate::plan::{Action, Change, FieldChange, FieldName, Key, PlanValue, TagField};

impl Differ<'_> {
    pub(super) fn tags(&mut self, desired: &[Tag], live: &[api::Tag]) {
        for t in desired {
            let key = Key::Tag(t.name.clone());
            match live.iter().find(|l| l.name == t.name) {
                None => {
                    let mut c = Change::new(Action::Create, key, t.name.clone());
                    c.fields = tag_fields(t, None);
                    self.buckets.tags.push(c);
                }
                Some(l) => {
                    let fields = tag_fields(t, Some(l));
                    if !fields.is_empty() {
                        let mut c = live_tag_change(key, l);
                        c.fields = fields;
                        self.buckets.tags.push(c);
                    }
                }
            }
        }
    }
}

/// The managed fields of `t` that `live` lacks (all of them for a create).
fn tag_fields(t: &Tag, live: Option<&api::Tag>) -> Vec<FieldChange> {
    let description = FieldName::parse("description");
    let pairs = [
        (
            FieldName::from(TagField::Color),
            t.color.as_deref(),
            live.map(|l| l.color.as_str()),
        ),
        (
            description,
            t.description.as_deref(),
            live.map(|l| l.description.as_str()),
        ),
    ];
    pairs
        .into_iter()
        .filter_map(|(name, want, have)| {
            let want = want?;
            if have == Some(want) {
                return None;
            }
            let before = have.map_or(PlanValue::Null, |h| PlanValue::Text(h.to_owned()));
            Some(FieldChange::new(
                name,
                before,
                PlanValue::Text(want.to_owned()),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Origin;
    use std::sync::Arc;

    fn tag(name: &str, color: Option<&str>) -> Tag {
        Tag {
            name: name.into(),
            color: color.map(Into::into),
            description: None,
            origin: Origin {
                file: Arc::from("t.yaml"),
                line: 1,
                column: 1,
            },
        }
    }

    #[test]
    fn a_create_carries_only_the_fields_declared() {
        let f = tag_fields(&tag("v2", Some("#fff")), None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name.as_str(), "color");
        assert_eq!(f[0].after, PlanValue::Text("#fff".into()));
    }

    #[test]
    fn an_unmanaged_colour_is_not_compared() {
        let live = api::Tag {
            id: "t1".into(),
            name: "v2".into(),
            color: "#000".into(),
            description: "kept".into(),
        };
        assert!(tag_fields(&tag("v2", None), Some(&live)).is_empty());
        let changed = tag_fields(&tag("v2", Some("#fff")), Some(&live));
        assert_eq!(changed[0].before, PlanValue::Text("#000".into()));
    }
}
