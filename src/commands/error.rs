//! The top-level error a command returns, and the process exit codes (the commands' own:
//! the layers below return their own errors, which convert into this one).

use std::process::ExitCode;

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (or, with `--detailed-exitcode`, no changes).
    Success,
    /// 1: an error was reported (diagnostics, failed changes).
    Failure,
    /// 2: changes pending (`plan --detailed-exitcode`).
    ChangesPending,
    /// 1: `plan` or `diff` found changes of a class `--fail-on` fails on (named on stderr):
    /// the same code as an error, as a failed check is one, and never 2 (changes pending).
    FailOn,
    /// 130: interrupted by Ctrl-C.
    Interrupted,
    /// 143: stopped by SIGTERM (128 + 15), after reporting and saving as for Ctrl-C.
    Terminated,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(match e {
            Exit::Success => 0,
            Exit::Failure | Exit::FailOn => 1,
            Exit::ChangesPending => 2,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        })
    }
}

impl Exit {
    /// How `plan` and `diff` end once the plan is shown: `--fail-on`'s gate first (the
    /// changes it fails on named on stderr), then `--detailed-exitcode`.
    pub(crate) fn of_plan(
        plan: &crate::plan::Plan,
        fail_on: Option<crate::plan::class::Class>,
        detailed_exitcode: bool,
        printer: &crate::output::Printer,
    ) -> Self {
        if let Some(gate) = fail_on.and_then(|level| crate::plan::class::Gate::judge(plan, level)) {
            printer.error(&gate);
            return Self::FailOn;
        }
        if detailed_exitcode && !plan.summary().is_empty() {
            Self::ChangesPending
        } else {
            Self::Success
        }
    }
}

/// Everything a command can fail with; each variant carries what the user needs to act.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// Bad arguments that clap could not catch.
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("failed to {action} `{path}`")]
    Io {
        /// `read`, `write`, ...
        action: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A call to the Secoda API failed.
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
    /// An apply that must not go ahead (safety cap, stale saved plan, no confirmation).
    #[error("refusing to apply: {0}")]
    Refused(String),
    /// The apply lease could not be taken (another apply holds it).
    #[error(transparent)]
    Lease(#[from] crate::apply::LeaseError),
    /// A saved plan file could not be read or written.
    #[error(transparent)]
    SavedPlan(#[from] crate::plan::saved::SavedPlanError),
    /// An export could not read the workspace.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// An audit could not read the workspace.
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    /// A manifest could not be serialised.
    #[error(transparent)]
    Write(#[from] crate::manifest::write::ManifestWriteError),
    /// `doctor` could not check the workspace (refused token, no answer).
    #[error(transparent)]
    Doctor(#[from] crate::doctor::DoctorError),
    /// The project config file is unusable.
    #[error(transparent)]
    Config(#[from] crate::config_file::ConfigError),
    /// Drift could not be told from manifest changes.
    #[error(transparent)]
    Drift(#[from] crate::drift::DriftError),
    /// The base set could not be read from git.
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    /// The sandbox could not start, save or stop.
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
}

impl Error {
    /// Turns an I/O error while writing `path` (a file, `stdout`, `the plan`) into an error.
    pub(crate) fn writing(path: &'static str) -> impl Fn(std::io::Error) -> Self + Copy {
        move |source| Self::Io {
            action: "write",
            path: path.into(),
            source,
        }
    }

    /// Whether the reader of our output went away (`secoda-sync schema | head -1`): the
    /// Unix convention is to stop quietly, not to report a failure nobody asked about.
    #[must_use]
    pub(crate) fn is_closed_output(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Result of a command.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
