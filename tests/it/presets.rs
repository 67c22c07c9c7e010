//! Vendor exports (`--from avo|amplitude|segment|segment-json|avo-json`) end to end: each
//! fixture in `tests/fixtures/presets/` (written in the vendor's layout, with a BOM, CRLF,
//! quoted commas, blank and repeated cells) loads to the expected model, applies to the
//! sandbox, exports, and plans to `No changes`, both from the export and from the vendor file.

use crate::util::{bin, property, Out, Sandbox};
use secoda_sync::testing::manifest::{load, LoadOptions, ManifestSet, Preset, PresetOptions};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/presets")
        .join(name)
}

/// Categories, events and properties.
type Counts = (usize, usize, usize);

/// Each fixture, the flags it is read with, and its counts.
const FIXTURES: [(&str, &[&str], Counts); 5] = [
    ("avo.csv", &[], (4, 22, 68)),
    ("avo.json", &["--from", "avo-json"], (4, 22, 68)),
    ("amplitude.csv", &["--from", "amplitude"], (4, 22, 80)),
    (
        "segment.csv",
        &["--from", "segment", "--default-category", "General"],
        (5, 22, 68),
    ),
    (
        "segment.json",
        &["--default-category", "General"],
        (5, 22, 68),
    ),
];

#[track_caller]
fn loaded(name: &str, preset: Option<Preset>) -> ManifestSet {
    let l = load(&LoadOptions {
        paths: vec![fixture(name)],
        integration: Some("Segment".into()),
        preset: PresetOptions {
            from: preset,
            category_label: None,
            default_category: Some("General".into()),
        },
        ..LoadOptions::default()
    });
    assert!(!l.has_errors(), "{name}: {:#?}", l.diagnostics);
    l.set
}

#[test]
fn every_fixture_validates_with_its_counts() {
    for (name, flags, (c, e, p)) in FIXTURES {
        let file = fixture(name).display().to_string();
        let mut args = vec!["validate", &file, "--integration", "Segment"];
        args.extend(flags);
        let out = Out::of(bin().args(&args).output().unwrap()).ok();
        let all = format!("{}{}", out.stdout, out.stderr);
        let counts = format!("{c} categories, {e} events, {p} properties");
        assert!(all.contains(&counts), "{name}: {all}");
    }
}

#[test]
fn vendor_types_required_arrays_and_enums_map_onto_the_property_fields() {
    for (name, preset) in [
        ("avo.csv", None),
        ("avo.json", Some(Preset::AvoJson)),
        ("amplitude.csv", None),
        ("segment.csv", None),
        ("segment.json", Some(Preset::SegmentJson)),
    ] {
        let set = loaded(name, preset);
        let amount = property(&set, "Order Completed", "amount_0");
        assert_eq!(
            amount.tracking.property_type.as_deref(),
            Some("integer"),
            "{name}"
        );
        assert_eq!(amount.tracking.is_required, Some(true), "{name}");
        assert_eq!(
            amount.fields.description.as_deref(),
            Some("Amount, in cents"),
            "{name}: a quoted comma stays in its cell"
        );
        let float = property(&set, "Signup Started", "amount_1");
        assert_eq!(
            float.tracking.property_type.as_deref(),
            Some("number"),
            "{name}"
        );
        assert_eq!(float.tracking.is_required, Some(false), "{name}");
        let plan = property(&set, "Order Completed", "plan");
        assert_eq!(
            plan.tracking.enum_values.as_deref(),
            Some("free,pro,enterprise"),
            "{name}"
        );
        let items = property(&set, "Order Completed", "item_ids");
        assert_eq!(items.tracking.is_array_type, Some(true), "{name}");
        let first = property(&set, "Order Completed", "is_first");
        assert_eq!(
            first.tracking.property_type.as_deref(),
            Some("boolean"),
            "{name}"
        );
    }
}

#[test]
fn avo_carries_tags_owners_and_the_first_category() {
    for (name, preset) in [("avo.csv", None), ("avo.json", Some(Preset::AvoJson))] {
        let set = loaded(name, preset);
        let e = set
            .categories
            .iter()
            .find(|c| c.title == "Onboarding")
            .and_then(|c| c.events.iter().find(|e| e.title == "Signup Started"))
            .unwrap_or_else(|| panic!("{name}: Signup Started under Onboarding"));
        let tags: Vec<_> = e.fields.tags.iter().flatten().cloned().collect();
        assert_eq!(tags, ["core", "revenue", "v2"], "{name}");
        let owners: Vec<_> = e.fields.owners.iter().flatten().cloned().collect();
        assert_eq!(owners, ["bob@acme.test"], "{name}");
    }
    assert_eq!(
        loaded("avo.csv", None).canonical(),
        loaded("avo.json", Some(Preset::AvoJson)).canonical(),
        "Avo's CSV and JSON exports of one plan load alike"
    );
}

#[test]
fn skipped_rows_and_homeless_fields_are_counted_with_their_lines() {
    let file = fixture("avo.csv").display().to_string();
    let out = Out::of(
        bin()
            .args(["validate", &file, "--integration", "Segment"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(
        out.stderr
            .contains("avo.csv:18:1: warning[migration-skipped]: skipped 2 user and system properties (lines 18, 28)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("`Sources` has no home in Secoda: 22 values not carried"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_header_matching_no_preset_names_the_closest_and_its_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.csv");
    std::fs::write(&f, "Event Name,Property Name,Type\nA,b,string\n").unwrap();
    let f = f.display().to_string();
    let out = Out::of(bin().args(["validate", &f]).output().unwrap()).code(1);
    assert!(
        out.stderr.contains(
            "plan.csv:1:1: error[no-preset]: the header matches no format: the closest is `--from avo`, which also needs `Property Value Type`"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn segment_without_a_category_label_is_an_error_with_the_hint() {
    let file = fixture("segment.csv").display().to_string();
    let out = Out::of(
        bin()
            .args(["validate", &file, "--integration", "Segment"])
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(
        out.stderr
            .contains("segment.csv:90:5: error[missing-field]: event has no category"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--default-category TITLE"),
        "{}",
        out.stderr
    );
    // Another label key holds the category.
    let out = Out::of(
        bin()
            .args(["validate", &file, "--integration", "Segment"])
            .args(["--category-label", "area", "--default-category", "Web"])
            .output()
            .unwrap(),
    )
    .ok();
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("2 categories, 22 events"), "{all}");
}

#[test]
fn a_bad_cell_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("avo.csv");
    std::fs::write(
        &f,
        "Event Name,Event Category,Property Name,Property Value Type,Is Property Required?\r\n\
         A,Checkout,x,string,maybe\r\n",
    )
    .unwrap();
    let f = f.display().to_string();
    let out = Out::of(bin().args(["validate", &f]).output().unwrap()).code(1);
    assert!(
        out.stderr.contains("avo.csv:2:5: error[wrong-type]"),
        "{}",
        out.stderr
    );
}

/// Each fixture's preset, as `loaded` takes it (`None`: told by the header or the JSON).
fn preset_of(flags: &[&str]) -> Option<Preset> {
    match flags.windows(2).find(|w| w[0] == "--from").map(|w| w[1]) {
        Some("avo-json") => Some(Preset::AvoJson),
        Some("amplitude") => Some(Preset::Amplitude),
        Some("segment") => Some(Preset::Segment),
        _ => None,
    }
}

/// Every property's tracking fields, by `event/property`.
fn tracking_of(set: &ManifestSet) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = set
        .categories
        .iter()
        .flat_map(|c| &c.events)
        .flat_map(|e| {
            e.properties.iter().map(move |p| {
                (
                    format!("{}/{}", e.title, p.title),
                    format!("{:?}", p.tracking),
                )
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_applies_exports_and_plans_to_no_changes_in_both_property_type_modes() {
    for mode in ["native", "definition"] {
        for (name, flags, (c, e, p)) in FIXTURES {
            let sb = Sandbox::new();
            let file = fixture(name).display().to_string();
            let base = ["--integration", "Segment", "--property-types", mode];
            let mut apply = vec!["apply", &file, "--auto-approve"];
            apply.extend(base);
            apply.extend(flags);
            sb.run(&apply).ok();
            if name.starts_with("avo") {
                // Avo's `Owner` of Cart Completed is the team Product, carried as its team.
                let events = sb.list("/api/v1/event/events");
                let cart = events
                    .iter()
                    .find(|e| e["title"] == "Cart Completed")
                    .unwrap();
                assert_eq!(cart["teams"].as_array().map(Vec::len), Some(1), "{cart}");
                assert_eq!(cart["owners"], serde_json::json!([]), "{cart}");
            }
            let mut plan = vec!["plan", &file];
            plan.extend(base);
            plan.extend(flags);
            let out = sb.run(&plan).ok();
            assert!(
                out.stdout.contains("No changes"),
                "{mode} {name}: {}",
                out.stdout
            );
            let dir = tempfile::tempdir().unwrap();
            let export = dir.path().join("export.yaml").display().to_string();
            let args = [
                "export",
                "--integration",
                "Segment",
                "--property-types",
                mode,
            ];
            sb.run(&[&args[..], &["--out", &export]].concat()).ok();
            let l = load(&LoadOptions {
                paths: vec![PathBuf::from(&export)],
                ..LoadOptions::default()
            });
            let counts = l.set.counts();
            assert_eq!(
                (counts.categories, counts.events, counts.properties),
                (c, e, p),
                "{mode} {name}: the export holds what the vendor file declared"
            );
            // Types, required flags, arrays and enums come back as the vendor file gave them.
            assert_eq!(
                tracking_of(&l.set),
                tracking_of(&loaded(name, preset_of(flags))),
                "{mode} {name}"
            );
            let out = sb.run(&["plan", &export, "--property-types", mode]).ok();
            assert!(
                out.stdout.contains("No changes"),
                "{mode} {name}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn migrate_report_counts_skips_homeless_fields_and_writes_offline() {
    let file = fixture("avo.csv").display().to_string();
    let out = Out::of(bin().args(["migrate-report", &file]).output().unwrap()).ok();
    for line in [
        "carries: 4 categories, 22 events, 68 properties",
        "skipped: 2 user and system properties (",
        "avo.csv: lines 18, 28)",
        "no home: `Sources` (22 values",
        "warning: 8 events without a description",
        "writes: 100 (2 for the lease; up to 4 for tags; about 4 min at 30/min)",
        "tags used: core, marketing, revenue, v2, created where the workspace lacks them",
    ] {
        assert!(out.stdout.contains(line), "`{line}` in:\n{}", out.stdout);
    }
    let out = Out::of(
        bin()
            .args(["migrate-report", &file, "--format", "json"])
            .output()
            .unwrap(),
    )
    .ok();
    let v = out.json();
    assert_eq!(v["writes"], 100);
    assert_eq!(v["lease_writes"], 2);
    assert_eq!(v["seconds"], 200);
    // The count and the duration are the plan's against an empty workspace: the sandbox has
    // three of the four tags (`core`, `marketing`, `revenue`), each a write fewer.
    let sb = Sandbox::new();
    let plan = sb
        .run(&[
            "plan",
            &file,
            "--integration",
            "Segment",
            "--format",
            "json",
            "--write-rate",
            "30/min",
        ])
        .ok()
        .json();
    let existing_tags = 3;
    assert_eq!(
        plan["summary"]["writes"].as_u64().unwrap() + existing_tags,
        v["writes"].as_u64().unwrap(),
        "{}",
        plan["summary"]
    );
    assert_eq!(
        plan["summary"]["eta_seconds"].as_u64().unwrap() + existing_tags * 2,
        v["seconds"].as_u64().unwrap(),
        "{}",
        plan["summary"]
    );
    // Reading the workspace, the report knows which tags exist: its count is the plan's.
    let online = sb
        .run(&["migrate-report", &file, "--workspace", "--format", "json"])
        .ok()
        .json();
    assert_eq!(online["writes"], plan["summary"]["writes"], "{online}");
    assert_eq!(
        online["seconds"], plan["summary"]["eta_seconds"],
        "{online}"
    );
    let text = sb.run(&["migrate-report", &file, "--workspace"]).ok();
    assert!(
        text.stdout
            .contains("tags used: created: v2; already present: core, marketing, revenue")
            && text.stdout.contains("2 for the lease; 1 for tags;"),
        "{}",
        text.stdout
    );
    assert_eq!(v["skipped"][0]["lines"], serde_json::json!([18, 28]));
    let out = Out::of(
        bin()
            .args(["migrate-report", &file, "--format", "markdown"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stdout.contains("| events | 22 |"), "{}", out.stdout);
    assert!(out.stdout.contains("| `Sources` | 22 |"), "{}", out.stdout);
}

/// `validate` of one file written in a temporary directory, run there.
fn validate_text(name: &str, text: &str, extra: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let mut args = vec!["validate", name, "--integration", "Segment"];
    args.extend(extra);
    Out::of(bin().current_dir(dir.path()).args(&args).output().unwrap())
}

/// A Segment rule with one version and the given property names.
fn segment_rule(key: &str, version: u32, props: &[&str]) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|p| format!("\"{p}\": {{\"type\": \"string\"}}"))
        .collect();
    format!(
        "{{\"type\": \"TRACK\", \"key\": \"{key}\", \"version\": {version},\n\
         \"jsonSchema\": {{\"labels\": {{\"category\": \"Checkout\"}},\n\
         \"properties\": {{\"context\": {{}}, \"traits\": {{}},\n\
         \"properties\": {{\"type\": \"object\", \"properties\": {{{}}}}}}}}}}}",
        props.join(", ")
    )
}

#[test]
fn two_versions_of_one_segment_rule_read_the_newest_with_a_warning_naming_both() {
    let text = format!(
        "{{\"rules\": [\n{},\n{}\n]}}\n",
        segment_rule("Order Completed", 2, &["a", "b"]),
        segment_rule("Order Completed", 1, &["a"])
    );
    let out = validate_text("plan.json", &text, &[]).ok();
    assert!(
        out.stderr.contains(
            "plan.json:6:1: warning[migration-skipped]: track rule `Order Completed` version 1 \
             (line 6) is replaced by version 2 (line 2): the newest version is read"
        ),
        "{}",
        out.stderr
    );
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("1 category, 1 event, 2 properties"), "{all}");
}

#[test]
fn two_segment_rules_of_one_key_and_version_are_a_duplicate_error() {
    let text = format!(
        "{{\"rules\": [\n{},\n{}\n]}}\n",
        segment_rule("Order Completed", 1, &["a", "b"]),
        segment_rule("Order Completed", 1, &["a"])
    );
    let out = validate_text("plan.json", &text, &[]).code(1);
    assert!(
        out.stderr.contains(
            "plan.json:6:1: error[duplicate-key]: track rule `Order Completed` version 1 is \
             also at line 2"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn segment_properties_of_the_wrong_shape_and_types_that_are_no_names_are_errors() {
    let text = "{\"rules\": [\n\
        {\"type\": \"TRACK\", \"key\": \"A\", \"jsonSchema\": {\"labels\": {\"category\": \"C\"},\n\
        \"properties\": {\"context\": {}, \"traits\": {},\n\
        \"properties\": []}}},\n\
        {\"type\": \"TRACK\", \"key\": \"B\", \"jsonSchema\": {\"labels\": {\"category\": \"C\"},\n\
        \"properties\": {\"properties\": {\"type\": \"object\", \"properties\": {\n\
        \"amount\": {\"type\": 5},\n\
        \"tags\": {\"type\": [\"array\"], \"items\": {\"type\": {\"x\": 1}}},\n\
        \"plain\": \"string\"}}}}}\n\
        ]}\n";
    let out = validate_text("plan.json", text, &[]).code(1);
    for want in [
        "plan.json:4:15: error[wrong-type]: `properties.properties`: expected an object schema, \
         found a list",
        "plan.json:7:20: error[wrong-type]: `type` of property `amount`",
        "plan.json:8:47: error[wrong-type]: `type` of property `tags`",
        "plan.json:9:10: error[wrong-type]: property `plain`: expected a schema (a mapping), \
         found string `string`",
    ] {
        assert!(out.stderr.contains(want), "no `{want}` in:\n{}", out.stderr);
    }
    // `context`, `traits` and `properties` are never read as properties.
    assert!(!out.stderr.contains("`context`"), "{}", out.stderr);
}

#[test]
fn short_and_long_avo_rows_are_errors_at_their_lines() {
    let text = "Event Name,Event Category,Property Name,Property Value Type\n\
                A,Checkout,x,string\n\
                A,Checkout,y\n\
                A,Checkout,z,string,surplus\n\
                A,Checkout,w,string,\n";
    let out = validate_text("avo.csv", text, &[]).code(1);
    assert!(
        out.stderr.contains(
            "avo.csv:3:4: error[syntax]: row has 3 cells but the header has 4: missing \
             `Property Value Type`"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("avo.csv:4:5: error[syntax]: row has 5 cells but the header has 4"),
        "{}",
        out.stderr
    );
    // An empty cell past the header is no shifted row.
    assert!(!out.stderr.contains("avo.csv:5:"), "{}", out.stderr);
}

#[test]
fn a_byte_order_mark_inside_a_vendor_file_is_no_part_of_a_title() {
    // Two exports pasted together: the second part starts with its own mark.
    let text = "\u{feff}Event Name,Event Category,Property Name,Property Value Type\n\
                A,Checkout,x,string\n\
                \u{feff}B,Checkout,y,string\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("avo.csv"), text).unwrap();
    let out = Out::of(
        bin()
            .current_dir(dir.path())
            .args(["plan", "avo.csv", "--sandbox", "--integration", "Segment"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stdout.contains("+ event \"B\""), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{feff}'), "{}", out.stdout);
}

/// An Avo export whose owners are a user, a team, and a name the workspace has neither of.
const AVO_OWNERS: &str = "Event Name,Event Description,event category,Sources,Property Name,\
Property Description,Property Value Type,Is Property Required?,Is Property Array?,\
Property Enumeration Options,Event Tags,Owner,Property Type,Stakeholders,Avo Id
Signed Up,,Onboarding,Web,plan,Plan tier,string,FALSE,FALSE,,core,Product,Event,,avo-1
Logged In,,Onboarding,Web,method,How,string,FALSE,FALSE,,core,ghost@acme.test;bob@acme.test,Event,,avo-2
Logged Out,,Onboarding,Web,reason,Why,string,FALSE,FALSE,,core,ghost@acme.test,Event,,avo-3
";

#[test]
fn a_vendor_owner_naming_a_team_becomes_the_team_and_one_naming_nothing_is_left_out() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("avo.csv");
    std::fs::write(&file, AVO_OWNERS).unwrap();
    let file = file.display().to_string();
    let args = ["--integration", "Segment"];
    let out = sb
        .run(&[&["apply", &file, "--auto-approve"][..], &args].concat())
        .ok();
    assert!(
        out.stderr.contains(
            "2 owners in the vendor exports (1 distinct name) named neither a user nor a team"
        ) && out
            .stderr
            .contains("`ghost@acme.test` (event `Onboarding/Logged In`"),
        "{}",
        out.stderr
    );
    let events = sb.list("/api/v1/event/events");
    let event = |title: &str| {
        events
            .iter()
            .find(|e| e["title"] == title)
            .unwrap_or_else(|| panic!("no event {title} in {events:?}"))
            .clone()
    };
    let team = |name: &str| {
        sb.list("/api/v1/auth/teams/")
            .into_iter()
            .find(|t| t["name"] == name)
            .unwrap()["id"]
            .clone()
    };
    let user = sb
        .list("/api/v1/user/")
        .into_iter()
        .find(|u| u["email"] == "bob@acme.test")
        .unwrap()["id"]
        .clone();
    assert_eq!(
        event("Signed Up")["teams"],
        serde_json::json!([team("Product")])
    );
    assert_eq!(event("Logged In")["owners"], serde_json::json!([user]));
    // Every owner left out: the field is left alone, not cleared.
    assert_eq!(event("Logged Out")["owners"], serde_json::json!([]));
    let out = sb.run(&[&["plan", &file][..], &args].concat()).ok();
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    // migrate-report lists them when it may read the workspace, and offline says nothing.
    let out = sb.run(&["migrate-report", &file, "--workspace"]).ok();
    assert_eq!(
        out.stdout
            .matches("owner left out: `ghost@acme.test`")
            .count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("(no such user or team; event `Onboarding/Logged Out`"),
        "{}",
        out.stdout
    );
    let offline = Out::of(bin().args(["migrate-report", &file]).output().unwrap()).ok();
    assert!(!offline.stdout.contains("owner"), "{}", offline.stdout);

    // A native manifest stays strict: a team's name in `owners` is an unknown user.
    let yaml = dir.path().join("native.yaml");
    std::fs::write(
        &yaml,
        "version: 1\nintegration: Segment\ncategories:\n  - title: Onboarding\n    events:\n      \
         - title: Signed Up\n        owners: [Product]\n",
    )
    .unwrap();
    let out = sb.run(&["plan", &yaml.display().to_string()]).code(1);
    assert!(out.stderr.contains("`Product`"), "{}", out.stderr);
}

#[test]
fn a_semicolon_separated_vendor_export_is_told_and_read_like_the_comma_one() {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(fixture("avo.csv"))
        .unwrap();
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(Vec::new());
    for rec in reader.records() {
        writer.write_record(&rec.unwrap()).unwrap();
    }
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    assert!(text.lines().next().unwrap().contains(";Event Description;"));
    let out = validate_text("avo.csv", &text, &[]);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(out.code, 0, "{all}");
    assert!(
        all.contains("4 categories, 22 events, 68 properties"),
        "{all}"
    );
}
