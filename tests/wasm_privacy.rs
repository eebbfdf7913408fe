//! Browser tests (wasm-bindgen-test in headless Chromium) of on-device
//! memory and privacy: localStorage within its cap and quota, corrupt and
//! future data, the schema 1 migration, two tabs writing, consent, forget,
//! export, and the "what Tailor remembers" panel.
//!
//! The runtime boots once per page, so everything that needs it is one test
//! (`runtime_memory_consent_and_panel`), in steps.
#![cfg(target_arch = "wasm32")]

use tailor::core::events::{Event, EventKind};
use tailor::core::store::{self, Limits, Memory, CONSENT_KEY, STORAGE_KEY};
use tailor::platform::{self, storage::Storage};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn stored() -> Memory {
    store::decode(local().get_item(STORAGE_KEY).unwrap().as_deref()).unwrap()
}

fn stored_ids() -> Vec<String> {
    stored()
        .history
        .events()
        .iter()
        .map(|e| format!("{}:{:?}", e.product, e.kind))
        .collect()
}

fn exported_ids() -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(&platform::export_json()).unwrap();
    value["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn call(args: &[JsValue]) {
    platform::command(args.iter().collect());
}

#[wasm_bindgen_test]
fn save_within_applies_retention_and_cap() {
    let (storage, error) = Storage::open();
    assert!(error.is_none());
    let mut memory = Memory::default();
    let t = now();
    memory
        .history
        .push(Event::new("old", EventKind::View, t - 40 * 86_400));
    for i in 0..150 {
        memory
            .history
            .push(Event::new(format!("sku-{i:03}"), EventKind::Cart, t));
    }
    let limits = Limits {
        cap_bytes: 2048,
        ..Limits::default()
    };
    storage.save_within(&mut memory, t, limits).unwrap();
    let text = local().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(text.len() <= 2048, "{}", text.len());
    let kept = stored();
    assert!(!kept.history.events().iter().any(|e| e.product == "old"));
    assert_eq!(
        kept.history.events().last().map(|e| e.product.as_str()),
        Some("sku-149"),
        "the newest survive the cap"
    );
    local().remove_item(STORAGE_KEY).unwrap();
}

/// Fills the origin's quota with filler keys, leaving almost no room.
fn fill_quota() -> Vec<String> {
    let mut keys = Vec::new();
    let mut chunk = 1 << 20;
    while chunk >= 16 {
        let key = format!("filler-{}", keys.len());
        if local().set_item(&key, &"x".repeat(chunk)).is_ok() {
            keys.push(key);
        } else {
            chunk /= 2;
        }
        assert!(keys.len() < 10_000, "the quota never filled");
    }
    keys
}

#[wasm_bindgen_test]
fn full_quota_evicts_oldest_events_and_retries() {
    let (storage, _) = Storage::open();
    let t = now();
    let mut memory = Memory::default();
    for i in 0..40 {
        memory
            .history
            .push(Event::new(format!("first-{i:02}"), EventKind::View, t));
    }
    storage
        .save_within(&mut memory, t, Limits::default())
        .unwrap();
    let fillers = fill_quota();
    for i in 0..40 {
        memory
            .history
            .push(Event::new(format!("later-{i:02}"), EventKind::Cart, t));
    }
    let result = storage.save_within(&mut memory, t, Limits::default());
    for key in &fillers {
        local().remove_item(key).unwrap();
    }
    assert!(result.is_ok(), "{result:?}");
    let kept = stored();
    assert!(kept.history.len() < 80, "old events were evicted");
    assert_eq!(
        kept.history.events().last().map(|e| e.product.as_str()),
        Some("later-39")
    );
    assert_eq!(kept, memory, "memory is left as stored");
    local().remove_item(STORAGE_KEY).unwrap();
}

#[wasm_bindgen_test]
fn corrupt_and_future_data_reset_only_the_memory() {
    let (storage, _) = Storage::open();
    local().set_item(CONSENT_KEY, "1").unwrap();
    let cases = [
        "{oops",
        r#"{"v": 3, "events": []}"#,
        r#"{"v":2,"events":[],"profile":"x"}"#,
    ];
    for text in cases {
        local().set_item(STORAGE_KEY, text).unwrap();
        let (memory, error) = storage.load();
        assert_eq!(memory, Memory::default(), "{text}");
        assert!(error.is_some(), "{text}");
        assert_eq!(local().get_item(STORAGE_KEY).unwrap(), None, "{text}");
        assert_eq!(
            local().get_item(CONSENT_KEY).unwrap().as_deref(),
            Some("1"),
            "the consent answer is another part: {text}"
        );
    }
    local().remove_item(CONSENT_KEY).unwrap();
}

fn fixture(html: &str) -> HtmlElement {
    let div: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    div.set_inner_html(html);
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn panel_items(slot: &Element) -> Vec<String> {
    let shadow = slot.shadow_root().unwrap();
    let list = shadow.query_selector_all("[data-tailor-item]").unwrap();
    (0..list.length())
        .map(|i| {
            list.item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-tailor-item")
                .unwrap()
        })
        .collect()
}

fn click(slot: &Element, selector: &str) {
    slot.shadow_root()
        .unwrap()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

#[wasm_bindgen_test]
async fn runtime_memory_consent_and_panel() {
    let t = now();
    // A shopper from the previous Tailor (schema 1) with three events.
    local()
        .set_item(
            STORAGE_KEY,
            &format!(
                r#"{{"v":1,"events":[{{"id":"v1-a","type":"view","t":{a}}},{{"id":"v1-b","type":"cart","t":{b}}},{{"id":"v1-c","type":"purchase","t":{c}}}]}}"#,
                a = t - 3000,
                b = t - 2000,
                c = t - 1000
            ),
        )
        .unwrap();
    local().remove_item(CONSENT_KEY).unwrap();
    let root = fixture(
        r#"<div data-tailor-product="page-1"></div><div data-tailor="privacy" id="privacy-slot"></div>"#,
    );
    let config = js_sys::JSON::parse(r#"{"retentionDays": "30"}"#).unwrap();
    platform::boot(JsValue::NULL, config, JsValue::UNDEFINED);

    // Migration keeps the events; this page's view is added.
    assert_eq!(
        stored_ids(),
        ["v1-a:View", "v1-b:Cart", "v1-c:Purchase", "page-1:View"]
    );
    assert!(local()
        .get_item(STORAGE_KEY)
        .unwrap()
        .unwrap()
        .starts_with("{\"v\":2"));

    // Two tabs: another tab writes an event; this tab's next write keeps
    // it, and nothing is duplicated.
    let mut other = stored();
    other
        .history
        .push(Event::new("other-tab", EventKind::Cart, t - 10));
    local()
        .set_item(STORAGE_KEY, &store::encode(&other))
        .unwrap();
    call(&["cart".into(), "this-tab".into()]);
    let ids = stored_ids();
    assert!(ids.contains(&"other-tab:Cart".to_string()), "{ids:?}");
    assert!(ids.contains(&"this-tab:Cart".to_string()), "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no duplicates: {ids:?}");

    // A `storage` event from another tab refreshes what this tab shows.
    let mut other = stored();
    other.history.remove_product("v1-a");
    local()
        .set_item(STORAGE_KEY, &store::encode(&other))
        .unwrap();
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(STORAGE_KEY));
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
    assert!(!exported_ids().contains(&"v1-a".to_string()));

    // Bad commands warn and change nothing.
    let before = stored_ids();
    call(&["cart".into()]);
    call(&["explode".into(), JsValue::NULL]);
    call(&["consent".into(), "yes".into()]);
    assert_eq!(stored_ids(), before);

    // The panel lists what is remembered; remove one, then forget all.
    let slot = document().get_element_by_id("privacy-slot").unwrap();
    leptos::task::tick().await;
    assert!(panel_items(&slot).is_empty(), "closed until opened");
    platform::open_memory_panel();
    leptos::task::tick().await;
    let items = panel_items(&slot);
    assert_eq!(
        items.first().map(String::as_str),
        Some("this-tab"),
        "{items:?}"
    );
    assert!(items.contains(&"v1-b".to_string()));
    click(&slot, "[data-tailor-item=\"v1-b\"] .tailor-memory-remove");
    leptos::task::tick().await;
    assert!(!panel_items(&slot).contains(&"v1-b".to_string()));
    assert!(!stored_ids().iter().any(|id| id.starts_with("v1-b:")));
    assert!(!exported_ids().contains(&"v1-b".to_string()));
    // "Download my data" offers the same JSON; here it must not fail.
    click(&slot, ".tailor-memory-download");
    click(&slot, ".tailor-memory-forget");
    leptos::task::tick().await;
    assert!(panel_items(&slot).is_empty());
    assert!(exported_ids().is_empty());
    assert!(stored().history.is_empty());

    // Refusing consent erases and stops; granting it starts again.
    call(&["view".into(), "before-refusal".into()]);
    call(&["consent".into(), JsValue::FALSE]);
    assert_eq!(local().get_item(STORAGE_KEY).unwrap(), None);
    assert_eq!(local().get_item(CONSENT_KEY).unwrap().as_deref(), Some("0"));
    call(&["view".into(), "while-refused".into()]);
    assert!(exported_ids().is_empty());
    assert_eq!(local().get_item(STORAGE_KEY).unwrap(), None);
    call(&["consent".into(), JsValue::TRUE]);
    call(&["view".into(), "after-consent".into()]);
    assert_eq!(stored_ids(), ["after-consent:View"]);
    assert_eq!(local().get_item(CONSENT_KEY).unwrap().as_deref(), Some("1"));

    local().remove_item(STORAGE_KEY).unwrap();
    local().remove_item(CONSENT_KEY).unwrap();
    root.remove();
}
