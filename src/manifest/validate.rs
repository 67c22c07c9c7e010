//! Semantic checks on a merged manifest set (titles, descriptions), plus the monitor rules the
//! readers apply where each field was written.

use crate::manifest::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::manifest::{ManifestSet, Origin, ResourceFields, Thresholds};
use std::borrow::Cow;
use std::collections::HashMap;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest title Secoda accepts, in characters.
pub(crate) const MAX_TITLE_CHARS: usize = 255;

/// The title of the tool's own category (it holds the apply lease): a manifest may not
/// declare it, since the plan leaves that category alone.
pub(crate) const RESERVED_CATEGORY: &str = "secoda-sync";

/// Monitor cadences Secoda knows (the sandbox accepts exactly these).
pub(crate) const CADENCES: &[&str] = &["hourly", "daily", "weekly"];

/// Metric types seen in Secoda's API (the sandbox accepts exactly these); a manifest's other
/// types are sent as written, with a warning.
pub(crate) const METRIC_TYPES: &[&str] = &[
    "null_percentage",
    "unique_percentage",
    "row_count",
    "freshness",
    "cardinality",
    "minimum",
    "maximum",
    "custom_sql",
];

/// Checks the threshold fields and returns the one mode they describe (`None` = unmanaged).
///
/// # Errors
/// A message when both modes are set, the sensitivity is outside 1..=10, or min > max.
pub(crate) fn thresholds(
    auto: Option<i64>,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<Option<Thresholds>, String> {
    match (auto, min, max) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(
            "set either condition_auto_sensitivity or condition_manual_min/max, not both".into(),
        ),
        (Some(s), None, None) => match u8::try_from(s) {
            Ok(s) if (1..=10).contains(&s) => Ok(Some(Thresholds::Auto { sensitivity: s })),
            _ => Err(format!(
                "condition_auto_sensitivity must be 1..=10, found {s}"
            )),
        },
        (None, Some(lo), Some(hi)) if lo > hi => Err(format!(
            "condition_manual_min ({lo}) is greater than condition_manual_max ({hi})"
        )),
        (None, None, None) => Ok(None),
        (None, min, max) => Ok(Some(Thresholds::Manual { min, max })),
    }
}

/// A warning when a metric type is not one Secoda is known to accept.
#[must_use]
pub(crate) fn metric_type(metric_type: &str, at: Location) -> Option<Diagnostic> {
    if metric_type.is_empty() || METRIC_TYPES.contains(&metric_type) {
        return None;
    }
    let d = Diagnostic::at(
        Code::UnknownMetricType,
        at,
        format!("unknown metric type `{metric_type}` (sent as written)"),
    );
    Some(
        match crate::manifest::node::suggest(metric_type, METRIC_TYPES) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("known: {}", METRIC_TYPES.join(", "))),
        },
    )
}

/// Checks titles and descriptions across a merged set; returns the diagnostics found.
#[must_use]
pub(crate) fn check_set(set: &ManifestSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let titles = set.categories.iter().map(|c| (c.title.as_str(), &c.origin));
    normalisation_twins(&mut out, "category", titles);
    for c in &set.categories {
        title(&mut out, "category title", &c.title, &c.origin);
        if c.title == RESERVED_CATEGORY {
            out.push(
                Diagnostic::at(
                    Code::ReservedTitle,
                    (&c.origin).into(),
                    format!(
                        "the category title `{RESERVED_CATEGORY}` is reserved: it is the tool's \
                         own category, holding the apply lease, so nothing declared in it \
                         would ever be created"
                    ),
                )
                .hint("rename the category"),
            );
        }
        let titles = c.events.iter().map(|e| (e.title.as_str(), &e.origin));
        normalisation_twins(&mut out, "event", titles);
        empty_category(&mut out, c);
        let renames: Vec<_> = c
            .events
            .iter()
            .map(|e| (e.title.as_str(), &e.renamed_from[..], &e.origin))
            .collect();
        former_titles(&mut out, "event", &renames);
        for e in &c.events {
            title(&mut out, "event title", &e.title, &e.origin);
            description(&mut out, "event", &e.title, &e.fields, &e.origin);
            let titles = e.properties.iter().map(|p| (p.title.as_str(), &p.origin));
            normalisation_twins(&mut out, "property", titles);
            let renames: Vec<_> = e
                .properties
                .iter()
                .map(|p| (p.title.as_str(), &p.renamed_from[..], &p.origin))
                .collect();
            former_titles(&mut out, "property", &renames);
            for p in &e.properties {
                title(&mut out, "property title", &p.title, &p.origin);
                description(&mut out, "property", &p.title, &p.fields, &p.origin);
            }
        }
    }
    // An empty monitor name means "not managed" (the reader rejects a written empty one).
    let named = || set.monitors.iter().filter(|m| !m.name.is_empty());
    normalisation_twins(
        &mut out,
        "monitor",
        named().map(|m| (m.name.as_str(), &m.origin)),
    );
    for m in named() {
        title(&mut out, "monitor name", &m.name, &m.origin);
    }
    out
}

/// Siblings' `renamed_from`: an old title must name neither a declared sibling (both would
/// write the one live resource) nor the old title of another sibling (two renames of one id).
fn former_titles(out: &mut Vec<Diagnostic>, kind: &str, siblings: &[(&str, &[String], &Origin)]) {
    let mut claimed: Vec<(&str, &str, &Origin)> = Vec::new();
    for &(title, former, origin) in siblings {
        for old in former {
            if let Some((_, _, declared)) = siblings.iter().find(|(t, _, _)| t == old) {
                out.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        origin.into(),
                        format!(
                            "{kind} `{title}` is renamed from `{old}`, which the manifests still \
                             declare"
                        ),
                    )
                    .related("declared", (*declared).into())
                    .hint(format!(
                        "remove `{old}` (the rename replaces it), or the `renamed_from`"
                    )),
                );
            } else if let Some((first, _, at)) = claimed.iter().find(|(_, o, _)| o == old) {
                out.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        origin.into(),
                        format!(
                            "{kind} `{title}` and `{first}` are both renamed from `{old}`: one \
                             live {kind} cannot become both"
                        ),
                    )
                    .related("also renamed from it", (*at).into()),
                );
            } else {
                claimed.push((title, old, origin));
            }
        }
    }
}

/// `what` names the field: `event title`, `monitor name`.
fn title(out: &mut Vec<Diagnostic>, what: &str, title: &str, origin: &Origin) {
    if title.is_empty() {
        out.push(Diagnostic::at(
            Code::EmptyTitle,
            origin.into(),
            format!("{what} is empty"),
        ));
        return;
    }
    let n = title.chars().count();
    if n > MAX_TITLE_CHARS {
        let head: String = title.chars().take(30).collect();
        out.push(Diagnostic::at(
            Code::TitleTooLong,
            origin.into(),
            format!(
                "{what} `{}...` is {n} characters long (at most {MAX_TITLE_CHARS})",
                escape_controls(&head)
            ),
        ));
    }
    if let Some(c) = title.chars().find(|c| c.is_control()) {
        out.push(
            Diagnostic::at(
                Code::ControlCharacter,
                origin.into(),
                format!(
                    "{what} `{}` holds the control character U+{:04X}",
                    escape_controls(title),
                    u32::from(c)
                ),
            )
            .hint("a control character cannot be typed, shown or matched; remove it"),
        );
    }
}

/// The text with its control characters written as escapes, so a message cannot carry them
/// to the terminal.
fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Warns about titles under one parent that differ only in Unicode normalisation (`é` as one
/// code point or as `e` + accent): they look the same, yet Secoda would hold two resources.
fn normalisation_twins<'a>(
    out: &mut Vec<Diagnostic>,
    what: &str,
    titles: impl Iterator<Item = (&'a str, &'a Origin)> + Clone,
) {
    // ASCII is already normalised, and exact repeats were reported when the set was merged.
    if titles.clone().all(|(t, _)| t.is_ascii()) {
        return;
    }
    let mut seen: HashMap<Cow<'a, str>, (&'a str, &'a Origin)> = HashMap::new();
    for (title, origin) in titles {
        let key = if is_nfc_quick(title.chars()) == IsNormalized::Yes {
            Cow::Borrowed(title)
        } else {
            Cow::Owned(title.nfc().collect())
        };
        match seen.get(&key) {
            Some(&(first, first_at)) if first != title => {
                let mut d = Diagnostic::at(
                    Code::DuplicateKey,
                    origin.into(),
                    format!(
                        "{what} `{}` differs from `{}` only in Unicode normalisation (NFC vs NFD)",
                        escape_controls(title),
                        escape_controls(first)
                    ),
                )
                .related("first declared", first_at.into())
                .hint("they look the same but are two resources; write both the same way");
                d.severity = Severity::Warning;
                out.push(d);
            }
            Some(_) => {}
            None => {
                seen.insert(key, (title, origin));
            }
        }
    }
}

/// A category with no events is far more often a truncated file or a bad merge than a wish:
/// with `--prune`, every event the workspace holds under it would be deleted.
fn empty_category(out: &mut Vec<Diagnostic>, c: &crate::manifest::Category) {
    if c.events.is_empty() && !c.protect {
        out.push(
            Diagnostic::at(
                Code::EmptyCategory,
                (&c.origin).into(),
                format!(
                    "category `{}` declares no events; with --prune its events in the \
                     workspace would be deleted",
                    c.title
                ),
            )
            .hint("`plan` names how many; declare them, or set `protect: true`"),
        );
    }
}

fn description(
    out: &mut Vec<Diagnostic>,
    what: &str,
    title: &str,
    fields: &ResourceFields,
    origin: &Origin,
) {
    let published = fields.published == Some(true);
    let empty = fields
        .description
        .as_deref()
        .is_none_or(|d| d.trim().is_empty());
    if published && empty {
        out.push(
            Diagnostic::at(
                Code::EmptyDescription,
                origin.into(),
                format!("published {what} `{title}` has no description"),
            )
            .hint("viewers see this in the catalog; add a `description`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_exclusive_and_ranged() {
        assert_eq!(
            thresholds(Some(5), None, None),
            Ok(Some(Thresholds::Auto { sensitivity: 5 }))
        );
        assert!(thresholds(Some(5), Some(1.0), None).is_err());
        assert!(thresholds(Some(0), None, None).is_err());
        assert!(thresholds(Some(11), None, None).is_err());
        assert!(thresholds(None, Some(2.0), Some(1.0)).is_err());
        assert_eq!(
            thresholds(None, Some(1.0), None),
            Ok(Some(Thresholds::Manual {
                min: Some(1.0),
                max: None
            }))
        );
        assert_eq!(thresholds(None, None, None), Ok(None));
    }

    #[test]
    fn unknown_metric_type_warns_with_suggestion() {
        let at = Location::new(&std::sync::Arc::from("m.yaml"), 1, 1);
        assert!(metric_type("row_count", at.clone()).is_none());
        let d = metric_type("row_cont", at).unwrap();
        assert_eq!(d.code, Code::UnknownMetricType);
        assert_eq!(d.hint.as_deref(), Some("did you mean `row_count`?"));
    }

    #[test]
    fn a_former_title_still_declared_or_claimed_twice_is_a_duplicate() {
        let o = |line| Origin {
            file: std::sync::Arc::from("m.yaml"),
            line,
            column: 1,
        };
        let (o1, o2, o3) = (o(1), o(2), o(3));
        let a = ["A".to_owned()];
        let mut out = Vec::new();
        let siblings = [("A", &[][..], &o1), ("B", &a[..], &o2), ("C", &a[..], &o3)];
        former_titles(&mut out, "event", &siblings);
        let messages: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "event `B` is renamed from `A`, which the manifests still declare",
                "event `C` is renamed from `A`, which the manifests still declare",
            ]
        );
        let mut out = Vec::new();
        let siblings = [("B", &a[..], &o2), ("C", &a[..], &o3)];
        former_titles(&mut out, "event", &siblings);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].message.contains("are both renamed from `A`"),
            "{}",
            out[0].message
        );
        assert!(out.iter().all(|d| d.code == Code::DuplicateKey));
    }
}
