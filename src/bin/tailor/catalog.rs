//! `tailor catalog check`: what a feed gives Tailor, and what it skips.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Path of the feed (Tailor JSON, Shopify, WooCommerce or schema.org).
    catalog: PathBuf,
}

pub fn check(args: CheckArgs) -> ExitCode {
    let path = &args.catalog;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("tailor: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match tailor::core::catalog::parse(&text) {
        Ok(parsed) => {
            println!(
                "{}: {} ({} products read, {} skipped)",
                path.display(),
                parsed.format,
                parsed.catalog.len(),
                parsed.skipped.len()
            );
            for s in &parsed.skipped {
                println!("  skipped {s}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tailor: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
