//! The manifest side through the binary: `validate` diagnostics (exact place and code for each
//! error kind), exit codes, JSON output, `schema`, and the examples.

use crate::util::{bin, Out};
use secoda_sync::testing::manifest::{load, LoadOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir`, with `stdin` as its input if given.
#[track_caller]
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = bin();
    cmd.current_dir(dir).args(args);
    let Some(text) = stdin else {
        return Out::of(cmd.output().unwrap());
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn secoda-sync");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    Out::of(child.wait_with_output().unwrap())
}

/// Writes `files` into a fresh directory and validates `paths` there.
#[track_caller]
fn validate(files: &[(&str, &[u8])], args: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    run_in(dir.path(), &all, None)
}

/// Asserts a failing run whose stderr holds `place: error[code]` (exact place and code).
#[track_caller]
fn assert_diag(run: &Out, place: &str, code: &str) {
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let needle = format!("{place}: error[{code}]");
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&needle)),
        "expected `{needle}` in:\n{}",
        run.stderr
    );
}

/// Asserts that stderr holds `text`, showing stderr otherwise.
#[track_caller]
fn assert_stderr_has(run: &Out, text: &str) {
    assert!(
        run.stderr.contains(text),
        "expected `{text}` in:\n{}",
        run.stderr
    );
}

const HEAD: &str = "version: 1\nintegration: Segment\n";

fn yaml(body: &str) -> Vec<u8> {
    format!("{HEAD}{body}").into_bytes()
}

#[test]
fn example_directory_validates_with_counts() {
    let r = run_in(&root(), &["validate", "examples/ecommerce/"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ok: 5 categories, 28 events, 147 properties, 5 monitors\n"
    );
    assert_eq!(r.stderr, "", "the example has no warnings");
}

#[test]
fn example_formats_load_to_the_same_model() {
    let one = |p: &str| {
        let l = load(&LoadOptions {
            paths: vec![root().join(p)],
            ..LoadOptions::default()
        });
        assert!(!l.has_errors(), "{p}: {:#?}", l.diagnostics);
        l.set.canonical()
    };
    let yaml = one("examples/ecommerce");
    let jsonl = one("examples/ecommerce.jsonl");
    let csv = one("examples/ecommerce.csv");
    assert_eq!(jsonl, yaml);
    // CSV has no monitor form: compare the tracking plan.
    let mut plan = yaml.clone();
    plan.monitors.clear();
    assert_eq!(csv, plan);
    assert_eq!(yaml.counts().properties, 147);
}

#[test]
fn spreadsheet_example_loads_with_its_mapping() {
    let r = run_in(
        &root(),
        &[
            "validate",
            "examples/spreadsheet/tracking-plan.csv",
            "--csv-map",
            "examples/spreadsheet/mapping.yaml",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ok: 1 category, 4 events, 6 properties, 0 monitors\n"
    );
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let r = validate(
        &[("a.yaml", &yaml("categories:\n  - title: [oops\n"))],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:5:1", "syntax");
}

#[test]
fn a_key_repeated_in_a_jsonl_record_is_a_duplicate_as_in_yaml() {
    let text = b"{\"kind\": \"category\", \"title\": \"A\", \"title\": \"B\", \"integration\": \"Segment\"}\n";
    let r = validate(&[("a.jsonl", text)], &["a.jsonl"]);
    assert_diag(&r, "a.jsonl:1:1", "duplicate-key");
    assert_stderr_has(&r, "field `title` given twice");
}

#[test]
fn jsonl_syntax_error_names_the_line() {
    let text = b"{\"kind\": \"category\", \"title\": \"A\", \"integration\": \"Segment\"}\n\n{\"kind\": \"event\",\n";
    let r = validate(&[("a.jsonl", text)], &["a.jsonl"]);
    assert_diag(&r, "a.jsonl:3:17", "syntax");
}

#[test]
fn csv_row_with_extra_cells_is_a_syntax_error() {
    let text = b"category,event\nA,E,surplus\n";
    let r = validate(&[("a.csv", text)], &["a.csv", "--integration", "Segment"]);
    assert_diag(&r, "a.csv:2:3", "syntax");
}

#[test]
fn unknown_yaml_key_suggests_the_right_one() {
    let r = validate(
        &[(
            "a.yaml",
            &yaml(
                "categories:\n  - title: A\n    events:\n      - title: E\n        descripton: x\n",
            ),
        )],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:7:9", "unknown-field");
    assert_stderr_has(&r, "= hint: did you mean `description`?");
}

#[test]
fn unknown_csv_column_is_reported_at_the_header() {
    let r = validate(
        &[("a.csv", b"category,event,piii\nA,E,true\n")],
        &["a.csv", "--integration", "Segment"],
    );
    assert_diag(&r, "a.csv:1:3", "unknown-field");
    assert_stderr_has(&r, "did you mean `pii`?");
}

#[test]
fn wrong_type_names_expected_and_found() {
    let r = validate(
        &[(
            "a.yaml",
            &yaml("categories:\n  - title: A\n    events:\n      - title: E\n        pii: yes please\n"),
        )],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:7:14", "wrong-type");
    assert_stderr_has(&r, "`pii`: expected a boolean, found string `yes please`");
}

#[test]
fn wrong_type_in_csv_names_line_and_column() {
    let r = validate(
        &[("a.csv", b"category,event,property,pii\nA,E,p,maybe\n")],
        &["a.csv", "--integration", "Segment"],
    );
    assert_diag(&r, "a.csv:2:4", "wrong-type");
    assert_stderr_has(&r, "found `maybe`");
}

#[test]
fn duplicate_event_across_files_names_both_places() {
    let body = "categories:\n  - title: A\n    events:\n      - title: E\n";
    let r = validate(
        &[("a.yaml", &yaml(body)), ("b.yaml", &yaml(body))],
        &["a.yaml", "b.yaml"],
    );
    assert_diag(&r, "b.yaml:6:9", "duplicate-key");
    assert_stderr_has(&r, "= note: first declared at a.yaml:6:9");
}

#[test]
fn duplicate_property_between_csv_and_jsonl() {
    let csv = b"integration,category,event,property\nSegment,A,E,p\n";
    let jsonl =
        b"{\"kind\": \"property\", \"category\": \"A\", \"event\": \"E\", \"title\": \"p\"}\n";
    let r = validate(&[("a.csv", csv), ("b.jsonl", jsonl)], &["a.csv", "b.jsonl"]);
    assert_diag(&r, "b.jsonl:1:1", "duplicate-key");
    assert_stderr_has(&r, "first declared at a.csv:2:1");
}

#[test]
fn category_referenced_many_times_but_described_once_is_fine() {
    let a = yaml("categories:\n  - title: A\n    description: d\n    events:\n      - {title: E1, description: x}\n");
    let b = b"version: 1\ncategories:\n  - title: A\n    events:\n      - {title: E2, description: y}\n".to_vec();
    let r = validate(&[("a.yaml", &a), ("b.yaml", &b)], &["a.yaml", "b.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = yaml("categories:\n  - title: A\n    description: again\n");
    let r = validate(&[("a.yaml", &a), ("c.yaml", &c)], &["a.yaml", "c.yaml"]);
    assert_diag(&r, "c.yaml:4:5", "duplicate-key");
}

#[test]
fn property_without_declared_event_is_missing_parent() {
    let jsonl = b"{\"kind\": \"category\", \"title\": \"A\", \"integration\": \"Segment\"}\n{\"kind\": \"property\", \"category\": \"A\", \"event\": \"Nope\", \"title\": \"p\"}\n";
    let r = validate(&[("a.jsonl", jsonl)], &["a.jsonl"]);
    assert_diag(&r, "a.jsonl:2:1", "missing-parent");
}

#[test]
fn event_record_needs_its_category_declared_somewhere() {
    let events = b"{\"kind\": \"event\", \"category\": \"A\", \"title\": \"E\", \"integration\": \"Segment\"}\n";
    let r = validate(&[("e.jsonl", events)], &["e.jsonl"]);
    assert_diag(&r, "e.jsonl:1:1", "missing-parent");
    // Declared in another file: fine.
    let cats = b"{\"kind\": \"category\", \"title\": \"A\"}\n";
    let r = validate(
        &[("c.jsonl", cats), ("e.jsonl", events)],
        &["c.jsonl", "e.jsonl"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn csv_property_row_without_event_is_missing_parent() {
    let r = validate(
        &[("a.csv", b"category,event,property\nA,,p\n")],
        &["a.csv", "--integration", "Segment"],
    );
    assert_diag(&r, "a.csv:2:2", "missing-parent");
}

#[test]
fn empty_title_is_an_error() {
    let r = validate(
        &[("a.yaml", &yaml("categories:\n  - title: \"  \"\n"))],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:4:5", "empty-title");
}

#[test]
fn title_over_255_characters_is_an_error() {
    let long = "x".repeat(256);
    let r = validate(
        &[(
            "a.yaml",
            &yaml(&format!(
                "categories:\n  - title: A\n    events:\n      - title: {long}\n"
            )),
        )],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:6:9", "title-too-long");
    let ok = "y".repeat(255);
    let r = validate(
        &[(
            "a.yaml",
            &yaml(&format!(
                "categories:\n  - title: A\n    events:\n      - {{title: {ok}, description: d}}\n"
            )),
        )],
        &["a.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

const MONITOR: &str =
    "monitors:\n  - name: m\n    target: analytics.public.orders\n    metric_type: row_count\n";

#[test]
fn monitor_with_auto_and_manual_thresholds_is_an_error() {
    let r = validate(
        &[(
            "m.yaml",
            &yaml(&format!(
                "{MONITOR}    condition_auto_sensitivity: 5\n    condition_manual_min: 1\n"
            )),
        )],
        &["m.yaml"],
    );
    assert_diag(&r, "m.yaml:7:33", "monitor-thresholds");
}

#[test]
fn monitor_with_min_above_max_is_an_error() {
    let r = validate(
        &[(
            "m.yaml",
            &yaml(&format!(
                "{MONITOR}    condition_manual_min: 10\n    condition_manual_max: 1\n"
            )),
        )],
        &["m.yaml"],
    );
    assert_diag(&r, "m.yaml:7:27", "monitor-thresholds");
    assert_stderr_has(&r, "(10) is greater than condition_manual_max (1)");
}

#[test]
fn monitor_with_bad_schedule_is_an_error() {
    let r = validate(
        &[(
            "m.yaml",
            &yaml(&format!(
                "{MONITOR}    schedule:\n      cadence: monthly\n      day: 7\n"
            )),
        )],
        &["m.yaml"],
    );
    assert_diag(&r, "m.yaml:8:16", "monitor-schedule");
    assert_diag(&r, "m.yaml:9:12", "monitor-schedule");
}

#[test]
fn custom_sql_monitor_needs_a_query() {
    let body = "monitors:\n  - name: m\n    target: analytics.public.orders\n    metric_type: custom_sql\n    metric_config: {}\n";
    let r = validate(&[("m.yaml", &yaml(body))], &["m.yaml"]);
    assert_diag(&r, "m.yaml:7:20", "monitor-config");
}

#[test]
fn two_integrations_in_one_set_is_an_error() {
    let a = yaml("categories:\n  - title: A\n");
    let b = b"version: 1\nintegration: Amplitude\ncategories:\n  - title: B\n".to_vec();
    let r = validate(&[("a.yaml", &a), ("b.yaml", &b)], &["a.yaml", "b.yaml"]);
    assert_diag(&r, "b.yaml:2:14", "multiple-integrations");
    assert_stderr_has(&r, "first named at a.yaml:2:14");
    // --integration overrides the files.
    let r = validate(
        &[("a.yaml", &a), ("b.yaml", &b)],
        &["a.yaml", "b.yaml", "--integration", "Segment"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn missing_integration_is_an_error_unless_given() {
    let text = b"category,event\nA,E\n";
    let r = validate(&[("a.csv", text)], &["a.csv"]);
    assert_eq!(r.code, 1);
    assert_stderr_has(&r, "error[missing-integration]");
    let r = validate(&[("a.csv", text)], &["a.csv", "--integration", "Segment"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn file_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let r = validate(
        &[("a.yaml", b"version: 1\ncategories:\n  - title: caf\xe9\n")],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:3:15", "not-utf8");
}

#[test]
fn empty_manifest_set_is_nothing_to_sync() {
    let r = validate(
        &[("a.yaml", b"version: 1\nintegration: Segment\n")],
        &["a.yaml"],
    );
    assert_eq!(r.code, 1);
    assert_stderr_has(&r, "error[empty-manifest-set]: nothing to sync");
}

#[test]
fn empty_directory_is_an_empty_set() {
    let r = validate(&[("notes.txt", b"hello")], &["."]);
    assert_eq!(r.code, 1);
    assert_stderr_has(&r, "error[empty-manifest-set]");
}

#[test]
fn version_other_than_one_is_unsupported() {
    let r = validate(
        &[(
            "a.yaml",
            b"version: 2\nintegration: Segment\ncategories: [{title: A}]\n",
        )],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:1:10", "unsupported-version");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let r = validate(
        &[(
            "a.yaml",
            &yaml("categories:\n  - title: A\n    colour: red\n    events:\n      - title: E\n        pii: 3\n"),
        )],
        &["a.yaml"],
    );
    assert_diag(&r, "a.yaml:5:5", "unknown-field");
    assert_diag(&r, "a.yaml:8:14", "wrong-type");
    assert!(r.stdout.starts_with("invalid: "), "{}", r.stdout);
}

#[test]
fn warnings_pass_unless_strict() {
    let body = "categories:\n  - title: A\n    events:\n      - {title: E, published: true}\n";
    let r = validate(&[("a.yaml", &yaml(body))], &["a.yaml"]);
    assert_eq!(r.code, 0);
    assert_stderr_has(&r, "a.yaml:6:9: warning[empty-description]");
    assert_eq!(
        r.stdout,
        "ok: 1 category, 1 event, 0 properties, 0 monitors (1 warning)\n"
    );
    let r = validate(&[("a.yaml", &yaml(body))], &["a.yaml", "--strict"]);
    assert_eq!(r.code, 1);
}

#[test]
fn json_format_prints_one_document_on_stdout() {
    let body = "categories:\n  - title: A\n    events:\n      - title: E\n        pii: nope\n";
    let r = validate(&[("a.yaml", &yaml(body))], &["a.yaml", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["counts"]["events"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "wrong-type");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "a.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(14))
    );
}

#[test]
fn stdin_reads_the_format_given() {
    let r = run_in(
        &root(),
        &[
            "validate",
            "-",
            "--stdin-format",
            "jsonl",
            "--integration",
            "Segment",
        ],
        Some("{\"kind\": \"category\", \"title\": \"A\"}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        // A category with no events is an `empty-category` warning.
        "ok: 1 category, 0 events, 0 properties, 0 monitors (1 warning)\n"
    );
    // Without the flag the content tells; empty stdin tells nothing.
    let r = run_in(&root(), &["validate", "-"], Some(""));
    assert_eq!(r.code, 1);
    assert_stderr_has(&r, "--stdin-format");
}

#[test]
fn csv_rules_bom_crlf_booleans_lists_and_defaults_file() {
    let csv = "\u{feff}Category,EVENT,Property,Is-Required,Tags\r\nA,E,p,Y,\"core; revenue,pii\"\r\nA,E,q,no,\r\n";
    let defaults = b"version: 1\nintegration: Segment\ndefaults: {owners: [alice@acme.test]}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.csv"), csv).unwrap();
    std::fs::write(dir.path().join("secoda.yaml"), defaults).unwrap();
    let l = load(&LoadOptions {
        paths: vec![dir.path().to_path_buf()],
        ..LoadOptions::default()
    });
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let e = &l.set.categories[0].events[0];
    let p = &e.properties[0];
    assert_eq!(p.tracking.is_required, Some(true));
    let tags: Vec<_> = p.fields.tags.as_ref().unwrap().iter().cloned().collect();
    assert_eq!(tags, ["core", "pii", "revenue"]);
    assert_eq!(e.properties[1].fields.tags, None, "empty cell is unmanaged");
    assert!(p
        .fields
        .owners
        .as_ref()
        .unwrap()
        .contains("alice@acme.test"));
    // --csv-empty clear manages empty cells as empty.
    let l = load(&LoadOptions {
        paths: vec![dir.path().to_path_buf()],
        csv_empty: secoda_sync::testing::manifest::CsvEmpty::Clear,
        ..LoadOptions::default()
    });
    assert_eq!(
        l.set.categories[0].events[0].properties[1].fields.tags,
        Some(Default::default())
    );
}

#[test]
fn committed_schemas_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let r = run_in(
        &root(),
        &["schema", "--out-dir", out.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every committed schema is one `--out-dir` writes, and it is current.
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let written = names(&out);
    assert_eq!(written, names(&root().join("schemas")));
    assert!(
        written.contains(&"apply.schema.json".to_owned()),
        "{written:?}"
    );
    for name in &written {
        let fresh = std::fs::read_to_string(out.join(name)).unwrap();
        let committed =
            std::fs::read_to_string(root().join("schemas").join(name)).unwrap_or_default();
        assert!(
            fresh == committed,
            "schemas/{name} is stale: run `cargo run -- schema --out-dir schemas`"
        );
    }
}

#[test]
fn schema_prints_to_stdout() {
    let r = run_in(&root(), &["schema", "--which", "jsonl-record"], None);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["title"], "secoda-sync JSONL record");
}

#[test]
fn help_shows_an_example() {
    for cmd in ["validate", "schema"] {
        let r = run_in(&root(), &[cmd, "--help"], None);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("Examples:"), "{cmd}: {}", r.stdout);
    }
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(root().join("docs/src/reference/diagnostics.md")).unwrap();
    for code in secoda_sync::testing::manifest::Code::ALL {
        let row = format!("| `{code}` | {} |", code.severity());
        assert!(
            readme.contains(&row),
            "docs/src/reference/diagnostics.md lacks the row for `{code}`"
        );
    }
}

#[test]
fn missing_path_is_an_io_error() {
    let r = validate(&[], &["nope.yaml"]);
    assert_eq!(r.code, 1);
    assert_stderr_has(&r, "error[io]: `nope.yaml` does not exist");
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // Published events without descriptions: one warning each, far more JSON than a pipe holds,
    // so the writer meets the closed pipe whatever the timing.
    let events: String = (0..3000)
        .map(|i| format!("      - title: E{i}\n"))
        .collect();
    let body =
        format!("defaults: {{published: true}}\ncategories:\n  - title: A\n    events:\n{events}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), yaml(&body)).unwrap();
    let mut child = bin()
        .current_dir(dir.path())
        .args(["validate", "a.yaml", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(141));
}

#[test]
fn unknown_field_in_a_jsonl_monitor_is_reported_once() {
    let jsonl = b"{\"kind\": \"monitor\", \"integration\": \"Segment\", \"name\": \"m\", \"target\": \"t\", \"metric_type\": \"row_count\", \"nmae\": 1}\n";
    let r = validate(&[("m.jsonl", jsonl)], &["m.jsonl"]);
    assert_diag(&r, "m.jsonl:1:1", "unknown-field");
    assert_eq!(
        r.stderr.matches("error[unknown-field]").count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout,
        "invalid: 0 categories, 0 events, 0 properties, 1 monitor (1 error)\n"
    );
}

#[test]
fn monitor_name_over_255_characters_names_the_field_once() {
    let long = "n".repeat(256);
    let body = format!(
        "monitors:\n  - name: {long}\n    target: analytics.public.orders\n    metric_type: row_count\n"
    );
    let r = validate(&[("m.yaml", &yaml(&body))], &["m.yaml"]);
    assert_diag(&r, "m.yaml:4:5", "title-too-long");
    assert_stderr_has(
        &r,
        &format!(
            "monitor name `{}...` is 256 characters long (at most 255)",
            &long[..30]
        ),
    );
}

#[test]
fn csv_diagnostics_name_the_same_line_for_lf_crlf_and_blank_lines() {
    let rows = [
        "category,event,property,pii",
        "Checkout,,,",
        "",
        "Checkout,Order Completed,,maybe",
        "Checkout,Order Completed,order_id,nope",
    ];
    for eol in ["\n", "\r\n"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), rows.join(eol) + eol).unwrap();
        let r = run_in(
            dir.path(),
            &["validate", "a.csv", "--integration", "Segment"],
            None,
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        for at in [
            "a.csv:4:4: error[wrong-type]",
            "a.csv:5:4: error[wrong-type]",
        ] {
            assert!(r.stderr.contains(at), "{eol:?}: want {at} in\n{}", r.stderr);
        }
    }
}

#[test]
fn a_jsonl_decimal_in_a_text_field_is_refused_rather_than_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"kind":"category","integration":"Segment","title":"Shop"}"#,
        r#"{"kind":"event","category":"Shop","title":"E","description":1.10}"#,
        r#"{"kind":"event","category":"Shop","title":"F","description":12}"#,
    ];
    std::fs::write(dir.path().join("a.jsonl"), lines.join("\n") + "\n").unwrap();
    let r = run_in(dir.path(), &["validate", "a.jsonl"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_stderr_has(
        &r,
        "a.jsonl:2:1: error[wrong-type]: `description`: expected a string",
    );
    assert_eq!(r.stderr.matches("error[").count(), 1, "{}", r.stderr);
}
