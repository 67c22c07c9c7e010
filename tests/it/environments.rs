//! Environments of the config file through the binary, with two sandboxes standing for a
//! staging and a production workspace: `--env` and `SECODA_SYNC_ENV` pick the workspace and
//! the variable holding its token, an unknown name lists the defined ones, a token written
//! in the file is refused, and a plan saved against one is refused by the other.

use crate::util::{bin, examples, Out, Sandbox};
use std::path::Path;

/// A repository whose `secoda-sync.toml` has a `staging` and a `production` environment, each
/// with its own host and token variable, and the example manifests under `m/`.
fn repository(staging: &Sandbox, production: &Sandbox) -> tempfile::TempDir {
    let toml = format!(
        "manifests = [\"m\"]\n\
         # The sandbox needs no pacing.\n\
         write_rate = \"1000/s\"\n\n\
         [env.staging]\n\
         api_url = \"{}\"\n\
         token_env = \"SECODA_STAGING_TOKEN\"\n\n\
         [env.production]\n\
         api_url = \"{}\"\n\
         token_env = \"SECODA_PROD_TOKEN\"\n",
        staging.sb().url(),
        production.sb().url()
    );
    repository_with(&toml)
}

/// A repository (a `.git` directory) holding `toml` as its `secoda-sync.toml` and the example
/// manifests under `m/`.
fn repository_with(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("secoda-sync.toml"), toml).unwrap();
    let m = dir.path().join("m");
    std::fs::create_dir(&m).unwrap();
    for f in std::fs::read_dir(examples()).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), m.join(f.file_name())).unwrap();
    }
    dir
}

/// The binary in `dir` with both tokens in their variables and `env` on top.
fn run(dir: &Path, tokens: [&str; 2], env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut c = bin();
    c.current_dir(dir)
        .env("SECODA_STAGING_TOKEN", tokens[0])
        .env("SECODA_PROD_TOKEN", tokens[1])
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    Out::of(c.output().unwrap())
}

#[test]
fn the_environment_picks_the_workspace_and_the_variable_holding_its_token() {
    let (staging, production) = (Sandbox::new(), Sandbox::new());
    let dir = repository(&staging, &production);
    let tokens = [staging.token(), production.token()];
    let tokens = [tokens[0].as_str(), tokens[1].as_str()];

    let out = run(dir.path(), tokens, &[], &["plan", "--env", "staging"]).ok();
    assert!(out.stdout.contains("185 to create"), "{}", out.stdout);
    assert!(staging.hits() > 0);
    assert_eq!(production.hits(), 0, "a staging plan read production");

    let out = run(
        dir.path(),
        tokens,
        &[("SECODA_SYNC_ENV", "production")],
        &["plan"],
    )
    .ok();
    assert!(out.stdout.contains("185 to create"), "{}", out.stdout);
    assert!(production.hits() > 0);

    // Each environment sends the token of its own variable: swapped, both are refused.
    let swapped = [tokens[1], tokens[0]];
    let out = run(dir.path(), swapped, &[], &["plan", "--env", "staging"]).code(1);
    assert!(out.stderr.contains("refused"), "{}", out.stderr);
    // The variable named for the environment, unset, is named in the error.
    let mut c = bin();
    c.current_dir(dir.path())
        .env("SECODA_API_TOKEN", tokens[0])
        .args(["plan", "--env", "staging"]);
    let out = Out::of(c.output().unwrap()).code(1);
    assert!(
        out.stderr
            .contains("`SECODA_STAGING_TOKEN`, which is not set"),
        "{}",
        out.stderr
    );
    for token in tokens {
        assert!(!out.stderr.contains(token) && !out.stdout.contains(token));
    }
}

#[test]
fn an_unknown_environment_is_an_error_listing_the_defined_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("secoda-sync.toml"),
        "[env.staging]\nconcurrency = 2\n[env.production]\nconcurrency = 4\n",
    )
    .unwrap();
    let out = run(dir.path(), ["", ""], &[], &["plan", "--env", "prod", "m"]).code(1);
    assert!(
        out.stderr
            .contains("defines no environment `prod` (from --env); defined: production, staging"),
        "{}",
        out.stderr
    );
    let out = run(
        dir.path(),
        ["", ""],
        &[("SECODA_SYNC_ENV", "prod")],
        &["validate", "m"],
    )
    .code(1);
    assert!(
        out.stderr.contains("(from SECODA_SYNC_ENV)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_token_written_in_the_config_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let token = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    for text in [
        format!("[env.production]\ntoken = \"{token}\"\n"),
        format!("token_env = \"{token}\"\n"),
    ] {
        std::fs::write(dir.path().join("secoda-sync.toml"), text).unwrap();
        let out = run(dir.path(), ["", ""], &[], &["config"]).code(1);
        assert!(
            out.stderr.contains("committed to git") && out.stderr.contains("token_env"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains(token), "{}", out.stderr);
    }
}

#[test]
fn a_plan_saved_for_one_environment_is_refused_by_another() {
    let (staging, production) = (Sandbox::new(), Sandbox::new());
    let dir = repository(&staging, &production);
    let tokens = [staging.token(), production.token()];
    let tokens = [tokens[0].as_str(), tokens[1].as_str()];
    run(
        dir.path(),
        tokens,
        &[],
        &["plan", "--env", "staging", "--out", "plan.json"],
    )
    .ok();
    let out = run(
        dir.path(),
        tokens,
        &[],
        &[
            "apply",
            "--plan",
            "plan.json",
            "--env",
            "production",
            "--auto-approve",
        ],
    )
    .code(1);
    for url in [staging.sb().url(), production.sb().url()] {
        let host = url.trim_end_matches('/');
        assert!(
            out.stderr.contains(host),
            "{host} not named in:\n{}",
            out.stderr
        );
    }
    assert!(
        out.stderr
            .contains("planned for environment `staging`, now `production`"),
        "{}",
        out.stderr
    );
    assert!(production.writes().is_empty(), "{:?}", production.writes());
    // Against its own environment, the plan applies.
    let out = run(
        dir.path(),
        tokens,
        &[],
        &[
            "apply",
            "--plan",
            "plan.json",
            "--env",
            "staging",
            "--auto-approve",
        ],
    )
    .ok();
    assert!(
        out.stdout.contains("185 created") || out.stderr.contains("185 created"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn config_names_the_environment_and_where_each_value_comes_from() {
    let (staging, production) = (Sandbox::new(), Sandbox::new());
    staging.expect_no_calls();
    production.expect_no_calls();
    let dir = repository(&staging, &production);
    let out = run(
        dir.path(),
        ["staging-secret-value", ""],
        &[],
        &["config", "--env", "staging"],
    )
    .ok();
    let line = |key: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line in\n{}", out.stdout))
            .to_owned()
    };
    assert!(
        out.stdout.contains("environment: staging (from --env)"),
        "{}",
        out.stdout
    );
    assert!(line("api_url").contains(staging.sb().url().trim_end_matches('/')));
    assert!(
        line("api_url").ends_with("[env.staging])"),
        "{}",
        line("api_url")
    );
    assert!(
        line("write_rate").ends_with("secoda-sync.toml)"),
        "{}",
        line("write_rate")
    );
    assert!(
        line("token ").contains("set (env SECODA_STAGING_TOKEN)"),
        "{}",
        line("token ")
    );
    assert!(!out.stdout.contains("staging-secret-value"));
}

/// Two environments sharing one workspace, kept apart by the config file's `integration`.
fn integrations_repository(sandbox: &Sandbox) -> tempfile::TempDir {
    let toml = format!(
        "manifests = [\"m\"]\napi_url = \"{}\"\nwrite_rate = \"1000/s\"\n\n\
         [env.web]\nintegration = \"Segment\"\n\n\
         [env.mobile]\nintegration = \"Amplitude\"\n",
        sandbox.sb().url()
    );
    repository_with(&toml)
}

#[test]
fn the_config_files_integration_picks_the_integration_and_a_plan_for_another_is_refused() {
    let sandbox = Sandbox::new();
    let dir = integrations_repository(&sandbox);
    let token = sandbox.token();
    let with_token = |args: &[&str]| {
        let mut c = bin();
        c.current_dir(dir.path())
            .env("SECODA_API_TOKEN", &token)
            .args(args);
        Out::of(c.output().unwrap())
    };
    // The manifests say Segment; the environment's `integration` stands over them.
    let out = with_token(&["plan", "--env", "mobile", "--format", "json"]).ok();
    assert!(out.stdout.contains("\"Amplitude\""), "{}", out.stdout);
    with_token(&["plan", "--env", "web", "--out", "web.json"]).ok();
    let saved = std::fs::read_to_string(dir.path().join("web.json")).unwrap();
    assert!(saved.contains("\"environment\": \"web\""), "{saved}");

    let out = with_token(&[
        "apply",
        "--plan",
        "web.json",
        "--env",
        "mobile",
        "--auto-approve",
    ])
    .code(1);
    for needle in [
        "planned for environment `web`, now `mobile`",
        "planned for integration `Segment`",
        "now `Amplitude`",
    ] {
        assert!(
            out.stderr.contains(needle),
            "{needle} not in:\n{}",
            out.stderr
        );
    }
    assert!(sandbox.writes().is_empty(), "{:?}", sandbox.writes());

    // In its own environment the plan applies, and export needs no --integration there.
    with_token(&[
        "apply",
        "--plan",
        "web.json",
        "--env",
        "web",
        "--auto-approve",
    ])
    .ok();
    let out = with_token(&["export", "--env", "web"]).ok();
    assert!(
        out.stdout.contains("integration: Segment"),
        "{}",
        out.stdout
    );
    let out = with_token(&["export"]).code(1);
    assert!(
        out.stderr.contains("`integration` in secoda-sync.toml"),
        "{}",
        out.stderr
    );
}
