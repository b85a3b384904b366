//! The `hookwarden` command; see [`hookwarden::cli`].

fn main() -> std::process::ExitCode {
    hookwarden::cli::main()
}
