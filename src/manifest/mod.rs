//! The input side: manifest model, the YAML/CSV/JSONL readers, defaults and validation.

pub mod model;

pub use model::*;
