//! The one integration-test binary; each topic lives in its own module.

mod apply;
mod client;
mod manifest;
mod sandbox;
