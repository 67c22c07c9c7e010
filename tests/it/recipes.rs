//! The CI recipes in `examples/ci/`: both parse as YAML, and every `secoda-sync` command line in
//! their `run:` / `script:` entries is accepted by the CLI parser, so the recipes cannot drift
//! from the flags.
//!
//! A step that uses this repository's Action (`action.yml`) counts as the command line the
//! Action runs: `secoda-sync COMMAND ARGS` and the flags it adds itself.
//!
//! Command lines are cut out of the shell scripts with a small splitter written for this test
//! (quotes, `\` continuations, comments, `$VARS`, `${{ }}` expressions, `;` `&&` `||` `|`
//! and redirections). `shlex` would not do: it splits words but knows nothing of shell
//! operators, so `> plan.md` or `|| code=$?` would end up as arguments.

use clap::Parser;
use secoda_sync::testing::cli::Cli;
use serde_yaml::Value;
use std::collections::HashMap;
use std::path::Path;

/// Keys whose values are shell scripts: GitHub Actions' `run`, GitLab CI's `*script`.
const SCRIPT_KEYS: &[&str] = &["run", "script", "before_script", "after_script"];

/// Keys whose mappings define variables the scripts use.
const VARIABLE_KEYS: &[&str] = &["env", "variables"];

/// How a GitHub recipe names this repository's Action (`action.yml`).
const ACTION: &str = "secoda-sync/secoda-sync@";

/// The flags `action.yml` adds after the arguments of a command it runs: it owns the format
/// and, for `plan`, the saved plan it uploads (its `plan-file` input, `plan.json` by default).
fn action_flags(command: &str, plan_file: &str) -> Vec<String> {
    let flags: &[&str] = match command {
        "plan" => &[
            "--format",
            "markdown",
            "--detailed-exitcode",
            "--out",
            plan_file,
        ],
        "diff" => &["--format", "markdown", "--detailed-exitcode"],
        _ => &[],
    };
    flags.iter().map(|f| (*f).to_owned()).collect()
}

/// The command line a step using the Action runs, as a script of single-quoted words: the
/// Action splits `args` on whitespace, with no quoting or expansion of its own.
fn action_script(step: &serde_yaml::Mapping) -> Option<String> {
    let uses = step.get("uses")?.as_str()?;
    if !uses.starts_with(ACTION) {
        return None;
    }
    let with = step.get("with")?;
    let command = with.get("command")?.as_str().filter(|c| !c.is_empty())?;
    let args = with.get("args").and_then(Value::as_str).unwrap_or_default();
    let plan_file = with
        .get("plan-file")
        .and_then(Value::as_str)
        .unwrap_or("plan.json");
    // GitHub substitutes `${{ ... }}` before the Action splits: keep each one a single word
    // (the splitter substitutes it later).
    let mut args = args.to_owned();
    let mut from = 0;
    while let Some(start) = args[from..].find("${{").map(|s| s + from) {
        let Some(end) = args[start..].find("}}").map(|e| e + start + 2) else {
            break;
        };
        let expression: String = args[start..end].split_whitespace().collect();
        from = start + expression.len();
        args.replace_range(start..end, &expression);
    }
    let words = args
        .split_whitespace()
        .map(str::to_owned)
        .chain(action_flags(command, plan_file));
    let quoted: Vec<String> = words
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    Some(format!("secoda-sync {command} {}", quoted.join(" ")))
}

/// Words that may precede a command in a shell line.
const PREFIXES: &[&str] = &["if", "then", "else", "elif", "do", "!", "time", "exec"];

/// A shell token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word, quotes removed and known variables expanded.
    Word(String),
    /// A control operator (`;`, `&`, `|`, `&&`, `||`, a newline as `;`).
    Control,
    /// A redirection whose target is the next word (`>`, `>>`, `<`, `2>`, `&>`).
    Redirect,
    /// A redirection complete in itself (`2>&1`).
    Dup,
}

/// Splits a shell script into tokens. `vars` expands `$NAME` and `${NAME}`; unknown variables
/// stay as written (they stand in for paths and names, which the parser accepts as they are).
fn split(script: &str, vars: &HashMap<String, String>) -> Vec<Tok> {
    let script = github_expressions_replaced(script, vars);
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let end_word = |out: &mut Vec<Tok>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            out.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => end_word(&mut out, &mut word, &mut in_word),
            '\n' => {
                end_word(&mut out, &mut word, &mut in_word);
                out.push(Tok::Control);
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
            },
            '#' if !in_word => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '\'' => {
                in_word = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    word.push(n);
                }
            }
            '"' => {
                in_word = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' if chars.next_if_eq(&'\n').is_some() => {}
                        '\\' if chars.peek().is_some_and(|p| "\"\\$`".contains(*p)) => {
                            word.extend(chars.next());
                        }
                        '$' => word.push_str(&variable(&mut chars, vars)),
                        _ => word.push(n),
                    }
                }
            }
            '$' => {
                in_word = true;
                word.push_str(&variable(&mut chars, vars));
            }
            ';' | '&' | '|' => {
                if c == '&' && chars.peek() == Some(&'>') {
                    chars.next();
                    end_word(&mut out, &mut word, &mut in_word);
                    chars.next_if_eq(&'>');
                    out.push(Tok::Redirect);
                    continue;
                }
                end_word(&mut out, &mut word, &mut in_word);
                chars.next_if_eq(&c);
                out.push(Tok::Control);
            }
            '>' | '<' => {
                // A word made only of digits right before is the redirected descriptor.
                if in_word && !word.is_empty() && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                end_word(&mut out, &mut word, &mut in_word);
                chars.next_if_eq(&c);
                if chars.next_if_eq(&'&').is_some() {
                    while chars.next_if(|d| d.is_ascii_digit() || *d == '-').is_some() {}
                    out.push(Tok::Dup);
                } else {
                    out.push(Tok::Redirect);
                }
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut out, &mut word, &mut in_word);
    out
}

/// Reads a variable name after `$` and returns its value, or the text as written when the
/// variable is unknown (or `$` starts something else, such as `$?`).
fn variable(
    chars: &mut std::iter::Peekable<impl Iterator<Item = char>>,
    vars: &HashMap<String, String>,
) -> String {
    let braced = chars.next_if_eq(&'{').is_some();
    let mut name = String::new();
    while let Some(c) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
        name.push(c);
    }
    if braced {
        chars.next_if_eq(&'}');
    }
    match vars.get(&name) {
        // A variable set from an expression (`ENVIRONMENT: ${{ matrix.environment }}`).
        Some(v) => github_expressions_replaced(v, vars),
        None if braced => format!("${{{name}}}"),
        None => format!("${name}"),
    }
}

/// GitHub Actions substitutes `${{ ... }}` before the shell runs: `env.NAME` and the
/// expressions `vars` names (`github.base_ref`) become their values, any other one word.
fn github_expressions_replaced(script: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                let expression = rest[start + 3..start + end].trim();
                let name = expression.strip_prefix("env.").unwrap_or(expression);
                out.push_str(vars.get(name).map_or("GITHUB_EXPRESSION", String::as_str));
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The argument vectors of every `secoda-sync` command in a script.
pub(crate) fn commands(script: &str, vars: &HashMap<String, String>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for segment in split(script, vars).split(|t| *t == Tok::Control) {
        let mut words = Vec::new();
        let mut tokens = segment.iter();
        while let Some(t) = tokens.next() {
            match t {
                Tok::Word(w) => words.push(w.clone()),
                Tok::Redirect => {
                    tokens.next();
                }
                Tok::Dup | Tok::Control => {}
            }
        }
        let start = words
            .iter()
            .position(|w| !PREFIXES.contains(&w.as_str()) && !is_assignment(w));
        if let Some(start) = start {
            if words[start] == "secoda-sync" {
                found.push(words.split_off(start));
            }
        }
    }
    found
}

/// `NAME=value` before a command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Every script in a CI file, and the variables its `env:` / `variables:` mappings define.
pub(crate) fn scripts(doc: &Value) -> (Vec<String>, HashMap<String, String>) {
    fn walk(v: &Value, scripts: &mut Vec<String>, vars: &mut HashMap<String, String>) {
        match v {
            Value::Mapping(m) => {
                scripts.extend(action_script(m));
                for (k, v) in m {
                    let key = k.as_str().unwrap_or_default();
                    if SCRIPT_KEYS.contains(&key) {
                        match v {
                            Value::String(s) => scripts.push(s.clone()),
                            Value::Sequence(items) => {
                                scripts.extend(
                                    items.iter().filter_map(Value::as_str).map(str::to_owned),
                                );
                            }
                            _ => {}
                        }
                    } else if VARIABLE_KEYS.contains(&key) {
                        if let Value::Mapping(defs) = v {
                            for (name, value) in defs {
                                if let (Some(n), Some(v)) = (name.as_str(), value.as_str()) {
                                    vars.insert(n.to_owned(), v.to_owned());
                                }
                            }
                        }
                    }
                    walk(v, scripts, vars);
                }
            }
            Value::Sequence(items) => {
                for v in items {
                    walk(v, scripts, vars);
                }
            }
            _ => {}
        }
    }
    let (mut scripts, mut vars) = (Vec::new(), HashMap::new());
    walk(doc, &mut scripts, &mut vars);
    (scripts, vars)
}

/// Every `secoda-sync` command line of a recipe file, each checked by the CLI parser.
#[track_caller]
fn checked_commands(file: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/ci")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    let (scripts, vars) = scripts(&doc);
    let found: Vec<Vec<String>> = scripts.iter().flat_map(|s| commands(s, &vars)).collect();
    for argv in &found {
        if let Err(e) = Cli::try_parse_from(argv) {
            panic!("{file}: `{}` is refused by the CLI:\n{e}", argv.join(" "));
        }
    }
    found
}

fn has(argv: &[String], words: &[&str]) -> bool {
    words.iter().all(|w| argv.iter().any(|a| a == w))
}

#[track_caller]
fn assert_plan_and_apply_lines(file: &str) {
    let found = checked_commands(file);
    assert_eq!(
        found.first().map(|a| a[1].as_str()),
        Some("doctor"),
        "{file}: the first secoda-sync step is not `doctor` in {found:?}"
    );
    assert!(
        found.iter().filter(|a| a[1] == "doctor").count() >= 2,
        "{file}: expected a `doctor` step in the plan and the apply jobs, in {found:?}"
    );
    assert!(
        found
            .iter()
            .any(|a| a[1] == "plan"
                && has(a, &["--format", "markdown", "--detailed-exitcode", "--out"])),
        "{file}: no `plan --format markdown --detailed-exitcode --out` line in {found:?}"
    );
    assert!(
        found
            .iter()
            .any(|a| a[1] == "apply" && has(a, &["--plan", "--auto-approve"])),
        "{file}: no `apply --plan ... --auto-approve` line in {found:?}"
    );
}

#[test]
fn github_actions_recipe_lines_are_accepted_by_the_cli() {
    assert_plan_and_apply_lines("github-actions.yml");
    assert_fork_and_drift_lines(
        "github-actions.yml",
        "github.event.pull_request.head.repo.full_name == github.repository",
    );
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/github-actions.yml"),
    )
    .unwrap();
    assert!(
        !text.contains("cargo install"),
        "the GitHub recipe installs through the Action, not by compiling"
    );
    // Both environments planned on a pull request; staging applied on the merge, production
    // after an approval.
    assert!(text.contains("environment: [staging, production]"));
    assert!(text.contains("environment: production"));
    let found = checked_commands("github-actions.yml");
    for env in ["staging", "production"] {
        assert!(
            found
                .iter()
                .any(|a| a[1] == "apply" && has(a, &["--env", env, "--plan"])),
            "no `apply --env {env} --plan` line in {found:?}"
        );
    }
}

#[test]
fn the_action_runs_the_command_lines_the_recipe_tests_read_from_its_steps() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let action: Value = serde_yaml::from_str(&text).unwrap();
    for input in ["version", "command", "args", "working-directory", "token"] {
        assert!(
            action["inputs"].get(input).is_some(),
            "action.yml has no input `{input}`"
        );
    }
    assert_eq!(
        action["inputs"]["plan-file"]["default"].as_str(),
        Some("plan.json")
    );
    for command in ["plan", "diff"] {
        let flags = action_flags(command, "\"$PLAN_FILE\"").join(" ");
        let line = format!("secoda-sync {command} \"${{args[@]}}\" {flags}");
        assert!(
            text.contains(&line),
            "action.yml no longer runs `{line}`: update `action_flags`"
        );
    }
}

#[test]
fn an_action_step_reads_as_its_command_line() {
    let step: serde_yaml::Mapping = serde_yaml::from_str(
        "uses: secoda-sync/secoda-sync@v1.2.3\n\
         with: {command: plan, args: \"${{ env.DIR }}  --max-deletes 3\"}",
    )
    .unwrap();
    let vars = HashMap::from([("DIR".to_owned(), "manifests/".to_owned())]);
    let script = action_script(&step).unwrap();
    assert_eq!(
        commands(&script, &vars),
        [[
            "secoda-sync",
            "plan",
            "manifests/",
            "--max-deletes",
            "3",
            "--format",
            "markdown",
            "--detailed-exitcode",
            "--out",
            "plan.json"
        ]]
    );
    let install_only: serde_yaml::Mapping =
        serde_yaml::from_str("uses: secoda-sync/secoda-sync@v1.2.3").unwrap();
    assert_eq!(action_script(&install_only), None);
}

/// The lines for pull requests without the secret and for the scheduled drift report;
/// `fork_check` is how the recipe tells a fork's pull request (no secrets) apart.
#[track_caller]
fn assert_fork_and_drift_lines(file: &str, fork_check: &str) {
    let found = checked_commands(file);
    assert!(
        found.iter().any(|a| a[1] == "diff"
            && has(
                a,
                &["--base-ref", "--format", "markdown", "--detailed-exitcode"]
            )),
        "{file}: no `diff --base-ref REF --format markdown --detailed-exitcode` line in {found:?}"
    );
    assert!(
        found.iter().any(|a| a[1] == "plan"
            && has(a, &["--detailed-exitcode", "--format", "markdown"])
            && !has(a, &["--out"])),
        "{file}: no drift `plan --detailed-exitcode --format markdown` line in {found:?}"
    );
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/ci")
            .join(file),
    )
    .unwrap();
    for needle in ["schedule", "Secoda differs from the manifests", fork_check] {
        assert!(text.contains(needle), "{file}: no `{needle}`");
    }
}

#[test]
fn gitlab_ci_recipe_lines_are_accepted_by_the_cli() {
    assert_fork_and_drift_lines(
        "gitlab-ci.yml",
        "\"$CI_MERGE_REQUEST_SOURCE_PROJECT_ID\" = \"$CI_PROJECT_ID\"",
    );
    assert_plan_and_apply_lines("gitlab-ci.yml");
}

#[test]
fn a_misspelt_flag_in_a_recipe_line_is_caught() {
    let vars = HashMap::new();
    let good = commands(
        "secoda-sync plan m/ --detailed-exitcode --out plan.json > plan.md",
        &vars,
    );
    let bad = commands(
        "secoda-sync plan m/ --detailed-exitcod --out plan.json > plan.md",
        &vars,
    );
    assert!(Cli::try_parse_from(&good[0]).is_ok(), "{good:?}");
    let err = Cli::try_parse_from(&bad[0]).unwrap_err();
    assert!(err.to_string().contains("--detailed-exitcod"), "{err}");
}

#[test]
fn the_splitter_handles_continuations_quotes_variables_and_operators() {
    let vars = HashMap::from([("DIR".to_owned(), "manifests/".to_owned())]);
    let script = "code=0\n\
        echo hi | secoda-sync plan \"$DIR\" --format \"mark\\\ndown\" \\\n  --out 'my plan.json' 2>&1 > plan.md || code=$?\n\
        # secoda-sync in a comment is not a command\n\
        if FOO=1 secoda-sync apply --plan ${{ steps.x.outputs.file }} --auto-approve; then echo ok; fi\n\
        cargo install --locked secoda-sync";
    assert_eq!(
        commands(script, &vars),
        [
            vec![
                "secoda-sync",
                "plan",
                "manifests/",
                "--format",
                "markdown",
                "--out",
                "my plan.json"
            ],
            vec![
                "secoda-sync",
                "apply",
                "--plan",
                "GITHUB_EXPRESSION",
                "--auto-approve"
            ],
        ]
    );
    assert_eq!(
        commands("secoda-sync validate $UNSET ${ALSO_UNSET}", &vars),
        [vec!["secoda-sync", "validate", "$UNSET", "${ALSO_UNSET}"]]
    );
}
