//! `doctor`: a read-only check of a workspace for the first minute with a new token or region.
//! Every call is a GET ([`Client::probe`](crate::api::Client::probe)); what each list answers,
//! in both slash forms, is judged against what the tool needs and what Secoda's reference
//! leaves open (filters it does not document, a deprecated events list, paging quirks).

mod envelope;
mod examine;
mod judge;
pub(crate) mod report;

pub(crate) use examine::examine;
pub use report::DoctorReport;

use crate::api::ReadPace;

/// What the check needs to know about how the tool is configured.
#[derive(Debug, Clone, Default)]
pub(crate) struct DoctorOptions {
    /// `us`, `eu`, `apac`, `sandbox`, or `None` for another host.
    pub region: Option<String>,
    /// The tool sends `/path/` forms (`--trailing-slash`).
    pub trailing_slash: bool,
    /// The read pace (`--read-rate`), for the planning estimate.
    pub read_pace: ReadPace,
    /// Requests in flight at once (`--concurrency`).
    pub concurrency: usize,
}

/// Why the check could not go on.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DoctorError {
    /// 401/403 on the first authenticated call.
    #[error("the token was refused by {host}: GET {path} -> {status} (check SECODA_API_TOKEN or --token-file)")]
    TokenRefused {
        /// The host asked (no credentials, no path).
        host: String,
        /// The call.
        path: String,
        /// 401 or 403.
        status: u16,
    },
    /// No answer at all.
    #[error(
        "cannot reach {host}: GET {path}: {reason} (check --api-url / --region and the network)"
    )]
    Unreachable {
        /// The host asked.
        host: String,
        /// The call.
        path: String,
        /// What went wrong.
        reason: String,
    },
}
