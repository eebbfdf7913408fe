//! The owner's ranking rules (`core::rank::Rules`, JSON): any text is rules
//! or a typed error, and rules applied to a catalog keep every score finite
//! and non-negative (pinned products excepted: they rank first by design,
//! with an infinite score), whatever factors, pins and selectors they hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::catalog::{Catalog, Product};
use tailor::core::events::{Event, EventKind};
use tailor::core::rank::{Context, Engine, Reason, Request, Rules};

fn catalog() -> Catalog {
    let product = |id: &str, brand: &str, category: &str, tag: &str| Product {
        id: id.into(),
        title: format!("{brand} {category} {tag}"),
        brand: Some(brand.into()),
        category: vec!["Home".into(), category.into()],
        tags: vec![tag.into()],
        price: Some(10.0),
        ..Product::default()
    };
    Catalog::from_products(vec![
        product("a", "Kiln", "Kitchen", "ceramic"),
        product("b", "Kiln", "Kitchen", "blue"),
        product("c", "Loom", "Living", "wool"),
        product("d", "Loom", "Living", "ceramic"),
        product("e", "Oak", "Hall", "wood"),
    ])
    .0
}

fuzz_target!(|text: &str| {
    let Ok(rules) = Rules::from_json(text) else {
        return;
    };
    let engine = Engine::new(catalog()).with_rules(&rules);
    let history = [
        Event::new("a", EventKind::View, 1_700_000_000),
        Event::new("c", EventKind::Purchase, 1_700_000_100),
    ];
    for context in [Context::ForYou, Context::Similar { product: "b" }] {
        for events in [&history[..], &[]] {
            for pick in engine.recommend(&Request::new(events, context, 8)) {
                assert!(pick.product < 5);
                // Pinned products rank first by design with an infinite score.
                let pinned = pick.reason == Reason::Pinned && pick.score == f32::INFINITY;
                assert!(
                    pinned || (pick.score.is_finite() && pick.score >= 0.0),
                    "score {} for {text}",
                    pick.score
                );
            }
        }
    }
});
