//! Whether, when and how long to wait before trying a call again: which failures a call may
//! be repeated after, backoff with full jitter, and the pause a 429 imposes (`Retry-After`,
//! or the next rate window when the server names none).

use super::error::{self, ApiError};
use rand::Rng;
use std::time::{Duration, SystemTime};

/// Whether a call may be sent again after a failure that leaves its effect unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Replay {
    /// GET: repeating it is harmless; a 502-504 or a lost answer is tried again.
    Free,
    /// PATCH, DELETE: idempotent writes, tried again after a lost answer or any server error
    /// (a 500 too: a write that failed must not be left undone when repeating it is safe).
    Idempotent,
    /// POST: only when the server surely did not act (429, connection never made).
    Unsent,
}

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (at least 1).
    pub max_tries: u32,
    /// Backoff before the first retry (doubled per retry, before jitter).
    pub base: Duration,
    /// Longest backoff.
    pub cap: Duration,
    /// The server's rate window: a 429 without `Retry-After` pauses until the next one
    /// (Secoda counts writes per minute).
    pub rate_window: Duration,
    /// Longest pause a 429's `Retry-After` may impose: a longer (or absurd) one is cut short,
    /// so a bad header stalls no run for hours.
    pub max_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_tries: 8,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(60),
            rate_window: Duration::from_secs(60),
            max_pause: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Backoff before retry number `retry` (1 = first retry): uniform in
    /// `[0, min(cap, base * 2^(retry-1))]` ("full jitter"), so that workers that failed
    /// together do not come back together.
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.ceiling(retry);
        if ceiling.is_zero() {
            return ceiling;
        }
        rand::thread_rng().gen_range(Duration::ZERO..=ceiling)
    }

    /// The upper bound of [`Self::backoff`].
    #[must_use]
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// How long a 429 without a usable `Retry-After` pauses: until the next window boundary
    /// (wall clock), plus up to a tenth of a window of jitter.
    #[must_use]
    pub fn until_next_window(&self, now: SystemTime) -> Duration {
        let window = self.rate_window.as_millis().max(1);
        let since_epoch = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let left = window - since_epoch % window;
        let jitter = rand::thread_rng().gen_range(0..=window / 10);
        Duration::from_millis(u64::try_from(left + jitter).unwrap_or(u64::MAX))
    }

    /// The retry decision: how long to wait before try `attempt + 1` after `err`, or `None`
    /// to give up (tries used up, or a failure that repeating would not cure or could make
    /// worse).
    pub(super) fn wait_after(
        &self,
        err: &ApiError,
        replay: Replay,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.max_tries {
            return None;
        }
        match err {
            // The pause the 429 set on the limiter does the waiting.
            ApiError::Status { status: 429, .. } => Some(Duration::ZERO),
            ApiError::Status { status: 500, .. } if replay == Replay::Idempotent => {
                Some(self.backoff(attempt))
            }
            ApiError::Status {
                status: 502..=504, ..
            }
            | ApiError::Timeout { .. }
                if replay != Replay::Unsent =>
            {
                Some(self.backoff(attempt))
            }
            ApiError::Transport { what, .. }
                if replay != Replay::Unsent || *what == error::FAILED =>
            {
                Some(self.backoff(attempt))
            }
            _ => None,
        }
    }

    /// How long a 429 pauses its limiter: the server's `Retry-After` (at most `max_pause`),
    /// else until the next rate window.
    pub(super) fn rate_limit_pause(&self, retry_after: Option<&str>, now: SystemTime) -> Duration {
        // A day-long (or overflowing) `Retry-After` must not stall the run or panic the clock.
        retry_after
            .and_then(|v| parse_retry_after(v, now))
            .map(|d| d.min(self.max_pause))
            .unwrap_or_else(|| self.until_next_window(now))
    }
}

/// Reads a `Retry-After` value: delay seconds or an HTTP date (a date in the past means now).
#[must_use]
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_millis(250));
        assert_eq!(p.ceiling(2), Duration::from_millis(500));
        assert_eq!(p.ceiling(4), Duration::from_secs(2));
        assert_eq!(p.ceiling(20), Duration::from_secs(60));
        assert_eq!(p.ceiling(500), Duration::from_secs(60));
        for retry in 1..10 {
            assert!(p.backoff(retry) <= p.ceiling(retry));
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    fn status(status: u16) -> ApiError {
        ApiError::Status {
            method: "POST".into(),
            path: "/p".into(),
            status,
            body: String::new(),
        }
    }

    #[test]
    fn posts_are_repeated_only_when_the_server_surely_did_not_act() {
        let p = RetryPolicy::default();
        let timeout = ApiError::Timeout {
            method: "POST".into(),
            path: "/p".into(),
            after: Duration::from_secs(1),
            tries: 1,
            total: Duration::from_secs(1),
        };
        for replay in [Replay::Free, Replay::Idempotent, Replay::Unsent] {
            assert_eq!(p.wait_after(&status(429), replay, 1), Some(Duration::ZERO));
            assert_eq!(p.wait_after(&status(400), replay, 1), None);
        }
        // A 500 is tried again only for PATCH and DELETE (reads fail as before).
        assert!(p.wait_after(&status(500), Replay::Idempotent, 1).is_some());
        assert_eq!(p.wait_after(&status(500), Replay::Free, 1), None);
        assert_eq!(p.wait_after(&status(500), Replay::Unsent, 1), None);
        assert!(p.wait_after(&status(504), Replay::Idempotent, 1).is_some());
        assert!(p.wait_after(&timeout, Replay::Idempotent, 1).is_some());
        assert!(p.wait_after(&status(503), Replay::Free, 1).is_some());
        assert!(p.wait_after(&timeout, Replay::Free, 1).is_some());
        assert_eq!(p.wait_after(&status(503), Replay::Unsent, 1), None);
        assert_eq!(p.wait_after(&timeout, Replay::Unsent, 1), None);
        assert_eq!(
            p.wait_after(&status(429), Replay::Free, p.max_tries),
            None,
            "the last try is the last"
        );
    }

    #[test]
    fn a_rate_limit_pause_is_bounded_and_falls_back_to_the_window() {
        let p = RetryPolicy::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(p.rate_limit_pause(Some("7"), now), Duration::from_secs(7));
        assert_eq!(p.rate_limit_pause(Some("86400"), now), p.max_pause);
        for absurd in [None, Some("1e300"), Some("soon")] {
            assert!(p.rate_limit_pause(absurd, now) <= p.rate_window + p.rate_window / 10);
        }
    }

    #[test]
    fn without_retry_after_the_pause_ends_at_the_next_window() {
        let p = RetryPolicy::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 - 1_700_000_000 % 60);
        let at_15s = p.until_next_window(now + Duration::from_secs(15));
        assert!(at_15s >= Duration::from_secs(45), "{at_15s:?}");
        assert!(at_15s <= Duration::from_secs(51), "{at_15s:?}");
    }
}
