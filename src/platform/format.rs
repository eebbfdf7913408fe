//! Prices in the shopper's locale through the browser's own `Intl`
//! (no formatting tables shipped in the wasm).

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::present::fallback_price;

/// `19.9, "EUR", "de-DE"` → `19,90 €`. Falls back to `EUR 19.90` when
/// the browser rejects the locale or currency (or a page replaced `Intl`).
pub fn price(amount: f64, currency: &str, locale: &str) -> String {
    intl_price(amount, currency, locale).unwrap_or_else(|| fallback_price(amount, currency))
}

fn intl_price(amount: f64, currency: &str, locale: &str) -> Option<String> {
    let options = Object::new();
    Reflect::set(&options, &"style".into(), &"currency".into()).ok()?;
    Reflect::set(&options, &"currency".into(), &JsValue::from_str(currency)).ok()?;
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"NumberFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // Reflect.construct and Reflect.apply turn a thrown RangeError into Err.
    let formatter = Reflect::construct(
        &constructor,
        &Array::of2(&JsValue::from_str(locale), &options),
    )
    .ok()?;
    let format: Function = Reflect::get(&formatter, &"format".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Reflect::apply(&format, &formatter, &Array::of1(&JsValue::from_f64(amount)))
        .ok()?
        .as_string()
}
