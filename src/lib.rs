//! secoda-sync: keep a Secoda workspace's tracking plan and monitors in line with manifests.
//!
//! Data flows one way: manifests -> desired state ([`manifest`]); API -> live state ([`api`]);
//! diff(desired, live) -> plan ([`plan`]); plan -> executor -> API.

pub mod api;
pub mod apply;
pub mod atomic;
pub mod cli;
pub mod commands;
pub mod error;
pub mod export;
pub mod live;
pub mod manifest;
pub mod monitors;
pub mod output;
pub mod plan;
pub mod sandbox;
