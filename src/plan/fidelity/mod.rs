//! What the workspace does not keep, in one place.
//!
//! Secoda documents neither the tracking-plan fields nor a category description on create, and
//! a write can answer success without holding what was sent. A plan must never offer forever a
//! change that applying cannot make, so the tool keeps track of what a workspace does not keep,
//! in four roles:
//!
//! - [`dropped`]: what one answer dropped. A create or PATCH answer compared with the body sent
//!   (`ResourceWrite::dropped_in`, over the field table, and [`dropped::monitor`]), and
//!   the tracking fields a 400 answer names ([`dropped::refused`]). A key missing from an answer
//!   altogether is the wire's business (`api::Absent`): such a field is not readable.
//! - [`ledger`]: the run's ledger. One apply's findings, shared by its concurrent writes: the
//!   fields each answer dropped or held, and the property writes held back once the workspace
//!   refused or dropped a tracking field they carry.
//! - [`record`]: the record persisted in the workspace. The fields applies proved not kept, as
//!   the description of one event in the tool's own category (CI runners lose local files): its
//!   format and check, finding it among live resources, updating it after an apply, and what
//!   became of it. Reading and writing the event are I/O: `workspace::read_not_kept` and
//!   `apply::save_record`.
//! - [`uncompared`]: what the plan leaves uncompared. Fields the live objects do not carry (not
//!   readable) and fields the record holds (not kept), counted per kind and named once in the
//!   plan instead of offered as changes.
//!
//! Pure: no I/O. The diff takes the record as input (`Live::not_kept`); the apply fills a
//! ledger and saves the record from it.

pub(crate) mod dropped;
pub(crate) mod ledger;
pub(crate) mod record;
pub(crate) mod uncompared;

pub use ledger::Ledger;
pub(crate) use ledger::Why;
pub(crate) use record::{Record, RecordEvent, Saved, RECORD_TITLE};
pub(crate) use uncompared::{NotKept, NotReadable};
