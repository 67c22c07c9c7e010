//! Planning: natural keys, the desired model, name resolution, the pure diff of desired against
//! live state, the plan's renderings and the saved-plan format.

pub(crate) mod class;
pub(crate) mod desired;
pub mod diff;
pub(crate) mod fidelity;
pub(crate) mod field_change;
pub(crate) mod integration_kind;
pub(crate) mod key;
pub(crate) mod lookalikes;
pub(crate) mod model;
pub(crate) mod naming;
#[cfg(test)]
pub(crate) mod naming_fixtures;
pub(crate) mod offline;
pub(crate) mod preflight;
pub(crate) mod property_types;
pub(crate) mod renames;
pub(crate) mod render;
pub(crate) mod reserved;
pub(crate) mod resolve;
pub(crate) mod saved;
pub(crate) mod scope_check;
pub(crate) mod twins;
pub(crate) mod verify;

pub use diff::diff;
pub(crate) use field_change::{
    EveryHours, FieldChange, FieldName, MonitorField, PlanValue, TagField,
};
pub(crate) use key::{Key, Kind};
pub use model::*;
pub(crate) use resolve::resolve;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testutil;
