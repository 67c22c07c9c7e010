//! Integration tests, one binary with a module per topic.

mod client;
mod sandbox;
