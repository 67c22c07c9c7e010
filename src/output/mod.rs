//! The ground layer for everything a run shows: the one printer, its styles, text helpers,
//! the progress it draws and the JSON Schemas of the documents it prints. It knows nothing of
//! the command line beyond [`ColorChoice`] serving as `--color`'s values; `cli` turns `-q`/`-v`
//! into [`Verbosity`].

mod printer;
mod progress;
pub mod redact;
pub mod schema;
pub mod style;
mod text;

pub use printer::{ColorChoice, Printer, Verbosity};
pub use redact::{redact, Redacting};
pub use text::{count, printable, thousands};
