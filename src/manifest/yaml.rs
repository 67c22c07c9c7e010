//! Every YAML call of the crate: a span-preserving reader (yaml-rust2 events, so diagnostics
//! carry line and column) into [`Node`]s, the YAML manifest document reader, and the writer.

use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::fragment::{
    self, EventMention, Fragment, CATEGORY_FIELDS, MONITOR_FIELDS, RESOURCE_FIELDS, TAG_FIELDS,
    TRACKING_FIELDS,
};
use crate::manifest::node::{scalar_text, Ctx, MapKey, Node, Obj, Value};
use crate::manifest::stream::{self, FileBlocks, Piece};
use crate::manifest::{rule_config, IntegrationRef, Property};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

mod split;
use split::*;

/// Upper bound on nodes copied by alias expansion, so alias bombs cannot exhaust memory.
const MAX_ALIASED_NODES: usize = 1_000_000;

/// Deepest nesting of lists and mappings, block or flow: the scanner stops flow style at 255
/// levels, and block style is held to the same (a manifest needs fewer than ten).
const MAX_DEPTH: usize = 255;

/// Parses YAML text into a spanned tree; `None` (with a `syntax` diagnostic) when malformed.
/// An empty document is an empty mapping.
pub(crate) fn parse(ctx: &mut Ctx<'_>, text: &str) -> Option<Node> {
    parse_with(ctx, text, None)
}

/// What [`parse_with`] hands over as soon as it is complete.
type CategorySink<'s> = &'s mut dyn FnMut(&mut Ctx<'_>, &Node);

/// What reads one item of the root `categories` list into a fragment (on any thread).
type CategoryReader = fn(&mut Ctx<'_>, &Node, &mut Fragment);

/// [`parse`], handing each item of the root mapping's `categories` list to `on_category` as
/// soon as it is complete instead of keeping it in the tree (where that list stays empty): a
/// manifest of 100,000 properties is read holding one category's tree at a time, not the
/// whole file's. On a syntax error anywhere, the diagnostics the sink pushed are taken back,
/// so a malformed file reports its syntax error alone (the caller drops what the sink built).
fn parse_with(
    ctx: &mut Ctx<'_>,
    text: &str,
    mut on_category: Option<CategorySink<'_>>,
) -> Option<Node> {
    let before = ctx.diags.len();
    let mut builder = Builder {
        stream_categories: on_category.is_some(),
        ..Builder::default()
    };
    let result = drive(text, &mut builder, |node| {
        if let Some(sink) = &mut on_category {
            sink(ctx, &node);
        }
    });
    if let Err(err) = result {
        ctx.diags.truncate(before);
        ctx.push(err.into_diag(ctx));
        return None;
    }
    Some(
        builder
            .root
            .unwrap_or_else(|| Node::new(Value::Map(Vec::new()), 1, 1)),
    )
}

/// Feeds `builder` every event of `text`, handing `on_category` each streamed category as it
/// completes; the first scan or build error ends the parse.
fn drive(
    text: &str,
    builder: &mut Builder,
    mut on_category: impl FnMut(Node),
) -> Result<(), BuildError> {
    let mut parser = Parser::new_from_str(text);
    // `Parser::load` recurses once per block level (10,000 levels overflow the stack): pulling
    // the events one by one keeps the nesting on the builder's stack, where it is capped.
    loop {
        match parser.next_token() {
            Ok((ev, mark)) => {
                let end = ev == Event::StreamEnd;
                builder.on_event(ev, At::from(mark));
                if let Some(node) = builder.category.take() {
                    on_category(node);
                }
                if let Some(err) = builder.error.take() {
                    return Err(err);
                }
                if end {
                    return Ok(());
                }
            }
            Err(e) => {
                let m = e.marker();
                return Err(BuildError {
                    line: to_u32(m.line()),
                    column: to_u32(m.col() + 1),
                    message: format!("invalid YAML: {}", e.info()),
                });
            }
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where an event starts: its 1-based line and 0-based column, as yaml-rust2 marks them.
#[derive(Clone, Copy)]
struct At {
    line: usize,
    col: usize,
}

impl From<Marker> for At {
    fn from(m: Marker) -> Self {
        Self {
            line: m.line(),
            col: m.col(),
        }
    }
}

struct BuildError {
    line: u32,
    column: u32,
    message: String,
}

impl BuildError {
    fn into_diag(self, ctx: &Ctx<'_>) -> Diagnostic {
        Diagnostic::at(Code::Syntax, ctx.loc(self.line, self.column), self.message)
    }
}

enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<MapKey>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    aliased: usize,
    error: Option<BuildError>,
    /// Whether the items of the root mapping's `categories` list go to `category`.
    stream_categories: bool,
    /// A complete item of that list, for the caller to take.
    category: Option<Node>,
    /// Lines before the text parsed, when it is a slice of a file (one batch of categories).
    line_offset: u32,
    /// Levels of nesting around the text parsed, for the depth cap to count as in the file.
    depth_offset: usize,
    /// Whether anchors and aliases fail the parse: a batch of categories parsed on its own
    /// cannot see anchors of the rest of the file nor count its aliases, so it leaves them to
    /// the whole file's parse.
    refuse_anchors: bool,
}

impl Builder {
    fn fail(&mut self, mark: At, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(BuildError {
                line: to_u32(mark.line).saturating_add(self.line_offset),
                column: to_u32(mark.col + 1),
                message: message.into(),
            });
        }
    }

    /// Whether a node finished now is an item of the root mapping's `categories` list.
    fn in_categories(&self) -> bool {
        matches!(
            self.stack.as_slice(),
            [Frame::Map(_, _, Some(key)), Frame::Seq(..)] if key.name == "categories"
        )
    }

    fn finish(&mut self, node: Node, anchor: usize, mark: At) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), weight(&node)));
        }
        if self.stream_categories && self.in_categories() {
            self.category = Some(node);
            return;
        }
        match self.stack.last_mut() {
            None if self.root.is_some() => {
                self.fail(mark, "more than one YAML document (`---`) in one file");
            }
            None => self.root = Some(node),
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, key)) => match key.take() {
                None => {
                    // A key is text as written: `007:` is the key `007`, not `7`.
                    let Some(name) = scalar_text(&node) else {
                        self.fail(mark, "mapping keys must be plain strings");
                        return;
                    };
                    *key = Some(MapKey {
                        name,
                        line: node.line,
                        column: node.column,
                    });
                }
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((k, node));
                    }
                }
            },
        }
    }
}

fn weight(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(weight).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| weight(v)).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    fn on_event(&mut self, ev: Event, mark: At) {
        if self.error.is_some() {
            return;
        }
        let (line, column) = (
            to_u32(mark.line).saturating_add(self.line_offset),
            to_u32(mark.col + 1),
        );
        if self.refuse_anchors {
            let anchored = match &ev {
                Event::Scalar(_, _, anchor, _)
                | Event::SequenceStart(anchor, _)
                | Event::MappingStart(anchor, _) => *anchor > 0,
                Event::Alias(_) => true,
                _ => false,
            };
            if anchored {
                self.fail(mark, "anchors are left to the whole file's parse");
                return;
            }
        }
        match ev {
            Event::Scalar(text, style, anchor, _) => {
                let (value, raw) = resolve(text, style);
                let node = Node {
                    value,
                    line,
                    column,
                    raw,
                };
                self.finish(node, anchor, mark);
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if self.stack.len() + self.depth_offset >= MAX_DEPTH =>
            {
                self.fail(
                    mark,
                    format!(
                        "invalid YAML: recursion limit exceeded (more than {MAX_DEPTH} levels of nesting)"
                    ),
                );
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(
                Node::new(Value::Seq(Vec::new()), line, column),
                anchor,
            )),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(
                Node::new(Value::Map(Vec::new()), line, column),
                anchor,
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(node, anchor)) => self.finish(node, anchor, mark),
                Some(Frame::Map(mut node, anchor, _)) => {
                    // A block mapping's start mark sits on its first `:`; its first key is
                    // where a reader looks, so point there.
                    if let Value::Map(entries) = &node.value {
                        if let Some((k, _)) = entries.first() {
                            if (k.line, k.column) < (node.line, node.column) {
                                (node.line, node.column) = (k.line, k.column);
                            }
                        }
                    }
                    self.finish(node, anchor, mark);
                }
                None => self.fail(mark, "unbalanced YAML structure"),
            },
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((_, w)) if self.aliased + w > MAX_ALIASED_NODES => {
                    self.fail(mark, "document too large (alias expansion)");
                }
                Some((node, w)) => {
                    self.aliased += w;
                    let mut node = node.clone();
                    node.line = line;
                    node.column = column;
                    self.finish(node, 0, mark);
                }
                None => self.fail(mark, "alias to an unknown anchor"),
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema: plain scalars may be null, bool or numbers.
/// A plain scalar resolved to a boolean or number comes with its text as written.
fn resolve(text: String, style: TScalarStyle) -> (Value, Option<Box<str>>) {
    if style != TScalarStyle::Plain {
        return (Value::Str(text), None);
    }
    match resolve_plain(&text) {
        Some(Value::Null) => (Value::Null, None),
        Some(value) => (value, Some(text.into_boxed_str())),
        None => (Value::Str(text), None),
    }
}

/// The null, boolean or number a plain scalar stands for; `None` for a string.
fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Value::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let looks_numeric = text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.');
    if !looks_numeric {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::Int(i));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Some(Value::Int(i));
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Some(Value::Int(i));
        }
    }
    if text.bytes().any(|b| b.is_ascii_digit()) {
        if let Ok(f) = text.parse::<f64>() {
            return Some(Value::Float(f));
        }
    }
    None
}

const TOP_FIELDS: &[&str] = &[
    "version",
    "integration",
    "defaults",
    "categories",
    "monitors",
    "rules",
    "tags",
];

/// Reads a YAML manifest file into what it declares.
pub(crate) fn read_manifest(ctx: &mut Ctx<'_>, text: &str) -> Fragment {
    read_manifest_with(ctx, text, stream::reading_threads(text.len()), BATCH_BYTES)
}

/// [`read_manifest`] without the split: for a file whose streamed read gave it up.
pub(crate) fn read_on_one_thread(ctx: &mut Ctx<'_>, text: &str) -> Fragment {
    read_manifest_with(ctx, text, 1, BATCH_BYTES)
}

/// Reads a large YAML file as its blocks come off disk, its `categories` list on several
/// threads (see [`parse_split`]); `None` when the file must be read whole instead (it is not
/// laid out the usual way, or a batch does not read as its items).
pub(crate) fn read_streamed(ctx: &mut Ctx<'_>, blocks: &mut FileBlocks) -> Option<Fragment> {
    let threads = stream::reading_threads(blocks.len());
    let (root, frag) = parse_split(ctx, blocks, category, threads, BATCH_BYTES)?;
    Some(read_top(ctx, &root, frag))
}

/// [`read_manifest`] parsing on `threads` threads where the file allows (see [`parse_split`]).
fn read_manifest_with(
    ctx: &mut Ctx<'_>,
    text: &str,
    threads: usize,
    batch_bytes: usize,
) -> Fragment {
    let whole = std::iter::once((Cow::Borrowed(text), 0));
    let split = (threads > 1)
        .then(|| parse_split(ctx, whole, category, threads, batch_bytes))
        .flatten();
    let (root, frag) = match split {
        Some(read) => read,
        None => {
            // The file is read again on one thread.
            let mut frag = Fragment::default();
            let mut read_category = |ctx: &mut Ctx<'_>, node: &Node| category(ctx, node, &mut frag);
            let Some(root) = parse_with(ctx, text, Some(&mut read_category)) else {
                return Fragment::default();
            };
            (root, frag)
        }
    };
    read_top(ctx, &root, frag)
}

/// Reads the root mapping's keys besides the `categories` already read into `frag`.
fn read_top(ctx: &mut Ctx<'_>, root: &Node, mut frag: Fragment) -> Fragment {
    let Some(top) = Obj::new(ctx, root, "the manifest", TOP_FIELDS) else {
        return frag;
    };
    match top.get("version") {
        None => ctx.push(
            Diagnostic::at(Code::MissingField, ctx.node_loc(root), "missing `version`")
                .hint("start the file with `version: 1`"),
        ),
        Some(v) if v.value == Value::Int(1) => {}
        Some(v) => ctx.push(
            Diagnostic::at(
                Code::UnsupportedVersion,
                ctx.node_loc(v),
                format!("unsupported manifest version {}", v.describe()),
            )
            .hint("this secoda-sync reads `version: 1`"),
        ),
    }
    if let Some(name) = top.string(ctx, "integration") {
        let node = top.get("integration").unwrap_or(root);
        frag.add_integration(IntegrationRef::parse(&name), ctx.origin(node));
    }
    if let Some(node) = top.get("defaults") {
        if let Some(obj) = Obj::new(ctx, node, "defaults", &RESOURCE_FIELDS) {
            frag.defaults = Some((fragment::resource_fields(ctx, &obj), ctx.origin(node)));
        }
    }
    if let Some(node) = top.get("rules") {
        frag.rules = Some((rule_config::read(ctx, node), ctx.origin(node)));
    }
    // The list's items were read as they were parsed; this checks that it is a list.
    for node in top.seq(ctx, "categories").unwrap_or_default() {
        category(ctx, node, &mut frag);
    }
    for node in top.seq(ctx, "monitors").unwrap_or_default() {
        let obj = Obj::new(ctx, node, "monitor", MONITOR_FIELDS);
        if let Some(m) = obj.and_then(|obj| fragment::monitor(ctx, &obj)) {
            frag.monitors.push(m);
        }
    }
    for node in top.seq(ctx, "tags").unwrap_or_default() {
        let obj = Obj::new(ctx, node, "tag", TAG_FIELDS);
        if let Some(t) = obj.and_then(|obj| fragment::tag(ctx, &obj)) {
            frag.tags.push(t);
        }
    }
    frag
}

/// Reads a `--rules` file: a YAML mapping holding `rules:` (and optionally `version: 1`).
pub(crate) fn read_rules_file(
    ctx: &mut Ctx<'_>,
    text: &str,
) -> Option<(crate::manifest::rules::Rules, crate::manifest::Origin)> {
    let root = parse(ctx, text)?;
    // A manifest holding `rules:` serves too: its other keys are known, and not read here.
    let top = Obj::new(ctx, &root, "the rules file", TOP_FIELDS)?;
    let Some(node) = top.get("rules") else {
        let d = Diagnostic::at(Code::MissingField, ctx.node_loc(&root), "missing `rules`")
            .hint("a rules file holds one `rules:` map");
        ctx.push(d);
        return None;
    };
    Some((rule_config::read(ctx, node), ctx.origin(node)))
}

fn category(ctx: &mut Ctx<'_>, node: &Node, frag: &mut Fragment) {
    let known: Vec<&str> = ["title", "events", fragment::RENAMED_FROM]
        .iter()
        .chain(CATEGORY_FIELDS.iter())
        .copied()
        .collect();
    let Some(obj) = Obj::new(ctx, node, "category", &known) else {
        return;
    };
    let Some(title) = obj.title(ctx, "title", "category") else {
        return;
    };
    let mention = fragment::category_mention(ctx, &obj, title.clone());
    frag.categories.push(mention);
    let event_known: Vec<&str> = ["title", "protect", fragment::RENAMED_FROM, "properties"]
        .iter()
        .chain(RESOURCE_FIELDS.iter())
        .copied()
        .collect();
    let prop_known: Vec<&str> = ["title", "protect", fragment::RENAMED_FROM]
        .iter()
        .chain(RESOURCE_FIELDS.iter())
        .chain(TRACKING_FIELDS.iter())
        .copied()
        .collect();
    for en in obj.seq(ctx, "events").unwrap_or_default() {
        let Some(eo) = Obj::new(ctx, en, "event", &event_known) else {
            continue;
        };
        let Some(etitle) = eo.title(ctx, "title", "event") else {
            continue;
        };
        let mut mention = EventMention::event(
            title.clone(),
            etitle.clone(),
            fragment::resource_fields(ctx, &eo),
            eo.boolean(ctx, "protect").unwrap_or(false),
            ctx.origin(en),
            true,
        );
        mention.item.renamed_from = fragment::renamed_from(ctx, &eo, &etitle);
        frag.events.push(mention);
        for pn in eo.seq(ctx, "properties").unwrap_or_default() {
            let Some(po) = Obj::new(ctx, pn, "property", &prop_known) else {
                continue;
            };
            let Some(ptitle) = po.title(ctx, "title", "property") else {
                continue;
            };
            let property = Property {
                renamed_from: fragment::renamed_from(ctx, &po, &ptitle),
                title: ptitle,
                fields: fragment::resource_fields(ctx, &po),
                tracking: fragment::tracking_fields(ctx, &po),
                protect: po.boolean(ctx, "protect").unwrap_or(false),
                origin: ctx.origin(pn),
            };
            frag.push_property(&title, &etitle, property);
        }
    }
}

/// Serialises a document to YAML text.
///
/// # Errors
/// When the value cannot be represented (not expected for the manifest document types).
pub(crate) fn to_string<T: serde::Serialize>(value: &T) -> Result<String, serde_yaml::Error> {
    serde_yaml::to_string(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parse_ok(text: &str) -> (Option<Node>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        let n = parse(&mut ctx, text);
        (n, diags)
    }

    fn read(text: &str) -> (Fragment, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        let frag = read_manifest(&mut ctx, text);
        (frag, diags)
    }

    #[test]
    fn categories_read_while_parsing_give_what_the_whole_tree_gave() {
        let text =
            "version: 1\nintegration: Segment\ncategories:\n  - title: A\n    events:\n      \
                    - title: E\n        properties:\n          - title: p\n  - title: B\n";
        let (mut frag, diags) = read(text);
        assert!(diags.is_empty(), "{diags:?}");
        frag.close_run();
        let titles: Vec<&str> = frag
            .categories
            .iter()
            .map(|c| c.item.title.as_str())
            .collect();
        assert_eq!(titles, ["A", "B"]);
        assert_eq!(frag.events.len(), 1);
        assert_eq!(frag.events[0].item.properties.len(), 1, "under its event");
        // The list is still checked for being one.
        let (frag, diags) = read("version: 1\ncategories: 5\n");
        assert!(frag.categories.is_empty());
        assert_eq!(diags.len(), 1, "{diags:?}");
    }

    #[test]
    fn a_syntax_error_after_categories_already_read_is_reported_alone() {
        let text = "version: 1\ncategories:\n  - title: A\n    colour: red\n  - title: [B\n";
        let (frag, diags) = read(text);
        assert!(frag.categories.is_empty(), "{:?}", frag.categories);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::Syntax, "{diags:?}");
    }

    /// A manifest of `n` categories in the usual layout, with what a split must carry across
    /// its cuts: comments and blank lines between items, block, quoted and multi-line scalars,
    /// typed scalars, and mistakes reported by the category reader.
    fn many_categories(n: usize, indent: &str) -> String {
        let mut text =
            String::from("# plan\nversion: 1\nintegration: Segment\ncategories: # all\n");
        for i in 0..n {
            text.push_str(&format!(
                "{indent}- title: C{i}\n\
                 {indent}  colour: red\n\
                 {indent}  description: |\n\
                 {indent}    - not an item\n\
                 \n\
                 {indent}    # not a comment\n\
                 # a comment\n\
                 \n\
                 {indent}  events:\n\
                 {indent}  - title: \"E{i}\"\n\
                 {indent}    description: a plain\n\
                 {indent}      scalar on two lines\n\
                 {indent}    properties:\n\
                 {indent}    - {{title: p{i}, type: string, pii: 007}}\n\
                 {indent}    - title: '{i}'\n\
                 {indent}      tittle: x\n"
            ));
        }
        text.push_str("monitors:\n- {kind: nope}\n");
        text
    }

    fn read_on(threads: usize, text: &str) -> (String, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        // One item a batch: every cut is exercised.
        let frag = read_manifest_with(&mut ctx, text, threads, 1);
        // Compared as merged: how a fragment holds its properties on the way is its own.
        let set = crate::manifest::merge::merge(vec![frag], None, &mut diags);
        (format!("{set:?}"), diags)
    }

    fn split_root(text: &str) -> Option<Node> {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        let whole = std::iter::once((Cow::Borrowed(text), 0));
        parse_split(&mut ctx, whole, |_, _, _| {}, 2, 1).map(|(root, _)| root)
    }

    fn streamed_root(text: &str) -> Option<Node> {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        parse_with(&mut ctx, text, Some(&mut |_, _| {}))
    }

    #[test]
    fn a_file_read_in_parallel_gives_what_one_thread_gives() {
        for indent in ["", "  "] {
            let text = many_categories(40, indent);
            let root = split_root(&text);
            assert!(root.is_some(), "the usual layout is split");
            assert_eq!(root, streamed_root(&text));
            let (frag, diags) = read_on(1, &text);
            assert!(frag.contains("C39") && diags.len() > 80, "{diags:?}");
            assert_eq!(read_on(2, &text), (frag, diags));
        }
    }

    #[test]
    fn a_syntax_error_in_a_later_category_is_reported_alone_in_parallel_too() {
        let good = many_categories(30, "  ");
        let cut = good.match_indices("  - title: C25").next().unwrap().0;
        for bad in [
            "  - title: [C25\n",
            "  - title: \"C25\n",
            "  - title: C25\n    a: *nowhere\n",
            "  - title: C25\n   - x\n",
            "  - title: C25\n\t- x\n",
        ] {
            let text = format!("{}{bad}{}", &good[..cut], &good[cut + 15..]);
            assert!(split_root(&text).is_none(), "{bad}");
            let (frag, diags) = read_on(2, &text);
            assert_eq!(
                (&frag, &diags),
                (&read_on(1, &text).0, &read_on(1, &text).1)
            );
            assert_eq!(diags.len(), 1, "{bad}: {diags:?}");
            assert_eq!(diags[0].code, Code::Syntax, "{diags:?}");
        }
    }

    #[test]
    fn files_a_split_cannot_read_the_same_fall_back_to_one_thread() {
        let good = many_categories(10, "");
        let cases = [
            // An anchor used across items, a quoted scalar across a cut, a flow root.
            good.replacen("title: C1\n", "title: &t C1\n", 1).replacen(
                "title: C5\n",
                "title: *t\n",
                1,
            ),
            good.replacen("- title: C3\n", "- title: \"C3\n- x\"\n", 1),
            format!(
                "{{\n{}}}\n",
                good.replace("categories: # all\n", "categories:\n")
            ),
            good.replacen("monitors:", "categories:\n- title: again\nmonitors:", 1),
            good.replacen("colour: red", "colour: |\n  - x", 1),
        ];
        for text in &cases {
            assert!(split_root(text).is_none(), "{text}");
            assert_eq!(read_on(2, text), read_on(1, text));
        }
    }

    /// The line reader's tree of a batch, and yaml-rust2's.
    fn both_readers(text: &str, indent: usize) -> (Option<Node>, Option<Node>) {
        let mut lines = Builder::default();
        let fast = read_lines(text, &mut lines, indent).and(lines.root);
        let mut slow = Builder::default();
        drive(text, &mut slow, drop).ok();
        (fast, slow.root)
    }

    #[test]
    fn the_line_reader_gives_what_yaml_rust2_gives_or_nothing() {
        let read = [
            "- title: A\n  description: |-\n    ## E\n\n    Sent by \"web\".\n  n: 007\n  t: true\n",
            "- title: A\n  d: |\n    x\n      y\n\n\n  teams:\n  - Growth\n  - 'a b'\n  e:\n    - title: \"q\"\n      p: -1.5\n",
            "  - title: B\n    ключ: значение\n    list:\n      - a\n      # c\n      - b: x[y], z\n",
            "- a\n- b\n",
        ];
        for text in read {
            let indent = spaces(text);
            let (fast, slow) = both_readers(text, indent);
            assert!(fast.is_some(), "{text}");
            assert_eq!(fast, slow, "{text}");
        }
        let left = [
            "- title: A\n  d: a\n    b\n",
            "- title: A\n  d:\n  e: 1\n",
            "- title: A\n  d: x # c\n",
            "- title: A\n  d: \"a\\tb\"\n",
            "- title: A\n  d: [a, b]\n",
            "- title: A\n  d: &x a\n",
            "- title: A\n  d: |+\n    a\n\n",
            "- title: A\n  d: |\n\n    a\n",
            "- title: A\n  d: |\n    a\n   \n",
            "- title: A\n  d: a: b\n",
            "- title: A\n\td: a\n",
            "- - a\n",
            "- title: A\n  d: 'it''s'\n",
            "- title: A\n d: x\n",
            "- title: A",
            "- title: Å\n",
        ];
        for text in left {
            let (fast, slow) = both_readers(text, 0);
            assert!(fast.is_none() || fast == slow, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_line_reader_never_reads_other_than_yaml_rust2(
            body in "(( {0,6})(- |a: |b:|\\|-|\\||'x'|\"y\"|#|1|-2|c d|:)*\n){1,12}"
        ) {
            let text = format!("- k: v\n{body}");
            let (fast, slow) = both_readers(&text, 0);
            proptest::prop_assert!(fast.is_none() || fast == slow, "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn block_layouts_read_by_lines_are_read_as_by_yaml_rust2(
            body in "(( {2}| {4}| {6}| {8})(- )?(k[a-c]: (v|1|'q'|\"r\"|\\|-|\\|)|k[d-f]:|w x)\n)(( {2}| {4}| {6}| {8})(- )?(k[a-c]: (v|1|'q'|\"r\"|\\|-|\\|)|k[d-f]:|w x)\n){0,10}"
        ) {
            let text = format!("- k: v\n{body}");
            let (fast, slow) = both_readers(&text, 0);
            proptest::prop_assert!(fast.is_none() || fast == slow, "{text}");
        }
    }

    #[test]
    fn a_written_plan_is_read_by_lines_the_same_as_by_yaml_rust2() {
        use crate::manifest::generate::{tracking_plan, Shape};
        let set = tracking_plan(Shape {
            categories: 6,
            events: 3,
            properties: 4,
        });
        let text = crate::manifest::write::to_yaml(&set, None).unwrap();
        let mut batches = Batched::new(std::iter::once((Cow::Borrowed(&*text), 0)), 1);
        for batch in batches.by_ref() {
            let (fast, slow) = both_readers(&batch.text, batch.indent);
            assert!(fast.is_some());
            assert_eq!(fast, slow);
        }
        assert!(!batches.not_usual);
        assert_eq!(split_root(&text), streamed_root(&text));
        assert_eq!(read_on(2, &text), read_on(1, &text));
    }

    #[test]
    fn scalars_resolve_by_core_schema() {
        let plain = |t: &str| resolve(t.into(), TScalarStyle::Plain).0;
        assert_eq!(plain("true"), Value::Bool(true));
        assert_eq!(plain("yes"), Value::Str("yes".into()));
        assert_eq!(plain("12"), Value::Int(12));
        assert_eq!(plain("1.5"), Value::Float(1.5));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(
            resolve("true".into(), TScalarStyle::DoubleQuoted).0,
            Value::Str("true".into())
        );
    }

    #[test]
    fn typed_plain_scalars_keep_their_text() {
        for text in ["007", "1.10", "1e5", "True", "0x1F", ".inf"] {
            let (_, raw) = resolve(text.into(), TScalarStyle::Plain);
            assert_eq!(raw.as_deref(), Some(text));
        }
        assert_eq!(resolve("~".into(), TScalarStyle::Plain).1, None);
        assert_eq!(resolve("abc".into(), TScalarStyle::Plain).1, None);
    }

    #[test]
    fn block_nesting_is_capped_like_flow_nesting() {
        let mut deep = String::from("x:\n");
        for i in 1..=10_000 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("-\n");
        }
        let (n, d) = parse_ok(&deep);
        assert!(n.is_none());
        assert!(
            d[0].message.contains("recursion limit exceeded"),
            "{}",
            d[0].message
        );
        let (n, d) = parse_ok("a:\n  - b: [c]\n");
        assert!(n.is_some() && d.is_empty());
    }

    #[test]
    fn nodes_carry_one_based_line_and_column() {
        let (n, d) = parse_ok("a:\n  b: [1, 2]\n");
        assert!(d.is_empty());
        let Value::Map(top) = n.unwrap().value else {
            panic!()
        };
        let Value::Map(inner) = &top[0].1.value else {
            panic!()
        };
        assert_eq!((inner[0].0.line, inner[0].0.column), (2, 3));
    }

    #[test]
    fn second_document_is_refused_not_ignored() {
        let (n, d) = parse_ok("a: 1\n---\nb: 2\n");
        assert!(n.is_none());
        assert_eq!(d[0].code, Code::Syntax);
    }

    #[test]
    fn aliases_expand_and_bombs_are_refused() {
        let (n, d) = parse_ok("a: &x [1]\nb: *x\n");
        assert!(d.is_empty() && n.is_some());
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let (n, d) = parse_ok(&bomb);
        assert!(n.is_none());
        assert_eq!(d[0].code, Code::Syntax);
    }

    #[test]
    fn renamed_from_reads_one_title_or_a_list_and_is_refused_on_a_category() {
        let text = "version: 1
integration: Segment
categories:
  - title: Checkout
    renamed_from: Purchase
    events:
      - title: Order Placed
        renamed_from: [Checkout Completed, \" Order Done \", Order Placed, Order Done]
        properties:
          - title: total
            renamed_from: amount
";
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("t.yaml"),
            diags: &mut diags,
        };
        let mut frag = read_manifest(&mut ctx, text);
        frag.close_run();
        assert_eq!(
            frag.events[0].item.renamed_from,
            ["Checkout Completed", "Order Done"],
            "trimmed, without repeats or the title itself"
        );
        assert_eq!(frag.events[0].item.properties[0].renamed_from, ["amount"]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::FieldNotAllowed);
        assert!(
            diags[0].message.contains("cannot rename a category"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].location.as_ref().map(|l| l.line), Some(5));
    }
}
