//! The decisions before an apply: whether it may go ahead and whether to ask first (how it
//! ended is [`super::outcome::Verdict`]).

use crate::plan::{Block, Plan};

/// Why a plan must not be applied at all: the note of its first change held back by a safety
/// cap (`None` when nothing is held back), for a plan that is `saved` (`apply --plan`) or made
/// by this run: a saved plan's holds are in the file, so the remedy is a new plan, not a flag
/// of the apply.
#[must_use]
pub(crate) fn refusal_of(plan: &Plan, saved: bool) -> Option<String> {
    let blocked = plan.changes.iter().find(|c| c.is_blocked())?;
    if saved {
        return Some(format!(
            "{} (nothing was written: the saved plan holds it back, so no flag of `apply \
             --plan` lets it through; re-run `secoda-sync plan --out` with the flag named above)",
            blocked
                .note
                .as_deref()
                .unwrap_or("deletes over a safety cap")
        ));
    }
    let remedy = match blocked.blocked {
        Some(Block::Used) => "name it in --allow-used-deletes",
        _ => "raise the flag named above",
    };
    Some(format!(
        "{} (nothing was written; {remedy}, or narrow the plan with --target)",
        blocked
            .note
            .as_deref()
            .unwrap_or("deletes over a safety cap")
    ))
}

/// Whether to ask before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Confirmation {
    /// Go ahead: nothing to write, or `--auto-approve`.
    NotNeeded,
    /// Ask this question (`[y/N]` follows it).
    Ask(String),
    /// No terminal to ask on: refuse, for this reason.
    Refuse(String),
}

/// Decides whether an apply of `writes` writes asks first; `terminal` is whether stdin and
/// the printer are interactive.
#[must_use]
pub(crate) fn confirmation(writes: usize, auto_approve: bool, terminal: bool) -> Confirmation {
    if writes == 0 || auto_approve {
        return Confirmation::NotNeeded;
    }
    if !terminal {
        return Confirmation::Refuse(
            "not asking for confirmation without a terminal: pass --auto-approve to apply".into(),
        );
    }
    Confirmation::Ask(if writes == 1 {
        "Apply this 1 change?".to_owned()
    } else {
        format!("Apply these {writes} changes?")
    })
}

/// Whether an answer to the question is a yes (`y` or `yes`, any case).
#[must_use]
pub(crate) fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_is_asked_only_on_a_terminal_and_only_for_writes() {
        assert_eq!(confirmation(0, false, false), Confirmation::NotNeeded);
        assert_eq!(confirmation(3, true, false), Confirmation::NotNeeded);
        assert!(matches!(
            confirmation(3, false, false),
            Confirmation::Refuse(_)
        ));
        assert_eq!(
            confirmation(1, false, true),
            Confirmation::Ask("Apply this 1 change?".into())
        );
        assert_eq!(
            confirmation(2, false, true),
            Confirmation::Ask("Apply these 2 changes?".into())
        );
    }

    #[test]
    fn only_y_or_yes_confirms() {
        for yes in ["y", "Y", " yes\n", "YES"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "yess", "\n"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
