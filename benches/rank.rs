//! Ranking speed (issue 4 targets, figures in BENCHMARKS.md): for a shopper
//! with 50 events, rank a 10k- and a 100k-product catalog; parse and index a
//! 10k catalog; memory per indexed product (counted by a wrapping allocator,
//! printed before the timings).
//!
//! Catalogs are generated here, deterministically (a small LCG), so the
//! benchmark depends on nothing else: `cargo bench --bench rank`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::hint::black_box;
    use std::sync::atomic::{AtomicIsize, Ordering};
    use std::time::Duration;

    use criterion::Criterion;
    use tailor::core::catalog::{self, Catalog};
    use tailor::core::events::{Event, EventKind};
    use tailor::core::model::{Model, TrainOptions};
    use tailor::core::rank::{Context, Engine, Request};

    /// Counts live heap bytes, so index memory is measured, not estimated.
    pub struct Counting;

    static LIVE: AtomicIsize = AtomicIsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    /// Deterministic pseudo-random numbers (Knuth's MMIX LCG).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
            words[(self.next() as usize) % words.len()]
        }
    }

    const ADJECTIVES: &[&str] = &[
        "Classic", "Organic", "Premium", "Compact", "Deluxe", "Light", "Heavy", "Soft", "Smart",
        "Vintage", "Modern", "Rustic", "Eco", "Ultra", "Mini", "Large", "Slim", "Bold", "Warm",
        "Cool",
    ];
    const COLOURS: &[&str] = &[
        "Red", "Blue", "Green", "Black", "White", "Grey", "Navy", "Olive", "Sand", "Rose",
    ];
    const NOUNS: &[&str] = &[
        "Mug",
        "Kettle",
        "Lamp",
        "Chair",
        "Desk",
        "Shirt",
        "Jacket",
        "Sneaker",
        "Backpack",
        "Bottle",
        "Pan",
        "Pot",
        "Knife",
        "Towel",
        "Pillow",
        "Blanket",
        "Candle",
        "Vase",
        "Clock",
        "Speaker",
        "Headphones",
        "Charger",
        "Cable",
        "Notebook",
        "Pen",
        "Wallet",
        "Belt",
        "Scarf",
        "Hat",
        "Sock",
    ];
    const DEPARTMENTS: &[&str] = &[
        "Home",
        "Kitchen",
        "Office",
        "Clothing",
        "Shoes",
        "Bags",
        "Electronics",
        "Garden",
        "Sport",
        "Beauty",
        "Toys",
        "Books",
        "Food",
        "Pets",
        "Outdoor",
        "Bath",
        "Lighting",
        "Decor",
        "Travel",
        "Music",
    ];

    /// A Tailor JSON feed of `n` products with 20 × 10 categories, 300
    /// brands, 50 tags, prices and short descriptions.
    pub fn feed(n: usize) -> String {
        let mut rng = Lcg(42);
        let mut out = String::with_capacity(n * 300);
        out.push_str("{\"products\":[");
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            let (adj, colour, noun) = (rng.pick(ADJECTIVES), rng.pick(COLOURS), rng.pick(NOUNS));
            let dept = rng.pick(DEPARTMENTS);
            let sub = rng.next() % 10;
            let brand = rng.next() % 300;
            let (tag1, tag2) = (rng.next() % 50, rng.next() % 50);
            let price = 2.0 + (rng.next() % 20_000) as f64 / 100.0;
            out.push_str(&format!(
                "{{\"id\":\"sku-{i}\",\"title\":\"{adj} {colour} {noun} {size}\",\"price\":{price},\
                 \"category\":[\"{dept}\",\"{dept} {sub}\"],\"brand\":\"Brand {brand}\",\
                 \"tags\":[\"tag-{tag1}\",\"tag-{tag2}\"],\
                 \"description\":\"A {adj_l} {noun_l} in {colour_l}, made for everyday use.\",\"in_stock\":{stock}}}",
                size = rng.next() % 5,
                adj_l = adj.to_lowercase(),
                noun_l = noun.to_lowercase(),
                colour_l = colour.to_lowercase(),
                stock = rng.next() % 20 != 0,
            ));
        }
        out.push_str("]}");
        out
    }

    /// 50 events: views, carts and purchases over the catalog, in time order.
    pub fn history(n: usize, seed: u64) -> Vec<Event> {
        let mut rng = Lcg(seed);
        (0..50)
            .map(|t| {
                let kind = match rng.next() % 10 {
                    0 => EventKind::Purchase,
                    1 | 2 => EventKind::Cart,
                    _ => EventKind::View,
                };
                Event::new(
                    format!("sku-{}", rng.next() as usize % n),
                    kind,
                    1_700_000_000 + t * 600,
                )
            })
            .collect()
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
            let engine = Engine::new(catalog);
            let after_engine = LIVE.load(Ordering::Relaxed);
            let engine = engine.with_model(model(n));
            let after_model = LIVE.load(Ordering::Relaxed);
            let per = |bytes: isize| bytes as f64 / n as f64;
            eprintln!(
                "memory, {n} products: catalog {:.0} B/product, ranking indexes {:.0} B/product, linked model {:.0} B/product (model file {:.1} B/product)",
                per(after_catalog - before),
                per(after_engine - after_catalog),
                per(after_model - after_engine),
                model(n).to_bytes().len() as f64 / n as f64,
            );
            black_box(engine);
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
    native::report_memory();
    let mut criterion = criterion::Criterion::default().configure_from_args();
    native::benches(&mut criterion);
    criterion.final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
