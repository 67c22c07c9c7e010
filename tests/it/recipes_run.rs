//! The GitOps journey, played from the CI recipes themselves: every `secoda-sync` line of a
//! job in `examples/ci/*.yml` (read at test time, not copied) runs, as the recipe writes it,
//! in a git repository holding the example manifests and a `secoda-sync.toml` like the
//! book's, against `secoda-sync sandbox serve` on a free port.
//!
//! A pull request changes one description: its job checks the workspace (`doctor`),
//! validates, plans to markdown with a saved plan (exit 2: changes pending); the fork path
//! compares with the base branch offline (`diff --base-ref`); the merge applies exactly the
//! saved plan; the next plan is clean (exit 0); a change made in Secoda through the API shows
//! in the drift job (exit 2).

use crate::recipes::{commands, scripts};
use crate::util::{bin, examples, Out};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "recipe-token";

/// `secoda-sync sandbox serve` on a free port, killed on drop.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start(state: &Path) -> Self {
        let mut child = bin()
            .args([
                "sandbox",
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--token",
                TOKEN,
            ])
            .arg("--state")
            .arg(state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut url = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(u) = line.strip_prefix("export SECODA_API_URL=") {
                url = Some(u.to_owned());
                break;
            }
        }
        let url = url.unwrap_or_else(|| {
            let _ = child.kill();
            panic!("`sandbox serve` printed no SECODA_API_URL line")
        });
        Self { child, url }
    }

    /// One call straight to the sandbox (a change made in Secoda, not by the tool).
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let url = format!("{}{path}", self.url);
        let verb: reqwest::Method = method.parse().unwrap();
        rt.block_on(async move {
            let mut req = reqwest::Client::new().request(verb, url).bearer_auth(TOKEN);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await.unwrap();
            assert!(
                resp.status().is_success(),
                "{method} {path}: {}",
                resp.status()
            );
            resp.json().await.unwrap_or(Value::Null)
        })
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?} failed");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The `secoda-sync.toml` with environments the book shows (`docs/src/reference/config.md`,
/// `staging` and `production`), less its hosts and token variables: the runner's
/// `SECODA_API_URL` and `SECODA_API_TOKEN` stand for both workspaces.
fn book_config(drop: &[&str]) -> String {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/reference/config.md"),
    )
    .unwrap();
    let start = page
        .match_indices("```toml\n")
        .map(|(at, _)| at + 8)
        .find(|&at| page[at..].split("```").next().unwrap().contains("[env."))
        .expect("a toml block with environments in config.md");
    let end = start + page[start..].find("```").unwrap();
    page[start..end]
        .lines()
        .filter(|l| {
            !["region", "api_url", "token_env"]
                .iter()
                .chain(drop)
                .any(|k| l.starts_with(k))
        })
        .map(|l| {
            if l.starts_with("manifests") {
                "manifests = [\"examples/ecommerce/\"]".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A repository whose `main` holds the example manifests and whose work tree (the pull
/// request) changes one event's description.
fn repository(dir: &Path, config: &str) -> PathBuf {
    let repo = dir.join("repo");
    let manifests = repo.join("examples/ecommerce");
    copy_dir(&examples(), &manifests);
    std::fs::write(repo.join("secoda-sync.toml"), config).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "main"]);
    git(&repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    git(&repo, &["fetch", "-q", ".", "main"]);
    git(&repo, &["checkout", "-q", "-b", "pr"]);
    let account = manifests.join("account.yaml");
    let text = std::fs::read_to_string(&account).unwrap();
    let changed = text.replacen(
        "A visitor created an account",
        "A visitor signed up and got an account",
        1,
    );
    assert_ne!(
        text, changed,
        "account.yaml no longer holds the description the test edits"
    );
    std::fs::write(&account, changed).unwrap();
    git(&repo, &["commit", "-q", "-am", "pull request"]);
    repo
}

/// The `secoda-sync` command lines of each job of a recipe, in order, with the variables the
/// recipe defines and those a CI runner would (`vars`).
fn job_lines(file: &str, vars: &[(&str, &str)]) -> HashMap<String, Vec<Vec<String>>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/ci")
        .join(file);
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (_, top) = scripts(&doc);
    let jobs = doc.get("jobs").unwrap_or(&doc);
    let mut out = HashMap::new();
    for (name, job) in jobs.as_mapping().unwrap() {
        let Some(name) = name.as_str() else { continue };
        if !job.is_mapping() || job.get("script").or(job.get("steps")).is_none() {
            continue;
        }
        let (scripts, mut own) = scripts(job);
        for (k, v) in &top {
            own.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in vars {
            own.insert((*k).to_owned(), (*v).to_owned());
        }
        let lines: Vec<Vec<String>> = scripts.iter().flat_map(|s| commands(s, &own)).collect();
        out.insert(name.to_owned(), lines);
    }
    out
}

/// Runs one recipe line in the repository, with the runner's environment (`token`: whether
/// the job has the secret, which a fork's pull request does not).
fn run(served: &Served, repo: &Path, argv: &[String], token: bool) -> Out {
    let mut c = bin();
    c.current_dir(repo)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SECODA_API_URL", &served.url)
        // Secoda's pace is 30 writes a minute; the sandbox needs none.
        .env("SECODA_WRITE_RATE", "1000/s")
        .args(&argv[1..]);
    if token {
        c.env("SECODA_API_TOKEN", TOKEN);
    }
    Out::of(c.output().unwrap())
}

fn find<'a>(lines: &'a [Vec<String>], verb: &str, with: &[&str]) -> &'a [String] {
    lines
        .iter()
        .find(|a| a[1] == verb && with.iter().all(|w| a.iter().any(|x| x == w)))
        .unwrap_or_else(|| panic!("no `{verb} {with:?}` line in {lines:?}"))
}

/// Plays a recipe: `pr`, `merge` and `drift` name its jobs, `vars` sets what the CI runner
/// would (the base branch), `config` is the repository's `secoda-sync.toml`.
fn play(file: &str, [pr, merge, drift]: [&str; 3], vars: &[(&str, &str)], config: &str) {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(&dir.path().join("sandbox.json"));
    let repo = repository(dir.path(), config);
    let jobs = job_lines(file, vars);
    let at = |job: &str| {
        jobs.get(job)
            .unwrap_or_else(|| panic!("{file}: no job `{job}` in {:?}", jobs.keys()))
    };

    // The workspace as main left it: the manifests before the pull request, applied.
    git(&repo, &["checkout", "-q", "main"]);
    let first = ["secoda-sync", "apply", "--auto-approve"].map(str::to_owned);
    run(&served, &repo, &first, true).ok();
    git(&repo, &["checkout", "-q", "pr"]);

    // The pull request's job.
    let pr_lines = at(pr);
    let doctor = find(pr_lines, "doctor", &[]);
    run(&served, &repo, doctor, true).ok();
    run(&served, &repo, find(pr_lines, "validate", &[]), true).ok();
    let plan = run(&served, &repo, find(pr_lines, "plan", &["--out"]), true).code(2);
    assert!(
        plan.stdout.contains("secoda-sync plan")
            && plan
                .stdout
                .contains("A visitor signed up and got an account"),
        "{file}: the markdown plan does not show the change:\n{}",
        plan.stdout
    );
    assert!(repo.join("plan.json").exists(), "{file}: no saved plan");

    // The same job for a fork's pull request: no secret, the base branch offline.
    let diff = run(
        &served,
        &repo,
        find(pr_lines, "diff", &["--base-ref"]),
        false,
    )
    .code(2);
    assert!(
        diff.stdout
            .contains("A visitor signed up and got an account"),
        "{file}: the fork's diff does not show the change:\n{}",
        diff.stdout
    );

    // The merge applies exactly the reviewed plan.
    let merge_lines = at(merge);
    run(&served, &repo, find(merge_lines, "doctor", &[]), true).ok();
    let applied = run(
        &served,
        &repo,
        find(merge_lines, "apply", &["--plan"]),
        true,
    )
    .ok();
    assert!(
        applied.stderr.contains("1 updated") || applied.stdout.contains("1 updated"),
        "{file}: the apply did not make the one update:\n{}\n{}",
        applied.stdout,
        applied.stderr
    );

    // The drift job: clean after the merge, then a change made in Secoda shows.
    let drift_line = find(at(drift), "plan", &["--detailed-exitcode"]);
    run(&served, &repo, drift_line, true).code(0);
    let found = served.call("GET", "/api/v1/event/events?title=Signed%20Up", None);
    let id = found["results"][0]["id"]
        .as_str()
        .expect("the event Signed Up")
        .to_owned();
    served.call(
        "PATCH",
        &format!("/api/v1/event/events/{id}"),
        Some(json!({"description": "Edited in the UI"})),
    );
    let drifted = run(&served, &repo, drift_line, true).code(2);
    assert!(
        drifted.stdout.contains("Edited in the UI"),
        "{file}: the drift report does not show the UI edit:\n{}",
        drifted.stdout
    );
}

#[test]
fn the_github_actions_recipe_runs_against_sandbox_serve() {
    play(
        "github-actions.yml",
        ["plan", "apply", "drift"],
        &[
            ("github.base_ref", "main"),
            ("matrix.environment", "staging"),
        ],
        &book_config(&[]),
    );
}

#[test]
fn the_gitlab_ci_recipe_runs_against_sandbox_serve() {
    play(
        "gitlab-ci.yml",
        ["secoda-plan", "secoda-apply", "secoda-drift"],
        &[("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")],
        &book_config(&[]),
    );
}

#[test]
fn the_github_actions_contract_job_annotates_and_fails_on_breaking_changes() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path(), &book_config(&[]));
    let jobs = job_lines("github-actions.yml", &[("github.base_ref", "main")]);
    let lines = jobs.get("contract").expect("a `contract` job");
    let validate = find(lines, "validate", &["--format", "github"]);
    let diff = find(lines, "diff", &["--format", "github", "--fail-on"]);
    let offline = |argv: &[String]| {
        Out::of(
            bin()
                .current_dir(&repo)
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .args(&argv[1..])
                .output()
                .unwrap(),
        )
    };
    // The pull request changes a description: a revision passes the check.
    offline(validate).ok();
    let out = offline(diff).ok();
    assert!(
        out.stdout
            .starts_with("::notice title=secoda-sync::Plan: 0 to create, 1 to update"),
        "{}",
        out.stdout
    );
    // A property removed on top of it fails the check, annotated on its event's line.
    let account = repo.join("examples/ecommerce/account.yaml");
    let text = std::fs::read_to_string(&account).unwrap();
    let removed = "          - title: referrer\n            description: Referring code or URL\n            type: string\n            is_required: false\n";
    assert!(
        text.contains(removed),
        "account.yaml no longer holds `referrer`"
    );
    std::fs::write(&account, text.replacen(removed, "", 1)).unwrap();
    git(&repo, &["commit", "-q", "-am", "remove referrer"]);
    let out = offline(diff).code(1);
    assert!(
        out.stdout.starts_with(
            "::error file=examples/ecommerce/account.yaml,line=9,col=9,title=breaking change::\
             property \"Account/Signed Up/referrer\": property removed from the manifests\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("--fail-on breaking: 1 breaking change"),
        "{}",
        out.stderr
    );
}
