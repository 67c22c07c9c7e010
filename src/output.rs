//! The one printer: results to stdout, progress and logs to stderr, colour only where it helps.

use crate::cli::{ColorChoice, GlobalArgs};
use anstream::{AutoStream, ColorChoice as StreamChoice};
use anstyle::{AnsiColor, Style};
use std::io::{IsTerminal, Write};

/// How chatty stderr is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: errors only.
    Quiet,
    /// Status lines and warnings.
    Normal,
    /// `-v`: one line per API call.
    Verbose,
    /// `-vv`: bodies too (token redacted).
    Debug,
}

/// Decides what goes where and in which colours.
#[derive(Debug, Clone)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
    stderr_tty: bool,
}

/// Styles used across renderings.
pub mod style {
    use super::{AnsiColor, Style};
    /// Errors.
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// Warnings.
    pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
    /// Creates.
    pub const ADD: Style = AnsiColor::Green.on_default();
    /// Updates.
    pub const CHANGE: Style = AnsiColor::Yellow.on_default();
    /// Deletes.
    pub const REMOVE: Style = AnsiColor::Red.on_default();
    /// Secondary text.
    pub const DIM: Style = Style::new().dimmed();
    /// Headings.
    pub const BOLD: Style = Style::new().bold();
}

impl Printer {
    /// Builds the printer from the global flags and the environment (`NO_COLOR`).
    #[must_use]
    pub fn new(args: &GlobalArgs) -> Self {
        let verbosity = match (args.quiet, args.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            (false, _) => Verbosity::Debug,
        };
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stderr_tty && !no_color,
        };
        Self {
            verbosity,
            color,
            stderr_tty,
        }
    }

    /// A printer for tests and library callers: normal verbosity, no colour, no progress.
    #[must_use]
    pub fn plain() -> Self {
        Self {
            verbosity: Verbosity::Normal,
            color: false,
            stderr_tty: false,
        }
    }

    /// The verbosity level.
    #[must_use]
    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Whether colour is on.
    #[must_use]
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether progress bars and prompts may be shown (stderr is a terminal and not `-q`).
    #[must_use]
    pub fn interactive(&self) -> bool {
        self.stderr_tty && self.verbosity > Verbosity::Quiet
    }

    fn choice(&self) -> StreamChoice {
        if self.color {
            StreamChoice::AlwaysAnsi
        } else {
            StreamChoice::Never
        }
    }

    /// Stdout for results; styles are stripped unless colour is on.
    #[must_use]
    pub fn stdout(&self) -> AutoStream<std::io::Stdout> {
        AutoStream::new(std::io::stdout(), self.choice())
    }

    /// Stderr for status, logs and diagnostics.
    #[must_use]
    pub fn stderr(&self) -> AutoStream<std::io::Stderr> {
        AutoStream::new(std::io::stderr(), self.choice())
    }

    /// A status line on stderr (hidden with `-q`).
    pub fn status(&self, msg: impl std::fmt::Display) {
        if self.verbosity > Verbosity::Quiet {
            let _ = writeln!(self.stderr(), "{msg}");
        }
    }

    /// A warning on stderr (hidden with `-q`).
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if self.verbosity > Verbosity::Quiet {
            let s = style::WARN;
            let _ = writeln!(self.stderr(), "{s}warning{s:#}: {msg}");
        }
    }

    /// An error with its cause chain on stderr (always shown).
    pub fn error(&self, err: &dyn std::error::Error) {
        let s = style::ERROR;
        let mut out = self.stderr();
        let _ = writeln!(out, "{s}error{s:#}: {err}");
        let mut source = err.source();
        while let Some(cause) = source {
            let _ = writeln!(out, "  caused by: {cause}");
            source = cause.source();
        }
    }
}

/// `n` followed by the noun, singular for exactly one (`1 category`, `2 categories`).
#[must_use]
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Text from the workspace made safe for a terminal: control characters (an escape sequence
/// in a title could move the cursor or rewrite earlier lines) are shown escaped, e.g. `\u{1b}`.
#[must_use]
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t';
    if !s.chars().any(unsafe_char) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert!(matches!(
            printable("Order Completed\tä"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(printable("a\u{1b}[31mb\rc"), "a\\u{1b}[31mb\\rc");
    }

    #[test]
    fn count_is_singular_for_one() {
        assert_eq!(count(1, "category", "categories"), "1 category");
        assert_eq!(count(0, "category", "categories"), "0 categories");
    }
}
