//! Event- and category-level columns (`event_description`, `category_teams`, ...). A sheet with
//! one row per property often repeats its event's and category's fields on every row, beside
//! the property's own (`Event Description` next to `Property Description`). The first row of
//! an event (or category) that fills such a column gives the value; a later row must agree or
//! leave the cell blank, since the sheet would otherwise say two things at once.

use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::fields::{self, FieldKind, FieldValue, Group};
use crate::manifest::fragment::{CategoryMention, EventMention, Fragment};
use crate::manifest::node::Ctx;
use crate::manifest::{CategoryFields, NameSet, Origin, ResourceFields};
use foldhash::HashMap;
use std::sync::LazyLock;

/// Whose field a level column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// The row's category.
    Category,
    /// The row's event.
    Event,
}

/// One event- or category-level column.
#[derive(Debug)]
pub(super) struct LevelColumn {
    /// The column, `event_description`.
    pub(super) name: String,
    pub(super) level: Level,
    /// The field it sets on the event or category (`protect` included).
    pub(super) field: &'static str,
    pub(super) kind: FieldKind,
}

/// The level columns: `event_` before every field an event row carries and `protect`, then
/// `category_` before every field a category row carries and `protect`.
pub(super) static LEVEL_COLUMNS: LazyLock<Vec<LevelColumn>> = LazyLock::new(|| {
    let column = |level, prefix: &str, field: &'static str, kind| LevelColumn {
        name: format!("{prefix}_{field}"),
        level,
        field,
        kind,
    };
    let event = fields::group(Group::Resource)
        .map(|s| (s.name, s.kind))
        .chain([("protect", FieldKind::Bool)])
        .map(|(f, k)| column(Level::Event, "event", f, k));
    let category = fields::category()
        .map(|s| (s.name, s.kind))
        .chain([("protect", FieldKind::Bool)])
        .map(|(f, k)| column(Level::Category, "category", f, k));
    event.chain(category).collect()
});

/// The level column named `col`.
pub(super) fn level_column(col: &str) -> Option<&'static LevelColumn> {
    LEVEL_COLUMNS.iter().find(|c| c.name == col)
}

/// A value one row gives a category's or event's field.
pub(super) struct Given {
    pub(super) field: &'static str,
    pub(super) value: FieldValue<NameSet>,
    /// The cell as the sheet has it (before any value map), for the message.
    pub(super) written: String,
    /// The cell.
    pub(super) at: Location,
}

/// What the rows of one file say of one category or event.
#[derive(Default)]
struct Said {
    /// The first value given for each field, in the order given.
    firsts: Vec<Given>,
    /// The index of the mention its own row pushed (a category or event row), if it has one.
    own: Option<usize>,
    /// The row where a level column first gave a value: where the event (or category) is
    /// described when it has no row of its own.
    from_columns: Option<Origin>,
}

/// The category and event values one file's rows give, and where each was first given.
#[derive(Default)]
pub(super) struct Levels {
    categories: Vec<(String, Said)>,
    category_index: HashMap<String, usize>,
    events: Vec<((String, String), Said)>,
    event_index: HashMap<(String, String), usize>,
}

impl Levels {
    fn said(&mut self, level: Level, category: &str, event: &str) -> &mut Said {
        match level {
            Level::Category => {
                let i = *self
                    .category_index
                    .entry(category.to_owned())
                    .or_insert_with(|| {
                        self.categories.push((category.to_owned(), Said::default()));
                        self.categories.len() - 1
                    });
                &mut self.categories[i].1
            }
            Level::Event => {
                let key = (category.to_owned(), event.to_owned());
                let i = *self.event_index.entry(key.clone()).or_insert_with(|| {
                    self.events.push((key, Said::default()));
                    self.events.len() - 1
                });
                &mut self.events[i].1
            }
        }
    }

    /// Notes that `frag`'s mention at `index` is the category's (or event's) own row.
    pub(super) fn own_row(&mut self, level: Level, category: &str, event: &str, index: usize) {
        let said = self.said(level, category, event);
        said.own.get_or_insert(index);
    }

    /// Records a value a row gives, reporting it when an earlier row gave the field another
    /// value. `row` is the row's origin when a level column gave it (else the entity's own
    /// row did).
    pub(super) fn give(
        &mut self,
        ctx: &mut Ctx<'_>,
        (level, category, event): (Level, &str, &str),
        given: Given,
        row: Option<&Origin>,
    ) {
        let said = self.said(level, category, event);
        if let Some(o) = row {
            said.from_columns.get_or_insert_with(|| o.clone());
        }
        let Some(first) = said.firsts.iter().find(|f| f.field == given.field) else {
            said.firsts.push(given);
            return;
        };
        if same(&first.value, &given.value) {
            return;
        }
        let (noun, what) = match level {
            Level::Category => ("category", format!("category `{category}`")),
            Level::Event => ("event", format!("event `{category}/{event}`")),
        };
        let d = Diagnostic::at(
            Code::DuplicateKey,
            given.at,
            format!(
                "{what} has {} `{}` here but `{}` on line {}",
                given.field,
                shown(&given.written),
                shown(&first.written),
                first.at.line
            ),
        )
        .related("first given", first.at.clone())
        .hint(format!(
            "{noun}-level columns hold one value per {noun}: repeat it on each row, or leave \
             later rows blank"
        ));
        ctx.push(d);
    }

    /// Puts the values the level columns gave on the categories and events: on their own
    /// row's mention, or on a describing mention of their own where they have no row.
    pub(super) fn finish(self, frag: &mut Fragment) {
        for (title, said) in self.categories {
            let Some(origin) = said.from_columns else {
                continue;
            };
            let i = said.own.unwrap_or_else(|| {
                let m = CategoryMention::category(title, CategoryFields::default(), None, origin);
                frag.categories.push(m);
                frag.categories.len() - 1
            });
            let mention = &mut frag.categories[i];
            mention.describes = true;
            for g in said.firsts {
                match (g.field, g.value) {
                    ("protect", FieldValue::Bool(b)) => mention.item.protect = b,
                    (field, value) => mention.item.fields.set(field, Some(value)),
                }
            }
        }
        for ((category, title), said) in self.events {
            let Some(origin) = said.from_columns else {
                continue;
            };
            let i = said.own.unwrap_or_else(|| {
                let m = EventMention::event(
                    category,
                    title,
                    ResourceFields::default(),
                    false,
                    origin,
                    true,
                );
                frag.events.push(m);
                frag.events.len() - 1
            });
            let mention = &mut frag.events[i];
            for g in said.firsts {
                match (g.field, g.value) {
                    ("protect", FieldValue::Bool(b)) => mention.item.protect = b,
                    (field, value) => mention.item.fields.set(field, Some(value)),
                }
            }
        }
    }
}

/// Whether two values say the same: text up to surrounding blanks (a cell is trimmed when it
/// is shown), sets as sets.
fn same(a: &FieldValue<NameSet>, b: &FieldValue<NameSet>) -> bool {
    match (a, b) {
        (FieldValue::Text(a), FieldValue::Text(b)) => a.trim() == b.trim(),
        _ => a == b,
    }
}

/// A cell for a message: trimmed, and cut when long.
fn shown(cell: &str) -> String {
    const LONGEST: usize = 60;
    let cell = cell.trim();
    if cell.chars().count() > LONGEST {
        let head: String = cell.chars().take(LONGEST - 3).collect();
        format!("{head}...")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_and_category_field_has_a_level_column() {
        for spec in fields::group(Group::Resource) {
            let col = level_column(&format!("event_{}", spec.name));
            assert!(col.is_some_and(|c| c.level == Level::Event && c.kind == spec.kind));
        }
        for spec in fields::category() {
            let col = level_column(&format!("category_{}", spec.name));
            assert!(col.is_some_and(|c| c.level == Level::Category && c.field == spec.name));
        }
        assert!(level_column("event_protect").is_some());
        assert!(level_column("category_protect").is_some());
        // Tracking fields are a property's own: no event carries them.
        assert!(level_column("event_type").is_none());
        assert!(level_column("category_tags").is_none());
    }

    #[test]
    fn values_agree_up_to_blanks_and_set_order() {
        let text = |s: &str| FieldValue::Text(s.to_owned());
        assert!(same(&text("Paid "), &text("Paid")));
        assert!(!same(&text("Paid"), &text("paid")));
        let names = |v: &[&str]| FieldValue::Names(v.iter().map(|s| (*s).to_owned()).collect());
        assert!(same(&names(&["a", "b"]), &names(&["b", "a"])));
        assert!(!same(&FieldValue::Bool(true), &FieldValue::Bool(false)));
    }
}
