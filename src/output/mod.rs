//! The ground layer for everything a run shows: the one printer, its styles, text helpers,
//! the progress it draws and the JSON Schemas of the documents it prints. It knows nothing of
//! the command line beyond [`ColorChoice`] serving as `--color`'s values; `cli` turns `-q`/`-v`
//! into [`Verbosity`].

pub(crate) mod github;
mod printer;
mod progress;
pub(crate) mod redact;
pub(crate) mod schema;
pub(crate) mod style;
mod text;

pub use printer::Printer;
pub(crate) use printer::{ColorChoice, Verbosity};
pub(crate) use redact::{redact, Redacting};
pub(crate) use text::{count, printable, thousands};
