//! Telling the page what happened: `tailor:*` CustomEvents on `document`,
//! and failures as a console warning plus one `tailor:error` event. Nothing
//! here can throw into the host page.

use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Dispatches `tailor:{name}` on `document` with `detail` as a plain object.
pub fn emit<T: Serialize>(name: &str, detail: &T) {
    let detail = to_js(detail);
    let init = CustomEventInit::new();
    init.set_detail(&detail);
    init.set_bubbles(false);
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("tailor:{name}"), &init) {
        // A throwing listener of the page is the page's business; ignore its result.
        let _ = document.dispatch_event(&event);
    }
}

/// `value` as a plain JS value, through JSON text: the JSON serializer is in
/// the wasm anyway (the store), so no second serializer ships for JS values.
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// A JS value as JSON data (`JSON.stringify`'s view of it: functions and
/// `undefined` members are left out); `Null` when it has no JSON form.
pub fn from_js(value: &JsValue) -> serde_json::Value {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// What failed, for `tailor:error` listeners.
#[derive(Serialize)]
struct ErrorDetail<'a> {
    /// A stable machine-readable area: `catalog`, `model`, `storage`, `command`, `settings`, `render`.
    source: &'a str,
    message: &'a str,
}

/// Reports a failure: console warning and a `tailor:error` event.
pub fn error(source: &str, message: &str) {
    warn(&format!("Tailor ({source}): {message}"));
    emit("error", &ErrorDetail { source, message });
}

/// A console warning: Tailor never uses `console.error` for the page's mistakes.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// A console message shown only with `data-debug`.
pub fn debug(enabled: bool, message: &str) {
    if enabled {
        web_sys::console::info_1(&JsValue::from_str(&format!("Tailor: {message}")));
    }
}
