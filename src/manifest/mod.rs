//! The input side: manifest model, the YAML/CSV/JSONL readers, defaults and validation.

pub(crate) mod csv;
pub(crate) mod diagnostics;
pub(crate) mod document;
pub(crate) mod fields;
mod fragment;
pub(crate) mod generate;
pub(crate) mod jsonl;
pub mod load;
mod merge;
pub(crate) mod model;
mod node;
pub(crate) mod options;
pub(crate) mod presets;
mod rule_config;
pub(crate) mod rules;
mod stream;
pub(crate) mod tracking_block;
pub(crate) mod validate;
mod walk;
pub mod write;
mod yaml;

pub use diagnostics::Code;
pub(crate) use diagnostics::{Diagnostic, Severity};
pub use load::load;
pub use load::load_sources;
pub(crate) use load::{load_rules, Loaded};
pub use load::{Content, SourceFile};
pub use model::*;
pub use options::{CsvEmpty, InputFormat, LoadOptions, Preset, PresetOptions, PropertyTypes};
