//! Host-side bindings generated from `wit/hook-handler.wit`.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "hook-handler",
    exports: { default: async },
});

pub use self::hookwarden::inline_hook::{log, settings, types};
