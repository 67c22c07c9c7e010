//! The manifest layer's own input vocabulary (formats, empty-cell policy, load options), so
//! that loading needs nothing from the command line: `cli` converts its flags into these.

use std::path::PathBuf;

/// A manifest format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// YAML (`version: 1`).
    Yaml,
    /// CSV, one row per property.
    Csv,
    /// JSON Lines, one record per line.
    Jsonl,
    /// A vendor's JSON tracking plan (`--from segment-json|avo-json`).
    Json,
}

/// A vendor's tracking-plan export, read as it is (`--from`). The variants' comments are the
/// help of `--from`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// Avo CSV (one row per event and property).
    Avo,
    /// Amplitude Data CSV (typed event and property rows).
    Amplitude,
    /// Segment Protocols CSV (an event row, then its property rows).
    Segment,
    /// Segment tracking-plan rules (JSON Schema).
    SegmentJson,
    /// Avo JSON (`events[]` with JSON Schema rules).
    AvoJson,
}

/// What an empty CSV cell means (`--csv-empty`; the variants' comments are its values' help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvEmpty {
    /// Leave the field unmanaged (a spreadsheet cannot tell blank from clear).
    #[default]
    Ignore,
    /// Manage the field as empty (clear it on the server).
    Clear,
}

/// Where manifests come from and how to read them.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Files, directories, or `-` for stdin.
    pub paths: Vec<PathBuf>,
    /// Overrides or supplies the manifests' integration.
    pub integration: Option<String>,
    /// Column mapping for CSV files with foreign headers.
    pub csv_map: Option<PathBuf>,
    /// What an empty CSV cell means.
    pub csv_empty: CsvEmpty,
    /// A YAML file holding a `rules:` map (instead of one in the manifests).
    pub rules: Option<PathBuf>,
    /// Format of `-` (stdin).
    pub stdin_format: Option<InputFormat>,
    /// How to read vendor exports: the preset, Segment's category label and default category.
    pub preset: PresetOptions,
}

/// How vendor exports are read (`--from`, `--category-label`, `--default-category`).
#[derive(Debug, Clone, Default)]
pub struct PresetOptions {
    /// The preset every file is read with; `None` tells it from each file's header.
    pub from: Option<Preset>,
    /// The Segment label holding the category (`category` when `None`).
    pub category_label: Option<String>,
    /// The category of events whose export names none.
    pub default_category: Option<String>,
}

/// Where the tracking-plan fields of properties (`type`, `is_required`, `is_array_type`,
/// `enum_values`, `regex`) go (`--property-types`): not every workspace keeps them as fields.
/// The variants' comments are the help of the flag's values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum PropertyTypes {
    /// Written to the property's own fields, as the API names them (the default).
    #[default]
    Native,
    /// Rendered as a table between `<!-- secoda-sync:tracking -->` markers in the property's
    /// definition, for workspaces that refuse or drop the fields; text outside the block is
    /// kept, and export reads the block back.
    Definition,
    /// Ignored: neither sent nor compared.
    Off,
}
