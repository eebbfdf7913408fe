//! The native `tailor` command (CONTRACT.md §3). Each subcommand lives in its
//! own module with its own `Args` and `run`, and is a thin call into
//! `tailor::core`.

#[cfg(not(target_arch = "wasm32"))]
mod catalog;
#[cfg(not(target_arch = "wasm32"))]
mod collect;
#[cfg(not(target_arch = "wasm32"))]
mod demo;
#[cfg(not(target_arch = "wasm32"))]
mod eval;
#[cfg(not(target_arch = "wasm32"))]
mod generate;
#[cfg(not(target_arch = "wasm32"))]
mod pack;
#[cfg(not(target_arch = "wasm32"))]
mod recommend;
#[cfg(not(target_arch = "wasm32"))]
mod serve;
#[cfg(not(target_arch = "wasm32"))]
mod setup;
#[cfg(not(target_arch = "wasm32"))]
mod train;

// The library also builds for wasm32 (the widget), and cargo builds every
// bin for integration tests of that target: there the command is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand};

#[cfg(not(target_arch = "wasm32"))]
#[derive(Parser)]
#[command(
    name = "tailor",
    version,
    about = "On-device storefront personalization: feeds, models, evaluation, demo server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand)]
enum Command {
    /// Work with a product feed.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Build the co-purchase model from order histories.
    Train(train::Args),
    /// Recommend for each shopper in a histories file (stdin to stdout).
    Recommend(recommend::Args),
    /// Leave-last-out evaluation against popularity and item-kNN baselines.
    Eval(eval::Args),
    /// Serve a directory over HTTP (the demo shop, a pkg/ to try).
    Serve(serve::Args),
    /// Build the demo shop site from a catalog.
    Demo(demo::Args),
    /// Receive survey answers and daily measurement reports; serve their dashboard.
    Collect(collect::Args),
    /// The owner's setup page: script tag, feed check and a live preview.
    Setup(setup::Args),
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand)]
enum CatalogCommand {
    /// Report what was read from a feed, what was skipped, and why.
    Check(catalog::CheckArgs),
    /// Write a deterministic sample catalog (the demo shop's, or larger for benchmarks).
    Generate(generate::Args),
    /// Write the packed form of a feed: smaller and many times faster for the widget to read.
    Pack(pack::Args),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Catalog(CatalogCommand::Check(args)) => catalog::check(args),
        Command::Catalog(CatalogCommand::Generate(args)) => generate::run(args),
        Command::Catalog(CatalogCommand::Pack(args)) => pack::run(args),
        Command::Train(args) => train::run(args),
        Command::Recommend(args) => recommend::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Collect(args) => collect::run(args),
        Command::Setup(args) => setup::run(args),
    }
}
