//! The one integration-test binary; each topic lives in its own module.

mod apply;
mod apply_json;
mod client;
mod client_sandbox;
mod concurrency;
mod config;
mod doctor;
mod export;
mod gitops;
mod impact;
mod input_safety;
mod lease;
mod manifest;
mod monitors;
mod not_kept;
mod presets;
mod property_types;
mod readback;
mod recipes;
mod rules;
mod safety;
mod sandbox;
mod sandbox_runtime;
mod summary;
mod util;
