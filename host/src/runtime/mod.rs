//! The WebAssembly sandbox: one engine per process, plugins compiled once, a fresh instance per call.
//!
//! - [`Runtime::new`] builds the engine (component model, fuel, epoch
//!   interruption, pooling allocator) and a linker holding the host API and a
//!   WASI that grants nothing.
//! - [`Runtime::compile`] validates and compiles a component into a
//!   [`Plugin`], pre-instantiated so a call only has to allocate.
//! - [`compiler`] compiles uploads into machine code, in a limited child
//!   process (`hookwarden compile-worker`) or in process, a bounded number
//!   at once; `Runtime::plugin_from_artifact` loads the result.
//! - [`Runtime::admit`] bounds the calls in flight, per hook and in total.
//! - [`Runtime::call`] runs one call in a fresh store, on the sandbox's own
//!   threads (a tokio runtime of their own), so nothing a plugin does can
//!   hold the threads that serve HTTP and answer at deadlines.

mod admission;
pub mod bindings;
mod cache;
mod call;
pub mod compiler;
mod host_api;
mod legacy;

pub use admission::Shed;
pub use admission::{ANSWER_DEADLINE, CallGate, Ticket};
pub use call::CallFailure;
pub use call::CallReport;
pub(crate) use call::MAX_REASON_BYTES;
pub use compiler::{CompileLimits, Compiler};
#[cfg(test)]
pub(crate) use host_api::LogLevel;
pub use host_api::LogLine;

use crate::limits::MAX_MEMORY_BYTES;
use admission::Admission;
use bindings::HookHandlerPre;
use bindings::types::{Request, Response};
use call::CallState;
use std::time::Duration;
use wasmtime::component::{Component, Linker};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
};

/// The WIT world plugins are built against: `wit/hook-handler.wit`.
pub const WORLD: &str = "hookwarden:inline-hook/hook-handler@0.2.0";

/// The previous world, still accepted: `host/wit-0.1/hook-handler.wit`.
/// Its answers can only be valid 0.2.0 answers (0.2.0 relaxed, never
/// tightened), so its plugins keep working unchanged.
pub(crate) const LEGACY_WORLD: &str = "hookwarden:inline-hook/hook-handler@0.1.0";

/// How often the epoch advances. A running plugin yields to the async
/// runtime once per tick and is stopped at the first tick past its budget,
/// so this is also the precision of the time budget: 5 ms. It is also the
/// longest a long call (see [`LONG_CALL_AFTER`]) runs before another call
/// on the same thread gets its turn.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Most elements a table may hold (tables hold function references): the
/// pool's table slots are this size, and a call's `table.grow` past it is
/// refused.
const TABLE_ELEMENTS: usize = 1 << 16;

/// Sizing of the engine and its pooling allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Plugin instances that may be alive at once: the bound on calls in
    /// flight over all hooks. Default 128: on the reference machine (2
    /// cores) a call takes well under a millisecond, so 128 slots cover
    /// bursts far beyond what the cores can run. A call that finds no free
    /// slot waits for one (see `max_queue_wait`).
    pub max_instances: u32,
    /// Calls of one hook in flight at once. Default 32, a quarter of the
    /// slots: a hook whose plugin hangs until its budget cannot take the
    /// slots other hooks need.
    pub max_calls_per_hook: u32,
    /// How long a call may wait for its hook's turn and a slot before it is
    /// shed (answered at once with the safe answer). Default 500 ms, and
    /// never past the call's own deadline (its arrival plus its time
    /// budget), so waiting cannot push an answer past [`ANSWER_DEADLINE`].
    pub max_queue_wait: Duration,
    /// Threads plugin calls run on (a tokio runtime of their own, apart
    /// from the one serving HTTP). Default: the machine's cores.
    pub sandbox_threads: u32,
    /// Calls past 20 ms (`call::LONG_CALL_AFTER`) that run at once; the other long
    /// calls wait for a turn (taking turns at every epoch tick), so calls
    /// that loop until their budget cannot crowd out short ones. Default:
    /// the machine's cores less one, at least one.
    pub max_long_calls: u32,
    /// Linear memories per instance slot, and so the most one plugin may
    /// declare (a plugin with more is refused at upload). Default 2 (Rust
    /// and C components use one; some toolchains add an adapter memory).
    pub memories_per_instance: u32,
    /// Core instances per instance slot, and so the most one plugin may
    /// contain; also the most tables one plugin may define. Default 32
    /// (components from other languages contain many small shim modules).
    pub core_instances_per_instance: u32,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            max_instances: 128,
            max_calls_per_hook: 32,
            max_queue_wait: Duration::from_millis(500),
            max_long_calls: std::thread::available_parallelism()
                .map_or(1, |n| n.get() as u32 - 1)
                .max(1),
            sandbox_threads: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
            memories_per_instance: 2,
            core_instances_per_instance: 32,
        }
    }
}

/// Why a component was not accepted as a plugin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The bytes are a core WebAssembly module, not a component.
    #[error(
        "this is a core WebAssembly module, not a component; build for wasm32-wasip2 or wrap it with `wasm-tools component new`"
    )]
    NotAComponent,
    /// The bytes are not valid WebAssembly.
    #[error("not a valid WebAssembly component: {0}")]
    Invalid(String),
    /// Compiling took longer than the compile time limit and was stopped.
    #[error(
        "compiling the component took longer than the compile time limit of {} s and was stopped; a plugin this slow to compile is refused (an operator can raise the limit with --compile-time-limit-secs or HOOKWARDEN_COMPILE_TIME_LIMIT_SECS)",
        .0.as_secs()
    )]
    TimeLimit(Duration),
    /// Compiling needed more memory than the compile memory limit.
    #[error(
        "compiling the component needed more than the compile memory limit of {} MiB and was stopped; a plugin this costly to compile is refused (an operator can raise the limit with --compile-memory-limit-mib or HOOKWARDEN_COMPILE_MEMORY_LIMIT_MIB)",
        .0 >> 20
    )]
    MemoryLimit(u64),
    /// Every compile slot stayed busy for as long as one compile may take.
    #[error("the server is busy compiling other plugins (at most {0} at once); try again later")]
    Busy(usize),
    /// The compile worker could not be run or failed for a reason of its own
    /// (a fault of the host, not of the component).
    #[error("the compile worker failed: {0}")]
    Worker(String),
    /// The component imports something the host does not provide, or its
    /// exports do not match the `hook-handler` world.
    #[error("does not fit the hookwarden:inline-hook/hook-handler world: {0}")]
    WrongWorld(String),
    /// The component declares more linear memories, tables or core
    /// instances than one instance slot holds
    /// ([`RuntimeConfig::memories_per_instance`],
    /// [`RuntimeConfig::core_instances_per_instance`]).
    #[error(
        "uses more than one plugin's share of the instance pool ({0}); a plugin may declare at most {1} memories and {2} core instances and tables"
    )]
    OverPoolShare(String, u32, u32),
}

/// A compiled, pre-instantiated plugin, ready for any number of calls.
pub struct Plugin {
    pre: Pre,
}

/// The pre-instance of the world the component targets.
enum Pre {
    /// [`WORLD`] (0.2.0).
    Current(HookHandlerPre<CallState>),
    /// [`LEGACY_WORLD`] (0.1.0).
    Legacy(bindings::v0_1::HookHandlerPre<CallState>),
}

/// Why a call failed in wasmtime: `true` if during instantiation.
type RunError = (bool, wasmtime::Error);

impl Plugin {
    /// The WIT world the component targets ([`WORLD`] or [`LEGACY_WORLD`]).
    pub fn world(&self) -> &'static str {
        match self.pre {
            Pre::Current(_) => WORLD,
            Pre::Legacy(_) => LEGACY_WORLD,
        }
    }

    /// Instantiates the plugin in `store` and calls `handle` once; a 0.1.0
    /// plugin's request and answer are converted here, and only here.
    async fn run(
        &self,
        store: &mut Store<CallState>,
        request: &Request,
    ) -> Result<Result<Response, String>, RunError> {
        match &self.pre {
            Pre::Current(pre) => {
                let instance = pre
                    .instantiate_async(&mut *store)
                    .await
                    .map_err(|e| (true, e))?;
                instance
                    .call_handle(store, request)
                    .await
                    .map_err(|e| (false, e))
            }
            Pre::Legacy(pre) => {
                let instance = pre
                    .instantiate_async(&mut *store)
                    .await
                    .map_err(|e| (true, e))?;
                let answer = instance
                    .call_handle(store, &legacy::request(request))
                    .await
                    .map_err(|e| (false, e))?;
                Ok(answer.map(legacy::response))
            }
        }
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin").finish_non_exhaustive()
    }
}

/// The engine, the linker and the epoch ticker, shared by every call.
pub struct Runtime {
    engine: Engine,
    /// [`Runtime::engine_key`], computed once.
    engine_key: String,
    linker: Linker<CallState>,
    admission: Admission,
    max_calls_per_hook: u32,
    long_call_turns: std::sync::Arc<tokio::sync::Semaphore>,
    /// Memories, and core instances and tables, one plugin may declare.
    pool_share: (u32, u32),
    /// The threads plugin calls run on (`None` only while dropping).
    sandbox: Option<tokio::runtime::Runtime>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Dropping a tokio runtime blocks, which is not allowed inside
        // another runtime; calls still running are abandoned.
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown_background();
        }
    }
}

impl Runtime {
    /// Creates the engine and linker and starts the epoch ticker thread,
    /// which stops by itself when the runtime is dropped.
    ///
    /// # Errors
    ///
    /// Fails if the engine cannot be created with this configuration (for
    /// example if the pooling allocator cannot reserve its address space).
    pub fn new(config: RuntimeConfig) -> anyhow::Result<Self> {
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(config.max_instances)
            .total_memories(config.max_instances * config.memories_per_instance)
            .total_tables(config.max_instances * config.core_instances_per_instance)
            .total_core_instances(config.max_instances * config.core_instances_per_instance)
            .total_stacks(config.max_instances)
            // One call gets at most one slot's share of the pool: a plugin
            // declaring more memories, tables or core instances than a slot
            // holds is refused at upload (wasmtime checks this when it
            // compiles or loads a component), so no call can take the
            // memories every other call needs.
            .max_memories_per_component(config.memories_per_instance)
            .max_tables_per_component(config.core_instances_per_instance)
            .max_core_instances_per_component(config.core_instances_per_instance)
            .max_memory_size(MAX_MEMORY_BYTES as usize)
            .max_tables_per_module(4)
            .table_elements(TABLE_ELEMENTS)
            .linear_memory_keep_resident(4 << 20)
            .table_keep_resident(64 << 10)
            // Reset only the pages a call dirtied (Linux 6.7+'s PAGEMAP_SCAN;
            // elsewhere the whole kept-resident prefix is `memset`): most of a
            // Rust plugin's 1 MiB stack is never touched.
            .pagemap_scan(Enabled::Auto);

        let mut wasm = engine_config();
        wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&wasm).map_err(|e| anyhow::anyhow!("{e:#}"))?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        bindings::HookHandler::add_to_linker::<_, wasmtime::component::HasSelf<_>>(
            &mut linker,
            |state: &mut CallState| state,
        )
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        bindings::v0_1::HookHandler::add_to_linker::<_, wasmtime::component::HasSelf<_>>(
            &mut linker,
            |state: &mut CallState| state,
        )
        .map_err(|e| anyhow::anyhow!("{e:#}"))?;

        spawn_epoch_ticker(&engine);
        let sandbox = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.sandbox_threads.max(1) as usize)
            .thread_name("hookwarden-sandbox")
            .enable_all()
            .build()?;
        Ok(Runtime {
            sandbox: Some(sandbox),
            engine_key: cache::engine_key(&engine),
            engine,
            linker,
            admission: Admission::new(config.max_instances, config.max_queue_wait),
            max_calls_per_hook: config.max_calls_per_hook,
            long_call_turns: std::sync::Arc::new(tokio::sync::Semaphore::new(
                config.max_long_calls.max(1) as usize,
            )),
            pool_share: (
                config.memories_per_instance,
                config.core_instances_per_instance,
            ),
        })
    }

    /// A new per-hook bound of [`RuntimeConfig::max_calls_per_hook`] calls.
    pub fn call_gate(&self) -> CallGate {
        CallGate::new(self.max_calls_per_hook)
    }

    /// Waits for a permit of `gate` and a free instance slot, no longer than
    /// [`RuntimeConfig::max_queue_wait`] and never past `deadline`, the
    /// call's own deadline (its arrival plus its time budget). Hold the
    /// ticket for the whole call.
    ///
    /// # Errors
    ///
    /// [`Shed`] when the call should not run: answer it at once.
    pub(crate) async fn admit(
        &self,
        gate: &CallGate,
        deadline: std::time::Instant,
    ) -> Result<Ticket, Shed> {
        self.admission
            .admit(gate, tokio::time::Instant::from_std(deadline))
            .await
    }

    /// Calls in flight now, over all hooks.
    pub fn calls_in_flight(&self) -> u32 {
        self.admission.in_flight()
    }

    /// The runtime plugin calls run on.
    fn sandbox(&self) -> &tokio::runtime::Handle {
        self.sandbox
            .as_ref()
            .expect("the sandbox lives as long as the runtime")
            .handle()
    }

    /// Validates `bytes` as a hook-handler component and compiles it.
    ///
    /// This is CPU-heavy (milliseconds for a small Rust plugin, seconds for
    /// a JavaScript or Python one): call it off the async runtime.
    ///
    /// # Errors
    ///
    /// A [`CompileError`] saying what is wrong in terms a plugin author can
    /// act on.
    pub fn compile(&self, bytes: &[u8]) -> Result<Plugin, CompileError> {
        self.compile_component(bytes).map(|(plugin, _)| plugin)
    }

    /// [`Runtime::compile`], also returning the compiled component.
    fn compile_component(&self, bytes: &[u8]) -> Result<(Plugin, Component), CompileError> {
        check_component_header(bytes)?;
        let component = Component::new(&self.engine, bytes).map_err(|e| self.refusal(&e))?;
        let plugin = self.pre_instantiate(&component)?;
        Ok((plugin, component))
    }

    /// Why wasmtime refused to compile or load a component, in the
    /// [`CompileError`] that says so.
    pub(crate) fn refusal(&self, error: &wasmtime::Error) -> CompileError {
        let text = format!("{error:#}");
        if text.contains("in the pooling allocator") {
            CompileError::OverPoolShare(text, self.pool_share.0, self.pool_share.1)
        } else {
            CompileError::Invalid(text)
        }
    }

    /// Validates and compiles `bytes` in this process into machine code
    /// (the artifact [`Runtime::plugin_from_artifact`] loads), without
    /// linking it. CPU-heavy and unbounded in time: call it off the async
    /// runtime, and prefer the compile worker for untrusted bytes.
    ///
    /// # Errors
    ///
    /// [`CompileError::NotAComponent`] or [`CompileError::Invalid`].
    pub(crate) fn precompile(&self, bytes: &[u8]) -> Result<Vec<u8>, CompileError> {
        check_component_header(bytes)?;
        self.engine
            .precompile_component(bytes)
            .map_err(|e| CompileError::Invalid(format!("{e:#}")))
    }

    /// Links a compiled component against the host API and checks that it
    /// exports the `hook-handler` world, of version 0.2.0 or 0.1.0.
    fn pre_instantiate(&self, component: &Component) -> Result<Plugin, CompileError> {
        let wrong = |e: wasmtime::Error| CompileError::WrongWorld(format!("{e:#}"));
        let instance_pre = self.linker.instantiate_pre(component).map_err(wrong)?;
        let current = match HookHandlerPre::new(instance_pre.clone()) {
            Ok(pre) => {
                return Ok(Plugin {
                    pre: Pre::Current(pre),
                });
            }
            Err(e) => e,
        };
        let legacy = match bindings::v0_1::HookHandlerPre::new(instance_pre) {
            Ok(pre) => {
                return Ok(Plugin {
                    pre: Pre::Legacy(pre),
                });
            }
            Err(e) => e,
        };
        // Explain the failure against the version the component names.
        let names_legacy = component
            .component_type()
            .imports(&self.engine)
            .any(|(name, _)| {
                name.starts_with("hookwarden:inline-hook/") && name.ends_with("@0.1.0")
            });
        Err(wrong(if names_legacy { legacy } else { current }))
    }
}

/// The engine settings that decide code generation, shared by the server's
/// engine and the compile worker's (`compiler::worker_main`), so machine
/// code compiled by one loads in the other. The allocation strategy is left
/// at its default (on demand): it does not affect code generation, and the
/// server sets the pooling allocator on top.
pub(crate) fn engine_config() -> Config {
    let mut wasm = Config::new();
    // No component-model concurrency (async lifts, streams): plugins
    // have one synchronous export, and without it a store is cheaper to
    // create and to drop (dropping one with it builds an error with a
    // backtrace, which alone cost 9% of a call under RUST_BACKTRACE=1).
    wasm.wasm_component_model(true)
        .concurrency_support(false)
        .epoch_interruption(true)
        .consume_fuel(true);
    wasm
}

/// Refuses bytes that are not a component before any compiler sees them.
fn check_component_header(bytes: &[u8]) -> Result<(), CompileError> {
    if wasmtime::wasmparser::Parser::is_component(bytes) {
        return Ok(());
    }
    Err(if wasmtime::wasmparser::Parser::is_core_wasm(bytes) {
        CompileError::NotAComponent
    } else {
        CompileError::Invalid("the bytes do not start with a WebAssembly header".into())
    })
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until the engine is gone.
fn spawn_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("hookwarden-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .expect("spawning the epoch ticker thread");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> Runtime {
        Runtime::new(RuntimeConfig {
            max_instances: 4,
            ..RuntimeConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn a_core_module_is_refused_with_advice() {
        let core = wat::parse_str("(module)").unwrap();
        let err = runtime().compile(&core).unwrap_err();
        assert_eq!(err, CompileError::NotAComponent);
        assert!(err.to_string().contains("wasm32-wasip2"));
    }

    #[test]
    fn garbage_is_refused_as_invalid() {
        assert!(matches!(
            runtime().compile(b"PK\x03\x04 not wasm"),
            Err(CompileError::Invalid(_))
        ));
        // A component header followed by nonsense.
        assert!(matches!(
            runtime().compile(b"\0asm\x0d\0\x01\0\xff\xff"),
            Err(CompileError::Invalid(_))
        ));
    }

    #[test]
    fn a_component_without_handle_does_not_fit_the_world() {
        let empty = wat::parse_str("(component)").unwrap();
        let err = runtime().compile(&empty).unwrap_err();
        assert!(matches!(err, CompileError::WrongWorld(_)), "{err}");
    }

    #[test]
    fn a_component_over_one_slots_share_of_the_pool_is_refused() {
        // Three core modules with a memory each: one more than a slot holds.
        let memories = wat::parse_str(
            r#"(component
                (core module $m (memory 1))
                (core instance (instantiate $m))
                (core instance (instantiate $m))
                (core instance (instantiate $m))
            )"#,
        )
        .unwrap();
        let err = runtime().compile(&memories).unwrap_err();
        assert!(matches!(err, CompileError::OverPoolShare(..)), "{err}");
        assert!(err.to_string().contains("3 Wasm linear memories"), "{err}");
        assert!(err.to_string().contains("at most 2 memories"), "{err}");
    }

    #[test]
    fn a_component_importing_what_the_host_lacks_is_refused() {
        let wants_http = wat::parse_str(
            r#"(component
                (import "wasi:http/outgoing-handler@0.2.0" (instance
                    (export "handle" (func))
                ))
            )"#,
        )
        .unwrap();
        let err = runtime().compile(&wants_http).unwrap_err();
        match err {
            CompileError::WrongWorld(msg) => {
                assert!(msg.contains("wasi:http/outgoing-handler"), "{msg}")
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
