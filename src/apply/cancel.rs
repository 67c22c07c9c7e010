//! Two-stage cancellation: the first request stops new calls, the second abandons in-flight ones.
//!
//! A token rather than a signal handler so that tests (and library callers) can interrupt an
//! apply deterministically; the `apply` command wires Ctrl-C to it.

use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Whether a SIGTERM asked (the run then exits 143, not 130).
    terminated: Arc<AtomicBool>,
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
            terminated: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Moves one stage further because of a SIGTERM (a CI runner cancelling the job): handled
    /// as a Ctrl-C, remembered so the exit code can say which it was.
    pub fn terminate(&self) -> Stage {
        self.terminated.store(true, Ordering::SeqCst);
        self.request()
    }

    /// Whether a SIGTERM asked to stop.
    #[must_use]
    pub fn terminated(&self) -> bool {
        self.terminated.load(Ordering::SeqCst)
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

    /// Moves to `stage` unless already there or further (a stop that is not a Ctrl-C, such
    /// as a lost lease, or one token following another).
    pub fn at_least(&self, stage: Stage) {
        self.tx.send_if_modified(|s| {
            let raise = *s < stage;
            if raise {
                *s = stage;
            }
            raise
        });
    }

    /// Makes `follower` reach every stage this token reaches, until the returned task is
    /// aborted (or this token reaches `Aborting`).
    #[must_use]
    pub fn forward_to(&self, follower: &Cancel) -> tokio::task::JoinHandle<()> {
        let mut rx = self.tx.subscribe();
        let follower = follower.clone();
        tokio::spawn(async move {
            loop {
                let stage = *rx.borrow_and_update();
                follower.at_least(stage);
                if stage == Stage::Aborting || rx.changed().await.is_err() {
                    return;
                }
            }
        })
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

/// Wires Ctrl-C and, on Unix, SIGTERM to `cancel` until the returned task is aborted: each
/// signal moves it one stage further (the first lets calls in flight finish, so the run can
/// report and save; the second abandons them), and `on_abort` runs when it reaches
/// `Aborting`. Both handlers are in place when this returns.
///
/// # Errors
/// When the SIGTERM handler cannot be installed.
pub(crate) fn on_signals(
    cancel: &Cancel,
    on_abort: impl FnOnce() + Send + 'static,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let cancel = cancel.clone();
    Ok(tokio::spawn(async move {
        loop {
            #[cfg(unix)]
            let stage = tokio::select! {
                r = tokio::signal::ctrl_c() => match r {
                    Ok(()) => cancel.request(),
                    Err(_) => break,
                },
                s = term.recv() => match s {
                    Some(()) => cancel.terminate(),
                    None => break,
                },
            };
            #[cfg(not(unix))]
            let stage = match tokio::signal::ctrl_c().await {
                Ok(()) => cancel.request(),
                Err(_) => break,
            };
            if stage == Stage::Aborting {
                on_abort();
                break;
            }
        }
    }))
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
