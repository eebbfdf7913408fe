//! The co-purchase model file (`core::model::Model::from_bytes`): any bytes
//! are a model or a typed error, never a panic or a huge allocation; a model
//! read survives a write/read round trip, and links into a catalog whose
//! rankings stay finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::catalog::{Catalog, Product};
use tailor::core::events::{Event, EventKind};
use tailor::core::model::Model;
use tailor::core::rank::{Context, Engine, Request};

fuzz_target!(|bytes: &[u8]| {
    let Ok(model) = Model::from_bytes(bytes) else {
        return;
    };
    let again = Model::from_bytes(&model.to_bytes()).expect("a model written is readable");
    assert_eq!(again, model);
    // A catalog holding some of the model's ids (and one it lacks).
    let products: Vec<Product> = model
        .ids()
        .iter()
        .take(16)
        .chain(std::iter::once(&"not-in-model".to_string()))
        .map(|id| Product {
            id: id.clone(),
            title: format!("product {id}"),
            ..Product::default()
        })
        .collect();
    let (catalog, _duplicates) = Catalog::from_products(products);
    let n = catalog.len();
    let ids: Vec<String> = catalog.products().iter().map(|p| p.id.clone()).collect();
    let engine = Engine::new(catalog).with_model(model);
    let history: Vec<Event> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Event::new(id.clone(), EventKind::Purchase, 1_700_000_000 + i as u64))
        .collect();
    for context in [Context::ForYou, Context::Similar { product: &ids[0] }] {
        for picks in [
            engine.recommend(&Request::new(&history, context, 8)),
            engine.recommend(&Request::new(&[], context, 8)),
        ] {
            for pick in picks {
                assert!(pick.product < n);
                assert!(pick.score.is_finite(), "score {}", pick.score);
            }
        }
    }
});
