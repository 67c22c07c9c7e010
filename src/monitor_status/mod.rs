//! The read-only `monitors status` feature: what it reads from the workspace, and the document
//! and table that is shaped into.

pub(crate) mod document;
mod read;

pub(crate) use document::StatusDocument;
pub(crate) use read::read;
