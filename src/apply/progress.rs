//! Apply progress on stderr: a bar (done/total, rate, ETA) on a terminal, one line per change
//! otherwise, nothing with `-q`.

use super::report::{describe, Outcome};
use crate::output::{style, Printer};
use crate::plan::Change;
use anstyle::Style;
use indicatif::ProgressBar;

/// Reports each finished change.
#[derive(Debug)]
pub struct Progress {
    printer: Printer,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total` changes when the printer is interactive, plain lines otherwise.
    #[must_use]
    pub fn new(printer: &Printer, total: usize) -> Self {
        let bar = printer.bar(
            total as u64,
            "{bar:30} {pos}/{len} changes  {rate}  ETA {eta}  {wide_msg}",
        );
        Self {
            printer: printer.clone(),
            bar,
        }
    }

    /// A progress that prints nothing (library callers, benches).
    #[must_use]
    pub fn hidden() -> Self {
        Self {
            printer: Printer::plain(),
            bar: Some(ProgressBar::hidden()),
        }
    }

    /// Records one change's outcome.
    pub fn finished(&self, change: &Change, outcome: &Outcome) {
        let what = describe(change);
        // The bar writes raw text, so styles are applied only when colour is on.
        let paint = |s: Style| {
            if self.printer.color() {
                s
            } else {
                Style::new()
            }
        };
        let line = match outcome {
            Outcome::Done(id) => {
                let s = paint(style::DIM);
                format!("done: {what} {s}({id}){s:#}")
            }
            Outcome::Adopted(id) => {
                let s = paint(style::DIM);
                format!("adopted: {what} {s}(already there: {id}){s:#}")
            }
            Outcome::Failed(e) => {
                let s = paint(style::ERROR);
                format!("{s}failed{s:#}: {what}: {e}")
            }
            Outcome::Skipped(k) => format!("skipped: {what} (needs {k})"),
            Outcome::Held(_) => {
                format!("held: {what} (carries a field the workspace refused or dropped)")
            }
            Outcome::NotStarted | Outcome::Aborted => return,
        };
        match &self.bar {
            Some(bar) => {
                if !outcome.is_made() && !bar.is_hidden() {
                    bar.println(line);
                }
                bar.set_message(what);
                bar.inc(1);
            }
            None => self.printer.status(line),
        }
    }

    /// Tells the user the apply is stopping.
    pub fn note(&self, msg: &str) {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.println(msg),
            Some(_) => {}
            None => self.printer.status(msg),
        }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
