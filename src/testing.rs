//! What the integration tests and benches drive inside the library, and nothing more: the
//! layers themselves are crate-private, so a test reaching for something new adds it here, on
//! purpose. The paths mirror the layers' own (`testing::api::Client` is `api::Client`).

/// The HTTP client and its wire types.
pub mod api {
    pub use crate::api::{
        ApiError, Client, ClientConfig, Id, ListFilter, LogLevel, LogSink, MeasurementFilter,
        MonitorSchedule, MonitorWrite, Rate, ReadPace, Resource, ResourceKind, ResourceWrite,
        RetryPolicy, Tag, Token,
    };
}

/// The executor and its parts, the lease, and the `apply --json` document.
pub mod apply {
    pub use crate::apply::{
        execute, send, write_for, ApplyDocument, Cancel, ExecOptions, LeaseOptions, Lost, Outcome,
        Progress, Report, Stage,
    };

    /// Taking the integration's lease.
    pub mod lease {
        pub use crate::apply::lease::acquire;
    }
}

/// The command line, as clap sees it (for `--help` and parsing checks).
pub mod cli {
    pub use crate::cli::Cli;
}

/// The workspace check's report.
pub mod doctor {
    pub use crate::doctor::DoctorReport;

    /// Its parts.
    pub mod report {
        pub use crate::doctor::report::Answer;
    }
}

/// Live -> manifests.
pub mod export {
    pub use crate::export::{export, ExportOptions, Exported};
}

/// Manifests: loading, the model, writing, the generator, the rules.
pub mod manifest {
    pub use crate::manifest::{
        load, load_sources, write, Code, Content, CsvEmpty, InputFormat, IntegrationRef,
        LoadOptions, ManifestSet, NameSet, Origin, Preset, PresetOptions, Property, PropertyTypes,
        SourceFile, TrackingFields,
    };

    /// Generated tracking plans of a given shape.
    pub mod generate {
        pub use crate::manifest::generate::{tracking_plan, Shape};
    }

    /// The rules over manifests.
    pub mod rules {
        pub use crate::manifest::rules::{check, ItemKind, RuleId, RuleLevel, Rules};
    }

    /// The block of tracking fields in a definition.
    pub mod tracking_block {
        pub use crate::manifest::tracking_block::BEGIN;
    }
}

/// The printer.
pub mod output {
    pub use crate::output::Printer;
}

/// Manifests + client -> plan.
pub mod pipeline {
    pub use crate::pipeline::{plan, Checks, Planning};
}

/// The desired model, the diff, the plan and its saved form.
pub mod plan {
    pub use crate::plan::{diff, Action, DiffOptions, IntegrationInfo, Live, ParentRef, Plan};

    /// The diff's input.
    pub mod desired {
        pub use crate::plan::desired::{
            CategoryIdFields, DesiredCategory, DesiredEvent, DesiredProperty, Fields, Names,
            Resolved,
        };
    }

    /// What the workspace does not keep.
    pub mod fidelity {
        pub use crate::plan::fidelity::Ledger;
    }

    /// Names -> ids.
    pub mod resolve {
        pub use crate::plan::resolve::resolve;
    }

    /// The saved-plan format.
    pub mod saved {
        pub use crate::plan::saved::SavedPlan;
    }
}

/// Reading the live workspace.
pub mod workspace {
    pub use crate::workspace::{fetch_lookups, read_live};
}
