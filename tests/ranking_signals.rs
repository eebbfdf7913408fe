//! Each scoring signal on its own: with every other weight at zero, the
//! signal alone must put the product it favours first, with the reason the
//! UI will show.

use tailor::core::catalog::{Catalog, Product, ProductFields};
use tailor::core::events::{Event, EventKind};
use tailor::core::model::{Model, TrainOptions};
use tailor::core::profile::ProfileWeights;
use tailor::core::rank::{Context, Engine, Pick, Reason, Request, Weights};

fn product(
    id: &str,
    title: &str,
    category: &[&str],
    brand: &str,
    tags: &[&str],
    price: f64,
) -> Product {
    Product::from(ProductFields {
        id: id.into(),
        title: title.into(),
        category: category.iter().map(|s| s.to_string()).collect(),
        brand: Some(brand.into()),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        price: Some(price),
        ..ProductFields::default()
    })
}

/// A small shop: first in feed order is `socks`; two mugs, two tees,
/// kitchen items at several prices.
fn shop() -> Catalog {
    Catalog::from_products(vec![
        product(
            "socks",
            "Wool Socks",
            &["Clothing", "Socks"],
            "Knit",
            &["winter"],
            9.0,
        ),
        product(
            "mug-blue",
            "Ceramic Coffee Mug Blue",
            &["Home", "Kitchen"],
            "Potter",
            &["ceramic"],
            12.0,
        ),
        product(
            "mug-red",
            "Ceramic Coffee Mug Red",
            &["Home", "Kitchen"],
            "Potter",
            &["ceramic"],
            12.0,
        ),
        product(
            "tee-blue",
            "Cotton T-Shirt Blue",
            &["Clothing", "Tops"],
            "Acme",
            &["cotton"],
            15.0,
        ),
        product(
            "tee-red",
            "Cotton T-Shirt Red",
            &["Clothing", "Tops"],
            "Acme",
            &["cotton"],
            15.0,
        ),
        product(
            "pan-cheap",
            "Frying Pan",
            &["Home", "Cookware"],
            "Chef",
            &["steel"],
            6.0,
        ),
        product(
            "pan-dear",
            "Frying Pan Pro",
            &["Home", "Cookware"],
            "Chef",
            &["steel"],
            80.0,
        ),
        product(
            "pot-cheap",
            "Stock Pot",
            &["Home", "Cookware"],
            "Budget",
            &["steel"],
            12.0,
        ),
        product(
            "pot-dear",
            "Stock Pot Copper",
            &["Home", "Cookware"],
            "Luxe",
            &["copper"],
            90.0,
        ),
        product(
            "lamp",
            "Desk Lamp",
            &["Home", "Office"],
            "Lumen",
            &["light"],
            30.0,
        ),
        product(
            "chair",
            "Desk Chair",
            &["Home", "Office"],
            "Sitwell",
            &["ergonomic"],
            120.0,
        ),
        product(
            "cap",
            "Baseball Cap",
            &["Clothing", "Hats"],
            "Acme",
            &["cotton"],
            11.0,
        ),
    ])
    .0
}

/// Weights with every signal off; the case turns on one.
fn only(set: impl Fn(&mut Weights)) -> Weights {
    let mut w = Weights {
        content: 0.0,
        content_with_model: 0.0,
        copurchase: 0.0,
        category: 0.0,
        brand: 0.0,
        tag: 0.0,
        price_fit: 0.0,
        popularity: 0.0,
        catalog_order: 0.0,
        popularity_lift: 0.0,
        affinity_with_model: 1.0,
        diversity: 0.0,
        ..Weights::default()
    };
    set(&mut w);
    w
}

fn ids(engine: &Engine, picks: &[Pick]) -> Vec<String> {
    picks
        .iter()
        .map(|p| engine.catalog().products()[p.product].id().to_string())
        .collect()
}

fn view(id: &str, at: u64) -> Event {
    Event::new(id, EventKind::View, at)
}

fn buy(id: &str, at: u64) -> Event {
    Event::new(id, EventKind::Purchase, at)
}

/// Order histories in which `lamp` goes with `mug-blue` and `chair` with `lamp`;
/// `pot-dear` is the best seller.
fn model() -> Model {
    let mut histories: Vec<Vec<Event>> = vec![
        vec![buy("mug-blue", 1), buy("lamp", 1)],
        vec![buy("mug-blue", 1), buy("lamp", 1)],
        vec![buy("mug-blue", 1), buy("lamp", 1), buy("chair", 1)],
        vec![buy("lamp", 1), buy("chair", 1)],
    ];
    for _ in 0..6 {
        histories.push(vec![buy("pot-dear", 1)]);
    }
    let options = TrainOptions {
        min_shared_shoppers: 1,
        ..TrainOptions::default()
    };
    Model::train(histories.iter().map(Vec::as_slice), &options)
}

struct Case {
    name: &'static str,
    weights: Weights,
    with_model: bool,
    history: Vec<Event>,
    want_first: &'static str,
    want_reason: Reason,
}

#[test]
fn each_signal_alone_puts_its_favourite_first() {
    let day = 86_400;
    let cases = vec![
        Case {
            name: "content: a viewed mug pulls the other mug",
            weights: only(|w| w.content = 1.0),
            with_model: false,
            history: vec![view("mug-blue", 1)],
            want_first: "mug-red",
            want_reason: Reason::BecauseYouViewed {
                product: "mug-blue".into(),
            },
        },
        Case {
            name: "content: a bought tee gives 'because you bought'",
            weights: only(|w| w.content = 1.0),
            with_model: false,
            history: vec![buy("tee-blue", 1)],
            want_first: "tee-red",
            want_reason: Reason::BecauseYouBought {
                product: "tee-blue".into(),
            },
        },
        Case {
            name: "session intent: the last view outweighs older ones",
            weights: only(|w| {
                w.content = 1.0;
                w.recency_decay = 0.5;
            }),
            with_model: false,
            history: vec![view("tee-blue", 1), view("lamp", 2), view("mug-blue", 3)],
            want_first: "mug-red",
            want_reason: Reason::BecauseYouViewed {
                product: "mug-blue".into(),
            },
        },
        Case {
            name: "co-purchase: lamp is often bought with the mug",
            weights: only(|w| w.copurchase = 1.0),
            with_model: true,
            history: vec![buy("mug-blue", 1)],
            want_first: "lamp",
            want_reason: Reason::OftenBoughtWith {
                product: "mug-blue".into(),
            },
        },
        Case {
            name: "category affinity: office lover gets office",
            weights: only(|w| w.category = 1.0),
            with_model: false,
            history: vec![view("lamp", 1)],
            want_first: "chair",
            want_reason: Reason::PopularIn {
                category: "Office".into(),
            },
        },
        Case {
            name: "brand affinity: Acme tee buyer gets the Acme cap",
            weights: only(|w| {
                w.brand = 1.0;
                w.catalog_order = 0.001;
            }),
            with_model: false,
            history: vec![buy("tee-blue", 1), buy("tee-red", 1)],
            want_first: "cap",
            want_reason: Reason::PopularIn {
                category: "Clothing".into(),
            },
        },
        Case {
            name: "tag affinity: a steel pan viewer gets steel cookware",
            weights: only(|w| {
                w.tag = 1.0;
                w.catalog_order = 0.001;
            }),
            with_model: false,
            history: vec![view("pan-cheap", 1)],
            want_first: "pan-dear",
            want_reason: Reason::PopularIn {
                category: "Cookware".into(),
            },
        },
        Case {
            name: "price fit: a premium shopper gets the dear pot",
            weights: only(|w| w.price_fit = 1.0),
            with_model: false,
            history: vec![buy("pan-dear", 1)],
            want_first: "pot-dear",
            want_reason: Reason::PopularIn {
                category: "Cookware".into(),
            },
        },
        Case {
            name: "popularity from the model: the best seller",
            weights: only(|w| w.popularity = 1.0),
            with_model: true,
            history: vec![],
            want_first: "pot-dear",
            want_reason: Reason::Popular,
        },
        Case {
            name: "popularity without a model: feed order",
            weights: only(|w| w.catalog_order = 1.0),
            with_model: false,
            history: vec![],
            want_first: "socks",
            want_reason: Reason::Popular,
        },
        Case {
            name: "time decay: a recent office view beats an old kitchen purchase",
            weights: only(|w| {
                w.category = 1.0;
                w.events = ProfileWeights {
                    half_life_secs: 10.0 * day as f32,
                    ..ProfileWeights::default()
                };
            }),
            with_model: false,
            history: vec![buy("mug-blue", 1), view("lamp", 100 * day)],
            want_first: "chair",
            want_reason: Reason::PopularIn {
                category: "Office".into(),
            },
        },
    ];
    for case in cases {
        let mut engine = Engine::new(shop()).with_weights(case.weights);
        if case.with_model {
            engine = engine.with_model(model());
        }
        let mut request = Request::new(&case.history, Context::ForYou, 3);
        request.exclude_seen = true;
        let picks = engine.recommend(&request);
        let got = ids(&engine, &picks);
        assert_eq!(
            got.first().map(String::as_str),
            Some(case.want_first),
            "{}: {got:?}",
            case.name
        );
        assert_eq!(picks[0].reason, case.want_reason, "{}", case.name);
    }
}

#[test]
fn similar_context_ranks_like_the_product_on_screen() {
    let engine = Engine::new(shop());
    let picks = engine.recommend(&Request::new(
        &[],
        Context::Similar {
            product: "tee-blue",
        },
        5,
    ));
    let got = ids(&engine, &picks);
    assert_eq!(got[0], "tee-red");
    assert!(!got.contains(&"tee-blue".to_string()));
    assert_eq!(
        picks[0].reason,
        Reason::SimilarTo {
            product: "tee-blue".into()
        }
    );
}

#[test]
fn cold_start_without_model_is_feed_order_and_popular() {
    let engine = Engine::new(shop());
    let picks = engine.recommend(&Request::new(&[], Context::ForYou, 3));
    assert_eq!(ids(&engine, &picks), ["socks", "mug-blue", "mug-red"]);
    assert!(picks.iter().all(|p| p.reason == Reason::Popular));
}

#[test]
fn profile_reports_the_segment() {
    use tailor::core::profile::Segment;
    let engine = Engine::new(shop());
    let cases = [
        (
            vec![buy("pan-cheap", 1), buy("pot-cheap", 1)],
            Segment::Budget,
        ),
        (
            vec![buy("pan-dear", 1), buy("pot-dear", 1)],
            Segment::Premium,
        ),
        (vec![], Segment::Unknown),
    ];
    for (history, want) in cases {
        assert_eq!(
            engine.profile(&history, &[], 0).segment,
            Some(want),
            "{history:?}"
        );
    }
}

#[test]
fn reasons_serialise_with_a_kind_tag() {
    let cases = [
        (
            Reason::BecauseYouViewed {
                product: "a".into(),
            },
            r#"{"kind":"because-you-viewed","product":"a"}"#,
        ),
        (
            Reason::OftenBoughtWith {
                product: "b".into(),
            },
            r#"{"kind":"often-bought-with","product":"b"}"#,
        ),
        (
            Reason::PopularIn {
                category: "Tops".into(),
            },
            r#"{"kind":"popular-in","category":"Tops"}"#,
        ),
        (
            Reason::SimilarTo {
                product: "c".into(),
            },
            r#"{"kind":"similar-to","product":"c"}"#,
        ),
        (Reason::Pinned, r#"{"kind":"pinned"}"#),
        (Reason::Popular, r#"{"kind":"popular"}"#),
    ];
    for (reason, want) in cases {
        assert_eq!(serde_json::to_string(&reason).unwrap(), want);
    }
}

#[test]
fn an_engine_built_in_batches_ranks_exactly_like_one_built_at_once() {
    use tailor::core::rank::EngineBuilder;
    let whole = Engine::new(shop());
    let histories = [
        vec![],
        vec![view("mug-blue", 10)],
        vec![view("tee-blue", 10), buy("lamp", 20), view("pot-dear", 30)],
    ];
    for batch in [1, 2, 3, 7, usize::MAX] {
        let mut builder = EngineBuilder::new(shop());
        let mut steps = 0;
        while !builder.step(batch) {
            steps += 1;
            // Each stage (reading, the indexes' last passes, the rules)
            // takes its own steps: a bound, not an exact count.
            assert!(
                steps <= 100 * (shop().len() + 10),
                "batch {batch}: never done"
            );
        }
        let batched = builder.finish();
        for history in &histories {
            for context in [
                Context::ForYou,
                Context::Similar {
                    product: "mug-blue",
                },
            ] {
                let request = Request::new(history, context, 10);
                let (a, b) = (whole.recommend(&request), batched.recommend(&request));
                assert_eq!(
                    ids(&whole, &a),
                    ids(&batched, &b),
                    "batch {batch}, {history:?}"
                );
                for (x, y) in a.iter().zip(&b) {
                    assert_eq!(
                        x.score.to_bits(),
                        y.score.to_bits(),
                        "batch {batch}: scores differ"
                    );
                }
            }
        }
    }
    // Finishing early reads what was left.
    let mut builder = EngineBuilder::new(shop());
    builder.step(2);
    let early = builder.finish();
    let request = Request::new(&histories[2], Context::ForYou, 10);
    assert_eq!(
        ids(&whole, &whole.recommend(&request)),
        ids(&early, &early.recommend(&request))
    );
}

fn looked(id: &str, at: u64, seconds: u32) -> Event {
    let mut event = view(id, at);
    event.dwell = Some(seconds);
    event
}

/// What the ranking reads besides the ring of events: the stored interests
/// (kept when old events drop) and how long each product was looked at.
#[test]
fn stored_interests_and_dwell_feed_the_ranking() {
    use tailor::core::store::Interest;
    let interest = |key: &str, weight: f32| Interest(key.into(), weight, 1_000);
    struct Case {
        name: &'static str,
        weights: Weights,
        history: Vec<Event>,
        interests: Vec<Interest>,
        want_first: &'static str,
        want_reason: Option<Reason>,
    }
    let cases = [
        Case {
            name: "no ring, no interests: cold start (feed order)",
            weights: only(|w| {
                w.category = 1.0;
                w.catalog_order = 0.01;
            }),
            history: vec![],
            interests: vec![],
            want_first: "socks",
            want_reason: Some(Reason::Popular),
        },
        Case {
            name: "a long-time shopper whose events fell out of the ring still gets their category",
            weights: only(|w| {
                w.category = 1.0;
                w.catalog_order = 0.01;
            }),
            history: vec![],
            interests: vec![interest("c:office", 4.0), interest("c:socks", 1.0)],
            want_first: "lamp",
            want_reason: Some(Reason::PopularIn {
                category: "Office".into(),
            }),
        },
        Case {
            name: "the stored category outweighs one recent view elsewhere",
            weights: only(|w| w.category = 1.0),
            history: vec![view("socks", 1_000)],
            interests: vec![interest("c:office", 9.0), interest("c:socks", 1.0)],
            want_first: "lamp",
            want_reason: Some(Reason::PopularIn {
                category: "Office".into(),
            }),
        },
        Case {
            name: "a stored brand",
            weights: only(|w| w.brand = 1.0),
            history: vec![],
            interests: vec![interest("b:luxe", 1.0)],
            want_first: "pot-dear",
            want_reason: None,
        },
        Case {
            name: "a stored price band",
            weights: only(|w| w.price_fit = 1.0),
            history: vec![],
            interests: vec![interest("p:50-100", 3.0), interest("p:0-10", 1.0)],
            want_first: "pan-dear",
            want_reason: None,
        },
        Case {
            name: "content: a long look at a tee, then a glance at a mug: like the tee",
            weights: only(|w| w.content = 1.0),
            history: vec![looked("tee-blue", 1, 40), looked("mug-blue", 2, 1)],
            interests: vec![],
            want_first: "tee-red",
            want_reason: Some(Reason::BecauseYouViewed {
                product: "tee-blue".into(),
            }),
        },
        Case {
            name: "content: the same two views, both long: the newest (the mug) leads",
            weights: only(|w| w.content = 1.0),
            history: vec![looked("tee-blue", 1, 40), looked("mug-blue", 2, 40)],
            interests: vec![],
            want_first: "mug-red",
            want_reason: Some(Reason::BecauseYouViewed {
                product: "mug-blue".into(),
            }),
        },
        Case {
            name: "category: two glances at clothing weigh less than one long look in the kitchen",
            weights: only(|w| w.category = 1.0),
            history: vec![
                looked("mug-blue", 1, 30),
                looked("tee-blue", 2, 1),
                looked("cap", 3, 2),
            ],
            interests: vec![],
            want_first: "mug-red",
            want_reason: Some(Reason::PopularIn {
                category: "Kitchen".into(),
            }),
        },
        Case {
            name: "category: the same three views, all long: clothing leads",
            weights: only(|w| w.category = 1.0),
            history: vec![
                looked("mug-blue", 1, 30),
                looked("tee-blue", 2, 30),
                looked("cap", 3, 30),
            ],
            interests: vec![],
            want_first: "tee-red",
            want_reason: Some(Reason::PopularIn {
                category: "Tops".into(),
            }),
        },
    ];
    for case in cases {
        let engine = Engine::new(shop()).with_weights(case.weights);
        let mut request = Request::new(&case.history, Context::ForYou, 3);
        request.interests = &case.interests;
        request.exclude_seen = true;
        let picks = engine.recommend(&request);
        let got = ids(&engine, &picks);
        assert_eq!(
            got.first().map(String::as_str),
            Some(case.want_first),
            "{}: {got:?} {:?}",
            case.name,
            picks.first().map(|p| &p.reason)
        );
        if let Some(reason) = case.want_reason {
            assert_eq!(picks[0].reason, reason, "{}", case.name);
        }
    }

    // With a model (default weights: affinities scaled to 0 while the
    // model has seeds), a shopper whose events all left the ring still has
    // their stored category lift its products past the ones the model
    // knows nothing about (the best sellers still lead).
    let engine = Engine::new(shop()).with_model(model());
    let place_of_tops = |interests: &[Interest]| {
        let mut request = Request::new(&[], Context::ForYou, 12);
        request.interests = interests;
        let got = ids(&engine, &engine.recommend(&request));
        got.iter().position(|id| id == "tee-blue")
    };
    let without = place_of_tops(&[]);
    let with = place_of_tops(&[interest("c:tops", 5.0)]);
    assert!(
        with < without,
        "tee-blue at {with:?} with a liking for tops, {without:?} without"
    );
    assert_eq!(
        with,
        Some(4),
        "right after the four products the model knows"
    );
}

/// "why this?" names the real signals behind each pick: which of the
/// shopper's products and what they did with it, which interests it matches.
#[test]
fn evidence_names_the_products_and_interests_behind_a_pick() {
    use tailor::core::rank::{strongest_action, Evidence};
    use tailor::core::store::Interest;
    let viewed = |p: &str| Evidence::Viewed { product: p.into() };
    let category = |c: &str| Evidence::LikesCategory { category: c.into() };
    let brand = |b: &str| Evidence::LikesBrand { brand: b.into() };
    struct Case {
        name: &'static str,
        weights: Weights,
        context: Context<'static>,
        history: Vec<Event>,
        interests: Vec<Interest>,
        want_first: &'static str,
        want: Vec<Evidence>,
    }
    let cases = [
        Case {
            name: "like a product the shopper looked at, in their category and brand",
            weights: only(|w| w.content = 1.0),
            context: Context::ForYou,
            history: vec![view("mug-blue", 10)],
            interests: vec![],
            want_first: "mug-red",
            want: vec![viewed("mug-blue"), category("Kitchen"), brand("Potter")],
        },
        Case {
            name: "a carted product is named as carted",
            weights: only(|w| w.content = 1.0),
            context: Context::ForYou,
            history: vec![
                view("tee-blue", 10),
                Event::new("tee-blue", EventKind::Cart, 11),
            ],
            interests: vec![],
            want_first: "tee-red",
            want: vec![
                Evidence::Carted {
                    product: "tee-blue".into(),
                },
                category("Tops"),
                brand("Acme"),
            ],
        },
        Case {
            name: "a category liked from the ring names the product viewed in it",
            weights: only(|w| w.category = 1.0),
            context: Context::ForYou,
            history: vec![view("lamp", 10)],
            interests: vec![],
            want_first: "chair",
            want: vec![category("Office"), viewed("lamp")],
        },
        Case {
            name: "a category liked only from the stored interests names no product",
            weights: only(|w| w.category = 1.0),
            context: Context::ForYou,
            history: vec![],
            interests: vec![Interest("c:office".into(), 2.0, 10)],
            want_first: "lamp",
            want: vec![category("Office")],
        },
        Case {
            name: "on a product page: the product on screen",
            weights: only(|w| w.content = 1.0),
            context: Context::Similar {
                product: "tee-blue",
            },
            history: vec![],
            interests: vec![],
            want_first: "tee-red",
            want: vec![Evidence::OnScreen {
                product: "tee-blue".into(),
            }],
        },
        Case {
            name: "cold start: popular, nothing about the shopper",
            weights: only(|w| w.catalog_order = 1.0),
            context: Context::ForYou,
            history: vec![],
            interests: vec![],
            want_first: "socks",
            want: vec![Evidence::Popular],
        },
    ];
    for case in cases {
        let engine = Engine::new(shop()).with_weights(case.weights);
        let mut request = Request::new(&case.history, case.context, 3);
        request.interests = &case.interests;
        request.exclude_seen = true;
        let picks = engine.recommend(&request);
        let evidence = engine.evidence(&request, &picks);
        assert_eq!(evidence.len(), picks.len(), "{}", case.name);
        assert_eq!(
            ids(&engine, &picks).first().map(String::as_str),
            Some(case.want_first),
            "{}",
            case.name
        );
        assert_eq!(
            evidence[0], case.want,
            "{}: {:?}",
            case.name, picks[0].reason
        );
    }

    // The strongest thing done with a product names it.
    let cart = |id: &str| Event::new(id, EventKind::Cart, 2);
    let cases: [(Vec<Event>, Option<Evidence>); 4] = [
        (vec![view("a", 1)], Some(viewed("a"))),
        (
            vec![view("a", 1), cart("a"), view("a", 3)],
            Some(Evidence::Carted {
                product: "a".into(),
            }),
        ),
        (
            vec![buy("a", 1), view("a", 3)],
            Some(Evidence::Bought {
                product: "a".into(),
            }),
        ),
        (vec![view("b", 1)], None),
    ];
    for (history, want) in cases {
        assert_eq!(strongest_action(&history, "a"), want, "{history:?}");
    }
}

/// With a model and the default weights: after an order, what is bought
/// with it comes before the best seller; a shopper who only looked still
/// gets what is like what they looked at (the model knows orders, not this
/// session's intent); a shopper who bought gets the model's view.
#[test]
fn with_a_model_orders_lead_to_what_goes_with_them_and_views_to_what_is_alike() {
    let engine = Engine::new(shop()).with_model(model());
    // (context, history, first pick, its reason)
    let cases = [
        (
            Context::Order,
            vec![buy("mug-blue", 10)],
            "lamp",
            Reason::OftenBoughtWith {
                product: "mug-blue".into(),
            },
        ),
        (
            Context::ForYou,
            vec![view("tee-blue", 10)],
            "tee-red",
            Reason::BecauseYouViewed {
                product: "tee-blue".into(),
            },
        ),
        (
            Context::ForYou,
            vec![view("socks", 5), view("tee-blue", 10)],
            "tee-red",
            Reason::BecauseYouViewed {
                product: "tee-blue".into(),
            },
        ),
        (
            Context::ForYou,
            vec![buy("socks", 10)],
            "pot-dear",
            Reason::Popular,
        ),
        // On a product page likeness leads, not the best seller.
        (
            Context::Similar {
                product: "pan-cheap",
            },
            vec![],
            "pan-dear",
            Reason::SimilarTo {
                product: "pan-cheap".into(),
            },
        ),
    ];
    for (context, history, want_first, want_reason) in cases {
        // As the widget asks: what the shopper saw has its own rail.
        let mut request = Request::new(&history, context, 5);
        request.exclude_seen = true;
        let picks = engine.recommend(&request);
        let got = ids(&engine, &picks);
        assert_eq!(got[0], want_first, "{context:?} after {history:?}: {got:?}");
        assert_eq!(
            picks[0].reason, want_reason,
            "{context:?} after {history:?}"
        );
    }
}

/// A model that shares no product with the catalog (another shop's) is not
/// linked: it would only take the content signal away.
#[test]
fn a_model_of_another_shop_is_left_out() {
    let foreign = Model::train(
        [
            vec![buy("x-1", 1), buy("x-2", 1)],
            vec![buy("x-1", 1), buy("x-2", 1)],
        ]
        .iter()
        .map(Vec::as_slice),
        &TrainOptions {
            min_shared_shoppers: 1,
            ..TrainOptions::default()
        },
    );
    assert!(!foreign.is_empty());
    assert!(!Engine::new(shop()).with_model(foreign).has_model());
    assert!(Engine::new(shop()).with_model(model()).has_model());
}
