//! Secrets never reach the screen: whatever prints a secret's value — an error body that
//! quotes the request's `Authorization` header, a workspace description, a log line — shows
//! `[redacted]` instead. The API token registers itself here when it is read
//! (`api::Token::new`); every stream the printer hands out, and the call log, pass through
//! [`redact`].

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::RwLock;

/// What a hidden value prints as.
pub const REDACTED: &str = "[redacted]";

/// Values shorter than this are not hidden: no real token is that short, and hiding `abc`
/// would mangle every word that contains it.
pub const MIN_SECRET_LEN: usize = 8;

/// The process's secrets: a run has one token, so a list beats a smarter matcher.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Hides `secret` from everything printed from now on (a no-op below [`MIN_SECRET_LEN`]).
pub fn hide(secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut all = SECRETS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !all.iter().any(|s| s == secret) {
        all.push(secret.to_owned());
    }
}

/// `text` with every hidden value replaced by [`REDACTED`] (`Bearer <token>` included).
#[must_use]
pub fn redact(text: &str) -> Cow<'_, str> {
    let all = SECRETS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for s in all.iter() {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), REDACTED));
        }
    }
    out
}

/// A writer that redacts what passes through it. It holds back the last unfinished line, so a
/// secret split across two writes is still caught; `flush` (and drop) let it through.
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

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        match std::str::from_utf8(&chunk) {
            Ok(text) => self.inner.write_all(redact(text).as_bytes()),
            // Not text: nothing a token could be found in as text either.
            Err(_) => self.inner.write_all(&chunk),
        }
    }
}

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.emit(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.emit(self.pending.len())?;
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
}
