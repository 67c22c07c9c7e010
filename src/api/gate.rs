//! A check the client makes right before it sends each write, after pacing and before every
//! retry: an apply's lease uses it so that no write leaves once the lease can no longer be
//! trusted, however long the write waited for its slot or its retries.

use std::sync::Arc;

/// Decides whether a write may be sent now (`Err` says why not).
#[derive(Clone)]
pub struct WriteGate(Arc<dyn Fn() -> Result<(), String> + Send + Sync>);

impl WriteGate {
    /// A gate that asks `check` before each write.
    pub fn new(check: impl Fn() -> Result<(), String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(check))
    }

    /// Whether a write may be sent now.
    pub(super) fn check(&self) -> Result<(), String> {
        (self.0)()
    }
}

impl std::fmt::Debug for WriteGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteGate")
    }
}
