//! Tailor: on-device storefront personalization.
//!
//! `core` is pure Rust (catalog feeds, shopper history, ranking) shared by the
//! browser widget and the native `tailor` command. `platform` and `ui` are the
//! browser shell and its Leptos components; they exist only on `wasm32`.
//! ARCHITECTURE.md names what may depend on what.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod platform;
#[cfg(target_arch = "wasm32")]
pub mod ui;
