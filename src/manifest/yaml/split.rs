//! Reading a large manifest's root `categories:` list on several threads: where its items
//! lie (found by reading lines), a line reader for the plain block layout they are usually
//! written in, and the checks that fall back to the one-thread parse whenever the split cannot
//! be shown to give what that parse gives.

use super::*;

/// About how much text of the `categories` list one thread parses at a time.
pub(super) const BATCH_BYTES: usize = 64 << 10;

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

/// Where a line lies, as [`Finder`] tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Before or after the `categories` list.
    Outside,
    /// The first line of one of its items.
    Item,
    /// A later line of an item (or a blank line or comment among them).
    InItem,
}

/// Finds the items of the root `categories:` list, a line at a time, when the file is laid out
/// the usual way: a block mapping at column 1, `categories:` alone on its line, then items each
/// starting on a line with `-` at one indentation, the list ending at the next line at the
/// first column. Anything else is refused. This only proposes the split: the parses of
/// [`parse_split`] confirm it.
#[derive(Debug, Default)]
pub(super) struct Finder {
    phase: Phase,
    /// Line of the `categories:` key.
    pub(super) key_line: u32,
    /// Spaces before each item's `-`.
    pub(super) indent: usize,
}

#[derive(Debug, Default)]
enum Phase {
    /// Before the first line of YAML.
    #[default]
    Start,
    /// Looking for the `categories:` line.
    Key,
    /// After it, looking for the first item.
    First,
    /// Among the items.
    Items,
    /// After the list.
    After,
}

impl Finder {
    /// Where the line numbered `number` (`body`, without its newline) lies; `None` once the
    /// file is seen not to be laid out the usual way.
    pub(super) fn line(&mut self, number: u32, body: &str) -> Option<Place> {
        if is_blank_or_comment(body) {
            return Some(if matches!(self.phase, Phase::Items) {
                Place::InItem
            } else {
                Place::Outside
            });
        }
        let rest = body.trim_start_matches(' ');
        let spaces = body.len() - rest.len();
        match self.phase {
            // A document starting with a plain key at column 1 is a block mapping: neither a
            // flow collection (which could hold `categories:` at column 1 as its own key) nor
            // one with directives, tags or anchors to keep track of.
            Phase::Start
                if spaces == 0 && rest.starts_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                self.phase = Phase::Key;
            }
            Phase::Start => return None,
            Phase::First => {
                if !is_item(rest) {
                    return None;
                }
                self.indent = spaces;
                self.phase = Phase::Items;
                return Some(Place::Item);
            }
            Phase::Items => {
                // A tab is not indentation in YAML: such a file is left to the parser whole.
                if rest.starts_with('\t') {
                    return None;
                }
                if spaces > self.indent {
                    return Some(Place::InItem);
                }
                if spaces == self.indent && is_item(rest) {
                    return Some(Place::Item);
                }
                if spaces == 0 {
                    self.phase = Phase::After;
                    return Some(Place::Outside);
                }
                return None;
            }
            Phase::Key => {}
            Phase::After => return Some(Place::Outside),
        }
        if spaces == 0 {
            if let Some(after) = body.strip_prefix("categories:") {
                let after = after.trim_end_matches('\r');
                let tail = after.trim_start_matches([' ', '\t']);
                if tail.is_empty() || (tail.starts_with('#') && tail.len() < after.len()) {
                    self.key_line = number;
                    self.phase = Phase::First;
                }
            }
        }
        Some(Place::Outside)
    }

    /// Whether the list was found, the file ending here.
    fn found(&self) -> bool {
        matches!(self.phase, Phase::Items | Phase::After)
    }
}

/// One thread's share of the `categories` list: whole items, in order, as text.
pub(super) struct Batch {
    pub(super) text: String,
    /// The file's line the text starts on.
    pub(super) line: u32,
    pub(super) items: usize,
    /// Spaces before each item's `-`.
    pub(super) indent: usize,
}

/// A file, read a piece of whole lines at a time, cut into batches of about `batch_bytes` of the
/// `categories` list's items, in order; the rest of the file is kept with the list's lines
/// left blank (so lines keep their numbers). It ends early, saying `not_usual`, when the
/// [`Finder`] refuses the file's layout.
pub(super) struct Batched<'a, S> {
    pieces: S,
    piece: Cow<'a, str>,
    at: usize,
    number: u32,
    pub(super) finder: Finder,
    pub(super) rest: String,
    batch: Option<Batch>,
    batch_bytes: usize,
    /// The first item's line and the column the whole file's parse gives the list.
    pub(super) list_at: Option<(u32, Option<u32>)>,
    pub(super) not_usual: bool,
}

impl<'a, S: Iterator<Item = Piece<'a>>> Batched<'a, S> {
    pub(super) fn new(pieces: S, batch_bytes: usize) -> Self {
        Self {
            pieces,
            piece: Cow::Borrowed(""),
            at: 0,
            number: 0,
            finder: Finder::default(),
            rest: String::new(),
            batch: None,
            batch_bytes,
            list_at: None,
            not_usual: false,
        }
    }

    /// Where the next line lies in `piece`, its newline included; `None` at the end of the file.
    fn next_line(&mut self) -> Option<Range<usize>> {
        while self.at >= self.piece.len() {
            // Pieces come in file order from its start: their line numbers are counted here.
            (self.piece, _) = self.pieces.next()?;
            self.at = 0;
        }
        let start = self.at;
        self.at = self.piece[start..]
            .find('\n')
            .map_or(self.piece.len(), |newline| start + newline + 1);
        Some(start..self.at)
    }
}

impl<'a, S: Iterator<Item = Piece<'a>>> Iterator for Batched<'a, S> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        loop {
            let Some(range) = self.next_line() else {
                self.not_usual |= !self.finder.found();
                return self.batch.take().filter(|_| !self.not_usual);
            };
            let line = &self.piece[range];
            self.number += 1;
            let body = line.strip_suffix('\n').unwrap_or(line);
            let Some(place) = self.finder.line(self.number, body) else {
                self.not_usual = true;
                return None;
            };
            if place == Place::Outside {
                self.rest.push_str(line);
                // The list's first line after it: its last batch is whole.
                if let Some(batch) = self.batch.take() {
                    return Some(batch);
                }
                continue;
            }
            if line.ends_with('\n') {
                self.rest.push('\n');
            }
            let ready = match place {
                Place::Item => {
                    let indent = self.finder.indent;
                    if self.list_at.is_none() {
                        self.list_at = Some((self.number, list_column(line, indent)));
                    }
                    let full = |b: &Batch| b.text.len() >= self.batch_bytes;
                    let ready = self.batch.take_if(|b| full(b));
                    // Room for the batch and an item past it, so that it is not grown by
                    // doubling (a freed buffer is memory the allocator holds on to a while).
                    let room = self.batch_bytes.saturating_mul(2).min(1 << 20);
                    let batch = self.batch.get_or_insert_with(|| Batch {
                        text: String::with_capacity(room),
                        line: self.number,
                        items: 0,
                        indent,
                    });
                    batch.items += 1;
                    batch.text.push_str(line);
                    ready
                }
                _ => {
                    if let Some(batch) = &mut self.batch {
                        batch.text.push_str(line);
                    }
                    None
                }
            };
            if ready.is_some() {
                return ready;
            }
        }
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
pub(super) fn parse_batch(batch: &Batch) -> Option<Vec<Node>> {
    let builder = || Builder {
        line_offset: batch.line - 1,
        depth_offset: 1,
        refuse_anchors: true,
        ..Builder::default()
    };
    let mut lines_read = builder();
    let root = if read_lines(&batch.text, &mut lines_read, batch.indent).is_some() {
        lines_read.root
    } else {
        let mut parsed = builder();
        drive(&batch.text, &mut parsed, drop).ok()?;
        parsed.root
    };
    match root?.value {
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
pub(super) fn parse_split<'a>(
    ctx: &mut Ctx<'_>,
    pieces: impl Iterator<Item = Piece<'a>>,
    read: CategoryReader,
    threads: usize,
    batch_bytes: usize,
) -> Option<(Node, Fragment)> {
    let mut batched = Batched::new(pieces, batch_bytes);
    let before = ctx.diags.len();
    let file = &ctx.file;
    let diags = &mut *ctx.diags;
    let mut frag = Fragment::default();
    let read_batch = |batch: Batch| {
        let items = parse_batch(&batch)?;
        drop(batch);
        let (mut batch_frag, mut batch_diags) = (Fragment::default(), Vec::new());
        let mut batch_ctx = Ctx {
            file: std::sync::Arc::clone(file),
            diags: &mut batch_diags,
        };
        for node in &items {
            read(&mut batch_ctx, node, &mut batch_frag);
        }
        Some((batch_frag, batch_diags))
    };
    let whole = stream::map_in_order(&mut batched, threads, read_batch, |read| {
        let Some((batch_frag, batch_diags)) = read else {
            return false;
        };
        diags.extend(batch_diags);
        frag.append(batch_frag);
        true
    });
    let root = (whole && !batched.not_usual)
        .then(|| parse_rest(&batched.rest, batched.finder.key_line))
        .flatten()
        .zip(batched.list_at);
    let Some((mut root, (line, column))) = root else {
        ctx.diags.truncate(before);
        return None;
    };
    // As the whole file's parse leaves it: streamed, the list stays empty.
    if let Value::Map(entries) = &mut root.value {
        let (_, value) = entries.iter_mut().find(|(k, _)| k.name == "categories")?;
        *value = Node::new(Value::Seq(Vec::new()), line, column?);
    }
    Some((root, frag))
}

/// The column the whole file's parse gives the list whose first item's line is `line`: its
/// `-` when indented; unindented, where the first item's content starts (what follows the
/// `-` on its line). `None` where that is not on the line.
pub(super) fn list_column(line: &str, indent: usize) -> Option<u32> {
    if indent > 0 {
        return Some(to_u32(indent + 1));
    }
    let after = line.strip_prefix('-')?;
    let content = after.trim_start_matches([' ', '\t']);
    if content.is_empty() || content.starts_with(['#', '\r', '\n']) {
        return None;
    }
    Some(to_u32(2 + after.len() - content.len()))
}

/// Parses the file with the `categories` list's lines left blank (`rest`); `None` unless it
/// holds `categories` once, as a root key on the line the [`Finder`] found it (`key_line`),
/// with no value.
pub(super) fn parse_rest(rest: &str, key_line: u32) -> Option<Node> {
    let mut builder = Builder::default();
    drive(rest, &mut builder, drop).ok()?;
    let root = builder.root?;
    let Value::Map(entries) = &root.value else {
        return None;
    };
    let mut keys = entries.iter().filter(|(k, _)| k.name == "categories");
    let (key, value) = keys.next()?;
    let placed = (key.line, key.column) == (key_line, 1);
    let empty = value.value == Value::Null && value.raw.is_none();
    (placed && empty && keys.next().is_none()).then_some(root)
}
