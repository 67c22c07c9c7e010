//! `secoda-sync completions` and `secoda-sync man`: the command line described for shells and
//! `man`, generated from the same clap definition as `--help`.

use crate::cli::completions::{fix_bash_labels, CompletionsArgs, Shell};
use crate::cli::Cli;
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::CommandFactory;

/// The command's name as shells see it.
const BIN: &str = "secoda-sync";

/// Runs `completions`.
///
/// # Errors
/// When stdout cannot be written.
pub(crate) fn completions(args: &CompletionsArgs, printer: &Printer) -> Result<Exit> {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    if shell == S::Bash {
        let script = String::from_utf8_lossy(&buf);
        buf = fix_bash_labels(&script, BIN).into_bytes();
    }
    write(&buf, printer)
}

/// Runs `man`.
///
/// # Errors
/// When stdout cannot be written.
pub(crate) fn man(printer: &Printer) -> Result<Exit> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(Error::writing("the man page"))?;
    write(&buf, printer)
}

fn write(bytes: &[u8], printer: &Printer) -> Result<Exit> {
    use std::io::Write as _;
    printer
        .stdout()
        .write_all(bytes)
        .map_err(Error::writing("stdout"))?;
    Ok(Exit::Success)
}
