//! The tracking-plan fields of a property as one block of its markdown `definition`
//! (`--property-types definition`), for workspaces that do not keep them as fields.
//!
//! The block is a two-column table between marker comments, its rows in the field table's
//! order and only for the fields that are managed, so rendering the same fields always gives
//! the same text and re-plans converge. Text outside the block is the user's: [`split`] hands
//! it back untouched and [`compose`] puts it around the block again. Values sit in code spans
//! with `|` escaped as `\|` (a GFM table needs it even there); a line break in a value becomes
//! a space, since a table row cannot hold one.

use super::fields::{self, FieldKind, FieldRef, FieldValue, Group};
use super::TrackingFields;

/// The line that opens the block.
pub const BEGIN: &str = "<!-- secoda-sync:tracking -->";
/// The line that closes the block.
pub(crate) const END: &str = "<!-- /secoda-sync:tracking -->";

const HEADER: &str = "| field | value |";
const RULE: &str = "| --- | --- |";

/// A definition taken apart: the text before the block, the block's fields, the text after.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Split<'a> {
    /// Text before the block (all of it when there is none), trailing line breaks dropped.
    pub before: &'a str,
    /// The block's fields, when the text holds a block.
    pub block: Option<TrackingFields>,
    /// Text after the block, leading line breaks dropped.
    pub after: &'a str,
    /// What was wrong with the block or its markers (a warning each, never an error).
    pub problems: Vec<String>,
}

impl Split<'_> {
    /// The text outside the block, as [`compose`] joins it.
    #[must_use]
    pub(crate) fn outside(&self) -> String {
        compose(self.before, None, self.after)
    }
}

/// The block for `t`; `None` when no field of it is managed.
#[must_use]
pub(crate) fn render(t: &TrackingFields) -> Option<String> {
    let mut rows = Vec::new();
    for spec in fields::group(Group::Tracking) {
        let cell = match t.get::<()>(spec.name) {
            None => continue,
            Some(FieldRef::Bool(b)) => (if b { "yes" } else { "no" }).to_owned(),
            Some(FieldRef::Text(s)) => {
                let one_line = s.replace(['\r', '\n'], " ");
                format!("`{}`", one_line.replace('|', "\\|"))
            }
            Some(FieldRef::Names(_)) => continue,
        };
        rows.push(format!("| {} | {cell} |", spec.name));
    }
    if rows.is_empty() {
        return None;
    }
    Some(format!(
        "{BEGIN}\n{HEADER}\n{RULE}\n{}\n{END}",
        rows.join("\n")
    ))
}

/// `before`, the block and `after`, each present one separated by a blank line.
#[must_use]
pub(crate) fn compose(before: &str, block: Option<&str>, after: &str) -> String {
    let before = before.trim_end_matches(['\n', '\r']);
    let after = after.trim_start_matches(['\n', '\r']);
    [before, block.unwrap_or_default(), after]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Finds the first block in `text` (an end marker closes the nearest opening marker before
/// it) and parses its rows; a marker without its partner stays text and is a problem.
#[must_use]
pub(crate) fn split(text: &str) -> Split<'_> {
    let mut open: Option<(usize, usize)> = None;
    let mut found = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let end = at + line.len();
        match line.trim() {
            BEGIN => open = Some((at, end)),
            END => {
                if let Some((start, body)) = open {
                    found = Some((start, body, at, end));
                    break;
                }
            }
            _ => {}
        }
        at = end;
    }
    let Some((start, body, close, end)) = found else {
        let mut s = Split {
            before: text.trim_end_matches(['\n', '\r']),
            ..Split::default()
        };
        stray_markers(text, &mut s.problems);
        return s;
    };
    let mut problems = Vec::new();
    let fields = parse_rows(&text[body..close], &mut problems);
    let (before, after) = (&text[..start], &text[end..]);
    stray_markers(before, &mut problems);
    stray_markers(after, &mut problems);
    Split {
        before: before.trim_end_matches(['\n', '\r']),
        block: Some(fields),
        after: after.trim_start_matches(['\n', '\r']),
        problems,
    }
}

fn stray_markers(text: &str, problems: &mut Vec<String>) {
    for line in text.lines() {
        match line.trim() {
            BEGIN => problems.push(format!("`{BEGIN}` is never closed: kept as text")),
            END => problems.push(format!("`{END}` closes no block: kept as text")),
            _ => {}
        }
    }
}

fn parse_rows(body: &str, problems: &mut Vec<String>) -> TrackingFields {
    let mut t = TrackingFields::default();
    for line in body.lines().map(str::trim) {
        if line.is_empty() || line == HEADER || line == RULE {
            continue;
        }
        let row = line
            .strip_prefix("| ")
            .and_then(|l| l.strip_suffix(" |"))
            .and_then(|l| l.split_once(" | "));
        let Some((name, cell)) = row else {
            problems.push(format!("row `{line}` is not `| field | value |`: left out"));
            continue;
        };
        let Some(spec) = fields::spec(name.trim()).filter(|s| s.group == Group::Tracking) else {
            problems.push(format!("row `{line}` names no tracking field: left out"));
            continue;
        };
        if t.get::<()>(spec.name).is_some() {
            problems.push(format!("`{}` twice: the first row is kept", spec.name));
            continue;
        }
        let cell = cell.trim();
        let value = match spec.kind {
            FieldKind::Bool => match cell {
                "yes" | "true" => Some(FieldValue::<()>::Bool(true)),
                "no" | "false" => Some(FieldValue::Bool(false)),
                _ => None,
            },
            _ => cell
                .strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .map(|c| FieldValue::Text(c.replace("\\|", "|"))),
        };
        match value {
            Some(v) => t.set(spec.name, Some(v)),
            None => problems.push(format!(
                "`{}` has the value `{cell}`, expected {}: left out",
                spec.name,
                if spec.kind == FieldKind::Bool {
                    "`yes` or `no`"
                } else {
                    "a value in backticks"
                }
            )),
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> TrackingFields {
        TrackingFields {
            property_type: Some("string".into()),
            is_required: Some(true),
            is_array_type: Some(false),
            enum_values: Some("card,paypal".into()),
            regex: Some("^(a|b)\\|c`$".into()),
        }
    }

    #[test]
    fn a_rendered_block_parses_back_to_the_same_fields() {
        let block = render(&typed()).unwrap();
        assert_eq!(
            block,
            "<!-- secoda-sync:tracking -->\n| field | value |\n| --- | --- |\n\
             | type | `string` |\n| is_required | yes |\n| is_array_type | no |\n\
             | enum_values | `card,paypal` |\n| regex | `^(a\\|b)\\\\|c`$` |\n\
             <!-- /secoda-sync:tracking -->"
        );
        let s = split(&block);
        assert_eq!(s.block, Some(typed()));
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!((s.before, s.after), ("", ""));
        // Only managed fields get a row; none at all is no block.
        let partial = TrackingFields {
            is_required: Some(false),
            ..TrackingFields::default()
        };
        assert_eq!(split(&render(&partial).unwrap()).block, Some(partial));
        assert_eq!(render(&TrackingFields::default()), None);
    }

    #[test]
    fn text_outside_the_block_is_kept_in_place() {
        let block = render(&typed()).unwrap();
        let text = compose(
            "# Amount\n\nIn cents.\n",
            Some(&block),
            "\n\nSee the RFC.\n",
        );
        assert_eq!(
            text,
            format!("# Amount\n\nIn cents.\n\n{block}\n\nSee the RFC.\n")
        );
        let s = split(&text);
        assert_eq!(s.before, "# Amount\n\nIn cents.");
        assert_eq!(s.after, "See the RFC.\n");
        assert_eq!(s.outside(), "# Amount\n\nIn cents.\n\nSee the RFC.\n");
        assert_eq!(compose(s.before, Some(&block), s.after), text, "converges");
        let plain = split("Just text\r\n");
        assert_eq!((plain.before, plain.block), ("Just text", None));
    }

    #[test]
    fn a_malformed_block_is_a_problem_not_a_crash() {
        let text = format!(
            "intro\n{BEGIN}\n| field | value |\n| type | string |\n| colour | `red` |\n\
             | is_required | maybe |\nnot a row\n| is_array_type | yes |\n{END}\n"
        );
        let s = split(&text);
        let fields = s.block.unwrap();
        assert_eq!(fields.is_array_type, Some(true), "good rows are kept");
        assert_eq!((fields.property_type, fields.is_required), (None, None));
        assert_eq!(s.problems.len(), 4, "{:?}", s.problems);
        assert!(s.problems[0].contains("expected a value in backticks"));
        // An unclosed marker stays text; a later well-formed block is still found.
        let block = render(&typed()).unwrap();
        let text = format!("{BEGIN}\nhand text\n\n{block}");
        let s = split(&text);
        assert_eq!(s.block, Some(typed()));
        assert_eq!(s.before, format!("{BEGIN}\nhand text"));
        assert!(s.problems[0].contains("never closed"), "{:?}", s.problems);
        let text = format!("{END}\n{BEGIN}");
        let s = split(&text);
        assert_eq!((s.block, s.problems.len()), (None, 2));
    }
}
