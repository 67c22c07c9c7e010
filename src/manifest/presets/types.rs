//! Vendor property types onto Secoda's: one spelling per type, arrays and optionality apart.

/// A vendor type read into Secoda's tracking fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Typed {
    /// The normalized type (`integer`, `number`, `boolean`, `string`, `object`, `any`).
    pub(super) ty: Option<String>,
    /// Set when the type itself says array (`list`, `array`).
    pub(super) array: bool,
    /// Set when the type list allows `null` (Segment: not required).
    pub(super) nullable: bool,
}

/// One type name normalized: `int`/`integer` -> `integer`, `float`/`number` -> `number`,
/// `bool`/`boolean` -> `boolean`, `enum` -> `string`; others lowercased as written.
pub(super) fn normalize(raw: &str) -> String {
    let t = raw.trim().to_lowercase();
    match t.as_str() {
        "int" | "integer" | "long" => "integer".into(),
        "float" | "number" | "double" | "decimal" => "number".into(),
        "bool" | "boolean" => "boolean".into(),
        "enum" | "str" | "text" | "string" => "string".into(),
        "dict" | "map" | "object" => "object".into(),
        _ => t,
    }
}

/// Reads a type cell or JSON Schema `type` list (`string`, `string,null`, `["integer","null"]`).
pub(super) fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Typed {
    let mut typed = Typed::default();
    let mut kinds: Vec<String> = Vec::new();
    for n in names {
        let n = normalize(n);
        match n.as_str() {
            "" => {}
            "null" => typed.nullable = true,
            "list" | "array" => typed.array = true,
            _ if !kinds.contains(&n) => kinds.push(n),
            _ => {}
        }
    }
    typed.ty = match kinds.len() {
        0 if typed.array => Some("any".into()),
        0 => None,
        1 => kinds.pop(),
        _ => Some("any".into()),
    };
    typed
}

/// A yes/no cell: `Ok(None)` when blank, `Err` when it is neither.
pub(super) fn flag(t: &str) -> Result<Option<bool>, ()> {
    match t.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "y" | "1" | "required" | "x" => Ok(Some(true)),
        "false" | "no" | "n" | "0" | "optional" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Enum values as the native format writes them: one comma-joined string.
pub(super) fn enum_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let v: Vec<&str> = values
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!v.is_empty()).then(|| v.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_normalize_and_null_means_optional() {
        assert_eq!(parse(["int"]).ty.as_deref(), Some("integer"));
        assert_eq!(parse(["Float"]).ty.as_deref(), Some("number"));
        assert_eq!(parse(["bool"]).ty.as_deref(), Some("boolean"));
        let t = parse("string,null".split(','));
        assert_eq!(t.ty.as_deref(), Some("string"));
        assert!(t.nullable);
        let t = parse(["list"]);
        assert!(t.array);
        assert_eq!(t.ty.as_deref(), Some("any"));
        assert_eq!(parse(["string", "integer"]).ty.as_deref(), Some("any"));
    }

    #[test]
    fn enums_join_trimmed() {
        assert_eq!(
            enum_values(" a, b ,,c".split(',')).as_deref(),
            Some("a,b,c")
        );
        assert_eq!(enum_values(["", " "]), None);
    }
}
