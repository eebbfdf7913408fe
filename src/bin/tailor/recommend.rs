//! `tailor recommend`: one line of recommendations per shopper line on stdin
//! (CONTRACT.md §3), ranked by the same engine as the widget. Also holds the
//! file readers `train` and `eval` share.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tailor::core::catalog::Catalog;
use tailor::core::eval::{parse_history_line, BadLine, ShopperHistory, SkippedEvent};
use tailor::core::model::Model;
use tailor::core::rank::{Context, Engine, Request, Rules};

#[derive(clap::Args)]
pub struct Args {
    /// The product feed (any format `tailor catalog check` reads).
    #[arg(long)]
    catalog: PathBuf,
    /// Co-purchase model from `tailor train` (optional).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Owner rules as JSON (pin, boost, bury, hide, repurchasable).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Recommendations per shopper.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Leave out every product in the shopper's history.
    #[arg(long)]
    exclude_seen: bool,
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match load_catalog(&args.catalog) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut engine = Engine::new(catalog);
    if let Some(path) = &args.model {
        match load_model(path) {
            Ok(model) => {
                engine = engine.with_model(model);
                if !engine.has_model() {
                    eprintln!(
                        "tailor recommend: {}: none of its products is in the catalog; ranking without it",
                        path.display()
                    );
                }
            }
            Err(e) => return fail(&e),
        }
    }
    if let Some(path) = &args.rules {
        let rules = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
            .and_then(|t| {
                Rules::from_json(&t)
                    .map_err(|e| format!("{}: not valid rules: {e}", path.display()))
            });
        match rules {
            Ok(rules) => engine = engine.with_rules(&rules),
            Err(e) => return fail(&e),
        }
    }
    let lines: Vec<String> = match std::io::stdin().lock().lines().collect() {
        Ok(l) => l,
        Err(e) => return fail(&format!("cannot read stdin: {e}")),
    };
    let outputs = recommend_lines(&engine, &lines, args.k, args.exclude_seen);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut good = 0usize;
    for (number, result) in outputs.iter().enumerate() {
        let line = match result {
            Some(Ok((user, items, skipped))) => {
                good += 1;
                for event in skipped {
                    eprintln!("tailor recommend: line {}: {event}", number + 1);
                }
                serde_json::json!({ "user": user, "items": items })
            }
            Some(Err(bad)) => {
                eprintln!("tailor recommend: line {}: {}", number + 1, bad.error);
                serde_json::json!({ "user": bad.user, "items": [], "error": bad.error.to_string() })
            }
            None => continue,
        };
        if writeln!(out, "{line}").is_err() {
            return fail("cannot write to stdout");
        }
    }
    if out.flush().is_err() {
        return fail("cannot write to stdout");
    }
    let lines_with_content = outputs.iter().filter(|o| o.is_some()).count();
    if lines_with_content > 0 && good == 0 {
        eprintln!("tailor recommend: no line could be used");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Per line: the user, their recommendations and the events left out.
type LineResult = Option<Result<(String, Vec<String>, Vec<SkippedEvent>), BadLine>>;

/// Ranks every line (blank lines give `None`), on both cores when there is
/// enough work; output order is input order.
fn recommend_lines(
    engine: &Engine,
    lines: &[String],
    k: usize,
    exclude_seen: bool,
) -> Vec<LineResult> {
    let one = |line: &String| -> LineResult {
        if line.trim().is_empty() {
            return None;
        }
        Some(parse_history_line(line).map(|read| {
            let items = recommend_ids(engine, &read.history, k, exclude_seen);
            (read.history.user, items, read.skipped)
        }))
    };
    parallel_map(lines, one)
}

/// The engine's top `k` for one shopper, as product ids.
pub(crate) fn recommend_ids(
    engine: &Engine,
    shopper: &ShopperHistory,
    k: usize,
    exclude_seen: bool,
) -> Vec<String> {
    let mut request = Request::new(&shopper.events, Context::ForYou, k);
    request.exclude_seen = exclude_seen;
    engine
        .recommend(&request)
        .into_iter()
        .filter_map(|p| engine.catalog().at(p.product).map(|p| p.id().to_string()))
        .collect()
}

/// `f` over `items` on up to the machine's cores, results in input order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len() / 16)
        .max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Reads a feed; skipped records are summarised on stderr.
pub(crate) fn load_catalog(path: &Path) -> Result<Catalog, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed =
        tailor::core::catalog::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if !parsed.skipped.is_empty() {
        eprintln!(
            "tailor: {}: {} records skipped (see `tailor catalog check`)",
            path.display(),
            parsed.skipped.len()
        );
    }
    if parsed.catalog.is_empty() {
        return Err(format!("{}: no usable products", path.display()));
    }
    Ok(parsed.catalog)
}

pub(crate) fn load_model(path: &Path) -> Result<Model, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Model::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a histories file; bad lines are reported on stderr and skipped.
pub(crate) fn load_histories(path: &Path, command: &str) -> Result<Vec<ShopperHistory>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: line {}: {e}", path.display(), number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_history_line(&line) {
            Ok(read) => {
                for event in &read.skipped {
                    eprintln!(
                        "tailor {command}: {}: line {}: {event}",
                        path.display(),
                        number + 1
                    );
                }
                out.push(read.history);
            }
            Err(bad) => eprintln!(
                "tailor {command}: {}: line {}: {} (skipped)",
                path.display(),
                number + 1,
                bad.error
            ),
        }
    }
    if out.is_empty() {
        return Err(format!("{}: no usable history lines", path.display()));
    }
    Ok(out)
}

pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("tailor: {message}");
    ExitCode::FAILURE
}
