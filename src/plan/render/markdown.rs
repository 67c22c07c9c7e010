//! The markdown rendering for a pull-request comment: a summary table, then one collapsible
//! `<details>` per category holding its changes as a `diff` block (GitHub colours `+`/`-`).
//! The whole comment stays under GitHub's 65,536-character limit: changes that do not fit are
//! left out and counted in a closing note.

use super::text::{by_class, per_change, ChangeLines, Group, Layout};
use super::{
    blocked_line, not_kept_line, not_readable_line, removes_line, summary_line, used_line,
    RenderContext,
};
use crate::plan::class::ClassCounts;
use crate::plan::{Action, Plan};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Upper bound on the comment's length in bytes (bytes >= characters, so this is safe).
pub(crate) const MAX_COMMENT: usize = 65_000;

/// Room kept for the truncation note.
const NOTE_RESERVE: usize = 400;

/// Renders `plan` as a pull-request comment.
///
/// # Errors
/// When writing to `w` fails.
pub(crate) fn render(plan: &Plan, ctx: &RenderContext<'_>, w: &mut impl Write) -> io::Result<()> {
    w.write_all(to_string(plan, ctx).as_bytes())
}

/// The comment as a string (at most [`MAX_COMMENT`] bytes).
#[must_use]
pub(crate) fn to_string(plan: &Plan, ctx: &RenderContext<'_>) -> String {
    let plain = RenderContext {
        color: false,
        ..*ctx
    };
    let mut out = format!(
        "### secoda-sync plan for `{}`\n\n",
        escape(&plan.integration.name)
    );
    let s = plan.summary();
    if s.is_empty() {
        let _ = writeln!(out, "{}", ctx.baseline.no_changes());
        if let Some(line) = not_readable_line(plan) {
            let _ = writeln!(out, "\n_{line}_");
        }
        if let Some(line) = not_kept_line(plan) {
            let _ = writeln!(out, "\n_{line}_");
        }
        return out;
    }
    out.push_str("| Action | Count |\n|:--|--:|\n");
    for (label, n) in [
        ("➕ Create", s.create),
        ("✏️ Update", s.update),
        ("🗑️ Delete", s.delete),
        ("⚠️ Unsupported", s.unsupported),
    ] {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    if s.unmanaged > 0 {
        let _ = writeln!(out, "| 💤 No longer managed | {} |", s.unmanaged);
    }
    let _ = writeln!(out, "\n**{}**\n", summary_line(plan, ctx.write_rate));
    let _ = writeln!(out, "Classes: {}.\n", ClassCounts::of(plan).line());
    if let Some(line) = removes_line(plan) {
        let _ = writeln!(out, "> [!CAUTION]\n> {line}\n");
    }
    if let Some(line) = used_line(plan) {
        let _ = writeln!(out, "> [!CAUTION]\n> {line}\n");
    }
    if let Some(line) = blocked_line(plan) {
        let _ = writeln!(out, "> [!WARNING]\n> {line}\n");
    }
    if let Some(line) = not_readable_line(plan) {
        let _ = writeln!(out, "> [!NOTE]\n> {line}\n");
    }
    if let Some(line) = not_kept_line(plan) {
        let _ = writeln!(out, "> [!NOTE]\n> {line}\n");
    }
    if s.unsupported > 0 {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> Unsupported changes cannot be made through Secoda's API (e.g. event \
             categories have no update call); they are shown, never applied.\n"
        );
    }
    if s.unmanaged > 0 {
        let _ = writeln!(
            out,
            "> [!NOTE]\n> No longer managed: the base declares them and the new set does not; \
             `apply` leaves them in Secoda, and each says what `--prune` would do.\n"
        );
    }

    let (breaking, others) = by_class(plan);
    let total = plan.changes.len();
    let mut shown = 0;
    let breaking = per_change(breaking, &plain, Layout::Review);
    let mut groups = Vec::new();
    if !breaking.is_empty() {
        // Open, not collapsed, and before everything else: what a reviewer must weigh.
        groups.push((Section::Breaking, &breaking[..]));
    }
    let others = per_change(others, &plain, Layout::Review);
    groups.extend(
        split_groups(&others)
            .into_iter()
            .map(|g| (Section::Group, g)),
    );
    for (section, group) in groups {
        let fence = fence_for(group);
        let (open, close) = match section {
            Section::Breaking => (
                format!(
                    "#### ⚠️ Breaking changes ({})\n\n{fence}diff\n",
                    group.len()
                ),
                format!("{fence}\n\n"),
            ),
            Section::Group => (
                format!(
                    "<details><summary><strong>{}</strong> ({})</summary>\n\n{fence}diff\n",
                    match &group[0].group {
                        Group::Category(t) => escape(t),
                        Group::Monitors => "Monitors".to_owned(),
                        Group::Tags => "Tags".to_owned(),
                    },
                    counts(group)
                ),
                format!("{fence}\n\n</details>\n\n"),
            ),
        };
        let mut body = String::new();
        let mut fitted = 0;
        for b in group {
            let text = diff_lines(b);
            if out.len() + open.len() + body.len() + text.len() + close.len() + NOTE_RESERVE
                > MAX_COMMENT
            {
                break;
            }
            body.push_str(&text);
            fitted += 1;
        }
        if fitted > 0 {
            out.push_str(&open);
            out.push_str(&body);
            out.push_str(&close);
        }
        shown += fitted;
        if fitted < group.len() {
            break;
        }
    }
    if shown < total {
        let _ = writeln!(
            out,
            "_{} of {total} changes are not shown, to keep this comment under GitHub's size \
             limit. Run `secoda-sync plan` (or `--format json`) to see all of them._",
            total - shown
        );
    }
    out
}

/// Where a run of changes is shown: the breaking changes' own section, or a category's (or
/// the monitors') collapsible block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Breaking,
    Group,
}

/// Consecutive changes of the same group (they come in tree order, so each group once).
fn split_groups<'b, 'a>(changes: &'b [ChangeLines<'a>]) -> Vec<&'b [ChangeLines<'a>]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=changes.len() {
        if i == changes.len() || changes[i].group != changes[start].group {
            out.push(&changes[start..i]);
            start = i;
        }
    }
    out
}

/// `2 to create, 1 to update` for one group.
fn counts(group: &[ChangeLines<'_>]) -> String {
    let n = |a| group.iter().filter(|b| b.change.action == a).count();
    [
        (n(Action::Create), "to create"),
        (n(Action::Update), "to update"),
        (n(Action::Delete), "to delete"),
        (n(Action::Unsupported), "unsupported"),
        (n(Action::Unmanaged), "no longer managed"),
    ]
    .iter()
    .filter(|(k, _)| *k > 0)
    .map(|(k, what)| format!("{k} {what}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// A change's lines as `diff` lines: the gutter mark, a space, the text line.
fn diff_lines(b: &ChangeLines<'_>) -> String {
    let mut s = String::new();
    for (mark, line) in &b.lines {
        let _ = writeln!(s, "{mark} {line}");
    }
    s
}

/// A code fence longer than any backtick run inside the group, so content cannot close it.
fn fence_for(group: &[ChangeLines<'_>]) -> String {
    let longest = group
        .iter()
        .flat_map(|b| &b.lines)
        .flat_map(|(_, line)| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

/// Escapes text placed in HTML or inline markdown.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Rate;
    use crate::manifest::TrackingFields;
    use crate::plan::desired::{Fields, Names, Resolved};
    use crate::plan::fidelity::NotReadable;
    use crate::plan::render::Baseline;
    use crate::plan::testutil::{category, event, property, resolved};
    use crate::plan::{diff, Change, DiffOptions, FieldChange, Key, Kind, Live};

    /// The comment for creating `d` in an empty workspace.
    fn comment_for(d: &Resolved) -> String {
        let plan = diff(d, &Live::default(), &DiffOptions::default());
        let names = Names::new();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color: false,
            baseline: Baseline::Workspace,
            locations: None,
            fail_on: None,
        };
        to_string(&plan, &ctx)
    }

    #[test]
    fn huge_plan_is_truncated_under_the_limit_with_a_count() {
        let long = "x".repeat(50);
        let props = (0..3000)
            .map(|i| {
                let f = Fields {
                    description: Some(format!("{long} {i}")),
                    ..Fields::default()
                };
                property(&format!("p{i:04}"), f, TrackingFields::default())
            })
            .collect();
        let d = resolved(
            vec![category("C", vec![event("E", Fields::default(), props)])],
            vec![],
        );
        let md = comment_for(&d);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        let shown = md.matches("+ property \"p").count();
        assert!(shown > 100, "{shown}");
        let note = format!("_{} of 3002 changes are not shown", 3002 - shown - 2);
        assert!(md.contains(&note), "{}", &md[md.len() - 300..]);
        // The diff block and the details element are closed before the note.
        assert!(md.trim_end().ends_with("see all of them._"));
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
    }

    /// A field change.
    fn field(name: &str, before: serde_json::Value, after: serde_json::Value) -> FieldChange {
        FieldChange::from_json(name, before, after).unwrap()
    }

    /// The comment for `changes`, with `not_readable` notices.
    fn comment_of(changes: Vec<Change>, not_readable: Vec<NotReadable>) -> String {
        let plan = Plan {
            not_readable,
            ..crate::plan::testutil::plan_of(changes)
        };
        let names = Names::new();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color: false,
            baseline: Baseline::Workspace,
            locations: None,
            fail_on: None,
        };
        to_string(&plan, &ctx)
    }

    #[test]
    fn review_lines_pair_updates_and_leave_out_nulls_and_newline_markers() {
        use serde_json::json;
        let mut update = Change::new(
            Action::Update,
            Key::Event("C".into(), "E".into()),
            "E".into(),
        );
        update.fields = vec![
            field("description", json!("old"), json!("new")),
            field(
                "definition",
                json!("# E\n\nold body"),
                json!("# E\n\nnew body"),
            ),
        ];
        let mut create = Change::new(
            Action::Create,
            Key::Property("C".into(), "E".into(), "p".into()),
            "p".into(),
        );
        create.fields = vec![
            field("description", json!(null), json!("A p.")),
            field("type", json!(null), json!(null)),
        ];
        let readable = |fields: &[&str]| NotReadable {
            kind: Kind::Property,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            count: 3,
        };
        let md = comment_of(
            vec![update, create],
            vec![readable(&["description", "pii"])],
        );
        assert!(
            md.contains("-         description: \"old\"\n+         description: \"new\"\n"),
            "{md}"
        );
        assert!(!md.contains("No newline"), "{md}");
        assert!(md.contains("+             description: \"A p.\"\n"), "{md}");
        assert!(!md.contains("type:"), "{md}");
        // The note names only what the plan sends.
        assert!(
            md.contains("> Not readable from the workspace: description on 3 properties."),
            "{md}"
        );
        let md = comment_of(
            vec![Change::new(
                Action::Delete,
                Key::Category("C".into()),
                "C".into(),
            )],
            vec![readable(&["pii"])],
        );
        assert!(!md.contains("Not readable"), "{md}");
    }

    #[test]
    fn backticks_in_values_cannot_close_the_fence() {
        let f = Fields {
            description: Some("use ``` to fence".to_owned()),
            ..Fields::default()
        };
        let d = resolved(vec![category("C", vec![event("E", f, vec![])])], vec![]);
        let md = comment_for(&d);
        assert!(md.contains("````diff\n"), "{md}");
    }
}
