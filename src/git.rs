//! Manifests as they were at a git ref, read through the `git` binary into a temporary
//! directory, so `diff --base-ref` compares against a commit without touching the work tree
//! or the index.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Why the files at a ref could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GitError {
    /// `git` could not be started.
    #[error("failed to run `git` (is it installed and on PATH?)")]
    Spawn(#[source] std::io::Error),
    /// `git` ran and failed.
    #[error("`git {args}` failed: {stderr}")]
    Failed {
        /// The arguments.
        args: String,
        /// What git said.
        stderr: String,
    },
    /// A path given is outside the repository.
    #[error("`{0}` is not inside the git repository")]
    Outside(PathBuf),
    /// Writing the temporary copy failed.
    #[error("failed to write the files of `{ref_name}` to a temporary directory")]
    Io {
        /// The ref.
        ref_name: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// The given paths as they were at a ref, copied into a directory that is removed on drop.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// The copy itself, removed when the snapshot is dropped.
    _dir: tempfile::TempDir,
    /// Each given path's counterpart inside the copy (it may not exist: added since the ref).
    pub paths: Vec<PathBuf>,
}

fn git(cwd: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if !out.status.success() {
        return Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(out.stdout)
}

/// `path` relative to `root`, without touching the file system for the part that may not
/// exist any more (a manifest deleted since the ref).
fn relative_to(root: &Path, path: &Path) -> Result<PathBuf, GitError> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| GitError::Io {
                ref_name: String::new(),
                source: e,
            })?
            .join(path)
    };
    // Canonicalise the deepest existing ancestor (symlinks, `..`), then append the rest.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(name)) => {
                rest.push(name.to_owned());
                existing = p;
            }
            _ => break,
        }
    }
    let mut full = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        full.push(name);
    }
    let rel = full
        .strip_prefix(root)
        .map_err(|_| GitError::Outside(path.to_path_buf()))?;
    if rel.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(GitError::Outside(path.to_path_buf()));
    }
    Ok(rel.to_path_buf())
}

/// Copies `paths` (files or directories of the work tree) as they were at `ref_name`.
///
/// # Errors
/// When git cannot run, the ref does not exist, a path is outside the repository, or the copy
/// cannot be written.
pub(crate) fn snapshot(ref_name: &str, paths: &[PathBuf]) -> Result<Snapshot, GitError> {
    let here = std::env::current_dir().map_err(|e| GitError::Io {
        ref_name: ref_name.to_owned(),
        source: e,
    })?;
    let top = String::from_utf8_lossy(&git(&here, &["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_owned();
    let root = Path::new(&top)
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(&top));
    let commit = format!("{ref_name}^{{commit}}");
    git(&root, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| GitError::Failed {
        args: format!("rev-parse --verify {ref_name}"),
        stderr: format!("no commit `{ref_name}` in this repository"),
    })?;
    let rels = paths
        .iter()
        .map(|p| relative_to(&root, p))
        .collect::<Result<Vec<_>, _>>()?;
    let dir = tempfile::tempdir().map_err(|e| io(ref_name, e))?;
    let mut args = vec!["ls-tree", "-r", "-z", "--full-name", ref_name, "--"];
    let rel_strs: Vec<String> = rels
        .iter()
        .map(|r| {
            if r.as_os_str().is_empty() {
                ".".to_owned()
            } else {
                r.to_string_lossy().into_owned()
            }
        })
        .collect();
    args.extend(rel_strs.iter().map(String::as_str));
    let listing = git(&root, &args)?;
    let mut blobs = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        // `<mode> <type> <object>\t<path>`
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        if let (Some(_), Some("blob"), Some(object)) = (parts.next(), parts.next(), parts.next()) {
            blobs.push((object.to_owned(), path.to_owned()));
        }
    }
    write_blobs(&root, &blobs, dir.path()).map_err(|e| io(ref_name, e))?;
    let paths = rels.iter().map(|r| dir.path().join(r)).collect();
    Ok(Snapshot { _dir: dir, paths })
}

fn io(ref_name: &str, source: std::io::Error) -> GitError {
    GitError::Io {
        ref_name: ref_name.to_owned(),
        source,
    }
}

/// Reads every blob through one `git cat-file --batch` and writes it under `to`.
fn write_blobs(root: &Path, blobs: &[(String, String)], to: &Path) -> std::io::Result<()> {
    if blobs.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("git")
        .current_dir(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or_else(broken)?;
    let names: String = blobs.iter().map(|(o, _)| format!("{o}\n")).collect();
    // Written from a thread: git answers while it reads, and both pipes have a bounded buffer.
    let writer = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
    let mut out = BufReader::new(child.stdout.take().ok_or_else(broken)?);
    for (_, path) in blobs {
        let mut header = String::new();
        out.read_line(&mut header)?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(broken)?;
        let mut body = vec![0; size];
        out.read_exact(&mut body)?;
        let mut newline = [0; 1];
        out.read_exact(&mut newline)?;
        let file = to.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, body)?;
    }
    writer.join().map_err(|_| broken())??;
    child.wait()?;
    Ok(())
}

fn broken() -> std::io::Error {
    std::io::Error::other("unexpected output from `git cat-file --batch`")
}
