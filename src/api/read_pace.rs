//! The pace of GET calls: fixed (`--read-rate 20/s`), none (the in-process sandbox), or found
//! while reading (`auto`, the default against a real server).
//!
//! Secoda documents no read limit, so a fixed guess is either slow (a plan of a big workspace
//! waiting on a pace the server never asked for) or rude. `auto` sends its first few reads at
//! once (as TCP's initial window does: a plan's first reads are a handful of independent
//! lists, and spacing them at the starting pace would cost most of a small plan's time), then
//! paces the rest, starting moderately; the pace about every eight answers while they come back fast and without 429 (slow start),
//! up to `--read-rate-max`. A 429 means the server's limit is below the pace: the ceiling drops,
//! for the rest of the run, to nine tenths of what the server really answered over the last two
//! seconds (its limit, measured), and the pace halves, then grows back additively to that
//! ceiling; a server that limits reads sees a handful of 429s, not one per page. The 429s of
//! reads sent before a cut are the same news and count once. An answer much slower than the
//! fastest seen (the server is queueing) cuts the pace by a fifth, at most once a second.

use super::Rate;
use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;
use tokio::time::Instant;

/// How GET calls are paced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReadPace {
    /// Not paced (the in-process sandbox answers as fast as it can).
    #[default]
    Unpaced,
    /// Evenly at this rate (`--read-rate N/s`).
    Fixed(Rate),
    /// Found while reading, never above `max` (`--read-rate auto`, `--read-rate-max`).
    Auto {
        /// The ceiling.
        max: Rate,
    },
}

impl ReadPace {
    /// `--read-rate-max` when not given: 50 reads a second. Five times the fixed pace this
    /// tool used to keep: a workspace of 100,000 properties plans in about 3 seconds of reads
    /// where the server honours `page_size`, and in under a minute where it does not (2,000+
    /// pages), while no server sees more than 50 calls a second from one plan.
    pub const DEFAULT_MAX: Rate = Rate {
        count: NonZeroU32::new(50).unwrap(),
        per: super::rate::Per::Second,
    };

    /// The default against a real server: `auto` up to [`Self::DEFAULT_MAX`].
    pub const AUTO: ReadPace = ReadPace::Auto {
        max: Self::DEFAULT_MAX,
    };
}

impl fmt::Display for ReadPace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unpaced => f.write_str("unpaced"),
            Self::Fixed(r) => write!(f, "{r}"),
            Self::Auto { max } => write!(f, "auto (up to {max})"),
        }
    }
}

/// A `--read-rate` that is neither `auto` nor `N/s` / `N/min`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid read rate `{0}`: write `auto`, or N/s or N/min with N >= 1, e.g. `20/s`")]
pub struct ReadPaceError(pub String);

/// What `--read-rate` says: `auto`, or a fixed rate (the ceiling of `auto` is another flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadRateChoice {
    /// Find the pace while reading.
    Auto,
    /// This pace.
    Fixed(Rate),
}

impl FromStr for ReadRateChoice {
    type Err = ReadPaceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        s.parse()
            .map(Self::Fixed)
            .map_err(|_| ReadPaceError(s.to_owned()))
    }
}

impl fmt::Display for ReadRateChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::Fixed(r) => write!(f, "{r}"),
        }
    }
}

/// Where `auto` starts, in reads a second (lower when the ceiling is lower).
const START: f64 = 10.0;
/// The slowest `auto` goes after cuts, in reads a second.
const FLOOR: f64 = 0.5;
/// Reads a run sends before pacing starts (the initial window; see the module docs).
const INITIAL_WINDOW: u32 = 8;
/// Slow start: the pace grows by this factor per fast answer (doubling every ~8 answers).
const SLOW_START_GROWTH: f64 = 1.09;
/// Past the first 429: the pace grows by this many reads a second per fast answer.
const ADDITIVE_GROWTH: f64 = 0.25;
/// An answer slower than this many times the fastest seen, and by at least [`SLOW_BY`], means
/// the server is queueing.
const SLOW_FACTOR: u32 = 4;
/// See [`SLOW_FACTOR`].
const SLOW_BY: Duration = Duration::from_millis(250);
/// Slow-answer cuts closer together than this count once.
const CUT_SPACING: Duration = Duration::from_secs(1);
/// The window over which the answers a server gives are counted when it answers 429.
const WINDOW: Duration = Duration::from_secs(2);
/// The ceiling after a 429, as a share of the answers the server gave over [`WINDOW`].
const HEADROOM: f64 = 0.9;

/// The state of an `auto` pace (pure: times come in as arguments).
#[derive(Debug)]
pub(crate) struct Adaptive {
    /// Reads a second now.
    rate: f64,
    /// Never above: the configured maximum, lowered by 429s.
    ceiling: f64,
    /// Until the first 429 or slow answer, growth is multiplicative.
    slow_start: bool,
    /// Reads still to send unspaced (the initial window; none after a cut).
    unspaced: u32,
    /// When the last read started (or the pace was cut): the next starts one interval of the
    /// pace of that moment later.
    last_start: Option<Instant>,
    /// The fastest answer seen.
    fastest: Option<Duration>,
    /// When the pace was last cut.
    last_cut: Option<Instant>,
    /// When the answers of the last [`WINDOW`] came.
    answers: VecDeque<Instant>,
}

impl Adaptive {
    /// A pace starting moderately, never above `max`.
    pub(crate) fn new(max: Rate) -> Self {
        let ceiling = max.per_second();
        Self {
            rate: START.min(ceiling),
            ceiling,
            slow_start: true,
            unspaced: INITIAL_WINDOW,
            last_start: None,
            fastest: None,
            last_cut: None,
            answers: VecDeque::new(),
        }
    }

    /// Reads a second now.
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// Starts a read at `now` if the pace allows one (evenly spaced, no burst), else says when
    /// to ask again. Nothing is reserved ahead: a read waiting while answers raise the pace
    /// starts at the faster pace, so the reads a plan sends at once are not spaced out at the
    /// starting pace.
    pub(crate) fn start(&mut self, now: Instant) -> Result<(), Instant> {
        if self.unspaced > 0 {
            self.unspaced -= 1;
            self.last_start = Some(now);
            return Ok(());
        }
        let due = self
            .last_start
            .map_or(now, |t| t + Duration::from_secs_f64(1.0 / self.rate));
        if due > now {
            return Err(due);
        }
        self.last_start = Some(now);
        Ok(())
    }

    /// An answer (not a 429) that took `latency`, seen at `now`.
    pub(crate) fn answered(&mut self, latency: Duration, now: Instant) {
        self.answers.push_back(now);
        self.forget_before(now);
        let fastest = *self.fastest.get_or_insert(latency);
        self.fastest = Some(fastest.min(latency));
        if latency > (fastest * SLOW_FACTOR).max(fastest + SLOW_BY) {
            let spaced = self
                .last_cut
                .is_none_or(|t| now.saturating_duration_since(t) >= CUT_SPACING);
            if spaced {
                self.cut(0.8, now);
            }
            return;
        }
        self.rate = if self.slow_start {
            self.rate * SLOW_START_GROWTH
        } else {
            self.rate + ADDITIVE_GROWTH
        }
        .min(self.ceiling);
    }

    /// A 429, seen at `now`, to a read sent at `sent`: the ceiling drops below what the server
    /// answered lately and the pace halves, unless the read went out before the last cut (the
    /// same news again).
    pub(crate) fn rate_limited(&mut self, sent: Instant, now: Instant) {
        if self.last_cut.is_some_and(|t| sent <= t) {
            return;
        }
        self.forget_before(now);
        // The answers' own rate: n answers span n - 1 intervals.
        let span = self
            .answers
            .front()
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(*t))
            .max(Duration::from_millis(500));
        let limit = match self.answers.len() {
            0 | 1 => self.rate * 0.5,
            #[allow(clippy::cast_precision_loss)]
            n => (n - 1) as f64 / span.as_secs_f64() * HEADROOM,
        };
        self.ceiling = limit.max(FLOOR).min(self.ceiling);
        self.cut(0.5, now);
        self.rate = self.rate.min(self.ceiling);
    }

    /// Drops the answers older than [`WINDOW`] at `now`.
    fn forget_before(&mut self, now: Instant) {
        while self
            .answers
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) > WINDOW)
        {
            self.answers.pop_front();
        }
    }

    /// Multiplies the pace by `factor`.
    fn cut(&mut self, factor: f64, now: Instant) {
        self.last_cut = Some(now);
        self.slow_start = false;
        self.unspaced = 0;
        self.rate = (self.rate * factor).max(FLOOR);
        // Reads already started go on; the next one waits for the new pace.
        self.last_start = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(s: &str) -> Rate {
        s.parse().unwrap()
    }

    #[test]
    fn read_rate_takes_auto_or_a_rate_and_says_which() {
        assert_eq!("auto".parse(), Ok(ReadRateChoice::Auto));
        assert_eq!(" AUTO ".parse(), Ok(ReadRateChoice::Auto));
        assert_eq!("20/s".parse(), Ok(ReadRateChoice::Fixed(rate("20/s"))));
        let err = "fast".parse::<ReadRateChoice>().unwrap_err();
        assert!(err.to_string().contains("write `auto`"), "{err}");
        assert_eq!(ReadPace::AUTO.to_string(), "auto (up to 50/s)");
        assert_eq!(ReadPace::Fixed(rate("5/s")).to_string(), "5/s");
    }

    #[test]
    fn fast_answers_raise_the_pace_quickly_up_to_the_ceiling() {
        let t0 = Instant::now();
        let mut p = Adaptive::new(rate("50/s"));
        assert!((p.rate() - START).abs() < f64::EPSILON);
        for _ in 0..18 {
            p.answered(Duration::from_millis(2), t0);
        }
        assert!(p.rate() > 45.0, "{}", p.rate());
        for _ in 0..100 {
            p.answered(Duration::from_millis(2), t0);
        }
        assert!((p.rate() - 50.0).abs() < f64::EPSILON, "{}", p.rate());
        // A low ceiling starts below it.
        assert!((Adaptive::new(rate("2/s")).rate() - 2.0).abs() < f64::EPSILON);
    }

    /// When a read asked for at `now` starts.
    fn start_at(p: &mut Adaptive, now: Instant) -> Instant {
        match p.start(now) {
            Ok(()) => now,
            Err(due) => {
                assert!(due > now);
                p.start(due).expect("a read starts when it is due");
                due
            }
        }
    }

    #[test]
    fn reads_are_evenly_spaced_at_the_current_pace() {
        let t0 = Instant::now();
        let mut p = Adaptive::new(rate("50/s"));
        for _ in 0..INITIAL_WINDOW {
            assert_eq!(start_at(&mut p, t0), t0, "the initial window goes at once");
        }
        assert_eq!(p.start(t0), Err(t0 + Duration::from_millis(100)));
        // A waiting read starts at the pace of when it is asked again, not of when it first
        // asked: answers in between raised it.
        for _ in 0..8 {
            p.answered(Duration::from_millis(2), t0);
        }
        let faster = Duration::from_secs_f64(1.0 / p.rate());
        assert!(faster < Duration::from_millis(55), "{faster:?}");
        assert_eq!(start_at(&mut p, t0), t0 + faster);
        let late = t0 + Duration::from_secs(5);
        assert_eq!(
            start_at(&mut p, late),
            late,
            "an idle pace does not save up a burst"
        );
        assert!(p.start(late).is_err(), "no burst after idling");
    }

    #[test]
    fn a_429_halves_the_pace_and_caps_it_below_what_the_server_gave_for_the_run() {
        let t0 = Instant::now();
        let mut p = Adaptive::new(rate("50/s"));
        for _ in 0..100 {
            p.answered(Duration::from_millis(2), t0);
        }
        // 100 answers within half a second: the server gave 200/s, above the configured
        // ceiling, which stays; the pace halves.
        let now = t0 + Duration::from_millis(500);
        p.rate_limited(now, now);
        assert!((p.rate() - 25.0).abs() < 1e-9, "{}", p.rate());
        // A 429 to a read sent before that cut is the same news.
        p.rate_limited(now, now + Duration::from_millis(300));
        assert!((p.rate() - 25.0).abs() < 1e-9, "{}", p.rate());
        // Two seconds of 8 answers a second, then a 429: the ceiling is 90% of 8/s for good.
        let mut p = Adaptive::new(rate("50/s"));
        let mut at = t0;
        for _ in 0..16 {
            at += Duration::from_millis(125);
            p.answered(Duration::from_millis(2), at);
        }
        let sent = at + Duration::from_millis(1);
        p.rate_limited(sent, sent);
        for _ in 0..1000 {
            p.answered(Duration::from_millis(2), sent);
        }
        assert!((p.rate() - 7.2).abs() < 0.2, "{}", p.rate());
    }

    #[test]
    fn a_server_limiting_reads_to_5_a_second_is_met_by_a_handful_of_429s() {
        // A token bucket of 5 a second (burst 5), answers after 30 ms, the pace reading 2,000
        // pages one after another.
        let t0 = Instant::now();
        let latency = Duration::from_millis(30);
        let mut p = Adaptive::new(ReadPace::DEFAULT_MAX);
        let (mut tokens, mut refilled, mut limited) = (5.0_f64, t0, 0);
        let mut now = t0;
        for _ in 0..2000 {
            let sent = start_at(&mut p, now);
            tokens = (tokens + (sent - refilled).as_secs_f64() * 5.0).min(5.0);
            refilled = sent;
            now = sent + latency;
            if tokens >= 1.0 {
                tokens -= 1.0;
                p.answered(latency, now);
            } else {
                limited += 1;
                p.rate_limited(sent, now);
            }
        }
        assert!(limited <= 5, "{limited} 429s");
        assert!(p.rate() > 4.0, "settled too low: {}", p.rate());
    }

    #[test]
    fn answers_far_slower_than_the_fastest_cut_the_pace() {
        let t0 = Instant::now();
        let mut p = Adaptive::new(rate("50/s"));
        p.answered(Duration::from_millis(10), t0);
        let before = p.rate();
        p.answered(Duration::from_millis(900), t0);
        assert!(p.rate() < before * 0.85, "{} -> {}", before, p.rate());
    }
}
