//! The JSON Schemas of the documents the tool prints (`plan --format json`, `monitors status
//! --format json`, `doctor --format json`), as the files under `schemas/` hold them.

use schemars::JsonSchema;

/// The pretty-printed JSON Schema of `T`, ending in a newline, as written to `schemas/`.
#[must_use]
pub(crate) fn schema_json<T: JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// Fails the calling test when `schemas/<file>` differs from `fresh`; with `UPDATE_SCHEMAS`
/// set it first writes `fresh` there.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_schema_file_fresh(file: &str, fresh: &str) {
    let path = format!("{}/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, fresh).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "schemas/{file} is stale: run `UPDATE_SCHEMAS=1 cargo test --lib schema_file_is_up_to_date`"
    );
}
