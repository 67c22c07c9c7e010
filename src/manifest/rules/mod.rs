//! Tracking-plan rules: naming and completeness checks over a manifest set, configured by one
//! `rules:` map per set, reported as diagnostics with the rule id as the code.

mod case;
mod completeness;
pub(crate) mod doc;
mod words;

pub(crate) use case::Style;

use crate::manifest::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::manifest::{ManifestSet, Origin};

/// How a rule reports what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    /// The rule does not run.
    Off,
    /// Findings are warnings (errors under `--strict`).
    Warning,
    /// Findings are errors: `plan` and `apply` stop before any API call.
    Error,
}

/// The kinds of item (a titled resource of the set) a rule may look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// An event category.
    Category,
    /// An event.
    Event,
    /// An event property.
    Property,
}

impl ItemKind {
    /// Every kind, by its name as written in `kinds:`.
    pub const NAMES: &'static [(&'static str, ItemKind)] = &[
        ("category", ItemKind::Category),
        ("event", ItemKind::Event),
        ("property", ItemKind::Property),
    ];

    /// The kind's name in messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Event => "event",
            Self::Property => "property",
        }
    }
}

macro_rules! rule_ids {
    ($($variant:ident = $name:literal, [$($opt:literal),*];)*) => {
        /// A built-in rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl RuleId {
            /// Every rule, in the order of the book's diagnostics page.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];
            /// Every rule id as written in `rules:`.
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            /// The id as written in `rules:` (also the diagnostic code).
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The options the rule takes besides `severity`.
            #[must_use]
            pub fn options(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($opt),*],)* }
            }

            /// The diagnostic code of the rule's findings.
            #[must_use]
            pub fn code(self) -> Code {
                match self { $(Self::$variant => Code::$variant,)* }
            }

            /// The rule an id names.
            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

rule_ids! {
    EventTitleCase = "event-title-case", ["style", "verbs"];
    PropertyTitleCase = "property-title-case", ["style", "verbs"];
    CategoryTitleCase = "category-title-case", ["style", "verbs"];
    TitlePattern = "title-pattern", ["event", "property", "category"];
    CaseCollision = "case-collision", [];
    DescriptionRequired = "description-required", ["kinds", "min_length"];
    OwnerRequired = "owner-required", ["kinds"];
    PiiNeedsOwner = "pii-needs-owner", [];
    TypeRequired = "type-required", [];
    BannedWords = "banned-words", ["words"];
    RequiredProperties = "required-properties", ["properties", "categories"];
    NoDeleteUsed = "no-delete-used", ["min_usage"];
}

impl RuleId {
    /// Whether the rule judges a plan (its deletes) rather than the resources themselves:
    /// manifests and `audit` have nothing for it to check.
    #[must_use]
    pub fn judges_plans(self) -> bool {
        self == Self::NoDeleteUsed
    }
}

/// A naming-style rule's options.
#[derive(Debug, Clone)]
pub struct CaseOptions {
    /// The style titles follow.
    pub style: Style,
    /// Past-tense verbs `object-action` accepts besides the built-in list.
    pub verbs: Vec<String>,
}

/// `title-pattern`'s options: a regex per kind, matched against the whole title.
#[derive(Debug, Clone, Default)]
pub struct PatternOptions {
    /// Event titles.
    pub event: Option<regex::Regex>,
    /// Property titles.
    pub property: Option<regex::Regex>,
    /// Category titles.
    pub category: Option<regex::Regex>,
}

/// Options of a rule that looks at some kinds only.
#[derive(Debug, Clone)]
pub struct KindsOptions {
    /// The kinds checked.
    pub kinds: Vec<ItemKind>,
    /// Shortest acceptable text, in characters (`description-required`).
    pub min_length: usize,
}

/// `banned-words`' options.
#[derive(Debug, Clone)]
pub struct WordsOptions {
    /// Words titles must not contain (compared without case).
    pub words: Vec<String>,
}

/// `required-properties`' options.
#[derive(Debug, Clone, Default)]
pub struct RequiredOptions {
    /// Properties every event must have.
    pub properties: Vec<String>,
    /// Only events of these categories (all when empty).
    pub categories: Vec<String>,
}

/// `no-delete-used`'s options.
#[derive(Debug, Clone)]
pub struct UsageOptions {
    /// Deletes of resources used at least this often are held back.
    pub min_usage: u64,
}

/// A rule's level and options.
#[derive(Debug, Clone)]
pub struct Rule<T> {
    /// Off, warning or error.
    pub level: RuleLevel,
    /// The rule's options.
    pub options: T,
}

impl<T> Rule<T> {
    fn off(options: T) -> Self {
        Self {
            level: RuleLevel::Off,
            options,
        }
    }

    fn on(&self) -> bool {
        self.level != RuleLevel::Off
    }
}

/// Every rule's configuration; the default is what a set without `rules:` gets.
#[derive(Debug, Clone)]
pub struct Rules {
    /// `event-title-case`.
    pub event_title_case: Rule<CaseOptions>,
    /// `property-title-case`.
    pub property_title_case: Rule<CaseOptions>,
    /// `category-title-case`.
    pub category_title_case: Rule<CaseOptions>,
    /// `title-pattern`.
    pub title_pattern: Rule<PatternOptions>,
    /// `case-collision` (on by default, as a warning).
    pub case_collision: Rule<()>,
    /// `description-required`.
    pub description_required: Rule<KindsOptions>,
    /// `owner-required`.
    pub owner_required: Rule<KindsOptions>,
    /// `pii-needs-owner`.
    pub pii_needs_owner: Rule<()>,
    /// `type-required`.
    pub type_required: Rule<()>,
    /// `banned-words`.
    pub banned_words: Rule<WordsOptions>,
    /// `required-properties`.
    pub required_properties: Rule<RequiredOptions>,
    /// `no-delete-used` (judged on the plan: see [`Rules::used_delete_floor`]).
    pub no_delete_used: Rule<UsageOptions>,
}

impl Default for Rules {
    fn default() -> Self {
        let case = |style| CaseOptions {
            style,
            verbs: Vec::new(),
        };
        Self {
            event_title_case: Rule::off(case(Style::Title)),
            property_title_case: Rule::off(case(Style::Snake)),
            category_title_case: Rule::off(case(Style::Title)),
            title_pattern: Rule::off(PatternOptions::default()),
            case_collision: Rule {
                level: RuleLevel::Warning,
                options: (),
            },
            description_required: Rule::off(KindsOptions {
                kinds: vec![ItemKind::Event, ItemKind::Property],
                min_length: 1,
            }),
            owner_required: Rule::off(KindsOptions {
                kinds: vec![ItemKind::Event],
                min_length: 0,
            }),
            pii_needs_owner: Rule::off(()),
            type_required: Rule::off(()),
            banned_words: Rule::off(WordsOptions {
                words: ["test", "tmp", "new"].map(String::from).to_vec(),
            }),
            required_properties: Rule::off(RequiredOptions::default()),
            no_delete_used: Rule::off(UsageOptions { min_usage: 1 }),
        }
    }
}

impl Rules {
    /// Sets a rule's level.
    pub fn set_level(&mut self, id: RuleId, level: RuleLevel) {
        let slot = match id {
            RuleId::EventTitleCase => &mut self.event_title_case.level,
            RuleId::PropertyTitleCase => &mut self.property_title_case.level,
            RuleId::CategoryTitleCase => &mut self.category_title_case.level,
            RuleId::TitlePattern => &mut self.title_pattern.level,
            RuleId::CaseCollision => &mut self.case_collision.level,
            RuleId::DescriptionRequired => &mut self.description_required.level,
            RuleId::OwnerRequired => &mut self.owner_required.level,
            RuleId::PiiNeedsOwner => &mut self.pii_needs_owner.level,
            RuleId::TypeRequired => &mut self.type_required.level,
            RuleId::BannedWords => &mut self.banned_words.level,
            RuleId::RequiredProperties => &mut self.required_properties.level,
            RuleId::NoDeleteUsed => &mut self.no_delete_used.level,
        };
        *slot = level;
    }

    /// The level a rule runs at.
    #[must_use]
    pub fn level(&self, id: RuleId) -> RuleLevel {
        match id {
            RuleId::EventTitleCase => self.event_title_case.level,
            RuleId::PropertyTitleCase => self.property_title_case.level,
            RuleId::CategoryTitleCase => self.category_title_case.level,
            RuleId::TitlePattern => self.title_pattern.level,
            RuleId::CaseCollision => self.case_collision.level,
            RuleId::DescriptionRequired => self.description_required.level,
            RuleId::OwnerRequired => self.owner_required.level,
            RuleId::PiiNeedsOwner => self.pii_needs_owner.level,
            RuleId::TypeRequired => self.type_required.level,
            RuleId::BannedWords => self.banned_words.level,
            RuleId::RequiredProperties => self.required_properties.level,
            RuleId::NoDeleteUsed => self.no_delete_used.level,
        }
    }

    /// The usage from which `no-delete-used` holds a planned delete back: `Some` only when
    /// the rule is an error (a warning only reports, see [`Rules::warns_used_deletes`]).
    #[must_use]
    pub fn used_delete_floor(&self) -> Option<u64> {
        (self.no_delete_used.level == RuleLevel::Error)
            .then_some(self.no_delete_used.options.min_usage)
    }

    /// The usage from which `no-delete-used` warns of a planned delete, when it is a warning.
    #[must_use]
    pub fn warns_used_deletes(&self) -> Option<u64> {
        (self.no_delete_used.level == RuleLevel::Warning)
            .then_some(self.no_delete_used.options.min_usage)
    }
}

/// One finding: the rule, the resource it is about, and its diagnostic.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that found it.
    pub rule: RuleId,
    /// The resource's key as plans show it (`Checkout/Order Completed/order_id`).
    pub key: String,
    /// The diagnostic (rule id as the code, severity from the rule's level).
    pub diagnostic: Diagnostic,
}

/// A titled resource of the set, with the key of its parent.
#[derive(Clone, Copy)]
pub(crate) struct Item<'s> {
    pub(crate) kind: ItemKind,
    pub(crate) title: &'s str,
    pub(crate) origin: &'s Origin,
}

/// Collects findings, turning each into a diagnostic at the rule's level.
pub(crate) struct Sink<'r> {
    rules: &'r Rules,
    findings: Vec<Finding>,
}

impl Sink<'_> {
    pub(crate) fn push(
        &mut self,
        rule: RuleId,
        key: String,
        origin: &Origin,
        message: String,
        hint: Option<String>,
    ) -> Option<&mut Diagnostic> {
        let severity = match self.rules.level(rule) {
            RuleLevel::Off => return None,
            RuleLevel::Warning => Severity::Warning,
            RuleLevel::Error => Severity::Error,
        };
        let location = (!origin.file.is_empty()).then(|| Location::from(origin));
        let mut diagnostic = Diagnostic::new(rule.code(), message, location);
        diagnostic.severity = severity;
        diagnostic.hint = hint;
        self.findings.push(Finding {
            rule,
            key,
            diagnostic,
        });
        self.findings.last_mut().map(|f| &mut f.diagnostic)
    }
}

/// Runs every rule that is on over the set; findings come in rule order, then set order.
#[must_use]
pub fn check(set: &ManifestSet, rules: &Rules) -> Vec<Finding> {
    let mut sink = Sink {
        rules,
        findings: Vec::new(),
    };
    case::check(set, rules, &mut sink);
    if rules.case_collision.on() {
        case::collisions(set, &mut sink);
    }
    words::check(set, rules, &mut sink);
    completeness::check(set, rules, &mut sink);
    sink.findings
}

/// Calls `f` on every category, event and property with its key.
pub(crate) fn each_item<'s>(
    set: &'s ManifestSet,
    mut f: impl FnMut(Item<'s>, &dyn Fn() -> String),
) {
    for c in &set.categories {
        let item = Item {
            kind: ItemKind::Category,
            title: &c.title,
            origin: &c.origin,
        };
        f(item, &|| c.title.clone());
        for e in &c.events {
            let item = Item {
                kind: ItemKind::Event,
                title: &e.title,
                origin: &e.origin,
            };
            f(item, &|| format!("{}/{}", c.title, e.title));
            for p in &e.properties {
                let item = Item {
                    kind: ItemKind::Property,
                    title: &p.title,
                    origin: &p.origin,
                };
                f(item, &|| format!("{}/{}/{}", c.title, e.title, p.title));
            }
        }
    }
}
