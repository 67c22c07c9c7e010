//! A pacing limiter shared by every task of a run, which a 429 can pause as a whole so that
//! concurrent workers back off together instead of stampeding.

use super::read_pace::{Adaptive, ReadPace};
use super::Rate;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// Paces calls evenly (burst 1, so `Rate::time_for` is an honest estimate) at a fixed rate or
/// one found while calling, and holds every caller while paused.
#[derive(Debug)]
pub(crate) struct Limiter {
    pace: Pace,
    paused_until: Mutex<Option<Instant>>,
}

#[derive(Debug)]
enum Pace {
    None,
    Fixed(DefaultDirectRateLimiter),
    Adaptive(Mutex<Adaptive>),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Limiter {
    /// A limiter at `rate`; `None` paces nothing (pauses still apply).
    pub(crate) fn new(rate: Option<Rate>) -> Self {
        let pace = rate
            .and_then(|r| Quota::with_period(r.interval()))
            .map_or(Pace::None, |q| Pace::Fixed(RateLimiter::direct(q)));
        Self {
            pace,
            paused_until: Mutex::new(None),
        }
    }

    /// A limiter for reads at `pace`.
    pub(crate) fn reads(pace: ReadPace) -> Self {
        match pace {
            ReadPace::Unpaced => Self::new(None),
            ReadPace::Fixed(r) => Self::new(Some(r)),
            ReadPace::Auto { max } => Self {
                pace: Pace::Adaptive(Mutex::new(Adaptive::new(max))),
                paused_until: Mutex::new(None),
            },
        }
    }

    /// An answer that was not a 429, after `latency`: an adaptive pace learns from it.
    pub(crate) fn answered(&self, latency: Duration) {
        if let Pace::Adaptive(a) = &self.pace {
            lock(a).answered(latency, Instant::now());
        }
    }

    /// A 429 to a call sent at `sent`: the caller pauses everyone ([`Self::pause`]); an
    /// adaptive pace also slows down.
    pub(crate) fn rate_limited(&self, sent: std::time::Instant) {
        if let Pace::Adaptive(a) = &self.pace {
            lock(a).rate_limited(Instant::from_std(sent), Instant::now());
        }
    }

    /// Calls a second an adaptive pace keeps now (`None` for a fixed or no pace).
    pub(crate) fn adaptive_rate(&self) -> Option<f64> {
        match &self.pace {
            Pace::Adaptive(a) => Some(lock(a).rate()),
            Pace::None | Pace::Fixed(_) => None,
        }
    }

    /// Holds every caller for `d` from now (a later pause already set wins).
    pub(crate) fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut slot = lock(&self.paused_until);
        if slot.is_none_or(|t| t < until) {
            *slot = Some(until);
        }
    }

    fn paused(&self) -> Option<Instant> {
        let slot = lock(&self.paused_until);
        slot.filter(|t| *t > Instant::now())
    }

    /// Waits for the end of any pause, then for this call's slot.
    pub(crate) async fn ready(&self) {
        while let Some(until) = self.paused() {
            tokio::time::sleep_until(until).await;
        }
        match &self.pace {
            Pace::None => {}
            Pace::Fixed(pace) => pace.until_ready().await,
            Pace::Adaptive(a) => loop {
                // Another read may take the slot first; then this one waits for the next.
                let started = lock(a).start(Instant::now());
                match started {
                    Ok(()) => break,
                    Err(due) => tokio::time::sleep_until(due).await,
                }
            },
        }
        // A 429 seen by another task while this one waited for its slot still applies.
        while let Some(until) = self.paused() {
            tokio::time::sleep_until(until).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shorter_pause_does_not_shorten_a_longer_one() {
        let l = Limiter::new(None);
        assert!(l.paused().is_none());
        l.pause(Duration::from_secs(50));
        let long = l.paused().unwrap();
        l.pause(Duration::from_secs(1));
        assert_eq!(l.paused(), Some(long));
        l.pause(Duration::from_secs(100));
        assert!(l.paused().unwrap() > long);
    }

    #[tokio::test]
    async fn no_rate_means_no_wait() {
        let l = Limiter::new(None);
        for _ in 0..1000 {
            l.ready().await;
        }
    }
}
