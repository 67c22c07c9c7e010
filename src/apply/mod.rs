//! Applying a plan: the executor, its write bodies, cancellation, progress, the report, the
//! read-back check of every answer, the decisions around it (policy) and the monitor run
//! after it.

pub mod cancel;
pub mod executor;
pub mod monitors_run;
pub mod perform;
pub mod policy;
pub mod progress;
pub mod readback;
pub mod report;
pub mod write;

pub use cancel::{Cancel, Stage};
pub use executor::{execute, ExecOptions};
pub use monitors_run::{run_monitors, MonitorRun, RunFailed};
pub use perform::perform;
pub use progress::Progress;
pub use readback::{NotKept, ReadBack};
pub use report::{Outcome, Report};
pub use write::{write_for, Write, WriteError};
