//! Integration tests, one binary with a module per topic.

mod client;
mod client_sandbox;
mod sandbox;
