//! The request log: every call the sandbox answered, readable from tests and dumpable as JSONL.
//! Headers are never recorded, so the token cannot leak through it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

/// A fault the sandbox injected into one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Over a rate limit: answered 429, nothing done.
    Throttled,
    /// `fail_rate`: answered 500/503 without committing the write.
    Failed,
    /// `drop_after_commit`: the write was committed, then answered 502.
    BadGatewayAfterCommit,
    /// `drop_after_commit`: the write was committed, then the connection was closed unanswered.
    DroppedAfterCommit,
    /// `method_faults`: the connection was cut unanswered, nothing done.
    Reset,
}

/// One answered call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When the call arrived (RFC 3339, UTC).
    pub time: String,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Status sent; `None` when the connection was dropped instead.
    pub status: Option<u16>,
    /// The injected fault, if any.
    pub fault: Option<Fault>,
    /// JSON body of a write (a body that is not JSON is kept as a string).
    pub body: Option<Value>,
}

impl LogEntry {
    /// Whether the call was a write (POST, PUT, PATCH, DELETE).
    #[must_use]
    pub fn is_write(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE")
    }
}

/// The in-memory log plus the optional JSONL file.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: Mutex<Vec<LogEntry>>,
    file: Option<Mutex<BufWriter<File>>>,
}

impl RequestLog {
    /// A log, appending to `path` when given.
    pub(crate) fn open(path: Option<&Path>) -> std::io::Result<Self> {
        let file = match path {
            Some(p) => Some(Mutex::new(BufWriter::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            ))),
            None => None,
        };
        Ok(Self {
            entries: Mutex::new(Vec::new()),
            file,
        })
    }

    /// Records one call (and writes it through to the file, flushed, so `tail -f` works).
    pub(crate) fn record(&self, entry: LogEntry) {
        if let Some(file) = &self.file {
            let mut f = file
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let written = serde_json::to_writer(&mut *f, &entry)
                .map_err(std::io::Error::from)
                .and_then(|()| f.write_all(b"\n"))
                .and_then(|()| f.flush());
            if let Err(err) = written {
                tracing::warn!("failed to write the sandbox request log: {err}");
            }
        }
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(entry);
    }

    /// A copy of everything recorded since the start or the last [`RequestLog::clear`].
    pub(crate) fn entries(&self) -> Vec<LogEntry> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Forgets the in-memory entries (the file keeps them).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}
