//! What the host page tells Tailor without code: the owner's settings on the
//! script tag, schema.org Product JSON-LD and `data-tailor-product` (views),
//! `data-tailor-add-to-cart` buttons (add-to-cart), the site's search terms
//! in the URL, and the browser's privacy signals (GPC, Do Not Track).

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

use crate::core::settings::{SettingError, Settings};
use crate::core::signals::json_ld_product_ids;

/// Settings from the script tag's `data-*` attributes over `window.tailorConfig`.
pub fn settings(script: Option<&Element>, config: &JsValue) -> (Settings, Vec<SettingError>) {
    let mut settings = Settings::default();
    let errors = setting_pairs(script, config)
        .iter()
        .filter_map(|(name, value)| settings.apply(name, value).err())
        .collect();
    (settings, errors)
}

/// Every setting as (name, text): `window.tailorConfig` first, then the
/// script tag's `data-*` attributes (which win, being applied later).
pub fn setting_pairs(script: Option<&Element>, config: &JsValue) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Some(serde_json::Value::Object(map)) = json_of(config) {
        for (name, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            pairs.push((name, text));
        }
    }
    if let Some(script) = script {
        let attributes = script.attributes();
        for i in 0..attributes.length() {
            let Some(attr) = attributes.item(i) else {
                continue;
            };
            if let Some(name) = attr.name().strip_prefix("data-") {
                pairs.push((name.to_string(), attr.value()));
            }
        }
    }
    pairs
}

/// A JS value as JSON data, read exactly as `serde_wasm_bindgen::from_value`
/// reads a `serde_json::Value` (null/undefined, booleans, BigInts in 64
/// bits, safe integers as integers, strings, arrays, plain objects and
/// string-keyed Maps; `None` for anything else anywhere inside). Written
/// out because serde-wasm-bindgen's deserializer pulls the standard float
/// formatting into the wasm through its error messages. Uses no global the
/// page can replace (no JSON.parse/stringify).
pub fn json_of(value: &JsValue) -> Option<serde_json::Value> {
    use serde_json::Value;
    if value.loose_eq(&JsValue::NULL) {
        return Some(Value::Null);
    }
    if let Some(b) = value.as_bool() {
        return Some(Value::Bool(b));
    }
    if value.is_bigint() {
        return match i64::try_from(value.clone()) {
            Ok(n) => Some(Value::from(n)),
            Err(value) => u64::try_from(value).ok().map(Value::from),
        };
    }
    if let Some(n) = value.as_f64() {
        return Some(if js_sys::Number::is_safe_integer(value) {
            Value::from(n as i64)
        } else {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        });
    }
    if let Some(s) = value.as_string() {
        return Some(Value::String(s));
    }
    if js_sys::Array::is_array(value) {
        let items: Option<Vec<Value>> = match value.dyn_ref::<js_sys::Array>() {
            Some(array) => array.iter().map(|v| json_of(&v)).collect(),
            None => js_sys::try_iter(value)
                .ok()??
                .map(|v| v.ok().and_then(|v| json_of(&v)))
                .collect(),
        };
        return items.map(Value::Array);
    }
    if value.is_instance_of::<js_sys::Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>()
    {
        return None;
    }
    if value.is_object()
        && (!js_sys::Symbol::iterator().js_in(value) || value.has_type::<js_sys::Map>())
    {
        let pairs: Vec<JsValue> = match js_sys::try_iter(value).ok()? {
            Some(entries) => entries.collect::<Result<_, _>>().ok()?,
            None => js_sys::Object::entries(value.unchecked_ref())
                .iter()
                .collect(),
        };
        let mut map = serde_json::Map::new();
        for pair in pairs {
            let pair: js_sys::Array = pair.unchecked_into();
            map.insert(pair.get(0).as_string()?, json_of(&pair.get(1))?);
        }
        return Some(Value::Object(map));
    }
    None
}

/// The browser's privacy signals: (Global Privacy Control, Do Not Track).
pub fn privacy_signals() -> (bool, bool) {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return (false, false);
    };
    let get = |name: &str| js_sys::Reflect::get(&navigator, &JsValue::from_str(name)).ok();
    let gpc = get("globalPrivacyControl").is_some_and(|v| v == JsValue::TRUE);
    let dnt = get("doNotTrack").and_then(|v| v.as_string()).as_deref() == Some("1");
    (gpc, dnt)
}

/// The site's own search terms: the value of query parameter `param` in
/// this page's URL (`data-search-param="q"`), when not blank.
pub fn search_terms(param: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let terms = params.get(param)?;
    let terms = terms.trim();
    (!terms.is_empty()).then(|| terms.chars().take(200).collect())
}

/// Offers `text` as a file download named `filename` through a Blob URL
/// (no network, allowed under a strict CSP).
pub fn download(filename: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(
        &js_sys::Array::of1(&JsValue::from_str(text)),
        &options,
    )?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    // Some browsers read the Blob after the click returns: free it later.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
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
