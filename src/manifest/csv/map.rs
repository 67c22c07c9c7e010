//! The `--csv-map` file: a spreadsheet's own headers mapped to our columns, the headers to
//! skip, per-column value maps (`Required` -> `true`) and the cell separator, so a sheet as
//! analysts write it loads unedited.

use super::{normalize, Delimiter, ALL_COLUMNS};
use crate::manifest::diagnostics::{Code, Diagnostic, Location};
use crate::manifest::node::{scalar_text, suggest, Ctx, Node, Obj, Value};
use crate::manifest::yaml;
use std::collections::{HashMap, HashSet};

/// The mapping file's keys besides our columns.
const MAP_KEYS: &[&str] = &["ignore", "values", "delimiter"];

/// A column mapping: their header -> our column, headers to skip, value maps, the separator.
#[derive(Debug, Clone, Default)]
pub(crate) struct CsvMap {
    /// Their header, normalized -> our column.
    pub(super) theirs: HashMap<String, &'static str>,
    /// Every mapped header, in the mapping's order, with where the mapping names it.
    pub(super) entries: Vec<Mapped>,
    /// Headers to skip, normalized.
    pub(super) ignore: HashSet<String>,
    /// Our column -> the values its cells are read as.
    pub(super) values: HashMap<&'static str, ValueMap>,
    /// The separator; `None` to detect it from each file's header.
    pub(super) delimiter: Option<Delimiter>,
}

/// One `our_column: Their Header` line of the mapping.
#[derive(Debug, Clone)]
pub(super) struct Mapped {
    pub(super) ours: &'static str,
    /// Their header as the mapping writes it (trimmed).
    pub(super) theirs: String,
    /// The header's place in the mapping file.
    pub(super) at: Location,
}

/// One column's value map: a cell (trimmed, any case) -> the text read in its place.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueMap {
    entries: Vec<(String, String)>,
}

impl ValueMap {
    /// The text a cell is read as, when the map names it.
    pub(super) fn get(&self, cell: &str) -> Option<&str> {
        let key = cell.trim().to_lowercase();
        self.entries
            .iter()
            .find(|(from, _)| *from == key)
            .map(|(_, to)| to.as_str())
    }
}

/// Reads a mapping file (YAML: `our_column: Their Header`, optional `ignore: [Header, ...]`,
/// `values: {our_column: {Their value: our value}}` and `delimiter:`).
pub(crate) fn read_map(ctx: &mut Ctx<'_>, text: &str) -> CsvMap {
    let mut map = CsvMap::default();
    let Some(root) = yaml::parse(ctx, text) else {
        return map;
    };
    let known: Vec<&str> = ALL_COLUMNS
        .iter()
        .copied()
        .chain(MAP_KEYS.iter().copied())
        .collect();
    let Some(obj) = Obj::new(ctx, &root, "the CSV mapping", &known) else {
        return map;
    };
    for col in ALL_COLUMNS.iter().copied() {
        let (Some(node), Some(theirs)) = (obj.get(col), obj.string(ctx, col)) else {
            continue;
        };
        let at = ctx.node_loc(node);
        let norm = normalize(&theirs);
        if let Some(first) = map.entries.iter().find(|e| normalize(&e.theirs) == norm) {
            ctx.push(
                Diagnostic::at(
                    Code::DuplicateKey,
                    at,
                    format!(
                        "header `{}` is mapped to both `{}` and `{col}`",
                        theirs.trim(),
                        first.ours
                    ),
                )
                .related("first mapped", first.at.clone())
                .hint("a header fills one column: map each of our columns to its own header"),
            );
            continue;
        }
        map.theirs.insert(norm, col);
        map.entries.push(Mapped {
            ours: col,
            theirs: theirs.trim().to_owned(),
            at,
        });
    }
    if let Some(items) = obj.names(ctx, "ignore") {
        map.ignore.extend(items.iter().map(|h| normalize(h)));
    }
    if let (Some(node), Some(text)) = (obj.get("delimiter"), obj.string(ctx, "delimiter")) {
        map.delimiter = Delimiter::parse(&text);
        if map.delimiter.is_none() {
            ctx.push(
                Diagnostic::at(
                    Code::WrongType,
                    ctx.node_loc(node),
                    format!(
                        "`delimiter`: expected `,`, `;` or a tab, found `{}`",
                        text.escape_default()
                    ),
                )
                .hint("write `delimiter: \";\"`, or `delimiter: tab` for tab-separated files"),
            );
        }
    }
    if let Some(node) = obj.get("values") {
        map.values = values(ctx, node);
    }
    map
}

/// Reads `values:`: our column -> {their value: our value}.
fn values(ctx: &mut Ctx<'_>, node: &Node) -> HashMap<&'static str, ValueMap> {
    let mut out: HashMap<&'static str, ValueMap> = HashMap::new();
    let Value::Map(columns) = &node.value else {
        ctx.push(Diagnostic::at(
            Code::WrongType,
            ctx.node_loc(node),
            format!(
                "`values`: expected a mapping of our columns to value maps \
                 (`is_required: {{Required: true}}`), found {}",
                node.describe()
            ),
        ));
        return out;
    };
    for (key, node) in columns {
        let at = ctx.loc(key.line, key.column);
        let Some(col) = ALL_COLUMNS.iter().copied().find(|c| *c == key.name) else {
            let d = Diagnostic::at(
                Code::UnknownField,
                at,
                format!("unknown column `{}` in `values`", key.name),
            );
            ctx.push(match suggest(&key.name, &ALL_COLUMNS) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => {
                    d.hint("`values` is keyed by our column names (`is_required`), not headers")
                }
            });
            continue;
        };
        if out.contains_key(col) {
            ctx.push(Diagnostic::at(
                Code::DuplicateKey,
                at,
                format!("column `{col}` given twice in `values`"),
            ));
            continue;
        }
        let Value::Map(pairs) = &node.value else {
            ctx.push(Diagnostic::at(
                Code::WrongType,
                ctx.node_loc(node),
                format!(
                    "`values.{col}`: expected a mapping of their values to ours, found {}",
                    node.describe()
                ),
            ));
            continue;
        };
        let mut map = ValueMap::default();
        for (from, to) in pairs {
            let Some(text) = scalar_text(to) else {
                ctx.push(Diagnostic::at(
                    Code::WrongType,
                    ctx.node_loc(to),
                    format!("`values.{col}`: expected a value, found {}", to.describe()),
                ));
                continue;
            };
            let key = from.name.trim().to_lowercase();
            if map.entries.iter().any(|(k, _)| *k == key) {
                ctx.push(
                    Diagnostic::at(
                        Code::DuplicateKey,
                        ctx.loc(from.line, from.column),
                        format!("value `{}` given twice in `values.{col}`", from.name.trim()),
                    )
                    .hint("values match trimmed and in any case"),
                );
                continue;
            }
            map.entries.push((key, text));
        }
        out.insert(col, map);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn read(text: &str) -> (CsvMap, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            file: Arc::from("map.yaml"),
            diags: &mut diags,
        };
        let map = read_map(&mut ctx, text);
        (map, diags)
    }

    #[test]
    fn value_maps_match_trimmed_cells_in_any_case() {
        let (map, diags) = read(
            "is_required: Req\nvalues:\n  is_required: {Required: true, Optional: false, \"✓\": true, \"\": false}\n",
        );
        assert!(diags.is_empty(), "{diags:#?}");
        let v = &map.values["is_required"];
        assert_eq!(v.get(" required "), Some("true"));
        assert_eq!(v.get("OPTIONAL"), Some("false"));
        assert_eq!(v.get("✓"), Some("true"));
        assert_eq!(v.get("  "), Some("false"));
        assert_eq!(v.get("maybe"), None);
    }

    #[test]
    fn a_value_map_for_no_column_of_ours_is_unknown() {
        let (_, diags) = read("values:\n  is_requird: {Yes: true}\n");
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, Code::UnknownField);
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("did you mean `is_required`?")
        );
    }

    #[test]
    fn the_delimiter_is_read_or_refused() {
        assert_eq!(
            read("delimiter: \";\"\n").0.delimiter,
            Some(Delimiter::Semicolon)
        );
        assert_eq!(
            read("delimiter: \"\\t\"\n").0.delimiter,
            Some(Delimiter::Tab)
        );
        assert_eq!(read("delimiter: tab\n").0.delimiter, Some(Delimiter::Tab));
        let (map, diags) = read("delimiter: \"|\"\n");
        assert_eq!(map.delimiter, None);
        assert_eq!(diags[0].code, Code::WrongType);
    }

    #[test]
    fn one_header_mapped_to_two_columns_is_a_duplicate() {
        let (map, diags) = read("description: Notes\nevent_description: notes\n");
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, Code::DuplicateKey);
        assert_eq!(map.theirs.get("notes"), Some(&"description"));
    }
}
