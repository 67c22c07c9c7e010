//! A format-neutral value tree that remembers where each value was written, so that YAML and
//! JSONL share one reader of categories, events, properties and monitors with precise diagnostics.

use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::{NameSet, Origin};
use std::sync::Arc;

/// A value and the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) line: u32,
    pub(crate) column: u32,
    /// The scalar as written, when YAML resolved a plain scalar to a boolean or number: a text
    /// field takes this, since the number's rendering is not what the user wrote (`007`, `1e5`).
    pub(crate) raw: Option<Box<str>>,
}

/// A map key and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapKey {
    pub(crate) name: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// The values manifests can hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(MapKey, Node)>),
}

impl Node {
    /// A node with no source text of its own (see [`Node::raw`]).
    pub(crate) fn new(value: Value, line: u32, column: u32) -> Self {
        Self {
            value,
            line,
            column,
            raw: None,
        }
    }

    /// Describes the value for "expected X, found Y" messages.
    pub(crate) fn describe(&self) -> String {
        if let Some(raw) = &self.raw {
            let kind = match self.value {
                Value::Bool(_) => "boolean",
                Value::Int(_) => "integer",
                _ => "number",
            };
            return format!("{kind} `{}`", ellipsize(raw));
        }
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("boolean `{b}`"),
            Value::Int(i) => format!("integer `{i}`"),
            Value::Float(f) => format!("number `{f}`"),
            Value::Str(s) => format!("string `{}`", ellipsize(s)),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }

    /// Converts to JSON (metric configs are free-form and kept as JSON).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => s.clone().into(),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.name.clone(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// Parses one JSON document into a tree whose nodes all sit at `line` (a JSONL record), keeping
/// every key of an object: serde_json's own maps keep only the last of a repeated key, which
/// would let `{"title": "a", "title": "b"}` pass where YAML reports a duplicate.
pub(crate) fn parse_json_line(text: &str, line: u32) -> Result<Node, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    let node = AtLine(line).deserialize(&mut de)?;
    de.end()?;
    Ok(node)
}

/// Deserializes a [`Node`] placed at one line, column 1.
#[derive(Clone, Copy)]
struct AtLine(u32);

impl AtLine {
    fn node(self, value: Value) -> Node {
        Node::new(value, self.0, 1)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for AtLine {
    type Value = Node;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for AtLine {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(self.node(Value::Null))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(self.node(Value::Bool(b)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Node, E> {
        Ok(self.node(Value::Int(i)))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Node, E> {
        #[allow(clippy::cast_precision_loss)] // beyond i64 only a float can hold it
        Ok(self.node(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int)))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Node, E> {
        Ok(self.node(Value::Float(f)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(self.node(Value::Str(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(self.node(Value::Str(s)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(self.node(Value::Seq(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            let key = MapKey {
                name,
                line: self.0,
                column: 1,
            };
            entries.push((key, value));
        }
        Ok(self.node(Value::Map(entries)))
    }
}

fn ellipsize(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(37).collect();
        format!("{head}...")
    } else {
        s.to_owned()
    }
}

/// The file being read and the diagnostics collected from it.
pub(crate) struct Ctx<'a> {
    pub(crate) file: Arc<str>,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub(crate) fn loc(&self, line: u32, column: u32) -> Location {
        Location::new(&self.file, line, column)
    }

    pub(crate) fn node_loc(&self, node: &Node) -> Location {
        self.loc(node.line, node.column)
    }

    pub(crate) fn origin(&self, node: &Node) -> Origin {
        Origin {
            file: Arc::clone(&self.file),
            line: node.line,
            column: node.column,
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
        let d = Diagnostic::at(
            Code::WrongType,
            self.node_loc(node),
            format!("`{field}`: expected {expected}, found {}", node.describe()),
        );
        self.push(d);
    }
}

/// The closest known name to `name`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// A mapping read as an object of known fields: unknown and repeated keys are reported once.
pub(crate) struct Obj<'n> {
    node: &'n Node,
    entries: &'n [(MapKey, Node)],
}

impl<'n> Obj<'n> {
    /// Reads `node` as a mapping of `what` (e.g. `event`) with the `known` keys.
    pub(crate) fn new(
        ctx: &mut Ctx<'_>,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> Option<Self> {
        let Value::Map(entries) = &node.value else {
            let d = Diagnostic::at(
                Code::WrongType,
                ctx.node_loc(node),
                format!("expected {what} as a mapping, found {}", node.describe()),
            );
            ctx.push(d);
            return None;
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            if !known.contains(&key.name.as_str()) {
                let mut d = Diagnostic::at(
                    Code::UnknownField,
                    ctx.loc(key.line, key.column),
                    format!("unknown field `{}` in {what}", key.name),
                );
                d = match suggest(&key.name, known) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!("known fields: {}", known.join(", "))),
                };
                ctx.push(d);
            }
            if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.name == key.name) {
                let d = Diagnostic::at(
                    Code::DuplicateKey,
                    ctx.loc(key.line, key.column),
                    format!("field `{}` given twice in {what}", key.name),
                )
                .related("first given", ctx.loc(first.line, first.column));
                ctx.push(d);
            }
        }
        Some(Self { node, entries })
    }

    /// The node itself (for locations).
    pub(crate) fn node(&self) -> &'n Node {
        self.node
    }

    /// A field's node, `None` when absent or null (null means unmanaged, like absence).
    pub(crate) fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
            .filter(|v| v.value != Value::Null)
    }

    /// A string field; scalars of other types are taken as written.
    pub(crate) fn string(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<String> {
        let node = self.get(name)?;
        match scalar_text(node) {
            // A JSON number carries no text of its own: `1.10` would be kept as `1.1`, `1e3`
            // as `1000`. A whole number reads back as written, so only a decimal is refused.
            Some(_) if matches!(node.value, Value::Float(_)) && node.raw.is_none() => {
                ctx.wrong_type(
                    node,
                    name,
                    "a string (quote the number to keep it as written)",
                );
                None
            }
            Some(s) => Some(s),
            None => {
                ctx.wrong_type(node, name, "a string");
                None
            }
        }
    }

    /// A required, trimmed title; reports `missing-field` when absent.
    pub(crate) fn title(&self, ctx: &mut Ctx<'_>, name: &str, what: &str) -> Option<String> {
        if self.get(name).is_none() {
            let d = Diagnostic::at(
                Code::MissingField,
                ctx.node_loc(self.node),
                format!("{what} has no `{name}`"),
            );
            ctx.push(d);
            return None;
        }
        self.string(ctx, name).map(|s| s.trim().to_owned())
    }

    /// A boolean field (only `true` / `false`).
    pub(crate) fn boolean(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<bool> {
        let node = self.get(name)?;
        if let Value::Bool(b) = node.value {
            Some(b)
        } else {
            ctx.wrong_type(node, name, "a boolean");
            None
        }
    }

    /// An integer field.
    pub(crate) fn int(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<i64> {
        let node = self.get(name)?;
        if let Value::Int(i) = node.value {
            Some(i)
        } else {
            ctx.wrong_type(node, name, "an integer");
            None
        }
    }

    /// A number field (integer or decimal).
    pub(crate) fn number(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<f64> {
        let node = self.get(name)?;
        match node.value {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => {
                ctx.wrong_type(node, name, "a number");
                None
            }
        }
    }

    /// A list of names (a set).
    pub(crate) fn names(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<NameSet> {
        let node = self.get(name)?;
        let Value::Seq(items) = &node.value else {
            ctx.wrong_type(node, name, "a list of names");
            return None;
        };
        let mut set = NameSet::new();
        for item in items {
            match scalar_text(item) {
                Some(s) if item.value != Value::Null => {
                    set.insert(s.trim().to_owned());
                }
                _ => ctx.wrong_type(item, name, "a name"),
            }
        }
        Some(set)
    }

    /// A sequence field's items.
    pub(crate) fn seq(&self, ctx: &mut Ctx<'_>, name: &str) -> Option<&'n [Node]> {
        let node = self.get(name)?;
        if let Value::Seq(items) = &node.value {
            Some(items)
        } else {
            ctx.wrong_type(node, name, "a list");
            None
        }
    }
}

/// The text of a scalar (numbers and booleans as written); `None` for lists and mappings.
pub(crate) fn scalar_text(node: &Node) -> Option<String> {
    if let Some(raw) = &node.raw {
        return Some(raw.as_ref().to_owned());
    }
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Null => Some(String::new()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["title", "description", "events"];
        assert_eq!(suggest("titel", &known), Some("title"));
        assert_eq!(suggest("Descripton", &known), Some("description"));
        assert_eq!(suggest("zzz", &known), None);
    }
}
