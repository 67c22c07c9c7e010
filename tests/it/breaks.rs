//! Breaks a new user hit where two features meet: scope filters that match nothing, case
//! twins of live resources, shell completion, exported monitor schedules, offline `diff`
//! counts, the sandbox's read pacing, the markdown review and warehouse integrations.

use crate::util::{bin, Out};
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
