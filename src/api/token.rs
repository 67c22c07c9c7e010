//! The API token as a secret: it reaches the wire only as a sensitive header and prints as
//! `[redacted]` everywhere else, so no log line, error or `Debug` dump can leak it.

use super::error::ApiError;
use reqwest::header::HeaderValue;
use std::fmt;

/// The API token. A secret: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token (surrounding whitespace, e.g. a file's final newline, is trimmed).
    #[must_use]
    pub fn new(token: impl AsRef<str>) -> Self {
        let token = token.as_ref().trim().to_owned();
        // Hidden from everything printed from now on, whatever prints it (an error
        // body quoting the `Authorization` header showed it).
        crate::output::redact::hide(&token);
        Self(token)
    }

    /// Whether the token is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `Authorization` header, marked sensitive so that reqwest never shows it.
    pub(super) fn header(&self) -> Result<HeaderValue, ApiError> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.0))
            .map_err(|_| ApiError::InvalidToken)?;
        v.set_sensitive(true);
        Ok(v)
    }
}

/// Longest token file read: a token is well under a few KB, so anything longer is the wrong
/// file (or a device such as `/dev/zero`), not a token.
pub(crate) const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// Reads a token file: at most [`MAX_TOKEN_FILE_BYTES`], UTF-8, a leading byte-order mark
/// (left by some Windows editors) dropped.
///
/// # Errors
/// The file cannot be read, is longer than the bound, or is not UTF-8.
pub(crate) fn read_bounded(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read};
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_TOKEN_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "longer than {} KiB: not a token file",
                MAX_TOKEN_FILE_BYTES / 1024
            ),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorKind::InvalidData, "not UTF-8 text"))?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Client, ClientConfig};
    use url::Url;

    #[test]
    fn token_never_shows_in_debug_or_display() {
        let t = Token::new(" s3cret\n");
        assert_eq!(format!("{t} {t:?}"), "[redacted] [redacted]");
        let c = ClientConfig::new(
            Url::parse("https://api.secoda.co").unwrap(),
            Token::new("s3cret"),
        );
        assert!(!format!("{c:?}").contains("s3cret"));
        let client = Client::new(c).unwrap();
        assert!(!format!("{client:?}").contains("s3cret"));
    }
}
