//! The manifest flags converted into the manifest layer's own options. The value enums
//! (`--from`, `--csv-empty`, `--property-types`) are the manifest layer's own; `--stdin-format`
//! names only the native formats, a narrower type than the manifest layer's `InputFormat`.

use super::{InputArgs, InputFormat, ManifestArgs, PresetArgs, PropertyTypesArgs};
use crate::manifest::{self, LoadOptions};

impl From<InputFormat> for manifest::InputFormat {
    fn from(f: InputFormat) -> Self {
        match f {
            InputFormat::Yaml => Self::Yaml,
            InputFormat::Csv => Self::Csv,
            InputFormat::Jsonl => Self::Jsonl,
        }
    }
}

impl From<PropertyTypesArgs> for manifest::PropertyTypes {
    fn from(a: PropertyTypesArgs) -> Self {
        a.property_types
    }
}

impl From<&PresetArgs> for manifest::PresetOptions {
    fn from(a: &PresetArgs) -> Self {
        Self {
            from: a.from,
            category_label: a.category_label.clone(),
            default_category: a.default_category.clone(),
        }
    }
}

impl From<&ManifestArgs> for LoadOptions {
    fn from(args: &ManifestArgs) -> Self {
        let input: &InputArgs = &args.input;
        LoadOptions {
            paths: args.paths.clone(),
            integration: input.integration.clone(),
            csv_map: input.csv_map.clone(),
            csv_empty: input.csv_empty,
            stdin_format: input.stdin_format.map(Into::into),
            preset: (&input.preset).into(),
            rules: args.rules.clone(),
        }
    }
}
