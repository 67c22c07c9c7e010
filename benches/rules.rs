//! Every tracking-plan rule over a generated 100,000-property plan: the time the rules add to
//! `validate` (the set is loaded once; only the check is timed, best of five).
//!
//! Run: `cargo bench --bench rules` (target: < 0.3 s).
#![allow(clippy::print_stdout)]

use secoda_sync::testing::manifest::generate::{tracking_plan, Shape};
use secoda_sync::testing::manifest::rules::{check, ItemKind, RuleId, RuleLevel, Rules};
use std::time::{Duration, Instant};

fn every_rule_on() -> Rules {
    let mut rules = Rules::default();
    for id in RuleId::ALL {
        rules.set_level(*id, RuleLevel::Warning);
    }
    let re = |s: &str| regex::Regex::new(&format!("^(?:{s})$")).ok();
    rules.title_pattern.options.event = re("[A-Z][A-Za-z0-9 ]*");
    rules.title_pattern.options.property = re("[a-z][a-z0-9_]*");
    rules.title_pattern.options.category = re("[A-Z][A-Za-z0-9 ]*");
    let all = vec![ItemKind::Category, ItemKind::Event, ItemKind::Property];
    rules.description_required.options.kinds.clone_from(&all);
    rules.owner_required.options.kinds = all;
    rules.required_properties.options.properties = vec!["user_id".into(), "session_id".into()];
    rules
}

fn main() {
    let set = tracking_plan(Shape::LARGE);
    let c = set.counts();
    let rules = every_rule_on();
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..5 {
        let start = Instant::now();
        findings = check(&set, &rules).len();
        best = best.min(start.elapsed());
    }
    let mut per_rule: Vec<(&str, usize)> = RuleId::ALL
        .iter()
        .map(|id| {
            let n = check(&set, &rules).iter().filter(|f| f.rule == *id).count();
            (id.as_str(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    per_rule.sort_unstable();
    println!("findings per rule: {per_rule:?}");
    println!(
        "rules: every rule on, {} categories, {} events, {} properties: {:.3} s ({findings} findings)",
        c.categories,
        c.events,
        c.properties,
        best.as_secs_f64()
    );
}
