//! JSON Lines manifests: one record per line (`{"kind": "event", ...}`), blank lines skipped.
//! Parents are checked when the set is merged, so a record may refer to another file.

use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::fragment::{
    self, EventMention, Fragment, CATEGORY_FIELDS, MONITOR_FIELDS, RENAMED_FROM, RESOURCE_FIELDS,
    TAG_FIELDS, TRACKING_FIELDS,
};
use crate::manifest::node::{parse_json_line, suggest, Ctx, Node, Obj, Value};
use crate::manifest::{IntegrationRef, Property};

/// The record kinds.
pub(crate) const KINDS: &[&str] = &["category", "event", "property", "monitor", "tag"];

/// Reads a JSONL manifest file into what it declares.
pub(crate) fn read_manifest(ctx: &mut Ctx<'_>, text: &str) -> Fragment {
    let mut frag = Fragment::default();
    let known = Known::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        match parse_json_line(line, lineno) {
            Ok(node) => record(ctx, &node, &known, &mut frag),
            Err(e) => ctx.push(Diagnostic::at(
                Code::Syntax,
                ctx.loc(lineno, u32::try_from(e.column().max(1)).unwrap_or(1)),
                format!("invalid JSON: {e}"),
            )),
        }
    }
    frag
}

/// Allowed fields per record kind.
struct Known {
    category: Vec<&'static str>,
    event: Vec<&'static str>,
    property: Vec<&'static str>,
    monitor: Vec<&'static str>,
    tag: Vec<&'static str>,
}

impl Known {
    fn new() -> Self {
        let base = ["kind", "integration"];
        let cat = |extra: &[&'static str]| -> Vec<&'static str> {
            base.iter().chain(extra).copied().collect()
        };
        Self {
            category: cat(&[&["title", RENAMED_FROM][..], &CATEGORY_FIELDS].concat()),
            event: cat(&[
                &["category", "title", "protect", RENAMED_FROM][..],
                &RESOURCE_FIELDS,
            ]
            .concat()),
            property: cat(&[
                &["category", "event", "title", "protect", RENAMED_FROM][..],
                &RESOURCE_FIELDS,
                &TRACKING_FIELDS,
            ]
            .concat()),
            monitor: cat(MONITOR_FIELDS),
            // A tag belongs to the workspace, not to an integration.
            tag: ["kind"].iter().chain(TAG_FIELDS).copied().collect(),
        }
    }
}

fn record(ctx: &mut Ctx<'_>, node: &Node, known: &Known, frag: &mut Fragment) {
    let Some(kind) = kind_of(ctx, node) else {
        return;
    };
    let fields = match kind {
        "category" => &known.category,
        "event" => &known.event,
        "property" => &known.property,
        "tag" => &known.tag,
        _ => &known.monitor,
    };
    let Some(obj) = Obj::new(ctx, node, kind, fields) else {
        return;
    };
    if let Some(name) = obj.string(ctx, "integration") {
        frag.add_integration(IntegrationRef::parse(&name), ctx.origin(node));
    }
    match kind {
        "category" => {
            if let Some(title) = obj.title(ctx, "title", "category") {
                let mention = fragment::category_mention(ctx, &obj, title);
                frag.categories.push(mention);
            }
        }
        "event" => {
            let category = obj.title(ctx, "category", "event record");
            let title = obj.title(ctx, "title", "event");
            if let (Some(category), Some(title)) = (category, title) {
                let renamed_from = fragment::renamed_from(ctx, &obj, &title);
                let mut mention = EventMention::event(
                    category,
                    title,
                    fragment::resource_fields(ctx, &obj),
                    obj.boolean(ctx, "protect").unwrap_or(false),
                    ctx.origin(node),
                    true,
                );
                mention.item.renamed_from = renamed_from;
                frag.events.push(mention);
            }
        }
        "property" => {
            let category = obj.title(ctx, "category", "property record");
            let event = obj.title(ctx, "event", "property record");
            let title = obj.title(ctx, "title", "property");
            if let (Some(category), Some(event), Some(title)) = (category, event, title) {
                let property = Property {
                    renamed_from: fragment::renamed_from(ctx, &obj, &title),
                    title,
                    fields: fragment::resource_fields(ctx, &obj),
                    tracking: fragment::tracking_fields(ctx, &obj),
                    protect: obj.boolean(ctx, "protect").unwrap_or(false),
                    origin: ctx.origin(node),
                };
                frag.push_property(&category, &event, property);
            }
        }
        "tag" => {
            if let Some(t) = fragment::tag(ctx, &obj) {
                frag.tags.push(t);
            }
        }
        _ => {
            if let Some(m) = fragment::monitor(ctx, &obj) {
                frag.monitors.push(m);
            }
        }
    }
}

/// The record's `kind`, reported when missing or unknown.
fn kind_of(ctx: &mut Ctx<'_>, node: &Node) -> Option<&'static str> {
    let Value::Map(entries) = &node.value else {
        ctx.push(Diagnostic::at(
            Code::WrongType,
            ctx.node_loc(node),
            format!(
                "expected a record as a JSON object, found {}",
                node.describe()
            ),
        ));
        return None;
    };
    let Some((_, v)) = entries.iter().find(|(k, _)| k.name == "kind") else {
        ctx.push(
            Diagnostic::at(
                Code::MissingField,
                ctx.node_loc(node),
                "record has no `kind`",
            )
            .hint("add \"kind\": \"category\" | \"event\" | \"property\" | \"monitor\" | \"tag\""),
        );
        return None;
    };
    let text = match &v.value {
        Value::Str(s) => s.as_str(),
        _ => "",
    };
    if let Some(k) = KINDS.iter().find(|k| **k == text) {
        return Some(k);
    }
    let mut d = Diagnostic::at(
        Code::WrongType,
        ctx.node_loc(v),
        format!(
            "`kind`: expected one of category, event, property, monitor, tag, found {}",
            v.describe()
        ),
    );
    if let Some(s) = suggest(text, KINDS) {
        d = d.hint(format!("did you mean `{s}`?"));
    }
    ctx.push(d);
    None
}
