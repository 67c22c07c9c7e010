//! The Secoda API: wire types, the endpoint table, and (in `client`) the HTTP client.

pub mod client;
pub mod endpoints;
pub mod error;
mod limit;
pub mod paging;
pub mod rate;
pub mod retry;
pub mod types;

pub use client::{
    Client, ClientConfig, ClientStats, ListFilter, LogLevel, LogSink, MeasurementFilter, Token,
};
pub use endpoints::Endpoint;
pub use error::ApiError;
pub use rate::Rate;
pub use retry::RetryPolicy;
pub use types::*;
