//! What one manifest file declares, flat and with origins, before the set is merged; and the
//! readers of category / event / property / monitor objects that YAML and JSONL share.

use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::fields::{self, FieldKind, FieldSpec, FieldValue, Group};
use crate::manifest::model::monitor_label;
use crate::manifest::node::{Ctx, Node, Obj};
use crate::manifest::validate;
use crate::manifest::{
    Category, CategoryFields, Event, IntegrationRef, Monitor, NameSet, Origin, Property,
    ResourceFields, Schedule, Tag, TrackingFields,
};
use std::sync::LazyLock;

/// Fields of `ResourceFields`, as written in every format: the resource rows of the field
/// table, in order.
pub(crate) static RESOURCE_FIELDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| fields::group(Group::Resource).map(|s| s.name).collect());
/// Fields of `TrackingFields`, as written in every format: the tracking rows of the field
/// table, in order.
pub(crate) static TRACKING_FIELDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| fields::group(Group::Tracking).map(|s| s.name).collect());
/// Fields of a category besides `title` and `events`: the table's category rows, then
/// `protect`.
pub(crate) static CATEGORY_FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    fields::category()
        .map(|s| s.name)
        .chain(["protect"])
        .collect()
});
/// Fields of a monitor.
pub(crate) const MONITOR_FIELDS: &[&str] = &[
    "name",
    "target",
    "metric_type",
    "metric_config",
    "is_enabled",
    "condition_auto_sensitivity",
    "condition_manual_min",
    "condition_manual_max",
    "schedule",
    "protect",
];
/// Fields of a tag.
pub(crate) const TAG_FIELDS: &[&str] = &["name", "color", "description"];
/// Fields of a monitor schedule.
pub(crate) const SCHEDULE_FIELDS: &[&str] = &["cadence", "frequency", "day", "hour"];

/// A resource as one file mentions it: the model's own value (an event without its properties
/// yet), under the titles of its parents, before the merge places it in the tree.
#[derive(Debug, Clone)]
pub(crate) struct Mention<T, P> {
    /// Its parents' titles: `()` for a category, the category for an event, the category and
    /// event for a property.
    pub(crate) parent: P,
    /// The resource as this file gives it.
    pub(crate) item: T,
    /// Whether this mention describes the resource rather than only naming it (a CSV property
    /// row names its category and event): a resource may be named often, described once.
    pub(crate) describes: bool,
}

/// A category as one file mentions it.
pub(crate) type CategoryMention = Mention<Category, ()>;
/// An event as one file declares it (or implies it, from a CSV property row).
pub(crate) type EventMention = Mention<Event, String>;
/// A property as one file declares it.
pub(crate) type PropertyMention = Mention<Property, (String, String)>;

impl CategoryMention {
    /// A category named, or described when it sets fields or `protect`.
    pub(crate) fn category(
        title: String,
        fields: CategoryFields,
        protect: Option<bool>,
        origin: Origin,
    ) -> Self {
        Self {
            parent: (),
            describes: fields.any() || protect.is_some(),
            item: Category {
                title,
                fields,
                protect: protect.unwrap_or(false),
                events: Vec::new(),
                origin,
            },
        }
    }
}

impl EventMention {
    /// An event in `category`, declared by this file (`describes`) or implied by a property row.
    pub(crate) fn event(
        category: String,
        title: String,
        fields: ResourceFields,
        protect: bool,
        origin: Origin,
        describes: bool,
    ) -> Self {
        Self {
            parent: category,
            describes,
            item: Event {
                title,
                fields,
                protect,
                renamed_from: Vec::new(),
                properties: Vec::new(),
                origin,
            },
        }
    }
}

impl PropertyMention {
    /// A property declared under `(category, event)`.
    pub(crate) fn property(parent: (String, String), item: Property) -> Self {
        Self {
            parent,
            item,
            describes: true,
        }
    }
}

/// Everything one file declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fragment {
    /// Each distinct integration the file names, with its first origin.
    pub(crate) integrations: Vec<(IntegrationRef, Origin)>,
    pub(crate) defaults: Option<(ResourceFields, Origin)>,
    /// The file's `rules:` map, if it has one.
    pub(crate) rules: Option<(crate::manifest::rules::Rules, Origin)>,
    pub(crate) categories: Vec<CategoryMention>,
    pub(crate) events: Vec<EventMention>,
    pub(crate) properties: Chunked<PropertyMention>,
    pub(crate) monitors: Vec<Monitor>,
    pub(crate) tags: Vec<Tag>,
    /// Tags a vendor export's resources use, declared by the preset so a migration creates
    /// what it needs: several files may use one, so these never clash with each other or with
    /// a tag declared outright.
    pub(crate) implied_tags: Vec<Tag>,
    /// Properties following an event mention and under it (`run_event`, its index in
    /// `events`): they join that event's `properties` when the run ends
    /// ([`Fragment::close_run`]).
    run: Vec<Property>,
    run_event: usize,
}

/// A list built by pushing and consumed once, held in chunks of at most [`Chunked::CHUNK`]
/// items: consuming it frees each chunk as soon as its items have moved on, so merging a file
/// of 100,000 properties does not hold them twice (a `Vec` keeps its whole buffer until the
/// last item has moved out, and has doubled its capacity on the way).
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self { chunks: Vec::new() }
    }
}

impl<T> Chunked<T> {
    /// Items per chunk: big enough that the chunk list stays short, small enough that a
    /// chunk is a sliver of a large file.
    const CHUNK: usize = 4096;

    /// Appends `item`; a small list stays one `Vec` growing as usual.
    pub(crate) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(if self.chunks.is_empty() {
                    0
                } else {
                    Self::CHUNK
                });
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
    }

    /// Moves `later`'s items after this list's.
    pub(crate) fn append(&mut self, later: Self) {
        self.chunks.extend(later.chunks);
    }

    /// How many items it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// The items in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// The items in order, each chunk freed once its items are taken.
    pub(crate) fn into_items(self) -> impl Iterator<Item = T> {
        self.chunks.into_iter().flatten()
    }
}

impl Fragment {
    /// Adds a property declared under `(category, event)`. One that follows its event's
    /// mention (the usual layout of every format) goes with the event, in a vector of exactly
    /// its run's length, so that the merge moves the event whole; any other waits in
    /// `properties` for the merge to find its event.
    pub(crate) fn push_property(&mut self, category: &str, event: &str, property: Property) {
        let last = self.events.len().wrapping_sub(1);
        let follows_its_event = self
            .events
            .last()
            .is_some_and(|e| e.item.title == event && e.parent == category);
        if follows_its_event {
            if self.run_event != last {
                self.close_run();
                self.run_event = last;
            }
            self.run.push(property);
        } else {
            self.close_run();
            self.properties.push(PropertyMention::property(
                (category.to_owned(), event.to_owned()),
                property,
            ));
        }
    }

    /// Hands the properties gathered under an event mention to it: called before the
    /// fragment's events are merged, and when a property of another event comes.
    pub(crate) fn close_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let properties = &mut self.events[self.run_event].item.properties;
        // Exactly the run's length: a `Vec` grown by doubling holds up to twice its
        // properties, and 100,000 of them make that the largest part of a load.
        properties.reserve_exact(self.run.len());
        properties.append(&mut self.run);
    }

    /// Adds what `later` declares after what this fragment does, as if `later`'s text
    /// followed this one's in the same file: for a file read in pieces. Its defaults and
    /// rules count only where this fragment has none (a JSONL file, the one read so, has
    /// neither).
    pub(crate) fn append(&mut self, mut later: Self) {
        self.close_run();
        later.close_run();
        // The properties `later` starts with, before it mentions an event, that are under this
        // fragment's last event mention join that event, as they would in the whole file's run.
        if let Some(last) = self.events.last_mut() {
            let before = later
                .events
                .first()
                .map_or(u32::MAX, |e| e.item.origin.line);
            let mut loose = Chunked::default();
            for p in later.properties.into_items() {
                let joins = p.item.origin.line < before
                    && p.parent.0 == last.parent
                    && p.parent.1 == last.item.title;
                if joins {
                    last.item.properties.push(p.item);
                } else {
                    loose.push(p);
                }
            }
            later.properties = loose;
        }
        for (integration, origin) in later.integrations {
            self.add_integration(integration, origin);
        }
        self.defaults = self.defaults.take().or(later.defaults);
        self.rules = self.rules.take().or(later.rules);
        self.categories.append(&mut later.categories);
        self.events.append(&mut later.events);
        self.properties.append(later.properties);
        self.monitors.append(&mut later.monitors);
        self.tags.append(&mut later.tags);
        self.implied_tags.append(&mut later.implied_tags);
    }

    /// Records an integration unless this file already named the same one.
    pub(crate) fn add_integration(&mut self, r: IntegrationRef, origin: Origin) {
        if !self.integrations.iter().any(|(i, _)| *i == r) {
            self.integrations.push((r, origin));
        }
    }
}

/// Reads a tag object (`name`, optional `color` and `description`).
pub(crate) fn tag(ctx: &mut Ctx<'_>, obj: &Obj<'_>) -> Option<Tag> {
    let name = obj.title(ctx, "name", "tag")?;
    if name.is_empty() {
        let at = obj
            .get("name")
            .map_or_else(|| ctx.node_loc(obj.node()), |n| ctx.node_loc(n));
        ctx.push(Diagnostic::at(Code::EmptyTitle, at, "tag `name` is empty"));
        return None;
    }
    Some(Tag {
        name,
        color: obj.string(ctx, "color").map(|c| c.trim().to_owned()),
        description: obj.string(ctx, "description"),
        origin: ctx.origin(obj.node()),
    })
}

/// Reads the shared event/property fields of an object.
pub(crate) fn resource_fields(ctx: &mut Ctx<'_>, obj: &Obj<'_>) -> ResourceFields {
    let mut f = ResourceFields::default();
    for spec in fields::group(Group::Resource) {
        f.set(spec.name, read(ctx, obj, spec));
    }
    f
}

/// Reads the tracking-plan fields of a property object.
pub(crate) fn tracking_fields(ctx: &mut Ctx<'_>, obj: &Obj<'_>) -> TrackingFields {
    let mut t = TrackingFields::default();
    for spec in fields::group(Group::Tracking) {
        t.set(spec.name, read(ctx, obj, spec));
    }
    t
}

/// Reads one field of the table the way its kind is written.
fn read(ctx: &mut Ctx<'_>, obj: &Obj<'_>, spec: &FieldSpec) -> Option<FieldValue<NameSet>> {
    match spec.kind {
        FieldKind::Text | FieldKind::Markdown => obj.string(ctx, spec.name).map(FieldValue::Text),
        FieldKind::Bool => obj.boolean(ctx, spec.name).map(FieldValue::Bool),
        FieldKind::Names(_) => obj.names(ctx, spec.name).map(FieldValue::Names),
    }
}

/// The key naming a resource's former titles.
pub(crate) const RENAMED_FROM: &str = "renamed_from";

/// Reads `renamed_from`: one former title, or a list of them (trimmed, empty ones and repeats
/// left out, the resource's own title too: a rename to itself is no rename).
pub(crate) fn renamed_from(ctx: &mut Ctx<'_>, obj: &Obj<'_>, title: &str) -> Vec<String> {
    let Some(node) = obj.get(RENAMED_FROM) else {
        return Vec::new();
    };
    let names: Vec<String> = if let crate::manifest::node::Value::Seq(_) = node.value {
        obj.names(ctx, RENAMED_FROM)
            .unwrap_or_default()
            .into_iter()
            .collect()
    } else {
        obj.string(ctx, RENAMED_FROM).into_iter().collect()
    };
    former_titles(names, title)
}

/// Former titles as written: trimmed, without empties, repeats or `title` itself.
pub(crate) fn former_titles(names: impl IntoIterator<Item = String>, title: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim();
        if !n.is_empty() && n != title && !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    out
}

/// A category's `renamed_from`, reported where it is written: the API cannot rename a category.
pub(crate) fn category_rename(ctx: &mut Ctx<'_>, at: Location, title: &str) {
    ctx.push(
        Diagnostic::at(
            Code::FieldNotAllowed,
            at,
            format!(
                "category `{title}`: `renamed_from` is not supported on categories: Secoda's API \
                 cannot rename a category"
            ),
        )
        .hint("rename the category in Secoda, then change its title in the manifest"),
    );
}

/// Reads a category's own fields.
pub(crate) fn category_mention(ctx: &mut Ctx<'_>, obj: &Obj<'_>, title: String) -> CategoryMention {
    let mut fields = CategoryFields::default();
    for spec in fields::category() {
        fields.set(spec.name, read(ctx, obj, spec));
    }
    let protect = obj.boolean(ctx, "protect");
    if let Some(n) = obj.get(RENAMED_FROM) {
        category_rename(ctx, ctx.node_loc(n), &title);
    }
    CategoryMention::category(title, fields, protect, ctx.origin(obj.node()))
}

/// Reads a monitor object (its fields already checked by [`Obj::new`]), checking thresholds,
/// schedule and config where they were written.
pub(crate) fn monitor(ctx: &mut Ctx<'_>, obj: &Obj<'_>) -> Option<Monitor> {
    let node = obj.node();
    // `name` is optional: Secoda names a monitor created without one.
    let name = match obj.get("name") {
        None => String::new(),
        Some(n) => {
            let name = obj
                .string(ctx, "name")
                .unwrap_or_default()
                .trim()
                .to_owned();
            if name.is_empty() {
                ctx.push(
                    Diagnostic::at(
                        Code::EmptyTitle,
                        ctx.node_loc(n),
                        "monitor `name` is empty".to_owned(),
                    )
                    .hint("leave `name` out to let Secoda name the monitor"),
                );
            }
            name
        }
    };
    let target = obj.string(ctx, "target").map(|s| s.trim().to_owned());
    let metric_type = obj.string(ctx, "metric_type").map(|s| s.trim().to_owned());
    let name_shown = monitor_label(&name, metric_type.as_deref(), target.as_deref());
    for (field, value) in [("target", &target), ("metric_type", &metric_type)] {
        if value.as_deref().is_none_or(str::is_empty) {
            ctx.push(Diagnostic::at(
                Code::MissingField,
                ctx.node_loc(node),
                format!("monitor `{name_shown}` has no `{field}`"),
            ));
        }
    }
    if let (Some(mt), Some(n)) = (&metric_type, obj.get("metric_type")) {
        if let Some(d) = validate::metric_type(mt, ctx.node_loc(n)) {
            ctx.push(d);
        }
    }
    let metric_config = match obj.get("metric_config") {
        None => None,
        Some(n) => match n.to_json() {
            serde_json::Value::Object(map) => Some(map),
            _ => {
                ctx.push(Diagnostic::at(
                    Code::WrongType,
                    ctx.node_loc(n),
                    format!(
                        "`metric_config`: expected a mapping, found {}",
                        n.describe()
                    ),
                ));
                None
            }
        },
    };
    if metric_type.as_deref() == Some("custom_sql") {
        let has_query = metric_config
            .as_ref()
            .and_then(|m| m.get("query_select"))
            .and_then(serde_json::Value::as_str)
            .is_some_and(|q| !q.trim().is_empty());
        if !has_query {
            let at = obj.get("metric_config").unwrap_or(node);
            ctx.push(
                Diagnostic::at(
                    Code::MonitorConfig,
                    ctx.node_loc(at),
                    format!(
                        "monitor `{name_shown}`: custom_sql needs `metric_config.query_select`"
                    ),
                )
                .hint("metric_config: {query_select: \"SELECT count(*) FROM ...\"}"),
            );
        }
    }
    let is_enabled = obj.boolean(ctx, "is_enabled").unwrap_or(true);
    let auto = obj.int(ctx, "condition_auto_sensitivity");
    let min = obj.number(ctx, "condition_manual_min");
    let max = obj.number(ctx, "condition_manual_max");
    let at = obj
        .get("condition_auto_sensitivity")
        .or_else(|| obj.get("condition_manual_min"))
        .or_else(|| obj.get("condition_manual_max"))
        .unwrap_or(node);
    let thresholds = match validate::thresholds(auto, min, max) {
        Ok(t) => t,
        Err(msg) => {
            ctx.push(Diagnostic::at(
                Code::MonitorThresholds,
                ctx.node_loc(at),
                format!("monitor `{name_shown}`: {msg}"),
            ).hint("use condition_auto_sensitivity (1..=10) OR condition_manual_min/condition_manual_max"));
            None
        }
    };
    let schedule = obj
        .get("schedule")
        .and_then(|n| schedule(ctx, n, &name_shown));
    Some(Monitor {
        name,
        target,
        metric_type,
        metric_config,
        is_enabled,
        thresholds,
        schedule,
        protect: obj.boolean(ctx, "protect").unwrap_or(false),
        origin: ctx.origin(node),
    })
}

fn schedule(ctx: &mut Ctx<'_>, node: &Node, monitor: &str) -> Option<Schedule> {
    let obj = Obj::new(ctx, node, "schedule", SCHEDULE_FIELDS)?;
    let cadence = obj.string(ctx, "cadence");
    let bad = |ctx: &mut Ctx<'_>, field: &str, msg: &str| {
        let at = obj.get(field).unwrap_or(node);
        ctx.push(Diagnostic::at(
            Code::MonitorSchedule,
            ctx.node_loc(at),
            format!("monitor `{monitor}`: schedule `{field}` {msg}"),
        ));
    };
    if let Some(c) = &cadence {
        if !validate::CADENCES.contains(&c.as_str()) {
            bad(
                ctx,
                "cadence",
                &format!("`{c}` is not one of {}", validate::CADENCES.join(", ")),
            );
        }
    }
    let frequency = obj
        .int(ctx, "frequency")
        .and_then(|f| match u32::try_from(f) {
            Ok(f) if f >= 1 => Some(f),
            _ => {
                bad(ctx, "frequency", &format!("must be at least 1, found {f}"));
                None
            }
        });
    let day = obj.int(ctx, "day").and_then(|d| match u8::try_from(d) {
        Ok(d) if d <= 6 => Some(d),
        _ => {
            bad(
                ctx,
                "day",
                &format!("must be 0..=6 (0 = Sunday), found {d}"),
            );
            None
        }
    });
    let hour = obj.int(ctx, "hour").and_then(|h| match u8::try_from(h) {
        Ok(h) if h <= 23 => Some(h),
        _ => {
            bad(ctx, "hour", &format!("must be 0..=23, found {h}"));
            None
        }
    });
    Some(Schedule {
        cadence,
        frequency,
        day,
        hour,
    })
}

#[cfg(test)]
mod chunked_tests {
    use super::Chunked;

    #[test]
    fn items_come_back_in_order_from_chunks_of_bounded_size() {
        let mut list = Chunked::default();
        let n = Chunked::<usize>::CHUNK * 2 + 5;
        for i in 0..n {
            list.push(i);
        }
        assert_eq!(list.len(), n);
        assert_eq!(list.chunks.len(), 3);
        assert!(list
            .chunks
            .iter()
            .all(|c| c.capacity() <= Chunked::<usize>::CHUNK));
        assert!(list.into_items().eq(0..n));
        let mut small = Chunked::default();
        small.push("one");
        assert!(
            small.chunks[0].capacity() < 16,
            "a small file's list is small"
        );
    }
}
