//! The `hookwarden` command; see [`hookwarden::main`].

/// mimalloc instead of the system allocator: a hook call allocates and
/// frees many small JSON values on several threads (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hookwarden::main()
}
