//! The one place numeric settings are parsed, whether typed as a flag, read from the
//! environment or from `secoda-sync.toml`: a number must be finite and inside its range, so
//! `--max-delete-percent nan` (which compared false with everything and so turned the cap
//! off), `--request-timeout inf`, `--lock-timeout 18446744073709551615s` (which overflowed) or
//! `concurrency = 100000` are refused with the value and the range.

use std::time::Duration;

/// Requests in flight at once: the range of `--concurrency`.
pub(crate) const CONCURRENCY: std::ops::RangeInclusive<u16> = 1..=256;

/// The longest `--lock-timeout`: a day.
pub(crate) const MAX_LOCK_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Parses a finite float in `lo..=hi`.
fn finite_in(s: &str, lo: f64, hi: f64, what: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if !v.is_finite() {
        return Err(format!("`{s}` is not a finite number"));
    }
    if v < lo || v > hi {
        return Err(format!("{what} must be {lo} to {hi}, got {v}"));
    }
    Ok(v)
}

/// A percentage: `0` to `100`.
///
/// # Errors
/// Not a finite number in range.
pub(crate) fn percent(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0, 100.0, "a percentage")
}

/// A probability: `0` to `1`.
///
/// # Errors
/// Not a finite number in range.
pub(crate) fn fraction(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0, 1.0, "a fraction")
}

/// A timeout in seconds: more than 0, at most a day.
///
/// # Errors
/// Not a finite number in range.
pub(crate) fn seconds(s: &str) -> Result<f64, String> {
    let v = finite_in(s, 0.0, 86_400.0, "a number of seconds")?;
    if v == 0.0 {
        return Err("a timeout must be more than 0 seconds".to_owned());
    }
    Ok(v)
}

/// Requests in flight: an integer in [`CONCURRENCY`].
///
/// # Errors
/// Not an integer in range.
pub(crate) fn concurrency(s: &str) -> Result<u16, String> {
    let (lo, hi) = (CONCURRENCY.start(), CONCURRENCY.end());
    let range = || format!("the concurrency must be {lo} to {hi}, got `{}`", s.trim());
    let v: u64 = s.trim().parse().map_err(|_| range())?;
    u16::try_from(v)
        .ok()
        .filter(|v| CONCURRENCY.contains(v))
        .ok_or_else(range)
}

/// A count of resources: a non-negative integer.
///
/// # Errors
/// Not a non-negative integer that fits.
pub(crate) fn count(s: &str) -> Result<usize, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "`{}` is not a count: use a whole number from 0 to {}",
            s.trim(),
            usize::MAX
        )
    })
}

/// A lock timeout: `0`, `90s`, `10m`, `1h`, at most [`MAX_LOCK_TIMEOUT`] (a day).
///
/// # Errors
/// Not a duration of that form, or longer than a day.
pub(crate) fn lock_timeout(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let form = || format!("`{t}` is not a duration: use 0, 90s, 10m or 1h (at most 24h)");
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let scale: u64 = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(form()),
    };
    let max = MAX_LOCK_TIMEOUT.as_secs();
    let too_long = || format!("the lock timeout must be 0 to 24h, got `{t}`");
    // Digits that overflow a u64 are past the range too.
    let n: u64 = match digits.parse() {
        Ok(n) => n,
        Err(_) if !digits.is_empty() => return Err(too_long()),
        Err(_) => return Err(form()),
    };
    match n.checked_mul(scale) {
        Some(secs) if secs <= max => Ok(Duration::from_secs(secs)),
        _ => Err(too_long()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_and_out_of_range_numbers_are_refused() {
        for bad in [
            "nan", "NaN", "inf", "-inf", "infinity", "-1", "100.5", "x", "",
        ] {
            assert!(percent(bad).is_err(), "{bad}");
        }
        assert_eq!(percent(" 12.5 "), Ok(12.5));
        assert_eq!(percent("0"), Ok(0.0));
        assert!(fraction("1.01").is_err());
        assert_eq!(fraction("0.25"), Ok(0.25));
        assert!(seconds("0").is_err());
        assert!(seconds("1e300").is_err());
        assert_eq!(seconds("0.5"), Ok(0.5));
    }

    #[test]
    fn lock_timeouts_are_range_checked_without_overflow() {
        assert_eq!(lock_timeout("0"), Ok(Duration::ZERO));
        assert_eq!(lock_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(lock_timeout("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(lock_timeout("24h"), Ok(MAX_LOCK_TIMEOUT));
        for bad in ["18446744073709551615s", "5124095576030432h", "25h", "1441m"] {
            let e = lock_timeout(bad).unwrap_err();
            assert!(e.contains("0 to 24h") && e.contains(bad), "{e}");
        }
        for bad in ["-5m", "soon", "5d", "", "1.5h"] {
            assert!(lock_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn concurrency_and_counts_are_range_checked() {
        assert_eq!(concurrency("8"), Ok(8));
        assert_eq!(concurrency("256"), Ok(256));
        for bad in ["0", "257", "100000", "-1", "x", "99999999999999999999"] {
            let e = concurrency(bad).unwrap_err();
            assert!(e.contains("1 to 256"), "{e}");
        }
        assert_eq!(count("0"), Ok(0));
        assert!(count("-1").is_err());
        assert!(count("nan").is_err());
    }
}
