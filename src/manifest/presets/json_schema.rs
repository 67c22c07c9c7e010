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
    for entry in entries {
        if preset == Preset::SegmentJson {
            segment_rule(ctx, entry, b);
        } else {
            avo_event(ctx, entry, b);
        }
    }
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
        properties(ctx, &name, s, b);
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
        properties(ctx, &name, s, b);
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

fn properties(ctx: &mut Ctx<'_>, event: &str, schema: &Node, b: &mut Builder<'_>) {
    let object = properties_schema(schema);
    let required = texts(field(object, "required"));
    let Some(Node {
        value: Value::Map(props),
        ..
    }) = field(object, "properties")
    else {
        return;
    };
    for (key, p) in props {
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
        b.property(event, key.name.trim(), fields, tracking, origin);
    }
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
