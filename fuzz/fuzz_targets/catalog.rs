//! Every catalog format through `core::catalog::parse`, from raw bytes (as
//! fetched) through the encoding sniffing, and on into the ranker: nothing
//! may panic, and the typed fast path must agree with the generic reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::catalog;
use tailor::core::events::{Event, EventKind};
use tailor::core::rank::{Context, Engine, Request};

fuzz_target!(|bytes: &[u8]| {
    let (text, _encoding) = catalog::decode(bytes);
    let Ok(parsed) = catalog::parse(&text) else {
        return;
    };
    // `parse` may take the typed fast path; the generic reader over the same
    // JSON must read the same products.
    if let Ok(value) =
        serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    {
        if let Ok(generic) = catalog::parse_value(&value) {
            assert_eq!(parsed.catalog.products(), generic.catalog.products());
            assert_eq!(parsed.skipped.len(), generic.skipped.len());
        }
    }
    let engine = Engine::new(parsed.catalog);
    let ids: Vec<String> = engine
        .catalog()
        .products()
        .iter()
        .take(4)
        .map(|p| p.id.clone())
        .collect();
    let history: Vec<Event> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Event::new(id.clone(), EventKind::View, i as u64))
        .collect();
    let n = engine.catalog().len();
    for context in [
        Context::ForYou,
        Context::Similar {
            product: ids.first().map_or("", String::as_str),
        },
    ] {
        for picks in [
            engine.recommend(&Request::new(&history, context, 8)),
            engine.recommend(&Request::new(&[], context, 8)),
        ] {
            assert!(picks.len() <= 8);
            for pick in picks {
                assert!(pick.product < n);
                assert!(pick.score.is_finite(), "score {}", pick.score);
            }
        }
    }
});
