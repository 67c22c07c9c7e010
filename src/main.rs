//! The secoda-sync binary: everything it does is the library's `main`.

fn main() -> std::process::ExitCode {
    secoda_sync::main()
}
