//! The Secoda API: wire types, the endpoint table, and the HTTP client.
//!
//! [`Client`] is one type whose calls are split by concern: `client` (the core), `resources`,
//! `monitors`, `lookups`, `idempotent`, `probe`; a call's path through `call`, `paging`, `retry`,
//! `redirect`, `limit` and `call_log`; what a caller sets in `client_config`, `token`, `filter`.

mod call;
mod call_log;
pub mod client;
mod client_config;
pub mod endpoints;
pub mod error;
mod field;
mod filter;
pub mod gate;
mod idempotent;
mod limit;
mod lookups;
mod monitors;
pub mod paging;
pub mod presence;
mod probe;
pub mod rate;
mod redirect;
mod resources;
pub mod retry;
mod stats;
pub mod token;
pub mod types;

pub use call_log::{LogLevel, LogSink};
pub use client::Client;
pub use client_config::ClientConfig;
pub use endpoints::Endpoint;
pub use error::ApiError;
pub use field::{WireKind, WireRef};
pub use filter::{ListFilter, MeasurementFilter};
pub use gate::WriteGate;
pub use presence::Absent;
pub use probe::Probe;
pub use rate::Rate;
pub use resources::ResourceKind;
pub use retry::RetryPolicy;
pub use stats::ClientStats;
pub use token::Token;
pub use types::*;
