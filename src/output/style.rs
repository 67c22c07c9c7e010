//! Styles used across renderings, so a colour means the same thing everywhere.

use anstyle::{AnsiColor, Style};

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
