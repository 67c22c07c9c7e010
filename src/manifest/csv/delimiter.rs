//! The cell separator of a CSV file. Spreadsheets saved in a locale whose decimal mark is a
//! comma write `;` between cells, and "tab-separated" is a common export too: read with `,`,
//! such a file is one giant column whose name is the whole header line.

/// A cell separator the readers accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Delimiter {
    /// `,` (the default, and what the writer emits).
    #[default]
    Comma,
    /// `;`.
    Semicolon,
    /// A tab.
    Tab,
}

impl Delimiter {
    /// Every delimiter, the default first (a tie in [`Delimiter::sniff`] goes to the first).
    const ALL: [Delimiter; 3] = [Self::Comma, Self::Semicolon, Self::Tab];

    /// The byte the csv crate splits on.
    pub(crate) fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    /// The separator as a character.
    pub(crate) fn char(self) -> char {
        char::from(self.byte())
    }

    /// Reads the mapping file's `delimiter:` value: the character itself, or its name (a tab
    /// as `"\t"`, a literal `\t`, or `tab`).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        // Before trimming: trimming takes the tab away.
        if text == "\t" {
            return Some(Self::Tab);
        }
        match text.trim().to_ascii_lowercase().as_str() {
            "," | "comma" => Some(Self::Comma),
            ";" | "semicolon" => Some(Self::Semicolon),
            "\\t" | "tab" => Some(Self::Tab),
            _ => None,
        }
    }

    /// The delimiter that splits the header line into the most cells, counting separators
    /// outside quotes only; `,` when none does better.
    pub(crate) fn sniff(text: &str) -> Self {
        let mut counts = [0usize; 3];
        let mut quoted = false;
        for ch in text.chars() {
            match ch {
                // A doubled quote inside a quoted cell toggles twice: still quoted.
                '"' => quoted = !quoted,
                '\n' | '\r' if !quoted => break,
                _ if quoted => {}
                _ => {
                    if let Some(i) = Self::ALL.iter().position(|d| d.char() == ch) {
                        counts[i] += 1;
                    }
                }
            }
        }
        let mut best = (Self::Comma, counts[0]);
        for (d, n) in Self::ALL.into_iter().zip(counts).skip(1) {
            if n > best.1 {
                best = (d, n);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::Delimiter;

    #[test]
    fn sniffing_picks_the_separator_that_splits_the_header_most() {
        assert_eq!(Delimiter::sniff("a;b;c\n1,5;2;3\n"), Delimiter::Semicolon);
        assert_eq!(Delimiter::sniff("a\tb\tc\n"), Delimiter::Tab);
        assert_eq!(Delimiter::sniff("a,b;c,d\n"), Delimiter::Comma);
    }

    #[test]
    fn sniffing_counts_outside_quotes_and_on_the_header_line_only() {
        assert_eq!(
            Delimiter::sniff("\"a;b;c\",d\n1;2;3;4;5\n"),
            Delimiter::Comma
        );
        assert_eq!(Delimiter::sniff("\"x\ny;z\";a;b\r\n"), Delimiter::Semicolon);
    }

    #[test]
    fn sniffing_keeps_the_comma_on_a_tie_or_a_single_column() {
        assert_eq!(Delimiter::sniff("a,b;c\n"), Delimiter::Comma);
        assert_eq!(Delimiter::sniff("category\nA\n"), Delimiter::Comma);
        assert_eq!(Delimiter::sniff(""), Delimiter::Comma);
    }

    #[test]
    fn the_mapping_names_a_delimiter_by_character_or_name() {
        assert_eq!(Delimiter::parse(";"), Some(Delimiter::Semicolon));
        assert_eq!(Delimiter::parse("\t"), Some(Delimiter::Tab));
        assert_eq!(Delimiter::parse("\\t"), Some(Delimiter::Tab));
        assert_eq!(Delimiter::parse("Tab"), Some(Delimiter::Tab));
        assert_eq!(Delimiter::parse(","), Some(Delimiter::Comma));
        assert_eq!(Delimiter::parse("|"), None);
        assert_eq!(Delimiter::parse(""), None);
    }
}
