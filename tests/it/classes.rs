//! The class of every change (breaking, addition, revision) through the binary: `diff` and
//! `plan` show it in each format, `--fail-on` gates on it, and `--format github` annotates the
//! manifest lines (and `validate --format github` each diagnostic).

use crate::util::{bin, Out, Sandbox};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One event with a property of every kind of rule, and a monitor.
const BASE: &str = "version: 1
integration: Segment
categories:
  - title: Checkout
    description: Checkout flow
    events:
      - title: Order Completed
        description: An order was paid
        properties:
          - title: order_id
            description: Order UUID
            type: string
            is_required: true
          - title: coupon
            type: string
            is_required: false
          - title: method
            type: string
            enum_values: \"card,paypal\"
          - title: sku
            type: string
            regex: \"^[A-Z]+$\"
          - title: items
            type: string
            is_array_type: false
      - title: Cart Viewed
        description: The cart was opened
monitors:
  - name: Orders row count
    target: analytics.public.orders
    metric_type: row_count
    condition_auto_sensitivity: 5
    schedule: {cadence: daily, frequency: 1, hour: 3}
";

/// `BASE` in `dir/base/plan.yaml` and `BASE` edited by `edits` in `dir/new/plan.yaml`.
fn sets(dir: &Path, edits: &[(&str, &str)]) -> (PathBuf, PathBuf) {
    let base = dir.join("base");
    let new = dir.join("new");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(base.join("plan.yaml"), BASE).unwrap();
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?} not in the base");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(new.join("plan.yaml"), text).unwrap();
    (base, new)
}

fn diff(base: &Path, new: &Path, args: &[&str]) -> Out {
    Out::of(
        bin()
            .arg("diff")
            .arg(base)
            .arg(new)
            .args(args)
            .output()
            .unwrap(),
    )
}

/// Each change's key and class, from `diff --format json`.
fn classes(edits: &[(&str, &str)], args: &[&str]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(dir.path(), edits);
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let doc = diff(&base, &new, &all).ok().json();
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_owned(),
                c["class"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_classes(edits: &[(&str, &str)], args: &[&str], want: &[(&str, &str)]) {
    let mut got = classes(edits, args);
    got.sort();
    let mut want: Vec<(String, String)> = want
        .iter()
        .map(|(k, c)| ((*k).to_owned(), (*c).to_owned()))
        .collect();
    want.sort();
    assert_eq!(got, want, "edits: {edits:?} {args:?}");
}

const COUPON: &str = "          - title: coupon
            type: string
            is_required: false
";

#[test]
fn a_removed_property_or_event_is_breaking_with_or_without_prune() {
    let removed = [(COUPON, "")];
    let want = [("Checkout/Order Completed/coupon", "breaking")];
    assert_classes(&removed, &[], &want);
    assert_classes(&removed, &["--prune"], &want);
    let event = [(
        "      - title: Cart Viewed\n        description: The cart was opened\n",
        "",
    )];
    assert_classes(&event, &[], &[("Checkout/Cart Viewed", "breaking")]);
    assert_classes(
        &event,
        &["--prune"],
        &[("Checkout/Cart Viewed", "breaking")],
    );
}

#[test]
fn an_event_moved_to_another_category_is_a_breaking_removal_beside_a_new_event() {
    let moved = [
        (
            "      - title: Cart Viewed\n        description: The cart was opened\n",
            "",
        ),
        (
            "monitors:\n",
            "  - title: Cart\n    events:\n      - title: Cart Viewed\n        description: The cart was opened\nmonitors:\n",
        ),
    ];
    assert_classes(
        &moved,
        &[],
        &[
            ("Checkout/Cart Viewed", "breaking"),
            ("Cart", "addition"),
            ("Cart/Cart Viewed", "addition"),
        ],
    );
}

#[test]
fn a_renamed_property_is_a_breaking_removal_beside_a_new_property() {
    assert_classes(
        &[("- title: coupon", "- title: coupon_code")],
        &[],
        &[
            ("Checkout/Order Completed/coupon", "breaking"),
            ("Checkout/Order Completed/coupon_code", "addition"),
        ],
    );
}

#[test]
fn made_required_is_breaking_and_made_optional_an_addition() {
    let coupon = "Checkout/Order Completed/coupon";
    assert_classes(
        &[(
            "- title: coupon\n            type: string\n            is_required: false",
            "- title: coupon\n            type: string\n            is_required: true",
        )],
        &[],
        &[(coupon, "breaking")],
    );
    assert_classes(
        &[(
            "type: string\n            is_required: true",
            "type: string\n            is_required: false",
        )],
        &[],
        &[("Checkout/Order Completed/order_id", "addition")],
    );
}

#[test]
fn a_new_required_property_breaks_an_existing_event_and_a_new_optional_one_adds() {
    let new_property = |required: &str| {
        format!(
            "          - title: items\n            type: string\n            is_array_type: false\n          - title: gift\n            type: boolean\n            is_required: {required}\n"
        )
    };
    let at =
        "          - title: items\n            type: string\n            is_array_type: false\n";
    let gift = "Checkout/Order Completed/gift";
    assert_classes(&[(at, &new_property("true"))], &[], &[(gift, "breaking")]);
    assert_classes(&[(at, &new_property("false"))], &[], &[(gift, "addition")]);
    // On a new event, nobody sends it yet: the whole event is an addition.
    let new_event = "monitors:\n";
    let with_event = "      - title: Order Refunded\n        properties:\n          - title: reason\n            type: string\n            is_required: true\nmonitors:\n";
    assert_classes(
        &[(
            new_event,
            &format!("  - title: Refunds\n    events:\n{with_event}"),
        )],
        &[],
        &[
            ("Refunds", "addition"),
            ("Refunds/Order Refunded", "addition"),
            ("Refunds/Order Refunded/reason", "addition"),
        ],
    );
}

#[test]
fn type_and_array_changes_are_breaking() {
    assert_classes(
        &[(
            "- title: coupon\n            type: string",
            "- title: coupon\n            type: number",
        )],
        &[],
        &[("Checkout/Order Completed/coupon", "breaking")],
    );
    assert_classes(
        &[("is_array_type: false", "is_array_type: true")],
        &[],
        &[("Checkout/Order Completed/items", "breaking")],
    );
}

#[test]
fn enum_values_removed_are_breaking_and_added_an_addition() {
    let method = "Checkout/Order Completed/method";
    assert_classes(
        &[("\"card,paypal\"", "\"card\"")],
        &[],
        &[(method, "breaking")],
    );
    assert_classes(
        &[("\"card,paypal\"", "\"card,paypal,iban\"")],
        &[],
        &[(method, "addition")],
    );
}

#[test]
fn a_regex_added_or_changed_is_breaking_and_removed_an_addition() {
    let sku = "Checkout/Order Completed/sku";
    assert_classes(
        &[("regex: \"^[A-Z]+$\"", "regex: \"^[A-Z0-9]+$\"")],
        &[],
        &[(sku, "breaking")],
    );
    // Removing the key stops managing the field; an empty pattern removes it.
    assert_classes(
        &[("regex: \"^[A-Z]+$\"", "regex: \"\"")],
        &[],
        &[(sku, "addition")],
    );
    assert_classes(
        &[(
            "- title: coupon\n            type: string",
            "- title: coupon\n            regex: \"^[A-Z]+$\"\n            type: string",
        )],
        &[],
        &[("Checkout/Order Completed/coupon", "breaking")],
    );
}

#[test]
fn new_categories_and_events_are_additions() {
    assert_classes(
        &[(
            "monitors:\n",
            "  - title: Search\n    events:\n      - title: Searched\nmonitors:\n",
        )],
        &[],
        &[("Search", "addition"), ("Search/Searched", "addition")],
    );
}

#[test]
fn documentation_ownership_and_monitors_are_revisions() {
    assert_classes(
        &[
            ("description: An order was paid", "description: An order was settled\n        owners: [alice@acme.test]\n        tags: [core]\n        pii: true"),
            ("condition_auto_sensitivity: 5", "condition_auto_sensitivity: 6"),
        ],
        &[],
        &[
            ("Checkout/Order Completed", "revision"),
            ("monitor:row_count@analytics.public.orders", "revision"),
        ],
    );
}

#[test]
fn an_update_takes_its_most_severe_field() {
    assert_classes(
        &[(
            "- title: coupon\n            type: string",
            "- title: coupon\n            description: Coupon code\n            type: number",
        )],
        &[],
        &[("Checkout/Order Completed/coupon", "breaking")],
    );
}

/// One breaking change (coupon removed), one addition (a new event), one revision.
fn mixed(dir: &Path) -> (PathBuf, PathBuf) {
    sets(
        dir,
        &[
            (COUPON, ""),
            (
                "      - title: Cart Viewed\n",
                "      - title: Order Shipped\n      - title: Cart Viewed\n",
            ),
            (
                "description: An order was paid",
                "description: An order was settled",
            ),
        ],
    )
}

#[test]
fn json_counts_changes_per_class_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = mixed(dir.path());
    let doc = diff(&base, &new, &["--format", "json"]).ok().json();
    assert_eq!(
        doc["summary"]["classes"],
        serde_json::json!({"breaking": 1, "addition": 1, "revision": 1})
    );
    let coupon = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "Checkout/Order Completed/coupon")
        .unwrap();
    assert_eq!(coupon["class"], "breaking");
    assert_eq!(
        coupon["class_reason"],
        "property removed from the manifests"
    );
}

#[test]
fn text_and_markdown_list_breaking_changes_first_under_their_own_heading() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = mixed(dir.path());
    let text = diff(&base, &new, &[]).ok().stdout;
    let heading = text.find("Breaking changes (1):").expect(&text);
    let coupon = text.find("! property \"coupon\"").expect(&text);
    let others = text.find("Other changes:").expect(&text);
    let shipped = text.find("+ event \"Order Shipped\"").expect(&text);
    assert!(
        heading < coupon && coupon < others && others < shipped,
        "{text}"
    );
    assert!(
        text.contains("# breaking: property removed from the manifests"),
        "{text}"
    );

    let md = diff(&base, &new, &["--format", "markdown"]).ok().stdout;
    assert!(
        md.contains("Classes: 1 breaking change, 1 addition, 1 revision."),
        "{md}"
    );
    let heading = md.find("#### ⚠️ Breaking changes (1)").expect(&md);
    let details = md.find("<details>").expect(&md);
    assert!(heading < details, "{md}");
    assert!(md[heading..details].contains("coupon"), "{md}");
    assert!(!md[heading..details].contains("Order Shipped"), "{md}");
}

#[test]
fn a_plan_without_breaking_changes_has_no_headings() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(
        dir.path(),
        &[(
            "description: An order was paid",
            "description: An order was settled",
        )],
    );
    let text = diff(&base, &new, &[]).ok().stdout;
    assert!(!text.contains("Breaking changes"), "{text}");
    assert!(!text.contains("Other changes"), "{text}");
}

#[test]
fn fail_on_each_level_exits_1_naming_the_changes_at_that_level_or_above() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = mixed(dir.path());
    let breaking = "breaking  property \"Checkout/Order Completed/coupon\": property removed from the manifests";
    let addition = "addition  event \"Checkout/Order Shipped\": new event";
    let revision = "revision  event \"Checkout/Order Completed\": description changed";

    let out = diff(&base, &new, &["--fail-on", "breaking"]).code(1);
    assert!(
        out.stderr
            .contains("error: --fail-on breaking: 1 breaking change\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(breaking), "{}", out.stderr);
    assert!(!out.stderr.contains(addition), "{}", out.stderr);
    assert!(
        out.stdout.contains("Breaking changes (1):"),
        "the plan is still shown"
    );

    let out = diff(&base, &new, &["--fail-on", "addition"]).code(1);
    assert!(
        out.stderr
            .contains("--fail-on addition: 1 breaking change, 1 addition\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(breaking) && out.stderr.contains(addition));
    assert!(!out.stderr.contains(revision), "{}", out.stderr);

    let out = diff(&base, &new, &["--fail-on", "revision"]).code(1);
    assert!(
        out.stderr.contains(breaking)
            && out.stderr.contains(addition)
            && out.stderr.contains(revision),
        "{}",
        out.stderr
    );
}

#[test]
fn fail_on_passes_below_its_level_and_wins_over_detailed_exitcode() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(
        dir.path(),
        &[(
            "description: An order was paid",
            "description: An order was settled",
        )],
    );
    let out = diff(&base, &new, &["--fail-on", "addition"]).ok();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    diff(
        &base,
        &new,
        &["--fail-on", "breaking", "--detailed-exitcode"],
    )
    .code(2);
    diff(
        &base,
        &new,
        &["--fail-on", "revision", "--detailed-exitcode"],
    )
    .code(1);
    diff(
        &base,
        &base,
        &["--fail-on", "revision", "--detailed-exitcode"],
    )
    .ok();
}

/// The line of `needle` in `file` (1-based).
fn line_of(file: &Path, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.display()))
        + 1
}

#[test]
fn diff_format_github_annotates_breaking_changes_at_their_manifest_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(
        dir.path(),
        &[
            (COUPON, ""),
            ("\"card,paypal\"", "\"card\""),
            (
                "description: An order was paid",
                "description: An order was settled",
            ),
        ],
    );
    let file = new.join("plan.yaml");
    let out = diff(&base, &new, &["--format", "github"]).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    let f = file
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    // A removed property points at its event, still declared.
    let event = line_of(&file, "- title: Order Completed");
    let method = line_of(&file, "- title: method");
    assert_eq!(
        lines,
        [
            format!(
                "::warning file={f},line={method},col=13,title=breaking change::property \
                 \"Checkout/Order Completed/method\": enum values removed: paypal"
            )
            .as_str(),
            format!(
                "::warning file={f},line={event},col=9,title=breaking change::property \
                 \"Checkout/Order Completed/coupon\": property removed from the manifests"
            )
            .as_str(),
            "::notice title=secoda-sync::Plan: 0 to create, 2 to update, 0 to delete, 0 \
             unsupported, 1 no longer managed. 2 writes, about 4s at 30/min. Classes: 2 \
             breaking changes, 1 revision.",
        ],
        "{}",
        out.stdout
    );
    // Under the gate the same changes are errors, and the revision is annotated too.
    let out = diff(
        &base,
        &new,
        &["--format", "github", "--fail-on", "revision"],
    )
    .code(1);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 3, "{}", out.stdout);
    assert!(errors
        .iter()
        .any(|l| l.contains("title=revision::event \"Checkout/Order Completed\"")));
}

#[test]
fn plan_sandbox_takes_fail_on_and_format_github() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(
        dir.path(),
        &[("is_array_type: false", "is_array_type: true")],
    );
    sb.run(&["apply", base.to_str().unwrap(), "--auto-approve"])
        .ok();
    let file = new.join("plan.yaml");
    let out = sb
        .run(&[
            "plan",
            new.to_str().unwrap(),
            "--format",
            "github",
            "--fail-on",
            "breaking",
        ])
        .code(1);
    let items = line_of(&file, "- title: items");
    let want = format!(
        "::error file={},line={items},col=13,title=breaking change::property \
         \"Checkout/Order Completed/items\": is_array_type changed",
        file.display()
            .to_string()
            .replace(':', "%3A")
            .replace(',', "%2C")
    );
    assert_eq!(
        out.stdout.lines().next(),
        Some(want.as_str()),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("error: --fail-on breaking: 1 breaking change"),
        "{}",
        out.stderr
    );
    let json = sb
        .run(&["plan", new.to_str().unwrap(), "--format", "json"])
        .ok();
    let doc: Value = json.json();
    assert_eq!(doc["summary"]["classes"]["breaking"], 1);
}

#[test]
fn validate_format_github_prints_one_annotation_per_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    colour: red\n    events:\n      - title: Order Completed\n        pii: maybe\n",
    )
    .unwrap();
    let out = Out::of(
        bin()
            .args(["validate", "--format", "github"])
            .arg(&file)
            .output()
            .unwrap(),
    )
    .code(1);
    let f = file
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    let annotations: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 2, "{}", out.stdout);
    assert!(
        annotations[0].starts_with(&format!(
            "::error file={f},line=5,col=5,title=unknown-field::"
        )),
        "{}",
        out.stdout
    );
    assert!(
        annotations[1].starts_with(&format!("::error file={f},line=8,col=")),
        "{}",
        out.stdout
    );
    assert!(
        annotations[1].contains("title=wrong-type::"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().last().unwrap().starts_with("invalid: "),
        "{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("error["),
        "no text diagnostics: {}",
        out.stderr
    );
}

#[test]
fn diff_format_github_annotates_the_new_sets_diagnostics_too() {
    let dir = tempfile::tempdir().unwrap();
    let (base, new) = sets(
        dir.path(),
        &[("is_array_type: false", "is_array_type: maybe")],
    );
    let file = new.join("plan.yaml");
    let out = diff(
        &base,
        &new,
        &["--format", "github", "--fail-on", "breaking"],
    )
    .code(1);
    let line = line_of(&file, "is_array_type: maybe");
    let f = file
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("::error file={f},line={line},col=")),
        "{}",
        out.stdout
    );
    assert!(first.contains(",title=wrong-type::"), "{first}");
    assert!(!out.stderr.contains("error[wrong-type]"), "{}", out.stderr);
}
