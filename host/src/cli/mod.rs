//! The `hookwarden` command line.
//!
//! Lives in the library so the binary and the end-to-end tests run the same
//! program. One module per group of commands:
//! - [`serve`]: the server;
//! - [`demo`]: a server with the example plugins registered, for a first run;
//! - [`client`]: admin commands against a running server (`plugin`, `hook`);
//! - [`logs`]: the execution journal of a running server (`logs`);
//! - [`offline`]: tools for plugin authors that need no server (`sample`,
//!   `invoke`, `new`).

pub mod client;
pub mod demo;
pub mod logs;
pub mod offline;
pub mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Hookwarden: one host for all your Okta inline hooks, each a sandboxed
/// WebAssembly component.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: Okta calls `POST /hooks/{hookId}`; the admin API is
    /// under `/api/v1`.
    Serve(Box<crate::config::Config>),
    /// Run a server with the example plugins registered as hooks, and print
    /// a ready-to-paste curl command for each.
    Demo(demo::DemoArgs),
    /// Manage plugins on a running server.
    #[command(subcommand)]
    Plugin(client::PluginCommand),
    /// Manage inline hooks on a running server.
    #[command(subcommand)]
    Hook(client::HookCommand),
    /// Show what hook calls did (the execution journal), newest last;
    /// `--follow` keeps printing new calls.
    Logs(logs::LogsArgs),
    /// Print a realistic Okta request for a hook type.
    Sample(offline::SampleArgs),
    /// Run a plugin locally, in the server's sandbox and limits, and report
    /// what it did.
    Invoke(offline::InvokeArgs),
    /// Scaffold a new plugin project.
    New(offline::NewArgs),
    /// Compile one component from standard input within limits (the
    /// server's compile worker; not for direct use).
    #[command(hide = true)]
    CompileWorker(crate::runtime::compiler::WorkerArgs),
}

/// Parses the command line and runs the command. The exit code is 0 on
/// success, 1 on an error or a usage mistake (printed to standard error),
/// and what the command chose otherwise (`invoke`: 2 when the answer would
/// be replaced by the failure policy).
pub fn main() -> ExitCode {
    // Usage errors exit 1, not clap's 2, which `invoke` uses for "the answer
    // would be replaced".
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // The compile worker lowers its limits before any other thread exists.
    let cli = match cli.command {
        Command::CompileWorker(args) => return crate::runtime::compiler::worker_main(args),
        command => Cli { command },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(config) => serve::run(*config).await.map(|()| ExitCode::SUCCESS),
            Command::Demo(args) => demo::run(args).await,
            Command::Plugin(command) => client::run_plugin(command).await,
            Command::Hook(command) => client::run_hook(command).await,
            Command::Logs(args) => logs::run(args).await,
            Command::Sample(args) => offline::sample(args),
            Command::Invoke(args) => offline::invoke(args).await,
            Command::New(args) => offline::new(args),
            Command::CompileWorker(_) => unreachable!("run before the async runtime"),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
