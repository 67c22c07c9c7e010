//! The read-only `monitors status` feature: what it reads from the workspace, and the document
//! and table that is shaped into.

pub mod document;
mod read;

pub use document::StatusDocument;
pub use read::{read, Observed};
