//! Ranking speed (issue 4 targets, figures in BENCHMARKS.md): for a shopper
//! with 50 events, rank a 10k- and a 100k-product catalog; parse and index a
//! 10k catalog; memory per indexed product (counted by a wrapping allocator,
//! printed before the timings).
//!
//! Catalogs are generated deterministically (`support/data.rs`, shared with
//! the same benchmark in the browser, `tests/rank_speed_wasm.rs`), so the
//! benchmark depends on nothing else: `cargo bench --bench rank`.

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/data.rs"]
mod data;

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/memory.rs"]
mod memory;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::hint::black_box;
    use std::sync::atomic::{AtomicIsize, Ordering};
    use std::time::Duration;

    use criterion::Criterion;
    use tailor::core::catalog::{self, pack, Catalog};
    use tailor::core::events::Event;
    use tailor::core::model::{Model, TrainOptions};
    use tailor::core::rank::{Context, Engine, EngineBuilder, Request};

    /// Counts live heap bytes, so index memory is measured, not estimated.
    pub struct Counting;

    static LIVE: AtomicIsize = AtomicIsize::new(0);
    /// The most `LIVE` has been since the last reset: wasm memory never
    /// shrinks, so the peak while indexing is what a shopper's tab keeps.
    static PEAK: AtomicIsize = AtomicIsize::new(0);

    fn grew(by: isize) {
        let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            grew(layout.size() as isize);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            grew(new_size as isize - layout.size() as isize);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    pub use super::data::{feed, history};

    /// The counting allocator's figures, for `support/memory.rs`.
    pub struct Counted;

    impl super::memory::Counter for Counted {
        fn live(&self) -> isize {
            LIVE.load(Ordering::Relaxed)
        }
        fn reset_peak(&self) {
            PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        fn peak(&self) -> isize {
            PEAK.load(Ordering::Relaxed)
        }
    }

    /// A model trained on 2,000 synthetic shoppers of 50 events each.
    fn model(n: usize) -> Model {
        let shoppers: Vec<Vec<Event>> = (0..2_000).map(|s| history(n, 1_000 + s)).collect();
        Model::train(shoppers.iter().map(Vec::as_slice), &TrainOptions::default())
    }

    fn parse(text: &str) -> Catalog {
        match catalog::parse(text) {
            Ok(parsed) => parsed.catalog,
            Err(e) => panic!("generated feed did not parse: {e}"),
        }
    }

    pub fn report_memory() {
        for n in [10_000usize, 100_000] {
            let text = feed(n);
            let before = LIVE.load(Ordering::Relaxed);
            let catalog = parse(&text);
            let after_catalog = LIVE.load(Ordering::Relaxed);
            PEAK.store(after_catalog, Ordering::Relaxed);
            let engine = Engine::new(catalog);
            let after_engine = LIVE.load(Ordering::Relaxed);
            let peak = PEAK.load(Ordering::Relaxed);
            let engine = engine.with_model(model(n));
            let after_model = LIVE.load(Ordering::Relaxed);
            let per = |bytes: isize| bytes as f64 / n as f64;
            eprintln!(
                "memory, {n} products: catalog {:.0} B/product, ranking indexes {:.0} B/product (peak while indexing {:.0} B/product), linked model {:.0} B/product (model file {:.1} B/product)",
                per(after_catalog - before),
                per(after_engine - after_catalog),
                per(peak - after_catalog),
                per(after_model - after_engine),
                model(n).to_bytes().len() as f64 / n as f64,
            );
            black_box(engine);
        }
    }

    /// CPU time of this thread in milliseconds: unlike wall time it does not
    /// grow when other processes share the cores (10 ms ticks on some kernels).
    fn thread_cpu_ms() -> f64 {
        #[repr(C)]
        struct Timespec {
            secs: i64,
            nanos: i64,
        }
        extern "C" {
            fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
        }
        const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
        let mut t = Timespec { secs: 0, nanos: 0 };
        // SAFETY: `t` is a valid, writable timespec for the call's duration.
        unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.secs as f64 * 1e3 + t.nanos as f64 / 1e6
    }

    /// Parse and index phases as CPU time of the thread, median of 7, so the
    /// figures hold on a loaded machine: parse, tokenise (`step`), weigh and
    /// link (`finish`).
    pub fn report_phases() {
        for n in [10_000usize, 100_000] {
            let text = feed(n);
            let mut phases = [(); 4].map(|_| Vec::new());
            for _ in 0..7 {
                let t0 = thread_cpu_ms();
                let catalog = parse(black_box(&text));
                let t1 = thread_cpu_ms();
                let mut builder = EngineBuilder::new(catalog);
                while !builder.step(1_000) {}
                let t2 = thread_cpu_ms();
                let engine = builder.finish();
                let t3 = thread_cpu_ms();
                black_box(engine);
                for (phase, ms) in phases.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t3 - t0]) {
                    phase.push(ms);
                }
            }
            let [parse_ms, step_ms, finish_ms, total_ms] = phases.map(|mut v| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            });
            eprintln!(
                "cpu time, {n} products (median of 7): parse {parse_ms:.1} ms, index {:.1} ms (tokenise {step_ms:.1}, weigh and link {finish_ms:.1}), parse + index {total_ms:.1} ms",
                step_ms + finish_ms
            );
            // The packed form of the same catalog against its JSON (issue 8:
            // at least 5 × faster to read).
            let packed = pack::encode(&parse(&text));
            let median_ms = |read: &dyn Fn()| {
                let mut times: Vec<f64> = (0..7)
                    .map(|_| {
                        let t0 = thread_cpu_ms();
                        read();
                        thread_cpu_ms() - t0
                    })
                    .collect();
                times.sort_by(f64::total_cmp);
                times[times.len() / 2]
            };
            let json_ms = median_ms(&|| drop(black_box(parse(black_box(&text)))));
            let packed_ms = median_ms(&|| drop(black_box(pack::decode(black_box(&packed)))));
            eprintln!(
                "cpu time, {n} products (median of 7): read JSON {json_ms:.1} ms, read packed {packed_ms:.1} ms ({:.1} × faster)",
                json_ms / packed_ms
            );
        }
    }

    pub fn benches(c: &mut Criterion) {
        let mut group = c.benchmark_group("rank");
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        let text_10k = feed(10_000);
        group.bench_function("parse+index 10k catalog", |b| {
            b.iter(|| Engine::new(parse(black_box(&text_10k))))
        });
        // The packed catalog against the JSON feed it was packed from.
        let packed_10k = pack::encode(&parse(&text_10k));
        group.bench_function("read 10k catalog, JSON", |b| {
            b.iter(|| parse(black_box(&text_10k)))
        });
        group.bench_function("read 10k catalog, packed", |b| {
            b.iter(|| pack::decode(black_box(&packed_10k)))
        });
        for n in [10_000usize, 100_000] {
            let engine = Engine::new(parse(&feed(n)));
            let with_model = engine.clone().with_model(model(n));
            let events = history(n, 7);
            for (name, e) in [("no model", &engine), ("model", &with_model)] {
                group.bench_function(
                    format!("recommend 10 of {}k, 50 events, {name}", n / 1000),
                    |b| {
                        b.iter(|| {
                            let request = Request::new(black_box(&events), Context::ForYou, 10);
                            e.recommend(&request)
                        })
                    },
                );
            }
            group.bench_function(format!("similar 10 of {}k", n / 1000), |b| {
                b.iter(|| {
                    let request = Request::new(&[], Context::Similar { product: "sku-5" }, 10);
                    engine.recommend(black_box(&request))
                })
            });
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: native::Counting = native::Counting;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    memory::report_widget_memory(&native::Counted);
    // `TAILOR_BENCH_MEMORY_ONLY=1 cargo bench --bench rank`: the memory
    // figures alone (a quick look while cutting the catalog's heap).
    if std::env::var_os("TAILOR_BENCH_MEMORY_ONLY").is_some() {
        return;
    }
    // `TAILOR_BENCH_PHASES_ONLY=1`: the CPU times of reading and indexing alone.
    if std::env::var_os("TAILOR_BENCH_PHASES_ONLY").is_some() {
        native::report_phases();
        return;
    }
    native::report_memory();
    native::report_phases();
    let mut criterion = criterion::Criterion::default().configure_from_args();
    native::benches(&mut criterion);
    criterion.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
