//! Compiling untrusted components with bounded time, memory and concurrency, in a child process.
//!
//! A component can be built to be slow or memory-hungry to compile (a "compile
//! bomb": one huge function, thousands of large ones). Compiling it in the
//! server would take a core and unbounded memory for as long as the compiler
//! likes, and a compiling thread cannot be stopped. So, with
//! [`Compiler::Subprocess`] (what `hookwarden serve` and `demo` use), each
//! compile runs in a child process, `hookwarden compile-worker` (hidden from
//! `--help`), which lowers its own address-space limit
//! ([`CompileLimits::memory_bytes`]) and CPU-time limit (a backstop) before
//! reading the component on standard input, compiles it with the server's
//! code-generation settings (`engine_config`) and writes the machine code
//! to standard output. The parent kills it at [`CompileLimits::time`].
//! [`Compiler::InProcess`] (the library default, which in-process test
//! servers use: there the current executable is the test binary) compiles
//! on a blocking thread with only the concurrency bound.
//!
//! Both bound compiles at once by [`CompileLimits::max_concurrent`]; a
//! compile that cannot get a turn within [`CompileLimits::time`] is refused
//! with [`CompileError::Busy`].

use super::{CompileError, Runtime};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Default [`CompileLimits::time`]: 60 s. Real JavaScript and Python
/// components (tens of MB) compile in 6-8 s with a release build on the
/// reference machine; a component needing more than 7x that is refused.
/// A debug build compiles many times slower (the 12.5 MB JavaScript
/// token-claims example took 120-150 s in a debug-built worker on a
/// loaded 2-core machine): raise the limit when serving from one.
pub(crate) const DEFAULT_COMPILE_TIME_LIMIT: Duration = Duration::from_secs(60);
/// Default [`CompileLimits::memory_bytes`]: 4 GiB of address space for a
/// compile worker. The 12.5 MB JavaScript token-claims example compiles
/// within a 1 GiB limit (peak resident 480 MB).
pub(crate) const DEFAULT_COMPILE_MEMORY_BYTES: u64 = 4 << 30;
/// Default [`CompileLimits::max_concurrent`]: 1 compile at a time (the
/// compiler already uses every core for one component).
pub(crate) const DEFAULT_MAX_CONCURRENT_COMPILES: usize = 1;

/// The worker's exit code when the component is not valid WebAssembly (the
/// reason is on its standard error).
const EXIT_INVALID: u8 = 3;
/// The worker's exit code when the compiler ran out of memory.
const EXIT_OUT_OF_MEMORY: u8 = 4;
/// The signal that ends a process past its soft RLIMIT_CPU (Linux, BSDs, macOS).
#[cfg(unix)]
const SIGXCPU: i32 = 24;
/// The signal of `abort()`, which Rust calls when an allocation fails.
#[cfg(unix)]
const SIGABRT: i32 = 6;
/// Most bytes of a worker's standard error kept for an error message.
const MAX_ERROR_BYTES: usize = 4096;

/// Where components are compiled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Compiler {
    /// On a blocking thread of this process: compile time and memory are
    /// not bounded, only the number of compiles at once. The default of the
    /// library (servers run inside tests, where the current executable is
    /// not `hookwarden`).
    #[default]
    InProcess,
    /// In a child process, `exe compile-worker`, with the time and memory
    /// limits. `exe` must be the `hookwarden` program (the same build as
    /// the server: its machine code must load in the server's engine).
    /// `hookwarden serve` and `demo` use this with their own executable.
    Subprocess {
        /// The `hookwarden` program.
        exe: PathBuf,
    },
}

impl Compiler {
    /// [`Compiler::Subprocess`] running this process's own executable.
    ///
    /// # Errors
    ///
    /// If the executable's path cannot be found.
    pub fn current_exe() -> std::io::Result<Compiler> {
        Ok(Compiler::Subprocess {
            exe: std::env::current_exe()?,
        })
    }
}

/// Bounds on compiling one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileLimits {
    /// Longest a compile may take, and longest an upload waits for a turn
    /// to compile. Default 60 s. Enforced
    /// only by [`Compiler::Subprocess`].
    pub time: Duration,
    /// Address space of a compile worker, in bytes. Default
    /// 4 GiB. Enforced only by
    /// [`Compiler::Subprocess`] (on Unix).
    pub memory_bytes: u64,
    /// Compiles at once; more wait for a turn. Default
    /// 1.
    pub max_concurrent: usize,
}

impl Default for CompileLimits {
    fn default() -> Self {
        CompileLimits {
            time: DEFAULT_COMPILE_TIME_LIMIT,
            memory_bytes: DEFAULT_COMPILE_MEMORY_BYTES,
            max_concurrent: DEFAULT_MAX_CONCURRENT_COMPILES,
        }
    }
}

/// A [`Compiler`] with its limits and its turns.
pub(crate) struct Compilation {
    compiler: Compiler,
    limits: CompileLimits,
    turns: Arc<tokio::sync::Semaphore>,
}

impl Compilation {
    pub(crate) fn new(compiler: Compiler, limits: CompileLimits) -> Self {
        Compilation {
            compiler,
            turns: Arc::new(tokio::sync::Semaphore::new(limits.max_concurrent.max(1))),
            limits,
        }
    }

    /// Compiles `bytes` into machine code for `runtime`'s engine, waiting
    /// for a turn first.
    ///
    /// # Errors
    ///
    /// [`CompileError::NotAComponent`] or [`CompileError::Invalid`] for
    /// bad bytes; [`CompileError::TimeLimit`] or
    /// [`CompileError::MemoryLimit`] past a limit; [`CompileError::Busy`]
    /// without a turn within the time limit; [`CompileError::Worker`] if
    /// the worker could not run.
    pub(crate) async fn precompile(
        &self,
        runtime: &Arc<Runtime>,
        bytes: Arc<Vec<u8>>,
    ) -> Result<Vec<u8>, CompileError> {
        super::check_component_header(&bytes)?;
        let _turn = tokio::time::timeout(self.limits.time, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| CompileError::Busy(self.limits.max_concurrent))?
            .map_err(|_| CompileError::Worker("the compile queue is closed".into()))?;
        match &self.compiler {
            Compiler::InProcess => {
                let runtime = runtime.clone();
                tokio::task::spawn_blocking(move || runtime.precompile(&bytes))
                    .await
                    .unwrap_or_else(|e| Err(CompileError::Worker(format!("compiler crashed: {e}"))))
            }
            Compiler::Subprocess { exe } => run_worker(exe, self.limits, bytes).await,
        }
    }
}

/// Runs `exe compile-worker` on `bytes` within `limits`.
async fn run_worker(
    exe: &std::path::Path,
    limits: CompileLimits,
    bytes: Arc<Vec<u8>>,
) -> Result<Vec<u8>, CompileError> {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(exe)
        .arg("compile-worker")
        .arg("--memory-bytes")
        .arg(limits.memory_bytes.to_string())
        .arg("--cpu-seconds")
        .arg(cpu_backstop(limits.time).to_string())
        .env_clear()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CompileError::Worker(format!("starting {}: {e}", exe.display())))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feed = async move {
        // A worker that dies early closes the pipe; its exit says why.
        let _ = stdin.write_all(&bytes).await;
        drop(stdin);
    };
    let run = async {
        let ((), output) = tokio::join!(feed, child.wait_with_output());
        output
    };
    // On timeout, dropping `run` drops the child, which kills it.
    let output = tokio::time::timeout(limits.time, run)
        .await
        .map_err(|_| CompileError::TimeLimit(limits.time))?
        .map_err(|e| CompileError::Worker(format!("waiting for the worker: {e}")))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = error_text(&output.stderr);
    Err(classify_failure(output.status, &stderr, limits))
}

/// The worker's CPU-time limit, in seconds: the wall-clock limit times the
/// cores (the compiler runs on all of them) plus a second. Only a backstop
/// for a worker whose parent died; the parent kills it at the wall-clock
/// limit.
fn cpu_backstop(time: Duration) -> u64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
    time.as_secs().max(1) * cores + 1
}

/// The worker's standard error as text, bounded.
fn error_text(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(&stderr[..stderr.len().min(MAX_ERROR_BYTES)]);
    text.trim().to_owned()
}

/// Why a worker that exited unsuccessfully failed.
fn classify_failure(
    status: std::process::ExitStatus,
    stderr: &str,
    limits: CompileLimits,
) -> CompileError {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            // The CPU backstop.
            Some(SIGXCPU) => return CompileError::TimeLimit(limits.time),
            // Rust aborts when an allocation fails.
            Some(SIGABRT) if stderr.contains("memory allocation") => {
                return CompileError::MemoryLimit(limits.memory_bytes);
            }
            _ => {}
        }
    }
    match status.code() {
        Some(code) if code == i32::from(EXIT_INVALID) => CompileError::Invalid(stderr.to_owned()),
        Some(code) if code == i32::from(EXIT_OUT_OF_MEMORY) => {
            CompileError::MemoryLimit(limits.memory_bytes)
        }
        _ if stderr.contains("memory allocation") => CompileError::MemoryLimit(limits.memory_bytes),
        _ => CompileError::Worker(format!("it exited with {status}: {stderr}")),
    }
}

/// Options of the hidden `hookwarden compile-worker` command.
#[derive(clap::Args, Debug)]
pub(crate) struct WorkerArgs {
    /// Address-space limit of this process, in bytes.
    #[arg(long)]
    pub memory_bytes: u64,
    /// CPU-time limit of this process, in seconds.
    #[arg(long)]
    pub cpu_seconds: u64,
}

/// `hookwarden compile-worker`: lowers this process's limits, reads a
/// component on standard input, writes its machine code on standard
/// output. Exit 0 on success, 3 with the reason on standard error when the
/// component is invalid, 4 when the compiler ran out of memory, 1 when the
/// limits cannot be set. Runs before any async runtime or thread starts.
pub(crate) fn worker_main(args: WorkerArgs) -> ExitCode {
    use std::io::{Read, Write};
    if let Err(e) = lower_limits(&args) {
        eprintln!("setting the compile limits: {e}");
        return ExitCode::FAILURE;
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("reading the component: {e}");
        return ExitCode::FAILURE;
    }
    let engine = match wasmtime::Engine::new(&super::engine_config()) {
        Ok(engine) => engine,
        Err(e) => {
            return out_of_memory_or(&format!("creating the engine: {e:#}"), ExitCode::FAILURE);
        }
    };
    let code = match engine.precompile_component(&bytes) {
        Ok(code) => code,
        Err(e) => return out_of_memory_or(&format!("{e:#}"), ExitCode::from(EXIT_INVALID)),
    };
    drop(bytes);
    let mut out = std::io::stdout().lock();
    match out.write_all(&code).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("writing the machine code: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints `message`, and exits [`EXIT_OUT_OF_MEMORY`] if it says memory
/// ran out (an `mmap` refused under the address-space limit), else `code`.
fn out_of_memory_or(message: &str, code: ExitCode) -> ExitCode {
    eprintln!("{message}");
    if message.contains("Cannot allocate memory") || message.contains("out of memory") {
        ExitCode::from(EXIT_OUT_OF_MEMORY)
    } else {
        code
    }
}

/// Sets RLIMIT_AS and RLIMIT_CPU of this process. The CPU hard limit is
/// a second above the soft one, so the kernel sends SIGXCPU (which the
/// parent reads as the time limit) before SIGKILL.
#[cfg(unix)]
fn lower_limits(args: &WorkerArgs) -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    for (resource, soft, hard) in [
        (Resource::As, args.memory_bytes, args.memory_bytes),
        (Resource::Cpu, args.cpu_seconds, args.cpu_seconds + 1),
    ] {
        setrlimit(
            resource,
            Rlimit {
                current: Some(soft),
                maximum: Some(hard),
            },
        )?;
    }
    Ok(())
}

/// Elsewhere the limits are not available; the parent's time limit still
/// applies.
#[cfg(not(unix))]
fn lower_limits(_args: &WorkerArgs) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_told_apart() {
        use std::os::unix::process::ExitStatusExt;
        let limits = CompileLimits::default();
        let exit = |code: i32| std::process::ExitStatus::from_raw(code << 8);
        assert_eq!(
            classify_failure(exit(3), "bad section", limits),
            CompileError::Invalid("bad section".into())
        );
        assert_eq!(
            classify_failure(exit(4), "mmap: Cannot allocate memory", limits),
            CompileError::MemoryLimit(limits.memory_bytes)
        );
        assert_eq!(
            classify_failure(
                std::process::ExitStatus::from_raw(6),
                "memory allocation of 1048576 bytes failed",
                limits
            ),
            CompileError::MemoryLimit(limits.memory_bytes)
        );
        assert_eq!(
            classify_failure(std::process::ExitStatus::from_raw(SIGXCPU), "", limits),
            CompileError::TimeLimit(limits.time)
        );
        assert!(matches!(
            classify_failure(exit(1), "setting the compile limits: EPERM", limits),
            CompileError::Worker(_)
        ));
    }

    #[test]
    fn machine_code_from_the_on_demand_engine_loads_in_the_servers_pooling_engine() {
        let runtime = Runtime::new(super::super::RuntimeConfig {
            max_instances: 2,
            ..Default::default()
        })
        .unwrap();
        let worker = wasmtime::Engine::new(&super::super::engine_config()).unwrap();
        let component = wat::parse_str(
            r#"(component
                (core module $m (func (export "f") (result i32) i32.const 7))
                (core instance $i (instantiate $m))
                (func (export "f") (result u32) (canon lift (core func $i "f")))
            )"#,
        )
        .unwrap();
        let code = worker.precompile_component(&component).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // It deserializes (and then fails the world check, as it should).
        let err = runtime
            .plugin_from_artifact(&code, &dir.path().join("a.cwasm"))
            .err()
            .expect("not a hook handler");
        assert!(matches!(err, CompileError::WrongWorld(_)), "{err}");
    }
}
