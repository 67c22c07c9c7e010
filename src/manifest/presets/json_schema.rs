//! The JSON forms: Segment's tracking-plan rules (`rules[]` of `{type, key, jsonSchema}`) and
//! Avo's JSON (`events[]` of `{name, categories, tags, rules}`), both JSON Schema underneath, read
//! by one property reader. JSON is read as YAML (a superset) to keep every value's line and column.

use super::build::Builder;
use super::segment;
use super::types;
use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::node::{scalar_text, Ctx, Node, Value};
use crate::manifest::options::Preset;
use crate::manifest::{yaml, NameSet, ResourceFields, TrackingFields};

const NO_CATEGORY: &str =
    "give the event `categories`, or pass --default-category TITLE for events without one";

/// A mapping's value by key (`None` when absent, null, or `node` is no mapping).
fn field<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
            .filter(|v| v.value != Value::Null),
        _ => None,
    }
}

/// A scalar's text, trimmed; `None` when blank or not a scalar.
fn text(node: Option<&Node>) -> Option<String> {
    let t = scalar_text(node?)?;
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A list of scalars (one scalar reads as a list of one).
fn texts(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(|n| text(Some(n))).collect(),
        Some(_) => text(node).into_iter().collect(),
        None => Vec::new(),
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// Reads a Segment or Avo JSON tracking plan.
pub(super) fn read(ctx: &mut Ctx<'_>, text_in: &str, preset: Preset, b: &mut Builder<'_>) {
    let Some(root) = yaml::parse(ctx, text_in) else {
        return;
    };
    let list = if preset == Preset::SegmentJson {
        "rules"
    } else {
        "events"
    };
    let Some(Node {
        value: Value::Seq(entries),
        ..
    }) = field(&root, list)
    else {
        ctx.push(
            Diagnostic::at(
                Code::MissingField,
                ctx.node_loc(&root),
                format!("`--from {}` needs a top-level `{list}` list", preset.name()),
            )
            .hint("is this the vendor's export as downloaded?"),
        );
        return;
    };
    if preset == Preset::SegmentJson {
        for rule in newest_rules(ctx, entries) {
            segment_rule(ctx, rule, b);
        }
    } else {
        for entry in entries {
            avo_event(ctx, entry, b);
        }
    }
}

/// A rule's `version` (1 when it has none).
fn version(rule: &Node) -> i64 {
    match field(rule, "version").map(|v| &v.value) {
        Some(Value::Int(v)) => *v,
        Some(Value::Str(s)) => s.trim().parse().unwrap_or(1),
        _ => 1,
    }
}

/// Segment keeps every version of a rule: of two with one key the newest is read, with a
/// warning naming both; two of one version are a `duplicate-key` error (neither is dropped
/// silently). Rules without a key are passed on, to be reported where they are read.
fn newest_rules<'n>(ctx: &mut Ctx<'_>, entries: &'n [Node]) -> Vec<&'n Node> {
    let key_of = |rule: &Node| {
        text(field(rule, "key"))
            .or_else(|| text(field(rule, "name")))
            .filter(|_| text(field(rule, "type")).is_some_and(|k| k.eq_ignore_ascii_case("track")))
    };
    // Key -> index into `kept` of the rule read for it.
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut kept: Vec<Option<&Node>> = Vec::new();
    for rule in entries {
        let Some(key) = key_of(rule) else {
            kept.push(Some(rule));
            continue;
        };
        let Some(&i) = by_key.get(&key) else {
            by_key.insert(key, kept.len());
            kept.push(Some(rule));
            continue;
        };
        let Some(held) = kept[i] else { continue };
        let (old, new) = (version(held), version(rule));
        if old == new {
            ctx.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    ctx.node_loc(rule),
                    format!(
                        "track rule `{key}` version {new} is also at line {}",
                        held.line
                    ),
                )
                .hint("keep one of them: which is meant cannot be told"),
            );
            kept[i] = None;
            continue;
        }
        let (newer, older) = if new > old {
            (rule, held)
        } else {
            (held, rule)
        };
        ctx.push(Diagnostic::at(
            Code::MigrationSkipped,
            ctx.node_loc(older),
            format!(
                "track rule `{key}` version {} (line {}) is replaced by version {} (line {}): \
                 the newest version is read",
                version(older),
                older.line,
                version(newer),
                newer.line
            ),
        ));
        kept[i] = Some(newer);
    }
    kept.into_iter().flatten().collect()
}

fn segment_rule(ctx: &mut Ctx<'_>, rule: &Node, b: &mut Builder<'_>) {
    let kind = text(field(rule, "type")).unwrap_or_default();
    if !kind.eq_ignore_ascii_case("track") {
        b.notes.skip("non-track rules", rule.line);
        return;
    }
    let Some(name) = text(field(rule, "key")).or_else(|| text(field(rule, "name"))) else {
        ctx.push(Diagnostic::at(
            Code::MissingField,
            ctx.node_loc(rule),
            "track rule has no `key` (the event name)",
        ));
        return;
    };
    let schema = field(rule, "jsonSchema");
    let labels_node = schema
        .and_then(|s| field(s, "labels"))
        .or_else(|| field(rule, "labels"));
    let labels: Vec<(String, String)> = match labels_node.map(|n| &n.value) {
        Some(Value::Map(entries)) => entries
            .iter()
            .map(|(k, v)| (k.name.clone(), text(Some(v)).unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    };
    let at = ctx.node_loc(labels_node.unwrap_or(rule));
    let Some(category) = segment::category_of(ctx, b, labels, at) else {
        return;
    };
    let fields = ResourceFields {
        description: schema
            .and_then(|s| text(field(s, "description")))
            .or_else(|| text(field(rule, "description"))),
        ..ResourceFields::default()
    };
    b.event(&category, &name, fields, ctx.origin(rule));
    if let Some(s) = schema {
        let object = segment_properties(ctx, s);
        properties(ctx, &name, object, b);
    }
}

fn avo_event(ctx: &mut Ctx<'_>, event: &Node, b: &mut Builder<'_>) {
    let Some(name) = text(field(event, "name")) else {
        ctx.push(Diagnostic::at(
            Code::MissingField,
            ctx.node_loc(event),
            "event has no `name`",
        ));
        return;
    };
    let mut categories = texts(field(event, "categories")).into_iter();
    let first = categories.next();
    for _ in categories {
        b.notes.no_home("categories (beyond the first)");
    }
    let at = ctx.node_loc(field(event, "categories").unwrap_or(event));
    let Some(category) = b.category(ctx, first, at, NO_CATEGORY) else {
        return;
    };
    for homeless in ["sources", "stakeholders"] {
        for _ in texts(field(event, homeless)) {
            b.notes.no_home(homeless);
        }
    }
    let names = |key: &str| -> Option<NameSet> {
        let v = texts(field(event, key));
        (!v.is_empty()).then(|| v.into_iter().collect())
    };
    let fields = ResourceFields {
        description: text(field(event, "description")),
        tags: names("tags"),
        owners: names("owners"),
        ..ResourceFields::default()
    };
    b.event(&category, &name, fields, ctx.origin(event));
    if let Some(s) = field(event, "rules").or_else(|| field(event, "jsonSchema")) {
        properties(ctx, &name, Some(properties_schema(s)), b);
    }
}

/// The object schema holding the event's properties: Segment nests it at
/// `properties.properties` (beside `context` and `traits`); a flat schema is its own.
fn properties_schema(schema: &Node) -> &Node {
    field(schema, "properties")
        .and_then(|p| field(p, "properties"))
        .filter(|inner| field(inner, "properties").is_some() || field(inner, "type").is_some())
        .unwrap_or(schema)
}

/// A Segment rule's object schema of properties: where `properties.properties` is there, it
/// is that (never the `context`, `traits` and `properties` beside it read as properties); of
/// the wrong shape it is a `wrong-type` error.
fn segment_properties<'n>(ctx: &mut Ctx<'_>, schema: &'n Node) -> Option<&'n Node> {
    let Some(inner) = field(schema, "properties").and_then(|p| field(p, "properties")) else {
        return Some(schema);
    };
    if matches!(inner.value, Value::Map(_)) {
        return Some(inner);
    }
    ctx.push(Diagnostic::at(
        Code::WrongType,
        ctx.node_loc(inner),
        format!(
            "`properties.properties`: expected an object schema, found {}",
            inner.describe()
        ),
    ));
    None
}

fn properties(ctx: &mut Ctx<'_>, event: &str, object: Option<&Node>, b: &mut Builder<'_>) {
    let Some(object) = object else { return };
    let required = texts(field(object, "required"));
    let props = match field(object, "properties") {
        None => return,
        Some(Node {
            value: Value::Map(props),
            ..
        }) => props,
        Some(other) => {
            ctx.push(Diagnostic::at(
                Code::WrongType,
                ctx.node_loc(other),
                format!(
                    "`properties` of event `{event}`: expected a mapping of property names to \
                     schemas, found {}",
                    other.describe()
                ),
            ));
            return;
        }
    };
    for (key, p) in props {
        let name = key.name.trim();
        if !matches!(p.value, Value::Map(_)) {
            ctx.push(Diagnostic::at(
                Code::WrongType,
                ctx.node_loc(p),
                format!(
                    "property `{name}`: expected a schema (a mapping), found {}",
                    p.describe()
                ),
            ));
            continue;
        }
        if let Some(bad) = non_string_type(p) {
            ctx.push(Diagnostic::at(
                Code::WrongType,
                ctx.node_loc(bad),
                format!(
                    "`type` of property `{name}`: expected a type name or a list of them, \
                     found {}",
                    bad.describe()
                ),
            ));
            continue;
        }
        let fields = ResourceFields {
            description: text(field(p, "description")),
            ..ResourceFields::default()
        };
        let tracking = tracking(p, required.contains(&key.name));
        let origin = crate::manifest::Origin {
            file: std::sync::Arc::clone(&ctx.file),
            line: key.line,
            column: key.column,
        };
        b.property(event, name, fields, tracking, origin);
    }
}

/// The part of a property schema's `type` (or its items' `type`) that is no type name: a
/// number, a mapping, or such a thing inside the list.
fn non_string_type(p: &Node) -> Option<&Node> {
    let bad = |t: &Node| !matches!(t.value, Value::Str(_));
    [Some(p), field(p, "items")]
        .into_iter()
        .flatten()
        .filter_map(|n| field(n, "type"))
        .find_map(|t| match &t.value {
            Value::Seq(items) => items.iter().find(|i| bad(i)),
            _ => bad(t).then_some(t),
        })
}

/// One property schema's type, array-ness, enum and pattern.
fn tracking(p: &Node, required: bool) -> TrackingFields {
    let names = texts(field(p, "type"));
    let mut typed = types::parse(names.iter().map(String::as_str));
    let item = field(p, "items");
    if typed.array {
        if let Some(it) = item {
            let inner = texts(field(it, "type"));
            let inner = types::parse(inner.iter().map(String::as_str));
            typed.ty = inner.ty.or(typed.ty);
        }
    }
    let enum_node = field(p, "enum").or_else(|| item.and_then(|i| field(i, "enum")));
    let values: Vec<String> = items(enum_node)
        .iter()
        .filter(|n| n.value != Value::Null)
        .filter_map(scalar_text)
        .collect();
    TrackingFields {
        property_type: typed.ty,
        is_required: Some(required),
        is_array_type: Some(typed.array),
        enum_values: types::enum_values(values.iter().map(String::as_str)),
        regex: text(field(p, "pattern")),
    }
}
