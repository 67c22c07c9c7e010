//! Two-stage cancellation: the first request stops new calls, the second abandons in-flight ones.
//!
//! A token rather than a signal handler so that tests (and library callers) can interrupt an
//! apply deterministically; the `apply` command wires Ctrl-C to it.

use std::sync::Arc;
use tokio::sync::watch;

/// How far a cancellation has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Keep going.
    Running,
    /// Start nothing new; let calls in flight finish.
    Stopping,
    /// Abandon calls in flight too.
    Aborting,
}

/// A cloneable cancellation token shared by the executor and whoever interrupts it.
#[derive(Debug, Clone)]
pub struct Cancel {
    tx: Arc<watch::Sender<Stage>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

impl Cancel {
    /// A token in the `Running` stage.
    #[must_use]
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::Sender::new(Stage::Running)),
        }
    }

    /// Moves one stage further (as one Ctrl-C does) and returns the new stage.
    pub fn request(&self) -> Stage {
        let mut now = Stage::Running;
        self.tx.send_modify(|s| {
            *s = match *s {
                Stage::Running => Stage::Stopping,
                Stage::Stopping | Stage::Aborting => Stage::Aborting,
            };
            now = *s;
        });
        now
    }

    /// The current stage.
    #[must_use]
    pub fn stage(&self) -> Stage {
        *self.tx.borrow()
    }

    /// Waits until the stage reaches at least `stage`.
    pub async fn reached(&self, stage: Stage) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so `wait_for` cannot fail while we hold it.
        let _ = rx.wait_for(|s| *s >= stage).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn two_requests_go_from_stopping_to_aborting() {
        let c = Cancel::new();
        assert_eq!(c.stage(), Stage::Running);
        let waiter = tokio::spawn({
            let c = c.clone();
            async move { c.reached(Stage::Aborting).await }
        });
        assert_eq!(c.request(), Stage::Stopping);
        assert!(!waiter.is_finished());
        assert_eq!(c.request(), Stage::Aborting);
        waiter.await.unwrap();
        assert_eq!(c.request(), Stage::Aborting);
    }
}
