//! The project config file through the binary: found at the repository root, flags beat the
//! environment, the environment beats the file, unknown keys are errors with a suggestion.

use crate::util::{bin, Out};
use std::path::{Path, PathBuf};

/// A repository with `secoda-sync.toml` holding `toml`, the examples under `m/`, and a
/// subdirectory to run from.
fn repo(toml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("secoda-sync.toml"), toml).unwrap();
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ecommerce");
    for f in std::fs::read_dir(ex).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), m.join(f.file_name())).unwrap();
    }
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    (dir, sub)
}

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut c = bin();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    Out::of(c.output().unwrap())
}

const TOML: &str = "write_rate = \"12/min\"\nmanifests = [\"m\"]\nlock_timeout = \"5m\"\n";

#[test]
fn config_file_flags_beat_env_and_env_beats_file() {
    let (dir, sub) = repo(TOML);
    let state = dir.path().join("state.json");
    let state = state.to_str().unwrap();
    let plan = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["plan", "--sandbox", "--sandbox-state", state];
        args.extend_from_slice(extra);
        run(&sub, env, &args).code(0).stdout
    };
    // The file supplies the manifest paths and the write rate.
    let out = plan(&[], &[]);
    assert!(out.contains("185 to create"), "{out}");
    assert!(out.contains("at 12/min"), "{out}");
    let out = plan(&[("SECODA_WRITE_RATE", "20/min")], &[]);
    assert!(out.contains("at 20/min"), "{out}");
    let out = plan(
        &[("SECODA_WRITE_RATE", "20/min")],
        &["--write-rate", "40/min"],
    );
    assert!(out.contains("at 40/min"), "{out}");

    let out = run(&sub, &[("SECODA_WRITE_RATE", "20/min")], &["config"]).code(0);
    let line = |k: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(k))
            .unwrap_or_else(|| panic!("{k} in {}", out.stdout))
            .to_owned()
    };
    assert!(
        line("write_rate").contains("(env SECODA_WRITE_RATE)"),
        "{}",
        out.stdout
    );
    assert!(
        line("lock_timeout").contains("5m  (file "),
        "{}",
        out.stdout
    );
    assert!(line("read_rate").contains("(default)"), "{}", out.stdout);
}

#[test]
fn config_never_prints_the_token() {
    let (_dir, sub) = repo(TOML);
    let out = run(&sub, &[("SECODA_API_TOKEN", "sk-very-secret")], &["config"]).code(0);
    assert!(!out.stdout.contains("sk-very-secret"), "{}", out.stdout);
    assert!(out.stdout.contains("token"), "{}", out.stdout);
}

#[test]
fn config_unknown_key_is_an_error_with_did_you_mean() {
    let (_dir, sub) = repo("max_delete = 3\n");
    let out = run(&sub, &[], &["config"]).code(1);
    assert!(
        out.stderr.contains("did you mean `max_deletes`"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_flag_and_env_name_the_file() {
    let (dir, sub) = repo("max_delete = 3\n");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "concurrency = 3\n").unwrap();
    let good = good.to_str().unwrap();
    let out = run(&sub, &[], &["config", "--config", good]).code(0);
    assert!(out.stdout.contains(good), "{}", out.stdout);
    let out = run(&sub, &[("SECODA_SYNC_CONFIG", good)], &["config"]).code(0);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("concurrency") && l.contains("3  (file")),
        "{}",
        out.stdout
    );
}
