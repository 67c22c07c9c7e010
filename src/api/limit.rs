//! A pacing limiter shared by every task of a run, which a 429 can pause as a whole so that
//! concurrent workers back off together instead of stampeding.

use super::Rate;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Paces calls evenly at a rate (burst 1, so `Rate::time_for` is an honest estimate) and
/// holds every caller while paused.
#[derive(Debug)]
pub(crate) struct Limiter {
    pace: Option<DefaultDirectRateLimiter>,
    paused_until: Mutex<Option<Instant>>,
}

impl Limiter {
    /// A limiter at `rate`; `None` paces nothing (pauses still apply).
    pub(crate) fn new(rate: Option<Rate>) -> Self {
        let pace = rate
            .and_then(|r| Quota::with_period(r.interval()))
            .map(RateLimiter::direct);
        Self {
            pace,
            paused_until: Mutex::new(None),
        }
    }

    /// Holds every caller for `d` from now (a later pause already set wins).
    pub(crate) fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut slot = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none_or(|t| t < until) {
            *slot = Some(until);
        }
    }

    fn paused(&self) -> Option<Instant> {
        let slot = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.filter(|t| *t > Instant::now())
    }

    /// Waits for the end of any pause, then for this call's slot.
    pub(crate) async fn ready(&self) {
        while let Some(until) = self.paused() {
            tokio::time::sleep_until(until).await;
        }
        if let Some(pace) = &self.pace {
            pace.until_ready().await;
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
