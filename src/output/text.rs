//! Small text helpers every rendering shares: counted nouns and terminal-safe workspace text.

/// `n` followed by the noun, singular for exactly one (`1 category`, `2 categories`).
#[must_use]
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// A number with thousands separators, as people read counts: `1,204`.
#[must_use]
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Text from the workspace made safe for a terminal: control characters (an escape sequence
/// in a title could move the cursor or rewrite earlier lines) are shown escaped, e.g. `\u{1b}`.
#[must_use]
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t';
    if !s.chars().any(unsafe_char) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_by_three() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_204, "1,204"),
            (1_000_000, "1,000,000"),
        ];
        for (n, want) in cases {
            assert_eq!(super::thousands(n), want);
        }
    }

    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert!(matches!(
            printable("Order Completed\tä"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(printable("a\u{1b}[31mb\rc"), "a\\u{1b}[31mb\\rc");
    }

    #[test]
    fn count_is_singular_for_one() {
        assert_eq!(count(1, "category", "categories"), "1 category");
        assert_eq!(count(0, "category", "categories"), "0 categories");
    }
}
