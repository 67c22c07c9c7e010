//! Long-format CSV manifests, one row per property (the migration path from spreadsheets), and
//! the `--csv-map` column-mapping file for spreadsheets with foreign headers.

use crate::manifest::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::manifest::fields::{self, FieldKind, FieldSpec, FieldValue, Group};
use crate::manifest::fragment::{
    CategoryMention, EventMention, Fragment, PropertyMention, TRACKING_FIELDS,
};
use crate::manifest::node::{suggest, Ctx, Obj};
use crate::manifest::options::CsvEmpty;
use crate::manifest::{
    yaml, CategoryFields, IntegrationRef, NameSet, Origin, Property, ResourceFields, TrackingFields,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

/// Our columns, in the order the writer emits them: the keys, every row of the field table in
/// order, then `protect`.
pub(crate) static COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ["integration", "category", "event", "property"]
        .into_iter()
        .chain(fields::FIELDS.iter().map(|s| s.name))
        .chain(["protect"])
        .collect()
});

/// Columns a category row (empty `event` and `property`) may fill.
fn category_column(col: &str) -> bool {
    matches!(col, "integration" | "category" | "protect")
        || fields::spec(col).is_some_and(|f| f.category)
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

/// A column mapping: their header -> our column, plus headers to skip.
#[derive(Debug, Clone, Default)]
pub(crate) struct CsvMap {
    theirs: HashMap<String, &'static str>,
    ignore: HashSet<String>,
}

/// Reads a mapping file (YAML: `our_column: Their Header`, optional `ignore: [Header, ...]`).
pub(crate) fn read_map(ctx: &mut Ctx<'_>, text: &str) -> CsvMap {
    let mut map = CsvMap::default();
    let Some(root) = yaml::parse(ctx, text) else {
        return map;
    };
    let known: Vec<&str> = COLUMNS.iter().copied().chain(["ignore"]).collect();
    let Some(obj) = Obj::new(ctx, &root, "the CSV mapping", &known) else {
        return map;
    };
    for col in COLUMNS.iter() {
        if let Some(theirs) = obj.string(ctx, col) {
            map.theirs.insert(normalize(&theirs), col);
        }
    }
    if let Some(items) = obj.names(ctx, "ignore") {
        map.ignore.extend(items.iter().map(|h| normalize(h)));
    }
    map
}

/// Options the CSV reader needs besides the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CsvOptions<'a> {
    pub(crate) empty: CsvEmpty,
    pub(crate) map: Option<&'a CsvMap>,
}

/// A resolved header: for each of our columns, its index and the header as written.
struct Header {
    cols: HashMap<&'static str, (usize, String)>,
    /// Every header cell as written (trimmed), ours or not, to name a short row's missing cells.
    names: Vec<String>,
    width: usize,
}

/// Reads a CSV manifest file into what it declares.
pub(crate) fn read_manifest(ctx: &mut Ctx<'_>, text: &str, opts: CsvOptions<'_>) -> Fragment {
    let mut frag = Fragment::default();
    // The csv crate ends a quoted cell left open at the end of the file quietly, as one cell
    // holding every row after the quote: with --prune those rows would be deleted.
    let unclosed = unclosed_quote(text);
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
        .from_reader(text.as_bytes());
    let mut records = reader.records().peekable();
    let header = match records.next() {
        None => return frag,
        Some(_) if unclosed.is_some() && records.peek().is_none() => return frag,
        Some(Err(e)) => {
            syntax(ctx, &e);
            return frag;
        }
        Some(Ok(rec)) => match header(ctx, &rec, opts.map) {
            Some(h) => h,
            None => return frag,
        },
    };
    let width = header.width;
    let mut last_implied: Option<(String, String)> = None;
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
        row.read(ctx, &mut frag, &mut last_implied);
    }
    frag
}

/// Where (1-based line and character column) a quoted cell opens that is still open at the end
/// of `text`, by the csv crate's rules: a quote opens a cell only as its first character, and a
/// doubled quote inside is a literal one.
fn unclosed_quote(text: &str) -> Option<(u32, u32)> {
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
    for ch in text.chars() {
        column = column.saturating_add(1);
        let ends_cell = matches!(ch, ',' | '\n' | '\r');
        at = match at {
            At::CellStart if ch == '"' => {
                opened = (line, column);
                At::Quoted
            }
            At::CellStart | At::Unquoted if ends_cell => At::CellStart,
            At::CellStart | At::Unquoted => At::Unquoted,
            At::Quoted if ch == '"' => At::QuoteInQuoted,
            At::Quoted => At::Quoted,
            At::QuoteInQuoted if ch == '"' => At::Quoted,
            At::QuoteInQuoted if ends_cell => At::CellStart,
            At::QuoteInQuoted => At::Unquoted,
        };
        if ch == '\n' {
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

/// Warns when a multi-line cell holds lines that look like rows of this file (as many commas
/// as the header, the same first cell as its own row): a stray quote that a later one closed
/// has swallowed them.
fn swallowed_rows(ctx: &mut Ctx<'_>, rec: &::csv::StringRecord, header: &Header, line: u32) {
    let first = rec.get(0).unwrap_or("");
    let mut newlines_before = 0u32;
    for (i, cell) in rec.iter().enumerate() {
        if !cell.contains('\n') {
            continue;
        }
        let hit = cell.split('\n').enumerate().skip(1).find(|(_, l)| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            l.matches(',').count() + 1 == header.width && l.split(',').next() == Some(first)
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

fn syntax(ctx: &mut Ctx<'_>, e: &::csv::Error) {
    let line = e
        .position()
        .map_or(1, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
    ctx.push(Diagnostic::at(
        Code::Syntax,
        ctx.loc(line, 1),
        format!("invalid CSV: {e}"),
    ));
}

fn header(ctx: &mut Ctx<'_>, rec: &::csv::StringRecord, map: Option<&CsvMap>) -> Option<Header> {
    let mut cols: HashMap<&'static str, (usize, String)> = HashMap::new();
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
            .or_else(|| COLUMNS.iter().find(|c| **c == norm).copied())
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
            d = match suggest(&norm, &COLUMNS) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint("map it with --csv-map, or list it under `ignore:` in the mapping"),
            };
            ctx.push(d);
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
    Some(Header {
        cols,
        names: rec.iter().map(|n| n.trim().to_owned()).collect(),
        width: rec.len(),
    })
}

struct Row<'r> {
    rec: &'r ::csv::StringRecord,
    header: &'r Header,
    line: u32,
    empty: CsvEmpty,
}

impl Row<'_> {
    /// The untrimmed cell of one of our columns; `None` when the column is absent.
    fn raw(&self, col: &str) -> Option<&str> {
        let (i, _) = self.header.cols.get(col)?;
        Some(self.rec.get(*i).unwrap_or(""))
    }

    /// The trimmed cell of one of our columns, with its location; `None` when the column is absent.
    /// Only for cells a diagnostic may point at: the location costs allocations.
    fn cell(&self, ctx: &Ctx<'_>, col: &str) -> Option<(&str, Location)> {
        let (i, name) = self.header.cols.get(col)?;
        let text = self.rec.get(*i).unwrap_or("").trim();
        let at = ctx
            .loc(self.line, u32::try_from(i + 1).unwrap_or(u32::MAX))
            .with_field(name.clone());
        Some((text, at))
    }

    /// A text cell, untrimmed (markdown may end in a newline); blank counts as empty.
    fn text(&self, col: &str) -> Option<String> {
        let t = self.raw(col)?;
        if !t.trim().is_empty() {
            return Some(t.to_owned());
        }
        (self.empty == CsvEmpty::Clear).then(String::new)
    }

    /// A key or name cell, trimmed.
    fn key(&self, col: &str) -> Option<String> {
        let t = self.raw(col)?.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    fn names(&self, col: &str) -> Option<NameSet> {
        let t = self.raw(col)?.trim();
        if t.is_empty() && self.empty == CsvEmpty::Ignore {
            return None;
        }
        Some(
            t.split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    fn boolean(&self, ctx: &mut Ctx<'_>, col: &str) -> Option<bool> {
        let t = self.raw(col)?.trim();
        match t.to_ascii_lowercase().as_str() {
            "" => None,
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => {
                let (_, at) = self.cell(ctx, col)?;
                ctx.push(Diagnostic::at(
                    Code::WrongType,
                    at,
                    format!("`{col}`: expected a boolean (true/false/yes/no/1/0/y/n), found `{t}`"),
                ));
                None
            }
        }
    }

    fn origin(&self, ctx: &Ctx<'_>) -> Origin {
        Origin {
            file: Arc::clone(&ctx.file),
            line: self.line,
            column: 1,
        }
    }

    fn fields(&self, ctx: &mut Ctx<'_>) -> ResourceFields {
        let mut f = ResourceFields::default();
        for spec in fields::group(Group::Resource) {
            f.set(spec.name, self.value(ctx, spec));
        }
        f
    }

    fn category_fields(&self, ctx: &mut Ctx<'_>) -> CategoryFields {
        let mut c = CategoryFields::default();
        for spec in fields::category() {
            c.set(spec.name, self.value(ctx, spec));
        }
        c
    }

    fn tracking(&self, ctx: &mut Ctx<'_>) -> TrackingFields {
        let mut t = TrackingFields::default();
        for spec in fields::group(Group::Tracking) {
            t.set(spec.name, self.value(ctx, spec));
        }
        t
    }

    /// One cell of the field table, read the way its kind is written.
    fn value(&self, ctx: &mut Ctx<'_>, spec: &FieldSpec) -> Option<FieldValue<NameSet>> {
        match spec.kind {
            FieldKind::Text | FieldKind::Markdown => self.text(spec.name).map(FieldValue::Text),
            FieldKind::Bool => self.boolean(ctx, spec.name).map(FieldValue::Bool),
            FieldKind::Names(_) => self.names(spec.name).map(FieldValue::Names),
        }
    }

    /// Reports filled cells in columns that do not apply to this kind of row.
    fn not_allowed(&self, ctx: &mut Ctx<'_>, allowed: &dyn Fn(&str) -> bool, what: &str) {
        for col in COLUMNS.iter() {
            if allowed(col) || self.raw(col).is_none_or(|t| t.trim().is_empty()) {
                continue;
            }
            if let Some((_, at)) = self.cell(ctx, col) {
                ctx.push(
                    Diagnostic::at(
                        Code::FieldNotAllowed,
                        at,
                        format!("`{col}` does not apply to {what} row"),
                    )
                    .hint("fill `event` (and `property`) to describe an event or property"),
                );
            }
        }
    }

    fn read(&self, ctx: &mut Ctx<'_>, frag: &mut Fragment, last: &mut Option<(String, String)>) {
        if let Some(name) = self.key("integration") {
            let origin = self.origin(ctx);
            frag.add_integration(IntegrationRef::parse(&name), origin);
        }
        let category = self.cell(ctx, "category").map(|(t, at)| (t.to_owned(), at));
        let event = self.key("event").unwrap_or_default();
        let property = self.key("property").unwrap_or_default();
        let Some((category, at)) = category else {
            return;
        };
        if category.is_empty() {
            ctx.push(Diagnostic::at(
                Code::MissingField,
                at,
                "row has no category",
            ));
            return;
        }
        let origin = self.origin(ctx);
        if event.is_empty() && !property.is_empty() {
            let at = self.cell(ctx, "event").map_or(at, |(_, a)| a);
            ctx.push(
                Diagnostic::at(
                    Code::MissingParent,
                    at,
                    format!("property `{property}` has no event"),
                )
                .hint("fill the `event` column of this row"),
            );
            return;
        }
        if event.is_empty() {
            self.not_allowed(ctx, &category_column, "a category");
            let protect = self.boolean(ctx, "protect");
            let fields = self.category_fields(ctx);
            frag.categories
                .push(CategoryMention::category(category, fields, protect, origin));
            return;
        }
        let implied = (category.clone(), event.clone());
        if last.as_ref() != Some(&implied) {
            frag.categories.push(CategoryMention::category(
                category.clone(),
                CategoryFields::default(),
                None,
                origin.clone(),
            ));
        }
        let protect = self.boolean(ctx, "protect").unwrap_or(false);
        if property.is_empty() {
            self.not_allowed(ctx, &|c| !TRACKING_FIELDS.contains(&c), "an event");
            let fields = self.fields(ctx);
            frag.events.push(EventMention::event(
                category, event, fields, protect, origin, true,
            ));
        } else {
            if last.as_ref() != Some(&implied) {
                frag.events.push(EventMention::event(
                    category.clone(),
                    event.clone(),
                    ResourceFields::default(),
                    false,
                    origin.clone(),
                    false,
                ));
            }
            let property = Property {
                title: property,
                fields: self.fields(ctx),
                tracking: self.tracking(ctx),
                protect,
                origin,
            };
            frag.properties
                .push(PropertyMention::property((category, event), property));
        }
        *last = Some(implied);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_quote_is_found_by_the_readers_rules() {
        assert_eq!(unclosed_quote("a,\"b\nc,d\n"), Some((1, 3)));
        assert_eq!(unclosed_quote("a,b\r\nc,\"\"\"d\r\n"), Some((2, 3)));
        // Closed, doubled, or mid-cell (a literal quote there): nothing open.
        assert_eq!(unclosed_quote("a,\"b\nc\",d\n"), None);
        assert_eq!(unclosed_quote("a,\"b \"\"x\"\" c\"\n"), None);
        assert_eq!(unclosed_quote("a,b\"c\nd,e\n"), None);
        assert_eq!(unclosed_quote("a,\"b\"c\"\n"), None);
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
