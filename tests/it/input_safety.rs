//! Input that must never lose rows or change values on the way in: CSV quotes and short rows,
//! links in manifest directories, YAML numbers in text fields, control characters and
//! normalisation twins in titles, and nesting deep enough to overflow a recursive parser.

use crate::util::{bin, Out, Sandbox};
use serde_json::Value;
use std::path::Path;

/// Writes `files` into a fresh directory and runs `validate ARGS` there.
fn validate(files: &[(&str, &str)], args: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    validate_in(dir.path(), args)
}

fn validate_in(dir: &Path, args: &[&str]) -> Out {
    let mut cmd = bin();
    cmd.current_dir(dir).arg("validate").args(args);
    Out::of(cmd.output().unwrap())
}

/// Asserts that stderr has a line starting `place: severity[code]`, showing stderr otherwise.
#[track_caller]
fn assert_diag(run: &Out, place: &str, severity: &str, code: &str) {
    let needle = format!("{place}: {severity}[{code}]");
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&needle)),
        "expected `{needle}` in:\n{}",
        run.stderr
    );
}

const CSV_HEAD: &str = "integration,category,event,description\n";

#[test]
fn csv_quote_left_open_at_the_end_is_an_error_at_the_quote() {
    // The quote on line 2 would swallow lines 3-4 into category A's description.
    let text = format!("{CSV_HEAD}Segment,A,,\"x\nSegment,A,E,p\nSegment,A,F,q\n");
    let r = validate(&[("a.csv", &text)], &["a.csv"]).code(1);
    assert_diag(&r, "a.csv:2:12", "error", "syntax");
    assert!(r.stderr.contains("never closed"), "{}", r.stderr);
}

#[test]
fn csv_rows_inside_a_closed_multi_line_cell_warn_at_the_first_of_them() {
    // A stray quote on line 2 and another on line 4 join lines 2-4 into one row.
    let text = format!(
        "{CSV_HEAD}Segment,A,,\"x\nSegment,A,E,p\nSegment,A,F,\"q\nSegment,B,,y\n\
         Segment,B,G,\"a real\nmulti-line description\"\n"
    );
    let r = validate(&[("a.csv", &text)], &["a.csv"]).ok();
    assert_diag(&r, "a.csv:3:1", "warning", "syntax");
    // One syntax warning; category A, whose rows the cell swallowed, also declares no events.
    assert_eq!(
        r.stderr.matches("warning[syntax]").count(),
        1,
        "{}",
        r.stderr
    );
    validate(&[("a.csv", &text)], &["a.csv", "--strict"]).code(1);
}

#[test]
fn csv_short_row_is_an_error_naming_the_missing_columns() {
    let text = "integration,category,event,property,description\n\
                Segment,A,E,p,d\nSegment,A,E\n";
    let r = validate(&[("a.csv", text)], &["a.csv"]).code(1);
    assert_diag(&r, "a.csv:3:4", "error", "syntax");
    assert!(
        r.stderr.contains("missing `property`, `description`"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn directory_links_that_lead_nowhere_are_io_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();
    let yaml = "version: 1\nintegration: Segment\ncategories: [{title: A}]\n";
    std::fs::write(m.join("a.yaml"), yaml).unwrap();
    std::os::unix::fs::symlink(dir.path().join("moved-away.yaml"), m.join("gone.yaml")).unwrap();
    std::os::unix::fs::symlink("loop.csv", m.join("loop.csv")).unwrap();
    // Not a manifest name: still ignored, as any other file would be.
    std::os::unix::fs::symlink("nowhere", m.join("notes.txt")).unwrap();
    let r = validate_in(dir.path(), &["m"]).code(1);
    assert!(
        r.stderr.contains("error[io]: failed to read `m/gone.yaml`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("error[io]: failed to read `m/loop.csv`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("notes.txt"), "{}", r.stderr);
}

#[test]
fn yaml_numbers_in_text_fields_keep_their_source_text() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    let yaml = "version: 1
integration: Segment
categories:
  - title: 007
    description: 1.10
    events:
      - title: 1e3
        description: True
        definition: 0x1F
        properties:
          - title: 12345678901234567890123
            description: .inf
            type: 1.0
            enum_values: 0012
            regex: 1e5
";
    std::fs::write(&path, yaml).unwrap();
    let out = sb
        .run(&["plan", path.to_str().unwrap(), "--format", "json"])
        .ok();
    let v: Value = out.json();
    let text = v.to_string();
    for written in [
        "007",
        "1.10",
        "1e3",
        "True",
        "0x1F",
        "12345678901234567890123",
        ".inf",
        "1.0",
        "0012",
        "1e5",
    ] {
        assert!(
            text.contains(&format!("\"{written}\"")),
            "`{written}` not kept as written in:\n{v:#}"
        );
    }
    for rewritten in ["\"7\"", "\"1.1\"", "\"1000\"", "\"12\"", "\"100000\""] {
        assert!(!text.contains(rewritten), "{rewritten} in:\n{v:#}");
    }
}

#[test]
fn control_characters_in_titles_are_errors() {
    let yaml = "version: 1\nintegration: Segment\ncategories:\n  - title: \"Check\\0out\"\n    \
                events:\n      - title: \"Order\\tPlaced\"\n        \
                properties: [{title: \"id\\e[31m\"}]\n";
    let r = validate(&[("a.yaml", yaml)], &["a.yaml"]).code(1);
    assert_diag(&r, "a.yaml:4:5", "error", "control-character");
    assert_diag(&r, "a.yaml:6:9", "error", "control-character");
    assert_diag(&r, "a.yaml:7:22", "error", "control-character");
    // Shown escaped, never sent raw to the terminal.
    assert!(r.stderr.contains(r"Check\u{0}out"), "{}", r.stderr);
    assert!(!r.stderr.contains('\0') && !r.stderr.contains('\u{1b}'));
}

#[test]
fn titles_differing_only_in_normalisation_are_a_duplicate_key_warning() {
    // `Café` precomposed (NFC) and decomposed (NFD), twice under one parent at each level.
    let yaml = "version: 1\nintegration: Segment\ncategories:\n  \
                - title: \"Caf\\u00e9\"\n  \
                - title: \"Cafe\\u0301\"\n    \
                events:\n      \
                - title: \"R\\u00e9sum\\u00e9\"\n      \
                - title: \"Re\\u0301sume\\u0301\"\n";
    let r = validate(&[("a.yaml", yaml)], &["a.yaml"]).ok();
    assert_diag(&r, "a.yaml:5:5", "warning", "duplicate-key");
    assert_diag(&r, "a.yaml:8:9", "warning", "duplicate-key");
    assert!(
        r.stderr.contains("first declared at a.yaml:4:5"),
        "{}",
        r.stderr
    );
    // One spelling, twice, under two parents: no warning.
    let fine = "version: 1\nintegration: Segment\ncategories:\n  \
                - title: A\n    events: [{title: \"Caf\\u00e9\"}]\n  \
                - title: B\n    events: [{title: \"Cafe\\u0301\"}]\n";
    let r = validate(&[("a.yaml", fine)], &["a.yaml"]).ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn deeply_nested_block_yaml_is_a_located_error_not_a_crash() {
    let mut yaml = String::from("version: 1\nx:\n");
    for depth in 1..=10_000 {
        yaml.push_str(&" ".repeat(depth));
        yaml.push_str("-\n");
    }
    let r = validate(&[("deep.yaml", &yaml)], &["deep.yaml"]).code(1);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("deep.yaml:") && l.contains("recursion limit exceeded")),
        "{}",
        r.stderr
    );
}
