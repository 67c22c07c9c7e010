//! The input side: manifest model, the YAML/CSV/JSONL readers, defaults and validation.

pub mod csv;
pub mod diagnostics;
pub mod document;
pub mod fields;
mod fragment;
pub mod generate;
pub mod jsonl;
pub mod load;
mod merge;
pub mod model;
mod node;
pub mod options;
pub mod presets;
mod rule_config;
pub mod rules;
pub mod tracking_block;
pub mod validate;
mod walk;
pub mod write;
mod yaml;

pub use diagnostics::{Code, Diagnostic, Location, Severity};
pub use load::{load, load_rules, load_sources, Loaded, SourceFile};
pub use model::*;
pub use options::{CsvEmpty, InputFormat, LoadOptions, Preset, PresetOptions, PropertyTypes};
