//! What every resource must carry: `description-required`, `owner-required`,
//! `pii-needs-owner`, `type-required` and `required-properties`.

use super::{ItemKind, RuleId, Rules, Sink};
use crate::manifest::{ManifestSet, NameSet, Origin, ResourceFields};

fn has_names(names: Option<&NameSet>) -> bool {
    names.is_some_and(|n| n.iter().any(|s| !s.is_empty()))
}

/// Every completeness rule, in one walk of the set.
pub(super) fn check(set: &ManifestSet, rules: &Rules, sink: &mut Sink<'_>) {
    let desc = &rules.description_required;
    let owner = &rules.owner_required;
    let required = &rules.required_properties;
    let any_on = desc.on()
        || owner.on()
        || rules.pii_needs_owner.on()
        || rules.type_required.on()
        || required.on();
    if !any_on {
        return;
    }
    let describe = |sink: &mut Sink<'_>,
                    kind: ItemKind,
                    title: &str,
                    text: Option<&str>,
                    key: &dyn Fn() -> String,
                    origin: &Origin| {
        if !desc.on() || !desc.options.kinds.contains(&kind) {
            return;
        }
        let len = text.map_or(0, |t| t.trim().chars().count());
        if len >= desc.options.min_length.max(1) {
            return;
        }
        let message = if len == 0 {
            format!("{} `{title}` has no description", kind.as_str())
        } else {
            format!(
                "{} `{title}`'s description is shorter than {} characters",
                kind.as_str(),
                desc.options.min_length
            )
        };
        let hint = Some("add `description:` saying what it is and when it is sent".to_owned());
        sink.push(RuleId::DescriptionRequired, key(), origin, message, hint);
    };
    let pii = |sink: &mut Sink<'_>,
               kind: ItemKind,
               title: &str,
               f: &ResourceFields,
               key: &dyn Fn() -> String,
               origin: &Origin| {
        if f.pii == Some(true) && !has_names(f.owners.as_ref()) {
            let message = format!(
                "{} `{title}` holds personal data and has no owner",
                kind.as_str()
            );
            let hint = Some("add `owners:` (who answers for the personal data)".to_owned());
            sink.push(RuleId::PiiNeedsOwner, key(), origin, message, hint);
        }
    };
    for c in &set.categories {
        let ckey = || c.title.clone();
        describe(
            sink,
            ItemKind::Category,
            &c.title,
            c.fields.description.as_deref(),
            &ckey,
            &c.origin,
        );
        if owner.on()
            && owner.options.kinds.contains(&ItemKind::Category)
            && !has_names(c.fields.teams.as_ref())
        {
            let message = format!("category `{}` has no team", c.title);
            let hint = Some("add `teams:`".to_owned());
            sink.push(RuleId::OwnerRequired, ckey(), &c.origin, message, hint);
        }
        let wants = required.on()
            && (required.options.categories.is_empty()
                || required.options.categories.contains(&c.title));
        for e in &c.events {
            let ekey = || format!("{}/{}", c.title, e.title);
            describe(
                sink,
                ItemKind::Event,
                &e.title,
                e.fields.description.as_deref(),
                &ekey,
                &e.origin,
            );
            if owner.on()
                && owner.options.kinds.contains(&ItemKind::Event)
                && !has_names(e.fields.owners.as_ref())
                && !has_names(e.fields.teams.as_ref())
            {
                let message = format!("event `{}` has no owner or team", e.title);
                let hint =
                    Some("add `owners:` or `teams:` (or set them in `defaults:`)".to_owned());
                sink.push(RuleId::OwnerRequired, ekey(), &e.origin, message, hint);
            }
            if rules.pii_needs_owner.on() {
                pii(sink, ItemKind::Event, &e.title, &e.fields, &ekey, &e.origin);
            }
            if wants {
                for name in &required.options.properties {
                    if !e.properties.iter().any(|p| p.title == *name) {
                        let message = format!("event `{}` lacks the property `{name}`", e.title);
                        let hint = Some(format!("add a property titled `{name}` to the event"));
                        sink.push(RuleId::RequiredProperties, ekey(), &e.origin, message, hint);
                    }
                }
            }
            for p in &e.properties {
                let pkey = || format!("{}/{}/{}", c.title, e.title, p.title);
                describe(
                    sink,
                    ItemKind::Property,
                    &p.title,
                    p.fields.description.as_deref(),
                    &pkey,
                    &p.origin,
                );
                if owner.on()
                    && owner.options.kinds.contains(&ItemKind::Property)
                    && !has_names(p.fields.owners.as_ref())
                    && !has_names(p.fields.teams.as_ref())
                {
                    let message = format!("property `{}` has no owner or team", p.title);
                    let hint = Some("add `owners:` or `teams:`".to_owned());
                    sink.push(RuleId::OwnerRequired, pkey(), &p.origin, message, hint);
                }
                if rules.pii_needs_owner.on() {
                    pii(
                        sink,
                        ItemKind::Property,
                        &p.title,
                        &p.fields,
                        &pkey,
                        &p.origin,
                    );
                }
                let typed = p
                    .tracking
                    .property_type
                    .as_deref()
                    .is_some_and(|t| !t.trim().is_empty());
                if rules.type_required.on() && !typed {
                    let message = format!("property `{}` has no type", p.title);
                    let hint = Some("add `type:` (`string`, `number`, `boolean`, ...)".to_owned());
                    sink.push(RuleId::TypeRequired, pkey(), &p.origin, message, hint);
                }
            }
        }
    }
}
