//! The Terraform-like text rendering, grouped by category and event:
//! `+` create, `~` update (`field: old -> new`), `-` delete, `!` unsupported or no longer managed.
//! Breaking changes (`plan::class`) come first under their own heading, each saying why.

use super::{
    blocked_line, not_kept_line, not_readable_line, removes_line, summary_line, used_line,
    RenderContext,
};
use crate::api::Id;
use crate::output::{printable, style};
use crate::plan::class::{classify, Class};
use crate::plan::{Action, Change, FieldChange, FieldName, Key, MonitorField, Plan, PlanValue};
use anstyle::Style;
use std::io::{self, Write};

/// Strings longer than this (or spanning lines) show as a unified diff in updates.
const LONG_TEXT: usize = 60;

/// Renders `plan` as text.
///
/// # Errors
/// When writing to `w` fails.
pub(crate) fn render(plan: &Plan, ctx: &RenderContext<'_>, w: &mut impl Write) -> io::Result<()> {
    let paint = Paint(ctx.color);
    if plan.summary().is_empty() {
        writeln!(w, "{}", ctx.baseline.no_changes())?;
        if let Some(line) = not_readable_line(plan) {
            writeln!(w, "{}", paint.style(style::DIM, &line))?;
        }
        if let Some(line) = not_kept_line(plan) {
            writeln!(w, "{}", paint.style(style::DIM, &line))?;
        }
        return Ok(());
    }
    writeln!(
        w,
        "{}",
        paint.style(
            style::BOLD,
            &format!(
                "Plan for integration {} ({}):",
                printable(&plan.integration.name),
                plan.integration.id
            )
        )
    )?;
    let (breaking, others) = by_class(plan);
    // Headings only when there is something to set apart: a plan without breaking changes
    // reads as one listing.
    let headed = !breaking.is_empty();
    for (heading, changes) in [
        (format!("Breaking changes ({}):", breaking.len()), breaking),
        ("Other changes:".to_owned(), others),
    ] {
        if changes.is_empty() {
            continue;
        }
        if headed {
            writeln!(w)?;
            writeln!(w, "{}", paint.style(style::WARN, &heading))?;
        }
        let mut group = None;
        for b in per_change(changes, ctx, Layout::Text) {
            if group.as_ref() != Some(&b.group) {
                writeln!(w)?;
                group = Some(b.group.clone());
            }
            for (_, line) in &b.lines {
                writeln!(w, "{line}")?;
            }
        }
    }
    writeln!(w)?;
    writeln!(
        w,
        "{}",
        paint.style(style::BOLD, &summary_line(plan, ctx.write_rate))
    )?;
    if let Some(line) = removes_line(plan) {
        writeln!(w, "{}", paint.style(style::WARN, &line))?;
    }
    if let Some(line) = used_line(plan) {
        writeln!(w, "{}", paint.style(style::WARN, &line))?;
    }
    if let Some(line) = blocked_line(plan) {
        writeln!(w, "{}", paint.style(style::WARN, &line))?;
    }
    if let Some(line) = not_readable_line(plan) {
        writeln!(w, "{}", paint.style(style::DIM, &line))?;
    }
    if let Some(line) = not_kept_line(plan) {
        writeln!(w, "{}", paint.style(style::DIM, &line))?;
    }
    Ok(())
}

/// Which group of the rendering a change's lines belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Group {
    /// A category's subtree.
    Category(String),
    /// All monitors.
    Monitors,
    /// All tags.
    Tags,
}

/// A rendered line and its diff-gutter mark (`+`, `-` or space) for markdown `diff` blocks.
pub(crate) type Line = (char, String);

/// One change as lines, preceded by the context lines (unchanged parents) it needs.
#[derive(Debug, Clone)]
pub(crate) struct ChangeLines<'a> {
    /// Its group.
    pub(crate) group: Group,
    /// The change.
    pub(crate) change: &'a Change,
    /// The lines, without newlines.
    pub(crate) lines: Vec<Line>,
}

/// Whom the lines are for: a terminal, or a markdown `diff` block for review, where a
/// one-line update is a `-`/`+` pair (so GitHub colours it) and a text diff has no
/// `\ No newline at end of file` marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `name: old -> new` on one line.
    Text,
    /// `-` old and `+` new lines.
    Review,
}

/// The plan's breaking changes, and the others, each in plan order.
pub(crate) fn by_class(plan: &Plan) -> (Vec<&Change>, Vec<&Change>) {
    plan.changes
        .iter()
        .partition(|c| classify(c).class == Class::Breaking)
}

/// Changes in tree order, each rendered as its lines.
pub(crate) fn per_change<'a>(
    changes: Vec<&'a Change>,
    ctx: &RenderContext<'_>,
    layout: Layout,
) -> Vec<ChangeLines<'a>> {
    let paint = Paint(ctx.color);
    let mut sorted = changes;
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    let mut shown: Option<Key> = None;
    let mut out = Vec::with_capacity(sorted.len());
    for c in sorted {
        let mut lines = Vec::new();
        // Context: the ancestors not yet shown, outermost first.
        let mut ancestors = Vec::new();
        let mut p = c.key.parent();
        while let Some(k) = p {
            p = k.parent();
            if shown.as_ref().is_some_and(|s| s.is_within(&k)) {
                break;
            }
            ancestors.push(k);
        }
        for k in ancestors.iter().rev() {
            let line = format!("{}  {} \"{}\"", indent(k), k.kind(), printable(k.title()));
            lines.push((' ', paint.style(style::DIM, &line)));
        }
        change_lines(c, ctx, layout, &mut lines);
        shown = Some(c.key.clone());
        let group = match &c.key {
            Key::Category(t) | Key::Event(t, _) | Key::Property(t, _, _) => {
                Group::Category(t.clone())
            }
            Key::Monitor(..) => Group::Monitors,
            Key::Tag(_) => Group::Tags,
        };
        out.push(ChangeLines {
            group,
            change: c,
            lines,
        });
    }
    out
}

fn indent(k: &Key) -> &'static str {
    match k {
        Key::Event(..) => "    ",
        Key::Property(..) => "        ",
        Key::Category(_) | Key::Monitor(..) | Key::Tag(_) => "",
    }
}

/// Applies styles only when colour is on.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn style(self, s: Style, text: &str) -> String {
        if self.0 {
            format!("{s}{text}{s:#}")
        } else {
            text.to_owned()
        }
    }
}

fn symbol(a: Action) -> (&'static str, Style) {
    match a {
        Action::Create => ("+", style::ADD),
        Action::Update => ("~", style::CHANGE),
        Action::Delete => ("-", style::REMOVE),
        Action::Unsupported | Action::Unmanaged => ("!", style::WARN),
    }
}

fn change_lines(c: &Change, ctx: &RenderContext<'_>, layout: Layout, out: &mut Vec<Line>) {
    let paint = Paint(ctx.color);
    let ind = indent(&c.key);
    let (sym, st) = symbol(c.action);
    let mark = gutter(c.action);
    let usage = match c.usage {
        Some(u) if c.action == Action::Delete => {
            format!(" (usage {})", crate::output::thousands(u.total))
        }
        _ => String::new(),
    };
    let renamed = c
        .renamed_from
        .as_ref()
        .map(|old| format!(" (renamed from \"{}\")", printable(old)))
        .unwrap_or_default();
    let head = format!(
        "{ind}{} {} \"{}\"{renamed}{usage}",
        paint.style(st, sym),
        c.kind,
        printable(&c.label)
    );
    out.push((mark, head));
    let inner = format!("{ind}    ");
    if let Some(note) = &c.note {
        let st = if c.is_blocked() {
            style::WARN
        } else {
            style::DIM
        };
        let note = paint.style(st, &format!("# {note}"));
        out.push((mark, format!("{inner}{note}")));
    }
    // After the note (why it is unsupported, blocked, no longer managed), which says what
    // happens to it: this says what it does to the contract.
    let class = classify(c);
    if class.class == Class::Breaking {
        let why = paint.style(
            style::WARN,
            &format!("# breaking: {}", printable(&class.why())),
        );
        out.push((mark, format!("{inner}{why}")));
    }
    // A create lists what it sends; a field whose value is null sends nothing worth showing.
    let shown: Vec<&FieldChange> = c
        .fields
        .iter()
        .filter(|f| c.action != Action::Create || !f.after.is_null())
        .collect();
    let width = shown
        .iter()
        .map(|f| f.name.as_str().len())
        .max()
        .unwrap_or(0)
        + 1;
    for f in shown {
        field_lines(f, c.action, width, &inner, (ctx, layout), out);
    }
}

/// The markdown diff-gutter mark of a change's own lines.
fn gutter(a: Action) -> char {
    match a {
        Action::Create => '+',
        Action::Delete => '-',
        Action::Update | Action::Unsupported | Action::Unmanaged => ' ',
    }
}

fn is_long(v: &PlanValue) -> bool {
    v.as_str()
        .is_some_and(|s| s.contains('\n') || s.chars().count() > LONG_TEXT)
}

/// One field: `name: value` for a create, `name: old -> new` or a unified diff otherwise.
fn field_lines(
    f: &FieldChange,
    action: Action,
    width: usize,
    inner: &str,
    (ctx, layout): (&RenderContext<'_>, Layout),
    out: &mut Vec<Line>,
) {
    let paint = Paint(ctx.color);
    let label = format!("{}:", f.name);
    let name = &f.name;
    if action == Action::Create {
        match f.after.as_str() {
            Some(s) if s.contains('\n') => {
                out.push(('+', format!("{inner}{label} |")));
                for line in s.lines() {
                    out.push(('+', format!("{inner}    {}", printable(line))));
                }
            }
            _ => {
                let v = value(name, &f.after, ctx);
                out.push(('+', format!("{inner}{label:width$} {v}")));
            }
        }
        return;
    }
    if is_long(&f.before) || is_long(&f.after) {
        let old = f.before.as_str().unwrap_or_default();
        let new = f.after.as_str().unwrap_or_default();
        out.push((' ', format!("{inner}{label}")));
        let diff = similar::TextDiff::from_lines(old, new);
        let unified = diff
            .unified_diff()
            .context_radius(2)
            .header("live", "manifest")
            .missing_newline_hint(layout == Layout::Text)
            .to_string();
        for line in unified.lines() {
            let (mark, st) = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => ('+', style::ADD),
                Some(b'-') if !line.starts_with("---") => ('-', style::REMOVE),
                _ => (' ', style::DIM),
            };
            out.push((
                mark,
                format!("{inner}    {}", paint.style(st, &printable(line))),
            ));
        }
        return;
    }
    let before = value(name, &f.before, ctx);
    let after = value(name, &f.after, ctx);
    // An unsupported difference is never applied: it stays one uncoloured line.
    if layout == Layout::Review && action == Action::Update {
        out.push(('-', format!("{inner}{label:width$} {before}")));
        out.push(('+', format!("{inner}{label:width$} {after}")));
    } else {
        out.push((' ', format!("{inner}{label:width$} {before} -> {after}")));
    }
}

/// A value for display: ids as names, strings quoted, everything else as compact JSON (a whole
/// number without its `.0`).
pub(crate) fn value(field: &FieldName, v: &PlanValue, ctx: &RenderContext<'_>) -> String {
    let name_of = |id: &str| {
        ctx.names
            .get(&Id(id.to_owned()))
            .map_or_else(|| id.to_owned(), Clone::clone)
    };
    match v {
        PlanValue::Ids(items) => {
            let shown: Vec<String> = items.iter().map(|i| name_of(&i.0)).collect();
            format!("[{}]", shown.join(", "))
        }
        PlanValue::Text(s) if *field == FieldName::Monitor(MonitorField::Target) => name_of(s),
        other => other.to_string(),
    }
}
