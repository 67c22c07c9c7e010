//! GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=T::message`): what a
//! step prints on stdout for the runner to show as an annotation on the pull request's lines.
//! The escaping follows the runner's own: `%`, `\r` and `\n` in the message, and `:` and `,`
//! too in a property's value (they separate the properties).

use std::fmt;

/// An annotation's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// `::error`: the check fails on it.
    Error,
    /// `::warning`.
    Warning,
    /// `::notice`.
    Notice,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Notice => "notice",
        }
    }
}

/// Where an annotation points: a file, and when known the line and column in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    /// The file, as the workflow names it (relative to the repository's root).
    pub file: &'a str,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub col: Option<u32>,
}

/// One workflow command; its `Display` is the line to print (without the newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Annotation<'a> {
    /// Error, warning or notice.
    pub level: Level,
    /// Where, if anywhere.
    pub place: Option<Place<'a>>,
    /// The bold first line GitHub shows (a diagnostic's code).
    pub title: &'a str,
    /// The text.
    pub message: &'a str,
}

impl fmt::Display for Annotation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "::{}", self.level.as_str())?;
        let mut props = Vec::new();
        if let Some(p) = &self.place {
            props.push(format!("file={}", property(p.file)));
            if let Some(line) = p.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = p.col {
                props.push(format!("col={col}"));
            }
        }
        if !self.title.is_empty() {
            props.push(format!("title={}", property(self.title)));
        }
        if !props.is_empty() {
            write!(f, " {}", props.join(","))?;
        }
        write!(f, "::{}", message(self.message))
    }
}

/// A message escaped for a workflow command.
pub(crate) fn message(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value escaped for a workflow command.
pub(crate) fn property(s: &str) -> String {
    message(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_percent_and_line_breaks_and_properties_also_colon_and_comma() {
        assert_eq!(message("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn an_annotation_names_its_place_title_and_message() {
        let a = Annotation {
            level: Level::Error,
            place: Some(Place {
                file: "plans/a,b.yaml",
                line: Some(3),
                col: Some(5),
            }),
            title: "unknown-field",
            message: "unknown key `x`\nhint: y",
        };
        assert_eq!(
            a.to_string(),
            "::error file=plans/a%2Cb.yaml,line=3,col=5,title=unknown-field::unknown key `x`%0Ahint: y"
        );
        let bare = Annotation {
            level: Level::Notice,
            place: None,
            title: "",
            message: "done",
        };
        assert_eq!(bare.to_string(), "::notice::done");
    }
}
