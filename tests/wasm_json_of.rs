//! `platform::page::json_of` (how `window.tailorConfig` and `tailor(...)`
//! arguments are read) against `serde_wasm_bindgen::from_value`, which it
//! replaces in the widget to keep the standard float formatting out of the
//! wasm: same `serde_json::Value`, or both refuse, for every kind of JS value.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, ArrayBuffer, BigInt, Map, Object, Reflect, Set, Symbol, Uint8Array};
use tailor::platform::page::json_of;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn object(members: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in members {
        Reflect::set(&object, &JsValue::from_str(name), value).unwrap();
    }
    object.into()
}

fn array(items: &[JsValue]) -> JsValue {
    let array = Array::new();
    for item in items {
        array.push(item);
    }
    array.into()
}

fn samples() -> Vec<(&'static str, JsValue)> {
    let map = Map::new();
    map.set(&"a".into(), &JsValue::from_f64(1.0));
    map.set(&"b".into(), &array(&[JsValue::TRUE, JsValue::NULL]));
    let number_keyed = Map::new();
    number_keyed.set(&JsValue::from_f64(1.0), &"one".into());
    let set = Set::new(&JsValue::UNDEFINED);
    set.add(&JsValue::from_f64(1.0));
    vec![
        ("undefined", JsValue::UNDEFINED),
        ("null", JsValue::NULL),
        ("true", JsValue::TRUE),
        ("false", JsValue::FALSE),
        ("zero", JsValue::from_f64(0.0)),
        ("negative zero", JsValue::from_f64(-0.0)),
        ("integer", JsValue::from_f64(42.0)),
        ("negative integer", JsValue::from_f64(-7.0)),
        (
            "largest safe integer",
            JsValue::from_f64(9_007_199_254_740_991.0),
        ),
        (
            "past safe integers",
            JsValue::from_f64(9_007_199_254_740_992.0),
        ),
        ("fraction", JsValue::from_f64(19.99)),
        ("tiny", JsValue::from_f64(5e-324)),
        ("huge", JsValue::from_f64(1e300)),
        ("NaN", JsValue::from_f64(f64::NAN)),
        ("infinity", JsValue::from_f64(f64::INFINITY)),
        ("bigint", BigInt::from(-5i64).into()),
        ("bigint past i64", BigInt::from(u64::MAX).into()),
        (
            "bigint past u64",
            JsValue::from(BigInt::from(u64::MAX) * BigInt::from(4u64)),
        ),
        ("empty string", JsValue::from_str("")),
        ("string", JsValue::from_str("sku-1 ✓ שלום")),
        ("empty array", array(&[])),
        (
            "array",
            array(&[JsValue::from_f64(1.5), "x".into(), JsValue::UNDEFINED]),
        ),
        (
            "nested",
            object(&[
                ("order", "A-1".into()),
                (
                    "items",
                    array(&[object(&[
                        ("id", "sku-1".into()),
                        ("qty", JsValue::from_f64(2.0)),
                        ("price", JsValue::from_f64(9.5)),
                    ])]),
                ),
            ]),
        ),
        ("empty object", Object::new().into()),
        (
            "object with undefined",
            object(&[("a", JsValue::UNDEFINED), ("b", JsValue::from_f64(1.0))]),
        ),
        ("string-keyed Map", map.into()),
        ("number-keyed Map", number_keyed.into()),
        ("Set", set.into()),
        ("symbol", Symbol::for_("tailor").into()),
        (
            "object holding a symbol",
            object(&[("a", Symbol::for_("tailor").into())]),
        ),
        (
            "array holding a symbol",
            array(&[Symbol::for_("tailor").into()]),
        ),
        ("bytes", Uint8Array::new_with_length(3).into()),
        ("buffer", ArrayBuffer::new(2).into()),
        (
            "object holding bytes",
            object(&[("a", Uint8Array::new_with_length(1).into())]),
        ),
    ]
}

#[wasm_bindgen_test]
fn json_of_reads_like_serde_wasm_bindgen() {
    for (name, value) in samples() {
        let want = serde_wasm_bindgen::from_value::<serde_json::Value>(value.clone()).ok();
        assert_eq!(json_of(&value), want, "{name}");
    }
}
