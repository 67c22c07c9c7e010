//! `apply --json` against its typed document and `schemas/apply.schema.json`: real outputs
//! (with a held write, fields not kept, the record of them and a monitor run, then one with
//! nothing to do) must deserialize into `ApplyDocument`, which denies unknown keys, and carry
//! every key the schema requires, so an undocumented or missing key fails here.

use crate::util::Sandbox;
use secoda_sync::sandbox::SandboxConfig;
use secoda_sync::testing::apply::ApplyDocument;
use serde_json::Value;
use std::path::Path;

const MANIFEST: &str = "version: 1
integration: Segment
categories:
  - title: Checkout
    events:
      - title: Order Completed
        description: An order was paid.
        properties:
          - title: plan
            type: string
          - title: referrer
            description: Where they came from.
          - title: seats
            type: number
monitors:
  - name: Orders rows
    target: analytics.public.orders
    metric_type: row_count
    condition_auto_sensitivity: 5
";

/// The committed schema of the document.
fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/apply.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Checks `doc` against the typed document and the schema's keys; returns the typed form.
#[track_caller]
fn check(doc: &Value) -> ApplyDocument {
    let typed: ApplyDocument = serde_json::from_value(doc.clone())
        .unwrap_or_else(|e| panic!("apply --json does not match ApplyDocument ({e}):\n{doc}"));
    // Nothing is lost or reordered on the way through the typed form.
    assert_eq!(
        serde_json::to_string(&typed).unwrap(),
        serde_json::to_string(doc).unwrap()
    );
    let schema = schema();
    let props = schema["properties"].as_object().unwrap();
    for key in schema["required"].as_array().unwrap() {
        let key = key.as_str().unwrap();
        assert!(doc.get(key).is_some(), "required `{key}` missing:\n{doc}");
    }
    for key in doc.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "`{key}` is not in the schema");
    }
    typed
}

#[test]
fn apply_json_is_the_documented_document() {
    let sb = Sandbox::start(SandboxConfig {
        drop_fields: vec!["type".into()],
        ..SandboxConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, MANIFEST).unwrap();
    let m = m.to_str().unwrap();
    // One write at a time, so the first typed property is written and the second held.
    let args = ["apply", m, "--auto-approve", "--concurrency", "1"];
    let json = ["--json", "--run-monitors"];
    let doc = sb.run(&[&args[..], &json].concat()).code(1).json();
    let typed = check(&doc);
    assert!(typed.stopped.is_some(), "{doc}");
    assert!(!typed.not_kept.is_empty(), "{doc}");
    assert!(typed.monitor_run.is_some(), "{doc}");
    assert_eq!(doc["not_kept_record"]["status"], "recorded", "{doc}");
    assert!(
        typed.changes.iter().any(|c| c.error.is_some()),
        "a held write carries its error: {doc}"
    );

    // Nothing left to do: the optional parts are absent, and still nothing undocumented.
    let doc = sb
        .run(&[
            "apply",
            m,
            "--auto-approve",
            "--json",
            "--property-types",
            "off",
        ])
        .json();
    let typed = check(&doc);
    assert!(
        typed.stopped.is_none() && typed.monitor_run.is_none(),
        "{doc}"
    );
}
