//! Loading a manifest set: files, directories and stdin, read by format, merged into one
//! [`ManifestSet`] with defaults applied, and every problem collected as a [`Diagnostic`].

use crate::cli::{CsvEmpty, InputArgs, InputFormat, ManifestArgs};
use crate::manifest::csv::{self as csv_format, CsvMap, CsvOptions};
use crate::manifest::diagnostics::{Code, Diagnostic, Location, Severity, Sources};
use crate::manifest::fragment::Fragment;
use crate::manifest::model::canonical_json;
use crate::manifest::node::Ctx;
use crate::manifest::{
    jsonl, validate, yaml, Category, Event, IntegrationRef, ManifestSet, Origin, Property,
    ResourceFields,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where manifests come from and how to read them.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Files, directories, or `-` for stdin.
    pub paths: Vec<PathBuf>,
    /// Overrides or supplies the manifests' integration.
    pub integration: Option<String>,
    /// Column mapping for CSV files with foreign headers.
    pub csv_map: Option<PathBuf>,
    /// What an empty CSV cell means.
    pub csv_empty: CsvEmpty,
    /// Format of `-` (stdin).
    pub stdin_format: Option<InputFormat>,
}

impl LoadOptions {
    /// Options from paths plus the shared input flags.
    #[must_use]
    pub fn new(paths: Vec<PathBuf>, input: &InputArgs) -> Self {
        Self {
            paths,
            integration: input.integration.clone(),
            csv_map: input.csv_map.clone(),
            csv_empty: input.csv_empty,
            stdin_format: input.stdin_format,
        }
    }
}

impl From<&ManifestArgs> for LoadOptions {
    fn from(args: &ManifestArgs) -> Self {
        Self::new(args.paths.clone(), &args.input)
    }
}

/// One manifest's bytes, already read.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics use (the path as the user gave it, or `-`).
    pub name: String,
    /// How to read it.
    pub format: InputFormat,
    /// Raw content.
    pub bytes: Vec<u8>,
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
        _ => None,
    }
}

/// Reads the files, directories and stdin named in `opts` and loads them as one set.
#[must_use]
pub fn load(opts: &LoadOptions) -> Loaded {
    let mut diags = Vec::new();
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for path in &opts.paths {
        collect(path, opts, &mut sources, &mut seen, &mut diags);
    }
    let mut map_source = None;
    if let Some(p) = &opts.csv_map {
        match std::fs::read(p) {
            Ok(bytes) => map_source = Some((p.display().to_string(), bytes)),
            Err(e) => diags.push(io_error(p, &e)),
        }
    }
    let mut loaded = load_sources_with_map(sources, map_source, opts);
    diags.append(&mut loaded.diagnostics);
    loaded.diagnostics = diags;
    loaded
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::Io,
        format!("failed to read `{}`: {e}", path.display()),
        None,
    )
}

fn collect(
    path: &Path,
    opts: &LoadOptions,
    out: &mut Vec<Source>,
    seen: &mut HashSet<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            diags.push(io_error(path, &e));
            return;
        }
        let Some(format) = opts.stdin_format else {
            diags.push(
                Diagnostic::new(Code::Io, "cannot tell the format of stdin (`-`)", None)
                    .hint("pass --stdin-format yaml|csv|jsonl"),
            );
            return;
        };
        out.push(Source {
            name: "-".into(),
            format,
            bytes,
        });
        return;
    }
    if !path.exists() {
        diags.push(Diagnostic::new(
            Code::Io,
            format!("`{}` does not exist", path.display()),
            None,
        ));
        return;
    }
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) => {
                diags.push(io_error(path, &e));
                return;
            }
        };
        // A manifest name that cannot be read (a link to a file moved away, a link loop) is an
        // error, never skipped: --prune would delete what the missing file declared.
        let errors_before = diags.len();
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let p = match entry {
                Ok(e) => e.path(),
                Err(e) => {
                    diags.push(io_error(path, &e));
                    continue;
                }
            };
            if format_of(&p).is_none() {
                continue;
            }
            match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => files.push(p),
                Ok(m) if m.is_dir() => {}
                Ok(_) => diags.push(Diagnostic::new(
                    Code::Io,
                    format!("`{}` is not a regular file", p.display()),
                    None,
                )),
                Err(e) => {
                    let d = io_error(&p, &e);
                    diags.push(if p.is_symlink() {
                        d.hint("it is a symbolic link: restore its target, or remove the link")
                    } else {
                        d
                    });
                }
            }
        }
        files.sort();
        if files.is_empty() && diags.len() == errors_before {
            diags.push(
                Diagnostic::new(
                    Code::EmptyManifestSet,
                    format!("no manifest files in `{}`", path.display()),
                    None,
                )
                .hint("a directory loads its *.yaml, *.yml, *.csv and *.jsonl files (not subdirectories)"),
            );
        }
        for f in files {
            collect(&f, opts, out, seen, diags);
        }
        return;
    }
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(canonical) {
        return;
    }
    let Some(format) = format_of(path) else {
        diags.push(
            Diagnostic::new(
                Code::Io,
                format!("cannot tell the format of `{}`", path.display()),
                None,
            )
            .hint("name manifests *.yaml, *.yml, *.csv or *.jsonl"),
        );
        return;
    };
    match std::fs::read(path) {
        Ok(bytes) => out.push(Source {
            name: path.display().to_string(),
            format,
            bytes,
        }),
        Err(e) => diags.push(io_error(path, &e)),
    }
}

/// Loads already-read sources as one set (no CSV mapping file).
#[must_use]
pub fn load_sources(sources: Vec<Source>, opts: &LoadOptions) -> Loaded {
    load_sources_with_map(sources, None, opts)
}

/// Decodes bytes as UTF-8 (BOM stripped), or reports where the first invalid byte is.
fn decode(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.strip_prefix('\u{feff}').unwrap_or(s).to_owned()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
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
    sources: Vec<Source>,
    map_source: Option<(String, Vec<u8>)>,
    opts: &LoadOptions,
) -> Loaded {
    let mut diags = Vec::new();
    let mut texts = Sources::default();
    let mut hasher = Sha256::new();
    let mut csv_map: Option<CsvMap> = None;
    if let Some((name, bytes)) = map_source {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        let file: Arc<str> = Arc::from(name.as_str());
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut diags,
        };
        if let Some(text) = decode(&mut ctx, &bytes) {
            csv_map = Some(csv_format::read_map(&mut ctx, &text));
            texts.insert(&file, text);
        }
    }
    let mut fragments = Vec::with_capacity(sources.len());
    let mut files = Vec::with_capacity(sources.len());
    for src in sources {
        hasher.update((src.bytes.len() as u64).to_le_bytes());
        hasher.update(&src.bytes);
        let file: Arc<str> = Arc::from(src.name.as_str());
        files.push(src.name);
        let mut ctx = Ctx {
            file: Arc::clone(&file),
            diags: &mut diags,
        };
        let Some(text) = decode(&mut ctx, &src.bytes) else {
            continue;
        };
        drop(src.bytes);
        let frag = match src.format {
            InputFormat::Yaml => yaml::read_manifest(&mut ctx, &text),
            InputFormat::Jsonl => jsonl::read_manifest(&mut ctx, &text),
            InputFormat::Csv => csv_format::read_manifest(
                &mut ctx,
                &text,
                CsvOptions {
                    empty: opts.csv_empty,
                    map: csv_map.as_ref(),
                },
            ),
        };
        texts.insert(&file, text);
        fragments.push(frag);
    }
    let set = merge(fragments, opts, &mut diags);
    diags.extend(validate::check_set(&set));
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
    }
}

/// Merges the files' declarations into one set, reporting duplicates and missing parents.
fn merge(fragments: Vec<Fragment>, opts: &LoadOptions, diags: &mut Vec<Diagnostic>) -> ManifestSet {
    let mut set = ManifestSet {
        integration: integration(&fragments, opts, diags),
        ..ManifestSet::default()
    };
    let mut defaults: Option<(ResourceFields, Origin)> = None;
    let mut cats: HashMap<String, usize> = HashMap::new();
    let mut cat_described: Vec<Option<Origin>> = Vec::new();
    let mut events: HashMap<(String, String), (usize, usize)> = HashMap::new();
    let mut event_declared: HashMap<(usize, usize), Origin> = HashMap::new();
    let mut props: HashMap<(String, String, String), Origin> = HashMap::new();
    let mut monitors: HashMap<String, Origin> = HashMap::new();
    // (target, metric type, canonical config) as written -> index in `set.monitors`.
    let mut identities: HashMap<(String, Option<String>, String), usize> = HashMap::new();
    let mut frags = fragments;

    for f in &mut frags {
        if let Some((d, origin)) = f.defaults.take() {
            if let Some((_, first)) = &defaults {
                diags.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        (&origin).into(),
                        "`defaults` given twice in the manifest set",
                    )
                    .related("first given", first.into())
                    .hint("keep one `defaults:` block (e.g. in secoda.yaml)"),
                );
            } else {
                defaults = Some((d, origin));
            }
        }
        for c in std::mem::take(&mut f.categories) {
            let described = c.described();
            if let Some(&i) = cats.get(&c.title) {
                if !described {
                    continue;
                }
                if let Some(first) = &cat_described[i] {
                    diags.push(
                        Diagnostic::at(
                            Code::DuplicateKey,
                            (&c.origin).into(),
                            format!("category `{}` is described twice", c.title),
                        )
                        .related("first described", first.into())
                        .hint("give a category's description, teams and protect in one place"),
                    );
                    continue;
                }
                let cat = &mut set.categories[i];
                cat.description = c.description;
                cat.teams = c.teams;
                cat.protect = c.protect.unwrap_or(false);
                cat.origin = c.origin.clone();
                cat_described[i] = Some(c.origin);
            } else {
                cats.insert(c.title.clone(), set.categories.len());
                cat_described.push(described.then(|| c.origin.clone()));
                set.categories.push(Category {
                    title: c.title,
                    description: c.description,
                    teams: c.teams,
                    protect: c.protect.unwrap_or(false),
                    events: Vec::new(),
                    origin: c.origin,
                });
            }
        }
    }
    for f in &mut frags {
        for e in std::mem::take(&mut f.events) {
            let Some(&ci) = cats.get(&e.category) else {
                diags.push(
                    Diagnostic::at(
                        Code::MissingParent,
                        (&e.origin).into(),
                        format!(
                            "event `{}` is in category `{}`, which is declared nowhere",
                            e.title, e.category
                        ),
                    )
                    .hint("add the category (a `category` record, a YAML category, or a CSV row)"),
                );
                continue;
            };
            let key = (e.category, e.title);
            if let Some(&(ci, ei)) = events.get(&key) {
                if !e.declared {
                    continue;
                }
                if let Some(first) = event_declared.get(&(ci, ei)) {
                    diags.push(
                        Diagnostic::at(
                            Code::DuplicateKey,
                            (&e.origin).into(),
                            format!("event `{}/{}` is declared twice", key.0, key.1),
                        )
                        .related("first declared", first.into()),
                    );
                    continue;
                }
                let ev = &mut set.categories[ci].events[ei];
                ev.fields = e.fields;
                ev.protect = e.protect;
                ev.origin = e.origin.clone();
                event_declared.insert((ci, ei), e.origin);
            } else {
                let ei = set.categories[ci].events.len();
                if e.declared {
                    event_declared.insert((ci, ei), e.origin.clone());
                }
                set.categories[ci].events.push(Event {
                    title: key.1.clone(),
                    fields: e.fields,
                    protect: e.protect,
                    properties: Vec::new(),
                    origin: e.origin,
                });
                events.insert(key, (ci, ei));
            }
        }
    }
    for f in &mut frags {
        for p in std::mem::take(&mut f.properties) {
            let Some(&(ci, ei)) = events.get(&(p.category.clone(), p.event.clone())) else {
                diags.push(
                    Diagnostic::at(
                        Code::MissingParent,
                        (&p.origin).into(),
                        format!(
                            "property `{}` is in event `{}/{}`, which is declared nowhere",
                            p.title, p.category, p.event
                        ),
                    )
                    .hint("declare the event (an `event` record, a YAML event, or a CSV row)"),
                );
                continue;
            };
            let key = (p.category, p.event, p.title);
            if let Some(first) = props.get(&key) {
                diags.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        (&p.origin).into(),
                        format!("property `{}/{}/{}` is declared twice", key.0, key.1, key.2),
                    )
                    .related("first declared", first.into()),
                );
                continue;
            }
            set.categories[ci].events[ei].properties.push(Property {
                title: key.2.clone(),
                fields: p.fields,
                tracking: p.tracking,
                protect: p.protect,
                origin: p.origin.clone(),
            });
            props.insert(key, p.origin);
        }
        for m in std::mem::take(&mut f.monitors) {
            if let Some(first) = monitors.get(&m.name).filter(|_| !m.name.is_empty()) {
                diags.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        (&m.origin).into(),
                        format!("monitor `{}` is declared twice", m.name),
                    )
                    .related("first declared", first.into())
                    .hint("monitor names must be unique in the manifest set"),
                );
                continue;
            }
            // Same target, metric and config = the same monitor on the server (the plan's
            // monitor key): a second declaration would be created as a twin and never converge.
            let identity = m.target.clone().map(|t| {
                let config = m.metric_config.clone().unwrap_or_default();
                (t, m.metric_type.clone(), canonical_json(&config))
            });
            let twin = identity
                .as_ref()
                .and_then(|k| identities.get(k))
                .map(|&i| &set.monitors[i]);
            if let Some(first) = twin {
                diags.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        (&m.origin).into(),
                        format!(
                            "monitor `{}` has the same target, metric_type and metric_config as \
                             monitor `{}`",
                            m.label(),
                            first.label()
                        ),
                    )
                    .related("first declared", (&first.origin).into())
                    .hint("these identify a monitor: merge the two, or change one of them"),
                );
                continue;
            }
            monitors.insert(m.name.clone(), m.origin.clone());
            if let Some(k) = identity {
                identities.insert(k, set.monitors.len());
            }
            set.monitors.push(m);
        }
    }
    if let Some((d, _)) = &defaults {
        apply_defaults(&mut set, d);
    }
    let counts = set.counts();
    let empty = counts.categories + counts.monitors == 0;
    if empty && !diags.iter().any(Diagnostic::is_error) {
        diags.push(
            Diagnostic::new(
                Code::EmptyManifestSet,
                "nothing to sync: the manifests declare no categories, events, properties or monitors",
                None,
            )
            .hint("check the paths given"),
        );
    }
    if set.integration.is_none() && !empty {
        diags.push(
            Diagnostic::new(Code::MissingIntegration, "no integration named", None).hint(
                "add `integration: <name or UUID>` to a YAML manifest, an `integration` CSV column or JSONL field, or pass --integration",
            ),
        );
    }
    set
}

/// The one integration of the set: `--integration`, else the one the files agree on.
fn integration(
    fragments: &[Fragment],
    opts: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> Option<IntegrationRef> {
    if let Some(i) = &opts.integration {
        return Some(IntegrationRef::parse(i));
    }
    let mut first: Option<&(IntegrationRef, Origin)> = None;
    for entry in fragments.iter().flat_map(|f| &f.integrations) {
        match first {
            None => first = Some(entry),
            Some(f) if f.0 == entry.0 => {}
            Some(f) => diags.push(
                Diagnostic::at(
                    Code::MultipleIntegrations,
                    Location::from(&entry.1),
                    format!(
                        "integration `{}` differs from `{}` named earlier",
                        entry.0, f.0
                    ),
                )
                .related("first named", (&f.1).into())
                .hint(
                    "a manifest set syncs one integration; split the files or pass --integration",
                ),
            ),
        }
    }
    first.map(|(i, _)| i.clone())
}

/// Fills each event's and property's unset fields from `defaults`.
fn apply_defaults(set: &mut ManifestSet, d: &ResourceFields) {
    fn fill(f: &mut ResourceFields, d: &ResourceFields) {
        macro_rules! take {
            ($($name:ident),*) => {$(
                if f.$name.is_none() {
                    f.$name.clone_from(&d.$name);
                }
            )*};
        }
        take!(
            description,
            definition,
            pii,
            verified,
            published,
            owners,
            teams,
            tags,
            collections,
            subscribers
        );
    }
    for c in &mut set.categories {
        for e in &mut c.events {
            fill(&mut e.fields, d);
            for p in &mut e.properties {
                fill(&mut p.fields, d);
            }
        }
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
            vec![Source {
                name: "in".into(),
                format,
                bytes,
            }],
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

    #[test]
    fn defaults_fill_only_unset_fields() {
        let text = "version: 1\nintegration: Segment\ndefaults: {published: true, pii: false}\ncategories:\n  - title: A\n    events:\n      - title: E\n        pii: true\n        properties: [{title: p}]\n";
        let loaded = load_one(InputFormat::Yaml, text.as_bytes().to_vec());
        let e = &loaded.set.categories[0].events[0];
        assert_eq!(e.fields.pii, Some(true));
        assert_eq!(e.fields.published, Some(true));
        assert_eq!(e.properties[0].fields.pii, Some(false));
        assert_eq!(e.fields.owners, None);
    }

    #[test]
    fn a_monitor_twin_needs_the_same_target_metric_and_config() {
        let m = |name: &str, target: &str, metric: &str, config: &str| {
            format!("  - {{name: {name}, target: {target}, metric_type: {metric}{config}}}\n")
        };
        let text = [
            "version: 1\nintegration: Segment\nmonitors:\n".to_owned(),
            m("a", "t", "row_count", ""),
            m("b", "t", "null_percentage", ""),
            m("c", "u", "row_count", ""),
            m("d", "t", "row_count", ", metric_config: {x: 1}"),
            m("e", "t", "row_count", ", metric_config: {}"),
        ]
        .concat();
        let loaded = load_one(InputFormat::Yaml, text.into_bytes());
        let dups: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateKey)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            dups,
            ["monitor `e` has the same target, metric_type and metric_config as monitor `a`"]
        );
        assert_eq!(loaded.set.monitors.len(), 4);
    }

    #[test]
    fn fingerprint_depends_on_bytes() {
        let a = load_one(InputFormat::Yaml, b"version: 1\n".to_vec());
        let b = load_one(InputFormat::Yaml, b"version: 1 \n".to_vec());
        assert_eq!(a.fingerprint.len(), 64);
        assert_ne!(a.fingerprint, b.fingerprint);
    }
}
