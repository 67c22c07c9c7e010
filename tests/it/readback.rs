//! Read-back verification and write-only fields, through the binary: a workspace that accepts
//! fields but does not keep or return them (`SandboxConfig::drop_fields`) is reported by the
//! apply, fails `--strict`, and the next plan converges with one line instead of the write.
//! (A tracking field not kept also stops the property writes carrying it: `property_types`.)

use crate::util::{Out, Sandbox};
use secoda_sync::sandbox::SandboxConfig;
use serde_json::Value;
use std::path::Path;

/// One event with two typed properties and one untyped one.
fn manifest(dir: &Path, extra: &str) -> String {
    let path = dir.join("typed.yaml");
    let yaml = format!(
        "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        description: A new account exists.
        properties:
          - title: plan
            description: Chosen plan.
            type: string
            is_required: true
            pii: true
            verified: true
          - title: seats
            type: number
            is_required: false
            pii: true
            verified: true
          - title: referrer
            description: Where they came from.
{extra}"
    );
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_owned()
}

#[track_caller]
fn json(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", out.stdout))
}

fn dropping(fields: &[&str]) -> Sandbox {
    Sandbox::start(SandboxConfig {
        drop_fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        ..SandboxConfig::default()
    })
}

#[test]
fn fields_the_workspace_does_not_keep_are_reported_fail_strict_and_then_plan_to_nothing() {
    let sb = dropping(&["pii", "verified"]);
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "");
    let out = sb
        .run(&["apply", &m, "--auto-approve", "--json", "--strict"])
        .code(1);
    let doc = json(&out);
    assert_eq!(doc["complete"], true, "every write itself succeeded: {doc}");
    let not_kept = doc["not_kept"].as_array().unwrap();
    let fields: Vec<(&str, &str, u64)> = not_kept
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap(),
                n["field"].as_str().unwrap(),
                n["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [("property", "pii", 2), ("property", "verified", 2)]
    );
    assert_eq!(not_kept[0]["ids"].as_array().unwrap().len(), 2);

    // The next plan does not offer the writes again; what it cannot read is in the JSON
    // document, and in text and markdown only on a plan that sends those fields.
    let out = sb.run(&["plan", &m, "--detailed-exitcode"]).code(0);
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
    assert!(!out.stdout.contains("Not readable"), "{}", out.stdout);
    let md = sb.run(&["plan", &m, "--format", "markdown"]).ok();
    assert!(!md.stdout.contains("Not readable"), "{}", md.stdout);
    let doc = json(&sb.run(&["plan", &m, "--format", "json"]).ok());
    assert_eq!(doc["summary"]["writes"], 0);
    assert_eq!(doc["not_readable"][0]["kind"], "property");
    assert_eq!(doc["not_readable"][0]["fields"][0], "pii");
    assert_eq!(doc["not_readable"][0]["count"], 2);

    // A second apply writes nothing; a new property is reported in text, exit 0 without
    // --strict.
    sb.clear_log();
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
    let more = manifest(
        dir.path(),
        "          - title: coupon\n            pii: true\n",
    );
    // No lease: only the property's own write is counted.
    let out = sb
        .run(&["apply", &more, "--auto-approve", "--no-lock"])
        .ok();
    assert!(
        out.stdout
            .contains("Secoda did not keep `pii` on 1 property"),
        "{}",
        out.stdout
    );
    assert_eq!(sb.writes().len(), 1);
}

#[test]
fn a_workspace_that_keeps_every_field_passes_strict_and_still_offers_a_new_type() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), "");
    let doc = json(
        &sb.run(&["apply", &m, "--auto-approve", "--json", "--strict"])
            .ok(),
    );
    assert_eq!(doc["not_kept"], Value::Array(Vec::new()));
    // `referrer` has no type yet: the workspace answers `"type": null`, so it is readable
    // and a type added in the manifest is offered.
    let text = std::fs::read_to_string(&m).unwrap().replace(
        "          - title: referrer\n",
        "          - title: referrer\n            type: string\n",
    );
    std::fs::write(&m, text).unwrap();
    let p = m.as_str();
    let out = sb.run(&["plan", p, "--detailed-exitcode"]).code(2);
    assert!(
        out.stdout.contains("type: \"\" -> \"string\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Not readable"), "{}", out.stdout);
    sb.run(&["apply", p, "--auto-approve", "--strict"]).ok();
    sb.run(&["plan", p, "--detailed-exitcode"]).code(0);
}

#[test]
fn sandbox_serve_refuses_to_drop_a_field_it_does_not_know() {
    let out = crate::util::bin()
        .args([
            "sandbox",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--drop-fields",
            "tpye",
        ])
        .output()
        .unwrap();
    let out = Out::of(out).code(1);
    assert!(out.stderr.contains("cannot drop `tpye`"), "{}", out.stderr);
}
