//! The migration report: what loading vendor exports will carry into Secoda, what it leaves
//! out and why (with the vendor file's lines), and how long the writes take at the write rate.

use crate::manifest::load::Loaded;
use crate::manifest::{Code, ManifestCounts, PropertyTypes};
use serde::Serialize;
use std::io::{self, Write};

/// Secoda's write allowance per minute (the client's default pace).
pub(crate) const WRITES_PER_MINUTE: usize = 30;

/// Rows of one reason left out of one file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Skipped {
    /// The vendor file.
    pub file: String,
    /// Why (`user properties`, `non-track events`, ...).
    pub reason: String,
    /// How many rows.
    pub count: usize,
    /// The rows' 1-based lines.
    pub lines: Vec<u32>,
}

/// Values of one vendor field Secoda has no home for.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Homeless {
    /// The vendor file.
    pub file: String,
    /// The vendor's field (`Sources`).
    pub field: String,
    /// Values not carried.
    pub values: usize,
}

/// An owner of a vendor export that the workspace has neither as a user nor as a team: the
/// migration leaves it out of its resource.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LeftOutOwner {
    /// The owner as written.
    pub name: String,
    /// The resource (`event Checkout/Order Completed`).
    pub resource: String,
    /// Where the resource is declared (`avo.csv:3:1`).
    pub at: String,
}

/// What a migration carries, offline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MigrationReport {
    /// The files read.
    pub files: Vec<String>,
    /// Categories, events and properties the set declares.
    pub counts: ManifestCounts,
    /// The tags the set's resources use, sorted: a migration creates those the workspace
    /// lacks (offline, which ones is not known).
    pub tags: Vec<String>,
    /// With `--workspace`: those of `tags` the workspace has already (no write).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags_present: Option<Vec<String>>,
    /// Rows left out, by file and reason.
    pub skipped: Vec<Skipped>,
    /// Vendor fields without a Secoda home.
    pub no_home: Vec<Homeless>,
    /// Things worth a look before migrating (events without a description, ...).
    pub warnings: Vec<String>,
    /// Errors in the exports, a missing integration aside (the migration cannot run until
    /// they are fixed).
    pub errors: usize,
    /// Writes a first apply sends into an empty workspace: one create per category, event,
    /// property and tag used, and the lease's (as `plan` counts them; a tag the workspace has
    /// already is a write fewer).
    pub writes: usize,
    /// Of `writes`, the lease's ([`MigrationReport::with_lease_writes`]).
    pub lease_writes: usize,
    /// Their duration at [`WRITES_PER_MINUTE`], in seconds.
    pub seconds: usize,
    /// Where the properties' types, required flags and enums go (`--property-types`).
    pub property_types: &'static str,
    /// Properties with a tracking-plan field, which `--property-types off` does not carry.
    pub typed: usize,
    /// With `--workspace`: the owners the workspace has neither as a user nor as a team, left
    /// out of their resources (absent offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out_owners: Option<Vec<LeftOutOwner>>,
}

impl MigrationReport {
    /// The report of a loaded set, its tracking-plan fields going where `types` says.
    #[must_use]
    pub(crate) fn new(loaded: &Loaded, types: PropertyTypes) -> Self {
        let counts = loaded.set.counts();
        let mut skipped = Vec::new();
        let mut no_home = Vec::new();
        for (file, notes) in &*loaded.migration {
            for (reason, s) in &notes.skipped {
                skipped.push(Skipped {
                    file: file.clone(),
                    reason: reason.clone(),
                    count: s.lines.len(),
                    lines: s.lines.clone(),
                });
            }
            for (field, n) in &notes.no_home {
                no_home.push(Homeless {
                    file: file.clone(),
                    field: field.clone(),
                    values: *n,
                });
            }
        }
        let events = loaded.set.categories.iter().flat_map(|c| &c.events);
        let undescribed = events
            .clone()
            .filter(|e| e.fields.description.as_deref().is_none_or(str::is_empty))
            .count();
        let properties = || events.clone().flat_map(|e| &e.properties);
        let untyped = properties()
            .filter(|p| p.tracking.property_type.is_none())
            .count();
        let typed = properties()
            .filter(|p| p.tracking != crate::manifest::TrackingFields::default())
            .count();
        let mut warnings = Vec::new();
        if undescribed > 0 {
            warnings.push(format!("{undescribed} events without a description"));
        }
        // With `off` no type is carried at all: a missing one is no news.
        if untyped > 0 && types != PropertyTypes::Off {
            warnings.push(format!("{untyped} properties without a type"));
        }
        let writes = counts.categories + counts.events + counts.properties + loaded.set.tags.len();
        let mut tags: Vec<String> = loaded.set.tags.iter().map(|t| t.name.clone()).collect();
        tags.sort();
        Self {
            files: loaded.files.clone(),
            counts,
            tags,
            tags_present: None,
            skipped,
            no_home,
            warnings,
            // Offline, the integration is not needed yet.
            errors: loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error() && d.code != Code::MissingIntegration)
                .count(),
            writes,
            left_out_owners: None,
            lease_writes: 0,
            seconds: writes * 60 / WRITES_PER_MINUTE,
            property_types: match types {
                PropertyTypes::Native => "native",
                PropertyTypes::Definition => "definition",
                PropertyTypes::Off => "off",
            },
            typed,
        }
    }

    /// Where the tracking-plan fields go, in words.
    fn types_line(&self) -> String {
        match self.property_types {
            "definition" => format!(
                "definition (a tracking block in the definition of {} properties)",
                self.typed
            ),
            "off" => format!(
                "off (not carried: the types, required flags and enums of {} properties)",
                self.typed
            ),
            _ => "native (the properties' own fields)".to_owned(),
        }
    }

    /// The same report knowing which of its tags the workspace has already: they cost no
    /// write. Call before [`MigrationReport::with_lease_writes`], which counts on the rest.
    #[must_use]
    pub(crate) fn with_tags_present(mut self, present: Vec<String>) -> Self {
        self.writes -= present.len().min(self.writes);
        self.seconds = self.writes * 60 / WRITES_PER_MINUTE;
        self.tags_present = Some(present);
        self
    }

    /// The tags to create and those present, in words (`v2; already present: core`).
    fn tags_line(&self) -> String {
        match &self.tags_present {
            None => format!(
                "{}, created where the workspace lacks them",
                self.tags.join(", ")
            ),
            Some(present) => {
                let created: Vec<&str> = self
                    .tags
                    .iter()
                    .filter(|t| !present.contains(t))
                    .map(String::as_str)
                    .collect();
                let list = |l: &[&str]| {
                    if l.is_empty() {
                        "none".to_owned()
                    } else {
                        l.join(", ")
                    }
                };
                let present: Vec<&str> = present.iter().map(String::as_str).collect();
                format!(
                    "created: {}; already present: {}",
                    list(&created),
                    list(&present)
                )
            }
        }
    }

    /// The same report counting the writes of the apply's lease too, which the apply layer
    /// works out (the manifests know nothing of leases).
    #[must_use]
    pub(crate) fn with_lease_writes(mut self, lease_writes: usize) -> Self {
        self.writes += lease_writes;
        self.lease_writes = lease_writes;
        self.seconds = self.writes * 60 / WRITES_PER_MINUTE;
        self
    }

    fn lease_note(&self) -> String {
        let mut note = String::new();
        if self.lease_writes > 0 {
            note = format!("{} for the lease; ", self.lease_writes);
        }
        match &self.tags_present {
            None if !self.tags.is_empty() => {
                note = format!("{note}up to {} for tags; ", self.tags.len());
            }
            Some(present) if self.tags.len() > present.len() => {
                note = format!("{note}{} for tags; ", self.tags.len() - present.len());
            }
            _ => {}
        }
        note
    }

    fn duration(&self) -> String {
        match self.seconds {
            s if s < 60 => format!("{s} s"),
            s if s < 3600 => format!("{} min", s.div_ceil(60)),
            s => format!("{} h {} min", s / 3600, (s % 3600).div_ceil(60)),
        }
    }

    /// Plain text, for a terminal.
    ///
    /// # Errors
    /// When `w` cannot be written.
    pub(crate) fn write_text(&self, w: &mut dyn Write) -> io::Result<()> {
        let c = &self.counts;
        writeln!(w, "Migration of {}", self.files.join(", "))?;
        writeln!(
            w,
            "  carries: {} categories, {} events, {} properties",
            c.categories, c.events, c.properties
        )?;
        if !self.tags.is_empty() {
            writeln!(w, "  tags used: {}", self.tags_line())?;
        }
        for s in &self.skipped {
            writeln!(
                w,
                "  skipped: {} {} ({}: lines {})",
                s.count,
                s.reason,
                s.file,
                lines(&s.lines)
            )?;
        }
        for h in &self.no_home {
            writeln!(
                w,
                "  no home: `{}` ({} values, {})",
                h.field, h.values, h.file
            )?;
        }
        writeln!(w, "  property types: {}", self.types_line())?;
        for warning in &self.warnings {
            writeln!(w, "  warning: {warning}")?;
        }
        if self.errors > 0 {
            writeln!(w, "  errors: {} (run `validate` to see them)", self.errors)?;
        }
        if self.left_out_owners.as_ref().is_some_and(Vec::is_empty) {
            writeln!(w, "  owners: every one a user or a team of the workspace")?;
        }
        for o in self.left_out_owners.iter().flatten() {
            writeln!(
                w,
                "  owner left out: `{}` (no such user or team; {}, {})",
                o.name, o.resource, o.at
            )?;
        }
        writeln!(
            w,
            "  writes: {} ({}about {} at {WRITES_PER_MINUTE}/min)",
            self.writes,
            self.lease_note(),
            self.duration()
        )
    }

    /// Markdown, for the migration's pull request.
    ///
    /// # Errors
    /// When `w` cannot be written.
    pub(crate) fn write_markdown(&self, w: &mut dyn Write) -> io::Result<()> {
        let c = &self.counts;
        writeln!(w, "### Migration report\n")?;
        writeln!(w, "| carried | count |\n|---|---|")?;
        writeln!(w, "| categories | {} |", c.categories)?;
        writeln!(w, "| events | {} |", c.events)?;
        writeln!(w, "| properties | {} |", c.properties)?;
        if !self.tags.is_empty() {
            writeln!(w, "\nTags used: {}.", self.tags_line())?;
        }
        if !self.skipped.is_empty() {
            writeln!(w, "\n| skipped | rows | where |\n|---|---|---|")?;
            for s in &self.skipped {
                let at = format!("`{}` lines {}", s.file, lines(&s.lines));
                writeln!(w, "| {} | {} | {at} |", s.reason, s.count)?;
            }
        }
        if !self.no_home.is_empty() {
            writeln!(w, "\n| no home in Secoda | values | file |\n|---|---|---|")?;
            for h in &self.no_home {
                writeln!(w, "| `{}` | {} | `{}` |", h.field, h.values, h.file)?;
            }
        }
        writeln!(w, "\nProperty types: {}.", self.types_line())?;
        if !self.warnings.is_empty() || self.errors > 0 {
            writeln!(w)?;
            for warning in &self.warnings {
                writeln!(w, "- {warning}")?;
            }
            if self.errors > 0 {
                writeln!(w, "- {} errors: run `secoda-sync validate`", self.errors)?;
            }
        }
        if let Some(owners) = self.left_out_owners.as_ref().filter(|o| !o.is_empty()) {
            writeln!(
                w,
                "\n| owner left out (no such user or team) | resource | where |\n|---|---|---|"
            )?;
            for o in owners {
                writeln!(w, "| `{}` | {} | `{}` |", o.name, o.resource, o.at)?;
            }
        }
        writeln!(
            w,
            "\n**Writes:** {} ({}about {} at {WRITES_PER_MINUTE}/min)",
            self.writes,
            self.lease_note(),
            self.duration()
        )
    }
}

/// Up to ten lines, then `...`.
fn lines(lines: &[u32]) -> String {
    let shown: Vec<String> = lines.iter().take(10).map(u32::to_string).collect();
    let more = if lines.len() > 10 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}
