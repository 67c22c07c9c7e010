//! The one place numeric flags are parsed: a float flag must be a finite number inside its
//! range, so `--max-delete-percent nan` (which compared false with everything and so turned
//! the cap off) or `--request-timeout inf` are refused by clap, naming the flag.

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
pub fn percent(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0, 100.0, "a percentage")
}

/// A probability: `0` to `1`.
///
/// # Errors
/// Not a finite number in range.
pub fn fraction(s: &str) -> Result<f64, String> {
    finite_in(s, 0.0, 1.0, "a fraction")
}

/// A timeout in seconds: more than 0, at most a day.
///
/// # Errors
/// Not a finite number in range.
pub fn seconds(s: &str) -> Result<f64, String> {
    let v = finite_in(s, 0.0, 86_400.0, "a number of seconds")?;
    if v == 0.0 {
        return Err("a timeout must be more than 0 seconds".to_owned());
    }
    Ok(v)
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
}
