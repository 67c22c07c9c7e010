//! Tracking-plan rules through the binary: each rule with a manifest that breaks it and one that
//! does not, the `rules:` map's own diagnostics, `--rules FILE`, and plan/apply stopping early.

use crate::util::{bin, ex, Out, Sandbox};
use std::path::Path;

/// Validates one YAML manifest (`rules` then `categories` body) in a fresh directory.
#[track_caller]
fn validate(rules: &str, body: &str, extra: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("version: 1\nintegration: Segment\nrules:\n{rules}\ncategories:\n{body}");
    std::fs::write(dir.path().join("a.yaml"), text).unwrap();
    let mut cmd = bin();
    cmd.current_dir(dir.path()).arg("validate").arg("a.yaml");
    Out::of(cmd.args(extra).output().unwrap())
}

/// Asserts a run whose stderr holds `place: severity[code]`.
#[track_caller]
fn assert_finding(out: &Out, place: &str, severity: &str, code: &str) {
    let needle = format!("a.yaml:{place}: {severity}[{code}]");
    assert!(
        out.stderr.lines().any(|l| l.starts_with(&needle)),
        "expected `{needle}` in:\n{}",
        out.stderr
    );
}

/// Asserts a clean run (exit 0, no diagnostic at all).
#[track_caller]
fn assert_clean(out: &Out) {
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert!(out.stderr.is_empty(), "stderr:\n{}", out.stderr);
}

/// One category `Shop` with one event and one property, the three titles given.
fn tree(
    category: &str,
    event: &str,
    property: &str,
    event_extra: &str,
    prop_extra: &str,
) -> String {
    format!(
        "  - title: {category}\n    events:\n      - title: {event}\n{event_extra}        properties:\n          - title: {property}\n{prop_extra}"
    )
}

/// Each rule: its `rules:` block, a manifest breaking it (with the finding's place), and a
/// manifest that passes.
#[test]
fn every_rule_flags_a_breaking_manifest_and_passes_a_clean_one() {
    let plain = |c: &str, e: &str, p: &str| tree(c, e, p, "", "");
    let cases: Vec<(&str, &str, String, &str, String)> = vec![
        (
            "event-title-case",
            "  event-title-case: error",
            plain("Shop", "order completed", "id"),
            "8:9",
            plain("Shop", "Order Completed", "id"),
        ),
        (
            "event-title-case",
            "  event-title-case: {severity: error, style: object-action}",
            plain("Shop", "Complete Order", "id"),
            "8:9",
            plain("Shop", "Order Completed", "id"),
        ),
        (
            "event-title-case",
            "  event-title-case: {severity: error, style: object-action, verbs: [yeeted]}",
            plain("Shop", "Cart Yeet", "id"),
            "8:9",
            plain("Shop", "Cart Yeeted", "id"),
        ),
        (
            "property-title-case",
            "  property-title-case: error",
            plain("Shop", "E", "orderId"),
            "10:13",
            plain("Shop", "E", "order_id"),
        ),
        (
            "property-title-case",
            "  property-title-case: {severity: error, style: camel}",
            plain("Shop", "E", "order_id"),
            "10:13",
            plain("Shop", "E", "orderId"),
        ),
        (
            "category-title-case",
            "  category-title-case: {severity: error, style: kebab}",
            plain("Shop Front", "E", "id"),
            "6:5",
            plain("shop-front", "E", "id"),
        ),
        (
            "title-pattern",
            "  title-pattern: {severity: error, event: '[A-Z][a-z]+ [A-Z][a-z]+'}",
            plain("Shop", "Order", "id"),
            "8:9",
            plain("Shop", "Order Completed", "id"),
        ),
        (
            "case-collision",
            "  case-collision: error",
            format!(
                "{}          - title: orderId\n",
                plain("Shop", "E", "order_id")
            ),
            "11:13",
            format!(
                "{}          - title: order_ids\n",
                plain("Shop", "E", "order_id")
            ),
        ),
        (
            "description-required",
            "  description-required: error",
            tree("Shop", "E", "id", "", "            description: the id\n"),
            "8:9",
            tree(
                "Shop",
                "E",
                "id",
                "        description: an event\n",
                "            description: the id\n",
            ),
        ),
        (
            "description-required",
            "  description-required: {severity: error, kinds: [property], min_length: 10}",
            tree("Shop", "E", "id", "", "            description: short\n"),
            "10:13",
            tree(
                "Shop",
                "E",
                "id",
                "",
                "            description: long enough now\n",
            ),
        ),
        (
            "owner-required",
            "  owner-required: error",
            plain("Shop", "E", "id"),
            "8:9",
            tree("Shop", "E", "id", "        teams: [Growth]\n", ""),
        ),
        (
            "pii-needs-owner",
            "  pii-needs-owner: error",
            tree("Shop", "E", "id", "", "            pii: true\n"),
            "10:13",
            tree(
                "Shop",
                "E",
                "id",
                "",
                "            pii: true\n            owners: [a@b.test]\n",
            ),
        ),
        (
            "type-required",
            "  type-required: error",
            plain("Shop", "E", "id"),
            "10:13",
            tree("Shop", "E", "id", "", "            type: string\n"),
        ),
        (
            "banned-words",
            "  banned-words: error",
            plain("Shop", "Test Order", "id"),
            "8:9",
            plain("Shop", "Order", "id"),
        ),
        (
            "banned-words",
            "  banned-words: {severity: error, words: [legacy]}",
            plain("Shop", "E", "legacy_id"),
            "10:13",
            plain("Shop", "E", "test_id"),
        ),
        (
            "required-properties",
            "  required-properties: {severity: error, properties: [user_id]}",
            plain("Shop", "E", "id"),
            "8:9",
            plain("Shop", "E", "user_id"),
        ),
        (
            "required-properties",
            "  required-properties: {severity: error, properties: [user_id], categories: [Shop]}",
            plain("Shop", "E", "id"),
            "8:9",
            plain("Other", "E", "id"),
        ),
    ];
    for (code, rules, bad, place, good) in cases {
        let out = validate(rules, &bad, &[]);
        assert_eq!(out.code, 1, "{code}: {}", out.stderr);
        assert_finding(&out, place, "error", code);
        assert_clean(&validate(rules, &good, &[]));
    }
}

#[test]
fn a_finding_names_the_expected_form_and_shows_in_json() {
    let out = validate(
        "  property-title-case: warning",
        &tree("Shop", "E", "orderId", "", ""),
        &["--format", "json"],
    );
    assert_eq!(out.code, 0, "a warning passes: {}", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "property-title-case");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["message"], "property title `orderId` is not snake_case");
    assert_eq!(d["hint"], "expected `order_id`");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(10), Some(13))
    );
}

#[test]
fn strict_turns_a_rule_warning_into_a_failure() {
    let body = tree("Shop", "E", "orderId", "", "");
    let out = validate("  property-title-case: warning", &body, &["--strict"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_finding(&out, "10:13", "warning", "property-title-case");
}

#[test]
fn case_collision_is_a_warning_without_any_rules_block() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "version: 1\nintegration: Segment\ncategories:\n{}          - title: orderId\n",
        tree("Shop", "E", "order_id", "", "")
    );
    std::fs::write(dir.path().join("a.yaml"), body).unwrap();
    let out = Out::of(
        bin()
            .current_dir(dir.path())
            .args(["validate", "a.yaml"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_finding(&out, "9:13", "warning", "case-collision");
    assert!(
        out.stderr.contains("note: the other at a.yaml:8:13"),
        "{}",
        out.stderr
    );
}

#[test]
fn off_silences_a_rule_that_is_on_by_default() {
    let body = format!(
        "{}          - title: orderId\n",
        tree("Shop", "E", "order_id", "", "")
    );
    assert_clean(&validate("  case-collision: off", &body, &[]));
}

#[test]
fn unknown_rules_options_and_values_are_reported_with_suggestions() {
    let rules = "  evnt-title-case: error\n  banned-words: {severity: error, wrds: [x]}\n  type-required: eror\n  event-title-case: {style: snake-case}";
    let out = validate(rules, &tree("Shop", "E", "id", "", ""), &[]);
    assert_eq!(out.code, 1);
    assert_finding(&out, "4:3", "error", "unknown-field");
    assert!(
        out.stderr.contains("did you mean `event-title-case`?"),
        "{}",
        out.stderr
    );
    assert_finding(&out, "5:35", "error", "unknown-field");
    assert!(
        out.stderr.contains("did you mean `words`?"),
        "{}",
        out.stderr
    );
    assert_finding(&out, "6:18", "error", "wrong-type");
    assert!(
        out.stderr.contains("did you mean `error`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("expected a style"), "{}", out.stderr);
}

#[test]
fn a_bad_regex_is_reported_at_its_place() {
    let out = validate(
        "  title-pattern: {severity: error, event: '[a-'}",
        &tree("Shop", "E", "id", "", ""),
        &[],
    );
    assert_finding(&out, "4:43", "error", "wrong-type");
}

#[test]
fn rules_come_from_a_rules_file_and_only_once_per_set() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "version: 1\nintegration: Segment\ncategories:\n{}",
        tree("Shop", "E", "orderId", "", "")
    );
    std::fs::write(dir.path().join("a.yaml"), manifest).unwrap();
    std::fs::write(
        dir.path().join("rules.yml"),
        "rules:\n  property-title-case: error\n",
    )
    .unwrap();
    let run = |args: &[&str]| Out::of(bin().current_dir(dir.path()).args(args).output().unwrap());
    let out = run(&["validate", "a.yaml", "--rules", "rules.yml"]);
    assert_eq!(out.code, 1);
    assert_finding(&out, "8:13", "error", "property-title-case");
    std::fs::write(
        dir.path().join("b.yaml"),
        "version: 1\nrules:\n  type-required: error\n",
    )
    .unwrap();
    let out = run(&["validate", "a.yaml", "b.yaml", "--rules", "rules.yml"]);
    assert!(
        out.stderr
            .contains("b.yaml:3:3: error[duplicate-key]: `rules` given twice"),
        "{}",
        out.stderr
    );
    let out = run(&["validate", "a.yaml", "--rules", "missing.yml"]);
    assert!(out.stderr.contains("error[io]"), "{}", out.stderr);
}

#[test]
fn an_error_finding_stops_plan_and_apply_before_any_api_call() {
    let sb = Sandbox::new();
    sb.expect_no_calls();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "version: 1\nintegration: Segment\nrules:\n  type-required: error\ncategories:\n{}",
        tree("Shop", "E", "id", "", "")
    );
    let m = dir.path().join("a.yaml");
    std::fs::write(&m, text).unwrap();
    for args in [vec!["plan"], vec!["apply", "--auto-approve"]] {
        let args = [args, vec![m.to_str().unwrap()]].concat();
        let out = sb.run(&args).code(1);
        assert!(
            out.stderr.contains("error[type-required]"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("1 error in the manifests"),
            "{}",
            out.stderr
        );
    }
    assert!(sb.log().is_empty(), "{:?}", sb.log());
}

#[test]
fn the_example_set_passes_its_own_rules() {
    let text = std::fs::read_to_string(Path::new(&ex()).join("secoda.yaml")).unwrap();
    assert!(text.contains("rules:"), "the example carries a rules block");
    let out = Out::of(bin().args(["validate", &ex()]).output().unwrap());
    assert_clean(&out);
}

#[test]
fn audit_runs_the_rules_over_the_live_integration_and_writes_nothing() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "version: 1\nintegration: Segment\nrules:\n  case-collision: off\ncategories:\n{}          - title: order_id\n            type: string\n",
        tree("Shop", "Order Completed", "orderId", "", "")
    );
    let m = dir.path().join("a.yaml");
    std::fs::write(&m, text).unwrap();
    sb.run(&["apply", "--auto-approve", m.to_str().unwrap()])
        .ok();
    sb.clear_log();
    let rules = dir.path().join("rules.yaml");
    std::fs::write(
        &rules,
        "rules:\n  property-title-case: error\n  type-required: warning\n  case-collision: off\n",
    )
    .unwrap();
    let out = sb
        .run(&[
            "audit",
            "--integration",
            "Segment",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ])
        .code(1);
    let v = out.json();
    assert_eq!(
        (v["resources"].as_u64(), v["clean"].as_u64()),
        (Some(4), Some(3))
    );
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["score"], 75.0);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "property-title-case");
    assert_eq!(f["key"], "Shop/Order Completed/orderId");
    assert!(f["id"].as_str().is_some_and(|id| id.len() == 36), "{f}");
    assert_eq!(v["rules"][0]["rule"], "property-title-case");
    assert!(
        sb.writes().is_empty(),
        "audit reads only: {:?}",
        sb.writes()
    );
    let md = sb
        .run(&["audit", "--integration", "Segment", "--format", "markdown"])
        .ok();
    assert!(md.stdout.contains("**Score 75%**"), "{}", md.stdout);
    let text = sb.run(&["audit", "--integration", "Segment"]).ok();
    assert!(
        text.stdout
            .contains("warning[case-collision]: Shop/Order Completed/order"),
        "{}",
        text.stdout
    );
}
