//! Long-format CSV manifests, one row per property (the migration path from spreadsheets), and
//! the `--csv-map` column-mapping file for spreadsheets with foreign headers.

mod delimiter;
mod levels;
mod map;
mod row;

pub(crate) use delimiter::Delimiter;
pub(crate) use map::{read_map, CsvMap};

use crate::manifest::diagnostics::{Code, Diagnostic, Severity};
use crate::manifest::fields;
use crate::manifest::fragment::Fragment;
use crate::manifest::node::{suggest, Ctx};
use crate::manifest::options::CsvEmpty;
use foldhash::{HashMap, HashMapExt as _};
use levels::{level_column, Level, Levels, LEVEL_COLUMNS};
use map::ValueMap;
use row::Row;
use std::sync::LazyLock;

/// Our columns, in the order the writer emits them: the keys, every row of the field table in
/// order, then `protect`.
pub(crate) static COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ["integration", "category", "event", "property"]
        .into_iter()
        .chain(fields::FIELDS.iter().map(|s| s.name))
        .chain(["protect"])
        .collect()
});

/// Every column the reader knows: [`COLUMNS`], `renamed_from`, then the event- and
/// category-level columns (`event_description`, `category_teams`, ...); the writer emits
/// none of these last (a rename is said once, by hand).
pub(crate) static ALL_COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    COLUMNS
        .iter()
        .copied()
        .chain([crate::manifest::fragment::RENAMED_FROM])
        .chain(LEVEL_COLUMNS.iter().map(|c| c.name.as_str()))
        .collect()
});

/// Columns a category row (empty `event` and `property`) may fill.
fn category_column(col: &str) -> bool {
    matches!(col, "integration" | "category" | "protect")
        || fields::spec(col).is_some_and(|f| f.category)
        || level_column(col).is_some_and(|c| c.level == Level::Category)
}

/// Header matching ignores case and treats `_`, space and `-` alike.
fn normalize(header: &str) -> String {
    header
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Options the CSV reader needs besides the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CsvOptions<'a> {
    pub(crate) empty: CsvEmpty,
    pub(crate) map: Option<&'a CsvMap>,
}

/// A resolved header: for each of our columns, its index and the header as written.
struct Header<'m> {
    cols: HashMap<&'static str, (usize, String)>,
    /// Every header cell as written (trimmed), ours or not, to name a short row's missing cells.
    names: Vec<String>,
    width: usize,
    /// The mapping's value maps, by our column.
    values: HashMap<&'static str, &'m ValueMap>,
    /// The level columns the header has, in [`LEVEL_COLUMNS`] order.
    levels: Vec<&'static levels::LevelColumn>,
    delimiter: Delimiter,
}

impl Header<'_> {
    /// Whether some column carries fields of `level`: only then are the category's or event's
    /// own rows checked against them.
    fn has_level(&self, level: Level) -> bool {
        self.levels.iter().any(|c| c.level == level)
    }
}

/// Reads a CSV manifest file into what it declares.
pub(crate) fn read_manifest(ctx: &mut Ctx<'_>, text: &str, opts: CsvOptions<'_>) -> Fragment {
    let mut frag = Fragment::default();
    let delimiter = opts
        .map
        .and_then(|m| m.delimiter)
        .unwrap_or_else(|| Delimiter::sniff(text));
    // The csv crate ends a quoted cell left open at the end of the file quietly, as one cell
    // holding every row after the quote: with --prune those rows would be deleted.
    let unclosed = unclosed_quote(text, delimiter);
    if let Some((line, column)) = unclosed {
        ctx.push(
            Diagnostic::at(
                Code::Syntax,
                ctx.loc(line, column),
                "quoted cell is never closed: it runs to the end of the file",
            )
            .hint("close the quote, or double it (`\"\"`) for a literal quote"),
        );
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(text.as_bytes());
    let mut records = reader.records().peekable();
    let header = match records.next() {
        None => return frag,
        Some(_) if unclosed.is_some() && records.peek().is_none() => return frag,
        Some(Err(e)) => {
            syntax(ctx, &e);
            return frag;
        }
        Some(Ok(rec)) => match header(ctx, &rec, opts.map, delimiter) {
            Some(h) => h,
            None => return frag,
        },
    };
    let width = header.width;
    let mut last_implied: Option<(String, String)> = None;
    let mut levels = Levels::default();
    let mut lines = LineCounter::default();
    while let Some(rec) = records.next() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                syntax(ctx, &e);
                continue;
            }
        };
        if unclosed.is_some() && records.peek().is_none() {
            // The record holding the open quote: its last cell is the swallowed rest.
            break;
        }
        let line = rec
            .position()
            .map_or(0, |p| lines.line_at(text.as_bytes(), p.byte()));
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() > width.max(1) && rec.iter().skip(width).any(|c| !c.trim().is_empty()) {
            // Extra non-empty cells beyond the header are most likely a shifted row.
            ctx.push(Diagnostic::at(
                Code::Syntax,
                ctx.loc(line, u32::try_from(width + 1).unwrap_or(u32::MAX)),
                format!("row has {} cells but the header has {width}", rec.len()),
            ));
            continue;
        }
        if rec.len() < width {
            short_row(ctx, &rec, &header, line);
            continue;
        }
        swallowed_rows(ctx, &rec, &header, line);
        let row = Row {
            rec: &rec,
            header: &header,
            line,
            empty: opts.empty,
        };
        row.read(ctx, &mut frag, &mut last_implied, &mut levels);
    }
    levels.finish(&mut frag);
    frag
}

/// Where (1-based line and character column) a quoted cell opens that is still open at the end
/// of `text`, by the csv crate's rules: a quote opens a cell only as its first character, and a
/// doubled quote inside is a literal one.
fn unclosed_quote(text: &str, delimiter: Delimiter) -> Option<(u32, u32)> {
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::CellStart;
    let (mut line, mut column) = (1u32, 0u32);
    let mut opened = (0, 0);
    // By bytes: every byte the rules look at is ASCII, and the bytes of a wider character step
    // the machine as the character would (to `Unquoted`, or staying `Quoted`).
    for &byte in text.as_bytes() {
        // Columns count characters: a UTF-8 continuation byte starts none.
        if byte & 0xc0 != 0x80 {
            column = column.saturating_add(1);
        }
        let ends_cell = byte == delimiter.byte() || matches!(byte, b'\n' | b'\r');
        at = match at {
            At::CellStart if byte == b'"' => {
                opened = (line, column);
                At::Quoted
            }
            At::CellStart | At::Unquoted if ends_cell => At::CellStart,
            At::CellStart | At::Unquoted => At::Unquoted,
            At::Quoted if byte == b'"' => At::QuoteInQuoted,
            At::Quoted => At::Quoted,
            At::QuoteInQuoted if byte == b'"' => At::Quoted,
            At::QuoteInQuoted if ends_cell => At::CellStart,
            At::QuoteInQuoted => At::Unquoted,
        };
        if byte == b'\n' {
            line = line.saturating_add(1);
            column = 0;
        }
    }
    (at == At::Quoted).then_some(opened)
}

/// A row with fewer cells than the header: a cut line, or cells lost to a stray quote. Reading
/// it would leave the missing columns unmanaged without a word.
fn short_row(ctx: &mut Ctx<'_>, rec: &::csv::StringRecord, header: &Header, line: u32) {
    let missing: Vec<&str> = header.names[rec.len()..]
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    let named = missing
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut at = ctx.loc(line, u32::try_from(rec.len() + 1).unwrap_or(u32::MAX));
    if let Some(first) = missing.first() {
        at = at.with_field(*first);
    }
    ctx.push(
        Diagnostic::at(
            Code::Syntax,
            at,
            format!(
                "row has {} cells but the header has {}: missing {named}",
                rec.len(),
                header.width
            ),
        )
        .hint("give every row as many cells as the header (empty ones too: `a,b,,`)"),
    );
}

/// Warns when a multi-line cell holds lines that look like rows of this file (as many
/// separators as the header, the same first cell as its own row): a stray quote that a later
/// one closed has swallowed them.
fn swallowed_rows(ctx: &mut Ctx<'_>, rec: &::csv::StringRecord, header: &Header, line: u32) {
    let first = rec.get(0).unwrap_or("");
    let mut newlines_before = 0u32;
    for (i, cell) in rec.iter().enumerate() {
        if !cell.contains('\n') {
            continue;
        }
        let hit = cell.split('\n').enumerate().skip(1).find(|(_, l)| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            let sep = header.delimiter.char();
            l.matches(sep).count() + 1 == header.width && l.split(sep).next() == Some(first)
        });
        if let Some((n, _)) = hit {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let cell_at = ctx
                .loc(line, u32::try_from(i + 1).unwrap_or(u32::MAX))
                .with_field(header.names.get(i).cloned().unwrap_or_default());
            let mut d = Diagnostic::at(
                Code::Syntax,
                ctx.loc(line.saturating_add(newlines_before).saturating_add(n), 1),
                "this line looks like a row but is inside a quoted cell",
            )
            .related("the cell opens", cell_at)
            .hint("a stray `\"` may have joined rows into one cell; check the quotes");
            d.severity = Severity::Warning;
            ctx.push(d);
            return;
        }
        newlines_before =
            newlines_before.saturating_add(u32::try_from(cell.matches('\n').count()).unwrap_or(0));
    }
}

/// Lines of record starts, from their byte offsets. The csv crate's own line number is one
/// short after a CRLF row or a blank line (the line end is counted as the next record's start).
#[derive(Default)]
pub(crate) struct LineCounter {
    upto: usize,
    newlines: u32,
}

impl LineCounter {
    /// The 1-based line of the record starting at byte `at` (offsets only grow).
    pub(crate) fn line_at(&mut self, text: &[u8], at: u64) -> u32 {
        let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
        // A record "starts" at the line end before it (the `\n` of a CRLF, a blank line): its
        // first cell is past every line end there.
        while matches!(text.get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        if at > self.upto {
            let n = text[self.upto..at].iter().filter(|b| **b == b'\n').count();
            self.newlines = self
                .newlines
                .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            self.upto = at;
        }
        self.newlines.saturating_add(1)
    }
}

/// Reports a CSV reader's error as a `syntax` diagnostic at its line.
pub(crate) fn syntax(ctx: &mut Ctx<'_>, e: &::csv::Error) {
    let line = e
        .position()
        .map_or(1, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
    ctx.push(Diagnostic::at(
        Code::Syntax,
        ctx.loc(line, 1),
        format!("invalid CSV: {e}"),
    ));
}

fn header<'m>(
    ctx: &mut Ctx<'_>,
    rec: &::csv::StringRecord,
    map: Option<&'m CsvMap>,
    delimiter: Delimiter,
) -> Option<Header<'m>> {
    let mut cols: HashMap<&'static str, (usize, String)> = HashMap::new();
    // Held back until the mapping's missing headers are known: a header the mapping misspells
    // is reported there, once, not also as an unknown column.
    let mut unknown: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, raw) in rec.iter().enumerate() {
        let at = ctx
            .loc(1, u32::try_from(i + 1).unwrap_or(u32::MAX))
            .with_field(raw.trim());
        let norm = normalize(raw);
        if norm.is_empty() || map.is_some_and(|m| m.ignore.contains(&norm)) {
            continue;
        }
        let ours = map
            .and_then(|m| m.theirs.get(&norm).copied())
            .or_else(|| ALL_COLUMNS.iter().find(|c| **c == norm).copied())
            .or_else(|| {
                fields::FIELDS
                    .iter()
                    .find(|f| f.aliases.iter().any(|a| normalize(a) == norm))
                    .map(|f| f.name)
            });
        let Some(ours) = ours else {
            let mut d = Diagnostic::at(
                Code::UnknownField,
                at,
                format!("unknown column `{}`", raw.trim()),
            );
            d = match suggest(&norm, &ALL_COLUMNS) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint("map it with --csv-map, or list it under `ignore:` in the mapping"),
            };
            unknown.push((i, d));
            continue;
        };
        if let Some((first, name)) = cols.get(ours) {
            let first_at = ctx
                .loc(1, u32::try_from(first + 1).unwrap_or(u32::MAX))
                .with_field(name.clone());
            ctx.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    at,
                    format!("column `{ours}` appears twice"),
                )
                .related("first here", first_at),
            );
            continue;
        }
        cols.insert(ours, (i, raw.trim().to_owned()));
    }
    if let Some(m) = map {
        missing_mapped(ctx, rec, m, &mut unknown);
    }
    for (_, d) in unknown {
        ctx.push(d);
    }
    if !cols.contains_key("category") {
        ctx.push(
            Diagnostic::at(
                Code::MissingField,
                ctx.loc(1, 1),
                "CSV has no `category` column",
            )
            .hint("the header needs at least `category`; see --csv-map for foreign headers"),
        );
        return None;
    }
    let levels = LEVEL_COLUMNS
        .iter()
        .filter(|c| cols.contains_key(c.name.as_str()))
        .collect();
    Some(Header {
        cols,
        names: rec.iter().map(|n| n.trim().to_owned()).collect(),
        width: rec.len(),
        values: map
            .map(|m| m.values.iter().map(|(col, v)| (*col, v)).collect())
            .unwrap_or_default(),
        levels,
        delimiter,
    })
}

/// Reports each header the mapping names that the file lacks, at the mapping's line, with the
/// file's closest header as "did you mean" (whose own unknown-column error it then replaces).
fn missing_mapped(
    ctx: &mut Ctx<'_>,
    rec: &::csv::StringRecord,
    map: &CsvMap,
    unknown: &mut Vec<(usize, Diagnostic)>,
) {
    let names: Vec<String> = rec.iter().map(normalize).collect();
    let present: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    for entry in &map.entries {
        let norm = normalize(&entry.theirs);
        if names.contains(&norm) || map.ignore.contains(&norm) {
            continue;
        }
        let mut d = Diagnostic::at(
            Code::MissingField,
            entry.at.clone(),
            format!(
                "mapped header `{}` (for `{}`) is not in `{}`",
                entry.theirs, entry.ours, ctx.file
            ),
        )
        .related("the file's header", ctx.loc(1, 1));
        let close = suggest(&norm, &present).and_then(|s| names.iter().position(|n| n == s));
        d = match close {
            Some(i) => {
                unknown.retain(|(j, _)| *j != i);
                d.hint(format!(
                    "did you mean `{}`?",
                    rec.get(i).unwrap_or("").trim()
                ))
            }
            None => {
                let all: Vec<String> = rec
                    .iter()
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(|h| format!("`{h}`"))
                    .collect();
                d.hint(format!("the file's headers: {}", all.join(", ")))
            }
        };
        ctx.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Delimiter = Delimiter::Comma;

    #[test]
    fn an_open_quote_is_found_by_the_readers_rules() {
        assert_eq!(unclosed_quote("a,\"b\nc,d\n", D), Some((1, 3)));
        // Columns count characters, wide ones too.
        assert_eq!(unclosed_quote("é€,\"b\n", D), Some((1, 4)));
        assert_eq!(unclosed_quote("\"a\"é,\"x\n", D), Some((1, 6)));
        assert_eq!(unclosed_quote("a,b\r\nc,\"\"\"d\r\n", D), Some((2, 3)));
        // Closed, doubled, or mid-cell (a literal quote there): nothing open.
        assert_eq!(unclosed_quote("a,\"b\nc\",d\n", D), None);
        assert_eq!(unclosed_quote("a,\"b \"\"x\"\" c\"\n", D), None);
        assert_eq!(unclosed_quote("a,b\"c\nd,e\n", D), None);
        assert_eq!(unclosed_quote("a,\"b\"c\"\n", D), None);
    }

    #[test]
    fn headers_normalise_case_and_separators() {
        assert_eq!(normalize(" Is-Array Type "), "is_array_type");
        assert_eq!(normalize("ENUM_values"), "enum_values");
    }

    #[test]
    fn columns_are_the_fields_every_format_shares() {
        let keys = ["integration", "category", "event", "property"];
        let rows: Vec<&str> = fields::FIELDS.iter().map(|f| f.name).collect();
        let expected: Vec<&str> = [&keys[..], &rows, &["protect"]].concat();
        assert_eq!(
            *COLUMNS, expected,
            "the CSV header: the keys, every row of FIELDS in order, then protect"
        );
    }
}
