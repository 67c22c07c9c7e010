//! Why a name did not resolve, and the message that says so (with the closest names).

use crate::manifest::fields::{self, FieldKind, NameKind};
use crate::manifest::Origin;
use std::fmt;

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing carries the name; holds the closest existing names (may be empty).
    Unknown {
        /// Names close to the one written, best first.
        closest: Vec<String>,
        /// A sample of existing names, for when nothing is close.
        known: Vec<String>,
        /// How many existing names there are in all.
        total: usize,
    },
    /// Several objects carry the name; holds how to tell them apart (ids or emails).
    Ambiguous(Vec<String>),
    /// A required value is not set at all.
    Missing,
}

/// A name in the manifests that does not resolve to exactly one object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ResolveError {
    /// Where the item using the name was declared (`None` for command-line values).
    pub origin: Option<Origin>,
    /// The item, e.g. `event Checkout/Order Completed`.
    pub item: String,
    /// The field holding the name (`owners`, `teams`, `target`, ...).
    pub field: &'static str,
    /// The name as written.
    pub name: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.origin {
            write!(f, "{o}: ")?;
        }
        let (field, item, name) = (self.field, &self.item, &self.name);
        match &self.problem {
            Problem::Missing => write!(f, "{item}: `{field}` is required"),
            Problem::Ambiguous(candidates) => write!(
                f,
                "{item}: `{name}` in `{field}` is ambiguous, it matches {}; use an id instead",
                candidates.join(", ")
            ),
            Problem::Unknown {
                closest,
                known,
                total,
            } => {
                write!(f, "{item}: unknown {} `{name}`", noun(field))?;
                // `unknown integration `X` in `integration`` would say the field twice.
                if noun(field) != field {
                    write!(f, " in `{field}`")?;
                }
                if !closest.is_empty() {
                    write!(f, "; did you mean {}?", quoted(closest))?;
                } else if known.is_empty() {
                    write!(f, "; the workspace has none")?;
                } else if *total > known.len() {
                    write!(
                        f,
                        "; known names: {} (and {} more)",
                        quoted(known),
                        total - known.len()
                    )?;
                } else {
                    write!(f, "; known names: {}", quoted(known))?;
                }
                // A typo must not create a tag: only a declared one is created.
                if noun(field) == "tag" && self.origin.is_some() {
                    write!(f, "; declare it under `tags:` to create it")?;
                }
                Ok(())
            }
        }
    }
}

fn noun(field: &str) -> &'static str {
    if let Some(FieldKind::Names(names)) = fields::spec(field).map(|s| s.kind) {
        return match names {
            NameKind::Users => "user",
            NameKind::Teams => "team",
            NameKind::Tags => "tag",
            NameKind::Collections => "collection",
        };
    }
    match field {
        "integration" => "integration",
        "target" => "catalog path",
        _ => "name",
    }
}

/// Names as a comma-separated list of code spans: `` `a`, `b` ``.
pub(crate) fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
