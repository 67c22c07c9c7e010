//! One row of a CSV manifest read into what it declares: a category, an event or a property,
//! and the category- and event-level values its level columns carry.

use super::levels::{Given, Level, LevelColumn, Levels};
use super::{category_column, Header, ALL_COLUMNS};
use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::fields::{self, FieldKind, FieldRef, FieldValue, Group};
use crate::manifest::fragment::{
    self, CategoryMention, EventMention, Fragment, RENAMED_FROM, TRACKING_FIELDS,
};
use crate::manifest::node::Ctx;
use crate::manifest::options::CsvEmpty;
use crate::manifest::{
    CategoryFields, IntegrationRef, NameSet, Origin, Property, ResourceFields, TrackingFields,
};
use std::sync::Arc;

pub(super) struct Row<'r> {
    pub(super) rec: &'r ::csv::StringRecord,
    pub(super) header: &'r Header<'r>,
    pub(super) line: u32,
    pub(super) empty: CsvEmpty,
}

impl Row<'_> {
    /// The untrimmed cell of one of our columns, through the mapping's value map when it names
    /// the cell; `None` when the column is absent.
    fn raw(&self, col: &str) -> Option<&str> {
        let (i, _) = self.header.cols.get(col)?;
        let cell = self.rec.get(*i).unwrap_or("");
        let mapped = self.header.values.get(col).and_then(|m| m.get(cell));
        Some(mapped.unwrap_or(cell))
    }

    /// The cell as the sheet has it (trimmed, before any value map).
    fn written(&self, col: &str) -> &str {
        self.header
            .cols
            .get(col)
            .and_then(|(i, _)| self.rec.get(*i))
            .unwrap_or("")
            .trim()
    }

    /// The trimmed cell of one of our columns, with its location; `None` when the column is absent.
    /// Only for cells a diagnostic may point at: the location costs allocations.
    fn cell(&self, ctx: &Ctx<'_>, col: &str) -> Option<(&str, Location)> {
        let (i, name) = self.header.cols.get(col)?;
        let text = self.raw(col).unwrap_or("").trim();
        let at = ctx
            .loc(self.line, u32::try_from(i + 1).unwrap_or(u32::MAX))
            .with_field(name.clone());
        Some((text, at))
    }

    /// A text cell, untrimmed (markdown may end in a newline); blank counts as empty.
    fn text(&self, col: &str) -> Option<String> {
        let t = self.raw(col)?;
        if !t.trim().is_empty() {
            return Some(t.to_owned());
        }
        (self.empty == CsvEmpty::Clear).then(String::new)
    }

    /// A key or name cell, trimmed.
    fn key(&self, col: &str) -> Option<String> {
        let t = self.raw(col)?.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    fn names(&self, col: &str) -> Option<NameSet> {
        let t = self.raw(col)?.trim();
        if t.is_empty() && self.empty == CsvEmpty::Ignore {
            return None;
        }
        Some(
            t.split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    fn boolean(&self, ctx: &mut Ctx<'_>, col: &str) -> Option<bool> {
        let t = self.raw(col)?.trim();
        match t.to_ascii_lowercase().as_str() {
            "" => None,
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => {
                let (_, at) = self.cell(ctx, col)?;
                let mut d = Diagnostic::at(
                    Code::WrongType,
                    at,
                    format!("`{col}`: expected a boolean (true/false/yes/no/1/0/y/n), found `{t}`"),
                );
                if self.header.values.contains_key(col) {
                    d = d.hint(format!(
                        "the mapping's `values: {col}:` does not name `{t}`: add it there"
                    ));
                }
                ctx.push(d);
                None
            }
        }
    }

    /// The row's former titles: `renamed_from`, several separated by `;`.
    fn renamed_from(&self, title: &str) -> Vec<String> {
        let Some(cell) = self.raw(RENAMED_FROM) else {
            return Vec::new();
        };
        fragment::former_titles(cell.split(';').map(str::to_owned), title)
    }

    fn origin(&self, ctx: &Ctx<'_>) -> Origin {
        Origin {
            file: Arc::clone(&ctx.file),
            line: self.line,
            column: 1,
        }
    }

    fn fields(&self, ctx: &mut Ctx<'_>) -> ResourceFields {
        let mut f = ResourceFields::default();
        for spec in fields::group(Group::Resource) {
            f.set(spec.name, self.value(ctx, spec.name, spec.kind));
        }
        f
    }

    fn category_fields(&self, ctx: &mut Ctx<'_>) -> CategoryFields {
        let mut c = CategoryFields::default();
        for spec in fields::category() {
            c.set(spec.name, self.value(ctx, spec.name, spec.kind));
        }
        c
    }

    fn tracking(&self, ctx: &mut Ctx<'_>) -> TrackingFields {
        let mut t = TrackingFields::default();
        for spec in fields::group(Group::Tracking) {
            t.set(spec.name, self.value(ctx, spec.name, spec.kind));
        }
        t
    }

    /// One cell, read the way its kind is written.
    fn value(&self, ctx: &mut Ctx<'_>, col: &str, kind: FieldKind) -> Option<FieldValue<NameSet>> {
        match kind {
            FieldKind::Text | FieldKind::Markdown => self.text(col).map(FieldValue::Text),
            FieldKind::Bool => self.boolean(ctx, col).map(FieldValue::Bool),
            FieldKind::Names(_) => self.names(col).map(FieldValue::Names),
        }
    }

    /// The value a filled cell gives, with what the sheet wrote and where; `None` for a blank
    /// cell (which says nothing, whatever `--csv-empty`), an absent column or a wrong value.
    fn given(
        &self,
        ctx: &mut Ctx<'_>,
        col: &str,
        field: &'static str,
        kind: FieldKind,
    ) -> Option<Given> {
        if self.raw(col)?.trim().is_empty() {
            return None;
        }
        let value = self.value(ctx, col, kind)?;
        let (_, at) = self.cell(ctx, col)?;
        Some(Given {
            field,
            value,
            written: self.written(col).to_owned(),
            at,
        })
    }

    /// Gives the category- and event-level columns' values to `levels` (event ones only on
    /// event and property rows).
    fn give_levels(&self, ctx: &mut Ctx<'_>, levels: &mut Levels, category: &str, event: &str) {
        if self.header.levels.is_empty() {
            return;
        }
        let origin = self.origin(ctx);
        for col in self.header.levels.iter().copied() {
            if col.level == Level::Event && event.is_empty() {
                continue;
            }
            if let Some(g) = self.given(ctx, &col.name, col.field, col.kind) {
                levels.give(ctx, (col.level, category, event), g, Some(&origin));
            }
        }
    }

    /// Gives the values a category's or event's own row read (`own`, by field) to `levels`, so
    /// that its level columns on other rows are checked against them.
    fn give_own(
        &self,
        ctx: &mut Ctx<'_>,
        levels: &mut Levels,
        (level, category, event): (Level, &str, &str),
        index: usize,
        own: &dyn Fn(&str) -> Option<FieldValue<NameSet>>,
    ) {
        if !self.header.has_level(level) {
            return;
        }
        levels.own_row(level, category, event, index);
        let cols: Vec<&LevelColumn> = self
            .header
            .levels
            .iter()
            .copied()
            .filter(|c| c.level == level)
            .collect();
        for col in cols {
            if self.raw(col.field).is_none_or(|t| t.trim().is_empty()) {
                continue;
            }
            let (Some(value), Some((_, at))) = (own(col.field), self.cell(ctx, col.field)) else {
                continue;
            };
            let given = Given {
                field: col.field,
                value,
                written: self.written(col.field).to_owned(),
                at,
            };
            levels.give(ctx, (level, category, event), given, None);
        }
    }

    /// Reports filled cells in columns that do not apply to this kind of row.
    fn not_allowed(&self, ctx: &mut Ctx<'_>, allowed: &dyn Fn(&str) -> bool, what: &str) {
        for col in ALL_COLUMNS.iter() {
            // The cell as written: a value map naming the blank cell fills every row.
            if allowed(col) || self.written(col).is_empty() {
                continue;
            }
            if let Some((_, at)) = self.cell(ctx, col) {
                ctx.push(
                    Diagnostic::at(
                        Code::FieldNotAllowed,
                        at,
                        format!("`{col}` does not apply to {what} row"),
                    )
                    .hint("fill `event` (and `property`) to describe an event or property"),
                );
            }
        }
    }

    pub(super) fn read(
        &self,
        ctx: &mut Ctx<'_>,
        frag: &mut Fragment,
        last: &mut Option<(String, String)>,
        levels: &mut Levels,
    ) {
        if let Some(name) = self.key("integration") {
            let origin = self.origin(ctx);
            frag.add_integration(IntegrationRef::parse(&name), origin);
        }
        let category = self.cell(ctx, "category").map(|(t, at)| (t.to_owned(), at));
        let event = self.key("event").unwrap_or_default();
        let property = self.key("property").unwrap_or_default();
        let Some((category, at)) = category else {
            return;
        };
        if category.is_empty() {
            ctx.push(Diagnostic::at(
                Code::MissingField,
                at,
                "row has no category",
            ));
            return;
        }
        let origin = self.origin(ctx);
        if event.is_empty() && !property.is_empty() {
            let at = self.cell(ctx, "event").map_or(at, |(_, a)| a);
            ctx.push(
                Diagnostic::at(
                    Code::MissingParent,
                    at,
                    format!("property `{property}` has no event"),
                )
                .hint("fill the `event` column of this row"),
            );
            return;
        }
        if event.is_empty() {
            self.not_allowed(
                ctx,
                &|c| c == RENAMED_FROM || category_column(c),
                "a category",
            );
            if !self.written(RENAMED_FROM).is_empty() {
                if let Some((_, at)) = self.cell(ctx, RENAMED_FROM) {
                    fragment::category_rename(ctx, at, &category);
                }
            }
            let protect = self.boolean(ctx, "protect");
            let fields = self.category_fields(ctx);
            let own = |f: &str| match f {
                "protect" => protect.map(FieldValue::Bool),
                f => fields.get(f).map(FieldRef::to_owned_value),
            };
            let at = (Level::Category, category.as_str(), "");
            self.give_own(ctx, levels, at, frag.categories.len(), &own);
            self.give_levels(ctx, levels, &category, "");
            frag.categories
                .push(CategoryMention::category(category, fields, protect, origin));
            return;
        }
        self.give_levels(ctx, levels, &category, &event);
        let implied = (category.clone(), event.clone());
        if last.as_ref() != Some(&implied) {
            frag.categories.push(CategoryMention::category(
                category.clone(),
                CategoryFields::default(),
                None,
                origin.clone(),
            ));
        }
        let protect_cell = self.boolean(ctx, "protect");
        let protect = protect_cell.unwrap_or(false);
        if property.is_empty() {
            self.not_allowed(ctx, &|c| !TRACKING_FIELDS.contains(&c), "an event");
            let fields = self.fields(ctx);
            let own = |f: &str| match f {
                "protect" => protect_cell.map(FieldValue::Bool),
                f => fields.get(f).map(FieldRef::to_owned_value),
            };
            let at = (Level::Event, category.as_str(), event.as_str());
            self.give_own(ctx, levels, at, frag.events.len(), &own);
            let renamed_from = self.renamed_from(&event);
            let mut mention = EventMention::event(category, event, fields, protect, origin, true);
            mention.item.renamed_from = renamed_from;
            frag.events.push(mention);
        } else {
            if last.as_ref() != Some(&implied) {
                frag.events.push(EventMention::event(
                    category.clone(),
                    event.clone(),
                    ResourceFields::default(),
                    false,
                    origin.clone(),
                    false,
                ));
            }
            let property = Property {
                renamed_from: self.renamed_from(&property),
                title: property,
                fields: self.fields(ctx),
                tracking: self.tracking(ctx),
                protect,
                origin,
            };
            frag.push_property(&category, &event, property);
        }
        *last = Some(implied);
    }
}
