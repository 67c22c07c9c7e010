//! Styles used across renderings, so a colour means the same thing everywhere.

use anstyle::{AnsiColor, Style};

/// Errors.
pub(crate) const ERROR: Style = AnsiColor::Red.on_default().bold();
/// Warnings.
pub(crate) const WARN: Style = AnsiColor::Yellow.on_default().bold();
/// Creates.
pub(crate) const ADD: Style = AnsiColor::Green.on_default();
/// Updates.
pub(crate) const CHANGE: Style = AnsiColor::Yellow.on_default();
/// Deletes.
pub(crate) const REMOVE: Style = AnsiColor::Red.on_default();
/// Secondary text.
pub(crate) const DIM: Style = Style::new().dimmed();
/// Headings.
pub(crate) const BOLD: Style = Style::new().bold();
