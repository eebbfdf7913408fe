//! The widget's memory, natively: the heap held by the catalog and the
//! ranking indexes along the path the widget takes (packed bytes →
//! `PackReader` → `EngineBuilder` → `Engine`, and the JSON feed →
//! `FeedReader` → the same), counted by the bench's allocator, with the
//! catalog broken down by what holds it, as native bytes and as an
//! estimate of the same allocations on wasm32 (4-byte pointers; dlmalloc
//! chunks of the size + 4, rounded up to 8, at least 16).
//!
//! Reads the browser bench's catalogs (`target/bench-site/catalogs`, made
//! by `node scripts/bench-browser.mjs`, or `TAILOR_BENCH_CATALOGS`) so the
//! figures are for the same data; skipped when they are absent.

use std::path::PathBuf;

use tailor::core::catalog::{pack, Catalog, FeedReader};
use tailor::core::rank::{Engine, EngineBuilder};

/// Live and peak heap bytes, from the bench's counting allocator.
pub trait Counter {
    fn live(&self) -> isize;
    /// Sets the peak to the live bytes, so the next peak is of what follows.
    fn reset_peak(&self);
    fn peak(&self) -> isize;
}

fn catalogs_dir() -> PathBuf {
    std::env::var_os("TAILOR_BENCH_CATALOGS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-site/catalogs"),
        PathBuf::from,
    )
}

/// A heap allocation of `bytes` as wasm32's dlmalloc lays it out.
fn wasm_chunk(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        ((bytes + 4 + 7) & !7).max(16)
    }
}

/// Bytes of allocations: (native, wasm32 estimate).
#[derive(Default, Clone, Copy)]
struct Held {
    native: usize,
    wasm: usize,
}

impl Held {
    fn add(&mut self, bytes: usize) {
        self.native += bytes;
        self.wasm += wasm_chunk(bytes);
    }
}

/// Size of `Product` on wasm32: a 4-byte pointer and length (its text),
/// the shared part's 4-byte pointer, two 8-byte numbers and the flags,
/// 8-aligned.
const WASM_PRODUCT: usize = 32;

fn breakdown(catalog: &Catalog, n: usize) -> String {
    let products = catalog.products();
    let mut rows: Vec<(&str, Held)> = Vec::new();
    rows.push((
        "Product structs",
        Held {
            native: std::mem::size_of_val(products),
            wasm: products.len() * WASM_PRODUCT,
        },
    ));
    // Every string of a product is in its one text allocation.
    let mut text = Held::default();
    for p in products {
        text.add(p.heap_bytes());
    }
    rows.push(("text (1 alloc)", text));
    // What products share (category, brand, currency, link patterns): once each.
    let mut shared = Held::default();
    let mut seen = std::collections::HashSet::new();
    for p in products {
        let (identity, bytes) = p.shared_heap();
        if seen.insert(identity) {
            shared.add(bytes);
        }
    }
    rows.push(("shared parts", shared));
    // The id index: a u32 slot per product, at most half full, a power of two.
    let slots = (catalog.len() * 2).next_power_of_two().max(8);
    rows.push((
        "id index",
        Held {
            native: slots * 4,
            wasm: wasm_chunk(slots * 4),
        },
    ));
    let total = rows.iter().fold(Held::default(), |t, (_, h)| Held {
        native: t.native + h.native,
        wasm: t.wasm + h.wasm,
    });
    rows.push(("total", total));
    rows.iter()
        .map(|(name, h)| {
            format!(
                "  {name:<16} {:>6.1} B/product native, {:>6.1} B/product wasm32 (est.)",
                h.native as f64 / n as f64,
                h.wasm as f64 / n as f64
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Indexes as the widget does (`platform::index_in_slices`); returns the
/// engine with the peak while indexing and the live bytes after.
fn index(catalog: Catalog, counter: &dyn Counter) -> (Engine, isize, isize) {
    counter.reset_peak();
    let mut builder = EngineBuilder::new(catalog);
    while !builder.step(256) {}
    let engine = builder.finish();
    (engine, counter.peak(), counter.live())
}

pub fn report_widget_memory(counter: &dyn Counter) {
    let dir = catalogs_dir();
    for n in [10_000usize, 100_000] {
        let (Ok(packed), Ok(json)) = (
            std::fs::read(dir.join(format!("catalog-{n}.bin"))),
            std::fs::read_to_string(dir.join(format!("catalog-{n}.json"))),
        ) else {
            eprintln!(
                "widget memory: no catalogs of {n} in {} (run the browser bench once)",
                dir.display()
            );
            continue;
        };
        let per = |bytes: isize| bytes as f64 / n as f64;

        // Packed: the fetched bytes stay alive while reading, as in the widget.
        let base = counter.live();
        let bytes = packed.clone();
        let with_bytes = counter.live();
        counter.reset_peak();
        let mut reader = match pack::PackReader::new(&bytes) {
            Ok(r) => r,
            Err(e) => panic!("packed catalog: {e}"),
        };
        while !matches!(reader.step(4096), Ok(true)) {}
        let catalog = match reader.finish() {
            Ok(c) => c,
            Err(e) => panic!("packed catalog: {e}"),
        };
        let read_peak = counter.peak();
        let read_live = counter.live();
        let parts = breakdown(&catalog, n);
        // The widget lets the bytes go before indexing.
        drop(bytes);
        let catalog_live = counter.live();
        let (engine, index_peak, index_live) = index(catalog, counter);
        eprintln!(
            "widget memory, packed, {n} products: bytes {:.1} B/product; read: peak {:.1}, live {:.1} (catalog {:.1}); index: peak {:.1}, live {:.1} (indexes {:.1}) B/product above the start; whole-path peak {:.1} MiB\n{parts}",
            per(with_bytes - base),
            per(read_peak - base),
            per(read_live - base),
            per(read_live - with_bytes),
            per(index_peak - base),
            per(index_live - base),
            per(index_live - catalog_live),
            (read_peak.max(index_peak) - base) as f64 / 1_048_576.0,
        );
        drop(engine);

        // JSON: the text, as the widget holds it while reading.
        let base = counter.live();
        let text = json.clone();
        let with_text = counter.live();
        counter.reset_peak();
        let mut reader = FeedReader::new(&text);
        while !reader.step(128) {}
        let parsed = match reader.finish() {
            Ok(p) => p,
            Err(e) => panic!("JSON catalog: {e}"),
        };
        let read_peak = counter.peak();
        let read_live = counter.live();
        // The widget lets the text go before indexing.
        let parts = breakdown(&parsed.catalog, n);
        drop(text);
        let (engine, index_peak, index_live) = index(parsed.catalog, counter);
        eprintln!(
            "widget memory, JSON, {n} products: text {:.1} B/product; read: peak {:.1}, live {:.1} (catalog {:.1}); index: peak {:.1}, live {:.1} B/product above the start; whole-path peak {:.1} MiB\n{parts}",
            per(with_text - base),
            per(read_peak - base),
            per(read_live - base),
            per(read_live - with_text),
            per(index_peak - base),
            per(index_live - base),
            (read_peak.max(index_peak) - base) as f64 / 1_048_576.0,
        );
        drop(engine);
    }
}
