//! An apply's summary tells the truth: an interrupted run ends with the interrupted summary,
//! adopted resources are counted as adopted, and the text summary and `apply --json` agree on
//! every way a run can end.

use crate::util::{ex, Out, Sandbox};
use secoda_sync::sandbox::{Adversity, SandboxConfig};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn last_line(s: &str) -> &str {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

/// The counts of the text summary's last line (`Apply complete: 3 created, 1 failed.`), by the
/// names `apply --json` gives them.
fn text_counts(stdout: &str) -> BTreeMap<String, u64> {
    let line = stdout
        .lines()
        .rfind(|l| l.starts_with("Apply "))
        .unwrap_or_default();
    let (_, counts) = line
        .split_once(": ")
        .unwrap_or_else(|| panic!("no summary line in:\n{stdout}"));
    counts
        .trim_end_matches('.')
        .split(", ")
        .map(|part| {
            let (n, what) = part.split_once(' ').unwrap();
            let name = match what {
                "held back" => "held",
                "not done" => "not_done",
                other => other,
            };
            (name.to_owned(), n.parse().unwrap())
        })
        .collect()
}

/// The non-zero counts of `apply --json`'s summary (the text line leaves zeros out, except
/// created, updated, deleted and failed, which it always shows).
fn json_counts(doc: &Value) -> BTreeMap<String, u64> {
    doc["summary"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .filter(|(k, n)| {
            *n > 0 || ["created", "updated", "deleted", "failed"].contains(&k.as_str())
        })
        .collect()
}

fn small(dir: &std::path::Path) -> String {
    let path = dir.join("plan.yaml");
    std::fs::write(
        &path,
        "version: 1
integration: Segment
categories:
  - title: Signup
    events:
      - title: Account Created
        properties:
          - title: plan
            type: string
            description: Chosen plan.
          - title: referrer
            type: string
      - title: Email Verified
        properties:
          - title: method
",
    )
    .unwrap();
    path.display().to_string()
}

/// One way a run can end: a fresh sandbox, what to do before the apply, the apply's arguments.
struct Case {
    name: &'static str,
    config: fn() -> SandboxConfig,
    before: fn(&Sandbox, &str, &str),
    args: fn(&str, &str) -> Vec<String>,
    code: i32,
}

fn plain() -> SandboxConfig {
    SandboxConfig::default()
}

fn nothing(_: &Sandbox, _: &str, _: &str) {}

fn apply(m: &str, _: &str) -> Vec<String> {
    ["apply", m, "--auto-approve"].map(String::from).to_vec()
}

fn saved(_: &str, plan: &str) -> Vec<String> {
    ["apply", "--plan", plan, "--auto-approve"]
        .map(String::from)
        .to_vec()
}

/// Runs `case` twice on identical sandboxes, as text and as `--json`; returns both outputs.
fn both(case: &Case) -> (Out, Out) {
    let run = |json: bool| {
        let sb = Sandbox::start((case.config)());
        let dir = tempfile::tempdir().unwrap();
        let m = small(dir.path());
        let plan = dir.path().join("plan.json").display().to_string();
        (case.before)(&sb, &m, &plan);
        let mut args = (case.args)(&m, &plan);
        if json {
            args.push("--json".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c: Command = sb.cmd(&args);
        c.args(["--concurrency", "1"])
            .env("SECODA_LEASE_TTL", "3s")
            .env("SECODA_LEASE_RENEW_EVERY", "1s");
        let out = Out::of(c.output().unwrap());
        assert_eq!(
            out.code, case.code,
            "{}: stdout:\n{}\nstderr:\n{}",
            case.name, out.stdout, out.stderr
        );
        out
    };
    (run(false), run(true))
}

#[test]
fn text_and_json_summaries_agree_on_every_way_an_apply_ends() {
    let cases = [
        Case {
            name: "complete",
            config: plain,
            before: nothing,
            args: apply,
            code: 0,
        },
        Case {
            name: "adopted",
            config: plain,
            before: |sb, m, plan| {
                sb.run(&["plan", m, "--out", plan]).ok();
                sb.run(&["apply", m, "--auto-approve"]).ok();
            },
            args: saved,
            code: 0,
        },
        Case {
            name: "failed and held",
            config: || SandboxConfig {
                reject_fields: vec!["type".into()],
                ..SandboxConfig::default()
            },
            before: nothing,
            args: apply,
            code: 1,
        },
        Case {
            name: "lease lost",
            config: || SandboxConfig {
                adversity: Adversity {
                    ui_delete_category: Some("secoda-sync".into()),
                    // The lease's category and event, then three changes.
                    ui_delete_after_writes: 5,
                    ..Adversity::default()
                },
                ..SandboxConfig::default()
            },
            before: nothing,
            args: apply,
            code: 1,
        },
    ];
    for case in &cases {
        let (text, json) = both(case);
        let doc = json.json();
        assert_eq!(
            text_counts(&text.stdout),
            json_counts(&doc),
            "{}:\n{}\n{}",
            case.name,
            text.stdout,
            json.stdout
        );
        let ended = text
            .stdout
            .lines()
            .rfind(|l| l.starts_with("Apply "))
            .unwrap_or_default();
        match case.name {
            "adopted" => {
                assert_eq!(doc["summary"]["adopted"], 6, "{}", json.stdout);
                assert_eq!(doc["summary"]["created"], 0, "{}", json.stdout);
                assert!(
                    ended.starts_with("Apply complete: 0 created, 6 adopted"),
                    "{ended}"
                );
            }
            "lease lost" => {
                assert!(doc["lease_lost"].is_string(), "{}", json.stdout);
                assert_eq!(doc["complete"], false);
                assert!(ended.starts_with("Apply stopped (lease lost):"), "{ended}");
            }
            "failed and held" => {
                assert!(
                    doc["summary"]["failed"].as_u64() > Some(0),
                    "{}",
                    json.stdout
                );
                assert!(doc["summary"]["held"].as_u64() > Some(0), "{}", json.stdout);
            }
            _ => assert!(ended.starts_with("Apply complete:"), "{ended}"),
        }
    }
}

#[cfg(unix)]
#[test]
fn after_ctrl_c_the_output_ends_with_the_interrupted_summary_in_text_and_json() {
    for json in [false, true] {
        let sb = Sandbox::new();
        let mut args = vec!["apply", "--auto-approve", "--write-rate", "20/s"];
        let ex = ex();
        args.insert(1, &ex);
        if json {
            args.push("--json");
        }
        let child = sb
            .cmd(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while sb.writes().len() < 10 {
            assert!(start.elapsed() < Duration::from_secs(60), "never wrote");
            std::thread::sleep(Duration::from_millis(20));
        }
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let out = Out::of(child.wait_with_output().unwrap()).code(130);
        if json {
            let doc = out.json();
            assert_eq!(doc["interrupted"], true);
            assert_eq!(doc["complete"], false);
            assert!(
                doc["summary"]["not_done"].as_u64() > Some(0),
                "{}",
                out.stdout
            );
        } else {
            assert!(!out.stdout.contains("Apply complete"), "{}", out.stdout);
            let ended = last_line(&out.stdout);
            assert!(ended.starts_with("Apply interrupted: "), "{}", out.stdout);
            let counts = text_counts(&out.stdout);
            assert!(counts.get("not_done") > Some(&0), "{}", out.stdout);
        }
    }
}
