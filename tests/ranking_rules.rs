//! Site-owner rules, exclusions and diversity, end to end through
//! `Engine::recommend`.

use tailor::core::catalog::{Catalog, Product, ProductFields};
use tailor::core::events::{Event, EventKind};
use tailor::core::rank::{Context, Engine, Pick, Reason, Request, Rules, Weights};

fn product(
    id: &str,
    title: &str,
    category: &[&str],
    brand: &str,
    tag: &str,
    in_stock: bool,
) -> Product {
    Product::from(ProductFields {
        id: id.into(),
        title: title.into(),
        category: category.iter().map(|s| s.to_string()).collect(),
        brand: Some(brand.into()),
        tags: vec![tag.into()],
        in_stock,
        ..ProductFields::default()
    })
}

fn shop() -> Catalog {
    Catalog::from_products(vec![
        product(
            "a",
            "Alpha Kettle",
            &["Home", "Kitchen"],
            "Acme",
            "steel",
            true,
        ),
        product(
            "b",
            "Beta Toaster",
            &["Home", "Kitchen"],
            "Acme",
            "steel",
            true,
        ),
        product(
            "c",
            "Gamma Lamp",
            &["Home", "Office"],
            "Lumen",
            "light",
            true,
        ),
        product(
            "d",
            "Delta Chair",
            &["Home", "Office"],
            "Sitwell",
            "wood",
            true,
        ),
        product(
            "e",
            "Epsilon Coffee Beans",
            &["Food", "Coffee"],
            "Roast",
            "beans",
            true,
        ),
        product(
            "f",
            "Zeta Sold Out",
            &["Home", "Kitchen"],
            "Acme",
            "steel",
            false,
        ),
    ])
    .0
}

fn ids(engine: &Engine, picks: &[Pick]) -> Vec<&'static str> {
    picks
        .iter()
        .map(|p| match engine.catalog().products()[p.product].id() {
            "a" => "a",
            "b" => "b",
            "c" => "c",
            "d" => "d",
            "e" => "e",
            "f" => "f",
            other => panic!("unexpected {other}"),
        })
        .collect()
}

fn rules(json: &str) -> Rules {
    Rules::from_json(json).unwrap()
}

/// Cold start (feed order), no diversity: the rules alone reorder.
fn engine(rules_json: &str) -> Engine {
    Engine::new(shop())
        .with_weights(Weights {
            diversity: 0.0,
            ..Weights::default()
        })
        .with_rules(&rules(rules_json))
}

#[test]
fn owner_rules_reorder_and_hide() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "no rules: feed order, sold out left out",
            "{}",
            &["a", "b", "c", "d", "e"],
        ),
        (
            "pin by id, in the owner's order",
            r#"{"pin": ["d", "c"]}"#,
            &["d", "c", "a", "b", "e"],
        ),
        (
            "pinned but sold out is not shown",
            r#"{"pin": ["f"]}"#,
            &["a", "b", "c", "d", "e"],
        ),
        (
            "pinned but unknown is ignored",
            r#"{"pin": ["nope"]}"#,
            &["a", "b", "c", "d", "e"],
        ),
        (
            "hide by brand",
            r#"{"hide": [{"brand": "acme"}]}"#,
            &["c", "d", "e"],
        ),
        (
            "hide by category at any level",
            r#"{"hide": [{"category": "Office"}]}"#,
            &["a", "b", "e"],
        ),
        (
            "hide by tag",
            r#"{"hide": [{"tag": "light"}]}"#,
            &["a", "b", "d", "e"],
        ),
        (
            "hide by id beats pin",
            r#"{"pin": ["c"], "hide": [{"id": "c"}]}"#,
            &["a", "b", "d", "e"],
        ),
        (
            "boost by category",
            r#"{"boost": [{"category": "Food"}], "boost_factor": 10}"#,
            &["e", "a", "b", "c", "d"],
        ),
        (
            "bury by brand",
            r#"{"bury": [{"brand": "Acme"}], "bury_factor": 0.1}"#,
            &["c", "d", "e", "a", "b"],
        ),
    ];
    for (name, json, want) in cases {
        let e = engine(json);
        let picks = e.recommend(&Request::new(&[], Context::ForYou, 10));
        assert_eq!(ids(&e, &picks), *want, "{name}");
    }
    let e = engine(r#"{"pin": ["d"]}"#);
    let picks = e.recommend(&Request::new(&[], Context::ForYou, 10));
    assert_eq!(picks[0].reason, Reason::Pinned);
}

#[test]
fn exclusions_follow_the_request() {
    let history = [
        Event::new("a", EventKind::Purchase, 1),
        Event::new("c", EventKind::View, 2),
        Event::new("e", EventKind::Purchase, 3),
    ];
    struct Case {
        name: &'static str,
        rules: &'static str,
        context: Context<'static>,
        exclude_seen: bool,
        exclude_purchased: bool,
        absent: &'static [&'static str],
        present: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "defaults: purchases and sold out left out, views stay",
            rules: "{}",
            context: Context::ForYou,
            exclude_seen: false,
            exclude_purchased: true,
            absent: &["a", "e", "f"],
            present: &["b", "c", "d"],
        },
        Case {
            name: "exclude seen: views go too",
            rules: "{}",
            context: Context::ForYou,
            exclude_seen: true,
            exclude_purchased: true,
            absent: &["a", "c", "e", "f"],
            present: &["b", "d"],
        },
        Case {
            name: "repeat purchases allowed",
            rules: "{}",
            context: Context::ForYou,
            exclude_seen: false,
            exclude_purchased: false,
            absent: &["f"],
            present: &["a", "e"],
        },
        Case {
            name: "consumables stay eligible after purchase",
            rules: r#"{"repurchasable": [{"category": "Coffee"}]}"#,
            context: Context::ForYou,
            exclude_seen: false,
            exclude_purchased: true,
            absent: &["a", "f"],
            present: &["e"],
        },
        Case {
            name: "the product on screen is never recommended",
            rules: "{}",
            context: Context::Similar { product: "b" },
            exclude_seen: false,
            exclude_purchased: true,
            absent: &["b", "f"],
            present: &["d"],
        },
    ];
    for case in cases {
        let e = engine(case.rules);
        let mut request = Request::new(&history, case.context, 10);
        request.exclude_seen = case.exclude_seen;
        request.exclude_purchased = case.exclude_purchased;
        let picks = e.recommend(&request);
        let got = ids(&e, &picks);
        for id in case.absent {
            assert!(!got.contains(id), "{}: {id} in {got:?}", case.name);
        }
        for id in case.present {
            assert!(got.contains(id), "{}: {id} missing from {got:?}", case.name);
        }
        if case.name.starts_with("consumables") {
            let coffee = picks
                .iter()
                .find(|p| e.catalog().products()[p.product].id() == "e")
                .unwrap();
            assert_eq!(
                coffee.reason,
                Reason::BuyAgain {
                    product: "e".into()
                }
            );
        }
    }
}

#[test]
fn diversity_breaks_up_near_duplicates() {
    let mut products: Vec<Product> = (0..6)
        .map(|i| {
            product(
                &format!("mug-{i}"),
                "Ceramic Coffee Mug",
                &["Home", "Kitchen"],
                "Potter",
                "ceramic",
                true,
            )
        })
        .collect();
    products.push(product(
        "plate",
        "Ceramic Dinner Plate",
        &["Home", "Dining"],
        "Potter",
        "ceramic",
        true,
    ));
    products.push(product(
        "seed",
        "Ceramic Coffee Mug",
        &["Home", "Kitchen"],
        "Potter",
        "ceramic",
        true,
    ));
    for i in 0..20 {
        products.push(product(
            &format!("x{i}"),
            &format!("Filler {i}"),
            &["Misc"],
            "Other",
            "misc",
            true,
        ));
    }
    let catalog = Catalog::from_products(products).0;
    let history = [Event::new("seed", EventKind::View, 1)];
    let top3 = |diversity: f32| {
        let e = Engine::new(catalog.clone()).with_weights(Weights {
            diversity,
            ..Weights::default()
        });
        let mut request = Request::new(&history, Context::ForYou, 3);
        request.exclude_seen = true;
        let picks = e.recommend(&request);
        picks
            .iter()
            .map(|p| e.catalog().products()[p.product].id().to_string())
            .collect::<Vec<_>>()
    };
    assert!(!top3(0.0).contains(&"plate".to_string()), "{:?}", top3(0.0));
    assert!(top3(0.6).contains(&"plate".to_string()), "{:?}", top3(0.6));
}

#[test]
fn empty_catalog_and_zero_limit_give_nothing() {
    let e = Engine::new(Catalog::default());
    assert!(e
        .recommend(&Request::new(&[], Context::ForYou, 5))
        .is_empty());
    let e = Engine::new(shop());
    assert!(e
        .recommend(&Request::new(&[], Context::ForYou, 0))
        .is_empty());
    // Unknown products in the history and on screen are ignored, not fatal.
    let history = [Event::new("ghost", EventKind::Purchase, 1)];
    let picks = e.recommend(&Request::new(
        &history,
        Context::Similar { product: "ghost" },
        3,
    ));
    assert_eq!(picks.len(), 3);
    // A limit beyond the catalog gives every eligible product, no overflow.
    let picks = e.recommend(&Request::new(&[], Context::ForYou, usize::MAX));
    assert_eq!(picks.len(), 5);
}
