//! Keeping the lease while the apply writes: the renewal in the background (retried and
//! warned about when it fails) and the check before every write. An apply writes only while
//! its lease is its own and confirmed until past now plus a safety margin; once it is not
//! (its renewals failed until its expiry, its event was removed or changed, or another run's
//! lease is older) the run stops starting writes, lets the calls in flight finish, and says
//! why.

use super::cancel::{Cancel, Stage};
use super::lease::{expiry_stamp, live_leases, Holder, Seen};
use crate::api::{Client, Id, ResourceWrite, WriteGate};
use crate::output::Printer;
use chrono::Utc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Why an apply no longer holds its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    /// No renewal succeeded before the expiry (less the safety margin) passed.
    Expired {
        /// Renewals that failed in a row.
        failures: usize,
        /// The last failure.
        last_error: String,
    },
    /// The lease event is gone (`secoda-sync unlock`, or its category deleted in Secoda).
    Removed,
    /// The lease event no longer names this run.
    Changed,
    /// Another run's live lease is older than this one's.
    Superseded {
        /// That run's id.
        run: String,
    },
}

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Expired {
                failures,
                last_error,
            } if *failures > 0 => write!(
                f,
                "it could not be renewed before its expiry ({} failed, the last with: \
                 {last_error})",
                crate::output::count(*failures, "renewal", "renewals")
            ),
            Self::Expired { .. } => f.write_str(
                "it could not be renewed before its expiry (no renewal answered in time)",
            ),
            Self::Removed => f.write_str(
                "its event was removed (by `secoda-sync unlock`, or the `secoda-sync` category \
                 was deleted in Secoda)",
            ),
            Self::Changed => f.write_str("its event was changed: it no longer names this run"),
            Self::Superseded { run } => write!(f, "the lease of run {run} is older"),
        }
    }
}

/// What the run knows about its lease, shared by the renewal and the pre-write checks.
#[derive(Debug)]
pub struct Watch {
    id: Id,
    home: Id,
    integration: Id,
    run: String,
    ttl: Duration,
    /// Writes stop this long before the last confirmed expiry.
    margin: Duration,
    /// The expiry the last successful write of the lease set, on this machine's clock.
    confirmed: Mutex<Instant>,
    lost: Mutex<Option<Lost>>,
    /// Renewals failed in a row, and the last failure.
    failures: Mutex<(usize, String)>,
    /// Requested (to `Stopping`) when the lease is lost.
    stop: Cancel,
}

/// The part of the lease's timings a safety margin takes: writes stop a fifth of the time to
/// live before the expiry, so a contender whose clock runs ahead still sees it live.
const MARGIN_DIVISOR: u32 = 5;

impl Watch {
    /// A watch on lease event `id` in category `home`, written for run `run` at `written`
    /// (the time its expiry was computed from).
    pub(super) fn new(
        (id, home, integration): (Id, Id, Id),
        run: String,
        ttl: Duration,
        written: Instant,
    ) -> Self {
        Self {
            id,
            home,
            integration,
            run,
            ttl,
            margin: ttl / MARGIN_DIVISOR,
            confirmed: Mutex::new(written + ttl),
            lost: Mutex::new(None),
            failures: Mutex::new((0, String::new())),
            stop: Cancel::new(),
        }
    }

    /// The token the run stops on when the lease is lost.
    #[must_use]
    pub fn stop_token(&self) -> &Cancel {
        &self.stop
    }

    /// Why the lease was lost, if it was.
    #[must_use]
    pub fn lost(&self) -> Option<Lost> {
        self.lost
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records the loss (the first reason wins) and stops the run.
    fn lose(&self, why: Lost) -> Lost {
        let mut lost = self.lost.lock().unwrap_or_else(PoisonError::into_inner);
        let why = lost.get_or_insert(why).clone();
        drop(lost);
        self.stop.at_least(Stage::Stopping);
        why
    }

    /// The last moment a write may start.
    fn deadline(&self) -> Instant {
        let confirmed = *self
            .confirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        confirmed.checked_sub(self.margin).unwrap_or(confirmed)
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, (usize, String)> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn confirm(&self, written: Instant) {
        *self
            .confirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = written + self.ttl;
    }

    /// The time-only check the client makes right before each write leaves (after its
    /// pacing, before every retry): the lease is not lost and is confirmed past now plus the
    /// margin.
    #[must_use]
    pub fn gate(self: &Arc<Self>) -> WriteGate {
        let watch = self.clone();
        WriteGate::new(move || {
            watch
                .in_time()
                .map_err(|lost| format!("the lease was lost: {lost}"))
        })
    }

    fn in_time(&self) -> Result<(), Lost> {
        if let Some(why) = self.lost() {
            return Err(why);
        }
        if Instant::now() >= self.deadline() {
            let (failures, last_error) = self.failures().clone();
            return Err(self.lose(Lost::Expired {
                failures,
                last_error,
            }));
        }
        Ok(())
    }

    /// The check before each write: the lease is confirmed past now plus the margin, its event
    /// still names this run, and no older live lease exists. A failed look leaves the
    /// decision to the expiry, which alone is enough to keep a contender out.
    ///
    /// # Errors
    /// Why the lease is lost (the run is then stopping).
    pub async fn check(&self, client: &Client) -> Result<(), Lost> {
        self.in_time()?;
        match live_leases(client, &self.integration, &self.home, self.ttl).await {
            Ok(live) => match self.judge(&live) {
                Some(why) => Err(self.lose(why)),
                None => Ok(()),
            },
            Err(e) => {
                tracing::warn!("could not look at the lease before a write: {e}");
                Ok(())
            }
        }
    }

    /// What the live leases say about this run's (`None` = still ours and first).
    fn judge(&self, live: &[Seen]) -> Option<Lost> {
        let Some(pos) = live.iter().position(|s| s.id == self.id) else {
            return Some(Lost::Removed);
        };
        if live[pos].holder.as_ref().is_none_or(|h| h.run != self.run) {
            return Some(Lost::Changed);
        }
        live.first()
            .filter(|first| first.id != self.id)
            .map(|first| Lost::Superseded {
                run: first
                    .holder
                    .as_ref()
                    .map_or_else(|| format!("(event {})", first.id), |h| h.run.clone()),
            })
    }
}

/// The run's lease while it is taken alongside the executor's first reads: each write waits
/// until it is held, and none leaves the client before (its gate refuses them). Holds the
/// lease's watch once taken; the sender dropped without one means it was not taken (the run
/// then writes nothing).
#[derive(Debug, Clone)]
pub(crate) struct Proving(tokio::sync::watch::Receiver<Option<Arc<Watch>>>);

impl Proving {
    /// A lease being taken, and where its watch is sent once it is held.
    pub(crate) fn new() -> (tokio::sync::watch::Sender<Option<Arc<Watch>>>, Self) {
        let (tx, rx) = tokio::sync::watch::channel(None);
        (tx, Self(rx))
    }

    /// The lease's watch once it is held; `None` when it was not taken.
    pub(crate) async fn held(&self) -> Option<Arc<Watch>> {
        let mut rx = self.0.clone();
        let seen = rx.wait_for(Option::is_some).await.ok()?;
        seen.clone()
    }

    /// The lease's watch, if it is held yet.
    pub(crate) fn now(&self) -> Option<Arc<Watch>> {
        self.0.borrow().clone()
    }

    /// The time-only check before each write leaves the client ([`Watch::gate`]), refusing
    /// every write while the lease is not yet held.
    pub(crate) fn gate(&self) -> WriteGate {
        let proving = self.clone();
        WriteGate::new(move || match proving.now() {
            Some(w) => w
                .in_time()
                .map_err(|lost| format!("the lease was lost: {lost}")),
            None => Err("the lease is not held yet".to_owned()),
        })
    }
}

/// The renewal task.
pub(super) struct Renewal {
    /// Makes each call once: the renewal retries on its own schedule, within the expiry.
    pub(super) client: Client,
    pub(super) watch: Arc<Watch>,
    pub(super) me: Holder,
    pub(super) every: Duration,
    pub(super) printer: Printer,
}

impl Renewal {
    /// Looks at the lease and pushes its expiry out every `every`; a failed renewal is warned
    /// about and retried every quarter of that until the expiry (less the margin) passes.
    pub(super) async fn run(mut self) {
        let retry = (self.every / 4).max(Duration::from_millis(50));
        let mut failures = 0;
        let mut wait = self.every;
        loop {
            tokio::time::sleep(wait).await;
            if self.watch.lost().is_some() {
                return;
            }
            match self.renew().await {
                Ok(()) => {
                    *self.watch.failures() = (0, String::new());
                    if failures > 0 {
                        self.printer.status("Renewed the lease again.");
                    }
                    failures = 0;
                    wait = self.every;
                }
                Err(Renew::Lost(why)) => {
                    self.watch.lose(why);
                    return;
                }
                Err(Renew::Failed(e)) => {
                    failures += 1;
                    *self.watch.failures() = (failures, e.clone());
                    let left = self
                        .watch
                        .deadline()
                        .saturating_duration_since(Instant::now());
                    if left <= retry {
                        self.watch.lose(Lost::Expired {
                            failures,
                            last_error: e,
                        });
                        return;
                    }
                    self.printer.warn(format!(
                        "could not renew the lease ({e}): trying again; this apply stops \
                         writing in {:.0}s unless a renewal succeeds",
                        left.as_secs_f64().ceil()
                    ));
                    wait = retry;
                }
            }
        }
    }

    /// One renewal: the lease must still be this run's and first, then its expiry moves on.
    async fn renew(&mut self) -> Result<(), Renew> {
        let w = &self.watch;
        let live = live_leases(&self.client, &w.integration, &w.home, w.ttl)
            .await
            .map_err(|e| Renew::Failed(e.to_string()))?;
        if let Some(why) = w.judge(&live) {
            return Err(Renew::Lost(why));
        }
        let written = Instant::now();
        self.me.expires = expiry_stamp(Utc::now() + w.ttl);
        let body = ResourceWrite {
            description: Some(self.me.description()),
            ..ResourceWrite::default()
        };
        match self.client.patch_event(&w.id, &body).await {
            Ok(_) => {
                w.confirm(written);
                Ok(())
            }
            Err(e) if e.is_not_found() => Err(Renew::Lost(Lost::Removed)),
            Err(e) => Err(Renew::Failed(e.to_string())),
        }
    }
}

enum Renew {
    Lost(Lost),
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(id: &str, run: Option<&str>) -> Seen {
        Seen {
            id: Id::from(id),
            created_at: String::new(),
            updated_at: String::new(),
            holder: run.map(|r| Holder {
                run: r.into(),
                host: "h".into(),
                started: "s".into(),
                expires: "e".into(),
            }),
        }
    }

    #[test]
    fn a_lease_gone_changed_or_behind_an_older_one_is_lost() {
        let ids = (Id::from("mine"), Id::from("home"), Id::from("int"));
        let w = Watch::new(ids, "me".into(), Duration::from_secs(300), Instant::now());
        assert_eq!(w.judge(&[seen("mine", Some("me"))]), None);
        assert_eq!(w.judge(&[seen("other", Some("x"))]), Some(Lost::Removed));
        assert_eq!(w.judge(&[seen("mine", Some("x"))]), Some(Lost::Changed));
        assert_eq!(w.judge(&[seen("mine", None)]), Some(Lost::Changed));
        assert_eq!(
            w.judge(&[seen("old", Some("x")), seen("mine", Some("me"))]),
            Some(Lost::Superseded { run: "x".into() })
        );
    }

    #[test]
    fn writes_stop_a_margin_before_the_confirmed_expiry() {
        let ids = (Id::from("mine"), Id::from("home"), Id::from("int"));
        let t0 = Instant::now();
        let w = Watch::new(ids, "me".into(), Duration::from_secs(300), t0);
        assert_eq!(w.deadline(), t0 + Duration::from_secs(240));
        w.confirm(t0 + Duration::from_secs(100));
        assert_eq!(w.deadline(), t0 + Duration::from_secs(340));
        assert_eq!(w.lose(Lost::Removed), Lost::Removed);
        assert_eq!(
            w.lose(Lost::Changed),
            Lost::Removed,
            "the first reason stays"
        );
        assert_eq!(w.stop_token().stage(), Stage::Stopping);
    }
}
