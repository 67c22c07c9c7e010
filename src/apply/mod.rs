//! Applying a plan: one run from a confirmed plan to its [`ApplyOutcome`] (`outcome`), the
//! executor, its write bodies, cancellation, progress, the report, the decisions before it
//! (policy), the monitor run after it, saving the workspace's record of fields not kept
//! (`save_record`; the run's findings are a `plan::fidelity::Ledger`), the `apply --json` document,
//! and the lease (taken, renewed, checked before each write) and the checks that keep
//! concurrent applies from making twins (prewrite).

pub(crate) mod cancel;
pub(crate) mod document;
pub(crate) mod executor;
pub(crate) mod lease;
pub(crate) mod monitors_run;
pub(crate) mod outcome;
pub(crate) mod policy;
pub(crate) mod prewrite;
pub(crate) mod progress;
pub(crate) mod renewal;
pub(crate) mod report;
pub(crate) mod save_record;
pub mod send;
pub(crate) mod under_lease;
pub(crate) mod write;

pub use cancel::{Cancel, Stage};
pub use document::ApplyDocument;
pub use executor::{execute, ExecOptions};
pub use lease::LeaseOptions;
pub(crate) use lease::{Lease, LeaseError};
pub(crate) use monitors_run::{MonitorRun, RunFailed};
pub(crate) use outcome::{run, ApplyOutcome, ApplySettings, RunError, Verdict};
pub use progress::Progress;
pub use renewal::Lost;
pub use report::Outcome;
pub use report::Report;
pub use send::send;
pub use write::write_for;
