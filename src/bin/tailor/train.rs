//! `tailor train`: builds the co-purchase model file from order histories.

use std::path::PathBuf;
use std::process::ExitCode;

use tailor::core::model::{Model, TrainOptions};

use crate::recommend::{fail, load_catalog, load_histories};

#[derive(clap::Args)]
pub struct Args {
    /// The product feed: events about products it lacks are left out.
    #[arg(long)]
    catalog: PathBuf,
    /// Histories, one shopper a line (CONTRACT.md §3).
    #[arg(long)]
    histories: PathBuf,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
    /// Neighbours kept per product (the file grows linearly with it).
    #[arg(long, default_value_t = TrainOptions::default().max_neighbours)]
    neighbours: usize,
    /// Two products become neighbours only when at least this many shoppers
    /// bought both. Large shops can raise it to 3: on completejourney the
    /// model is a quarter smaller at the same hit rate (BENCHMARKS.md); small
    /// shops need the default to get neighbours at all.
    #[arg(long, default_value_t = TrainOptions::default().min_shared_shoppers)]
    min_shared: u32,
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match load_catalog(&args.catalog) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut histories = match load_histories(&args.histories, "train") {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    let mut unknown = 0usize;
    for h in &mut histories {
        let before = h.events.len();
        h.events.retain(|e| catalog.position(&e.product).is_some());
        unknown += before - h.events.len();
    }
    if unknown > 0 {
        eprintln!("tailor train: {unknown} events name products not in the catalog (left out)");
    }
    let options = TrainOptions {
        max_neighbours: args.neighbours,
        min_shared_shoppers: args.min_shared.max(1),
        ..TrainOptions::default()
    };
    let model = Model::train(histories.iter().map(|h| h.events.as_slice()), &options);
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        return fail(&format!("cannot write {}: {e}", args.out.display()));
    }
    let with_neighbours = (0..model.len())
        .filter(|&i| !model.neighbours(i).is_empty())
        .count();
    eprintln!(
        "tailor train: {} products ({} with neighbours) from {} shoppers: {} bytes, {:.1} bytes per product",
        model.len(),
        with_neighbours,
        histories.len(),
        bytes.len(),
        bytes.len() as f64 / model.len().max(1) as f64
    );
    ExitCode::SUCCESS
}
