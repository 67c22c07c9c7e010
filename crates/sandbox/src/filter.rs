//! The resource catalog's `filter=<JSON>` language: field operators `exact`, `contains`, `in`,
//! `is_set`, combined with `and` / `or` / `not` over `operands`.

use super::model::Resource;
use super::store::{Kind, Selection};
use serde_json::Value;

/// A resource field a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Id,
    Title,
    TitleFull,
    /// `type` or `entity_type`.
    Type,
    Integration,
    Parent,
    Description,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "title" => Self::Title,
            "title_full" => Self::TitleFull,
            "type" | "entity_type" => Self::Type,
            "integration" | "integration_id" => Self::Integration,
            "parent" | "parent_id" => Self::Parent,
            "description" => Self::Description,
            _ => return None,
        })
    }

    fn get(self, r: &Resource) -> &str {
        match self {
            Self::Id => r.id.as_str(),
            Self::Title => &r.title,
            Self::TitleFull => &r.title_full,
            Self::Type => &r.entity_type,
            Self::Integration => r.integration.as_ref().map_or("", |i| i.as_str()),
            Self::Parent => r.parent.as_ref().map_or("", |i| i.as_str()),
            Self::Description => &r.description,
        }
    }
}

/// A parsed catalog filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Exact(Field, String),
    /// Case-insensitive substring, like Django's `icontains`.
    Contains(Field, String),
    In(Field, Vec<String>),
    /// `value: false` asks for the field being empty.
    IsSet(Field, bool),
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Filter {
    /// Parses the JSON of a `filter` query parameter; the error says what is wrong.
    pub(crate) fn parse(v: &Value) -> Result<Self, String> {
        let op = v
            .get("operator")
            .and_then(Value::as_str)
            .ok_or("every filter needs an `operator`")?;
        let operands = || -> Result<Vec<Filter>, String> {
            v.get("operands")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("`{op}` needs an `operands` list"))?
                .iter()
                .map(Filter::parse)
                .collect()
        };
        let field = || -> Result<Field, String> {
            let name = v
                .get("field")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`{op}` needs a `field`"))?;
            Field::parse(name).ok_or_else(|| format!("unknown field `{name}`"))
        };
        let value = || -> Result<String, String> {
            v.get("value")
                .and_then(scalar)
                .ok_or_else(|| format!("`{op}` needs a scalar `value`"))
        };
        Ok(match op {
            "and" => Self::And(operands()?),
            "or" => Self::Or(operands()?),
            "not" => {
                let mut ops = operands()?;
                if ops.len() != 1 {
                    return Err("`not` takes exactly one operand".into());
                }
                Self::Not(Box::new(ops.remove(0)))
            }
            "exact" => Self::Exact(field()?, value()?),
            "contains" => Self::Contains(field()?, value()?.to_lowercase()),
            "in" => Self::In(
                field()?,
                v.get("value")
                    .and_then(Value::as_array)
                    .ok_or("`in` needs a `value` list")?
                    .iter()
                    .filter_map(scalar)
                    .collect(),
            ),
            "is_set" => Self::IsSet(
                field()?,
                v.get("value").and_then(Value::as_bool).unwrap_or(true),
            ),
            other => return Err(format!("unknown operator `{other}`")),
        })
    }

    /// Whether a resource passes.
    pub(crate) fn matches(&self, r: &Resource) -> bool {
        match self {
            Self::And(ops) => ops.iter().all(|f| f.matches(r)),
            Self::Or(ops) => ops.iter().any(|f| f.matches(r)),
            Self::Not(f) => !f.matches(r),
            Self::Exact(field, v) => field.get(r) == v,
            Self::Contains(field, v) => field.get(r).to_lowercase().contains(v.as_str()),
            Self::In(field, vs) => vs.iter().any(|v| v == field.get(r)),
            Self::IsSet(field, want) => field.get(r).is_empty() != *want,
        }
    }

    /// The index selection implied by top-level exact matches, and whether the filter says
    /// nothing more (then the index slice is the answer and no resource needs testing).
    pub(crate) fn selection(&self) -> (Selection<'_>, bool) {
        let conds: Vec<&Filter> = match self {
            Self::And(ops) => ops.iter().collect(),
            other => vec![other],
        };
        let mut sel = Selection::default();
        let mut complete = true;
        for c in conds {
            let used = match c {
                Self::Exact(Field::Type, v) => match Kind::from_entity_type(v) {
                    Some(k) if sel.kind.is_none() => {
                        sel.kind = Some(k);
                        true
                    }
                    _ => false,
                },
                Self::Exact(Field::Parent, v) if sel.parent.is_none() => {
                    sel.parent = Some(v);
                    true
                }
                Self::Exact(Field::Integration, v) if sel.integration.is_none() => {
                    sel.integration = Some(v);
                    true
                }
                Self::Exact(Field::Title, v) if sel.title.is_none() => {
                    sel.title = Some(v);
                    true
                }
                _ => false,
            };
            complete &= used;
        }
        (sel, complete)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(title: &str, full: &str, kind: &str) -> Resource {
        Resource {
            title: title.into(),
            title_full: full.into(),
            entity_type: kind.into(),
            ..Resource::default()
        }
    }

    #[test]
    fn operators_and_logic() {
        let f = Filter::parse(&json!({"operator": "and", "operands": [
            {"operator": "exact", "field": "type", "value": "column"},
            {"operator": "contains", "field": "title_full", "value": "ORDERS"},
            {"operator": "not", "operands": [{"operator": "in", "field": "title", "value": ["id", "status"]}]},
        ]}))
        .unwrap();
        assert!(f.matches(&r("amount", "analytics.public.orders.amount", "column")));
        assert!(!f.matches(&r("id", "analytics.public.orders.id", "column")));
        assert!(!f.matches(&r("orders", "analytics.public.orders", "table")));
        let (sel, complete) = f.selection();
        assert_eq!(sel.kind, Some(Kind::Column));
        assert!(!complete);

        let unset =
            Filter::parse(&json!({"operator": "is_set", "field": "description", "value": false}))
                .unwrap();
        assert!(unset.matches(&r("a", "a", "table")));
    }

    #[test]
    fn errors_name_the_problem() {
        for (bad, msg) in [
            (json!({"field": "title"}), "operator"),
            (
                json!({"operator": "exact", "field": "colour", "value": "x"}),
                "colour",
            ),
            (json!({"operator": "near", "field": "title"}), "near"),
            (json!({"operator": "not", "operands": []}), "exactly one"),
        ] {
            assert!(Filter::parse(&bad).unwrap_err().contains(msg), "{bad}");
        }
    }
}
