//! Applying a plan: one run from a confirmed plan to its [`ApplyOutcome`] (`outcome`), the
//! executor, its write bodies, cancellation, progress, the report, the read-back check of
//! every answer, the decisions before it (policy), the monitor run after it, the stop on
//! tracking fields the workspace refuses or drops (holdback), the `apply --json` document,
//! and the lease (taken, renewed, checked before each write) and the checks that keep
//! concurrent applies from making twins (prewrite).

pub mod cancel;
pub mod document;
pub mod executor;
pub mod holdback;
pub mod lease;
pub mod leased;
pub mod monitors_run;
pub mod outcome;
pub mod perform;
pub mod policy;
pub mod prewrite;
pub mod progress;
pub mod readback;
pub mod record;
pub mod renewal;
pub mod report;
pub mod write;

pub use cancel::{Cancel, Stage};
pub use document::ApplyDocument;
pub use executor::{execute, ExecOptions};
pub use holdback::Holdback;
pub use lease::{Lease, LeaseError, LeaseOptions};
pub use leased::execute_leased;
pub use monitors_run::{run_monitors, MonitorRun, RunFailed};
pub use outcome::{run, ApplyOutcome, ApplySettings, RunError, Verdict};
pub use perform::perform;
pub use prewrite::PreWriteCheck;
pub use progress::Progress;
pub use readback::{NotKept, ReadBack};
pub use renewal::{Lost, Watch};
pub use report::{Failure, Made, NotMade, Outcome, Report};
pub use write::{write_for, Editable, WriteCall, WriteError};
