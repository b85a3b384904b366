//! The `hookwarden` program itself, built inside the test package so the
//! end-to-end tests can start, kill and restart it as a real process.

fn main() -> std::process::ExitCode {
    hookwarden::main()
}
