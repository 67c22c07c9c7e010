//! `secoda-sync completions` arguments.

use clap::{Args, ValueEnum};

const AFTER_HELP: &str = "\
Examples:
  secoda-sync completions bash > ~/.local/share/bash-completion/completions/secoda-sync
  secoda-sync completions zsh > \"${fpath[1]}/_secoda-sync\"
  secoda-sync completions fish > ~/.config/fish/completions/secoda-sync.fish
  secoda-sync man > ~/.local/share/man/man1/secoda-sync.1";

/// Print a shell completion script on stdout.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// Repairs a bash script from `clap_complete` whose binary name holds a hyphen: its case
/// labels spell `secoda-sync apply` as `secoda__subcmd__sync__subcmd__apply` while the word
/// walk sets `secoda__sync__subcmd__apply`, so no label matched and nothing after a
/// subcommand completed (clap-rs/clap#6421, fixed upstream but not released). Rewrites the
/// labels' binary-name prefix to the walk's spelling; a script without the bug comes back
/// unchanged.
#[must_use]
pub(crate) fn fix_bash_labels(script: &str, bin: &str) -> String {
    let wrong = bin.replace('-', "__subcmd__");
    let right = bin.replace('-', "__");
    if wrong == right {
        return script.to_owned();
    }
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        match body.strip_prefix(&wrong) {
            // A case label: `        secoda__subcmd__sync__subcmd__apply)`.
            Some(rest)
                if (rest.starts_with("__subcmd__") || rest.starts_with(')'))
                    && rest.trim_end().ends_with(')') =>
            {
                out.push_str(indent);
                out.push_str(&right);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fix_bash_labels;

    #[test]
    fn hyphenated_binary_labels_take_the_word_walks_spelling() {
        let script = "            secoda__sync,apply)\n                \
                      cmd=\"secoda__sync__subcmd__apply\"\n        \
                      secoda__subcmd__sync__subcmd__apply)\n            opts=\"--from\"\n";
        let fixed = fix_bash_labels(script, "secoda-sync");
        assert!(
            fixed.contains("\n        secoda__sync__subcmd__apply)\n"),
            "{fixed}"
        );
        assert!(!fixed.contains("secoda__subcmd__sync"), "{fixed}");
        // Everything else is untouched.
        assert!(fixed.starts_with("            secoda__sync,apply)\n"));
        assert_eq!(fix_bash_labels(script, "plain"), script);
    }
}
