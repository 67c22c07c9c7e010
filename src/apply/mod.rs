//! Applying a plan: one run from a confirmed plan to its [`ApplyOutcome`] (`outcome`), the
//! executor, its write bodies, cancellation, progress, the report, the decisions before it
//! (policy), the monitor run after it, saving the workspace's record of fields not kept
//! (`save_record`; the run's findings are a `plan::fidelity::Ledger`), the `apply --json` document,
//! and the lease (taken, renewed, checked before each write) and the checks that keep
//! concurrent applies from making twins (prewrite).

pub mod cancel;
pub mod document;
pub mod executor;
pub mod lease;
pub mod monitors_run;
pub mod outcome;
pub mod policy;
pub mod prewrite;
pub mod progress;
pub mod renewal;
pub mod report;
pub mod save_record;
pub mod send;
pub mod under_lease;
pub mod write;

pub use cancel::{Cancel, Stage};
pub use document::ApplyDocument;
pub use executor::{execute, ExecOptions};
pub use lease::{Lease, LeaseError, LeaseOptions};
pub use monitors_run::{run_monitors, MonitorRun, RunFailed};
pub use outcome::{run, ApplyOutcome, ApplySettings, RunError, Verdict};
pub use prewrite::PreWriteCheck;
pub use progress::Progress;
pub use renewal::{Lost, Watch};
pub use report::{Failure, Made, NotMade, Outcome, Report};
pub use send::send;
pub use under_lease::write_under_lease;
pub use write::{write_for, Editable, WriteCall, WriteError};
