//! Spinners and bars, made only by the printer so that one place decides whether anything is
//! drawn: on stderr, only when it is a terminal and the run is not `-q`.

use super::Printer;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::time::Duration;

/// How often a spinner redraws on its own.
const SPINNER_TICK: Duration = Duration::from_millis(120);

impl Printer {
    /// A spinner on stderr drawn with `template` (indicatif's syntax; `{pos}` counts
    /// [`ProgressBar::inc`] calls), ticking on its own; `None` unless the printer is
    /// interactive.
    #[must_use]
    pub fn spinner(&self, template: &str) -> Option<ProgressBar> {
        self.interactive().then(|| {
            let s = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            s.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            s.enable_steady_tick(SPINNER_TICK);
            s
        })
    }

    /// A bar on stderr over `total` steps drawn with `template` (indicatif's syntax, plus
    /// `{rate}` as steps per second, e.g. `2.5/s`); `None` unless the printer is interactive.
    #[must_use]
    pub fn bar(&self, total: u64, template: &str) -> Option<ProgressBar> {
        self.interactive().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.1}/s", s.per_sec());
                    }),
            );
            bar
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_drawn_off_a_terminal() {
        let p = Printer::plain();
        assert!(p.spinner("{spinner} {pos}").is_none());
        assert!(p.bar(3, "{bar} {rate}").is_none());
    }
}
