//! The one printer: results to stdout, progress and logs to stderr, colour only where it helps.

use super::style;
use super::Redacting;
use anstream::{AutoStream, ColorChoice as StreamChoice};
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

/// When to colour stderr (and stdout): `--color`, whose values' help the variants' comments are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Decides what goes where and in which colours.
#[derive(Debug, Clone)]
pub struct Printer {
    verbosity: Verbosity,
    color: bool,
    stderr_tty: bool,
}

impl Printer {
    /// Builds the printer from the verbosity, the colour choice and the environment
    /// (`NO_COLOR`, whether stderr is a terminal).
    #[must_use]
    pub fn new(verbosity: Verbosity, color: ColorChoice) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
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

    /// Stdout for results; styles are stripped unless colour is on; secrets are redacted.
    #[must_use]
    pub fn stdout(&self) -> Redacting<AutoStream<std::io::Stdout>> {
        Redacting::new(AutoStream::new(std::io::stdout(), self.choice()))
    }

    /// Stderr for status, logs and diagnostics; secrets are redacted.
    #[must_use]
    pub fn stderr(&self) -> Redacting<AutoStream<std::io::Stderr>> {
        Redacting::new(AutoStream::new(std::io::stderr(), self.choice()))
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
