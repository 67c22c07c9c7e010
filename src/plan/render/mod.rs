//! The plan's three renderings: text for terminals, JSON for machines, markdown for pull-request
//! comments. Each writes to a caller-given writer, so rendering stays pure and testable.

pub(crate) mod github;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod text;

use super::class::Class;
use super::desired::Names;
use super::{Action, Plan};
use crate::api::Rate;
use std::io::{self, Write};
use std::time::Duration;

/// What a rendering needs besides the plan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenderContext<'a> {
    /// The configured write rate, for the apply-time estimate.
    pub write_rate: Rate,
    /// Id -> display name, to show id lists as names.
    pub names: &'a Names,
    /// Whether to emit ANSI styles (text only).
    pub color: bool,
    /// What the manifests were compared with.
    pub baseline: Baseline,
    /// Where the manifests declare each resource (`github` annotates there; `None`: nowhere).
    pub locations: Option<&'a github::Locations>,
    /// `--fail-on`: the changes it fails on are `github`'s errors (`None`: no gate).
    pub fail_on: Option<Class>,
}

/// What a plan compares the manifests with: the line for "nothing would change" names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// The live workspace (`plan`, `apply`).
    Workspace,
    /// Another manifest set (`diff`, offline).
    ManifestSet,
}

impl Baseline {
    /// The line every rendering ends with when nothing would change.
    pub(crate) fn no_changes(self) -> &'static str {
        match self {
            Self::Workspace => "No changes. The workspace matches the manifests.",
            Self::ManifestSet => "No changes. The two manifest sets agree.",
        }
    }
}

/// A rendering of a plan (also the `plan --format` values, so the docs are its help text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terraform-like listing.
    Text,
    /// The documented JSON document (schemas/plan.schema.json).
    Json,
    /// A pull-request comment.
    Markdown,
    /// GitHub Actions annotations: the manifests' diagnostics, one per breaking change (and
    /// per change `--fail-on` fails on) at the manifest line that makes it, then a notice with
    /// the summary.
    Github,
}

/// How a command shows a plan: the format, and what the renderings need from the command
/// line besides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'a> {
    /// `--format`.
    pub format: Format,
    /// Where the manifests declare each resource (for `github`).
    pub locations: Option<&'a github::Locations>,
    /// `--fail-on`.
    pub fail_on: Option<Class>,
}

impl View<'_> {
    /// Plain text, no gate: what `apply` shows before it writes.
    #[must_use]
    pub(crate) fn text() -> Self {
        Self {
            format: Format::Text,
            locations: None,
            fail_on: None,
        }
    }
}

/// Renders `plan` in `format` to `w`.
///
/// # Errors
/// When writing to `w` fails.
pub(crate) fn render(
    plan: &Plan,
    format: Format,
    ctx: &RenderContext<'_>,
    w: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(plan, ctx, w),
        Format::Json => json::render(plan, ctx, w),
        Format::Markdown => markdown::render(plan, ctx, w),
        Format::Github => github::render(plan, ctx, w),
    }
}

/// A duration as people read it: `45s`, `4m10s`, `1h02m` (rounded up to the second).
#[must_use]
pub(crate) fn format_duration(d: Duration) -> String {
    let secs = whole_seconds(d);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// Whole seconds an apply of `plan` takes at `rate`, rounded up.
#[must_use]
pub(crate) fn eta_seconds(plan: &Plan, rate: Rate) -> u64 {
    whole_seconds(plan.eta(rate))
}

/// Seconds, rounded up: an estimate never promises less than it takes.
fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// `Plan: 3 to create, 1 to update, 0 to delete, 1 unsupported. 4 writes, about 8s at 30/min.`
#[must_use]
pub(crate) fn summary_line(plan: &Plan, rate: Rate) -> String {
    let s = plan.summary();
    let lease = if plan.lease_writes > 0 {
        format!(" ({} for the lease)", plan.lease_writes)
    } else {
        String::new()
    };
    // Shown only when an offline diff has some, so every other plan's line stays as it was.
    let unmanaged = if s.unmanaged > 0 {
        format!(", {} no longer managed", s.unmanaged)
    } else {
        String::new()
    };
    format!(
        "Plan: {} to create, {} to update, {} to delete, {} unsupported{unmanaged}. {}{lease}, about {} at {rate}.",
        s.create,
        s.update,
        s.delete,
        s.unsupported,
        crate::output::count(plan.total_writes(), "write", "writes"),
        format_duration(plan.eta(rate)),
    )
}

/// `7 deletes removing 47 resources.` when the deletes take more with them than themselves
/// (an event delete removes its properties), or `None`.
#[must_use]
pub(crate) fn removes_line(plan: &Plan) -> Option<String> {
    let s = plan.summary();
    (s.removes > s.delete).then(|| {
        format!(
            "{} removing {} resources.",
            crate::output::count(s.delete, "delete", "deletes"),
            s.removes
        )
    })
}

/// `Not readable from the workspace: type, is_required on 40 properties. ...`: the managed
/// fields the diff could not compare (sent on create, never offered again), or `None`. Only
/// the fields some create or update of the plan sends are named: on a plan that does not
/// write them the note says nothing a reviewer can act on (the JSON document lists them all).
#[must_use]
pub(crate) fn not_readable_line(plan: &Plan) -> Option<String> {
    let sent = |kind: crate::plan::Kind, field: &str| {
        plan.changes.iter().any(|c| {
            c.kind == kind
                && matches!(c.action, Action::Create | Action::Update)
                && c.fields.iter().any(|f| {
                    field == f.name.as_str()
                        || field
                            .strip_prefix(f.name.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                })
        })
    };
    let parts: Vec<String> = plan
        .not_readable
        .iter()
        .filter_map(|n| {
            let fields: Vec<&str> = n
                .fields
                .iter()
                .map(String::as_str)
                .filter(|f| sent(n.kind, f))
                .collect();
            if fields.is_empty() {
                return None;
            }
            let what = crate::output::count(n.count, n.kind.as_str(), n.kind.plural());
            Some(format!("{} on {what}", fields.join(", ")))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "Not readable from the workspace: {}. Sent on create, never compared.",
        parts.join("; ")
    ))
}

/// `Not kept by the workspace: type on 40 properties (seen on apply at T). ...`: the changes
/// held back because an apply proved the workspace does not keep the field, or `None`.
#[must_use]
pub(crate) fn not_kept_line(plan: &Plan) -> Option<String> {
    if plan.not_kept.is_empty() {
        return None;
    }
    let parts: Vec<String> = plan
        .not_kept
        .iter()
        .map(|n| {
            let what = crate::output::count(n.count, n.kind.as_str(), n.kind.plural());
            format!("{} on {what} (seen on apply at {})", n.field, n.seen)
        })
        .collect();
    Some(format!(
        "Not kept by the workspace: {}. Not offered again; --recheck-fields compares them.",
        parts.join("; ")
    ))
}

/// `2 deletes remove resources Secoda reports usage for (1,210 uses in all).`, or `None`.
#[must_use]
pub(crate) fn used_line(plan: &Plan) -> Option<String> {
    let used: Vec<u64> = plan
        .changes
        .iter()
        .filter(|c| c.deletes_used())
        .filter_map(|c| c.usage.map(|u| u.total))
        .collect();
    (!used.is_empty()).then(|| {
        let (n, verb) = if used.len() == 1 {
            ("1 delete".to_owned(), "removes a resource")
        } else {
            (format!("{} deletes", used.len()), "remove resources")
        };
        format!(
            "{n} {verb} Secoda reports usage for ({} uses in all).",
            crate::output::thousands(used.iter().sum())
        )
    })
}

/// The warning shown when deletes are held back (a safety cap, `no-delete-used`), or `None`.
#[must_use]
pub(crate) fn blocked_line(plan: &Plan) -> Option<String> {
    let s = plan.summary();
    let are = |n: usize| if n == 1 { "delete is" } else { "deletes are" };
    let mut parts = Vec::new();
    let capped = s.blocked - s.blocked_used;
    if capped > 0 {
        parts.push(format!(
            "{capped} {} over a safety cap: apply refuses this plan until the cap is raised \
             (--max-deletes, --max-delete-percent) or the manifests declare more.",
            are(capped)
        ));
    }
    if s.blocked_used > 0 {
        parts.push(format!(
            "{} {} held back by no-delete-used (the resources are used): apply refuses this \
             plan unless --allow-used-deletes names them, or is given alone for all.",
            s.blocked_used,
            are(s.blocked_used)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_clock() {
        let s = Duration::from_secs;
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_millis(150)), "1s");
        assert_eq!(format_duration(s(45)), "45s");
        assert_eq!(format_duration(s(250)), "4m10s");
        assert_eq!(format_duration(s(245)), "4m05s");
        assert_eq!(format_duration(s(3720)), "1h02m");
        assert_eq!(format_duration(s(36_000)), "10h00m");
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;
    use crate::plan::testutil::sample_plan;

    fn rendered(format: Format, color: bool) -> String {
        let (plan, names) = sample_plan();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color,
            baseline: Baseline::Workspace,
            locations: None,
            fail_on: None,
        };
        let mut out = Vec::new();
        render(&plan, format, &ctx, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_rendering() {
        insta::assert_snapshot!("text", rendered(Format::Text, false));
    }

    #[test]
    fn json_rendering() {
        let out = rendered(Format::Json, false);
        let doc: json::PlanDocument = serde_json::from_str(&out).unwrap();
        assert_eq!(doc.format_version, 1);
        insta::assert_snapshot!("json", out);
    }

    #[test]
    fn markdown_rendering() {
        insta::assert_snapshot!("markdown", rendered(Format::Markdown, false));
    }

    #[test]
    fn control_characters_from_the_workspace_never_reach_the_terminal_raw() {
        let (mut plan, names) = sample_plan();
        plan.changes[0].label = "Evil\u{1b}[2J".to_owned();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color: false,
            baseline: Baseline::Workspace,
            locations: None,
            fail_on: None,
        };
        let mut out = Vec::new();
        render(&plan, Format::Text, &ctx, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("Evil\\u{1b}[2J"), "{text}");
    }

    #[test]
    fn empty_plan_says_no_changes_in_every_format() {
        let plan = crate::plan::testutil::plan_of(Vec::new());
        let names = Names::new();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color: true,
            baseline: Baseline::Workspace,
            locations: None,
            fail_on: None,
        };
        let out = |format| {
            let mut out = Vec::new();
            render(&plan, format, &ctx, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let no_changes = Baseline::Workspace.no_changes();
        assert_eq!(out(Format::Text), format!("{no_changes}\n"));
        assert!(out(Format::Markdown).ends_with(&format!("\n\n{no_changes}\n")));
        let doc: json::PlanDocument = serde_json::from_str(&out(Format::Json)).unwrap();
        assert_eq!((doc.summary.writes, doc.summary.eta_seconds), (0, 0));
        assert!(doc.changes.is_empty());
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!rendered(Format::Text, false).contains('\u{1b}'));
        assert!(rendered(Format::Text, true).contains("\u{1b}[32m+"));
        assert!(!rendered(Format::Markdown, true).contains('\u{1b}'));
    }
}
