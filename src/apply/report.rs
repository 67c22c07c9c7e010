//! What an apply did, change by change, and how that is shown: the summary line, the failure
//! table, and what an interruption left undone (the `apply --json` document is
//! [`super::document`]).

use crate::api::Id;
use crate::plan::{Action, Change, FieldName, Key, Kind, MonitorField, PlanValue};
use std::io::{self, Write};

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written; the resource's id (the new id for a create).
    Done(Id),
    /// A create that found its resource already there (made by an earlier or another run)
    /// and took it instead of making a twin: the live id.
    Adopted(Id),
    /// The write failed.
    Failed(Failure),
    /// Not attempted because a change it depends on failed or was not made.
    Skipped(Key),
    /// Not attempted because the apply was interrupted first.
    NotStarted,
    /// In flight when a second Ctrl-C abandoned it: it may or may not have been written.
    Aborted,
    /// Not attempted: it carries a tracking field the workspace refused or did not keep on an
    /// earlier write (why, with the hint).
    Held(String),
}

/// The outcome of every change the executor was asked to make, in plan order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// `(change, outcome)` for each executable change.
    pub entries: Vec<(Change, Outcome)>,
    /// Whether a cancellation (Ctrl-C, SIGTERM) stopped the run early.
    pub interrupted: bool,
    /// Why the run stopped early because it lost its lease (`None` when it did not).
    pub lease_lost: Option<String>,
}

/// What a write that was made gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// Written; the resource's id, when the answer had one (a create's new id).
    Written(Option<Id>),
    /// Not written: the resource already existed and was adopted.
    Adopted(Id),
}

impl From<Option<Id>> for Made {
    fn from(id: Option<Id>) -> Self {
        Self::Written(id)
    }
}

/// Why a write was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotMade {
    /// It failed (why).
    Failed(Failure),
    /// The run stopped before it (its lease was lost): it was not started.
    Stopped,
}

impl From<Failure> for NotMade {
    fn from(why: Failure) -> Self {
        Self::Failed(why)
    }
}

/// Why one change's write failed; each says what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The call failed (the API's error, with the call and status).
    #[error("{0}")]
    Api(String),
    /// The workspace refused a tracking field the property carries (a 400 naming it); the
    /// property writes carrying it stop.
    #[error("{0} ({hint})", hint = crate::plan::fidelity::ledger::HINT)]
    Refused(String),
    /// The workspace does not serve monitor PATCH or DELETE (404/405).
    #[error("this workspace's API does not support {doing} monitors (monitor `{name}`): {error}")]
    Unsupported {
        /// `updating` or `deleting`.
        doing: &'static str,
        /// The monitor's name.
        name: String,
        /// The API's error.
        error: String,
    },
    /// The resource changed or was deleted in Secoda since the plan was made (why).
    #[error("conflict: {0}; not written (plan again to see the change)")]
    Conflict(String),
    /// The check before the write could not be made (what it was, and the error).
    #[error("could not {0}")]
    NotChecked(String),
    /// The change cannot be written as planned (a bug, or a hand-edited saved plan).
    #[error(transparent)]
    Unwritable(#[from] super::write::WriteError),
    /// Its parent is neither live nor created by this plan.
    #[error("its parent `{0}` is neither live nor created by this plan")]
    NoParent(String),
    /// It carries a tag to be created that this plan does not create.
    #[error("its tag `{0}` is neither live nor created by this plan")]
    NoTag(String),
    /// The answer carried no id.
    #[error("the API answered without an id")]
    NoId,
    /// A rename's PATCH answered success with the old title: the workspace does not rename
    /// through the API (the PATCH's other fields were sent with it).
    #[error(
        "the rename to `{title}` was not kept: Secoda answered the PATCH with the title `{kept}`; \
         the resource keeps its id and old title, and the next plan shows the rename again \
         (rename it in Secoda, or remove `renamed_from` and keep the old title)"
    )]
    RenameNotKept {
        /// The title sent.
        title: String,
        /// The title the answer carries.
        kept: String,
    },
}

/// Counts per result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Creates done.
    pub created: usize,
    /// Creates that adopted the resource they found already there.
    pub adopted: usize,
    /// Updates done (monitor disables included).
    pub updated: usize,
    /// Deletes done.
    pub deleted: usize,
    /// Changes whose write failed.
    pub failed: usize,
    /// Changes skipped because of a failed dependency.
    pub skipped: usize,
    /// Changes not started (interrupted) or abandoned in flight.
    pub not_done: usize,
    /// Property writes held back: they carry a tracking field the workspace refused or
    /// did not keep.
    pub held: usize,
}

impl Report {
    /// Counts per result.
    #[must_use]
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for (change, outcome) in &self.entries {
            match outcome {
                Outcome::Done(_) => match change.action {
                    Action::Create => c.created += 1,
                    Action::Update | Action::Unsupported | Action::Unmanaged => c.updated += 1,
                    Action::Delete => c.deleted += 1,
                },
                Outcome::Adopted(_) => c.adopted += 1,
                Outcome::Failed(_) => c.failed += 1,
                Outcome::Skipped(_) => c.skipped += 1,
                Outcome::NotStarted | Outcome::Aborted => c.not_done += 1,
                Outcome::Held(_) => c.held += 1,
            }
        }
        c
    }

    /// Whether every change was made (or adopted) and the run was not stopped early.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        !self.stopped_early() && self.entries.iter().all(|(_, o)| o.is_made())
    }

    /// Whether the run stopped before its end: interrupted, or its lease lost.
    #[must_use]
    pub fn stopped_early(&self) -> bool {
        self.interrupted || self.lease_lost.is_some()
    }

    /// The ids of the monitors this apply created or changed and left enabled: what
    /// `apply --run-monitors` runs. Disabled (pruned or `is_enabled: false`), deleted, failed
    /// and skipped monitors are left out.
    #[must_use]
    pub fn monitors_to_run(&self) -> Vec<Id> {
        self.entries
            .iter()
            .filter_map(|(ch, o)| match o {
                Outcome::Done(id) | Outcome::Adopted(id)
                    if ch.kind == Kind::Monitor
                        && matches!(ch.action, Action::Create | Action::Update)
                        && !disables(ch) =>
                {
                    Some(id.clone())
                }
                _ => None,
            })
            .collect()
    }

    /// The human summary: final line, failure table, skipped and undone changes.
    ///
    /// # Errors
    /// When writing fails.
    pub fn render_text(&self, w: &mut dyn Write) -> io::Result<()> {
        let c = self.counts();
        let failures: Vec<(String, &Failure)> = self
            .entries
            .iter()
            .filter_map(|(ch, o)| match o {
                Outcome::Failed(e) => Some((describe(ch), e)),
                _ => None,
            })
            .collect();
        if !failures.is_empty() {
            writeln!(w, "\nFailed changes:")?;
            let width = failures
                .iter()
                .map(|(what, _)| what.len())
                .max()
                .unwrap_or(0);
            for (what, e) in &failures {
                writeln!(w, "  {what:width$}  {e}")?;
            }
        }
        let skipped: Vec<_> = self
            .entries
            .iter()
            .filter_map(|(ch, o)| match o {
                Outcome::Skipped(k) => Some((ch, k)),
                _ => None,
            })
            .collect();
        if !skipped.is_empty() {
            writeln!(w, "\nSkipped because a change they depend on was not made:")?;
            for (ch, k) in skipped {
                writeln!(w, "  {} (needs {k})", describe(ch))?;
            }
        }
        let held: Vec<_> = self
            .entries
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Held(_)))
            .collect();
        if let Some((_, Outcome::Held(why))) = held.first() {
            writeln!(
                w,
                "\nHeld back, {}: {why}",
                crate::output::count(held.len(), "property write", "property writes")
            )?;
            for (ch, _) in &held {
                writeln!(w, "  not written: {}", describe(ch))?;
            }
        }
        if self.stopped_early() {
            let undone: Vec<_> = self
                .entries
                .iter()
                .filter(|(_, o)| matches!(o, Outcome::NotStarted | Outcome::Aborted))
                .collect();
            let why = match &self.lease_lost {
                Some(lost) => format!("Stopped: the lease was lost ({lost})"),
                None => "Interrupted".to_owned(),
            };
            writeln!(
                w,
                "\n{why}: {} of {} changes done, {} not done.",
                c.created + c.adopted + c.updated + c.deleted,
                self.entries.len(),
                undone.len()
            )?;
            for (ch, o) in undone {
                let why = if *o == Outcome::Aborted {
                    " (abandoned in flight: may have been written)"
                } else {
                    ""
                };
                writeln!(w, "  not done: {}{why}", describe(ch))?;
            }
            writeln!(
                w,
                "Run apply again to finish: it picks up where this one stopped."
            )?;
        }
        writeln!(w, "{}", self.summary_line())
    }

    /// The last line of the text summary: how the run ended, then the counts, from the same
    /// `Counts` the `apply --json` summary holds.
    #[must_use]
    pub fn summary_line(&self) -> String {
        let c = self.counts();
        let ended = if self.lease_lost.is_some() {
            "Apply stopped (lease lost)"
        } else if self.interrupted {
            "Apply interrupted"
        } else {
            "Apply complete"
        };
        let mut line = format!("{ended}: {} created", c.created);
        if c.adopted > 0 {
            line.push_str(&format!(", {} adopted", c.adopted));
        }
        line.push_str(&format!(
            ", {} updated, {} deleted, {} failed",
            c.updated, c.deleted, c.failed
        ));
        for (n, what) in [
            (c.skipped, "skipped"),
            (c.held, "held back"),
            (c.not_done, "not done"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {n} {what}"));
            }
        }
        line.push('.');
        line
    }
}

impl Outcome {
    /// Whether the change is in place: written, or adopted.
    #[must_use]
    pub fn is_made(&self) -> bool {
        matches!(self, Self::Done(_) | Self::Adopted(_))
    }
}

/// Whether the change leaves its monitor disabled (a prune's disable, or `is_enabled: false`).
fn disables(ch: &Change) -> bool {
    ch.fields.iter().any(|f| {
        f.name == FieldName::Monitor(MonitorField::IsEnabled) && f.after == PlanValue::Bool(false)
    })
}

/// `create event Checkout/Order Completed`, or the monitor's name for monitors.
#[must_use]
pub(crate) fn describe(ch: &Change) -> String {
    let verb = match ch.action {
        Action::Create => "create",
        Action::Update if ch.renamed_from.is_some() => "rename",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::Unsupported => "unsupported",
        Action::Unmanaged => "leave",
    };
    match ch.kind {
        Kind::Monitor => format!("{verb} monitor `{}`", ch.label),
        k => format!("{verb} {k} {}", ch.key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::FieldChange;

    fn monitor(action: Action, metric: &str, enabled: Option<bool>) -> Change {
        let key = Key::Monitor("t".into(), metric.into(), "{}".into());
        Change {
            fields: enabled
                .map(|e| {
                    FieldChange::new(
                        MonitorField::IsEnabled,
                        PlanValue::Bool(!e),
                        PlanValue::Bool(e),
                    )
                })
                .into_iter()
                .collect(),
            ..Change::new(action, key, metric.into())
        }
    }

    #[test]
    fn run_monitors_takes_only_created_or_changed_monitors_left_enabled() {
        let done = |n: &str| Outcome::Done(Id::from(n));
        let event = Change {
            kind: Kind::Event,
            key: Key::Event("C".into(), "E".into()),
            ..monitor(Action::Create, "x", None)
        };
        let report = Report {
            entries: vec![
                (
                    monitor(Action::Create, "row_count", Some(true)),
                    done("created"),
                ),
                (monitor(Action::Update, "freshness", None), done("changed")),
                (
                    monitor(Action::Update, "minimum", Some(false)),
                    done("disabled"),
                ),
                (monitor(Action::Create, "maximum", Some(false)), done("off")),
                (
                    monitor(Action::Delete, "cardinality", None),
                    done("deleted"),
                ),
                (
                    monitor(Action::Update, "custom_sql", None),
                    Outcome::Failed(Failure::Api("405".into())),
                ),
                (event, done("event")),
            ],
            interrupted: false,
            lease_lost: None,
        };
        assert_eq!(
            report.monitors_to_run(),
            [Id::from("created"), Id::from("changed")]
        );
    }

    #[test]
    fn the_last_line_says_how_the_run_ended_with_the_json_counts() {
        let ev = |e: &str| Change::new(Action::Create, Key::Event("C".into(), e.into()), e.into());
        let entries = vec![
            (ev("a"), Outcome::Done(Id::from("1"))),
            (ev("b"), Outcome::Adopted(Id::from("2"))),
            (ev("c"), Outcome::Failed(Failure::Api("500".into()))),
            (ev("d"), Outcome::Skipped(Key::Category("C".into()))),
            (ev("e"), Outcome::Held("refused".into())),
            (ev("f"), Outcome::NotStarted),
            (ev("g"), Outcome::Aborted),
        ];
        let counts = "1 created, 1 adopted, 0 updated, 0 deleted, 1 failed, 1 skipped, 1 held \
                      back, 2 not done.";
        for (interrupted, lost, ended) in [
            (false, None, "Apply complete"),
            (true, None, "Apply interrupted"),
            (false, Some("gone".to_owned()), "Apply stopped (lease lost)"),
        ] {
            let report = Report {
                entries: entries.clone(),
                interrupted,
                lease_lost: lost,
            };
            let mut text = Vec::new();
            report.render_text(&mut text).unwrap();
            let text = String::from_utf8(text).unwrap();
            assert_eq!(
                text.lines().last(),
                Some(format!("{ended}: {counts}").as_str())
            );
            assert_eq!(text.contains("Apply complete"), ended == "Apply complete");
            assert!(!report.is_complete());
            let doc = super::super::ApplyDocument::from(&super::super::ApplyOutcome::from(
                report.clone(),
            ));
            let s = doc.summary;
            assert_eq!(
                (s.created, s.adopted, s.failed, s.skipped, s.held, s.not_done),
                (1, 1, 1, 1, 1, 2)
            );
        }
    }
}
