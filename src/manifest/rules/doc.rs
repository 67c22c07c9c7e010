//! The `rules:` map as a serde document, so the manifest's JSON Schema covers it (reading
//! uses the spanned reader in `rule_config.rs`).

use schemars::JsonSchema;
use serde::Serialize;

/// Tracking-plan rules: rule id -> severity, or a map with `severity` and the rule's options.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesDoc {
    /// Event titles follow a style (default `title`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_title_case: Option<RuleDoc<CaseDoc>>,
    /// Property titles follow a style (default `snake`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_title_case: Option<RuleDoc<CaseDoc>>,
    /// Category titles follow a style (default `title`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_title_case: Option<RuleDoc<CaseDoc>>,
    /// Titles match a regex per kind (the whole title).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_pattern: Option<RuleDoc<PatternDoc>>,
    /// No two titles under one parent that differ only by case, spaces, `_` or `-` (on by
    /// default as a warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_collision: Option<RuleDoc<SeverityOnlyDoc>>,
    /// Events and properties (or the `kinds` given) have a description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_required: Option<RuleDoc<DescriptionDoc>>,
    /// Events (or the `kinds` given) have an owner or team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_required: Option<RuleDoc<KindsDoc>>,
    /// What is marked `pii: true` has an owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pii_needs_owner: Option<RuleDoc<SeverityOnlyDoc>>,
    /// Properties have a `type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_required: Option<RuleDoc<SeverityOnlyDoc>>,
    /// Titles avoid some words (default `test`, `tmp`, `new`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub banned_words: Option<RuleDoc<WordsDoc>>,
    /// Every event (optionally of some categories) has the given properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_properties: Option<RuleDoc<RequiredDoc>>,
    /// A plan must not delete an event or property the workspace reports usage for: as an
    /// error, such deletes are held back unless `--allow-used-deletes` lets them through; as a
    /// warning, each is named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_delete_used: Option<RuleDoc<UsageDoc>>,
}

/// A rule's setting: a severity alone, or a map with `severity` (default `warning`) and options.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RuleDoc<T> {
    /// `error`, `warning` or `off`.
    Severity(SeverityDoc),
    /// Severity and options.
    Options(T),
}

/// How a rule reports.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityDoc {
    /// Fails validate; stops plan and apply.
    Error,
    /// Reported; fails only with `--strict`.
    Warning,
    /// The rule does not run.
    Off,
}

/// A naming style.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StyleDoc {
    /// `Order Completed`.
    Title,
    /// `Order completed`.
    Sentence,
    /// `order_completed`.
    Snake,
    /// `orderCompleted`.
    Camel,
    /// `OrderCompleted`.
    Pascal,
    /// `order-completed`.
    Kebab,
    /// Title Case ending in a past-tense verb (`Order Completed`).
    ObjectAction,
}

/// A kind of resource.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindDoc {
    /// Event categories.
    Category,
    /// Events.
    Event,
    /// Event properties.
    Property,
}

/// A rule with no options.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityOnlyDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
}

/// A naming-style rule.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<StyleDoc>,
    /// Past-tense verbs `object-action` accepts besides its own list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbs: Option<Vec<String>>,
}

/// `title-pattern`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Regex event titles match as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Regex property titles match as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// Regex category titles match as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// `description-required`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescriptionDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Kinds checked (default event and property).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<KindDoc>>,
    /// Shortest acceptable description, in characters (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
}

/// A rule over some kinds (`owner-required`).
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindsDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Kinds checked (default event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<KindDoc>>,
}

/// `banned-words`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WordsDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Words titles must not hold, compared without case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<String>>,
}

/// `required-properties`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Property titles every event must have.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    /// Only events of these categories (default all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
}

/// `no-delete-used`.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageDoc {
    /// Severity (default `warning`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityDoc>,
    /// Deletes of resources used at least this often (`total_usage`) are judged (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_usage: Option<u64>,
}
