//! Planning: natural keys, the desired model, name resolution, the pure diff of desired against
//! live state, the plan's renderings and the saved-plan format.

pub mod desired;
pub mod diff;
pub mod fidelity;
pub mod integration_kind;
pub mod key;
pub mod lookalikes;
pub mod model;
pub mod naming;
#[cfg(test)]
pub(crate) mod naming_fixtures;
pub mod offline;
pub mod preflight;
pub mod property_types;
pub mod render;
pub mod reserved;
pub mod resolve;
pub mod saved;
pub mod scope_check;
pub mod twins;
pub mod verify;

pub use desired::Resolved;
pub use diff::diff;
pub use key::{Key, Kind};
pub use model::*;
pub use resolve::{resolve, Lookups, ResolveError};

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testutil;
