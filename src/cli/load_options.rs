//! The manifest flags converted into the manifest layer's own options, so that `manifest`
//! needs nothing of clap.

use super::{CsvEmpty, InputArgs, InputFormat, ManifestArgs};
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

impl From<&ManifestArgs> for LoadOptions {
    fn from(args: &ManifestArgs) -> Self {
        let input: &InputArgs = &args.input;
        LoadOptions {
            paths: args.paths.clone(),
            integration: input.integration.clone(),
            csv_map: input.csv_map.clone(),
            csv_empty: input.csv_empty.into(),
            stdin_format: input.stdin_format.map(Into::into),
            rules: args.rules.clone(),
        }
    }
}
