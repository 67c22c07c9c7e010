//! Spreadsheets as analysts write them, through the binary: event- and category-level columns
//! on property rows, value maps, `;` and tab separators (detected or named in the mapping),
//! and a mapped header the sheet lacks; and `examples/spreadsheet-mapped/` end to end.

use crate::util::{bin, Out, Sandbox};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `files` into a fresh directory (kept alive by the returned guard).
fn files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `validate` run in `dir` with `args`.
fn validate(dir: &Path, args: &[&str]) -> Out {
    let mut all = vec!["validate", "--integration", "Segment"];
    all.extend_from_slice(args);
    Out::of(bin().current_dir(dir).args(&all).output().unwrap())
}

/// A plan of `args` (paths relative to `dir`) against a fresh sandbox.
fn plan(dir: &Path, args: &[&str]) -> Out {
    let sb = Sandbox::new();
    let mut all = vec!["plan", "--integration", "Segment"];
    all.extend_from_slice(args);
    Out::of(sb.cmd(&all).current_dir(dir).output().unwrap())
}

/// Asserts a failing run whose stderr has a line starting `place: error[code]`.
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

#[track_caller]
fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "expected `{part}` in:\n{text}");
}

const LEVELS: &str = "\
category,category_description,event,event_description,event_tags,property,description
Checkout,Purchase funnel,Order Completed,An order was paid,core,order_id,Id of the order
Checkout,,Order Completed,An order was paid,core,total,Order total
Checkout,,Order Completed,,,currency,ISO code
";

#[test]
fn event_and_category_columns_on_property_rows_describe_the_event_and_category() {
    let dir = files(&[("plan.csv", LEVELS)]);
    let r = plan(dir.path(), &["plan.csv"]).ok();
    assert_has(
        &r.stdout,
        "+ category \"Checkout\"\n    description: \"Purchase funnel\"\n",
    );
    assert_has(
        &r.stdout,
        "+ event \"Order Completed\"\n        description: \"An order was paid\"\n",
    );
    assert_has(&r.stdout, "tags:");
    // The property's own `description` stays the property's.
    assert_has(
        &r.stdout,
        "+ property \"order_id\"\n            description: \"Id of the order\"",
    );
}

#[test]
fn an_event_column_that_disagrees_is_an_error_at_the_later_row_naming_the_first() {
    let sheet = LEVELS.replace(
        "Checkout,,Order Completed,An order was paid,core,total",
        "Checkout,,Order Completed,An order was placed,core,total",
    );
    let dir = files(&[("plan.csv", &sheet)]);
    let r = validate(dir.path(), &["plan.csv"]);
    assert_diag(&r, "plan.csv:3:4", "duplicate-key");
    assert_has(
        &r.stderr,
        "event `Checkout/Order Completed` has description `An order was placed` here but `An order was paid` on line 2",
    );
    assert_has(&r.stderr, "first given at plan.csv:2:4");
}

#[test]
fn a_category_column_that_disagrees_with_the_category_row_is_an_error_at_the_later_row() {
    let sheet = "\
category,event,property,description,category_description
Checkout,,,Purchase funnel,
Checkout,Order Completed,order_id,Id of the order,Checkout funnel
";
    let dir = files(&[("plan.csv", sheet)]);
    let r = validate(dir.path(), &["plan.csv"]);
    assert_diag(&r, "plan.csv:3:5", "duplicate-key");
    assert_has(&r.stderr, "on line 2");
    assert_has(&r.stderr, "first given at plan.csv:2:4");
}

#[test]
fn an_event_column_on_a_category_row_does_not_apply() {
    let sheet = "category,event,event_description\nCheckout,,Paid\n";
    let dir = files(&[("plan.csv", sheet)]);
    let r = validate(dir.path(), &["plan.csv"]);
    assert_diag(&r, "plan.csv:2:3", "field-not-allowed");
}

#[test]
fn mapped_event_and_property_description_columns_fill_each_their_own() {
    let sheet = "\
Category,Event,Event Description,Property,Property Description
Checkout,Order Completed,An order was paid,order_id,Id of the order
";
    let map = "event_description: Event Description\ndescription: Property Description\n";
    let dir = files(&[("plan.csv", sheet), ("map.yaml", map)]);
    let r = plan(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]).ok();
    assert_has(
        &r.stdout,
        "+ event \"Order Completed\"\n        description: \"An order was paid\"\n",
    );
    assert_has(&r.stdout, "description: \"Id of the order\"");
}

const VALUES_MAP: &str = "\
is_required: Required?
values:
  is_required: {Required: true, Optional: false, \"✓\": true, \"\": false}
";

#[test]
fn a_value_map_turns_the_sheets_words_into_ours_before_the_type_check() {
    let sheet = "\
category,event,property,Required?
Checkout,Order Completed,order_id,Required
Checkout,Order Completed,coupon,optional
Checkout,Order Completed,total,✓
Checkout,Order Completed,note,
";
    let dir = files(&[("plan.csv", sheet), ("map.yaml", VALUES_MAP)]);
    let r = plan(
        dir.path(),
        &["plan.csv", "--csv-map", "map.yaml", "--format", "json"],
    )
    .ok();
    let mut required: Vec<(String, bool)> = r.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "property")
        .map(|c| {
            let title = c["label"].as_str().unwrap().to_owned();
            let to = c["after"]["is_required"]
                .as_bool()
                .unwrap_or_else(|| panic!("no is_required in {c}"));
            (title, to)
        })
        .collect();
    required.sort();
    assert_eq!(
        required,
        [
            ("coupon".to_owned(), false),
            ("note".to_owned(), false),
            ("order_id".to_owned(), true),
            ("total".to_owned(), true),
        ]
    );
}

#[test]
fn a_value_the_map_does_not_name_is_a_type_error_that_points_at_the_map() {
    let sheet = "category,event,property,Required?\nCheckout,Order Completed,order_id,Mandatory\n";
    let dir = files(&[("plan.csv", sheet), ("map.yaml", VALUES_MAP)]);
    let r = validate(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]);
    assert_diag(&r, "plan.csv:2:4", "wrong-type");
    assert_has(&r.stderr, "found `Mandatory`");
    assert_has(
        &r.stderr,
        "`values: is_required:` does not name `Mandatory`",
    );
}

#[test]
fn a_semicolon_separated_file_is_detected() {
    let sheet = "\
category;event;property;description;is_required
Checkout;Order Completed;;Paid, and confirmed;
Checkout;Order Completed;order_id;Id of the order, as shown;yes
";
    let dir = files(&[("plan.csv", sheet)]);
    let r = validate(dir.path(), &["plan.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ok: 1 category, 1 event, 1 property, 0 monitors\n"
    );
    let r = plan(dir.path(), &["plan.csv"]).ok();
    assert_has(&r.stdout, "description: \"Id of the order, as shown\"");
}

#[test]
fn a_semicolon_separated_file_on_stdin_is_told_from_yaml_and_read() {
    let mut child = bin()
        .args(["validate", "--integration", "Segment", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let sheet = "category;event;property\nCheckout;Order Completed;order_id\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sheet.as_bytes())
        .unwrap();
    let r = Out::of(child.wait_with_output().unwrap());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ok: 1 category, 1 event, 1 property, 0 monitors\n"
    );
}

#[test]
fn a_tab_separated_file_is_detected() {
    let sheet = "Category\tEvent\tProperty\tDescription\nCheckout\tOrder Completed\torder_id\tId, of the order\n";
    let dir = files(&[("plan.csv", sheet)]);
    let r = plan(dir.path(), &["plan.csv"]).ok();
    assert_has(&r.stdout, "description: \"Id, of the order\"");
}

#[test]
fn the_mappings_delimiter_wins_over_detection() {
    // Two commas against one tab in the header: detection alone picks `,`.
    let sheet = "Category\tEvent, name, as shown\nCheckout\tOrder Completed\n";
    let map = "event: Event, name, as shown\n";
    let dir = files(&[
        ("plan.csv", sheet),
        ("map.yaml", map),
        ("tab.yaml", &format!("{map}delimiter: tab\n")),
        ("escaped.yaml", &format!("{map}delimiter: \"\\t\"\n")),
    ]);
    let r = validate(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]);
    assert_eq!(r.code, 1, "detection alone reads this header with `,`");
    for map in ["tab.yaml", "escaped.yaml"] {
        let r = validate(dir.path(), &["plan.csv", "--csv-map", map]);
        assert_eq!(r.code, 0, "{map}: {}", r.stderr);
        assert_eq!(
            r.stdout,
            "ok: 1 category, 1 event, 0 properties, 0 monitors\n"
        );
    }
}

#[test]
fn an_unknown_delimiter_in_the_mapping_is_a_type_error_at_its_line() {
    let dir = files(&[
        ("plan.csv", "category\nCheckout\n"),
        ("map.yaml", "category: category\ndelimiter: \"|\"\n"),
    ]);
    let r = validate(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]);
    assert_diag(&r, "map.yaml:2:12", "wrong-type");
}

#[test]
fn a_mapped_header_the_sheet_lacks_is_reported_as_such_with_did_you_mean() {
    let sheet =
        "Category,Event,Property,Property Description\nCheckout,Order Completed,order_id,Id\n";
    let map = "property: Property\ndescription: Property Descripton\n";
    let dir = files(&[("plan.csv", sheet), ("map.yaml", map)]);
    let r = validate(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]);
    assert_diag(&r, "map.yaml:2:14", "missing-field");
    assert_has(
        &r.stderr,
        "mapped header `Property Descripton` (for `description`) is not in `plan.csv`",
    );
    assert_has(&r.stderr, "did you mean `Property Description`?");
    // The sheet's own header is the typo's other half, not a second problem.
    assert!(!r.stderr.contains("unknown column"), "{}", r.stderr);
}

#[test]
fn a_mapped_header_with_no_lookalike_lists_the_sheets_headers() {
    let sheet = "Category,Event\nCheckout,Order Completed\n";
    let map = "owners: Owner\n";
    let dir = files(&[("plan.csv", sheet), ("map.yaml", map)]);
    let r = validate(dir.path(), &["plan.csv", "--csv-map", "map.yaml"]);
    assert_diag(&r, "map.yaml:1:9", "missing-field");
    assert_has(&r.stderr, "the file's headers: `Category`, `Event`");
}

const EXAMPLE: &str = "examples/spreadsheet-mapped/tracking-plan.csv";
const EXAMPLE_MAP: &str = "examples/spreadsheet-mapped/mapping.yaml";

#[test]
fn the_mapped_spreadsheet_example_validates_applies_and_replans_clean() {
    let r = validate(&root(), &[EXAMPLE, "--csv-map", EXAMPLE_MAP]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "ok: 1 category, 3 events, 7 properties, 0 monitors\n"
    );
    assert_eq!(r.stderr, "", "the example has no warnings");

    let sb = Sandbox::new();
    let args = [
        EXAMPLE,
        "--csv-map",
        EXAMPLE_MAP,
        "--integration",
        "Segment",
    ];
    let mut apply = vec!["apply", "--auto-approve"];
    apply.extend_from_slice(&args);
    let r = Out::of(sb.cmd(&apply).current_dir(root()).output().unwrap()).ok();
    assert_has(&r.stdout, "Apply complete: 11 created");
    let mut replan = vec!["plan", "--detailed-exitcode"];
    replan.extend_from_slice(&args);
    let r = Out::of(sb.cmd(&replan).current_dir(root()).output().unwrap()).ok();
    assert_has(&r.stdout, "No changes.");

    let events = sb.list("/api/v1/event/events");
    let saved = events
        .iter()
        .find(|e| e["title"] == "Product Saved")
        .expect("Product Saved was created");
    assert_eq!(saved["description"], "A product was added to the wishlist");
}

#[test]
fn an_event_the_level_columns_describe_is_declared_by_the_sheet() {
    let yaml = "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    events:\n      - title: Order Completed\n        description: From YAML\n";
    let dir = files(&[("plan.csv", LEVELS), ("a.yaml", yaml)]);
    let r = validate(dir.path(), &["plan.csv", "a.yaml"]);
    assert_diag(&r, "a.yaml:6:9", "duplicate-key");
    assert_has(
        &r.stderr,
        "event `Checkout/Order Completed` is declared twice",
    );
    assert_has(&r.stderr, "first declared at plan.csv:2:1");
    // Without the level columns, the sheet only names the event: no conflict.
    let plain = "category,event,property\nCheckout,Order Completed,order_id\n";
    let dir = files(&[("plan.csv", plain), ("a.yaml", yaml)]);
    let r = validate(dir.path(), &["plan.csv", "a.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn an_event_row_and_the_event_columns_of_its_property_rows_describe_one_event() {
    let sheet = "\
category,event,property,description,event_description,event_tags
Checkout,Order Completed,,An order was paid,,
Checkout,Order Completed,order_id,Id of the order,An order was paid,core
";
    let dir = files(&[("plan.csv", sheet)]);
    let r = plan(dir.path(), &["plan.csv"]).ok();
    assert_has(
        &r.stdout,
        "+ event \"Order Completed\"\n        description: \"An order was paid\"\n",
    );
    assert_has(&r.stdout, "tags:        [core]");

    let other = sheet.replace(
        "Id of the order,An order was paid",
        "Id of the order,An order was placed",
    );
    let dir = files(&[("plan.csv", &other)]);
    let r = validate(dir.path(), &["plan.csv"]);
    assert_diag(&r, "plan.csv:3:5", "duplicate-key");
    assert_has(&r.stderr, "first given at plan.csv:2:4");
}

#[test]
fn a_blank_event_column_says_nothing_even_when_empty_cells_clear() {
    let dir = files(&[("plan.csv", LEVELS)]);
    let r = plan(dir.path(), &["plan.csv", "--csv-empty", "clear"]).ok();
    assert_has(
        &r.stdout,
        "+ event \"Order Completed\"\n        description: \"An order was paid\"\n",
    );
}

/// The guide shows the example's mapping as it is (its comments aside), so the two cannot drift.
#[test]
fn the_guide_quotes_the_example_mapping_as_it_is() {
    let mapping = std::fs::read_to_string(root().join(EXAMPLE_MAP)).unwrap();
    let keys: Vec<&str> = mapping.lines().filter(|l| !l.starts_with('#')).collect();
    let quoted = format!("```yaml\n{}\n```", keys.join("\n"));
    let guide = std::fs::read_to_string(root().join("docs/src/guides/spreadsheet.md")).unwrap();
    assert_has(&guide, &quoted);
}
