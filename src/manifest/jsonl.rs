//! JSON Lines manifests: one record per line (`{"kind": "event", ...}`), blank lines skipped.
//! Parents are checked when the set is merged, so a record may refer to another file.

use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::fragment::{
    self, EventMention, Fragment, CATEGORY_FIELDS, MONITOR_FIELDS, RENAMED_FROM, RESOURCE_FIELDS,
    TAG_FIELDS, TRACKING_FIELDS,
};
use crate::manifest::node::{parse_json_line, suggest, Ctx, Node, Obj, Value};
use crate::manifest::stream::{self, FileBlocks, Piece};
use crate::manifest::{IntegrationRef, Property};
use std::borrow::Cow;

/// The record kinds.
pub(crate) const KINDS: &[&str] = &["category", "event", "property", "monitor", "tag"];

/// Reads a JSONL manifest file into what it declares.
pub(crate) fn read_manifest(ctx: &mut Ctx<'_>, text: &str) -> Fragment {
    read_in_pieces(ctx, text, stream::reading_threads(text.len()))
}

/// Reads a large JSONL file as its blocks come off disk, on several threads.
pub(crate) fn read_streamed(ctx: &mut Ctx<'_>, blocks: &mut FileBlocks) -> Fragment {
    let threads = stream::reading_threads(blocks.len());
    read_pieces(ctx, blocks, threads)
}

/// Reads `text` as up to `pieces` runs of whole lines, each on a thread of its own.
fn read_in_pieces(ctx: &mut Ctx<'_>, text: &str, pieces: usize) -> Fragment {
    let cuts = cut_at_lines(text, pieces);
    read_pieces(
        ctx,
        cuts.into_iter()
            .map(|(piece, before)| (Cow::Borrowed(piece), before)),
        pieces,
    )
}

/// Reads runs of whole lines on up to `threads` threads and joins what they declare and
/// report in file order. Records are lines, so a piece reads as it would in the whole file;
/// the join (`Fragment::append`) gives a property at the start of a piece to the event the
/// piece before ended with, as the whole file's read would.
fn read_pieces<'a>(
    ctx: &mut Ctx<'_>,
    pieces: impl Iterator<Item = Piece<'a>>,
    threads: usize,
) -> Fragment {
    let file = &ctx.file;
    let diags = &mut *ctx.diags;
    let read = |(piece, lines_before): Piece<'a>| {
        let mut piece_diags = Vec::new();
        let mut piece_ctx = Ctx {
            file: std::sync::Arc::clone(file),
            diags: &mut piece_diags,
        };
        let frag = read_lines(&mut piece_ctx, &piece, lines_before);
        (frag, piece_diags)
    };
    let mut whole = Fragment::default();
    stream::map_in_order(pieces, threads, read, |(frag, piece_diags)| {
        diags.extend(piece_diags);
        whole.append(frag);
        true
    });
    whole
}

/// `text` cut into at most `pieces` runs of whole lines of about equal size, each with the
/// number of lines before it.
fn cut_at_lines(text: &str, pieces: usize) -> Vec<(&str, u32)> {
    let mut cuts = Vec::with_capacity(pieces);
    let (mut rest, mut lines_before) = (text, 0u32);
    for left in (1..=pieces.max(1)).rev() {
        let target = rest.len() / left;
        let end = match rest.as_bytes()[target..].iter().position(|&b| b == b'\n') {
            Some(newline) if left > 1 => target + newline + 1,
            _ => rest.len(),
        };
        let (piece, after) = rest.split_at(end);
        if !piece.is_empty() {
            cuts.push((piece, lines_before));
        }
        let newlines = piece.bytes().filter(|&b| b == b'\n').count();
        lines_before = lines_before.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        rest = after;
    }
    cuts
}

/// Reads the records of `text`, whose first line is the file's line `lines_before + 1`.
fn read_lines(ctx: &mut Ctx<'_>, text: &str, lines_before: u32) -> Fragment {
    let mut frag = Fragment::default();
    let known = Known::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1)
            .unwrap_or(u32::MAX)
            .saturating_add(lines_before);
        if line.trim().is_empty() {
            continue;
        }
        match parse_json_line(line, lineno) {
            Ok(node) => record(ctx, &node, &known, &mut frag),
            Err(e) => ctx.push(Diagnostic::at(
                Code::Syntax,
                ctx.loc(lineno, u32::try_from(e.column().max(1)).unwrap_or(1)),
                format!("invalid JSON: {e}"),
            )),
        }
    }
    frag
}

/// Allowed fields per record kind.
struct Known {
    category: Vec<&'static str>,
    event: Vec<&'static str>,
    property: Vec<&'static str>,
    monitor: Vec<&'static str>,
    tag: Vec<&'static str>,
}

impl Known {
    fn new() -> Self {
        let base = ["kind", "integration"];
        let cat = |extra: &[&'static str]| -> Vec<&'static str> {
            base.iter().chain(extra).copied().collect()
        };
        Self {
            category: cat(&[&["title", RENAMED_FROM][..], &CATEGORY_FIELDS].concat()),
            event: cat(&[
                &["category", "title", "protect", RENAMED_FROM][..],
                &RESOURCE_FIELDS,
            ]
            .concat()),
            property: cat(&[
                &["category", "event", "title", "protect", RENAMED_FROM][..],
                &RESOURCE_FIELDS,
                &TRACKING_FIELDS,
            ]
            .concat()),
            monitor: cat(MONITOR_FIELDS),
            // A tag belongs to the workspace, not to an integration.
            tag: ["kind"].iter().chain(TAG_FIELDS).copied().collect(),
        }
    }
}

fn record(ctx: &mut Ctx<'_>, node: &Node, known: &Known, frag: &mut Fragment) {
    let Some(kind) = kind_of(ctx, node) else {
        return;
    };
    let fields = match kind {
        "category" => &known.category,
        "event" => &known.event,
        "property" => &known.property,
        "tag" => &known.tag,
        _ => &known.monitor,
    };
    let Some(obj) = Obj::new(ctx, node, kind, fields) else {
        return;
    };
    if let Some(name) = obj.string(ctx, "integration") {
        frag.add_integration(IntegrationRef::parse(&name), ctx.origin(node));
    }
    match kind {
        "category" => {
            if let Some(title) = obj.title(ctx, "title", "category") {
                let mention = fragment::category_mention(ctx, &obj, title);
                frag.categories.push(mention);
            }
        }
        "event" => {
            let category = obj.title(ctx, "category", "event record");
            let title = obj.title(ctx, "title", "event");
            if let (Some(category), Some(title)) = (category, title) {
                let renamed_from = fragment::renamed_from(ctx, &obj, &title);
                let mut mention = EventMention::event(
                    category,
                    title,
                    fragment::resource_fields(ctx, &obj),
                    obj.boolean(ctx, "protect").unwrap_or(false),
                    ctx.origin(node),
                    true,
                );
                mention.item.renamed_from = renamed_from;
                frag.events.push(mention);
            }
        }
        "property" => {
            let category = obj.title(ctx, "category", "property record");
            let event = obj.title(ctx, "event", "property record");
            let title = obj.title(ctx, "title", "property");
            if let (Some(category), Some(event), Some(title)) = (category, event, title) {
                let property = Property {
                    renamed_from: fragment::renamed_from(ctx, &obj, &title),
                    title,
                    fields: fragment::resource_fields(ctx, &obj),
                    tracking: fragment::tracking_fields(ctx, &obj),
                    protect: obj.boolean(ctx, "protect").unwrap_or(false),
                    origin: ctx.origin(node),
                };
                frag.push_property(&category, &event, property);
            }
        }
        "tag" => {
            if let Some(t) = fragment::tag(ctx, &obj) {
                frag.tags.push(t);
            }
        }
        _ => {
            if let Some(m) = fragment::monitor(ctx, &obj) {
                frag.monitors.push(m);
            }
        }
    }
}

/// The record's `kind`, reported when missing or unknown.
fn kind_of(ctx: &mut Ctx<'_>, node: &Node) -> Option<&'static str> {
    let Value::Map(entries) = &node.value else {
        ctx.push(Diagnostic::at(
            Code::WrongType,
            ctx.node_loc(node),
            format!(
                "expected a record as a JSON object, found {}",
                node.describe()
            ),
        ));
        return None;
    };
    let Some((_, v)) = entries.iter().find(|(k, _)| k.name == "kind") else {
        ctx.push(
            Diagnostic::at(
                Code::MissingField,
                ctx.node_loc(node),
                "record has no `kind`",
            )
            .hint("add \"kind\": \"category\" | \"event\" | \"property\" | \"monitor\" | \"tag\""),
        );
        return None;
    };
    let text = match &v.value {
        Value::Str(s) => s.as_str(),
        _ => "",
    };
    if let Some(k) = KINDS.iter().find(|k| **k == text) {
        return Some(k);
    }
    let mut d = Diagnostic::at(
        Code::WrongType,
        ctx.node_loc(v),
        format!(
            "`kind`: expected one of category, event, property, monitor, tag, found {}",
            v.describe()
        ),
    );
    if let Some(s) = suggest(text, KINDS) {
        d = d.hint(format!("did you mean `{s}`?"));
    }
    ctx.push(d);
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::generate::{tracking_plan, Shape};
    use crate::manifest::merge::merge;
    use crate::manifest::{write, ManifestSet};
    use proptest::prelude::*;
    use std::sync::Arc;

    /// What `text` declares and reports, read in `pieces` and merged.
    fn read(text: &str, pieces: usize) -> (ManifestSet, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("plan.jsonl"),
            diags: &mut diags,
        };
        let frag = read_in_pieces(&mut ctx, text, pieces);
        let set = merge(vec![frag], None, &mut diags);
        (set, diags)
    }

    #[test]
    fn cuts_fall_after_newlines_and_count_the_lines_before() {
        let text = "a\nbb\r\nccc\n\ndddd";
        let cuts = cut_at_lines(text, 3);
        let joined: String = cuts.iter().map(|(piece, _)| *piece).collect();
        assert_eq!(joined, text);
        let mut offset = 0;
        for (piece, before) in &cuts {
            assert!(offset == 0 || text[..offset].ends_with('\n'), "{cuts:?}");
            let newlines = text[..offset].matches('\n').count();
            assert_eq!(*before as usize, newlines, "{cuts:?}");
            offset += piece.len();
        }
        assert_eq!(cuts.len(), 3, "{cuts:?}");
        assert_eq!(cut_at_lines("one line, no newline", 4).len(), 1);
        assert!(cut_at_lines("", 2).is_empty());
    }

    proptest! {
        /// Read in pieces, a file declares and reports what it does read whole: the same
        /// resources in the same order, with the same lines, and the same diagnostics,
        /// however its lines are ordered and wherever a bad one is.
        #[test]
        fn a_file_read_in_pieces_reads_as_it_does_whole(
            order in Just((0..64).collect::<Vec<usize>>()).prop_shuffle(),
            shuffled in any::<bool>(),
            bad_line in 0usize..45,
            pieces in 2usize..6,
        ) {
            let set = tracking_plan(Shape { categories: 2, events: 2, properties: 4 });
            let whole = write::to_jsonl(&set).unwrap();
            let mut lines: Vec<&str> = whole.lines().collect();
            if shuffled {
                lines = order.iter().filter_map(|&i| lines.get(i).copied()).collect();
            }
            lines.insert(bad_line.min(lines.len()), "{\"kind\": \"event\", oops");
            let text = lines.join("\n");
            prop_assert_eq!(read(&text, pieces), read(&text, 1));
        }
    }
}
