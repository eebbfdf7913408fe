//! Inputs that once crashed a parser (found by the cargo-fuzz targets in
//! `fuzz/`, or by reading the code those targets drive), kept so they never
//! crash again. Each case names its target and what went wrong.

use tailor::core::model::{Model, ModelError};

/// LEB128 varint, as the model file writes its numbers.
fn varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A two-item model file whose first item lists the neighbour deltas given.
fn model_with_deltas(deltas: &[u64]) -> Vec<u8> {
    let mut out = b"TLRM".to_vec();
    out.push(1);
    varint(2, &mut out); // items
    varint(deltas.len() as u64, &mut out); // max neighbours
    for id in [b"a", b"b"] {
        varint(1, &mut out);
        out.extend_from_slice(id);
        varint(0, &mut out); // popularity
    }
    varint(deltas.len() as u64, &mut out);
    for &delta in deltas {
        varint(delta, &mut out);
    }
    out.extend(std::iter::repeat_n(0xff, 2 * deltas.len()));
    varint(0, &mut out); // the second item has no neighbours
    out
}

/// target `model`: neighbour index deltas are summed; a delta near u64::MAX
/// overflowed the sum (a panic in debug builds, a wrapped and accepted
/// index in release).
#[test]
fn model_neighbour_deltas_that_overflow_are_refused() {
    let cases: [(&[u64], bool); 4] = [
        (&[1], true),
        (&[0, 1], true),
        (&[1, u64::MAX], false),
        (&[1, u64::MAX - 1], false),
    ];
    for (deltas, readable) in cases {
        let result = Model::from_bytes(&model_with_deltas(deltas));
        match (readable, result) {
            (true, Ok(model)) => assert_eq!(model.len(), 2, "{deltas:?}"),
            (false, Err(ModelError::NeighbourOutOfRange { item: 0 })) => {}
            (_, other) => panic!("{deltas:?}: {other:?}"),
        }
    }
}

/// target `rules`: the owner's boost and bury factors are any finite JSON
/// number; a huge boost must not turn a score infinite (nor a tiny bury
/// turn it into a subnormal mess): scores stay finite and non-negative.
#[test]
fn rule_factors_at_the_limits_keep_scores_finite() {
    use tailor::core::catalog::{Catalog, Product, ProductFields};
    use tailor::core::events::{Event, EventKind};
    use tailor::core::rank::{Context, Engine, Request, Rules};

    let product = |id: &str, category: &str| {
        Product::from(ProductFields {
            id: id.into(),
            title: format!("{category} thing {id}"),
            category: vec![category.into()],
            ..ProductFields::default()
        })
    };
    let (catalog, _) = Catalog::from_products(vec![
        product("a", "Kitchen"),
        product("b", "Kitchen"),
        product("c", "Living"),
    ]);
    let history = [Event::new("a", EventKind::View, 1_700_000_000)];
    for factor in ["3.4e38", "1e30", "1e-45", "1e-38", "-1", "0"] {
        let text = format!(
            r#"{{"boost":[{{"category":"Kitchen"}}],"bury":[{{"category":"Living"}}],"boost_factor":{factor},"bury_factor":{factor}}}"#
        );
        let rules = Rules::from_json(&text).expect("valid rules");
        let engine = Engine::new(catalog.clone()).with_rules(&rules);
        for context in [Context::ForYou, Context::Similar { product: "a" }] {
            for pick in engine.recommend(&Request::new(&history, context, 8)) {
                assert!(
                    pick.score.is_finite() && pick.score >= 0.0,
                    "factor {factor}: score {} for {}",
                    pick.score,
                    pick.product
                );
            }
        }
    }
}

#[test]
fn a_protocol_relative_link_with_a_blank_host_is_not_kept() {
    // Found by `scripts/fuzz.sh` (target `present`): "//   /" on a page
    // whose host was given as blanks was kept as a same-host link.
    use tailor::core::present::safe_link;
    let cases: &[(&str, &str, bool)] = &[
        ("   //   /", "   ", false),
        ("//   /", "", false),
        ("// shop.example/x", "shop.example", false),
        ("//shop.example /x", "shop.example", false),
        ("//shop.example/x", " shop.example ", true),
        ("//SHOP.example/x", "shop.example", true),
        ("//other.example/x", "shop.example", false),
    ];
    for &(url, host, kept) in cases {
        assert_eq!(safe_link(url, host).is_some(), kept, "{url:?} on {host:?}");
    }
}
