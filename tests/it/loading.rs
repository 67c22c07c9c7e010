//! Loading manifests through the binary: what a directory read takes in (links leading out of
//! the project refused, subdirectories named), stdin told by its content, and diagnostics
//! quoting no more than their line, sorted and folded.

use crate::util::{bin, Out};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

const YAML: &str = "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    \
                    events:\n      - title: Order Completed\n";

fn run_in(dir: &Path, args: &[&str]) -> Out {
    Out::of(bin().current_dir(dir).args(args).output().unwrap())
}

fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Out {
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Out::of(child.wait_with_output().unwrap())
}

#[cfg(unix)]
#[test]
fn a_link_leading_out_of_the_project_is_refused_unless_named() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("env.yaml");
    std::fs::write(&secret, "HIDDEN_TOKEN=hunter2hunter2\0OTHER=1\n").unwrap();
    let project = tempfile::tempdir().unwrap();
    let plans = project.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    std::fs::write(plans.join("a.yaml"), YAML).unwrap();
    std::os::unix::fs::symlink(&secret, plans.join("env.yaml")).unwrap();
    // A link that stays inside the project is read as before.
    std::fs::write(
        project.path().join("shared.yaml"),
        YAML.replace("Checkout", "Cart"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        project.path().join("shared.yaml"),
        plans.join("shared.yaml"),
    )
    .unwrap();

    let out = run_in(project.path(), &["validate", "plans"]).code(1);
    assert!(
        out.stderr.contains(
            "error[io]: `plans/env.yaml` is a symbolic link leading out of the project (to `"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    assert!(!out.stdout.contains("hunter2"), "{}", out.stdout);
    assert!(
        out.stdout.contains("2 categories, 2 events"),
        "{}",
        out.stdout
    );

    // Named on the command line, it is read (and its error quotes no other record).
    let link = plans.join("env.yaml").display().to_string();
    let out = run_in(project.path(), &["validate", &link, "--color", "always"]).code(1);
    assert!(!out.stderr.contains("OTHER=1"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("symbolic link leading out"),
        "{}",
        out.stderr
    );
    // Named beside its directory, it is read once and not refused.
    let out = run_in(project.path(), &["validate", "plans", &link]).code(1);
    assert!(
        !out.stderr.contains("symbolic link leading out"),
        "{}",
        out.stderr
    );
}

#[test]
fn subdirectories_holding_manifests_are_named_in_a_warning() {
    let project = tempfile::tempdir().unwrap();
    let plans = project.path().join("plans");
    std::fs::create_dir_all(plans.join("web")).unwrap();
    std::fs::create_dir_all(plans.join("notes")).unwrap();
    std::fs::create_dir_all(plans.join(".git")).unwrap();
    std::fs::write(plans.join("a.yaml"), YAML).unwrap();
    std::fs::write(plans.join("web/web.yaml"), YAML.replace("Checkout", "Web")).unwrap();
    std::fs::write(plans.join("notes/readme.md"), "notes").unwrap();
    std::fs::write(plans.join(".git/x.yaml"), YAML).unwrap();
    let out = run_in(project.path(), &["validate", "plans"]).ok();
    assert!(
        out.stderr.contains(
            "warning[subdirectory-not-read]: `plans` has subdirectories holding manifests \
             that are not read: `plans/web`\n"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("ok: "), "{}", out.stdout);
    // Named too, it is read and not warned about.
    let out = run_in(project.path(), &["validate", "plans", "plans/web"]).ok();
    assert!(
        !out.stderr.contains("subdirectory-not-read"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_stdin_tells_yaml_jsonl_and_csv_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"kind\": \"category\", \"title\": \"Checkout\", \"integration\": \"Segment\"}\n\
                 {\"kind\": \"event\", \"category\": \"Checkout\", \"title\": \"Order Completed\"}\n";
    let csv = "integration,category,event,property\nSegment,Checkout,Order Completed,\n";
    for (what, text) in [("yaml", YAML), ("jsonl", jsonl), ("csv", csv)] {
        let out = run_with_stdin(dir.path(), &["validate", "-"], text);
        assert_eq!(out.code, 0, "{what}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("1 category, 1 event"),
            "{what}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn diagnostics_come_sorted_by_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // a.yaml's problem is found late (a rule over the merged set), b.yaml's while reading.
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("{YAML}      - title: order completed\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "version: 1\ncategories:\n  - title: Cart\n    titel: x\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["validate", "a.yaml", "b.yaml"]).code(1);
    let places: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("a.yaml:") || l.starts_with("b.yaml:"))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert!(places.len() >= 2, "{}", out.stderr);
    let mut sorted = places.clone();
    sorted.sort_by_key(|p| {
        let mut parts = p.split(':');
        let file = parts.next().unwrap().to_owned();
        let line: u32 = parts.next().unwrap().parse().unwrap();
        (file, line)
    });
    assert_eq!(places, sorted, "{}", out.stderr);
}

#[test]
fn more_than_twenty_diagnostics_of_one_code_are_folded_into_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("integration,category,event,property,is_required\n");
    for i in 0..1234 {
        csv.push_str(&format!("Segment,Checkout,Order Completed,p{i},Required\n"));
    }
    std::fs::write(dir.path().join("plan.csv"), csv).unwrap();
    let out = run_in(dir.path(), &["validate", "plan.csv"]).code(1);
    let shown = out
        .stderr
        .lines()
        .filter(|l| l.contains("error[wrong-type]"))
        .count();
    assert_eq!(shown, 20, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("\n... and 1,214 more wrong-type errors\n"),
        "{}",
        out.stderr
    );
    // The JSON document keeps them all.
    let out = run_in(dir.path(), &["validate", "plan.csv", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["errors"], 1234);
}

#[test]
fn an_unknown_integration_is_located_at_its_integration_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.yaml"),
        YAML.replace("integration: Segment", "integration: Segmnt"),
    )
    .unwrap();
    let out = run_in(dir.path(), &["plan", "plan.yaml", "--sandbox"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains("plan.yaml:2:14: manifests: unknown integration `Segmnt`; did you mean"),
        "{}",
        out.stderr
    );
}

#[test]
fn manifest_paths_from_the_config_file_print_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secoda-sync.toml"),
        "manifests = [\"plans\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("plans")).unwrap();
    std::fs::write(
        dir.path().join("plans/a.yaml"),
        YAML.replace("version: 1", "version: 1\ntitel: x"),
    )
    .unwrap();
    let out = run_in(dir.path(), &["validate"]).code(1);
    assert!(
        out.stderr
            .starts_with("plans/a.yaml:2:1: error[unknown-field]"),
        "{}",
        out.stderr
    );
    // From a subdirectory, the path climbs.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let out = run_in(&dir.path().join("sub"), &["validate"]).code(1);
    assert!(
        out.stderr
            .starts_with("../plans/a.yaml:2:1: error[unknown-field]"),
        "{}",
        out.stderr
    );
}

/// A manifest with a property whose title breaks the default snake_case style.
const CAMEL: &str = "version: 1\nintegration: Segment\ncategories:\n  - title: Shop\n    \
                     events:\n      - title: Order Completed\n        properties:\n          \
                     - title: orderId\n            type: string\n";

#[test]
fn a_read_only_sandbox_run_leaves_no_state_file_and_audit_takes_rules_from_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.yaml"), CAMEL).unwrap();
    let state = dir.path().join(".secoda-sandbox.json");
    run_in(dir.path(), &["plan", "plan.yaml", "--sandbox"]).ok();
    assert!(!state.exists(), "a plan wrote the sandbox's state file");
    run_in(
        dir.path(),
        &["apply", "plan.yaml", "--sandbox", "--auto-approve"],
    )
    .ok();
    assert!(state.exists(), "an apply keeps what it wrote");

    // A whole manifest as the rules file: its `rules:` map is read, its other keys are not.
    let with_rules = CAMEL.replace(
        "integration: Segment\n",
        "integration: Segment\nrules:\n  property-title-case: error\n",
    );
    std::fs::write(dir.path().join("rules.yaml"), with_rules).unwrap();
    let before = std::fs::read(&state).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "audit",
            "--sandbox",
            "--integration",
            "Segment",
            "--rules",
            "rules.yaml",
        ],
    )
    .code(1);
    assert!(!out.stderr.contains("unknown-field"), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("error[property-title-case]: Shop/Order Completed/orderId"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(std::fs::read(&state).unwrap(), before, "audit only reads");
}
