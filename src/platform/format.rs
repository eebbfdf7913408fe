//! Prices in the shopper's locale through the browser's own `Intl`
//! (no formatting tables shipped in the wasm).

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::present::fallback_price;

/// `19.9, "EUR", "de-DE"` → `19,90 €`. Falls back to `EUR 19.90` when
/// the browser rejects the locale or currency (or a page replaced `Intl`).
pub fn price(amount: f64, currency: &str, locale: &str) -> String {
    intl_price(amount, currency, locale).unwrap_or_else(|| fallback_price(amount, currency))
}

/// A formatter and its `format` method.
type Formatter = (JsValue, Function);

thread_local! {
    /// Formatters made so far, by locale and currency: making an
    /// `Intl.NumberFormat` costs far more than formatting with one, and a
    /// page shows many prices in one or two currencies.
    static FORMATTERS: RefCell<Vec<(String, String, Formatter)>> = const { RefCell::new(Vec::new()) };
}

fn intl_price(amount: f64, currency: &str, locale: &str) -> Option<String> {
    let known = FORMATTERS.with(|f| {
        f.borrow()
            .iter()
            .find(|(l, c, _)| l == locale && c == currency)
            .map(|(_, _, formatter)| formatter.clone())
    });
    let (formatter, format) = match known {
        Some(formatter) => formatter,
        None => {
            let made = formatter(currency, locale)?;
            FORMATTERS.with(|f| {
                f.borrow_mut()
                    .push((locale.to_string(), currency.to_string(), made.clone()))
            });
            made
        }
    };
    Reflect::apply(&format, &formatter, &Array::of1(&JsValue::from_f64(amount)))
        .ok()?
        .as_string()
}

fn formatter(currency: &str, locale: &str) -> Option<Formatter> {
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
    Some((formatter, format))
}
