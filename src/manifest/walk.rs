//! What reading a directory or stdin may take in: a link leading out of the project is
//! refused (it could show any file's text in a diagnostic), a subdirectory holding manifests
//! is named rather than silently skipped, and stdin's format is told by its content.

use crate::manifest::load::format_of;
use crate::manifest::options::InputFormat;
use std::path::{Path, PathBuf};

/// How deep below a directory a skipped subdirectory is searched for manifests.
const SUBDIR_DEPTH: u32 = 3;

/// Where `entry`, a directory entry, leads when it is a symbolic link whose target is in none
/// of `roots` (the canonical working directory and the directory being read).
pub(crate) fn link_leaving(entry: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    if !entry.is_symlink() {
        return None;
    }
    let target = entry.canonicalize().ok()?;
    (!roots.iter().any(|r| target.starts_with(r))).then_some(target)
}

/// The canonical roots a directory's links may lead into: the working directory and `dir`.
pub(crate) fn roots(dir: &Path) -> Vec<PathBuf> {
    [std::env::current_dir().ok(), Some(dir.to_path_buf())]
        .into_iter()
        .flatten()
        .filter_map(|p| p.canonicalize().ok())
        .collect()
}

/// Whether `dir` (a subdirectory a directory read skips) holds YAML, CSV or JSONL manifests,
/// searched a few levels down, hidden directories (`.git`) left out.
pub(crate) fn holds_manifests(dir: &Path) -> bool {
    !hidden(dir) && holds(dir, SUBDIR_DEPTH)
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn holds(dir: &Path, depth: u32) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        let Ok(kind) = e.file_type() else {
            return false;
        };
        if kind.is_dir() {
            !hidden(&path) && depth > 1 && holds(&path, depth - 1)
        } else {
            matches!(
                format_of(&path),
                Some(InputFormat::Yaml | InputFormat::Csv | InputFormat::Jsonl)
            )
        }
    })
}

/// What separates the cells of a CSV line (the reader tells which from the header).
const CELL_SEPARATORS: [char; 3] = [',', ';', '\t'];

/// The format stdin's content has: JSON lines (every line an object), a JSON document, a CSV
/// header (cells split by `,`, `;` or a tab, no `key:`), else YAML. `None` when there is nothing to read.
#[must_use]
pub(crate) fn sniff(bytes: &[u8]) -> Option<InputFormat> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    let first = *lines.peek()?;
    if first.starts_with('{') || first.starts_with('[') {
        let every_line_an_object = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .all(|l| l.starts_with('{') && l.ends_with('}'));
        return Some(if every_line_an_object && first.starts_with('{') {
            InputFormat::Jsonl
        } else {
            InputFormat::Json
        });
    }
    let first = lines
        .find(|l| !l.starts_with('#') && *l != "---")
        .unwrap_or(first);
    let yaml_key = first.split_once(':').is_some_and(|(k, rest)| {
        !k.contains(CELL_SEPARATORS) && (rest.is_empty() || rest.starts_with(' '))
    });
    let yaml = yaml_key || first.starts_with("- ") || first.starts_with('#') || first == "---";
    Some(if !yaml && first.contains(CELL_SEPARATORS) {
        InputFormat::Csv
    } else {
        InputFormat::Yaml
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_formats_are_told_by_their_content() {
        let cases: [(&str, Option<InputFormat>); 10] = [
            ("", None),
            (
                "# plans\nversion: 1\ncategories: []\n",
                Some(InputFormat::Yaml),
            ),
            ("---\nversion: 1\n", Some(InputFormat::Yaml)),
            (
                "\u{feff}category,event,property\nA,B,c\n",
                Some(InputFormat::Csv),
            ),
            (
                "Event Name,Labels\nA,\"category:Checkout, team: web\"\n",
                Some(InputFormat::Csv),
            ),
            (
                "{\"kind\":\"category\",\"title\":\"A\"}\n\n{\"kind\":\"event\"}\n",
                Some(InputFormat::Jsonl),
            ),
            ("{\n  \"rules\": []\n}\n", Some(InputFormat::Json)),
            ("title: a, b\n", Some(InputFormat::Yaml)),
            ("category;event\nA;B\n", Some(InputFormat::Csv)),
            ("Category\tEvent: name\nA\tB\n", Some(InputFormat::Csv)),
        ];
        for (text, want) in cases {
            assert_eq!(sniff(text.as_bytes()), want, "{text:?}");
        }
    }
}
