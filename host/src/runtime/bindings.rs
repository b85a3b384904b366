//! Host-side bindings generated from `wit/hook-handler.wit` (the current
//! world, 0.2.0) and from `host/wit-0.1/` (the 0.1.0 world, still accepted).
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "hook-handler",
    exports: { default: async },
});

pub use self::hookwarden::inline_hook::{log, settings, types};

/// The `hookwarden:inline-hook@0.1.0` world, for components built before
/// 0.2.0. Its answers are converted to 0.2.0 answers in one place
/// ([`super::legacy`]), so everything past the call sees one `Response`.
pub(crate) mod v0_1 {
    wasmtime::component::bindgen!({
        path: "wit-0.1",
        world: "hook-handler",
        exports: { default: async },
    });

    pub use self::hookwarden::inline_hook::{log, settings, types};
}
