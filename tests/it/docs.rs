//! The documentation is tested: its command examples run, its links resolve, and the command
//! reference pages are the binary's own `--help`.
//!
//! The convention (written down for contributors in `docs/src/contributing.md`):
//! - A ```` ```console ```` block holds `$ secoda-sync ...` lines and what they print (stdout
//!   and stderr together). `trycmd` runs every such block of a page, in order, in a fresh
//!   directory holding a copy of `examples/` and `tests/fixtures/`, so `--sandbox` (whose
//!   state file is that directory's `.secoda-sandbox.json`) carries a workspace from one
//!   block of the page to the next. The binary runs with a scrubbed environment. `[..]`
//!   stands for the rest of a line (ids, times, durations), `...` on its own line for any
//!   number of lines, and `? 2` under a command for an exit code other than 0.
//! - A ```` ```sh ```` block is a template for a real workspace (a token, your own files):
//!   each `secoda-sync` line in it must be accepted by the CLI parser, so its flags cannot
//!   drift either.
//! - ```` ```text ```` blocks are prose-like output and synopses; they are not run.
//!
//! Refresh the shown outputs after a deliberate change of output with
//! `TRYCMD=overwrite cargo test --test it docs::`, and the command pages with
//! `SNAPSHOTS=overwrite cargo test --test it docs::`; review the diff.

use crate::recipes::commands;
use crate::util::bin;
use clap::{CommandFactory, Parser};
use secoda_sync::testing::cli::Cli;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every markdown file of the docs: the README, the examples' README and the book's pages.
fn pages() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("examples/README.md")];
    let mut stack = vec![root().join("docs/src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `path` relative to the crate root, `/`-separated.
fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fenced blocks of a markdown text: (info string, first line number, lines).
fn blocks(text: &str) -> Vec<(String, usize, Vec<&str>)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, Vec<&str>)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), n + 2, Vec::new())),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some((_, _, lines)), None) => lines.push(line),
            (None, None) => {}
        }
    }
    out
}

fn has_console_block(page: &Path) -> bool {
    let text = fs::read_to_string(page).unwrap();
    blocks(&text).iter().any(|(info, _, _)| info == "console")
}

/// A script in `dir` that runs the binary with a scrubbed environment (only `PATH`, for
/// `git`, and `NO_COLOR`), as [`bin`] does: trycmd can add variables but not remove them,
/// and a `SECODA_API_TOKEN` or `SECODA_SYNC_CONFIG` in the shell running the tests must not
/// change what the examples print.
fn scrubbed_binary(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("secoda-sync");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec env -i PATH=\"$PATH\" NO_COLOR=1 '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_secoda-sync")
        ),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Runs the `console` blocks of `pages` (crate-relative) with trycmd, each page in a fresh
/// directory; with `TRYCMD=overwrite` the refreshed pages are copied back.
fn run_pages(pages: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let cases = trycmd::TestCases::new();
    cases.register_bin("secoda-sync", scrubbed_binary(dir.path()));
    let mut copies = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let source = root().join(page);
        assert!(
            has_console_block(&source),
            "{page} holds no ```console block to run"
        );
        let copy = dir.path().join(format!("page{i}.md"));
        fs::copy(&source, &copy).unwrap();
        let cwd = copy.with_extension("in");
        copy_dir(&root().join("examples"), &cwd.join("examples"));
        copy_dir(&root().join("tests/fixtures"), &cwd.join("tests/fixtures"));
        cases.case(&copy);
        copies.push((copy, source));
    }
    cases.run();
    if std::env::var("TRYCMD").is_ok_and(|v| v == "overwrite") {
        for (copy, source) in copies {
            fs::write(source, elided(&fs::read_to_string(copy).unwrap())).unwrap();
        }
    }
}

/// Outputs longer than this many lines are cut to their head and tail by [`elided`].
const LONGEST_OUTPUT: usize = 22;

/// A page as `TRYCMD=overwrite` left it, with what changes from run to run elided in its
/// `console` outputs: generated ids and times become `[..]`, the per-change lines of an apply
/// (whose order follows the concurrent writes) one `...`, and a long output its first lines,
/// `...` and its last distinctive lines. A markdown output's own code fences end the shown
/// part (they would close the block). Already elided text stays as it is.
fn elided(page: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut output: Option<Vec<&str>> = None;
    let (mut in_console, mut inner_fence) = (false, false);
    for line in page.lines() {
        if let Some(o) = output.as_mut().filter(|_| in_console) {
            if line.starts_with("```") && (line.trim() != "```" || inner_fence) {
                inner_fence = line.trim() != "```";
                o.push(line);
                continue;
            }
        }
        if line.trim_start().starts_with("```") {
            if let Some(o) = output.take() {
                out.extend(shrunk(&o));
            }
            in_console = !in_console && line.trim() == "```console";
            out.push(line.to_owned());
            continue;
        }
        if in_console && line.starts_with("$ ") {
            if let Some(o) = output.take() {
                out.extend(shrunk(&o));
            }
            out.push(line.to_owned());
            output = Some(Vec::new());
        } else if in_console && line.starts_with("? ") && output.as_ref().is_some_and(Vec::is_empty)
        {
            out.push(line.to_owned());
        } else if let Some(o) = output.as_mut() {
            o.push(line);
        } else {
            out.push(line.to_owned());
        }
    }
    let mut text = out.join("\n");
    if page.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// One command's output, elided as [`elided`] says.
fn shrunk(output: &[&str]) -> Vec<String> {
    let uuid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?").unwrap();
    let mut lines: Vec<String> = Vec::new();
    for line in output {
        if line.starts_with("```") {
            lines.push("...".to_owned());
            break;
        }
        if line.starts_with("done: ") || line.starts_with("adopted: ") {
            if lines.last().is_none_or(|l| l != "...") {
                lines.push("...".to_owned());
            }
            continue;
        }
        // The sandbox's seeded ids are fixed; only generated ones change.
        let line = uuid.replace_all(line, |c: &regex::Captures<'_>| {
            if c[0].starts_with("5ec0da00") {
                c[0].to_owned()
            } else {
                "[..]".to_owned()
            }
        });
        lines.push(time.replace_all(&line, "[..]").into_owned());
    }
    if lines.len() > LONGEST_OUTPUT {
        let head = 8;
        let mut tail = lines.len() - 6;
        // `...` matches up to the first line equal to the next one shown: make it unique.
        while tail < lines.len()
            && (lines[tail].trim().is_empty()
                || lines[head..].iter().filter(|l| **l == lines[tail]).count() > 1)
        {
            tail += 1;
        }
        let mut cut = lines[..head].to_vec();
        cut.push("...".to_owned());
        cut.extend_from_slice(&lines[tail..]);
        lines = cut;
    }
    let mut merged: Vec<String> = Vec::new();
    for line in lines {
        let after_gap = merged.last().is_some_and(|l| l == "...");
        if after_gap && (line == "..." || line.trim().is_empty()) {
            continue;
        }
        merged.push(line);
    }
    merged
}

#[test]
fn a_refreshed_output_is_elided() {
    let page = "text\n\n```console\n$ secoda-sync apply --sandbox\n? 1\nTook the lease (run \
                3a7607a7-54d3-41b8-b2df-9c15dc6f9ec0)\ndone: create a\ndone: create b\nApply \
                complete at 2026-11-23T11:03:07.192347Z on 5ec0da00-0000-4000-8000-000000000001\n\n\
                $ secoda-sync plan --format markdown\n### plan\n\n```diff\n+ a\n```\n</details>\n\n\
                ```\n";
    assert_eq!(
        elided(page),
        "text\n\n```console\n$ secoda-sync apply --sandbox\n? 1\nTook the lease (run [..])\n...\n\
         Apply complete at [..] on 5ec0da00-0000-4000-8000-000000000001\n\n$ secoda-sync plan \
         --format markdown\n### plan\n\n...\n```\n"
    );
    assert_eq!(
        elided(&elided(page)),
        elided(page),
        "eliding twice changes nothing more"
    );
    let many_done: Vec<String> = (0..40).map(|i| format!("done: create {i}")).collect();
    let page = format!(
        "```console\n$ secoda-sync apply\nPlan: 40 to create\n{}\nApply complete\n```\n",
        many_done.join("\n")
    );
    assert_eq!(
        elided(&page),
        "```console\n$ secoda-sync apply\nPlan: 40 to create\n...\nApply complete\n```\n"
    );
    let long: Vec<String> = (0..40).map(|i| format!("line {i}")).collect();
    let page = format!("```console\n$ secoda-sync x\n{}\n```\n", long.join("\n"));
    let cut = elided(&page);
    assert!(cut.contains("line 7\n...\nline 34\n"), "{cut}");
    assert!(!cut.contains("line 8\n"), "{cut}");
}

/// The journeys with a page of their own; every other page with examples runs in
/// [`the_books_other_examples_run_as_shown`].
const JOURNEYS: &[&str] = &[
    "README.md",
    "docs/src/guides/spreadsheet.md",
    "docs/src/guides/migrating.md",
    "docs/src/guides/reviewing.md",
];

#[test]
fn readme_quick_start_runs_as_shown() {
    run_pages(&["README.md"]);
}

/// The spreadsheet migration: a sheet with its own headers through `--csv-map`, validate,
/// migrate-report, apply, re-plan clean.
#[test]
fn journey_spreadsheet_migration_runs_as_shown() {
    run_pages(&["docs/src/guides/spreadsheet.md"]);
}

/// The Avo, Amplitude and Segment exports (the fixtures under `tests/fixtures/presets/`).
#[test]
fn journey_vendor_migrations_run_as_shown() {
    run_pages(&["docs/src/guides/migrating.md"]);
}

/// The dry-run reviewer: a plan in three formats, a saved plan, `--detailed-exitcode`.
#[test]
fn journey_dry_run_reviewer_runs_as_shown() {
    run_pages(&["docs/src/guides/reviewing.md"]);
}

#[test]
fn the_books_other_examples_run_as_shown() {
    let others: Vec<String> = pages()
        .iter()
        .filter(|p| has_console_block(p))
        .map(|p| rel(p))
        .filter(|p| !JOURNEYS.contains(&p.as_str()))
        .collect();
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    assert!(
        !others.is_empty(),
        "no page outside the journeys has examples"
    );
    run_pages(&others);
}

/// The `secoda-sync` lines of every `sh` block (templates for a real workspace) are accepted
/// by the CLI parser; a `cargo run ... --` prefix counts as the binary.
#[test]
fn every_sh_example_is_accepted_by_the_cli() {
    let mut checked = 0;
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        for (info, line, lines) in blocks(&text) {
            if info != "sh" {
                continue;
            }
            let script = lines
                .join("\n")
                .replace("cargo run --release --", "secoda-sync");
            let script = script.replace("cargo run --", "secoda-sync");
            for argv in commands(&script, &HashMap::new()) {
                checked += 1;
                if let Err(e) = Cli::try_parse_from(&argv) {
                    panic!(
                        "{}:{line}: `{}` is refused by the CLI:\n{e}",
                        rel(&page),
                        argv.join(" ")
                    );
                }
            }
        }
    }
    assert!(checked > 10, "only {checked} sh examples found");
}

/// A `$ ` line is a command to run: it belongs in a `console` block, where it is run.
#[test]
fn every_shown_command_line_is_in_a_console_block() {
    let mut stray = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        for (info, first, lines) in blocks(&text) {
            if info == "console" {
                continue;
            }
            for (i, line) in lines.iter().enumerate() {
                if line.starts_with("$ ") {
                    stray.push(format!("{}:{}: {line}", rel(&page), first + i));
                }
            }
        }
    }
    assert!(
        stray.is_empty(),
        "command lines outside ```console blocks (not run by the tests):\n{}",
        stray.join("\n")
    );
}

/// A GitHub-style anchor of a heading.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a markdown file's headings (outside code blocks).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// The relative links `](target)` of a markdown text, outside code blocks.
fn links(text: &str) -> Vec<(usize, String)> {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for c in link.captures_iter(line) {
            let target = &c[1];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push((n + 1, target.to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_relative_link_and_anchor_in_the_docs_resolves() {
    let mut broken = Vec::new();
    let mut files = pages();
    files.push(root().join("ARCHITECTURE.md"));
    for page in files {
        let text = fs::read_to_string(&page).unwrap();
        for (line, target) in links(&text) {
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            if !file.exists() {
                broken.push(format!("{}:{line}: `{target}`: no such file", rel(&page)));
            } else if !fragment.is_empty() && file.extension().is_some_and(|e| e == "md") {
                let known = anchors(&fs::read_to_string(&file).unwrap());
                if !known.contains(fragment) {
                    broken.push(format!(
                        "{}:{line}: `{target}`: no such heading",
                        rel(&page)
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_front_page_linking_the_book_and_the_architecture() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; move text to docs/"
    );
    for needle in [
        "cargo install --locked secoda-sync",
        "cargo run --release -- apply --sandbox --auto-approve examples/ecommerce/",
        "cargo test",
        "ARCHITECTURE.md",
        "docs/src/SUMMARY.md",
    ] {
        assert!(readme.contains(needle), "README.md lacks `{needle}`");
    }
}

#[test]
fn every_book_page_is_in_the_summary() {
    let summary = fs::read_to_string(root().join("docs/src/SUMMARY.md")).unwrap();
    let listed: BTreeSet<String> = links(&summary).into_iter().map(|(_, t)| t).collect();
    let book = root().join("docs/src");
    for page in pages() {
        let Ok(inside) = page.strip_prefix(&book) else {
            continue;
        };
        let inside = inside.to_string_lossy().replace('\\', "/");
        if inside != "SUMMARY.md" {
            assert!(
                listed.contains(&inside),
                "docs/src/{inside} is not listed in docs/src/SUMMARY.md"
            );
        }
    }
}

/// The visible commands of the CLI as word paths (`["sandbox", "serve"]`), the top level
/// (an empty path) first.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        out.push(path.to_vec());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let mut p = path.to_vec();
            p.push(sub.get_name().to_owned());
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

/// The reference page of one command: its `--help`, as the binary prints it.
fn command_page(path: &[String]) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let out = bin().args(&args).output().unwrap();
    assert!(out.status.success(), "`{}` failed", args.join(" "));
    let help = String::from_utf8(out.stdout).unwrap();
    let name = std::iter::once("secoda-sync")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "<!-- Generated from the CLI's --help by `SNAPSHOTS=overwrite cargo test --test it \
         docs::`; do not edit. -->\n\n# `{name}`\n\n```text\n{}\n```\n",
        help.trim_end()
    )
}

fn command_file(path: &[String]) -> String {
    if path.is_empty() {
        "secoda-sync.md".to_owned()
    } else {
        format!("{}.md", path.join("-"))
    }
}

/// The pages of `expected` (file name -> text) that `dir` lacks or holds otherwise, and the
/// pages `dir` holds for no command.
fn stale_pages(dir: &Path, expected: &BTreeMap<String, String>) -> Vec<String> {
    let mut stale = Vec::new();
    for (name, page) in expected {
        if fs::read_to_string(dir.join(name)).ok().as_deref() != Some(page.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !expected.contains_key(&name) {
            stale.push(format!("{name} (no such command)"));
        }
    }
    stale
}

/// The command pages under `docs/src/reference/commands/` are the binary's `--help`; a change
/// to the help without a refresh of the pages fails here, saying how to refresh.
#[test]
fn the_command_reference_pages_are_fresh() {
    let dir = root().join("docs/src/reference/commands");
    let expected: BTreeMap<String, String> = command_paths()
        .iter()
        .map(|p| (command_file(p), command_page(p)))
        .collect();
    if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
        fs::create_dir_all(&dir).unwrap();
        for name in stale_pages(&dir, &expected) {
            match expected.get(&name) {
                Some(page) => fs::write(dir.join(&name), page).unwrap(),
                None => {
                    let file = name.trim_end_matches(" (no such command)");
                    fs::remove_file(dir.join(file)).unwrap();
                }
            }
        }
    }
    let stale = stale_pages(&dir, &expected);
    assert!(
        stale.is_empty(),
        "the command pages do not match the CLI's --help: {}\nrefresh them with \
         `SNAPSHOTS=overwrite cargo test --test it docs::the_command_reference_pages_are_fresh` \
         and review the diff",
        stale.join(", ")
    );
}

#[test]
fn a_changed_help_or_a_page_for_no_command_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let expected: BTreeMap<String, String> =
        [("plan.md", "plan help\n"), ("diff.md", "diff help\n")]
            .into_iter()
            .map(|(n, t)| (n.to_owned(), t.to_owned()))
            .collect();
    fs::write(dir.path().join("plan.md"), "plan help\n").unwrap();
    fs::write(dir.path().join("diff.md"), "diff help, older\n").unwrap();
    fs::write(dir.path().join("gone.md"), "a removed command\n").unwrap();
    assert_eq!(
        stale_pages(dir.path(), &expected),
        ["diff.md", "gone.md (no such command)"]
    );
}
