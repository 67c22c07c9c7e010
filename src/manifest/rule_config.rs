//! Reading a `rules:` map (from a manifest or a `--rules` file) into [`Rules`], every unknown
//! rule, option or value reported with its place.

use crate::manifest::diagnostics::{Code, Diagnostic};
use crate::manifest::node::{scalar_text, suggest, Ctx, Node, Obj, Value};
use crate::manifest::rules::{ItemKind, RuleId, RuleLevel, Rules, Style};

/// Reads the value of a `rules:` key.
pub(crate) fn read(ctx: &mut Ctx<'_>, node: &Node) -> Rules {
    let mut rules = Rules::default();
    let Some(obj) = Obj::new(ctx, node, "rules", RuleId::NAMES) else {
        return rules;
    };
    let Value::Map(entries) = &obj.node().value else {
        return rules;
    };
    for (key, value) in entries {
        if let Some(id) = RuleId::parse(&key.name) {
            rule(ctx, &mut rules, id, value);
        }
    }
    rules
}

fn rule(ctx: &mut Ctx<'_>, rules: &mut Rules, id: RuleId, node: &Node) {
    if let Value::Map(_) = node.value {
        let known: Vec<&str> = std::iter::once("severity")
            .chain(id.options().iter().copied())
            .collect();
        let what = format!("rule `{}`", id.as_str());
        let Some(obj) = Obj::new(ctx, node, &what, &known) else {
            return;
        };
        let level = obj
            .get("severity")
            .map_or(Some(RuleLevel::Warning), |n| level(ctx, n));
        if let Some(level) = level {
            rules.set_level(id, level);
        }
        options(ctx, rules, id, &obj);
    } else if let Some(level) = level(ctx, node) {
        rules.set_level(id, level);
    }
}

fn level(ctx: &mut Ctx<'_>, node: &Node) -> Option<RuleLevel> {
    match scalar_text(node).as_deref() {
        Some("error") => Some(RuleLevel::Error),
        Some("warning") => Some(RuleLevel::Warning),
        Some("off") => Some(RuleLevel::Off),
        _ => {
            bad_value(ctx, node, "a severity", &["error", "warning", "off"]);
            None
        }
    }
}

fn bad_value(ctx: &mut Ctx<'_>, node: &Node, expected: &str, known: &[&str]) {
    let mut d = Diagnostic::at(
        Code::WrongType,
        ctx.node_loc(node),
        format!("expected {expected}, found {}", node.describe()),
    );
    let found = scalar_text(node).unwrap_or_default();
    d = match suggest(&found, known) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None => d.hint(format!("one of: {}", known.join(", "))),
    };
    ctx.push(d);
}

/// A list of strings (a single string is a list of one).
fn strings(ctx: &mut Ctx<'_>, obj: &Obj<'_>, name: &str) -> Option<Vec<String>> {
    let node = obj.get(name)?;
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match scalar_text(item) {
            Some(s) if !matches!(item.value, Value::Null | Value::Seq(_) | Value::Map(_)) => {
                out.push(s.trim().to_owned());
            }
            _ => bad_value(ctx, item, &format!("`{name}` as a list of strings"), &[]),
        }
    }
    Some(out)
}

fn options(ctx: &mut Ctx<'_>, rules: &mut Rules, id: RuleId, obj: &Obj<'_>) {
    match id {
        RuleId::EventTitleCase | RuleId::PropertyTitleCase | RuleId::CategoryTitleCase => {
            let rule = match id {
                RuleId::EventTitleCase => &mut rules.event_title_case,
                RuleId::PropertyTitleCase => &mut rules.property_title_case,
                _ => &mut rules.category_title_case,
            };
            if let Some(node) = obj.get("style") {
                let names: Vec<&str> = Style::NAMES.iter().map(|(n, _)| *n).collect();
                let found = scalar_text(node).unwrap_or_default();
                match Style::NAMES.iter().find(|(n, _)| *n == found) {
                    Some((_, s)) => rule.options.style = *s,
                    None => bad_value(ctx, node, "a style", &names),
                }
            }
            if let Some(verbs) = strings(ctx, obj, "verbs") {
                rule.options.verbs = verbs;
            }
        }
        RuleId::TitlePattern => {
            let p = &mut rules.title_pattern.options;
            for (name, slot) in [
                ("event", &mut p.event),
                ("property", &mut p.property),
                ("category", &mut p.category),
            ] {
                let Some(src) = obj.string(ctx, name) else {
                    continue;
                };
                match regex::Regex::new(&format!("^(?:{src})$")) {
                    Ok(re) => *slot = Some(re),
                    Err(e) => {
                        let node = obj.get(name).unwrap_or(obj.node());
                        let first = e.to_string();
                        let d = Diagnostic::at(
                            Code::WrongType,
                            ctx.node_loc(node),
                            format!("`{name}`: not a valid regex"),
                        )
                        .hint(first.lines().last().unwrap_or("").trim().to_owned());
                        ctx.push(d);
                    }
                }
            }
        }
        RuleId::DescriptionRequired | RuleId::OwnerRequired => {
            let rule = if id == RuleId::DescriptionRequired {
                &mut rules.description_required
            } else {
                &mut rules.owner_required
            };
            if let Some(kinds) = strings(ctx, obj, "kinds") {
                let names: Vec<&str> = ItemKind::NAMES.iter().map(|(n, _)| *n).collect();
                let node = obj.get("kinds").unwrap_or(obj.node());
                rule.options.kinds.clear();
                for k in kinds {
                    match ItemKind::NAMES.iter().find(|(n, _)| *n == k) {
                        Some((_, kind)) => rule.options.kinds.push(*kind),
                        None => bad_value(ctx, node, "kinds among", &names),
                    }
                }
            }
            if let Some(n) = obj.int(ctx, "min_length") {
                rule.options.min_length = usize::try_from(n).unwrap_or(0);
            }
        }
        RuleId::BannedWords => {
            if let Some(words) = strings(ctx, obj, "words") {
                rules.banned_words.options.words = words;
            }
        }
        RuleId::RequiredProperties => {
            if let Some(p) = strings(ctx, obj, "properties") {
                rules.required_properties.options.properties = p;
            }
            if let Some(c) = strings(ctx, obj, "categories") {
                rules.required_properties.options.categories = c;
            }
        }
        RuleId::NoDeleteUsed => {
            if let Some(n) = obj.int(ctx, "min_usage") {
                match u64::try_from(n) {
                    Ok(n) if n >= 1 => rules.no_delete_used.options.min_usage = n,
                    _ => {
                        let node = obj.get("min_usage").unwrap_or(obj.node());
                        bad_value(ctx, node, "a `min_usage` of 1 or more", &[]);
                    }
                }
            }
        }
        RuleId::CaseCollision | RuleId::PiiNeedsOwner | RuleId::TypeRequired => {}
    }
}
