//! Breaks a new user hit where two features meet: scope filters that match nothing, case
//! twins of live resources, shell completion, exported monitor schedules, offline `diff`
//! counts, the sandbox's read pacing, the markdown review and warehouse integrations.

use crate::util::{bin, Out, Sandbox};
use std::path::{Path, PathBuf};

/// Writes `text` to `dir/name` and returns the path as an argument.
#[track_caller]
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Two events under one category, for the scope tests.
const SIGNUP: &str = "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        description: A new account exists.
      - title: Email Verified
        description: The address was confirmed.
";

#[test]
fn the_in_process_sandbox_does_not_pace_reads() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "signup.yaml", SIGNUP);
    let state = dir.path().join("state.json");
    let out = Out::of(
        bin()
            .args(["plan", &m, "-v", "--sandbox", "--sandbox-state"])
            .arg(&state)
            .output()
            .unwrap(),
    )
    .ok();
    assert!(
        out.stderr.contains("Pacing: reads unpaced, writes unpaced"),
        "{}",
        out.stderr
    );
    // A pace the user asks for is kept.
    let out = Out::of(
        bin()
            .args(["plan", &m, "-v", "--read-rate", "5/s", "--sandbox"])
            .arg("--sandbox-state")
            .arg(&state)
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stderr.contains("Pacing: reads 5/s"), "{}", out.stderr);
}

/// The completion script for `shell`, written to `dir`.
fn completion_script(dir: &Path, shell: &str) -> PathBuf {
    let out = Out::of(bin().args(["completions", shell]).output().unwrap()).ok();
    let path = dir.join(format!("secoda-sync.{shell}"));
    std::fs::write(&path, out.stdout).unwrap();
    path
}

/// What bash completes for `words`, the last being the word under the cursor.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let cur = words[cword];
    let prev = words[cword - 1];
    let code = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\n\
         _secoda__sync secoda-sync '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" ")
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_options_and_values_after_a_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let script = completion_script(dir.path(), "bash");
    assert_eq!(
        bash_complete(&script, &["secoda-sync", "apply", "--fro"]),
        ["--from"]
    );
    assert_eq!(
        bash_complete(&script, &["secoda-sync", "apply", "--stdin-format", ""]),
        ["yaml", "csv", "jsonl"]
    );
    // A hyphenated subcommand and the top level complete too.
    assert!(
        bash_complete(&script, &["secoda-sync", "migrate-report", "--"])
            .iter()
            .any(|o| o == "--help")
    );
    assert!(bash_complete(&script, &["secoda-sync", "pl"])
        .iter()
        .any(|o| o == "plan"));
}

#[test]
#[allow(clippy::print_stderr)] // says which shell was skipped
fn zsh_and_fish_completion_scripts_load_where_the_shells_exist() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, load) in [
        ("zsh", "autoload -U compinit && compinit -u && source '{}'"),
        ("fish", "source '{}'"),
    ] {
        let found = std::process::Command::new(shell)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            // A skipped shell is said in the test's output, not hidden.
            eprintln!("skipped: `{shell}` is not installed, its script was not loaded");
            continue;
        }
        let script = completion_script(dir.path(), shell);
        let code = load.replace("{}", &script.display().to_string());
        let out = std::process::Command::new(shell)
            .args(["-c", &code])
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_target_or_exclude_that_matches_nothing_is_an_error_with_did_you_mean() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "signup.yaml", SIGNUP);
    let out = sb.run(&["plan", &m, "--target", "Signp"]).code(1);
    assert!(
        out.stderr
            .contains("--target `Signp` matches nothing in the manifests or the workspace; did you mean `Signup`?"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("No changes"), "{}", out.stdout);
    let out = sb
        .run(&[
            "apply",
            &m,
            "--auto-approve",
            "--exclude",
            "Signup/Acount Created",
        ])
        .code(1);
    assert!(
        out.stderr
            .contains("did you mean `Signup/Account Created`?"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());
    // A key the manifests name is fine, and so is one only the workspace holds.
    let out = sb
        .run(&["plan", &m, "--target", "Signup/Account Created"])
        .ok();
    assert!(out.stdout.contains("Plan: 2 to create"), "{}", out.stdout);
    let legacy = write(
        dir.path(),
        "legacy.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: Legacy\n    events:\n      \
         - title: Old Event\n",
    );
    sb.run(&["apply", &legacy, "--auto-approve"]).ok();
    sb.run(&["plan", &m, "--exclude", "Legacy/Old Event"]).ok();
}

#[test]
fn a_create_beside_a_live_case_twin_is_refused_unless_allowed() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let live = write(
        dir.path(),
        "live.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    events:\n      \
         - title: Order Completed\n",
    );
    sb.run(&["apply", &live, "--auto-approve"]).ok();
    sb.clear_log();
    let twin = write(
        dir.path(),
        "twin.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: checkout\n    events:\n      \
         - title: Paid\n",
    );
    let out = sb.run(&["plan", &twin]).code(1);
    assert!(
        out.stderr.contains("the plan creates category `checkout`")
            && out.stderr.contains("twin.yaml:4:")
            && out.stderr.contains("beside the live `Checkout`")
            && out.stderr.contains("--allow-case-twins"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = sb.run(&["apply", &twin, "--auto-approve"]).code(1);
    assert!(
        out.stderr.contains("beside the live `Checkout`"),
        "{}",
        out.stderr
    );
    assert!(sb.writes().is_empty(), "{:?}", sb.writes());

    // An event differing only in case under the live category.
    let event = write(
        dir.path(),
        "event.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    events:\n      \
         - title: Order completed\n      - title: Order Completed\n",
    );
    let out = sb.run(&["plan", &event]).code(1);
    assert!(
        out.stderr
            .contains("the plan creates event `Checkout/Order completed`")
            && out.stderr.contains("event.yaml:6:"),
        "{}",
        out.stderr
    );

    // The flag lets the create through.
    let out = sb.run(&["plan", &twin, "--allow-case-twins"]).ok();
    assert!(out.stdout.contains("2 to create"), "{}", out.stdout);
}

#[test]
fn audit_reports_live_case_and_unicode_twins() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let twins = write(
        dir.path(),
        "twins.yaml",
        "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    events:\n      \
         - title: Order Completed\n      - title: Ｏrder Completed\n",
    );
    sb.run(&["apply", &twins, "--auto-approve", "--allow-case-twins"])
        .ok();
    let out = sb
        .run(&["audit", "--integration", "Segment", "--format", "json"])
        .ok();
    let findings = out.json()["findings"].as_array().unwrap().clone();
    let collisions: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "case-collision")
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    // Either twin is the second, as the workspace lists them.
    assert!(
        collisions == ["Checkout/Ｏrder Completed"] || collisions == ["Checkout/Order Completed"],
        "{findings:?}"
    );
}

#[test]
fn a_tracking_plan_under_a_warehouse_is_warned_with_the_event_sources() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "wh.yaml",
        &SIGNUP.replace("integration: Segment", "integration: Snowflake"),
    );
    let out = sb.run(&["plan", &m]).ok();
    assert!(
        out.stderr.contains(
            "warning: integration `Snowflake` is a warehouse (snowflake), not an event source, \
             yet the plan puts 1 category and 2 events under it"
        ) && out.stderr.contains("event sources: `Segment`, `Amplitude`"),
        "{}",
        out.stderr
    );
    // Under an event source there is no such warning.
    let m = write(dir.path(), "ok.yaml", SIGNUP);
    let out = sb.run(&["plan", &m]).ok();
    assert!(
        !out.stderr.contains("not an event source"),
        "{}",
        out.stderr
    );
}

/// `git` in `repo`, with a scrubbed identity; fails the test unless it succeeds.
fn git(repo: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn offline_diff_counts_removals_as_deletes_only_with_prune_and_shows_no_usage() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.yaml", SIGNUP);
    let new = write(
        dir.path(),
        "new.yaml",
        &SIGNUP.replace(
            "      - title: Email Verified\n        description: The address was confirmed.\n",
            "",
        ),
    );
    let out = Out::of(bin().args(["diff", &base, &new]).output().unwrap()).ok();
    assert!(
        out.stdout
            .contains("event \"Email Verified\"\n        # no longer managed; --prune deletes it"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("usage"), "{}", out.stdout);
    assert!(out.stdout.contains("0 to delete"), "{}", out.stdout);
    assert!(out.stdout.contains(" 0 writes"), "{}", out.stdout);
    let json = Out::of(
        bin()
            .args(["diff", &base, &new, "--format", "json"])
            .output()
            .unwrap(),
    )
    .ok()
    .json();
    assert_eq!(json["summary"]["delete"], 0, "{json}");
    assert_eq!(json["summary"]["writes"], 0, "{json}");
    assert!(json["changes"][0].get("usage").is_none(), "{json}");
    // With --prune the removal is the delete `plan --prune` would make.
    let out = Out::of(
        bin()
            .args(["diff", &base, &new, "--prune"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stdout.contains("1 to delete"), "{}", out.stdout);
    assert!(
        out.stdout.contains("deleted with --prune"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("usage"), "{}", out.stdout);
    // A --target naming nothing in either set is an error here too.
    let out = Out::of(
        bin()
            .args(["diff", &base, &new, "--target", "Sigup"])
            .output()
            .unwrap(),
    )
    .code(1);
    assert!(
        out.stderr.contains("did you mean `Signup`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn diff_base_ref_without_paths_uses_the_config_files_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::write(repo.join("secoda-sync.toml"), "manifests = [\"m\"]\n").unwrap();
    std::fs::create_dir(repo.join("m")).unwrap();
    let m = write(&repo.join("m"), "signup.yaml", SIGNUP);
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    std::fs::write(
        &m,
        SIGNUP.replace("A new account exists.", "An account exists."),
    )
    .unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    let out = Out::of(
        bin()
            .current_dir(repo)
            .env("PATH", path)
            .args(["diff", "--base-ref", "HEAD"])
            .output()
            .unwrap(),
    )
    .ok();
    assert!(out.stdout.contains("An account exists."), "{}", out.stdout);
    assert!(out.stdout.contains("1 to update"), "{}", out.stdout);
}

#[test]
fn the_markdown_review_pairs_one_line_updates_and_lists_no_null_fields() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "signup.yaml", SIGNUP);
    sb.run(&["apply", &m, "--auto-approve"]).ok();
    std::fs::write(
        &m,
        SIGNUP.replace("A new account exists.", "An account exists."),
    )
    .unwrap();
    let md = sb.run(&["plan", &m, "--format", "markdown"]).ok().stdout;
    assert!(
        md.contains(
            "\n-         description: \"A new account exists.\"\n+         description: \"An \
             account exists.\"\n"
        ),
        "{md}"
    );
    assert!(!md.contains(" -> "), "{md}");
    assert!(!md.contains("No newline at end of file"), "{md}");
    // The text plan keeps its one line.
    let text = sb.run(&["plan", &m]).ok().stdout;
    assert!(
        text.contains("description: \"A new account exists.\" -> \"An account exists.\""),
        "{text}"
    );

    // The example's monitors with manual thresholds send no auto sensitivity: not listed.
    let md = sb
        .run(&["plan", &crate::util::ex(), "--format", "markdown"])
        .ok()
        .stdout;
    assert!(md.contains("condition_auto_sensitivity"), "{md}");
    assert!(!md.lines().any(|l| l.trim_end().ends_with(" null")), "{md}");
}

#[test]
fn export_writes_monitor_schedules_so_an_adopted_workspace_manages_them() {
    let sb = Sandbox::new();
    sb.run(&["apply", &crate::util::ex(), "--auto-approve"])
        .ok();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.yaml");
    let file = file.display().to_string();
    sb.run(&[
        "export",
        "--integration",
        "Segment",
        "--include-monitors",
        "--out",
        &file,
    ])
    .ok();
    let text = std::fs::read_to_string(&file).unwrap();
    // The example's `Negative order amounts` runs weekly; the workspace says 168 hours.
    assert!(text.contains("cadence: weekly"), "{text}");
    assert!(text.contains("cadence: hourly"), "{text}");
    let out = sb.run(&["plan", &file, "--detailed-exitcode"]).ok();
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);

    // A schedule changed in Secoda is drift the exported manifests see.
    let monitors = sb.list("/api/v1/monitor/monitors");
    let weekly = monitors
        .iter()
        .find(|m| m["frequency"].as_f64() == Some(168.0))
        .expect("a weekly monitor");
    let id = weekly["id"].as_str().unwrap();
    sb.http(
        "PATCH",
        &format!("/api/v1/monitor/monitors/{id}"),
        Some(serde_json::json!({"schedule": {"cadence": "daily", "frequency": 1}})),
    );
    let out = sb.run(&["plan", &file, "--detailed-exitcode"]).code(2);
    assert!(out.stdout.contains("schedule"), "{}", out.stdout);
    assert!(out.stdout.contains("1 to update"), "{}", out.stdout);
}
