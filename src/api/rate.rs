//! Rates such as `30/min` or `20/s`, as users write them for limits and pacing.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

/// A number of calls per period (`N/s` or `N/min`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    /// Calls allowed per period.
    pub count: NonZeroU32,
    /// The period.
    pub per: Per,
}

/// The period of a [`Rate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Per {
    /// Per second.
    Second,
    /// Per minute.
    Minute,
}

impl Per {
    /// The period's length.
    #[must_use]
    pub fn duration(self) -> Duration {
        match self {
            Self::Second => Duration::from_secs(1),
            Self::Minute => Duration::from_secs(60),
        }
    }
}

impl Rate {
    /// Secoda's documented write limit: 30 per minute.
    pub const SECODA_WRITES: Rate = Rate {
        count: NonZeroU32::new(30).unwrap(),
        per: Per::Minute,
    };

    /// Average time between two calls at this rate.
    #[must_use]
    pub fn interval(self) -> Duration {
        self.per.duration() / self.count.get()
    }

    /// How long `calls` calls take at this rate; the client paces writes evenly (no burst),
    /// so this is the honest estimate a plan prints.
    #[must_use]
    pub fn time_for(self, calls: usize) -> Duration {
        self.interval() * u32::try_from(calls).unwrap_or(u32::MAX)
    }

    /// Calls per second, for throughput figures.
    #[must_use]
    pub fn per_second(self) -> f64 {
        f64::from(self.count.get()) / self.per.duration().as_secs_f64()
    }
}

/// A rate string that is not `N/s` or `N/min`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rate `{0}`: write it as N/s or N/min with N >= 1, e.g. `30/min` or `10/s`")]
pub struct RateError(pub String);

impl FromStr for Rate {
    type Err = RateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || RateError(s.to_owned());
        let (n, unit) = s.trim().split_once('/').ok_or_else(err)?;
        let count: NonZeroU32 = n.trim().parse().map_err(|_| err())?;
        let per = match unit.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => Per::Second,
            "m" | "min" | "minute" => Per::Minute,
            _ => return Err(err()),
        };
        Ok(Rate { count, per })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.per {
            Per::Second => "s",
            Per::Minute => "min",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_both_units() {
        let r: Rate = "30/min".parse().unwrap();
        assert_eq!(r, Rate::SECODA_WRITES);
        assert_eq!(r.to_string(), "30/min");
        assert_eq!(r.interval(), Duration::from_secs(2));
        let s: Rate = " 20 / s ".parse().unwrap();
        assert_eq!(s.to_string(), "20/s");
        assert!((s.per_second() - 20.0).abs() < f64::EPSILON);
    }

    #[test]
    fn rejects_zero_and_garbage() {
        for bad in ["0/s", "30", "x/min", "30/hour", ""] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn time_for_paces_every_call() {
        let r = Rate::SECODA_WRITES;
        assert_eq!(r.time_for(0), Duration::ZERO);
        assert_eq!(r.time_for(124), Duration::from_secs(248));
    }
}
