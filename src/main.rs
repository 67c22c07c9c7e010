//! The secoda-sync binary: everything it does is the library's `main`.

// mimalloc: loading a 100,000-property manifest is mostly small allocations (titles, names,
// maps), where the system allocator spends a third of the time; measured in benches/load.rs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    secoda_sync::main()
}
