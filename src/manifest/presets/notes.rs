//! What a vendor export held that the migration does not carry: skipped rows with their lines,
//! and fields Secoda has no home for, counted (never dropped without a word).

use crate::manifest::diagnostics::{Code, Diagnostic, Severity};
use crate::manifest::node::Ctx;
use std::collections::BTreeMap;

/// Rows left out of one file, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skip {
    /// 1-based lines (or JSON lines) of the skipped rows.
    pub lines: Vec<u32>,
}

/// What one vendor file did not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Skipped rows by reason (`user properties`, `non-track events`, `removed rows`).
    pub skipped: BTreeMap<String, Skip>,
    /// Values of vendor fields Secoda has no home for, by field (`Sources`), with their count.
    pub no_home: BTreeMap<String, usize>,
}

impl Notes {
    /// Records a skipped row.
    pub(super) fn skip(&mut self, reason: &str, line: u32) {
        self.skipped
            .entry(reason.to_owned())
            .or_default()
            .lines
            .push(line);
    }

    /// Counts one value of a field without a home.
    pub(super) fn no_home(&mut self, field: &str) {
        *self.no_home.entry(field.to_owned()).or_default() += 1;
    }

    /// One `migration-skipped` warning per reason and per field, at the first line concerned.
    pub(super) fn warn(&self, ctx: &mut Ctx<'_>) {
        for (reason, skip) in &self.skipped {
            let first = skip.lines.first().copied().unwrap_or(1);
            let shown: Vec<String> = skip.lines.iter().take(10).map(u32::to_string).collect();
            let more = if skip.lines.len() > 10 { ", ..." } else { "" };
            let mut d = Diagnostic::at(
                Code::MigrationSkipped,
                ctx.loc(first, 1),
                format!(
                    "skipped {} {reason} (lines {}{more})",
                    skip.lines.len(),
                    shown.join(", ")
                ),
            );
            d.severity = Severity::Warning;
            ctx.push(d);
        }
        for (field, n) in &self.no_home {
            ctx.push(Diagnostic::at(
                Code::MigrationSkipped,
                ctx.loc(1, 1),
                format!("`{field}` has no home in Secoda: {n} values not carried"),
            ));
        }
    }

    /// Adds another file's notes.
    pub fn absorb(&mut self, other: Notes) {
        for (reason, skip) in other.skipped {
            self.skipped
                .entry(reason)
                .or_default()
                .lines
                .extend(skip.lines);
        }
        for (field, n) in other.no_home {
            *self.no_home.entry(field).or_default() += n;
        }
    }
}
