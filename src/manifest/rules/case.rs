//! Naming styles (`event-title-case`, `property-title-case`, `category-title-case`) and
//! `case-collision`: titles under one parent that differ only by case or separators.

use super::{each_item, CaseOptions, ItemKind, Rule, RuleId, Rules, Sink};
use crate::manifest::ManifestSet;
use foldhash::{HashMap, HashMapExt as _};

/// A naming style titles follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Order Completed` (short words such as `to`, `of` may stay lowercase).
    Title,
    /// `Order completed`.
    Sentence,
    /// `order_completed`.
    Snake,
    /// `orderCompleted`.
    Camel,
    /// `OrderCompleted`.
    Pascal,
    /// `order-completed`.
    Kebab,
    /// Title Case ending in a past-tense verb: `Order Completed`.
    ObjectAction,
}

impl Style {
    /// Every style by its name in `style:`.
    pub const NAMES: &'static [(&'static str, Style)] = &[
        ("title", Style::Title),
        ("sentence", Style::Sentence),
        ("snake", Style::Snake),
        ("camel", Style::Camel),
        ("pascal", Style::Pascal),
        ("kebab", Style::Kebab),
        ("object-action", Style::ObjectAction),
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Title => "Title Case",
            Self::Sentence => "Sentence case",
            Self::Snake => "snake_case",
            Self::Camel => "camelCase",
            Self::Pascal => "PascalCase",
            Self::Kebab => "kebab-case",
            Self::ObjectAction => "object-action (Title Case ending in a past-tense verb)",
        }
    }
}

/// Words that Title Case leaves lowercase after the first word.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "per",
    "the", "to", "via", "with",
];

/// Past-tense verbs `object-action` accepts as the last word, before the rule's `verbs`.
const VERBS: &[&str] = &[
    "accepted",
    "activated",
    "added",
    "applied",
    "approved",
    "archived",
    "assigned",
    "blocked",
    "booked",
    "cancelled",
    "canceled",
    "changed",
    "checked",
    "clicked",
    "closed",
    "completed",
    "confirmed",
    "connected",
    "copied",
    "created",
    "declined",
    "deleted",
    "denied",
    "disabled",
    "dismissed",
    "downloaded",
    "edited",
    "enabled",
    "ended",
    "entered",
    "expired",
    "exported",
    "failed",
    "filtered",
    "finished",
    "imported",
    "invited",
    "joined",
    "launched",
    "left",
    "liked",
    "loaded",
    "logged",
    "opened",
    "ordered",
    "paid",
    "paused",
    "played",
    "posted",
    "previewed",
    "printed",
    "purchased",
    "received",
    "refunded",
    "registered",
    "rejected",
    "removed",
    "renewed",
    "requested",
    "reset",
    "restored",
    "resumed",
    "saved",
    "scheduled",
    "scrolled",
    "searched",
    "selected",
    "sent",
    "shared",
    "shown",
    "skipped",
    "sorted",
    "started",
    "stopped",
    "submitted",
    "subscribed",
    "synced",
    "toggled",
    "unsubscribed",
    "updated",
    "upgraded",
    "uploaded",
    "verified",
    "viewed",
    "visited",
    "watched",
];

/// The words of a title: split at spaces, `_`, `-` and other punctuation, and where a
/// lowercase letter or digit meets an uppercase one (`orderId` -> `order`, `Id`).
pub(crate) fn words(title: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in title.split(|c: char| !c.is_alphanumeric()) {
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in part.char_indices() {
            if let Some(p) = prev {
                if c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()) {
                    out.push(&part[start..i]);
                    start = i;
                }
            }
            prev = Some(c);
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn starts_upper(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn is_lower_joined(title: &str, sep: char) -> bool {
    !title.is_empty()
        && title
            .split(sep)
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()))
        && title.chars().next().is_some_and(char::is_lowercase)
}

fn spaced_words(title: &str) -> Option<Vec<&str>> {
    let ws: Vec<&str> = title.split(' ').collect();
    let ok = ws
        .iter()
        .all(|w| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || "'&.".contains(c)));
    ok.then_some(ws)
}

fn is_title(title: &str) -> bool {
    spaced_words(title).is_some_and(|ws| {
        ws.iter().enumerate().all(|(i, w)| {
            starts_upper(w) || (i > 0 && SMALL_WORDS.contains(&w.to_lowercase().as_str()))
        })
    })
}

/// Whether a title follows a style (`verbs`: extra verbs for `object-action`).
pub(crate) fn follows(style: Style, title: &str, verbs: &[String]) -> bool {
    match style {
        Style::Title => is_title(title),
        Style::Sentence => spaced_words(title).is_some_and(|ws| {
            ws.iter().enumerate().all(|(i, w)| {
                if i == 0 {
                    starts_upper(w)
                } else {
                    !starts_upper(w) || w.chars().all(|c| !c.is_lowercase())
                }
            })
        }),
        Style::Snake => is_lower_joined(title, '_'),
        Style::Kebab => is_lower_joined(title, '-'),
        Style::Camel | Style::Pascal => {
            let first_ok = title.chars().next().is_some_and(|c| {
                if style == Style::Camel {
                    c.is_lowercase()
                } else {
                    c.is_uppercase()
                }
            });
            first_ok && title.chars().all(char::is_alphanumeric)
        }
        Style::ObjectAction => {
            is_title(title)
                && title.rsplit(' ').next().is_some_and(|last| {
                    let last = last.to_lowercase();
                    title.contains(' ')
                        && (VERBS.contains(&last.as_str())
                            || verbs.iter().any(|v| v.to_lowercase() == last))
                })
        }
    }
}

/// The title rewritten in a style (for `object-action`: in Title Case).
pub(crate) fn expected(style: Style, title: &str) -> String {
    let ws = words(title);
    let lower = || ws.iter().map(|w| w.to_lowercase());
    match style {
        Style::Snake => lower().collect::<Vec<_>>().join("_"),
        Style::Kebab => lower().collect::<Vec<_>>().join("-"),
        Style::Camel => lower()
            .enumerate()
            .map(|(i, w)| if i == 0 { w } else { capitalised(&w) })
            .collect(),
        Style::Pascal => lower().map(|w| capitalised(&w)).collect(),
        Style::Sentence => lower()
            .enumerate()
            .map(|(i, w)| if i == 0 { capitalised(&w) } else { w })
            .collect::<Vec<_>>()
            .join(" "),
        Style::Title | Style::ObjectAction => ws
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let l = w.to_lowercase();
                if i > 0 && SMALL_WORDS.contains(&l.as_str()) {
                    l
                } else {
                    capitalised(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The three naming-style rules.
pub(super) fn check(set: &ManifestSet, rules: &Rules, sink: &mut Sink<'_>) {
    let for_kind = |kind| -> (RuleId, &Rule<CaseOptions>) {
        match kind {
            ItemKind::Category => (RuleId::CategoryTitleCase, &rules.category_title_case),
            ItemKind::Event => (RuleId::EventTitleCase, &rules.event_title_case),
            ItemKind::Property => (RuleId::PropertyTitleCase, &rules.property_title_case),
        }
    };
    if ![ItemKind::Category, ItemKind::Event, ItemKind::Property]
        .iter()
        .any(|k| for_kind(*k).1.on())
    {
        return;
    }
    each_item(set, |item, key| {
        let (id, rule) = for_kind(item.kind);
        let CaseOptions { style, verbs } = &rule.options;
        if !rule.on() || follows(*style, item.title, verbs) {
            return;
        }
        let message = format!(
            "{} title `{}` is not {}",
            item.kind.as_str(),
            item.title,
            style.label()
        );
        let want = expected(*style, item.title);
        let hint = if *style == Style::ObjectAction {
            format!("name the object, then what happened: `{want}` does not end in a known past-tense verb (`Order Completed`); add verbs with `verbs:`")
        } else {
            format!("expected `{want}`")
        };
        sink.push(id, key(), item.origin, message, Some(hint));
    });
}

/// What two titles that differ only by case, separators or Unicode form (`Ｃheckout`, a
/// composed accent) have in common.
fn folded(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    // NFKC leaves ASCII as it is: most titles skip it.
    if title.is_ascii() {
        return title
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'_' | b'-'))
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    title
        .nfkc()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `case-collision`: per parent, the second of two titles that fold to the same text.
pub(super) fn collisions(set: &ManifestSet, sink: &mut Sink<'_>) {
    // Siblings' titles under `parent` (the key of their parent, empty for categories); a key
    // is only spelled out for a title that collides.
    let mut report = |kind: ItemKind,
                      parent: &str,
                      titles: Vec<(&str, &crate::manifest::Origin)>| {
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(titles.len());
        for (i, (title, origin)) in titles.iter().enumerate() {
            let fold = folded(title);
            match seen.get(&fold) {
                Some(&first) => {
                    let (first_title, first_origin) = &titles[first];
                    let message = format!(
                        "{} `{title}` differs from `{first_title}` only by case or separators",
                        kind.as_str()
                    );
                    let hint = Some(format!("use one title for both, e.g. `{first_title}`"));
                    let key = if parent.is_empty() {
                        (*title).to_owned()
                    } else {
                        format!("{parent}/{title}")
                    };
                    if let Some(d) = sink.push(RuleId::CaseCollision, key, origin, message, hint) {
                        if !first_origin.file.is_empty() {
                            *d = d.clone().related("the other", (*first_origin).into());
                        }
                    }
                }
                None => {
                    seen.insert(fold, i);
                }
            }
        }
    };
    let cats = set
        .categories
        .iter()
        .map(|c| (c.title.as_str(), &c.origin))
        .collect();
    report(ItemKind::Category, "", cats);
    for c in &set.categories {
        let events = c
            .events
            .iter()
            .map(|e| (e.title.as_str(), &e.origin))
            .collect();
        report(ItemKind::Event, &c.title, events);
        for e in &c.events {
            let props = e
                .properties
                .iter()
                .map(|p| (p.title.as_str(), &p.origin))
                .collect();
            report(
                ItemKind::Property,
                &format!("{}/{}", c.title, e.title),
                props,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_accept_their_own_form_and_refuse_others() {
        let cases = [
            (Style::Title, "Product Added to Wishlist", "product added"),
            (
                Style::Sentence,
                "Product added to wishlist",
                "Product Added",
            ),
            (Style::Snake, "order_id2", "orderId"),
            (Style::Camel, "orderId", "order_id"),
            (Style::Pascal, "OrderId", "orderId"),
            (Style::Kebab, "order-id", "order_id"),
            (Style::ObjectAction, "Order Completed", "Complete Order"),
        ];
        for (style, good, bad) in cases {
            assert!(follows(style, good, &[]), "{style:?} {good}");
            assert!(!follows(style, bad, &[]), "{style:?} {bad}");
        }
        assert!(follows(
            Style::ObjectAction,
            "Cart Yeeted",
            &["yeeted".into()]
        ));
    }

    #[test]
    fn expected_forms_convert_between_styles() {
        assert_eq!(expected(Style::Snake, "orderId"), "order_id");
        assert_eq!(expected(Style::Camel, "order_id"), "orderId");
        assert_eq!(expected(Style::Pascal, "order-id"), "OrderId");
        assert_eq!(
            expected(Style::Title, "product added to wishlist"),
            "Product Added to Wishlist"
        );
        assert_eq!(
            expected(Style::Sentence, "Order Completed"),
            "Order completed"
        );
        assert_eq!(expected(Style::Kebab, "Order Completed"), "order-completed");
    }

    #[test]
    fn folding_ignores_case_and_separators() {
        assert_eq!(folded("order_id"), folded("orderId"));
        assert_eq!(folded("Order Id"), folded("order-id"));
        assert_ne!(folded("order_id"), folded("order_ids"));
        // ASCII takes a shortcut past NFKC; the two paths agree.
        assert_eq!(folded("Ｏrder_Ｉd"), folded("order-id"));
        assert_eq!(folded("Café_Latte"), "cafélatte");
    }
}
