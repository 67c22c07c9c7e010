//! When and how long to wait before trying a call again: backoff with full jitter, and the
//! pause a 429 imposes (`Retry-After`, or the next rate window when the server names none).

use rand::Rng;
use std::time::{Duration, SystemTime};

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
}

/// Reads a `Retry-After` value: delay seconds or an HTTP date (a date in the past means now).
#[must_use]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
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

    #[test]
    fn without_retry_after_the_pause_ends_at_the_next_window() {
        let p = RetryPolicy::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 - 1_700_000_000 % 60);
        let at_15s = p.until_next_window(now + Duration::from_secs(15));
        assert!(at_15s >= Duration::from_secs(45), "{at_15s:?}");
        assert!(at_15s <= Duration::from_secs(51), "{at_15s:?}");
    }
}
