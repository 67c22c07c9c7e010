//! secoda-sync: keep a Secoda workspace's tracking plan and monitors in line with manifests.
//!
//! Data flows one way: manifests -> desired state ([`manifest`]); API -> live state ([`api`]);
//! diff(desired, live) -> plan ([`plan`]); plan -> executor -> API.

pub mod api;
pub mod apply;
pub use secoda_sync_atomic as atomic;
pub mod audit;
pub mod cli;
pub mod commands;
pub mod config_file;
pub mod doctor;
/// The commands' error and exit codes, at the path the commands have always named.
pub use commands::error;
pub mod drift;
pub mod export;
pub mod fields;
pub mod git;
pub mod manifest;
pub mod monitor_status;
pub mod output;
pub mod pipeline;
pub mod plan;
pub use secoda_sync_sandbox as sandbox;
pub mod workspace;
