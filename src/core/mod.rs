//! Pure logic shared by the widget and the `tailor` command.
//!
//! Nothing here does I/O, reads a clock or draws randomness it was not given,
//! and nothing here names a browser type: a test (`tests/architecture.rs`)
//! keeps it that way, so all of it is tested natively.

pub mod case;
pub mod catalog;
pub mod commands;
pub mod css;
pub mod dp;
pub mod eval;
pub mod events;
pub mod i18n;
pub mod messages;
pub mod model;
pub mod number;
pub mod outbox;
pub mod present;
pub mod privacy;
pub mod profile;
pub mod rank;
pub mod recall;
pub mod revenue;
pub mod settings;
pub mod signals;
pub mod splitmix;
pub mod store;
pub mod survey;
pub mod text;
pub mod topics;
