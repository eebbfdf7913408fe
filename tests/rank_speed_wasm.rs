//! Ranking speed in the browser: the benchmark of `benches/rank.rs` (same
//! generated catalogs, same 50-event shopper, same model) compiled to wasm
//! and run in headless Chromium, printing medians to set beside the native
//! figures (BENCHMARKS.md, "wasm vs native"). It prints; it asserts only
//! that the work was done, never a time.
//!
//! Not in the test suite (the name does not match `wasm_*`); run it with
//! the widget's own optimisation profile:
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test --profile wasm --target wasm32-unknown-unknown --test rank_speed_wasm -- --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

#[path = "../benches/support/data.rs"]
mod data;

use std::hint::black_box;

use tailor::core::catalog::{self, pack, Catalog};
use tailor::core::model::{Model, TrainOptions};
use tailor::core::rank::{Context, Engine, Request};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Median milliseconds of `work` over at least 5 runs and about a second.
fn median_ms(mut work: impl FnMut()) -> f64 {
    let mut samples = Vec::new();
    let started = now_ms();
    while samples.len() < 5 || (now_ms() - started < 1_000.0 && samples.len() < 200) {
        let t = now_ms();
        work();
        samples.push(now_ms() - t);
    }
    samples.sort_by(f64::total_cmp);
    samples[(samples.len() - 1) / 2]
}

fn parse(text: &str) -> Catalog {
    catalog::parse(text).expect("generated feed parses").catalog
}

#[wasm_bindgen_test]
fn ranking_speed_in_wasm() {
    let report = |name: &str, ms: f64| console_log!("wasm bench | {name} | {ms:.3} ms");
    let text = data::feed(10_000);
    report(
        "parse+index 10k catalog",
        median_ms(|| {
            black_box(Engine::new(parse(black_box(&text))));
        }),
    );
    let packed = pack::encode(&parse(&text));
    report(
        "read 10k catalog, JSON",
        median_ms(|| {
            black_box(parse(black_box(&text)));
        }),
    );
    report(
        "read 10k catalog, packed",
        median_ms(|| {
            black_box(pack::decode(black_box(&packed)).expect("packed reads back"));
        }),
    );
    for n in [10_000usize, 100_000] {
        let engine = Engine::new(parse(&data::feed(n)));
        let shoppers: Vec<_> = (0..2_000).map(|s| data::history(n, 1_000 + s)).collect();
        let model = Model::train(shoppers.iter().map(Vec::as_slice), &TrainOptions::default());
        let with_model = engine.clone().with_model(model);
        let events = data::history(n, 7);
        for (name, e) in [("no model", &engine), ("model", &with_model)] {
            let mut picks = 0;
            let ms = median_ms(|| {
                let request = Request::new(black_box(&events), Context::ForYou, 10);
                picks = e.recommend(&request).len();
            });
            assert_eq!(picks, 10);
            report(
                &format!("recommend 10 of {}k, 50 events, {name}", n / 1000),
                ms,
            );
        }
        report(
            &format!("similar 10 of {}k", n / 1000),
            median_ms(|| {
                let request = Request::new(&[], Context::Similar { product: "sku-5" }, 10);
                black_box(engine.recommend(black_box(&request)));
            }),
        );
    }
}
