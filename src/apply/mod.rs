//! Applying a plan: the executor, its write bodies, cancellation, progress and the report.

pub mod cancel;
pub mod executor;
pub mod perform;
pub mod progress;
pub mod report;
pub mod write;

pub use cancel::{Cancel, Stage};
pub use executor::{execute, ExecOptions};
pub use perform::perform;
pub use progress::Progress;
pub use report::{Outcome, Report};
pub use write::{write_for, Write, WriteError};
