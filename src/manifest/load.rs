//! Loading a manifest set: files, directories and stdin, read by format, merged into one
//! [`ManifestSet`] with defaults applied, and every problem collected as a `Diagnostic`.

use crate::manifest::csv::{self as csv_format, CsvMap, CsvOptions};
use crate::manifest::diagnostics::{Code, Diagnostic, DiskCopy, Severity, Sources};
use crate::manifest::fragment::Fragment;
use crate::manifest::merge::merge;
use crate::manifest::node::Ctx;
use crate::manifest::options::{InputFormat, LoadOptions, PresetOptions};
use crate::manifest::presets::{self, CsvKind, Notes};
use crate::manifest::rules::{self, Rules};
use crate::manifest::stream::{FileBlocks, LARGE_FILE_BYTES};
use crate::manifest::{jsonl, validate, walk, yaml, ManifestSet, Origin};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One manifest: its bytes, or where a large one lies on disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name diagnostics use (the path as the user gave it, or `-`).
    pub name: String,
    /// How to read it.
    pub format: InputFormat,
    /// What to read.
    pub content: Content,
}

/// What a manifest's bytes are read from.
#[derive(Debug, Clone)]
pub enum Content {
    /// Bytes already read, and the file they were read from when it can be read again: a
    /// large one is, to quote a line, rather than held in memory for the whole run.
    Read {
        /// Raw content.
        bytes: Vec<u8>,
        /// The file.
        path: Option<PathBuf>,
    },
    /// A large YAML or JSONL file, read from disk a block at a time as it is parsed, so that
    /// it is never held whole.
    OnDisk(PathBuf),
}

impl SourceFile {
    /// A manifest whose bytes are already read, from no file that can be read again.
    #[must_use]
    pub fn read(name: impl Into<String>, format: InputFormat, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            format,
            content: Content::Read { bytes, path: None },
        }
    }
}

/// The result of loading: the merged set, every diagnostic, and a fingerprint of the inputs.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The merged desired state (partial when there are errors).
    pub set: ManifestSet,
    /// Every problem found, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// SHA-256 (hex) over the source bytes, in load order.
    pub fingerprint: String,
    /// The loaded texts, so diagnostics can quote lines.
    pub sources: Sources,
    /// The files read, in load order.
    pub files: Vec<String>,
    /// What each vendor export (`--from`) held that the set does not carry, by file (a boxed
    /// slice: `Loaded` is moved around whole).
    pub migration: Box<[(String, Notes)]>,
    /// The rules the set was checked with (boxed: `Loaded` travels by value).
    pub rules: Box<Rules>,
    /// Where the files name the integration (the first `integration:`); `None` when
    /// `--integration` gave it or no file names one.
    pub integration_at: Option<Origin>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Number of diagnostics of a severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// The format a file name implies.
#[must_use]
pub fn format_of(path: &Path) -> Option<InputFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(InputFormat::Yaml),
        "csv" => Some(InputFormat::Csv),
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "json" => Some(InputFormat::Json),
        _ => None,
    }
}

/// Reads the files, directories and stdin named in `opts` and loads them as one set.
#[must_use]
pub fn load(opts: &LoadOptions) -> Loaded {
    let mut c = Collector {
        opts,
        sources: Vec::new(),
        seen: HashSet::new(),
        diags: Vec::new(),
    };
    for path in &opts.paths {
        c.path(path);
    }
    let Collector {
        sources, mut diags, ..
    } = c;
    let mut map_source = None;
    if let Some(p) = &opts.csv_map {
        match std::fs::read(p) {
            Ok(bytes) => map_source = Some((p.display().to_string(), bytes)),
            Err(e) => diags.push(io_error(p, &e)),
        }
    }
    let mut rules_source = None;
    if let Some(p) = &opts.rules {
        match std::fs::read(p) {
            Ok(bytes) => rules_source = Some((p.display().to_string(), bytes)),
            Err(e) => diags.push(io_error(p, &e)),
        }
    }
    let mut loaded = load_sources_with_map(sources, map_source, rules_source, opts);
    diags.append(&mut loaded.diagnostics);
    sort_by_place(&mut diags, &loaded.files);
    loaded.diagnostics = diags;
    loaded
}

/// Orders diagnostics by file (in load order), line and column; set-wide ones (no place)
/// first, each group in the order found.
fn sort_by_place(diags: &mut [Diagnostic], files: &[String]) {
    diags.sort_by_cached_key(|d| {
        d.location.as_ref().map(|l| {
            let file = files.iter().position(|f| **f == *l.file);
            (
                file.unwrap_or(usize::MAX),
                l.file.to_string(),
                l.line,
                l.column,
            )
        })
    });
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::Io,
        format!("failed to read `{}`: {e}", path.display()),
        None,
    )
}

/// Reads the paths given into sources, in order, each file once.
struct Collector<'o> {
    opts: &'o LoadOptions,
    sources: Vec<SourceFile>,
    /// Canonical paths already read (a file named twice, or via a directory, loads once).
    seen: HashSet<PathBuf>,
    diags: Vec<Diagnostic>,
}

impl Collector<'_> {
    fn path(&mut self, path: &Path) {
        if path.as_os_str() == "-" {
            self.stdin(path);
        } else if !path.exists() {
            self.diags.push(Diagnostic::new(
                Code::Io,
                format!("`{}` does not exist", path.display()),
                None,
            ));
        } else if path.is_dir() {
            self.dir(path);
        } else {
            self.file(path);
        }
    }

    fn stdin(&mut self, path: &Path) {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            self.diags.push(io_error(path, &e));
            return;
        }
        let from = self.opts.preset.from;
        let implied = from.map(|p| {
            if p.is_json() {
                InputFormat::Json
            } else {
                InputFormat::Csv
            }
        });
        let told = self.opts.stdin_format.or(implied);
        let Some(format) = told.or_else(|| walk::sniff(&bytes)) else {
            self.diags.push(
                Diagnostic::new(
                    Code::Io,
                    "cannot tell the format of stdin (`-`): it is empty",
                    None,
                )
                .hint("pass --stdin-format yaml|csv|jsonl"),
            );
            return;
        };
        self.sources.push(SourceFile::read("-", format, bytes));
    }

    /// A directory's manifest files, sorted by name, not recursively.
    fn dir(&mut self, path: &Path) {
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) => {
                self.diags.push(io_error(path, &e));
                return;
            }
        };
        // A manifest name that cannot be read (a link to a file moved away, a link loop) is an
        // error, never skipped: --prune would delete what the missing file declared.
        let errors_before = self.diags.len();
        let roots = walk::roots(path);
        let mut files: Vec<PathBuf> = Vec::new();
        let mut subdirs: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let p = match entry {
                Ok(e) => e.path(),
                Err(e) => {
                    self.diags.push(io_error(path, &e));
                    continue;
                }
            };
            if p.is_dir() && !p.is_symlink() {
                if walk::holds_manifests(&p) && !self.named(&p) {
                    subdirs.push(p);
                }
            } else if self.is_manifest_file(&p) && self.stays_inside(&p, &roots) {
                files.push(p);
            }
        }
        files.sort();
        self.subdirs_not_read(path, subdirs);
        if files.is_empty() && self.diags.len() == errors_before {
            self.diags.push(
                Diagnostic::new(
                    Code::EmptyManifestSet,
                    format!("no manifest files in `{}`", path.display()),
                    None,
                )
                .hint("a directory loads its *.yaml, *.yml, *.csv and *.jsonl files (not subdirectories)"),
            );
        }
        for f in files {
            self.path(&f);
        }
    }

    /// Whether `p` is (or holds) a path named on the command line.
    fn named(&self, p: &Path) -> bool {
        let Ok(p) = p.canonicalize() else {
            return false;
        };
        self.opts
            .paths
            .iter()
            .filter_map(|n| n.canonicalize().ok())
            .any(|n| n.starts_with(&p))
    }

    /// Whether a directory entry stays in the project: a symbolic link leading out of it (to
    /// `/proc/self/environ`, a home directory) is refused unless named on the command line,
    /// so that no diagnostic can quote another file's secrets.
    fn stays_inside(&mut self, p: &Path, roots: &[PathBuf]) -> bool {
        let Some(target) = walk::link_leaving(p, roots) else {
            return true;
        };
        if self.named(p) {
            return true;
        }
        self.diags.push(
            Diagnostic::new(
                Code::Io,
                format!(
                    "`{}` is a symbolic link leading out of the project (to `{}`): not read",
                    p.display(),
                    target.display()
                ),
                None,
            )
            .hint("name the file on the command line to read it anyway, or copy it in"),
        );
        false
    }

    /// Names the subdirectories of `dir` that hold manifests: a directory loads only its own
    /// files, and a plan that silently left them out could delete what they declare.
    fn subdirs_not_read(&mut self, dir: &Path, mut subdirs: Vec<PathBuf>) {
        if subdirs.is_empty() {
            return;
        }
        subdirs.sort();
        let names: Vec<String> = subdirs
            .iter()
            .map(|d| format!("`{}`", d.display()))
            .collect();
        let first = subdirs[0].display().to_string();
        self.diags.push(
            Diagnostic::new(
                Code::SubdirectoryNotRead,
                format!(
                    "`{}` has subdirectories holding manifests that are not read: {}",
                    dir.display(),
                    names.join(", ")
                ),
                None,
            )
            .hint(format!(
                "a directory loads only its own files: name each subdirectory too (`{} {first}`)",
                dir.display()
            )),
        );
    }

    /// Whether a directory entry is a manifest file to read; an entry with a manifest name that
    /// cannot be read, or is not a regular file, is reported.
    fn is_manifest_file(&mut self, p: &Path) -> bool {
        // A directory's JSON files are vendor plans only when `--from` says so.
        let json_wanted = self
            .opts
            .preset
            .from
            .is_some_and(crate::manifest::Preset::is_json);
        match format_of(p) {
            None => return false,
            Some(InputFormat::Json) if !json_wanted => return false,
            Some(_) => {}
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => return true,
            Ok(m) if m.is_dir() => {}
            Ok(_) => self.diags.push(Diagnostic::new(
                Code::Io,
                format!("`{}` is not a regular file", p.display()),
                None,
            )),
            Err(e) => {
                let d = io_error(p, &e);
                self.diags.push(if p.is_symlink() {
                    d.hint("it is a symbolic link: restore its target, or remove the link")
                } else {
                    d
                });
            }
        }
        false
    }

    fn file(&mut self, path: &Path) {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !self.seen.insert(canonical) {
            return;
        }
        let Some(format) = format_of(path) else {
            self.diags.push(
                Diagnostic::new(
                    Code::Io,
                    format!("cannot tell the format of `{}`", path.display()),
                    None,
                )
                .hint("name manifests *.yaml, *.yml, *.csv or *.jsonl"),
            );
            return;
        };
        let name = path.display().to_string();
        let large = |len: u64| usize::try_from(len).map_or(true, |len| len >= LARGE_FILE_BYTES);
        let streams = matches!(format, InputFormat::Yaml | InputFormat::Jsonl)
            && std::fs::metadata(path).is_ok_and(|m| m.is_file() && large(m.len()));
        if streams {
            self.sources.push(SourceFile {
                name,
                format,
                content: Content::OnDisk(path.to_path_buf()),
            });
            return;
        }
        match std::fs::read(path) {
            Ok(bytes) => self.sources.push(SourceFile {
                name,
                format,
                content: Content::Read {
                    bytes,
                    path: Some(path.to_path_buf()),
                },
            }),
            Err(e) => self.diags.push(io_error(path, &e)),
        }
    }
}

/// Reads a `--rules` file on its own (`audit`): its rules (the defaults where it has none) and
/// its diagnostics.
#[must_use]
pub fn load_rules(path: &Path) -> (Rules, Vec<Diagnostic>) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return (Rules::default(), vec![io_error(path, &e)]),
    };
    let mut r = Reader {
        diags: Vec::new(),
        texts: Sources::default(),
        hasher: Sha256::new(),
        notes: Vec::new(),
    };
    let rules = r.rules_file(&path.display().to_string(), bytes);
    (rules.map(|(r, _)| r).unwrap_or_default(), r.diags)
}

/// Loads already-read sources as one set (no CSV mapping file).
#[must_use]
pub fn load_sources(sources: Vec<SourceFile>, opts: &LoadOptions) -> Loaded {
    load_sources_with_map(sources, None, None, opts)
}

/// Decodes bytes as UTF-8 (BOM stripped), or reports where the first invalid byte is.
fn decode(ctx: &mut Ctx<'_>, bytes: Vec<u8>) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Some(s)
        }
        Err(not_utf8) => {
            let e = not_utf8.utf8_error();
            let valid = &not_utf8.as_bytes()[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            let d = Diagnostic::at(
                Code::NotUtf8,
                ctx.loc(
                    u32::try_from(line).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(u32::MAX),
                ),
                format!(
                    "file is not UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )
            .hint("save the file as UTF-8");
            ctx.push(d);
            None
        }
    }
}

fn load_sources_with_map(
    sources: Vec<SourceFile>,
    map_source: Option<(String, Vec<u8>)>,
    rules_source: Option<(String, Vec<u8>)>,
    opts: &LoadOptions,
) -> Loaded {
    let mut r = Reader {
        diags: Vec::new(),
        texts: Sources::default(),
        hasher: Sha256::new(),
        notes: Vec::new(),
    };
    let csv_map = map_source.and_then(|(name, bytes)| r.csv_map(&name, bytes));
    let mut fragments = Vec::with_capacity(sources.len());
    let mut files = Vec::with_capacity(sources.len());
    for src in sources {
        files.push(src.name.clone());
        let csv = CsvOptions {
            empty: opts.csv_empty,
            map: csv_map.as_ref(),
        };
        fragments.extend(r.fragment(src, csv, &opts.preset));
    }
    let from_file = rules_source.and_then(|(name, bytes)| r.rules_file(&name, bytes));
    let Reader {
        mut diags,
        texts,
        hasher,
        notes,
    } = r;
    let rules = one_rules(&mut fragments, from_file, &mut diags);
    // Where the integration is named (a file's, unless `--integration` overrides them).
    let integration_at = opts
        .integration
        .is_none()
        .then(|| fragments.iter().flat_map(|f| &f.integrations).next())
        .flatten()
        .map(|(_, origin)| origin.clone());
    let mut set = merge(fragments, opts.integration.as_deref(), &mut diags);
    set.vendor_files = notes
        .iter()
        .map(|(file, _)| Arc::from(file.as_str()))
        .collect();
    diags.extend(validate::check_set(&set));
    diags.extend(rules::check(&set, &rules).into_iter().map(|f| f.diagnostic));
    sort_by_place(&mut diags, &files);
    let fingerprint = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Loaded {
        set,
        diagnostics: diags,
        fingerprint,
        sources: texts,
        files,
        migration: notes.into_boxed_slice(),
        rules: Box::new(rules),
        integration_at,
    }
}

/// The set's one `rules:` map (from a manifest or `--rules`); a second one is reported.
fn one_rules(
    fragments: &mut [Fragment],
    from_file: Option<(Rules, Origin)>,
    diags: &mut Vec<Diagnostic>,
) -> Rules {
    let mut found = from_file;
    for (rules, origin) in fragments.iter_mut().filter_map(|f| f.rules.take()) {
        match &found {
            Some((_, first)) => diags.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    (&origin).into(),
                    "`rules` given twice in the manifest set",
                )
                .related("first given", first.into())
                .hint("keep one `rules:` block (in one manifest, or in the --rules file)"),
            ),
            None => found = Some((rules, origin)),
        }
    }
    found.map(|(r, _)| r).unwrap_or_default()
}

/// Decodes and parses sources, keeping their texts and hashing their bytes.
struct Reader {
    diags: Vec<Diagnostic>,
    texts: Sources,
    hasher: Sha256,
    notes: Vec<(String, Notes)>,
}

impl Reader {
    fn hash(&mut self, bytes: &[u8]) {
        self.hasher.update((bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
    }

    /// The `--csv-map` file (hashed too: it changes what the CSV files mean).
    fn csv_map(&mut self, name: &str, bytes: Vec<u8>) -> Option<CsvMap> {
        self.hash(&bytes);
        let file: Arc<str> = Arc::from(name);
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut self.diags,
        };
        let text = decode(&mut ctx, bytes)?;
        let map = csv_format::read_map(&mut ctx, &text);
        self.texts.insert(&file, text);
        Some(map)
    }

    /// The `--rules` file (not hashed: rules change what is reported, never what is planned).
    fn rules_file(&mut self, name: &str, bytes: Vec<u8>) -> Option<(Rules, Origin)> {
        let file: Arc<str> = Arc::from(name);
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut self.diags,
        };
        let text = decode(&mut ctx, bytes)?;
        let rules = yaml::read_rules_file(&mut ctx, &text);
        self.texts.insert(&file, text);
        rules
    }

    /// One manifest read by its format; `None` when it is not UTF-8 or cannot be read.
    fn fragment(
        &mut self,
        src: SourceFile,
        csv: CsvOptions<'_>,
        preset: &PresetOptions,
    ) -> Option<Fragment> {
        // A large YAML file whose streamed read gave up: the split it tried is not tried again.
        let mut split_tried = false;
        let (bytes, path) = match src.content {
            Content::Read { bytes, path } => (bytes, path),
            Content::OnDisk(path) => {
                split_tried = true;
                if let Some(frag) = self.streamed(&src.name, src.format, &path) {
                    return Some(frag);
                }
                match std::fs::read(&path) {
                    Ok(bytes) => (bytes, Some(path)),
                    Err(e) => {
                        self.diags.push(io_error(&path, &e));
                        return None;
                    }
                }
            }
        };
        self.hash(&bytes);
        let file: Arc<str> = Arc::from(src.name.as_str());
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut self.diags,
        };
        let disk = DiskCopy::of(path.as_deref(), &bytes);
        let text = decode(&mut ctx, bytes)?;
        let vendor = match (src.format, preset.from) {
            (InputFormat::Json, Some(p)) if p.is_json() => Some(p),
            (InputFormat::Json, _) => presets::detect_json(&mut ctx, &text),
            (InputFormat::Csv, Some(p)) if !p.is_json() => Some(p),
            (InputFormat::Csv, _) => {
                match presets::classify_csv(&mut ctx, &text, csv.map.is_some()) {
                    Some(CsvKind::Preset(p)) => Some(p),
                    Some(CsvKind::Native) => None,
                    None => {
                        self.texts.keep(&file, text, disk);
                        return Some(Fragment::default());
                    }
                }
            }
            _ => None,
        };
        let frag = match (vendor, src.format) {
            (Some(p), _) => {
                let (frag, notes) = presets::read(&mut ctx, &text, p, preset);
                self.notes.push((src.name.clone(), notes));
                frag
            }
            (None, InputFormat::Yaml) if split_tried => yaml::read_on_one_thread(&mut ctx, &text),
            (None, InputFormat::Yaml) => yaml::read_manifest(&mut ctx, &text),
            (None, InputFormat::Jsonl) => jsonl::read_manifest(&mut ctx, &text),
            (None, InputFormat::Csv) => csv_format::read_manifest(&mut ctx, &text, csv),
            (None, InputFormat::Json) => Fragment::default(),
        };
        self.texts.keep(&file, text, disk);
        Some(frag)
    }

    /// A large YAML or JSONL file read as its blocks come off disk; `None` when it must be
    /// read whole instead (see [`FileBlocks`]; a YAML file also when it is not laid out the
    /// usual way), with nothing it reported kept.
    fn streamed(&mut self, name: &str, format: InputFormat, path: &Path) -> Option<Fragment> {
        let mut blocks = FileBlocks::open(path, self.hasher.clone()).ok()?;
        let file: Arc<str> = Arc::from(name);
        let before = self.diags.len();
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut self.diags,
        };
        let frag = match format {
            InputFormat::Yaml => yaml::read_streamed(&mut ctx, &mut blocks),
            InputFormat::Jsonl => Some(jsonl::read_streamed(&mut ctx, &mut blocks)),
            InputFormat::Csv | InputFormat::Json => None,
        };
        let Some((frag, read)) = frag.zip(blocks.finish()) else {
            self.diags.truncate(before);
            return None;
        };
        self.hasher = read.fingerprint;
        let disk = DiskCopy::at(path, read.len, read.digest);
        self.texts.on_disk(&file, disk);
        Some(frag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::generate::{tracking_plan, Shape};
    use crate::manifest::write;
    use proptest::prelude::*;

    fn load_one(format: InputFormat, bytes: Vec<u8>) -> Loaded {
        load_sources(
            vec![SourceFile::read("in", format, bytes)],
            &LoadOptions::default(),
        )
    }

    fn valid_texts() -> [(InputFormat, String); 3] {
        let set = tracking_plan(Shape {
            categories: 2,
            events: 2,
            properties: 2,
        });
        [
            (InputFormat::Yaml, write::to_yaml(&set, None).unwrap()),
            (InputFormat::Csv, write::to_csv(&set).unwrap()),
            (InputFormat::Jsonl, write::to_jsonl(&set).unwrap()),
        ]
    }

    proptest! {
        #[test]
        fn parsers_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            for format in [InputFormat::Yaml, InputFormat::Csv, InputFormat::Jsonl] {
                let _ = load_one(format, bytes.clone());
            }
        }

        #[test]
        fn parsers_never_panic_on_random_text(text in "[ -~\n\t:{}\\[\\],\"'#&*|>-]{0,300}") {
            for format in [InputFormat::Yaml, InputFormat::Csv, InputFormat::Jsonl] {
                let _ = load_one(format, text.clone().into_bytes());
            }
        }

        #[test]
        fn parsers_never_panic_on_truncated_or_flipped_input(cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>()) {
            for (format, text) in valid_texts() {
                let mut bytes = text.into_bytes();
                if !bytes.is_empty() {
                    let i = flip % bytes.len();
                    bytes[i] = byte;
                }
                bytes.truncate(cut % (bytes.len() + 1));
                let _ = load_one(format, bytes);
            }
        }
    }

    #[test]
    fn not_utf8_is_a_diagnostic_at_the_bad_byte() {
        let loaded = load_one(InputFormat::Yaml, b"version: 1\nx: \xff\n".to_vec());
        let d = &loaded.diagnostics[0];
        assert_eq!(d.code, Code::NotUtf8);
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (2, 4));
    }

    /// `path` loaded as `load` reads it, and its bytes loaded whole under the same name.
    fn from_disk_and_whole(path: &Path) -> (Loaded, Loaded) {
        let opts = LoadOptions {
            paths: vec![path.to_path_buf()],
            ..LoadOptions::default()
        };
        let format = format_of(path).unwrap();
        let name = path.display().to_string();
        let whole = SourceFile::read(name, format, std::fs::read(path).unwrap());
        (
            load(&opts),
            load_sources(vec![whole], &LoadOptions::default()),
        )
    }

    #[test]
    fn a_large_file_read_off_disk_as_it_is_parsed_loads_as_its_bytes_read_whole() {
        let set = tracking_plan(Shape {
            categories: 60,
            events: 20,
            properties: 8,
        });
        // Mistakes in the first and the last stretch, each reported where it is.
        let mistaken = |text: String, from: &str, to: &str| {
            let last = text.rfind(from).unwrap();
            let mut text = text.replacen(from, to, 1);
            text.replace_range(last..last + from.len(), to);
            text
        };
        // A mistake after the categories too, where the rest of the file is read.
        let yaml = format!(
            "{}tags:\n- name: core\n  colour: red\n",
            write::to_yaml(&set, None).unwrap()
        );
        let yaml = mistaken(
            yaml,
            "\n      pii: true\n",
            "\n      pii: yes\n      colour: red\n",
        );
        let jsonl = mistaken(
            write::to_jsonl(&set).unwrap(),
            "\"pii\":true",
            "\"pii\":\"yes\",\"colour\":\"red\"",
        );
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("plan.yaml", yaml.clone().into_bytes()),
            // Not the usual layout (a document marker first): read whole after all.
            ("marked.yaml", format!("---\n{yaml}").into_bytes()),
            ("plan.jsonl", format!("\u{feff}{jsonl}").into_bytes()),
            // Not UTF-8 near its end: read whole, which reports where.
            (
                "bad.jsonl",
                [jsonl.as_bytes(), b"{\"kind\": \"\xff\"}\n"].concat(),
            ),
        ];
        for (name, bytes) in cases {
            assert!(bytes.len() > LARGE_FILE_BYTES, "{name} is large");
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let mut collector = Collector {
                opts: &LoadOptions::default(),
                sources: Vec::new(),
                seen: HashSet::new(),
                diags: Vec::new(),
            };
            collector.file(&path);
            assert!(matches!(collector.sources[0].content, Content::OnDisk(_)));
            let mut reader = Reader {
                diags: Vec::new(),
                texts: Sources::default(),
                hasher: Sha256::new(),
                notes: Vec::new(),
            };
            let format = format_of(&path).unwrap();
            let streamed = reader.streamed(name, format, &path).is_some();
            assert_eq!(streamed, name.starts_with("plan."), "{name}");
            let (from_disk, whole) = from_disk_and_whole(&path);
            assert_eq!(from_disk.fingerprint, whole.fingerprint, "{name}");
            assert_eq!(
                format!("{:?}", from_disk.diagnostics),
                format!("{:?}", whole.diagnostics),
                "{name}"
            );
            assert_eq!(format!("{:?}", from_disk.set), format!("{:?}", whole.set));
            let lines: Vec<u32> = from_disk
                .diagnostics
                .iter()
                .filter_map(|d| d.location.as_ref().map(|l| l.line))
                .collect();
            let line_count = bytes.iter().filter(|&&b| b == b'\n').count();
            if name == "bad.jsonl" {
                assert_eq!(from_disk.diagnostics[0].code, Code::NotUtf8);
                assert_eq!(lines, [u32::try_from(line_count).unwrap()]);
                continue;
            }
            let (first, last) = (lines[0] as usize, lines[lines.len() - 1] as usize);
            assert!(
                first < line_count / 2 && last > line_count / 2,
                "{name}: {lines:?}"
            );
            let quoted = from_disk
                .sources
                .line(&path.display().to_string(), lines[0]);
            assert!(quoted.is_some(), "{name}: a large file's line is quoted");
        }
    }

    #[test]
    fn fingerprint_depends_on_bytes() {
        let a = load_one(InputFormat::Yaml, b"version: 1\n".to_vec());
        let b = load_one(InputFormat::Yaml, b"version: 1 \n".to_vec());
        assert_eq!(a.fingerprint.len(), 64);
        assert_ne!(a.fingerprint, b.fingerprint);
    }
}
