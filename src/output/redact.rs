//! Secrets never reach the screen: whatever prints a secret's value — an error body that
//! quotes the request's `Authorization` header, a workspace description, a log line — shows
//! `[redacted]` instead. The API token registers itself here when it is read
//! (`api::Token::new`); every stream the printer hands out, and the call log, pass through
//! [`redact`].
//!
//! A server echoes a token in more forms than the one it was sent in, so a hidden value is
//! found however it is spelt: in any letter case, with any character written as a JSON
//! `\uXXXX` escape (or `\/`) or URL-encoded as `%XX`, split across line breaks, and base64
//! encoded (standard or URL-safe alphabet, at any alignment inside a longer encoded text).

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::RwLock;

/// What a hidden value prints as.
pub(crate) const REDACTED: &str = "[redacted]";

/// Values shorter than this are not hidden: no real token is that short, and hiding `abc`
/// would mangle every word that contains it.
pub(crate) const MIN_SECRET_LEN: usize = 8;

/// One hidden value and the spellings it is searched for in.
#[derive(Debug)]
struct Secret {
    /// The value itself; matched in any case and with escapes.
    plain: String,
    /// Its base64 spellings (case matters there); matched literally, line breaks allowed.
    encoded: Vec<String>,
    /// The bytes any spelling can start with, so most places are passed over at a glance.
    starts: [bool; 256],
}

/// What trying a spelling at one place of a text found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    /// The whole value, ending here.
    Full(usize),
    /// The text ended while it still matched: more text could complete the value.
    Partial,
    /// No spelling of the value starts here.
    No,
}

impl Secret {
    fn new(plain: &str) -> Self {
        let mut encoded = Vec::new();
        for alphabet in [STANDARD, URL_SAFE] {
            for offset in 0..3 {
                let core = base64_core(plain.as_bytes(), offset, alphabet);
                if core.len() >= MIN_SECRET_LEN && !encoded.contains(&core) {
                    encoded.push(core);
                }
            }
        }
        let mut starts = [false; 256];
        if let Some(&c) = plain.as_bytes().first() {
            for b in [c.to_ascii_lowercase(), c.to_ascii_uppercase(), b'\\', b'%'] {
                starts[usize::from(b)] = true;
            }
        }
        for e in &encoded {
            if let Some(&c) = e.as_bytes().first() {
                starts[usize::from(c)] = true;
            }
        }
        Self {
            plain: plain.to_owned(),
            encoded,
            starts,
        }
    }

    /// The value's spellings tried at `start`: the first full match, else whether any could
    /// still be completed by more text.
    fn attempt(&self, text: &[u8], start: usize) -> Attempt {
        let mut partial = false;
        let tries = std::iter::once((self.plain.as_bytes(), true))
            .chain(self.encoded.iter().map(|e| (e.as_bytes(), false)));
        for (want, loose) in tries {
            match match_spelt(want, text, start, loose) {
                Attempt::Full(end) => return Attempt::Full(end),
                Attempt::Partial => partial = true,
                Attempt::No => {}
            }
        }
        if partial {
            Attempt::Partial
        } else {
            Attempt::No
        }
    }
}

/// Whether `want` is spelt at `text[start..]`: each character literally (in any case when
/// `loose`), or when `loose` as `\uXXXX`, `\/` or `%XX`; a line break (with the indentation
/// after it) may come between any two characters.
fn match_spelt(want: &[u8], text: &[u8], start: usize, loose: bool) -> Attempt {
    let mut at = start;
    for (k, &c) in want.iter().enumerate() {
        if k > 0 {
            at = skip_line_break(text, at);
        }
        let rest = &text[at.min(text.len())..];
        match match_char(c, rest, loose) {
            Some(n) => at += n,
            None if rest.is_empty() || could_complete(rest, k > 0, loose) => {
                return Attempt::Partial
            }
            None => return Attempt::No,
        }
    }
    Attempt::Full(at)
}

/// Whether `rest`, the end of a text, could begin a spelling a later write completes: an
/// escape cut short, or a line break cut before its `\n`.
fn could_complete(rest: &[u8], inside: bool, loose: bool) -> bool {
    match rest {
        [b'\r'] => inside,
        [b'\\', ..] | [b'%', ..] => loose && rest.len() < 6,
        _ => false,
    }
}

/// `at` moved past a line break and the blanks that indent the next line, if one is there:
/// a real one, or one escaped inside a JSON string (`\n`, `\r\n`).
fn skip_line_break(text: &[u8], at: usize) -> usize {
    let rest = &text[at.min(text.len())..];
    let len = [&b"\r\n"[..], b"\n", b"\\r\\n", b"\\n"]
        .iter()
        .find(|brk| rest.starts_with(brk))
        .map_or(0, |brk| brk.len());
    if len == 0 {
        return at;
    }
    let mut i = at + len;
    while matches!(text.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// How many bytes at the start of `rest` spell `c`, if they do.
fn match_char(c: u8, rest: &[u8], loose: bool) -> Option<usize> {
    let first = *rest.first()?;
    if first == c || (loose && first.eq_ignore_ascii_case(&c)) {
        return Some(1);
    }
    if !loose {
        return None;
    }
    match rest {
        [b'\\', b'/', ..] if c == b'/' => Some(2),
        [b'\\', b'u', a, b, d, e, ..] if hex_value(&[*a, *b, *d, *e]) == Some(u32::from(c)) => {
            Some(6)
        }
        [b'%', a, b, ..] if hex_value(&[*a, *b]) == Some(u32::from(c)) => Some(3),
        _ => None,
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, d| {
        let v = char::from(*d).to_digit(16)?;
        Some(acc * 16 + v)
    })
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters that depend on `bytes` alone when they sit `offset` bytes into an
/// encoded text: whatever comes before or after, these characters are in its encoding.
fn base64_core(bytes: &[u8], offset: usize, alphabet: &[u8; 64]) -> String {
    let mut padded = vec![0u8; offset];
    padded.extend_from_slice(bytes);
    let bits = padded.len() * 8;
    let first = (offset * 8).div_ceil(6);
    let last = bits / 6;
    (first..last)
        .map(|j| {
            let sextet = (0..6).fold(0usize, |acc, b| {
                let bit = 6 * j + b;
                let byte = padded[bit / 8];
                (acc << 1) | usize::from((byte >> (7 - bit % 8)) & 1)
            });
            char::from(alphabet[sextet])
        })
        .collect()
}

/// The process's secrets: a run has one token, so a list beats a smarter matcher.
static SECRETS: RwLock<Vec<Secret>> = RwLock::new(Vec::new());

/// Hides `secret` from everything printed from now on (a no-op below [`MIN_SECRET_LEN`]).
pub(crate) fn hide(secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut all = SECRETS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !all.iter().any(|s| s.plain == secret) {
        all.push(Secret::new(secret));
    }
}

/// Where hidden values sit in `text`, in order and not overlapping, and where the first
/// place is that more text could still turn into one (a value cut off at the end).
fn scan(text: &[u8]) -> (Vec<Range<usize>>, Option<usize>) {
    let all = SECRETS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut open = None;
    if all.is_empty() {
        return (found, open);
    }
    let mut start = 0;
    while start < text.len() {
        let first = usize::from(text[start]);
        if !all.iter().any(|s| s.starts[first]) {
            start += 1;
            continue;
        }
        let mut end = None;
        for s in all.iter() {
            match s.attempt(text, start) {
                Attempt::Full(e) => {
                    end = Some(end.map_or(e, |x: usize| x.max(e)));
                }
                Attempt::Partial if open.is_none() => open = Some(start),
                Attempt::Partial | Attempt::No => {}
            }
        }
        match end {
            Some(e) => {
                found.push(start..e);
                start = e;
            }
            None => start += 1,
        }
    }
    (found, open)
}

/// `text` with the `found` ranges replaced by [`REDACTED`].
fn replaced(text: &str, found: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in found {
        out.push_str(&text[at..r.start]);
        out.push_str(REDACTED);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with every hidden value replaced by [`REDACTED`] (`Bearer <token>` included), in
/// whichever spelling it appears.
#[must_use]
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    let (found, _) = scan(text.as_bytes());
    if found.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(replaced(text, &found))
    }
}

/// A writer that redacts what passes through it. It holds back the unfinished last line, and
/// from the first place a hidden value could still be completing (one split across writes or
/// line breaks), so such a value is still caught; `flush` (and drop) let it through.
#[derive(Debug)]
pub struct Redacting<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Redacting<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes out the pending text up to the last line end, short of any value that more
    /// text could complete (everything when `all`).
    fn emit(&mut self, all: bool) -> io::Result<()> {
        let text = match std::str::from_utf8(&self.pending) {
            Ok(t) => t,
            // A character cut between writes: its bytes wait for the rest.
            Err(e) if e.error_len().is_none() && !all => {
                std::str::from_utf8(&self.pending[..e.valid_up_to()]).unwrap_or_default()
            }
            // Not text: nothing a token could be found in as text either.
            Err(_) => {
                let upto = if all {
                    self.pending.len()
                } else {
                    self.line_end(self.pending.len())
                };
                let chunk: Vec<u8> = self.pending.drain(..upto).collect();
                return self.inner.write_all(&chunk);
            }
        };
        let (found, open) = scan(text.as_bytes());
        let mut cut = if all {
            text.len()
        } else {
            self.line_end(open.unwrap_or(text.len()))
        };
        if let Some(r) = found.iter().find(|r| r.start < cut && cut < r.end) {
            cut = r.start;
        }
        if cut == 0 {
            return Ok(());
        }
        let before: Vec<Range<usize>> = found.into_iter().filter(|r| r.end <= cut).collect();
        let shown = replaced(&text[..cut], &before);
        self.inner.write_all(shown.as_bytes())?;
        self.pending.drain(..cut);
        Ok(())
    }

    /// The end of the last whole line that ends at or before `limit`.
    fn line_end(&self, limit: usize) -> usize {
        self.pending[..limit]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if buf.contains(&b'\n') {
            self.emit(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.emit(true)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Redacting<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_values_are_redacted_even_split_across_writes() {
        hide("tok-4f9a0c-secret");
        hide("short");
        assert_eq!(
            redact("401: {\"Authorization\": \"Bearer tok-4f9a0c-secret\"} short"),
            "401: {\"Authorization\": \"Bearer [redacted]\"} short"
        );
        let mut out = Vec::new();
        {
            let mut w = Redacting::new(&mut out);
            w.write_all(b"a tok-4f9a").unwrap();
            w.write_all(b"0c-secret b\nc ").unwrap();
            w.write_all(b"tok-4f9a0c-secret").unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a [redacted] b\nc [redacted]"
        );
    }

    #[test]
    fn echoed_spellings_of_a_hidden_value_are_redacted() {
        let token = "Tok/9Zq+x7Kp-Secret";
        hide(token);
        let b64 = base64_core(format!("Bearer {token}").as_bytes(), 0, STANDARD);
        let escaped: String = token
            .chars()
            .map(|c| format!("\\u{:04X}", c as u32))
            .collect();
        for spelling in [
            token.to_lowercase(),
            token.to_uppercase(),
            token.replace('/', "\\/"),
            escaped,
            token.replace('/', "%2F").replace('+', "%2b"),
            format!("{}\n    {}", &token[..7], &token[7..]),
            format!("{}\r\n{}", &token[..3], &token[3..]),
            format!("{}\\n{}", &token[..5], &token[5..]),
            b64.clone(),
            format!("{}\n{}", &b64[..10], &b64[10..]),
            base64_core(format!("x:{token}").as_bytes(), 0, URL_SAFE),
        ] {
            let text = format!("body: {spelling} end");
            let shown = redact(&text);
            assert!(shown.contains(REDACTED), "{spelling:?} not hidden: {shown}");
            assert!(
                !shown.contains("Secret") && !shown.contains("SECRET"),
                "{shown}"
            );
            assert!(
                shown.starts_with("body: ") && shown.ends_with(" end"),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_value_split_across_lines_is_caught_by_the_writer() {
        hide("lines-9c1e-secret");
        let mut out = Vec::new();
        {
            let mut w = Redacting::new(&mut out);
            w.write_all(b"one lines-9c1e\n").unwrap();
            w.write_all(b"-secret two\n").unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "one [redacted] two\n");
    }

    #[test]
    fn whole_lines_go_out_at_once_unless_a_value_could_be_continuing() {
        hide("prompt-5d2e-secret");
        let mut w = Redacting::new(Vec::new());
        w.write_all(b"plain line\nunfinished").unwrap();
        assert_eq!(w.inner, b"plain line\n");
        w.write_all(b" prompt-5d2e\n").unwrap();
        assert_eq!(w.inner, b"plain line\n", "held: the value may go on");
        w.write_all(b"  -secret done\n").unwrap();
        assert_eq!(w.inner, b"plain line\nunfinished [redacted] done\n");
    }

    #[test]
    fn base64_cores_match_a_real_encoding() {
        // "Bearer " is 7 bytes: the token sits one byte into a 3-byte group.
        let core = base64_core(b"secret-token", 1, STANDARD);
        let whole = base64_core(b"Bearer secret-token", 0, STANDARD);
        assert!(whole.contains(&core), "{whole} / {core}");
    }
}
