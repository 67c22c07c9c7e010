//! Settings resolved once, through the binary: the config file's values are settings, not
//! typed flags, so they never conflict with what was typed; `apply --plan` refuses the flags it
//! cannot honour; numbers from flags, the environment and the file are range-checked; `config`
//! hides a password; `-h` groups its options under headings.

use crate::util::{bin, ex, Out, Sandbox};
use std::path::{Path, PathBuf};

/// The README's `secoda-sync.toml` (its host is the sandbox's, typed by the harness).
const README_TOML: &str = "\
region = \"eu\"
write_rate = \"30/min\"
read_rate = \"10/s\"
concurrency = 8
manifests = [\"m\"]
prune = false
max_deletes = 10
max_delete_percent = 5
monitors_delete = false
owner_tag = \"secoda-sync\"
property_types = \"native\"
lock_timeout = \"10m\"
";

/// A repository (`.git`) holding `secoda-sync.toml` with `toml` and `m/signup.yaml`.
fn repo(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("secoda-sync.toml"), toml).unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    signup(dir.path(), true);
    dir
}

/// `m/signup.yaml`: two events, and a third with `extra`.
fn signup(dir: &Path, extra: bool) {
    let mut yaml = String::from(
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
      - title: Email Verified
        description: The address was confirmed.
",
    );
    if extra {
        yaml.push_str("      - title: Trial Started\n        description: A trial began.\n");
    }
    std::fs::write(dir.join("m/signup.yaml"), yaml).unwrap();
}

/// Runs the binary against `sb` from `dir`.
fn run_in(sb: &Sandbox, dir: &Path, args: &[&str]) -> Out {
    let mut c = sb.cmd(args);
    c.current_dir(dir);
    Out::of(c.output().unwrap())
}

/// Runs the binary (no sandbox) from `dir` with `env`.
fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut c = bin();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    Out::of(c.output().unwrap())
}

fn saved(dir: &Path) -> PathBuf {
    dir.join("plan.json")
}

#[test]
fn readme_config_file_then_a_saved_plan_applies() {
    let sb = Sandbox::new();
    let dir = repo(README_TOML);
    let plan = saved(dir.path());
    let plan = plan.to_str().unwrap();
    run_in(&sb, dir.path(), &["plan", "--out", plan]).ok();
    sb.clear_log();
    let out = run_in(
        &sb,
        dir.path(),
        &["apply", "--plan", plan, "--auto-approve"],
    )
    .ok();
    assert!(!sb.writes().is_empty(), "{}", out.stdout);
    // The file agrees with the plan: nothing to say about it.
    assert!(!out.stderr.contains("ignored"), "{}", out.stderr);
    // The owner tag the file names reached the plan: the new events carry it.
    let trial = sb
        .list("/api/v1/event/events")
        .into_iter()
        .find(|e| e["title"] == "Trial Started")
        .expect("Trial Started was created");
    assert!(
        trial["tags"].as_array().is_some_and(|t| !t.is_empty()),
        "{trial}"
    );
}

#[test]
fn a_config_value_the_saved_plan_decides_otherwise_is_ignored_with_one_note() {
    let sb = Sandbox::new();
    let dir = repo("manifests = [\"m\"]\n");
    let plan = saved(dir.path());
    let plan = plan.to_str().unwrap();
    run_in(&sb, dir.path(), &["plan", "--out", plan]).ok();
    std::fs::write(
        dir.path().join("secoda-sync.toml"),
        "prune = true\nmonitors_delete = true\n",
    )
    .unwrap();
    let out = run_in(
        &sb,
        dir.path(),
        &["apply", "--plan", plan, "--auto-approve"],
    )
    .ok();
    let notes: Vec<_> = out
        .stderr
        .lines()
        .filter(|l| l.contains("ignored"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", out.stderr);
    assert!(
        notes[0].contains("prune = true (the plan: false)")
            && notes[0].contains("monitors_delete = true (the plan: false)"),
        "{}",
        out.stderr
    );
}

/// A sandbox holding `m/` applied, and a saved `--prune` plan deleting `Trial Started`.
fn saved_delete() -> (Sandbox, tempfile::TempDir, String) {
    let sb = Sandbox::new();
    let dir = repo("");
    let m = dir.path().join("m");
    let m = m.to_str().unwrap();
    run_in(&sb, dir.path(), &["apply", m, "--auto-approve"]).ok();
    signup(dir.path(), false);
    let plan = saved(dir.path()).to_str().unwrap().to_owned();
    let args = [
        "plan",
        m,
        "--prune",
        "--max-delete-percent",
        "50",
        "--out",
        &plan,
    ];
    let out = run_in(&sb, dir.path(), &args).ok();
    assert!(out.stdout.contains("1 to delete"), "{}", out.stdout);
    sb.clear_log();
    (sb, dir, plan)
}

#[test]
fn apply_plan_refuses_flags_that_would_change_the_saved_plan() {
    let (sb, dir, plan) = saved_delete();
    for flags in [
        &["--exclude", "Signup"][..],
        &["--integration", "Segment"],
        &["--property-types", "definition"],
        &["--target", "Signup"],
        &["--prune"],
    ] {
        let mut args = vec!["apply", "--plan", &plan, "--auto-approve"];
        args.extend_from_slice(flags);
        let out = run_in(&sb, dir.path(), &args).code(1);
        assert!(
            out.stderr
                .contains(&format!("`{}` cannot be used with `--plan`", flags[0])),
            "{flags:?}: {}",
            out.stderr
        );
        assert!(sb.writes().is_empty(), "{flags:?} wrote");
    }
    assert!(sb.log().is_empty(), "refused before connecting");
    // --max-deletes is honoured: checked against the saved plan's deletes.
    let out = run_in(
        &sb,
        dir.path(),
        &[
            "apply",
            "--plan",
            &plan,
            "--auto-approve",
            "--max-deletes",
            "0",
        ],
    )
    .code(1);
    assert!(
        out.stderr.contains("exceed --max-deletes 0"),
        "{}",
        out.stderr
    );
    assert!(
        sb.writes().is_empty(),
        "a refused saved plan writes nothing"
    );
    // So is --max-delete-percent: one delete of three managed resources is over 10 (the
    // default) and within 50 (what the plan was made with).
    for (percent, code) in [("0", 1), ("10", 1)] {
        let out = run_in(
            &sb,
            dir.path(),
            &[
                "apply",
                "--plan",
                &plan,
                "--auto-approve",
                "--max-delete-percent",
                percent,
            ],
        )
        .code(code);
        assert!(
            out.stderr
                .contains(&format!("--max-delete-percent {percent}")),
            "{}",
            out.stderr
        );
        assert!(
            sb.writes().is_empty(),
            "over --max-delete-percent {percent}"
        );
    }
    // Within the caps it goes through.
    run_in(
        &sb,
        dir.path(),
        &[
            "apply",
            "--plan",
            &plan,
            "--auto-approve",
            "--max-delete-percent",
            "50",
        ],
    )
    .ok();
    let events = sb.list("/api/v1/event/events");
    assert!(
        !events.iter().any(|e| e["title"] == "Trial Started"),
        "{events:?}"
    );
}

#[test]
fn lock_timeout_flag_out_of_range_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["18446744073709551615s", "5124095576030432h", "25h"] {
        let out = run(
            dir.path(),
            &[],
            &["apply", "--sandbox", &ex(), "--lock-timeout", bad],
        )
        .code(1);
        assert!(
            out.stderr.contains(bad) && out.stderr.contains("0 to 24h"),
            "{bad}: {}",
            out.stderr
        );
    }
    assert!(!dir.path().join(".secoda-sandbox.json").exists());
}

#[test]
fn numbers_in_the_config_file_and_environment_are_range_checked() {
    for (toml, shown) in [
        ("max_delete_percent = nan\n", "`max_delete_percent` = `NaN`"),
        ("max_delete_percent = inf\n", "`max_delete_percent` = `inf`"),
        ("lock_timeout = \"-5m\"\n", "`lock_timeout` = `-5m`"),
        ("concurrency = 100000\n", "`concurrency` = `100000`"),
    ] {
        let dir = repo(&format!("manifests = [\"m\"]\n{toml}"));
        let out = run(dir.path(), &[], &["config"]).code(1);
        assert!(out.stderr.contains(shown), "{toml}: {}", out.stderr);
        let verb = if toml.starts_with("lock") {
            "apply"
        } else {
            "plan"
        };
        let out = run(dir.path(), &[], &[verb, "--sandbox"]).code(1);
        assert!(out.stderr.contains(shown), "{toml}: {}", out.stderr);
        assert!(!dir.path().join(".secoda-sandbox.json").exists());
    }
    let dir = repo("");
    let env = [("SECODA_CONCURRENCY", "100000")];
    let out = run(dir.path(), &env, &["config"]).code(1);
    assert!(out.stderr.contains("1 to 256"), "{}", out.stderr);
}

#[test]
fn secoda_api_url_in_the_environment_yields_to_typed_sandbox_and_region() {
    let dir = repo("manifests = [\"m\"]\n");
    let env = [("SECODA_API_URL", "http://127.0.0.1:9")];
    let out = run(dir.path(), &env, &["plan", "--sandbox"]).ok();
    assert!(out.stdout.contains("to create"), "{}", out.stdout);
    // --region wins over the environment's URL: what is missing next is the token, not a
    // conflict between the two.
    let out = run(dir.path(), &env, &["plan", "--region", "eu"]).code(1);
    assert!(
        !out.stderr.contains("cannot be used with") && out.stderr.contains("token"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_hides_a_password_in_the_api_url() {
    let dir = repo("api_url = \"https://user:hunter2-secret@secoda.example.com/api\"\n");
    let out = run(dir.path(), &[], &["config"]).ok();
    assert!(!out.stdout.contains("hunter2"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("https://user:***@secoda.example.com/api"),
        "{}",
        out.stdout
    );
    let env = [("SECODA_API_URL", "https://ci:tok3n-pass@h.example")];
    let out = run(dir.path(), &env, &["config"]).ok();
    assert!(!out.stdout.contains("tok3n-pass"), "{}", out.stdout);
    assert!(
        out.stdout.contains("https://ci:***@h.example"),
        "{}",
        out.stdout
    );
}

#[test]
fn help_groups_options_under_headings_and_offline_verbs_show_no_api_flags() {
    let dir = tempfile::tempdir().unwrap();
    let help = |verb: &str| run(dir.path(), &[], &[verb, "-h"]).ok().stdout;
    let apply = help("apply");
    for heading in [
        "Connection:",
        "Manifests:",
        "Planning:",
        "Apply:",
        "Output:",
    ] {
        assert!(apply.lines().any(|l| l == heading), "{heading} in\n{apply}");
    }
    let plan = help("plan");
    for heading in ["Connection:", "Manifests:", "Planning:", "Output:"] {
        assert!(plan.lines().any(|l| l == heading), "{heading} in\n{plan}");
    }
    for verb in ["diff", "validate"] {
        let h = help(verb);
        assert!(h.lines().any(|l| l == "Manifests:"), "{h}");
        for api in [
            "--api-url",
            "--region",
            "--sandbox",
            "--token-file",
            "--write-rate",
            "--concurrency",
            "Connection:",
        ] {
            assert!(!h.contains(api), "{verb} shows {api}:\n{h}");
        }
    }
    let top = run(dir.path(), &[], &["--help"]).ok().stdout;
    assert!(
        top.lines().any(|l| l.trim_start().starts_with("143")),
        "{top}"
    );
}
