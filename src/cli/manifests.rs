//! Where the manifests come from and how to read them (shared by `validate`, `plan`, `apply`;
//! `export` shares the format).

use clap::{Args, ValueEnum};
use std::path::PathBuf;

pub(crate) use crate::manifest::{CsvEmpty, Preset, PropertyTypes};

/// Which manifest format stdin holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// YAML (`version: 1`).
    Yaml,
    /// CSV, one row per property.
    Csv,
    /// JSON Lines, one record per line.
    Jsonl,
}

/// `--property-types`, shared by every command that reads manifests and by `export`.
#[derive(Debug, Clone, Copy, Args)]
#[command(next_help_heading = "Manifests")]
pub struct PropertyTypesArgs {
    /// Where properties' `type`, `is_required`, `is_array_type`, `enum_values` and `regex` go:
    /// their own fields, a block of the definition, or nowhere.
    #[arg(long, value_enum, value_name = "WHERE", default_value_t = PropertyTypes::Native)]
    pub property_types: PropertyTypes,
}

/// Where the manifests come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct ManifestArgs {
    /// Manifest files or directories (a directory loads its *.yaml, *.yml, *.csv and *.jsonl,
    /// not recursively); `-` reads one manifest from stdin.
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// A YAML file holding a `rules:` map (tracking-plan rules), instead of one in the manifests.
    #[arg(long, value_name = "FILE", help_heading = "Manifests")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Manifest-reading options (without paths, so `export` can share them).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Manifests")]
pub struct InputArgs {
    /// The integration (UUID or name), overriding or supplying the manifests' `integration`.
    #[arg(long, value_name = "NAME|UUID")]
    pub integration: Option<String>,
    /// Column mapping for CSV with foreign headers (YAML: our column -> their header, plus
    /// `ignore`, `values` and `delimiter`).
    #[arg(long, value_name = "FILE")]
    pub csv_map: Option<PathBuf>,
    /// What an empty CSV cell means.
    #[arg(long, value_enum, default_value_t = CsvEmpty::Ignore)]
    pub csv_empty: CsvEmpty,
    /// Format of a manifest read from stdin (`-`); without it the content tells (JSON lines,
    /// a CSV header, else YAML).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub stdin_format: Option<InputFormat>,
    #[command(flatten)]
    pub preset: PresetArgs,
    #[command(flatten)]
    pub types: PropertyTypesArgs,
}

/// How vendor exports are read (else each CSV's header tells its preset).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Manifests")]
pub struct PresetArgs {
    /// Read the files as a vendor's export, unedited (e.g. `--from avo plan.csv`).
    #[arg(long, value_enum, value_name = "PRESET")]
    pub from: Option<Preset>,
    /// The Segment label holding an event's category (`category:Checkout`).
    #[arg(long, value_name = "KEY")]
    pub category_label: Option<String>,
    /// The category of events whose export names none.
    #[arg(long, value_name = "TITLE")]
    pub default_category: Option<String>,
}
