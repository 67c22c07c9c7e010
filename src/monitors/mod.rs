//! Monitors as a feature over the workspace: today the read-only `monitors status` view
//! (what is read, and the document and table it is shaped into).

mod read;
pub mod status;

pub use read::{read, Observed};
pub use status::StatusDocument;
