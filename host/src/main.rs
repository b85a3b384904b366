//! The `hookwarden` command; see [`hookwarden::cli`].

fn main() -> anyhow::Result<()> {
    hookwarden::cli::main()
}
