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
