//! Call counters shared by every clone of a client, read by benchmarks, tests and the apply
//! summary.

use std::sync::atomic::{AtomicU64, Ordering};

/// Call counters, for benchmarks, tests and the apply summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP requests sent (retries included).
    pub calls: u64,
    /// Of those, writes (POST/PUT/PATCH/DELETE).
    pub writes: u64,
    /// Attempts repeated after a retryable failure.
    pub retries: u64,
    /// 429 answers seen.
    pub rate_limited: u64,
    /// Creates whose answer was lost and whose resource was found and adopted instead.
    pub adopted: u64,
}

/// The live counters behind [`ClientStats`] (atomics, so that concurrent calls need no lock).
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) calls: AtomicU64,
    pub(super) writes: AtomicU64,
    pub(super) retries: AtomicU64,
    pub(super) rate_limited: AtomicU64,
    pub(super) adopted: AtomicU64,
}

impl Counters {
    /// A snapshot of the counters.
    pub(super) fn snapshot(&self) -> ClientStats {
        ClientStats {
            calls: self.calls.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            adopted: self.adopted.load(Ordering::Relaxed),
        }
    }
}

/// Adds one to a counter.
pub(super) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}
