//! Load a generated 50,000-row Avo export and a 50,000-row Amplitude export (`--from avo`,
//! `--from amplitude`), printing wall time per file.
//!
//! Run: `cargo bench --bench presets` (target: < 1 s each with `--release`).
#![allow(clippy::print_stdout)]

use secoda_sync::testing::manifest::{load, LoadOptions, Preset, PresetOptions};
use std::fmt::Write as _;
use std::time::Instant;

const ROWS: usize = 50_000;
const PROPS_PER_EVENT: usize = 10;

/// An Avo CSV: one row per (event, property), event columns repeated, quoted commas.
fn avo() -> String {
    let mut s = String::from(
        "\u{feff}Event Name,Event Description,Event Category,Sources,Property Name,\
         Property Description,Property Value Type,Is Property Required?,Is Property Array?,\
         Property Enumeration Options,Event Tags,Owner,Property Type\r\n",
    );
    for row in 0..ROWS {
        let (e, p) = (row / PROPS_PER_EVENT, row % PROPS_PER_EVENT);
        let _ = write!(
            s,
            "Event {e},\"Fired at step {e}, once\",Category {},iOS; Web,prop_{p},\"Property {p}, in cents\",{},{},FALSE,\"a, b, c\",core,alice@acme.test,Event\r\n",
            e % 50,
            ["string", "int", "float", "bool"][p % 4],
            if p % 2 == 0 { "TRUE" } else { "FALSE" },
        );
    }
    s
}

/// An Amplitude Data CSV: an event row, then its property rows with blank object columns.
fn amplitude() -> String {
    let mut s = String::from(
        "Action,Object Type,Object Name,Event Category,Object Description,Tags,Event Activity,\
         Property Type,Event Property Name,Property Description,Property Value Type,\
         Property Required,Property Is Array,Enum Values\r\n",
    );
    let events = ROWS / (PROPS_PER_EVENT + 1);
    for e in 0..events {
        let _ = write!(
            s,
            ",Event,Event {e},Category {},\"Fired at step {e}, once\",core,ACTIVE,,,,,,,\r\n",
            e % 50
        );
        for p in 0..PROPS_PER_EVENT {
            let _ = write!(
                s,
                ",,,,,,,Event Property,prop_{p},Property {p},{},TRUE,FALSE,\"a,b,c\"\r\n",
                ["string", "integer", "number", "boolean"][p % 4],
            );
        }
    }
    s
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, preset, text) in [
        ("avo.csv", Preset::Avo, avo()),
        ("amplitude.csv", Preset::Amplitude, amplitude()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).expect("write export");
        let start = Instant::now();
        let loaded = load(&LoadOptions {
            paths: vec![path],
            integration: Some("Segment".into()),
            preset: PresetOptions {
                from: Some(preset),
                ..PresetOptions::default()
            },
            ..LoadOptions::default()
        });
        let elapsed = start.elapsed();
        assert!(!loaded.has_errors(), "{:?}", &loaded.diagnostics[..1]);
        let c = loaded.set.counts();
        println!(
            "{name:<14} {:>5.1} MB, {} rows: load+validate {:>6.3} s ({} categories, {} events, {} properties)",
            text.len() as f64 / 1e6,
            text.lines().count() - 1,
            elapsed.as_secs_f64(),
            c.categories,
            c.events,
            c.properties
        );
    }
}
