//! What `doctor` found, as one stable JSON document (`schemas/doctor.schema.json`) and as the
//! text a person reads in the first minute with a new token or region.

use crate::output::printable;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// The version of the document's shape; bumped on any incompatible change.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `doctor --format json`: everything the check saw, and what it makes of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorReport {
    /// Always 1 for this shape.
    pub format_version: u32,
    /// The base URL checked (for `--sandbox`, the sandbox's local address).
    pub host: String,
    /// `us`, `eu`, `apac` for Secoda's regional hosts, `sandbox`; `null` for any other host
    /// (single-tenant or self-hosted).
    pub region: Option<String>,
    /// Whether the listed calls used `/path/` forms (`--trailing-slash`).
    pub trailing_slash: bool,
    /// The call the token was checked with; a refused token ends the check with an error.
    pub token: TokenCheck,
    /// `GET /healthcheck`.
    pub healthcheck: Answer,
    /// Every list the tool reads, in both slash forms.
    pub endpoints: Vec<EndpointCheck>,
    /// The page envelope as the lists answered it.
    pub pagination: Pagination,
    /// Whether the category list honours `integration_id` (the reference documents only
    /// `title`).
    pub category_filter: CategoryFilter,
    /// How events can be listed.
    pub events: EventsCheck,
    /// The monitors list with and without the `/api/v1` prefix.
    pub monitors: MonitorsCheck,
    /// The integrations the token can see, with their sizes.
    pub integrations: Vec<IntegrationSeen>,
    /// Read latency, and what it means for planning.
    pub latency: Latency,
    /// One verdict per check, in the order they ran.
    pub findings: Vec<Finding>,
    /// Counts of the findings by level.
    pub summary: FindingCounts,
}

/// The call the token was checked with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenCheck {
    /// Always true in a report (a refused token is an error, exit 1).
    pub accepted: bool,
    /// The path it was checked on.
    pub path: String,
    /// The status answered.
    pub status: Option<u16>,
}

/// What one GET answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Answer {
    /// The path asked for.
    pub path: String,
    /// The HTTP status; `null` when no answer came.
    pub status: Option<u16>,
    /// Milliseconds on the wire (pacing waits left out).
    pub ms: f64,
    /// Whether the body was JSON.
    pub json: bool,
    /// Where a redirect pointed (redirects are reported, not followed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Why no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Answer {
    /// Answered 2xx.
    #[must_use]
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// `200`, `404`, `301 -> /x/`, or `no answer`, for the text.
    #[must_use]
    pub fn short(&self) -> String {
        match (self.status, &self.location) {
            (Some(s), Some(to)) => format!("{s} -> {}", printable(to)),
            (Some(s), None) => s.to_string(),
            (None, _) => "no answer".to_owned(),
        }
    }
}

/// One list endpoint in both forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointCheck {
    /// What the tool reads there, e.g. `categories`.
    pub name: String,
    /// The documented path.
    pub path: String,
    /// The form the tool sends: `plain` or `slash` (the documented form, or `/path/` with
    /// `--trailing-slash`).
    pub sent: String,
    /// The answer without a trailing slash.
    pub plain: Answer,
    /// The answer with a trailing slash.
    pub slash: Answer,
}

impl EndpointCheck {
    /// The answer to the form the tool sends.
    #[must_use]
    pub fn sent_answer(&self) -> &Answer {
        if self.sent == "slash" {
            &self.slash
        } else {
            &self.plain
        }
    }

    /// The answer to the other form.
    #[must_use]
    pub fn other_answer(&self) -> &Answer {
        if self.sent == "slash" {
            &self.plain
        } else {
            &self.slash
        }
    }
}

/// The page envelope seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pagination {
    /// `envelope` (`links`, `meta`, `count`, `results`), `bare_array`, `mixed`, or `unknown`
    /// when no list answered.
    pub shape: String,
    /// Items on a full page, when some list had a next page; `null` when every list fit on
    /// one page.
    pub page_size: Option<u64>,
    /// The most items any first page held.
    pub largest_page: u64,
    /// Whether `page_size=1` was honoured (on the integrations list); `null` when it could
    /// not tell (fewer than two integrations).
    pub page_size_param: Option<bool>,
    /// Envelope fields seen holding the string `"None"` instead of null.
    pub none_strings: Vec<String>,
    /// `links.next` values seen, and whether they point elsewhere.
    pub next_links: Vec<NextLink>,
    /// Page 2 read with `?page=2` on the configured host, when some list had one.
    pub page_two: Option<Answer>,
}

/// One `links.next` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NextLink {
    /// The list it came from.
    pub list: String,
    /// The link as sent.
    pub link: String,
    /// `null` when it names the list itself on the configured host; else `another host` or
    /// `another path` (the client never follows it: it reads `?page=N` on the list).
    pub foreign: Option<String>,
}

/// The category list's integration filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CategoryFilter {
    /// The integration asked for (`integration_id=`); `null` when the check could not be made.
    pub asked_for: Option<String>,
    /// Categories on the first page answered.
    pub returned: usize,
    /// Of those, categories of other integrations.
    pub foreign: usize,
    /// `true` / `false`; `null` when the workspace holds too little to tell.
    pub honoured: Option<bool>,
}

/// How events can be listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventsCheck {
    /// The resource list with `{"operator":"exact","field":"type","value":"event"}`.
    pub resource_list: Answer,
    /// The deprecated `GET /api/v1/event/events`.
    pub deprecated_list: Answer,
    /// Which one the tool reads: `resource_list`, `deprecated_list`, or `null` (neither).
    pub used: Option<String>,
}

/// The monitors list with and without `/api/v1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MonitorsCheck {
    /// `/api/v1/monitor/monitors` (what the tool sends).
    pub with_prefix: Answer,
    /// `/monitor/monitors` (the reference's request samples).
    pub without_prefix: Answer,
}

/// An integration and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IntegrationSeen {
    /// Id.
    pub id: String,
    /// Name (what manifests name).
    pub name: String,
    /// Kind, e.g. `segment`.
    #[serde(rename = "type")]
    pub integration_type: String,
    /// Its events; `null` when they could not be counted.
    pub events: Option<u64>,
    /// Its event properties; `null` when they could not be counted.
    pub properties: Option<u64>,
}

/// Read latency and what it means for planning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Latency {
    /// Answered calls measured.
    pub calls: usize,
    /// Median milliseconds.
    pub p50_ms: f64,
    /// 95th percentile milliseconds.
    pub p95_ms: f64,
    /// The configured read pace (`--read-rate`), e.g. `10/s` or `auto (up to 50/s)`; `null`
    /// when unpaced.
    pub read_rate: Option<String>,
    /// Requests in flight at once (`--concurrency`).
    pub concurrency: usize,
    /// What a `plan` of each integration with events would read, biggest first.
    pub plan_estimates: Vec<PlanEstimate>,
}

/// The reads a `plan` of one integration makes, and how long they take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanEstimate {
    /// The integration's name.
    pub integration: String,
    /// List pages a plan reads (lookups, categories, events, properties, monitors).
    pub pages: u64,
    /// Seconds those reads take: the read pace or the latency, whichever is slower.
    pub seconds: f64,
    /// `read_rate` or `latency`: which of the two sets the pace.
    pub bound_by: String,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "Level")]
pub enum FindingLevel {
    /// As the tool needs it.
    Ok,
    /// Differs from what one might expect; the tool copes.
    Note,
    /// The tool copes, but something should change (a flag, an endpoint that may go away).
    Warn,
    /// Something the tool needs does not work: the command exits 1.
    Fail,
}

impl FindingLevel {
    fn word(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Note => "note",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
        }
    }
}

/// One verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The check: `token`, `healthcheck`, `endpoints`, `pagination`, `category_filter`,
    /// `events`, `monitors`, `integrations`, `latency`.
    pub check: String,
    /// How serious it is.
    pub level: FindingLevel,
    /// What was seen, in a sentence.
    pub message: String,
}

/// Counts of the findings by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Summary")]
pub struct FindingCounts {
    /// `ok` findings.
    pub ok: usize,
    /// `note` findings.
    pub notes: usize,
    /// `warn` findings.
    pub warnings: usize,
    /// `fail` findings (the command exits 1 when there is one).
    pub failures: usize,
}

impl FindingCounts {
    /// Counts `findings`.
    #[must_use]
    pub fn of(findings: &[Finding]) -> Self {
        let n = |l: FindingLevel| findings.iter().filter(|f| f.level == l).count();
        Self {
            ok: n(FindingLevel::Ok),
            notes: n(FindingLevel::Note),
            warnings: n(FindingLevel::Warn),
            failures: n(FindingLevel::Fail),
        }
    }
}

impl DoctorReport {
    /// Whether every check passed well enough for the tool to work (no `fail` finding).
    #[must_use]
    pub fn healthy(&self) -> bool {
        self.summary.failures == 0
    }

    /// Writes the document as pretty JSON and a newline.
    ///
    /// # Errors
    /// When `w` fails.
    pub fn render_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(io::Error::from)?;
        writeln!(w)
    }

    /// Writes the findings, then the endpoint and integration tables.
    ///
    /// # Errors
    /// When `w` fails.
    pub fn render_text(&self, w: &mut dyn Write) -> io::Result<()> {
        let region = self.region.as_deref().unwrap_or("custom host");
        writeln!(w, "Checked {} ({region})", printable(&self.host))?;
        writeln!(w)?;
        let width = self
            .findings
            .iter()
            .map(|f| f.check.len())
            .max()
            .unwrap_or(0);
        for f in &self.findings {
            writeln!(
                w,
                "{:<4}  {:<width$}  {}",
                f.level.word(),
                f.check,
                printable(&f.message)
            )?;
        }
        writeln!(w)?;
        let path_width = self
            .endpoints
            .iter()
            .map(|e| e.path.len())
            .chain([self.monitors.without_prefix.path.len(), 4])
            .max()
            .unwrap_or(4);
        writeln!(
            w,
            "{:<12}  {:<path_width$}  {:<14}  {:<14}  MS",
            "LIST", "PATH", "PLAIN", "SLASH"
        )?;
        for e in &self.endpoints {
            writeln!(
                w,
                "{:<12}  {:<path_width$}  {:<14}  {:<14}  {:.1}",
                e.name,
                e.path,
                e.plain.short(),
                e.slash.short(),
                e.sent_answer().ms
            )?;
        }
        let short = &self.monitors.without_prefix;
        writeln!(
            w,
            "{:<12}  {:<path_width$}  {:<14}  {:<14}  {:.1}",
            "monitors",
            short.path,
            short.short(),
            "-",
            short.ms
        )?;
        if !self.integrations.is_empty() {
            writeln!(w)?;
            let name_width = self
                .integrations
                .iter()
                .map(|i| printable(&i.name).chars().count())
                .chain([11])
                .max()
                .unwrap_or(11);
            writeln!(
                w,
                "{:<name_width$}  {:<12}  {:>8}  {:>10}  ID",
                "INTEGRATION", "TYPE", "EVENTS", "PROPERTIES"
            )?;
            let count = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
            for i in &self.integrations {
                writeln!(
                    w,
                    "{:<name_width$}  {:<12}  {:>8}  {:>10}  {}",
                    printable(&i.name),
                    printable(&i.integration_type),
                    count(i.events),
                    count(i.properties),
                    i.id
                )?;
            }
        }
        writeln!(w)?;
        let s = self.summary;
        let verdict = if self.healthy() {
            "the tool can work with this workspace"
        } else {
            "fix the failures above first"
        };
        writeln!(
            w,
            "{} ok, {} notes, {} warnings, {} failures: {verdict}.",
            s.ok, s.notes, s.warnings, s.failures
        )
    }
}

/// The JSON Schema of [`DoctorReport`], as written to `schemas/doctor.schema.json`.
#[must_use]
pub(crate) fn schema_json() -> String {
    crate::output::schema::schema_json::<DoctorReport>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_file_is_up_to_date() {
        crate::output::schema::assert_schema_file_fresh("doctor.schema.json", &schema_json());
    }

    #[test]
    fn summary_counts_levels_and_a_failure_is_unhealthy() {
        let f = |level| Finding {
            check: "x".into(),
            level,
            message: String::new(),
        };
        let s = FindingCounts::of(&[
            f(FindingLevel::Ok),
            f(FindingLevel::Note),
            f(FindingLevel::Fail),
            f(FindingLevel::Ok),
        ]);
        assert_eq!((s.ok, s.notes, s.warnings, s.failures), (2, 1, 0, 1));
        assert!(FindingLevel::Fail > FindingLevel::Warn && FindingLevel::Warn > FindingLevel::Note);
    }
}
