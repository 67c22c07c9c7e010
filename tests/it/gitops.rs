//! Working from git without a workspace: `diff` between two manifest sets (directories, or a
//! git ref against the work tree), through the binary, on a copy of the examples.

use crate::util::{bin, Out};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ecommerce")
}

/// A copy of examples/ecommerce in `dir/name`.
fn copy_examples(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for f in std::fs::read_dir(examples()).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
    }
    to
}

fn edit(file: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(file).unwrap();
    assert!(s.contains(from), "{from:?} not in {}", file.display());
    std::fs::write(file, s.replacen(from, to, 1)).unwrap();
}

/// One changed description, one removed property, one new event and one removed monitor.
fn edited_copy(dir: &Path) -> PathBuf {
    let new = copy_examples(dir, "new");
    let checkout = new.join("checkout.yaml");
    edit(
        &checkout,
        "description: A shopper started checkout",
        "description: A shopper began checkout",
    );
    edit(
        &checkout,
        "          - title: coupon\n            description: Coupon code the shopper entered\n            type: string\n            is_required: false\n",
        "",
    );
    edit(
        &checkout,
        "    events:\n",
        "    events:\n      - title: Checkout Abandoned\n        description: A shopper left checkout\n",
    );
    edit(
        &new.join("monitors.yaml"),
        "  - name: Page views fresh\n    target: analytics.public.page_views\n    metric_type: freshness\n    condition_auto_sensitivity: 7\n    schedule: {cadence: hourly, frequency: 1}\n",
        "",
    );
    new
}

fn run_in(dir: &Path, args: &[&str]) -> Out {
    let path = std::env::var("PATH").unwrap_or_default();
    Out::of(
        bin()
            .current_dir(dir)
            .env("PATH", path)
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn diff_of_a_set_with_itself_is_no_changes_offline() {
    let ex = examples();
    let ex = ex.to_str().unwrap();
    let out = Out::of(
        bin()
            .args(["diff", ex, ex, "--detailed-exitcode"])
            .output()
            .unwrap(),
    )
    .code(0);
    // Offline, there is no workspace to match: the line names the two sets.
    assert_eq!(
        out.stdout.trim_end(),
        "No changes. The two manifest sets agree.",
        "{}",
        out.stdout
    );
}

#[test]
fn diff_shows_creates_changes_and_removals_marked_no_longer_managed() {
    let dir = tempfile::tempdir().unwrap();
    let new = edited_copy(dir.path());
    let ex = examples();
    let out = Out::of(
        bin()
            .args(["diff", ex.to_str().unwrap(), new.to_str().unwrap()])
            .args(["--detailed-exitcode"])
            .output()
            .unwrap(),
    )
    .code(2);
    let text = &out.stdout;
    assert!(text.contains("+ event \"Checkout Abandoned\""), "{text}");
    assert!(
        text.contains(r#""A shopper started checkout" -> "A shopper began checkout""#),
        "{text}"
    );
    // Without --prune a removal is shown, not planned as a delete.
    assert!(text.contains("! property \"coupon\""), "{text}");
    assert!(
        text.contains("no longer managed; --prune deletes it"),
        "{text}"
    );
    assert!(text.contains("Page views fresh"), "{text}");
    // Counted as what they are, not as changes the API cannot make.
    let summary = text.lines().find(|l| l.starts_with("Plan: ")).unwrap();
    assert!(summary.contains(" 0 unsupported, "), "{summary}");
    assert!(summary.contains(", 2 no longer managed. "), "{summary}");

    let json = Out::of(
        bin()
            .args(["diff", ex.to_str().unwrap(), new.to_str().unwrap()])
            .args(["--format", "json"])
            .output()
            .unwrap(),
    )
    .code(0);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let changes = doc["changes"].as_array().unwrap();
    let monitor = changes
        .iter()
        .find(|c| c["kind"] == "monitor")
        .expect("the removed monitor");
    assert!(
        monitor["note"]
            .as_str()
            .unwrap()
            .starts_with("no longer managed"),
        "{monitor}"
    );
    assert_eq!(monitor["action"], "unmanaged", "{monitor}");
    assert_eq!(doc["summary"]["unsupported"], 0, "{doc}");
    let unmanaged = changes
        .iter()
        .filter(|c| c["action"] == "unmanaged")
        .count();
    assert_eq!(doc["summary"]["unmanaged"], unmanaged, "{doc}");
    let md = Out::of(
        bin()
            .args(["diff", ex.to_str().unwrap(), new.to_str().unwrap()])
            .args(["--format", "markdown"])
            .output()
            .unwrap(),
    )
    .code(0);
    assert!(md.stdout.contains("Checkout Abandoned"), "{}", md.stdout);
    assert!(
        md.stdout.contains("| ⚠️ Unsupported | 0 |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("| 💤 No longer managed |"),
        "{}",
        md.stdout
    );
    assert!(
        !md.stdout.contains("cannot be made through Secoda's API"),
        "{}",
        md.stdout
    );
}

#[test]
fn diff_base_ref_reads_the_base_from_git_without_touching_the_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(repo)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", repo)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"]);
    let manifests = copy_examples(repo, "manifests");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    edit(
        &manifests.join("checkout.yaml"),
        "description: A shopper started checkout",
        "description: A shopper began checkout",
    );
    let out = run_in(
        repo,
        &[
            "diff",
            "--base-ref",
            "HEAD",
            "manifests",
            "--detailed-exitcode",
        ],
    )
    .code(2);
    assert!(
        out.stdout.contains("A shopper began checkout"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("1 to update"), "{}", out.stdout);
    // From a subdirectory, with the path relative to it.
    let out = run_in(
        &manifests,
        &["diff", "--base-ref", "HEAD", ".", "--format", "json"],
    )
    .code(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["update"], 1, "{}", out.stdout);
    // A ref that does not exist is an error that names it.
    let out = run_in(repo, &["diff", "--base-ref", "nope", "manifests"]).code(1);
    assert!(out.stderr.contains("nope"), "{}", out.stderr);
}

#[test]
fn diff_needs_two_paths_without_a_base_ref() {
    let ex = examples();
    let out = Out::of(bin().args(["diff", ex.to_str().unwrap()]).output().unwrap()).code(1);
    assert!(out.stderr.contains("BASE and NEW"), "{}", out.stderr);
}

#[test]
fn exclude_leaves_a_subtree_out_of_diff() {
    let dir = tempfile::tempdir().unwrap();
    let new = edited_copy(dir.path());
    let ex = examples();
    let out = Out::of(
        bin()
            .args(["diff", ex.to_str().unwrap(), new.to_str().unwrap()])
            .args(["--exclude", "Checkout/Checkout Started", "--format", "json"])
            .output()
            .unwrap(),
    )
    .code(0);
    assert!(!out.stdout.contains("Checkout Started"), "{}", out.stdout);
    assert!(out.stdout.contains("Checkout Abandoned"), "{}", out.stdout);
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Out::of(bin().args(["completions", shell]).output().unwrap()).code(0);
        assert!(
            out.stdout.contains("secoda-sync"),
            "{shell}: {}",
            out.stdout
        );
        assert!(out.stdout.contains("diff"), "{shell}");
    }
    let out = Out::of(bin().arg("man").output().unwrap()).code(0);
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
}

#[test]
fn pre_commit_hook_runs_validate() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let hooks: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["entry"].as_str(), Some("secoda-sync validate"));
    let mut argv = vec!["secoda-sync".to_owned(), "validate".to_owned()];
    argv.extend(
        hook["args"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned()),
    );
    use clap::Parser as _;
    secoda_sync::testing::cli::Cli::try_parse_from(argv).unwrap();
}

#[test]
fn plan_since_ref_marks_what_the_manifests_did_not_change_as_drift() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(repo)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", repo)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"]);
    let manifests = copy_examples(repo, "manifests");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "applied"]);
    edit(
        &manifests.join("checkout.yaml"),
        "    events:\n",
        "    events:\n      - title: Checkout Abandoned\n        description: A shopper left checkout\n",
    );
    // An empty sandbox: everything the commit held is missing from Secoda (drift), the event
    // added since is a manifest change.
    let out = run_in(
        repo,
        &[
            "plan",
            "--sandbox",
            "manifests",
            "--since-ref",
            "HEAD",
            "--format",
            "json",
        ],
    )
    .code(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let changes = doc["changes"].as_array().unwrap();
    let note = |key: &str| {
        changes
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {}", out.stdout))["note"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(!note("Checkout/Checkout Abandoned").contains("drift"));
    assert!(note("Checkout/Checkout Started").starts_with("drift:"));
    assert!(
        out.stderr.contains("are drift since HEAD"),
        "{}",
        out.stderr
    );
}
