//! A vendor CSV as a table: headers matched case- and whitespace-insensitively, rows with the
//! line they start on, cells with the location a diagnostic points at.

use crate::manifest::csv::{syntax, Delimiter, LineCounter};
use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::node::Ctx;
use crate::manifest::options::Preset;
use crate::manifest::{NameSet, Origin};
use std::sync::Arc;

/// Lowercase, `_` as space, runs of whitespace as one space, a trailing `?` dropped.
pub(super) fn normalize(header: &str) -> String {
    let lower = header.to_lowercase().replace('_', " ");
    let joined = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.trim_end_matches('?').trim_end().to_owned()
}

/// The parsed file.
pub(super) struct Table {
    /// Header cells, normalized.
    norm: Vec<String>,
    /// Header cells as written (trimmed).
    names: Vec<String>,
    /// Rows with their first line; blank rows dropped.
    pub(super) rows: Vec<(u32, ::csv::StringRecord)>,
}

/// One row of a table.
pub(super) struct Row<'t> {
    table: &'t Table,
    rec: &'t ::csv::StringRecord,
    /// 1-based line the row starts on.
    pub(super) line: u32,
}

impl Table {
    /// Parses `text`; `None` when it has no header.
    pub(super) fn read(ctx: &mut Ctx<'_>, text: &str, preset: Preset) -> Option<Table> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(Delimiter::sniff(text).byte())
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next()? {
            Ok(h) => h,
            Err(e) => {
                syntax(ctx, &e);
                return None;
            }
        };
        let mut rows = Vec::new();
        let mut lines = LineCounter::default();
        for rec in records {
            match rec {
                Ok(r) if r.iter().all(|c| c.trim().is_empty()) => {}
                Ok(r) => {
                    let line = r
                        .position()
                        .map_or(0, |p| lines.line_at(text.as_bytes(), p.byte()));
                    if fits(ctx, &header, &r, line) {
                        rows.push((line, r));
                    }
                }
                Err(e) => syntax(ctx, &e),
            }
        }
        let t = Table {
            norm: header.iter().map(normalize).collect(),
            names: header.iter().map(|h| h.trim().to_owned()).collect(),
            rows,
        };
        let missing: Vec<String> = preset
            .required()
            .iter()
            .filter(|r| t.col(r).is_none())
            .map(|r| format!("`{r}`"))
            .collect();
        if !missing.is_empty() {
            ctx.push(
                Diagnostic::at(
                    Code::MissingField,
                    ctx.loc(1, 1),
                    format!(
                        "`--from {}` needs the columns {}",
                        preset.name(),
                        missing.join(", ")
                    ),
                )
                .hint("is this the vendor's export as downloaded? headers match ignoring case and spaces"),
            );
            return None;
        }
        Some(t)
    }

    /// The index of a column by its vendor name.
    pub(super) fn col(&self, name: &str) -> Option<usize> {
        let n = normalize(name);
        self.norm.iter().position(|h| *h == n)
    }

    /// The rows, as [`Row`]s.
    pub(super) fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, rec)| Row {
            table: self,
            rec,
            line: *line,
        })
    }
}

impl Row<'_> {
    /// A cell, trimmed; empty when the column is absent or the row is short.
    pub(super) fn get(&self, col: &str) -> &str {
        self.table
            .col(col)
            .and_then(|i| self.rec.get(i))
            .map_or("", str::trim)
    }

    /// A non-empty cell.
    pub(super) fn some(&self, col: &str) -> Option<String> {
        let t = self.get(col);
        (!t.is_empty()).then(|| t.to_owned())
    }

    /// Where a column's cell is (the row's start when the column is absent).
    pub(super) fn at(&self, ctx: &Ctx<'_>, col: &str) -> Location {
        match self.table.col(col) {
            Some(i) => ctx
                .loc(self.line, u32::try_from(i + 1).unwrap_or(u32::MAX))
                .with_field(self.table.names[i].clone()),
            None => ctx.loc(self.line, 1),
        }
    }

    /// The row's place, for declarations.
    pub(super) fn origin(&self, ctx: &Ctx<'_>) -> Origin {
        Origin {
            file: Arc::clone(&ctx.file),
            line: self.line,
            column: 1,
        }
    }

    /// A list cell split on `seps`, trimmed, blanks dropped; `None` when the cell is blank.
    pub(super) fn list(&self, col: &str, seps: &[char]) -> Option<NameSet> {
        let t = self.get(col);
        if t.is_empty() {
            return None;
        }
        Some(
            t.split(seps)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// A yes/no cell; anything else is a `wrong-type` error at the cell.
    pub(super) fn flag(&self, ctx: &mut Ctx<'_>, col: &str) -> Option<bool> {
        let t = self.get(col);
        match super::types::flag(t) {
            Ok(b) => b,
            Err(()) => {
                ctx.push(Diagnostic::at(
                    Code::WrongType,
                    self.at(ctx, col),
                    format!("`{col}`: expected yes or no (true/false, 1/0), found `{t}`"),
                ));
                None
            }
        }
    }
}

/// Whether a row has as many cells as the header, as the native CSV reader asks: a short row
/// (a cut line, cells lost to a stray quote) or one with filled cells beyond the header (a
/// shifted row) is a `syntax` error at its line, and is not read.
fn fits(
    ctx: &mut Ctx<'_>,
    header: &::csv::StringRecord,
    row: &::csv::StringRecord,
    line: u32,
) -> bool {
    let width = header.len();
    let column = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    if row.len() > width && row.iter().skip(width).any(|c| !c.trim().is_empty()) {
        ctx.push(Diagnostic::at(
            Code::Syntax,
            ctx.loc(line, column(width)),
            format!("row has {} cells but the header has {width}", row.len()),
        ));
        return false;
    }
    if row.len() < width {
        let missing: Vec<String> = header
            .iter()
            .skip(row.len())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| format!("`{n}`"))
            .collect();
        ctx.push(
            Diagnostic::at(
                Code::Syntax,
                ctx.loc(line, column(row.len())),
                format!(
                    "row has {} cells but the header has {width}: missing {}",
                    row.len(),
                    missing.join(", ")
                ),
            )
            .hint("give every row as many cells as the header (empty ones too: `a,b,,`)"),
        );
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Diagnostic;

    fn lines(text: &str) -> Vec<u32> {
        let mut diags: Vec<Diagnostic> = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.csv"),
            diags: &mut diags,
        };
        let t = Table::read(&mut ctx, text, Preset::Avo).unwrap();
        t.rows.iter().map(|(l, _)| *l).collect()
    }

    #[test]
    fn rows_know_their_lines_with_lf_crlf_and_multiline_cells() {
        let head = "Event Name,Property Name,Property Value Type";
        assert_eq!(lines(&format!("{head}\nA,x,int\n\nB,y,int\n")), [2, 4]);
        assert_eq!(
            lines(&format!("{head}\r\nA,x,int\r\n\r\nB,y,int\r\n")),
            [2, 4]
        );
        assert_eq!(
            lines(&format!("{head}\r\nA,\"x\r\nz\",int\r\nB,y,int\r\n")),
            [2, 4]
        );
    }

    #[test]
    fn headers_normalize_case_space_and_question_marks() {
        assert_eq!(
            normalize("  Is  Property_Required? "),
            "is property required"
        );
    }
}
