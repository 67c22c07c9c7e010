//! The manifest flags converted into the manifest layer's own options, so that `manifest`
//! needs nothing of clap.

use super::{
    CsvEmpty, InputArgs, InputFormat, ManifestArgs, Preset, PresetArgs, PropertyTypes,
    PropertyTypesArgs,
};
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

impl From<CsvEmpty> for manifest::CsvEmpty {
    fn from(e: CsvEmpty) -> Self {
        match e {
            CsvEmpty::Ignore => Self::Ignore,
            CsvEmpty::Clear => Self::Clear,
        }
    }
}

impl From<Preset> for manifest::Preset {
    fn from(p: Preset) -> Self {
        match p {
            Preset::Avo => Self::Avo,
            Preset::Amplitude => Self::Amplitude,
            Preset::Segment => Self::Segment,
            Preset::SegmentJson => Self::SegmentJson,
            Preset::AvoJson => Self::AvoJson,
        }
    }
}

impl From<PropertyTypes> for manifest::PropertyTypes {
    fn from(p: PropertyTypes) -> Self {
        match p {
            PropertyTypes::Native => Self::Native,
            PropertyTypes::Definition => Self::Definition,
            PropertyTypes::Off => Self::Off,
        }
    }
}

impl From<PropertyTypesArgs> for manifest::PropertyTypes {
    fn from(a: PropertyTypesArgs) -> Self {
        a.property_types.into()
    }
}

impl From<&PresetArgs> for manifest::PresetOptions {
    fn from(a: &PresetArgs) -> Self {
        Self {
            from: a.from.map(Into::into),
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
            csv_empty: input.csv_empty.into(),
            stdin_format: input.stdin_format.map(Into::into),
            preset: (&input.preset).into(),
            rules: args.rules.clone(),
        }
    }
}
