//! Shopper clocks lie: a laptop whose clock was wrong and got corrected, a
//! phone crossing time zones, a stored history written by a tab whose clock
//! was ahead. Event times (`at`, Unix seconds, so time-zone free) may be out
//! of order, zero, far in the future or at the type's limit. Order of
//! recording is the truth: history keeps it, storage round-trips every time
//! value, and ranking stays finite and non-negative and does not let a
//! clock that jumped fade the shopper's actions away.

use tailor::core::catalog::{Catalog, Product, ProductFields};
use tailor::core::events::{Event, EventKind, History};
use tailor::core::rank::{Context, Engine, Pick, Request};
use tailor::core::store::{self, Memory};

const NOW: u64 = 1_763_900_000; // 2025-11-23

/// Clock sequences a real browser can produce, one `at` per recorded event.
fn clocks() -> Vec<(&'static str, Vec<u64>)> {
    vec![
        (
            "monotonic",
            vec![NOW, NOW + 5, NOW + 60, NOW + 61, NOW + 3_600],
        ),
        (
            "set back a year mid-session",
            vec![
                NOW,
                NOW + 5,
                NOW - 31_536_000,
                NOW - 31_535_990,
                NOW - 31_535_000,
            ],
        ),
        (
            "set forward then corrected",
            vec![NOW, NOW + 86_400 * 400, NOW + 10, NOW + 11, NOW + 12],
        ),
        ("unknown time (0)", vec![0, 0, NOW, 0, NOW - 1]),
        ("all equal", vec![NOW; 5]),
        ("type limits", vec![u64::MAX, 0, u64::MAX - 1, 1, u64::MAX]),
        (
            "strictly backwards",
            vec![NOW + 4, NOW + 3, NOW + 2, NOW + 1, NOW],
        ),
    ]
}

const ACTIONS: [(&str, EventKind); 5] = [
    ("a", EventKind::View),
    ("b", EventKind::View),
    ("c", EventKind::Cart),
    ("d", EventKind::View),
    ("b", EventKind::Purchase),
];

fn history(times: &[u64]) -> History {
    let mut history = History::default();
    for ((id, kind), &at) in ACTIONS.iter().zip(times) {
        history.push(Event::new(*id, *kind, at));
    }
    history
}

fn engine() -> Engine {
    let product = |id: &str, title: &str, category: &str| {
        Product::from(ProductFields {
            id: id.into(),
            title: title.into(),
            category: vec!["Home".into(), category.into()],
            ..ProductFields::default()
        })
    };
    let (catalog, duplicates) = Catalog::from_products(vec![
        product("a", "Blue ceramic mug", "Kitchen"),
        product("b", "Green ceramic mug", "Kitchen"),
        product("c", "Linen tea towel", "Kitchen"),
        product("d", "Wool throw blanket", "Living"),
        product("e", "Cotton cushion cover", "Living"),
        product("f", "Stoneware teapot", "Kitchen"),
        product("g", "Oak serving board", "Kitchen"),
        product("h", "Jute doormat", "Hall"),
    ]);
    assert!(duplicates.is_empty());
    Engine::new(catalog)
}

#[test]
fn history_keeps_recording_order_whatever_the_clock_says() {
    for (name, times) in clocks() {
        let history = history(&times);
        let recorded: Vec<(&str, u64)> = history
            .events()
            .iter()
            .map(|e| (e.product.as_str(), e.at))
            .collect();
        let expected: Vec<(&str, u64)> = ACTIONS
            .iter()
            .zip(&times)
            .map(|((id, _), &at)| (*id, at))
            .collect();
        assert_eq!(recorded, expected, "{name}");
        assert_eq!(history.recently_viewed(), ["b", "d", "c", "a"], "{name}");
    }
}

#[test]
fn a_reload_keeps_the_later_time_even_when_the_clock_went_back() {
    let cases = [
        (NOW, NOW + 10, NOW + 10),
        (NOW + 10, NOW, NOW + 10),
        (0, NOW, NOW),
        (u64::MAX, 0, u64::MAX),
    ];
    for (first, reload, kept) in cases {
        let mut history = History::default();
        history.push(Event::new("a", EventKind::View, first));
        history.push(Event::new("a", EventKind::View, reload));
        assert_eq!(history.len(), 1, "{first} then {reload}");
        assert_eq!(history.events()[0].at, kept, "{first} then {reload}");
    }
}

#[test]
fn stored_histories_round_trip_every_time_value() {
    for (name, times) in clocks() {
        let memory = Memory {
            history: history(&times),
            ..Memory::default()
        };
        let text = store::encode(&memory);
        assert_eq!(store::decode(Some(&text)), Ok(memory), "{name}: {text}");
    }
}

fn recommend(
    engine: &Engine,
    history: &History,
    context: Context,
    exclude_seen: bool,
    now: u64,
) -> Vec<Pick> {
    engine.recommend(&Request {
        exclude_seen,
        now,
        ..Request::new(history.events(), context, 8)
    })
}

#[test]
fn ranking_stays_finite_and_non_negative_under_any_clock() {
    let engine = engine();
    for (name, times) in clocks() {
        let history = history(&times);
        for now in [0, 1, NOW, NOW - 86_400 * 365, u64::MAX] {
            for context in [Context::ForYou, Context::Similar { product: "a" }] {
                for exclude_seen in [false, true] {
                    let picks = recommend(&engine, &history, context, exclude_seen, now);
                    assert!(!picks.is_empty(), "{name} now={now} {context:?}");
                    for pick in &picks {
                        assert!(
                            pick.score.is_finite() && pick.score >= 0.0,
                            "{name} now={now} {context:?}: score {}",
                            pick.score
                        );
                    }
                }
            }
        }
    }
}

/// A clock that jumped (ahead then corrected, back a year, backwards, or
/// unknown) must not fade what the shopper did: every product scores as it
/// does for the same actions recorded by a correct clock, give or take the
/// few minutes between them. Only a clock at the type's limit is beyond
/// saving, and even then scores stay sane (test above).
#[test]
fn a_clock_that_jumped_does_not_fade_the_shopper_away() {
    let engine = engine();
    let reference = history(&clocks()[0].1);
    let scores = |picks: Vec<Pick>| {
        let mut by_product: Vec<(usize, f32)> =
            picks.into_iter().map(|p| (p.product, p.score)).collect();
        by_product.sort_by_key(|&(product, _)| product);
        by_product
    };
    for (name, times) in clocks()
        .into_iter()
        .filter(|(name, _)| *name != "type limits")
    {
        let history = history(&times);
        for context in [Context::ForYou, Context::Similar { product: "a" }] {
            for exclude_seen in [false, true] {
                let got = scores(recommend(&engine, &history, context, exclude_seen, 0));
                let want = scores(recommend(&engine, &reference, context, exclude_seen, 0));
                let same = got.len() == want.len()
                    && got
                        .iter()
                        .zip(&want)
                        .all(|(g, w)| g.0 == w.0 && (g.1 - w.1).abs() <= 1e-3 + w.1 * 0.01);
                assert!(
                    same,
                    "{name} {context:?} exclude_seen={exclude_seen}:\n got {got:?}\nwant {want:?}"
                );
            }
        }
    }
}
