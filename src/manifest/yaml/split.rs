//! Reading a large manifest's root `categories:` list on several threads: where its items
//! lie (found by reading lines), a line reader for the plain block layout they are usually
//! written in, and the checks that fall back to the one-thread parse whenever the split cannot
//! be shown to give what that parse gives.

use super::*;

/// About how much text of the `categories` list one thread parses at a time.
pub(super) const BATCH_BYTES: usize = 64 << 10;

/// The items of a root `categories:` block list, found by reading lines, not YAML.
pub(super) struct Split {
    /// Line of the `categories:` key.
    pub(super) key_line: u32,
    /// Spaces before each item's `-`.
    pub(super) indent: usize,
    /// Where the list's lines start and end (at a line start, or the end of the text).
    pub(super) region: Range<usize>,
    /// Each item's first byte and line: the line starting with `-` at `indent`.
    pub(super) items: Vec<(usize, u32)>,
}

/// Whether a line holds only spaces, or a comment: neither starts nor ends a list item.
pub(super) fn is_blank_or_comment(body: &str) -> bool {
    let rest = body.trim_start_matches([' ', '\t', '\r']);
    rest.is_empty() || rest.starts_with('#')
}

/// Whether `rest` (a line after its indentation) starts a block list item.
pub(super) fn is_item(rest: &str) -> bool {
    rest.strip_prefix('-')
        .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\r']))
}

/// Where the items of the root `categories:` list lie when the file is laid out the usual way:
/// a block mapping at column 1, `categories:` alone on its line, then items each starting on a
/// line with `-` at one indentation, the list ending at the next line at column 1. `None` for
/// anything else. This only proposes the split: the parses of [`parse_split`] confirm it.
pub(super) fn find_split(text: &str) -> Option<Split> {
    enum Phase {
        /// Before the first line of YAML.
        Start,
        /// Looking for the `categories:` line.
        Key,
        /// After it, looking for the first item.
        First,
        /// Among the items.
        Items,
    }
    let mut phase = Phase::Start;
    let (mut key_line, mut indent, mut region_start) = (0, 0, 0);
    let mut items = Vec::new();
    let mut pos = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (start, number) = (pos, u32::try_from(n + 1).ok()?);
        pos += line.len();
        let body = line.strip_suffix('\n').unwrap_or(line);
        if is_blank_or_comment(body) {
            continue;
        }
        let rest = body.trim_start_matches(' ');
        let spaces = body.len() - rest.len();
        match phase {
            // A document starting with a plain key at column 1 is a block mapping: neither a
            // flow collection (which could hold `categories:` at column 1 as its own key) nor
            // one with directives, tags or anchors to keep track of.
            Phase::Start
                if spaces == 0 && rest.starts_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                phase = Phase::Key;
            }
            Phase::Start => return None,
            Phase::First => {
                if !is_item(rest) {
                    return None;
                }
                (indent, region_start) = (spaces, start);
                items.push((start, number));
                phase = Phase::Items;
                continue;
            }
            Phase::Items => {
                if rest.starts_with('\t') {
                    return None;
                }
                if spaces > indent {
                    continue;
                }
                if spaces == indent && is_item(rest) {
                    items.push((start, number));
                    continue;
                }
                if spaces == 0 {
                    return Some(Split {
                        key_line,
                        indent,
                        region: region_start..start,
                        items,
                    });
                }
                return None;
            }
            Phase::Key => {}
        }
        if spaces == 0 {
            if let Some(after) = body.strip_prefix("categories:") {
                let after = after.trim_end_matches('\r');
                let tail = after.trim_start_matches([' ', '\t']);
                if tail.is_empty() || (tail.starts_with('#') && tail.len() < after.len()) {
                    key_line = number;
                    phase = Phase::First;
                }
            }
        }
    }
    matches!(phase, Phase::Items).then_some(Split {
        key_line,
        indent,
        region: region_start..text.len(),
        items,
    })
}

/// One thread's share of the `categories` list: whole items, in order.
pub(super) struct Batch {
    pub(super) bytes: Range<usize>,
    pub(super) line: u32,
    pub(super) items: usize,
}

impl Split {
    pub(super) fn batches(&self, batch_bytes: usize) -> Vec<Batch> {
        let mut batches: Vec<Batch> = Vec::new();
        for (i, &(start, line)) in self.items.iter().enumerate() {
            let end = self
                .items
                .get(i + 1)
                .map_or(self.region.end, |&(next, _)| next);
            match batches.last_mut() {
                Some(b) if b.bytes.len() < batch_bytes => {
                    b.bytes.end = end;
                    b.items += 1;
                }
                _ => batches.push(Batch {
                    bytes: start..end,
                    line,
                    items: 1,
                }),
            }
        }
        batches
    }
}

/// Reads the plain block layout manifests are written in (and the writer writes): block
/// mappings and lists, one-line plain and quoted scalars without escapes, and `|` / `|-`
/// literal blocks, handing `builder` the events yaml-rust2 gives for the same text. yaml-rust2
/// reads characters one by one through a ring buffer; this reads lines. `None` at anything
/// else — flow collections, anchors, tags, escapes, multi-line plain scalars, empty values,
/// comments after a value, tabs — for yaml-rust2 to read instead.
pub(super) struct Lines<'t, 'b> {
    pub(super) lines: Vec<&'t str>,
    pub(super) at: usize,
    pub(super) builder: &'b mut Builder,
    pub(super) depth: usize,
}

/// Nesting the line reader takes before leaving the text to yaml-rust2 (its recursion is
/// on the thread's stack).
pub(super) const LINES_MAX_DEPTH: usize = 64;

pub(super) fn spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a plain scalar of this text reads as exactly this text, on one line, in block
/// context: no indicator first (a number's `-` aside), no `: ` or `#` inside, no space at
/// either end.
pub(super) fn plain_ok(text: &str) -> bool {
    let Some(first) = text.bytes().next() else {
        return false;
    };
    let indicator = b"-?:,[]{}#&*!|>'\"%@`".contains(&first);
    let negative_number = first == b'-' && text.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
    // One pass over the bytes: `str::contains` with a two-byte pattern costs a `memcmp` call
    // per position, and this runs on every key and value of a large file.
    let mut after_colon = false;
    let clean = text.bytes().all(|b| {
        let ok = b != b'#' && !(after_colon && b == b' ');
        after_colon = b == b':';
        ok
    });
    (!indicator || negative_number) && clean && !text.ends_with([':', ' '])
}

impl Lines<'_, '_> {
    pub(super) fn emit(&mut self, ev: Event, line: usize, col: usize) -> Option<()> {
        self.builder.on_event(
            ev,
            At {
                line: line + 1,
                col,
            },
        );
        self.builder.error.is_none().then_some(())
    }

    /// Moves to the next line holding YAML; its indentation, `None` at the end.
    pub(super) fn next_significant(&mut self) -> Option<usize> {
        while let Some(line) = self.lines.get(self.at) {
            let rest = line.trim_start_matches(' ');
            if !rest.is_empty() && !rest.starts_with('#') {
                return Some(line.len() - rest.len());
            }
            self.at += 1;
        }
        None
    }

    pub(super) fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= LINES_MAX_DEPTH).then_some(())
    }

    /// The block list whose first `-` is on the current line at column `n`; `indentless` when
    /// it is a mapping value at the mapping's own indentation.
    pub(super) fn seq(&mut self, n: usize, indentless: bool) -> Option<()> {
        self.deeper()?;
        let mut first = true;
        loop {
            let line = self.lines[self.at];
            let after = line[n..].strip_prefix("- ")?;
            let c = n + 2 + spaces(after);
            let content = &line[c..];
            if first {
                // yaml-rust2 marks an indented list at its `-`, an indentless one where its
                // first item starts.
                let col = if indentless { c } else { n };
                self.emit(Event::SequenceStart(0, None), self.at, col)?;
                first = false;
            }
            if content.starts_with('-') && !plain_ok(content) {
                return None;
            }
            if key_of(content).is_some() {
                self.map(c)?;
            } else {
                let (value, style) = inline_scalar(content)?;
                self.emit(Event::Scalar(value, style, 0, None), self.at, c)?;
                self.at += 1;
            }
            match self.next_significant() {
                Some(i) if i == n && self.lines[self.at][n..].starts_with("- ") => {}
                Some(i) if i < n || (i == n && indentless) => break,
                None => break,
                Some(_) => return None,
            }
        }
        self.depth -= 1;
        self.emit(Event::SequenceEnd, self.at, 0)
    }

    /// The block mapping whose first key is on the current line at column `m`.
    pub(super) fn map(&mut self, m: usize) -> Option<()> {
        self.deeper()?;
        let line = self.at;
        self.emit(Event::MappingStart(0, None), line, m)?;
        loop {
            let line = self.lines[self.at];
            let (key, after) = key_of(&line[m..])?;
            self.emit(
                Event::Scalar(key.to_owned(), TScalarStyle::Plain, 0, None),
                self.at,
                m,
            )?;
            let value = after.trim_start_matches(' ');
            if value.is_empty() {
                self.at += 1;
                match self.next_significant() {
                    Some(i) if i > m => {
                        if self.lines[self.at][i..].starts_with("- ") {
                            self.seq(i, false)?;
                        } else {
                            self.map(i)?;
                        }
                    }
                    Some(i) if i == m && self.lines[self.at][m..].starts_with("- ") => {
                        self.seq(m, true)?;
                    }
                    // An empty value: yaml-rust2 marks it at what follows.
                    _ => return None,
                }
            } else {
                // Columns count characters.
                let col = m + key.chars().count() + 1 + (after.len() - value.len());
                if value.starts_with('|') {
                    self.literal(value, m)?;
                } else {
                    let (text, style) = inline_scalar(value)?;
                    self.emit(Event::Scalar(text, style, 0, None), self.at, col)?;
                    self.at += 1;
                }
            }
            match self.next_significant() {
                Some(i) if i == m && !self.lines[self.at][m..].starts_with('-') => {}
                Some(i) if i < m => break,
                None => break,
                Some(_) => return None,
            }
        }
        self.depth -= 1;
        self.emit(Event::MappingEnd, self.at, 0)
    }

    /// A `|` or `|-` block, the value of a key at column `m`.
    pub(super) fn literal(&mut self, header: &str, m: usize) -> Option<()> {
        let strip = match header.trim_end_matches(' ') {
            "|" => false,
            "|-" => true,
            _ => return None,
        };
        let start = self.at;
        let first = self.lines.get(start + 1)?;
        let indent = spaces(first);
        // Leading empty lines and the indentation they may set are left to yaml-rust2.
        if indent <= m || indent == first.len() {
            return None;
        }
        let mut text = String::new();
        let mut end = start + 1;
        for (i, line) in self.lines.iter().enumerate().skip(start + 1) {
            if line.is_empty() {
                continue;
            }
            let n = spaces(line);
            if n == line.len() {
                // Spaces alone: their count against the indentation is left to yaml-rust2.
                return None;
            }
            if n < indent {
                break;
            }
            for _ in end..i {
                text.push('\n');
            }
            if i > start + 1 {
                text.push('\n');
            }
            text.push_str(&line[indent..]);
            end = i + 1;
        }
        // The block's last line must end in a line break for `|` to keep one.
        if end >= self.lines.len() {
            return None;
        }
        if !strip {
            text.push('\n');
        }
        // yaml-rust2 marks a literal block where its text starts.
        self.emit(
            Event::Scalar(text, TScalarStyle::Literal, 0, None),
            start + 1,
            indent,
        )?;
        self.at = end;
        Some(())
    }
}

/// A line's `key:` and what follows the colon, when the line is a plain key and its value.
pub(super) fn key_of(content: &str) -> Option<(&str, &str)> {
    let bytes = content.as_bytes();
    let colon = (0..bytes.len())
        .find(|&i| bytes[i] == b':' && matches!(bytes.get(i + 1), None | Some(b' ')))?;
    let key = &content[..colon];
    plain_ok(key).then(|| (key, &content[colon + 1..]))
}

/// A one-line value: plain, or quoted without escapes, with nothing after it.
pub(super) fn inline_scalar(text: &str) -> Option<(String, TScalarStyle)> {
    let text = text.trim_end_matches(' ');
    for (quote, style) in [
        ('"', TScalarStyle::DoubleQuoted),
        ('\'', TScalarStyle::SingleQuoted),
    ] {
        if let Some(inner) = text.strip_prefix(quote) {
            let inner = inner.strip_suffix(quote)?;
            if inner.contains([quote, '\\']) {
                return None;
            }
            return Some((inner.to_owned(), style));
        }
    }
    plain_ok(text).then(|| (text.to_owned(), TScalarStyle::Plain))
}

/// [`Lines`] over one batch; `None` (the builder then in any state) where yaml-rust2 must read it.
pub(super) fn read_lines(text: &str, builder: &mut Builder, indent: usize) -> Option<()> {
    // Tabs, carriage returns and control characters mean rules the line reader leaves out.
    let unusual =
        |b: &u8| (*b < b' ' && *b != b'\n') || *b == 0x7f || *b >= 0xc2 && *b <= 0xc3 || *b == 0xef;
    if !text.ends_with('\n') || text.as_bytes().iter().any(unusual) {
        return None;
    }
    let mut lines = Lines {
        lines: text.split('\n').collect(),
        at: 0,
        builder,
        depth: 0,
    };
    lines.next_significant()?;
    lines.seq(indent, false)?;
    (lines.next_significant().is_none()).then_some(())
}

/// Parses one batch of category items on its own, as a list at the root; `None` when it does
/// not read as exactly its items (a construct crossing its ends) or uses anchors.
pub(super) fn parse_batch(text: &str, batch: &Batch, indent: usize) -> Option<Vec<Node>> {
    let mut builder = Builder {
        line_offset: batch.line - 1,
        // In the file, the list sits in the root mapping.
        depth_offset: 1,
        refuse_anchors: true,
        ..Builder::default()
    };
    let batch_text = &text[batch.bytes.clone()];
    if read_lines(batch_text, &mut builder, indent).is_none() {
        builder = Builder {
            line_offset: batch.line - 1,
            depth_offset: 1,
            refuse_anchors: true,
            ..Builder::default()
        };
        drive(batch_text, &mut builder, drop).ok()?;
    }
    match builder.root?.value {
        Value::Seq(items) if items.len() == batch.items => Some(items),
        _ => None,
    }
}

/// [`parse_with`] streaming categories, its work shared among threads: the text of the root
/// `categories` list is cut at its items into batches parsed in parallel, and the rest of the
/// file (the list's lines left blank, so lines keep their numbers) is parsed on its own. The
/// cuts are only proposed by reading lines; a parse confirms each: a batch must read as
/// exactly its items (a quoted or flow scalar running past a cut fails to close, and a block
/// or plain scalar ends at a line as little indented as the item's `-`, the same in the file
/// and the batch), and the rest of the file must hold `categories` as a root key on its line,
/// now with no value. Anything else — a syntax error anywhere, anchors in the list, a file
/// laid out otherwise — returns `None` with no diagnostic of the list's left, and the caller
/// parses the file on one thread, so diagnostics are as that parse gives them. The threads
/// also `read` each item into a fragment of their batch (with the batch's own diagnostics),
/// which are joined in file order.
pub(super) fn parse_split(
    ctx: &mut Ctx<'_>,
    text: &str,
    read: CategoryReader,
    threads: usize,
    batch_bytes: usize,
) -> Option<(Node, Fragment)> {
    if threads < 2 {
        return None;
    }
    let split = find_split(text)?;
    let batches = split.batches(batch_bytes);
    if batches.len() < 2 {
        return None;
    }
    let mut root = parse_rest(text, &split)?;
    let before = ctx.diags.len();
    let file = &ctx.file;
    let mut frag = Fragment::default();
    let whole = std::thread::scope(|scope| {
        let mut results = Vec::with_capacity(threads);
        for first in 0..threads {
            // Two batches ahead at most: the list is never held whole.
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            let batches = &batches;
            let indent = split.indent;
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                for batch in batches.iter().skip(first).step_by(threads) {
                    let read_batch = parse_batch(text, batch, indent).map(|items| {
                        let (mut batch_frag, mut diags) = (Fragment::default(), Vec::new());
                        let mut batch_ctx = Ctx {
                            file: std::sync::Arc::clone(file),
                            diags: &mut diags,
                        };
                        for node in &items {
                            read(&mut batch_ctx, node, &mut batch_frag);
                        }
                        (batch_frag, diags)
                    });
                    let failed = read_batch.is_none();
                    // The receiver is gone once a batch failed: stop.
                    if tx.send(read_batch).is_err() || failed {
                        break;
                    }
                }
            });
            if spawned.is_err() {
                return false;
            }
            results.push(rx);
        }
        for i in 0..batches.len() {
            let Ok(Some((batch_frag, diags))) = results[i % threads].recv() else {
                return false;
            };
            ctx.diags.extend(diags);
            frag.append(batch_frag);
        }
        true
    });
    if !whole {
        ctx.diags.truncate(before);
        return None;
    }
    // As the whole file's parse leaves it: streamed, the list stays empty.
    if let Value::Map(entries) = &mut root.value {
        let (_, value) = entries.iter_mut().find(|(k, _)| k.name == "categories")?;
        let &(start, line) = split.items.first()?;
        *value = Node::new(
            Value::Seq(Vec::new()),
            line,
            list_column(text, start, split.indent)?,
        );
    }
    Some((root, frag))
}

/// The column the whole file's parse gives the list starting on the line at `start`: its
/// `-` when indented; unindented, where the first item's content starts (what follows the
/// `-` on its line). `None` where that is not on the line.
pub(super) fn list_column(text: &str, start: usize, indent: usize) -> Option<u32> {
    if indent > 0 {
        return Some(to_u32(indent + 1));
    }
    let after = text[start..].strip_prefix('-')?;
    let content = after.trim_start_matches([' ', '\t']);
    if content.is_empty() || content.starts_with(['#', '\r', '\n']) {
        return None;
    }
    Some(to_u32(2 + after.len() - content.len()))
}

/// Parses the file with the `categories` list's lines left blank; `None` unless it holds
/// `categories` once, as a root key on the line [`find_split`] found it, with no value.
pub(super) fn parse_rest(text: &str, split: &Split) -> Option<Node> {
    let list = &text[split.region.clone()];
    let blank = list.bytes().filter(|&b| b == b'\n').count();
    let mut rest = String::with_capacity(text.len() - list.len() + blank);
    rest.push_str(&text[..split.region.start]);
    rest.extend(std::iter::repeat_n('\n', blank));
    rest.push_str(&text[split.region.end..]);
    let mut builder = Builder::default();
    drive(&rest, &mut builder, drop).ok()?;
    let root = builder.root?;
    let Value::Map(entries) = &root.value else {
        return None;
    };
    let mut keys = entries.iter().filter(|(k, _)| k.name == "categories");
    let (key, value) = keys.next()?;
    let placed = (key.line, key.column) == (split.key_line, 1);
    let empty = value.value == Value::Null && value.raw.is_none();
    (placed && empty && keys.next().is_none()).then_some(root)
}
