//! The Secoda API: wire types, the endpoint table, and (in `client`) the HTTP client.

pub mod endpoints;
pub mod rate;
pub mod types;

pub use endpoints::Endpoint;
pub use rate::Rate;
pub use types::*;
