//! Problems found in manifests, each with a stable code and a precise place, and their renderings
//! (plain `file:line:column: error[code]: message`, a rustc-like snippet on a terminal, JSON).

use crate::manifest::stream::LARGE_FILE_BYTES;
use crate::manifest::Origin;
use crate::output::style;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How bad a diagnostic is: errors fail `validate`, warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported; fails only with `--strict`.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal, $sev:ident;)*) => {
        /// A stable diagnostic code; its kebab-case name is part of the CLI's interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of the book's diagnostics page.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name (`unknown-field`).
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The severity this code is reported with.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Self::$variant => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    /// A file cannot be read or does not exist.
    Io = "io", Error;
    /// A file is not valid UTF-8.
    NotUtf8 = "not-utf8", Error;
    /// Malformed YAML, CSV or JSON.
    Syntax = "syntax", Error;
    /// The YAML `version` is not 1.
    UnsupportedVersion = "unsupported-version", Error;
    /// A key or column the format does not know.
    UnknownField = "unknown-field", Error;
    /// A value of the wrong type (a string where a boolean goes).
    WrongType = "wrong-type", Error;
    /// A required field or column is missing.
    MissingField = "missing-field", Error;
    /// A CSV header that matches no preset, no `--csv-map` and not the native columns.
    NoPreset = "no-preset", Error;
    /// A vendor export's rows or fields a migration does not carry (counted, with lines).
    MigrationSkipped = "migration-skipped", Warning;
    /// A field set where it does not apply (an event field on a CSV category row).
    FieldNotAllowed = "field-not-allowed", Error;
    /// The same category, event, property, monitor or block declared twice.
    DuplicateKey = "duplicate-key", Error;
    /// A property whose event, or an event whose category, is declared nowhere.
    MissingParent = "missing-parent", Error;
    /// A title or name that is empty after trimming.
    EmptyTitle = "empty-title", Error;
    /// A title longer than 255 characters.
    TitleTooLong = "title-too-long", Error;
    /// A category titled `secoda-sync`: the title of the tool's own category (the apply lease).
    ReservedTitle = "reserved-title", Error;
    /// A title or name holding a control character (NUL, tab, newline, escape, ...).
    ControlCharacter = "control-character", Error;
    /// Monitor thresholds: both auto and manual, none, sensitivity outside 1..=10, or min > max.
    MonitorThresholds = "monitor-thresholds", Error;
    /// Monitor schedule out of range (cadence, frequency, day, hour).
    MonitorSchedule = "monitor-schedule", Error;
    /// Monitor metric config incomplete (custom_sql without `query_select`).
    MonitorConfig = "monitor-config", Error;
    /// More than one integration named in one manifest set.
    MultipleIntegrations = "multiple-integrations", Error;
    /// No integration in the manifests and no `--integration`.
    MissingIntegration = "missing-integration", Error;
    /// The manifest set declares nothing: nothing to sync.
    EmptyManifestSet = "empty-manifest-set", Error;
    /// A subdirectory holding manifests that a directory read does not load (named, never
    /// skipped silently).
    SubdirectoryNotRead = "subdirectory-not-read", Warning;
    /// A metric type outside the known list (it is sent as written).
    UnknownMetricType = "unknown-metric-type", Warning;
    /// A published event or property without a description.
    EmptyDescription = "empty-description", Warning;
    /// A category that declares no events: with `--prune`, every live event under it goes.
    EmptyCategory = "empty-category", Warning;
    /// Rule: an event title off the configured style.
    EventTitleCase = "event-title-case", Warning;
    /// Rule: a property title off the configured style.
    PropertyTitleCase = "property-title-case", Warning;
    /// Rule: a category title off the configured style.
    CategoryTitleCase = "category-title-case", Warning;
    /// Rule: a title that does not match its kind's regex.
    TitlePattern = "title-pattern", Warning;
    /// Rule: two titles under one parent that differ only by case or separators.
    CaseCollision = "case-collision", Warning;
    /// Rule: an event or property without a (long enough) description.
    DescriptionRequired = "description-required", Warning;
    /// Rule: an event (or category, property) without an owner or team.
    OwnerRequired = "owner-required", Warning;
    /// Rule: something marked `pii: true` without an owner.
    PiiNeedsOwner = "pii-needs-owner", Warning;
    /// Rule: a property without a `type`.
    TypeRequired = "type-required", Warning;
    /// Rule: a title holding a banned word.
    BannedWords = "banned-words", Warning;
    /// Rule: an event without a property every event must have.
    RequiredProperties = "required-properties", Warning;
    /// Rule: a planned delete of an event or property the workspace reports usage for.
    NoDeleteUsed = "no-delete-used", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a problem is: file, 1-based line and column, and for CSV the column name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as the user named it (`-` for stdin).
    #[serde(serialize_with = "str_ref")]
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The CSV column (header name as written) the problem is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

fn str_ref<S: serde::Serializer>(s: &Arc<str>, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

impl Location {
    /// A location at a line and column of a file.
    #[must_use]
    pub fn new(file: &Arc<str>, line: u32, column: u32) -> Self {
        Self {
            file: Arc::clone(file),
            line,
            column,
            field: None,
        }
    }

    /// The same place with a CSV column name attached.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl From<&Origin> for Location {
    fn from(o: &Origin) -> Self {
        Self::new(&o.file, o.line, o.column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A second place a diagnostic points at (e.g. the first declaration of a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// What is there.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub location: Location,
}

/// One problem found in the manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// Short lowercase message naming the thing.
    pub message: String,
    /// Where (absent for set-wide problems such as an empty manifest set).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Other places involved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            severity: code.severity(),
            code,
            message: message.into(),
            location,
            hint: None,
            related: Vec::new(),
        }
    }

    /// Diagnostic at a location.
    #[must_use]
    pub fn at(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, message, Some(location))
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related place.
    #[must_use]
    pub fn related(mut self, message: impl Into<String>, location: Location) -> Self {
        self.related.push(Related {
            message: message.into(),
            location,
        });
        self
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as a GitHub Actions workflow command (`--format github`), so a pull
    /// request shows it on the line it is about: its code is the title, its hint and related
    /// places follow the message on lines of their own.
    #[must_use]
    pub fn github(&self) -> String {
        use crate::output::github::{Annotation, Level, Place};
        let mut message = self.message.clone();
        if let Some(hint) = &self.hint {
            message.push_str(&format!("\nhint: {hint}"));
        }
        for r in &self.related {
            message.push_str(&format!("\nnote: {} at {}", r.message, r.location));
        }
        Annotation {
            level: match self.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            },
            place: self.location.as_ref().map(|l| Place {
                file: &l.file,
                line: Some(l.line),
                // A CSV location's column counts cells, not the characters GitHub counts.
                col: l.field.is_none().then_some(l.column),
            }),
            title: self.code.as_str(),
            message: &message,
        }
        .to_string()
    }

    /// Writes the diagnostic. With `sources` (file -> text), adds a rustc-like snippet with a caret.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn render(
        &self,
        w: &mut dyn Write,
        color: bool,
        sources: Option<&Sources>,
    ) -> io::Result<()> {
        let (sev, bold, dim) = if color {
            let sev = match self.severity {
                Severity::Error => style::ERROR,
                Severity::Warning => style::WARN,
            };
            (sev, style::BOLD, style::DIM)
        } else {
            (
                anstyle::Style::new(),
                anstyle::Style::new(),
                anstyle::Style::new(),
            )
        };
        if let Some(loc) = &self.location {
            write!(w, "{bold}{loc}:{bold:#} ")?;
        }
        write!(
            w,
            "{sev}{}[{}]{sev:#}{bold}: {}{bold:#}",
            self.severity, self.code, self.message
        )?;
        if let Some(field) = self.location.as_ref().and_then(|l| l.field.as_deref()) {
            if !self.message.contains(&format!("`{field}`")) {
                write!(w, " (column `{field}`)")?;
            }
        }
        writeln!(w)?;
        if let (Some(loc), Some(sources)) = (&self.location, sources) {
            if let Some(text) = sources.line(&loc.file, loc.line) {
                let (text, column) = snippet(text, loc.column);
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                let caret_pad = " ".repeat(column.saturating_sub(1) as usize);
                writeln!(w, "{dim}{pad} |{dim:#}")?;
                writeln!(w, "{dim}{num} |{dim:#} {text}")?;
                // A CSV location's column counts cells, not characters: no caret there.
                if loc.field.is_none() {
                    writeln!(w, "{dim}{pad} |{dim:#} {caret_pad}{sev}^{sev:#}")?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(w, "  = hint: {hint}")?;
        }
        for r in &self.related {
            writeln!(w, "  = note: {} at {}", r.message, r.location)?;
        }
        Ok(())
    }
}

/// The longest snippet quoted, in characters: a longer line is cut to a window around the
/// column.
const SNIPPET_CHARS: usize = 120;

/// What a diagnostic quotes of `line`, and the column within it: the line up to a NUL or a
/// carriage return (a file of NUL-separated records, such as `/proc/self/environ`, is one
/// "line"), cut to [`SNIPPET_CHARS`] around `column` with `...` where it is cut.
fn snippet(line: &str, column: u32) -> (String, u32) {
    let line = line.split(['\0', '\r']).next().unwrap_or_default();
    let count = line.chars().count();
    if count <= SNIPPET_CHARS {
        return (line.to_owned(), column);
    }
    let col = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    let start = col
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(count - SNIPPET_CHARS);
    let mut out: String = line.chars().skip(start).take(SNIPPET_CHARS).collect();
    let mut column = column;
    if start > 0 {
        out.insert_str(0, "...");
        // The character at `start` now follows the three dots.
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        column = (column + 3).saturating_sub(start);
    }
    if start + SNIPPET_CHARS < count {
        out.push_str("...");
    }
    (out, column)
}

/// The text of each loaded file, kept so diagnostics can quote the offending line.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    texts: HashMap<Arc<str>, Text>,
}

/// A file's text, held or left on disk.
#[derive(Debug, Clone)]
enum Text {
    Held(Lines),
    /// A large file, read again when a line of it is first quoted: a run seldom quotes one,
    /// and holding a 100,000-property file for the whole run would double a load's peak.
    /// Quoted only while its bytes are still those loaded.
    OnDisk {
        path: PathBuf,
        len: usize,
        digest: u64,
        lines: OnceLock<Option<Lines>>,
    },
}

/// A text and where each line starts, so quoting a line does not rescan the file (a
/// diagnostic per line of a large file would otherwise take quadratic time).
#[derive(Debug, Clone)]
struct Lines {
    text: String,
    line_starts: Vec<usize>,
}

impl Lines {
    fn new(text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, line_starts }
    }

    fn line(&self, line: u32) -> Option<&str> {
        let Self { text, line_starts } = self;
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *line_starts.get(idx)?;
        if start >= text.len() {
            return None;
        }
        let end = line_starts.get(idx + 1).map_or(text.len(), |next| next - 1);
        Some(
            text[start..end]
                .trim_end_matches('\r')
                .trim_start_matches('\u{feff}'),
        )
    }
}

/// A large file's place on disk and what its bytes were, so that it can be left there once
/// parsed.
#[derive(Debug)]
pub struct DiskCopy {
    path: PathBuf,
    len: usize,
    digest: u64,
}

impl DiskCopy {
    /// `None` for a file small enough to hold (or none read from disk).
    #[must_use]
    pub fn of(path: Option<&Path>, bytes: &[u8]) -> Option<Self> {
        (bytes.len() >= LARGE_FILE_BYTES).then_some(())?;
        Some(Self::at(path?, bytes.len(), ContentDigest::of(bytes)))
    }

    /// A file at `path` whose `len` bytes had `digest` ([`ContentDigest`]) when loaded.
    #[must_use]
    pub(crate) fn at(path: &Path, len: usize, digest: u64) -> Self {
        Self {
            path: path.to_path_buf(),
            len,
            digest,
        }
    }
}

/// Tells whether bytes read again are those loaded: a check against an edit made meanwhile,
/// not against an adversary (who could edit the quoted line as easily). The bytes are hashed
/// in pieces of a fixed size, whatever reads they came in, so that a file read in blocks and
/// the same file read whole have one digest.
pub(crate) struct ContentDigest {
    hasher: foldhash::quality::FoldHasher<'static>,
    pending: Vec<u8>,
}

impl Default for ContentDigest {
    fn default() -> Self {
        use std::hash::BuildHasher as _;
        Self {
            hasher: foldhash::quality::FixedState::with_seed(0).build_hasher(),
            pending: Vec::new(),
        }
    }
}

impl ContentDigest {
    const PIECE: usize = 64 << 10;

    /// The digest of `bytes`.
    pub(crate) fn of(bytes: &[u8]) -> u64 {
        let mut digest = Self::default();
        digest.update(bytes);
        digest.finish()
    }

    /// Adds the bytes that follow those already added.
    pub(crate) fn update(&mut self, mut bytes: &[u8]) {
        use std::hash::Hasher as _;
        if !self.pending.is_empty() {
            let taken = (Self::PIECE - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..taken]);
            bytes = &bytes[taken..];
            if self.pending.len() < Self::PIECE {
                return;
            }
            self.hasher.write(&self.pending);
            self.pending.clear();
        }
        let mut pieces = bytes.chunks_exact(Self::PIECE);
        for piece in pieces.by_ref() {
            self.hasher.write(piece);
        }
        self.pending.extend_from_slice(pieces.remainder());
    }

    /// The digest of all the bytes added.
    pub(crate) fn finish(mut self) -> u64 {
        use std::hash::Hasher as _;
        self.hasher.write(&self.pending);
        self.hasher.finish()
    }
}

impl Sources {
    /// Remembers a file's text.
    pub fn insert(&mut self, file: &Arc<str>, text: String) {
        self.texts
            .insert(Arc::clone(file), Text::Held(Lines::new(text)));
    }

    /// Remembers a file's text, or only where it lies on disk when `disk` says so.
    pub fn keep(&mut self, file: &Arc<str>, text: String, disk: Option<DiskCopy>) {
        match disk {
            Some(disk) => self.on_disk(file, disk),
            None => self.insert(file, text),
        }
    }

    /// Remembers only where a file lies on disk, to read it again if a line is quoted.
    pub fn on_disk(&mut self, file: &Arc<str>, disk: DiskCopy) {
        let DiskCopy { path, len, digest } = disk;
        let on_disk = Text::OnDisk {
            path,
            len,
            digest,
            lines: OnceLock::new(),
        };
        self.texts.insert(Arc::clone(file), on_disk);
    }

    /// One 1-based line of a file, without its line ending.
    #[must_use]
    pub fn line(&self, file: &str, line: u32) -> Option<&str> {
        match self.texts.get(file)? {
            Text::Held(lines) => lines.line(line),
            Text::OnDisk {
                path,
                len,
                digest: loaded,
                lines,
            } => lines
                .get_or_init(|| {
                    let bytes = std::fs::read(path).ok()?;
                    if bytes.len() != *len || ContentDigest::of(&bytes) != *loaded {
                        return None;
                    }
                    let text = String::from_utf8(bytes).ok()?;
                    Some(Lines::new(text))
                })
                .as_ref()?
                .line(line),
        }
    }
}

/// The document `validate --format json` prints.
#[derive(Debug, Serialize)]
pub(crate) struct DiagnosticsReport<'a> {
    /// `true` when the run passes (no errors; no warnings under `--strict`).
    pub ok: bool,
    /// Error count.
    pub errors: usize,
    /// Warning count.
    pub warnings: usize,
    /// What the set holds.
    pub counts: crate::manifest::ManifestCounts,
    /// Every diagnostic, in the order found.
    pub diagnostics: &'a [Diagnostic],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<str> {
        Arc::from("a.yaml")
    }

    #[test]
    fn plain_rendering_has_place_code_message_and_hint() {
        let d = Diagnostic::at(
            Code::UnknownField,
            Location::new(&file(), 3, 5),
            "unknown field `titel`",
        )
        .hint("did you mean `title`?");
        let mut out = Vec::new();
        d.render(&mut out, false, None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.yaml:3:5: error[unknown-field]: unknown field `titel`\n  = hint: did you mean `title`?\n"
        );
    }

    #[test]
    fn github_annotation_carries_place_code_and_hint_on_an_escaped_line() {
        let d = Diagnostic::at(
            Code::UnknownField,
            Location::new(&Arc::from("plans/a:b,c.yaml"), 3, 5),
            "unknown field `titel` (100%)",
        )
        .hint("did you mean `title`?");
        assert_eq!(
            d.github(),
            "::error file=plans/a%3Ab%2Cc.yaml,line=3,col=5,title=unknown-field::unknown field \
             `titel` (100%25)%0Ahint: did you mean `title`?"
        );
        let set_wide = Diagnostic::new(Code::EmptyManifestSet, "nothing declared", None);
        assert_eq!(
            set_wide.github(),
            "::error title=empty-manifest-set::nothing declared"
        );
        let mut csv = Location::new(&file(), 4, 2);
        csv.field = Some("type".to_owned());
        let cell = Diagnostic::at(Code::WrongType, csv, "not a type");
        // A CSV column counts cells, not characters: GitHub gets no column.
        assert_eq!(
            cell.github(),
            "::error file=a.yaml,line=4,title=wrong-type::not a type"
        );
        let w = Diagnostic::at(Code::EmptyCategory, Location::new(&file(), 1, 1), "empty");
        assert!(w
            .github()
            .starts_with("::warning file=a.yaml,line=1,col=1,"));
    }

    #[test]
    fn a_snippet_is_one_line_at_most_and_a_window_of_a_long_one() {
        assert_eq!(snippet("A=1\0SECRET=2", 1), ("A=1".to_owned(), 1));
        assert_eq!(snippet("a: 1\rb: 2", 2), ("a: 1".to_owned(), 2));
        let long: String = (0..500)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let (text, column) = snippet(&long, 301);
        assert!(text.starts_with("...") && text.ends_with("..."), "{text}");
        assert_eq!(text.chars().count(), SNIPPET_CHARS + 6);
        let under: char = text.chars().nth(column as usize - 1).unwrap();
        assert_eq!(under, long.chars().nth(300).unwrap());
    }

    #[test]
    fn snippet_puts_caret_under_the_column() {
        let mut sources = Sources::default();
        sources.insert(&file(), "version: 1\n  titel: x\n".into());
        let d = Diagnostic::at(
            Code::UnknownField,
            Location::new(&file(), 2, 3),
            "unknown field",
        );
        let mut out = Vec::new();
        d.render(&mut out, false, Some(&sources)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("2 |   titel: x\n  |   ^\n"), "{text}");
    }

    #[test]
    fn a_large_file_is_read_again_to_quote_a_line_unless_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        let mut text = "x".repeat(LARGE_FILE_BYTES);
        text.push_str("\nthe second line\n");
        std::fs::write(&path, &text).unwrap();
        let disk = DiskCopy::of(Some(&path), text.as_bytes());
        assert!(disk.is_some(), "large enough to leave on disk");
        assert!(DiskCopy::of(Some(&path), b"small").is_none());
        assert!(
            DiskCopy::of(None, text.as_bytes()).is_none(),
            "stdin is held"
        );
        let mut sources = Sources::default();
        sources.keep(&file(), text.clone(), disk);
        assert!(matches!(
            sources.texts.get("a.yaml"),
            Some(Text::OnDisk { .. })
        ));
        assert_eq!(sources.line("a.yaml", 2), Some("the second line"));

        let edited = Sources {
            texts: [(
                file(),
                Text::OnDisk {
                    path: path.clone(),
                    len: text.len(),
                    digest: ContentDigest::of(text.as_bytes()),
                    lines: OnceLock::new(),
                },
            )]
            .into(),
        };
        std::fs::write(&path, text.replace("second", "edited")).unwrap();
        assert_eq!(
            edited.line("a.yaml", 2),
            None,
            "an edited file is not quoted"
        );
    }

    #[test]
    fn source_lines_are_found_by_number() {
        let mut sources = Sources::default();
        sources.insert(&file(), "\u{feff}a\r\n\nb\nlast".into());
        let lines: Vec<_> = (0..=5).map(|n| sources.line("a.yaml", n)).collect();
        assert_eq!(
            lines,
            [None, Some("a"), Some(""), Some("b"), Some("last"), None]
        );
        sources.insert(&file(), "a\n".into());
        assert_eq!(sources.line("a.yaml", 1), Some("a"));
        assert_eq!(
            sources.line("a.yaml", 2),
            None,
            "no line after the last newline"
        );
        assert_eq!(sources.line("other.yaml", 1), None);
    }

    #[test]
    fn json_flattens_location_and_names_code() {
        let d = Diagnostic::at(
            Code::WrongType,
            Location::new(&file(), 1, 2).with_field("pii"),
            "expected a boolean",
        );
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["code"], "wrong-type");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["line"], 1);
        assert_eq!(v["field"], "pii");
    }

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
