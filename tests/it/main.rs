//! The one integration-test binary; each topic lives in its own module.

mod apply;
mod client;
mod client_sandbox;
mod export;
mod input_safety;
mod manifest;
mod monitors;
mod recipes;
mod rules;
mod sandbox;
mod util;
