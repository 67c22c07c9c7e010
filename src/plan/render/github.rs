//! The GitHub Actions rendering (`--format github`): one workflow command per change a
//! reviewer must weigh, at the manifest line that makes it, so a pull request shows it inline;
//! then one notice with the plan's summary.
//!
//! Annotated: every breaking change, and every change `--fail-on` fails on. A change the gate
//! fails on is an `::error`, any other a `::warning`. A removed resource has no line of its
//! own in the manifests: it points at its nearest ancestor still declared (the file and line
//! of its event or category), or nowhere.

use super::{summary_line, RenderContext};
use crate::manifest::{ManifestSet, Origin};
use crate::output::github::{Annotation, Level, Place};
use crate::plan::class::{classify, Class, ClassCounts};
use crate::plan::{Change, Key, Plan};
use std::collections::HashMap;
use std::io::{self, Write};

/// Where each category, event and property of a manifest set is declared.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locations(HashMap<Key, Origin>);

impl Locations {
    /// The declarations of `set`.
    #[must_use]
    pub(crate) fn of(set: &ManifestSet) -> Self {
        let mut at = HashMap::new();
        for c in &set.categories {
            at.insert(Key::Category(c.title.clone()), c.origin.clone());
            for e in &c.events {
                at.insert(
                    Key::Event(c.title.clone(), e.title.clone()),
                    e.origin.clone(),
                );
                for p in &e.properties {
                    let key = Key::Property(c.title.clone(), e.title.clone(), p.title.clone());
                    at.insert(key, p.origin.clone());
                }
            }
        }
        Self(at)
    }

    /// Where `key` is declared, else its nearest declared ancestor.
    #[must_use]
    pub(crate) fn nearest(&self, key: &Key) -> Option<&Origin> {
        let mut k = Some(key.clone());
        while let Some(key) = k {
            if let Some(o) = self.0.get(&key) {
                return Some(o);
            }
            k = key.parent();
        }
        None
    }
}

/// Renders `plan` as workflow commands.
///
/// # Errors
/// When writing to `w` fails.
pub(crate) fn render(plan: &Plan, ctx: &RenderContext<'_>, w: &mut impl Write) -> io::Result<()> {
    for (c, class, why) in annotated(plan, ctx.fail_on) {
        let level = if ctx.fail_on.is_some_and(|l| class >= l) {
            Level::Error
        } else {
            Level::Warning
        };
        let origin = ctx.locations.and_then(|l| l.nearest(&c.key));
        let title = match class {
            Class::Breaking => "breaking change",
            Class::Addition => "addition",
            Class::Revision => "revision",
        };
        let message = format!("{} \"{}\": {why}", c.kind, c.key);
        let a = Annotation {
            level,
            place: origin.map(|o| Place {
                file: &o.file,
                line: Some(o.line),
                col: Some(o.column),
            }),
            title,
            message: &message,
        };
        writeln!(w, "{a}")?;
    }
    let summary = if plan.summary().is_empty() {
        ctx.baseline.no_changes().to_owned()
    } else {
        format!(
            "{} Classes: {}.",
            summary_line(plan, ctx.write_rate),
            ClassCounts::of(plan).line()
        )
    };
    let notice = Annotation {
        level: Level::Notice,
        place: None,
        title: "secoda-sync",
        message: &summary,
    };
    writeln!(w, "{notice}")
}

/// The changes to annotate, in plan order: breaking ones, and those `fail_on` fails on.
fn annotated(plan: &Plan, fail_on: Option<Class>) -> Vec<(&Change, Class, String)> {
    let threshold = fail_on.map_or(Class::Breaking, |l| l.min(Class::Breaking));
    plan.changes
        .iter()
        .map(|c| (c, classify(c)))
        .filter(|(_, k)| k.class >= threshold)
        .map(|(c, k)| (c, k.class, k.why()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Rate;
    use crate::manifest::Origin;
    use crate::plan::desired::Names;
    use crate::plan::render::Baseline;
    use crate::plan::{Action, Change};
    use std::sync::Arc;

    fn origin(file: &str, line: u32) -> Origin {
        Origin {
            file: Arc::from(file),
            line,
            column: 3,
        }
    }

    fn rendered(plan: &Plan, locations: &Locations, fail_on: Option<Class>) -> String {
        let names = Names::new();
        let ctx = RenderContext {
            write_rate: Rate::SECODA_WRITES,
            names: &names,
            color: false,
            baseline: Baseline::ManifestSet,
            locations: Some(locations),
            fail_on,
        };
        let mut out = Vec::new();
        render(plan, &ctx, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_removed_property_points_at_its_event_and_a_new_event_is_annotated_only_under_the_gate() {
        let event = Key::Event("Checkout".into(), "Order, Completed".into());
        let mut locations = Locations::default();
        locations
            .0
            .insert(event.clone(), origin("plans/checkout.yaml", 7));
        let removed = Key::Property(
            "Checkout".into(),
            "Order, Completed".into(),
            "coupon".into(),
        );
        let new = Key::Event("Onboarding".into(), "Signed Up".into());
        let plan = crate::plan::testutil::plan_of(vec![
            Change::new(Action::Unmanaged, removed, "coupon".into()),
            Change::new(Action::Create, new, "Signed Up".into()),
        ]);
        let out = rendered(&plan, &locations, None);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "::warning file=plans/checkout.yaml,line=7,col=3,title=breaking change::property \
             \"Checkout/Order, Completed/coupon\": property removed from the manifests"
        );
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines[1].starts_with("::notice title=secoda-sync::Plan: 1 to create"),
            "{out}"
        );
        assert!(
            lines[1].ends_with("Classes: 1 breaking change, 1 addition."),
            "{out}"
        );

        let gated = rendered(&plan, &locations, Some(Class::Addition));
        let lines: Vec<&str> = gated.lines().collect();
        assert!(
            lines[0].starts_with("::error file=plans/checkout.yaml"),
            "{gated}"
        );
        assert_eq!(
            lines[1],
            "::error title=addition::event \"Onboarding/Signed Up\": new event"
        );
    }
}
