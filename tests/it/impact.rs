//! Delete impact through the binary: every planned delete shows the usage Secoda reports for
//! it in the three plan formats, the summary counts the used ones, and the `no-delete-used`
//! rule holds them back unless `--allow-used-deletes` lets them through.

use crate::util::{Out, Sandbox};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Category `Shop`: `Legacy Signup` (two properties) and `Kept` (`id`, and `old_prop` unless
/// `pruned`); the pruned set drops `Legacy Signup` and `old_prop`.
fn manifest(dir: &Path, rules: &str, pruned: bool) -> PathBuf {
    let legacy = "      - title: Legacy Signup\n        properties:\n          - title: a\n          - title: b\n";
    let old = "          - title: old_prop\n";
    let text = format!(
        "version: 1\nintegration: Segment\n{rules}categories:\n  - title: Shop\n    events:\n{}      - title: Kept\n        properties:\n          - title: id\n{}",
        if pruned { "" } else { legacy },
        if pruned { "" } else { old },
    );
    let path = dir.join("shop.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Applies the full set, marks `Legacy Signup` as used 1,204 times (1,000 inside Secoda, 204
/// from the source), and leaves the pruned set (with `rules`) in place.
fn used_workspace(sb: &Sandbox, dir: &Path, rules: &str) -> String {
    let m = manifest(dir, "", false);
    sb.run(&["apply", m.to_str().unwrap(), "--auto-approve"])
        .ok();
    let m = manifest(dir, rules, true).display().to_string();
    let plan = plan_json(sb, &m, &[]);
    let id = change(&plan, "Shop/Legacy Signup")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sb.sb().set_usage(&id, 1_000, 204));
    m
}

fn plan_json(sb: &Sandbox, m: &str, extra: &[&str]) -> Value {
    let args = [&["plan", m, "--prune", "--format", "json"], extra].concat();
    sb.run(&args).ok().json()
}

#[track_caller]
fn change<'v>(plan: &'v Value, key: &str) -> &'v Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no change for {key} in {plan}"))
}

fn deletes(sb: &Sandbox) -> usize {
    sb.writes().iter().filter(|w| w.method == "DELETE").count()
}

#[test]
fn every_planned_delete_shows_its_usage_in_all_three_formats() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = used_workspace(&sb, dir.path(), "");
    // `Legacy Signup` removes its 2 properties too: 4 of the 6 managed resources.
    let cap = ["--max-delete-percent", "100"];

    let v = plan_json(&sb, &m, &cap);
    let legacy = change(&v, "Shop/Legacy Signup");
    assert_eq!(legacy["action"], "delete");
    assert_eq!(
        legacy["usage"],
        serde_json::json!({"total": 1204, "internal": 1000, "external": 204})
    );
    assert_eq!(change(&v, "Shop/Kept/old_prop")["usage"]["total"], 0);
    assert_eq!(v["summary"]["delete"], 2);
    assert_eq!(v["summary"]["used_deletes"], 1);
    assert_eq!(v["summary"]["blocked"], 0);

    let text = sb.run(&["plan", &m, "--prune", cap[0], cap[1]]).ok();
    assert!(
        text.stdout
            .contains("- event \"Legacy Signup\" (usage 1,204)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("- property \"old_prop\" (usage 0)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("1 delete removes a resource Secoda reports usage for (1,204 uses in all)."),
        "{}",
        text.stdout
    );

    let md = sb
        .run(&[
            "plan", &m, "--prune", cap[0], cap[1], "--format", "markdown",
        ])
        .ok();
    assert!(
        md.stdout
            .contains("- event \"Legacy Signup\" (usage 1,204)"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("> [!CAUTION]\n> 1 delete removes a resource Secoda reports usage for"),
        "{}",
        md.stdout
    );

    // Without the rule, usage only informs: the apply deletes both (no lease: its own
    // event delete would count too).
    sb.clear_log();
    sb.run(&[
        "apply",
        &m,
        "--prune",
        cap[0],
        cap[1],
        "--auto-approve",
        "--no-lock",
    ])
    .ok();
    assert_eq!(deletes(&sb), 2);
}

#[test]
fn no_delete_used_holds_used_deletes_back_until_allowed() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let rules = "rules:\n  no-delete-used: error\n";
    let m = used_workspace(&sb, dir.path(), rules);
    let cap = ["--max-delete-percent", "100"];

    let v = plan_json(&sb, &m, &cap);
    let legacy = change(&v, "Shop/Legacy Signup");
    assert_eq!(
        (&legacy["blocked"], &legacy["blocked_by"]),
        (&Value::Bool(true), &Value::from("used"))
    );
    let note = legacy["note"].as_str().unwrap();
    assert!(
        note.starts_with("blocked by no-delete-used: used 1,204 times"),
        "{note}"
    );
    assert!(
        note.contains("--allow-used-deletes=\"Shop/Legacy Signup\""),
        "{note}"
    );
    // The unused delete is not held back.
    assert_eq!(change(&v, "Shop/Kept/old_prop")["blocked"], false);
    assert_eq!(
        (
            v["summary"]["blocked"].as_u64(),
            v["summary"]["blocked_used"].as_u64()
        ),
        (Some(1), Some(1))
    );

    // The plan is still printed whole; apply refuses it and deletes nothing.
    let text = sb.run(&["plan", &m, "--prune", cap[0], cap[1]]).ok();
    assert!(
        text.stdout.contains("- property \"old_prop\" (usage 0)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("1 delete is held back by no-delete-used"),
        "{}",
        text.stdout
    );
    sb.clear_log();
    let refused = sb
        .run(&[
            "apply",
            &m,
            "--prune",
            cap[0],
            cap[1],
            "--auto-approve",
            "--no-lock",
        ])
        .code(1);
    assert!(
        refused.stderr.contains("name it in --allow-used-deletes"),
        "{}",
        refused.stderr
    );
    assert_eq!(deletes(&sb), 0);

    // Naming another key lets nothing through; naming it (or the flag alone) does.
    let other = plan_json(&sb, &m, &[cap[0], cap[1], "--allow-used-deletes=Shop/Kept"]);
    assert_eq!(change(&other, "Shop/Legacy Signup")["blocked"], true);
    for allow in [
        "--allow-used-deletes=Shop/Legacy Signup",
        "--allow-used-deletes",
    ] {
        let v = plan_json(&sb, &m, &[cap[0], cap[1], allow]);
        assert_eq!(v["summary"]["blocked"], 0, "{allow}: {v}");
        assert_eq!(v["summary"]["used_deletes"], 1, "{allow}");
    }
    // `=` is required, so a manifest path after the bare flag stays a path.
    sb.run(&[
        "apply",
        "--prune",
        cap[0],
        cap[1],
        "--auto-approve",
        "--no-lock",
        "--allow-used-deletes",
        &m,
    ])
    .ok();
    assert_eq!(deletes(&sb), 2);
}

#[test]
fn min_usage_and_a_warning_severity_let_the_delete_through() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = used_workspace(&sb, dir.path(), "");
    let cap = ["--max-delete-percent", "100"];
    let cases = [
        (
            "rules:\n  no-delete-used:\n    severity: error\n    min_usage: 5000\n",
            false,
        ),
        ("rules:\n  no-delete-used: warning\n", true),
    ];
    for (rules, warns) in cases {
        manifest(dir.path(), rules, true);
        let out: Out = sb
            .run(&["plan", &m, "--prune", cap[0], cap[1], "--format", "json"])
            .ok();
        assert_eq!(out.json()["summary"]["blocked"], 0, "{rules}");
        let warned = out.stderr.contains(
            "[no-delete-used] the plan deletes event \"Shop/Legacy Signup\", used 1,204 times",
        );
        assert_eq!(warned, warns, "{rules}: {}", out.stderr);
    }
    // A floor below 1 means nothing: it is refused where it is written.
    manifest(
        dir.path(),
        "rules:\n  no-delete-used:\n    severity: error\n    min_usage: 0\n",
        true,
    );
    let out = sb.run(&["plan", &m]).code(1);
    assert!(
        out.stderr.contains("a `min_usage` of 1 or more"),
        "{}",
        out.stderr
    );
}
