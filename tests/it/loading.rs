//! Loading manifests through the binary: what a directory read takes in (links leading out of
//! the project refused, subdirectories named), stdin told by its content, and diagnostics
//! quoting no more than their line, sorted and folded.

use crate::util::{bin, Out};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

const YAML: &str = "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    \
                    events:\n      - title: Order Completed\n";

fn run_in(dir: &Path, args: &[&str]) -> Out {
    Out::of(bin().current_dir(dir).args(args).output().unwrap())
}

fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Out {
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Out::of(child.wait_with_output().unwrap())
}

#[cfg(unix)]
#[test]
fn a_link_leading_out_of_the_project_is_refused_unless_named() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("env.yaml");
    std::fs::write(&secret, "HIDDEN_TOKEN=hunter2hunter2\0OTHER=1\n").unwrap();
    let project = tempfile::tempdir().unwrap();
    let plans = project.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    std::fs::write(plans.join("a.yaml"), YAML).unwrap();
    std::os::unix::fs::symlink(&secret, plans.join("env.yaml")).unwrap();
    // A link that stays inside the project is read as before.
    std::fs::write(
        project.path().join("shared.yaml"),
        YAML.replace("Checkout", "Cart"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        project.path().join("shared.yaml"),
        plans.join("shared.yaml"),
    )
    .unwrap();

    let out = run_in(project.path(), &["validate", "plans"]).code(1);
    assert!(
        out.stderr.contains(
            "error[io]: `plans/env.yaml` is a symbolic link leading out of the project (to `"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    assert!(!out.stdout.contains("hunter2"), "{}", out.stdout);
    assert!(
        out.stdout.contains("2 categories, 2 events"),
        "{}",
        out.stdout
    );

    // Named on the command line, it is read (and its error quotes no other record).
    let link = plans.join("env.yaml").display().to_string();
    let out = run_in(project.path(), &["validate", &link, "--color", "always"]).code(1);
    assert!(!out.stderr.contains("OTHER=1"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("symbolic link leading out"),
        "{}",
        out.stderr
    );
}

#[test]
fn subdirectories_holding_manifests_are_named_in_a_warning() {
    let project = tempfile::tempdir().unwrap();
    let plans = project.path().join("plans");
    std::fs::create_dir_all(plans.join("web")).unwrap();
    std::fs::create_dir_all(plans.join("notes")).unwrap();
    std::fs::create_dir_all(plans.join(".git")).unwrap();
    std::fs::write(plans.join("a.yaml"), YAML).unwrap();
    std::fs::write(plans.join("web/web.yaml"), YAML.replace("Checkout", "Web")).unwrap();
    std::fs::write(plans.join("notes/readme.md"), "notes").unwrap();
    std::fs::write(plans.join(".git/x.yaml"), YAML).unwrap();
    let out = run_in(project.path(), &["validate", "plans"]).ok();
    assert!(
        out.stderr.contains(
            "warning[subdirectory-not-read]: `plans` has subdirectories holding manifests \
             that are not read: `plans/web`\n"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("ok: "), "{}", out.stdout);
    // Named too, it is read and not warned about.
    let out = run_in(project.path(), &["validate", "plans", "plans/web"]).ok();
    assert!(
        !out.stderr.contains("subdirectory-not-read"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_stdin_tells_yaml_jsonl_and_csv_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"kind\": \"category\", \"title\": \"Checkout\", \"integration\": \"Segment\"}\n\
                 {\"kind\": \"event\", \"category\": \"Checkout\", \"title\": \"Order Completed\"}\n";
    let csv = "integration,category,event,property\nSegment,Checkout,Order Completed,\n";
    for (what, text) in [("yaml", YAML), ("jsonl", jsonl), ("csv", csv)] {
        let out = run_with_stdin(dir.path(), &["validate", "-"], text);
        assert_eq!(out.code, 0, "{what}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("1 category, 1 event"),
            "{what}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}
