//! What titles may say: `title-pattern` (a regex per kind) and `banned-words`.

use super::{case, each_item, ItemKind, RuleId, Rules, Sink};
use crate::manifest::ManifestSet;

/// `title-pattern` and `banned-words`.
pub(super) fn check(set: &ManifestSet, rules: &Rules, sink: &mut Sink<'_>) {
    let patterns = &rules.title_pattern;
    let banned = &rules.banned_words;
    if !patterns.on() && !banned.on() {
        return;
    }
    let words: Vec<String> = banned
        .options
        .words
        .iter()
        .map(|w| w.to_lowercase())
        .collect();
    each_item(set, |item, key| {
        if patterns.on() {
            let re = match item.kind {
                ItemKind::Category => patterns.options.category.as_ref(),
                ItemKind::Event => patterns.options.event.as_ref(),
                ItemKind::Property => patterns.options.property.as_ref(),
            };
            if let Some(re) = re.filter(|re| !whole_match(re, item.title)) {
                let message = format!(
                    "{} title `{}` does not match the pattern",
                    item.kind.as_str(),
                    item.title
                );
                let source = re.as_str();
                let source = source
                    .strip_prefix("^(?:")
                    .and_then(|s| s.strip_suffix(")$"))
                    .unwrap_or(source);
                let hint = format!("expected a title matching `{source}`");
                sink.push(
                    RuleId::TitlePattern,
                    key(),
                    item.origin,
                    message,
                    Some(hint),
                );
            }
        }
        if banned.on() {
            let hit = case::words(item.title)
                .into_iter()
                .find(|w| words.iter().any(|b| b == &w.to_lowercase()));
            if let Some(word) = hit {
                let message = format!(
                    "{} title `{}` holds the banned word `{word}`",
                    item.kind.as_str(),
                    item.title
                );
                let hint = "rename it without the word, or delete it if it was a try-out".into();
                sink.push(RuleId::BannedWords, key(), item.origin, message, Some(hint));
            }
        }
    });
}

/// Whether the pattern matches the whole title (the reader anchors it: `^(?:...)$`).
fn whole_match(re: &regex::Regex, title: &str) -> bool {
    re.is_match(title)
}
