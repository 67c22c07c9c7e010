//! Planning: natural keys, the pure diff of desired against live state, and the plan's renderings.

pub mod key;
pub mod model;

pub use key::{Key, Kind};
pub use model::*;
