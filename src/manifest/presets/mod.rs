//! Vendor tracking-plan exports (Avo, Amplitude, Segment; CSV and JSON) read as they are, into
//! the same fragments the native readers produce, so merge, validation and diagnostics apply.

mod amplitude;
mod avo;
mod build;
mod json_schema;
mod notes;
mod report;
mod segment;
mod table;
mod types;

pub(crate) use notes::Notes;
pub(crate) use report::{LeftOutOwner, MigrationReport};

use crate::manifest::csv::Delimiter;
use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::fragment::Fragment;
use crate::manifest::node::{Ctx, Value};
use crate::manifest::options::{Preset, PresetOptions};
use crate::manifest::yaml;
use table::Table;

impl Preset {
    /// Every preset, in the order `--from` lists them.
    pub const ALL: &'static [Preset] = &[
        Preset::Avo,
        Preset::Amplitude,
        Preset::Segment,
        Preset::SegmentJson,
        Preset::AvoJson,
    ];

    /// The `--from` name (`segment-json`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Avo => "avo",
            Self::Amplitude => "amplitude",
            Self::Segment => "segment",
            Self::SegmentJson => "segment-json",
            Self::AvoJson => "avo-json",
        }
    }

    /// Whether the preset reads JSON (else CSV).
    #[must_use]
    pub fn is_json(self) -> bool {
        matches!(self, Self::SegmentJson | Self::AvoJson)
    }

    /// The CSV headers a file must have to be read by this preset, as the vendor writes them.
    fn required(self) -> &'static [&'static str] {
        match self {
            Self::Avo => &["Event Name", "Property Name", "Property Value Type"],
            Self::Amplitude => &["Object Type", "Object Name", "Event Property Name"],
            Self::Segment => &[
                "Event Type",
                "Event Name",
                "Property Name",
                "Property Data Type",
            ],
            Self::SegmentJson | Self::AvoJson => &[],
        }
    }
}

/// The CSV preset whose required headers `header` holds (cells as written), if one does.
#[must_use]
pub(crate) fn detect_csv(header: &[&str]) -> Option<Preset> {
    let have: Vec<String> = header.iter().map(|h| table::normalize(h)).collect();
    Preset::ALL
        .iter()
        .copied()
        .filter(|p| !p.is_json())
        .find(|p| missing(*p, &have).is_empty())
}

fn missing(p: Preset, have: &[String]) -> Vec<&'static str> {
    p.required()
        .iter()
        .copied()
        .filter(|r| !have.contains(&table::normalize(r)))
        .collect()
}

/// The CSV preset closest to `header` and the required headers it lacks.
fn closest(header: &[&str]) -> (Preset, Vec<&'static str>) {
    let have: Vec<String> = header.iter().map(|h| table::normalize(h)).collect();
    Preset::ALL
        .iter()
        .copied()
        .filter(|p| !p.is_json())
        .map(|p| (p, missing(p, &have)))
        .min_by_key(|(p, m)| (m.len() * 100) / p.required().len())
        .unwrap_or((Preset::Avo, Vec::new()))
}

/// The first line of a CSV text split into cells (enough to tell a preset by).
fn header_cells(text: &str) -> Vec<String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(Delimiter::sniff(text).byte())
        .from_reader(text.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// How a CSV file is to be read when `--from` does not say.
pub(crate) enum CsvKind {
    /// Our own columns (or a `--csv-map`).
    Native,
    /// A vendor's layout.
    Preset(Preset),
}

/// Tells a CSV file's kind by its header; a header that is neither native nor a preset is a
/// `no-preset` error naming the closest preset and what it lacks.
pub(crate) fn classify_csv(ctx: &mut Ctx<'_>, text: &str, has_map: bool) -> Option<CsvKind> {
    let cells = header_cells(text);
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    if has_map || cells.iter().any(|c| table::normalize(c) == "category") {
        return Some(CsvKind::Native);
    }
    if let Some(p) = detect_csv(&cells) {
        return Some(CsvKind::Preset(p));
    }
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Some(CsvKind::Native);
    }
    let (p, lacks) = closest(&cells);
    let lacks: Vec<String> = lacks.iter().map(|c| format!("`{c}`")).collect();
    ctx.push(
        Diagnostic::at(
            Code::NoPreset,
            ctx.loc(1, 1),
            format!(
                "the header matches no format: the closest is `--from {}`, which also needs {}",
                p.name(),
                lacks.join(", ")
            ),
        )
        .hint("native CSV needs a `category` column; a foreign layout needs --from PRESET or --csv-map FILE"),
    );
    None
}

/// The JSON preset a document's shape implies (`rules` for Segment, `events` for Avo).
pub(crate) fn detect_json(ctx: &mut Ctx<'_>, text: &str) -> Option<Preset> {
    let root = yaml::parse(ctx, text)?;
    if let Value::Map(entries) = &root.value {
        for (k, _) in entries {
            match k.name.as_str() {
                "rules" => return Some(Preset::SegmentJson),
                "events" => return Some(Preset::AvoJson),
                _ => {}
            }
        }
    }
    ctx.push(
        Diagnostic::at(
            Code::NoPreset,
            ctx.loc(root.line, root.column),
            "this JSON is no tracking plan a preset reads (no `rules` or `events` at the top)",
        )
        .hint("pass --from segment-json or --from avo-json"),
    );
    None
}

/// Reads one vendor export into what it declares, and what it did not carry.
pub(crate) fn read(
    ctx: &mut Ctx<'_>,
    text: &str,
    preset: Preset,
    opts: &PresetOptions,
) -> (Fragment, Notes) {
    // Exports pasted together carry a byte-order mark at the start of each part: it is no
    // part of a title (a character that prints as nothing never is), so every one is dropped.
    let unmarked;
    let text = if text.contains('\u{feff}') {
        unmarked = text.replace('\u{feff}', "");
        unmarked.as_str()
    } else {
        text
    };
    let mut b = build::Builder::new(opts);
    match preset {
        Preset::SegmentJson | Preset::AvoJson => json_schema::read(ctx, text, preset, &mut b),
        csv_preset => {
            if let Some(t) = Table::read(ctx, text, csv_preset) {
                match csv_preset {
                    Preset::Avo => avo::read(ctx, &t, &mut b),
                    Preset::Amplitude => amplitude::read(ctx, &t, &mut b),
                    _ => segment::read(ctx, &t, &mut b),
                }
            }
        }
    }
    let (mut frag, notes) = b.finish(ctx);
    frag.implied_tags = used_tags(&frag);
    (frag, notes)
}

/// Every tag the export's events and properties name, once, where first used: the preset
/// declares them, so a tag the workspace lacks is created rather than refused.
fn used_tags(frag: &Fragment) -> Vec<crate::manifest::Tag> {
    let mut seen = std::collections::HashSet::new();
    let events = frag.events.iter().map(|e| (&e.item.fields, &e.item.origin));
    let properties = frag
        .properties
        .iter()
        .map(|p| (&p.item.fields, &p.item.origin));
    events
        .chain(properties)
        .flat_map(|(f, origin)| f.tags.iter().flatten().map(move |n| (n, origin)))
        .map(|(n, origin)| (n.trim(), origin))
        // An id names a tag that exists (or fails to resolve): nothing to create.
        .filter(|(n, _)| !n.is_empty() && uuid::Uuid::parse_str(n).is_err())
        .filter(|(n, _)| seen.insert(n.to_owned()))
        .map(|(n, origin)| crate::manifest::Tag {
            name: n.to_owned(),
            color: None,
            description: None,
            origin: origin.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Diagnostic;
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        #[test]
        fn presets_never_panic_on_random_text(text in "[ -~\n\r\t:{}\\[\\],\"]{0,300}") {
            for p in Preset::ALL {
                let mut diags: Vec<Diagnostic> = Vec::new();
                let mut ctx = Ctx { file: Arc::from("x"), diags: &mut diags };
                let head = "Event Name,Property Name,Property Value Type,Object Type,Object Name,Event Property Name,Event Type,Property Data Type\n";
                let _ = read(&mut ctx, &format!("{head}{text}"), *p, &PresetOptions::default());
                let _ = read(&mut ctx, &text, *p, &PresetOptions::default());
            }
        }
    }

    #[test]
    fn header_detection_ignores_case_and_spacing() {
        let h = [
            "  event   NAME",
            "property name ",
            "Property value type",
            "x",
        ];
        assert_eq!(detect_csv(&h), Some(Preset::Avo));
        let h = ["Object Type", "object name", "Event Property Name"];
        assert_eq!(detect_csv(&h), Some(Preset::Amplitude));
        let h = [
            "Event Type",
            "Event Name",
            "Property Name",
            "Property Data Type",
        ];
        assert_eq!(detect_csv(&h), Some(Preset::Segment));
    }

    #[test]
    fn closest_preset_names_missing_columns() {
        let (p, lacks) = closest(&["Event Name", "Property Name", "Type"]);
        assert_eq!(p, Preset::Avo);
        assert_eq!(lacks, ["Property Value Type"]);
    }
}
