//! What the host page tells Tailor without code: the owner's settings on the
//! script tag, schema.org Product JSON-LD and `data-tailor-product` (views),
//! and `data-tailor-add-to-cart` buttons (add-to-cart).

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

use crate::core::settings::{SettingError, Settings};
use crate::core::signals::json_ld_product_ids;

/// Settings from the script tag's `data-*` attributes over `window.tailorConfig`.
pub fn settings(script: Option<&Element>, config: &JsValue) -> (Settings, Vec<SettingError>) {
    let mut settings = Settings::default();
    let mut errors = Vec::new();
    if let Ok(serde_json::Value::Object(map)) =
        serde_wasm_bindgen::from_value::<serde_json::Value>(config.clone())
    {
        for (name, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            if let Err(e) = settings.apply(&name, &text) {
                errors.push(e);
            }
        }
    }
    if let Some(script) = script {
        let attributes = script.attributes();
        for i in 0..attributes.length() {
            let Some(attr) = attributes.item(i) else {
                continue;
            };
            if let Some(name) = attr.name().strip_prefix("data-") {
                if let Err(e) = settings.apply(name, &attr.value()) {
                    errors.push(e);
                }
            }
        }
    }
    (settings, errors)
}

/// Products this page shows as its subject: JSON-LD first, then
/// `data-tailor-product` elements, in document order, without repeats.
pub fn viewed_products(document: &Document) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |id: String| {
        if !ids.contains(&id) {
            ids.push(id);
        }
    };
    for script in select(document, "script[type=\"application/ld+json\"]") {
        if let Some(text) = script.text_content() {
            json_ld_product_ids(&text).into_iter().for_each(&mut add);
        }
    }
    for element in select(document, "[data-tailor-product]") {
        if let Some(id) = element
            .get_attribute("data-tailor-product")
            .map(|s| s.trim().to_string())
        {
            if !id.is_empty() {
                add(id.chars().take(200).collect());
            }
        }
    }
    ids
}

/// The page's host name, for telling same-site links from others.
pub fn host() -> String {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default()
}

/// The page's language (`<html lang>`), when set.
pub fn language(document: &Document) -> Option<String> {
    document
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty())
}

/// Calls `on_cart(id)` when a `data-tailor-add-to-cart` element is clicked.
/// The returned listener removes itself when dropped.
pub fn listen_add_to_cart(
    document: &Document,
    on_cart: impl Fn(String) + 'static,
) -> EventListener {
    EventListener::new(document, "click", move |event| {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Ok(Some(button)) = target.closest("[data-tailor-add-to-cart]") else {
            return;
        };
        if let Some(id) = button.get_attribute("data-tailor-add-to-cart") {
            let id = id.trim();
            if !id.is_empty() {
                on_cart(id.chars().take(200).collect());
            }
        }
    })
}

/// The elements matching `selector` (none when the selector fails).
pub fn select(root: &Document, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}
