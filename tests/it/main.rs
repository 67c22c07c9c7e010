//! The one integration-test binary; each topic lives in its own module.

mod apply;
mod client;
mod client_sandbox;
mod config;
mod export;
mod gitops;
mod input_safety;
mod manifest;
mod monitors;
mod recipes;
mod sandbox;
mod util;
