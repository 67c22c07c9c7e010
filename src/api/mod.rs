//! The Secoda API: wire types, the endpoint table, and the HTTP client.
//!
//! [`Client`] is one type whose calls are split by concern: `client` (the core), `resources`,
//! `monitors`, `lookups`, `idempotent`, `probe`; a call's path through `call`, `paging`, `retry`,
//! `redirect`, `limit` and `call_log`; what a caller sets in `client_config`, `token`, `filter`.

mod call;
mod call_log;
pub(crate) mod client;
mod client_config;
pub(crate) mod endpoints;
pub(crate) mod error;
mod field;
mod filter;
pub(crate) mod gate;
mod idempotent;
mod limit;
mod lookups;
mod monitors;
pub(crate) mod paging;
pub(crate) mod presence;
mod probe;
pub(crate) mod rate;
mod read_pace;
mod redirect;
mod resources;
pub(crate) mod retry;
mod stats;
pub(crate) mod token;
pub(crate) mod types;

pub use call_log::{LogLevel, LogSink};
pub use client::Client;
pub use client_config::ClientConfig;
pub(crate) use endpoints::Endpoint;
pub use error::ApiError;
pub(crate) use field::WireRef;
pub use filter::{ListFilter, MeasurementFilter};
pub(crate) use gate::WriteGate;
pub(crate) use presence::Absent;
pub(crate) use probe::Probe;
pub use rate::Rate;
pub use read_pace::ReadPace;
pub(crate) use read_pace::{ReadPaceError, ReadRateChoice};
pub use resources::ResourceKind;
pub use retry::RetryPolicy;
pub(crate) use stats::ClientStats;
pub use token::Token;
pub use types::*;
