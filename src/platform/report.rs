//! Telling the page what happened: `tailor:*` CustomEvents on `document`,
//! and failures as a console warning plus one `tailor:error` event. Nothing
//! here can throw into the host page.

use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Dispatches `tailor:{name}` on `document` with `detail` as a plain object.
pub fn emit<T: Serialize>(name: &str, detail: &T) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let detail = detail.serialize(&serializer).unwrap_or(JsValue::NULL);
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
