//! Browser tests (wasm-bindgen-test in headless Chromium) for the platform
//! shell and the rail components: page signals, settings, storage, price
//! formatting, and slots rendering, hiding and reporting clicks.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use leptos::prelude::{Set, Update};
use tailor::core::catalog::{Catalog, Product, ProductFields};
use tailor::core::events::{Event, EventKind};
use tailor::core::rank::Engine;
use tailor::core::settings::Settings;
use tailor::core::store::{Memory, STORAGE_KEY};
use tailor::platform::{format, page, storage::Storage, PageInfo, State};
use tailor::ui;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element in the body for one test, removed by the caller.
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

fn product(id: &str, title: &str, category: &str) -> Product {
    Product::from(ProductFields {
        id: id.into(),
        title: title.into(),
        url: Some(format!("/p/{id}.html")),
        image: Some(format!("/img/{id}.svg")),
        price: Some(12.5),
        currency: Some("EUR".into()),
        category: vec![category.into()],
        ..ProductFields::default()
    })
}

fn engine() -> Engine {
    let products = vec![
        product("mug-1", "Blue Ceramic Mug", "Kitchen"),
        product("mug-2", "Red Ceramic Mug", "Kitchen"),
        product("pan-1", "Steel Frying Pan", "Kitchen"),
        product("tee-1", "Cotton T-Shirt", "Clothing"),
        product("tee-2", "Linen T-Shirt", "Clothing"),
        Product::from(ProductFields {
            url: Some("javascript:alert(1)".into()),
            ..product("bad-1", "<img src=x onerror=alert(1)> Mug", "Kitchen").to_fields()
        }),
    ];
    Engine::new(Catalog::from_products(products).0)
}

fn info(on_screen: Option<&str>) -> PageInfo {
    PageInfo {
        settings: Settings::default(),
        on_screen: on_screen.map(String::from),
        host: "localhost".into(),
        strings: ui::strings_for("en"),
        locale: "en-US".into(),
    }
}

fn memory(viewed: &[&str]) -> Memory {
    let mut memory = Memory::default();
    for (i, id) in viewed.iter().enumerate() {
        memory
            .history
            .push(Event::new(*id, EventKind::View, i as u64));
    }
    memory
}

/// Item ids rendered in the slot's shadow root, in order.
fn rendered_items(slot: &Element) -> Vec<String> {
    let Some(shadow) = slot.shadow_root() else {
        return Vec::new();
    };
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

#[wasm_bindgen_test]
fn json_ld_and_data_attributes_are_views() {
    let root = fixture(concat!(
        r#"<script type="application/ld+json">{"@type":"Product","sku":"mug-1"}</script>"#,
        r#"<script type="application/ld+json">{not json</script>"#,
        r#"<div data-tailor-product="tee-1"></div><div data-tailor-product="mug-1"></div><div data-tailor-product=" "></div>"#,
    ));
    assert_eq!(page::viewed_products(&document()), ["mug-1", "tee-1"]);
    root.remove();
}

#[wasm_bindgen_test]
fn locale_from_data_locale_else_the_pages_lang() {
    let html = document().document_element().unwrap();
    let before = html.get_attribute("lang");
    html.set_attribute("lang", "he-IL").unwrap();
    assert_eq!(page::language(&document()).as_deref(), Some("he-IL"));
    html.set_attribute("lang", " ").unwrap();
    assert_eq!(page::language(&document()), None);
    match before {
        Some(lang) => html.set_attribute("lang", &lang).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
    let root = fixture(r#"<script type="text/plain" data-locale="zh-CN"></script>"#);
    let script = root.first_element_child().unwrap();
    let (settings, _) = page::settings(Some(&script), &wasm_bindgen::JsValue::UNDEFINED);
    assert_eq!(settings.locale.as_deref(), Some("zh-CN"));
    let (settings, _) = page::settings(None, &wasm_bindgen::JsValue::UNDEFINED);
    assert_eq!(
        settings.locale, None,
        "none set: boot falls back to the page's lang"
    );
    root.remove();
}

#[wasm_bindgen_test]
fn settings_from_script_tag_over_window_config() {
    let root = fixture(
        r#"<script type="text/plain" data-catalog="/tag.json" data-limit="5" data-theme="neon"></script>"#,
    );
    let script = root.first_element_child().unwrap();
    let config =
        js_sys::JSON::parse(r#"{"catalog": "/config.json", "currency": "eur", "limit": 3}"#)
            .unwrap();
    let (settings, errors) = page::settings(Some(&script), &config);
    assert_eq!(settings.catalog.as_deref(), Some("/tag.json"));
    assert_eq!(settings.limit, 5);
    assert_eq!(settings.currency.as_deref(), Some("EUR"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    root.remove();
}

#[wasm_bindgen_test]
fn storage_round_trip_and_corrupt_data() {
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let (storage, error) = Storage::open();
    assert!(error.is_none());
    let saved = memory(&["mug-1", "tee-1"]);
    storage.save(&saved).unwrap();
    assert_eq!(storage.load().0, saved);

    for corrupt in ["{oops", r#"{"v": 999}"#, r#"{"v":1,"events":"x"}"#] {
        local.set_item(STORAGE_KEY, corrupt).unwrap();
        let (loaded, error) = storage.load();
        assert_eq!(loaded, Memory::default(), "{corrupt}");
        assert!(error.is_some(), "{corrupt}");
        assert_eq!(
            local.get_item(STORAGE_KEY).unwrap(),
            None,
            "{corrupt} is cleared"
        );
    }
}

#[wasm_bindgen_test]
fn prices_in_the_shoppers_locale() {
    let cases = [
        (19.9, "EUR", "de-DE", "19,90\u{a0}€"),
        (19.9, "USD", "en-US", "$19.90"),
        (5.0, "ILS", "he-IL", "\u{200f}5.00\u{a0}\u{200f}₪"),
        (19.9, "EUR", "not a locale!", "EUR 19.90"),
        (19.9, "E", "en-US", "E 19.90"),
    ];
    for (amount, currency, locale, want) in cases {
        assert_eq!(
            format::price(amount, currency, locale),
            want,
            "{currency} {locale}"
        );
    }
}

#[wasm_bindgen_test]
async fn rails_render_in_shadow_roots() {
    let root = fixture(concat!(
        r#"<div data-tailor="recommendations"></div>"#,
        r#"<div data-tailor="similar"></div>"#,
        r#"<div data-tailor="recently-viewed"></div>"#,
    ));
    let state = State::new(
        memory(&["tee-1", "mug-1"]),
        Some(engine()),
        info(Some("mug-1")),
    );
    ui::mount_slots(&document(), state);
    leptos::task::tick().await;
    let slot = |name: &str| {
        root.query_selector(&format!("[data-tailor={name}]"))
            .unwrap()
            .unwrap()
    };

    let similar = rendered_items(&slot("similar"));
    assert_eq!(
        similar.first().map(String::as_str),
        Some("mug-2"),
        "{similar:?}"
    );
    assert!(
        !similar.contains(&"mug-1".to_string()),
        "never the product on screen"
    );

    let recent = rendered_items(&slot("recently-viewed"));
    assert_eq!(recent, ["tee-1"], "newest first, not the product on screen");

    let picks = rendered_items(&slot("recommendations"));
    assert!(!picks.is_empty());
    assert!(
        !picks.iter().any(|p| p == "mug-1" || p == "tee-1"),
        "seen products have their own rail: {picks:?}"
    );

    // Catalog text is text: the title with markup renders as characters.
    let shadow = slot("similar").shadow_root().unwrap();
    assert!(shadow.query_selector("img[src=x]").unwrap().is_none());
    // Unsafe links are not rendered as links.
    let bad = shadow
        .query_selector("[data-tailor-item=bad-1] a")
        .unwrap()
        .unwrap();
    assert!(bad.get_attribute("href").is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn empty_slot_takes_no_space_and_fills_when_history_arrives() {
    let root = fixture(r#"<div data-tailor="recently-viewed"></div>"#);
    let slot = root.first_element_child().unwrap();
    let state = State::new(Memory::default(), Some(engine()), info(None));
    ui::mount_slots(&document(), state);
    leptos::task::tick().await;
    assert!(rendered_items(&slot).is_empty());
    assert_eq!(slot.get_bounding_client_rect().height(), 0.0);

    state
        .memory
        .update(|m| m.history.push(Event::new("pan-1", EventKind::View, 1)));
    leptos::task::tick().await;
    assert_eq!(rendered_items(&slot), ["pan-1"]);
    assert!(slot.get_bounding_client_rect().height() > 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn clicks_and_shows_are_reported() {
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let listeners: Vec<EventListener> = ["tailor:shown", "tailor:click"]
        .into_iter()
        .map(|name| {
            let seen = seen.clone();
            EventListener::new(&document(), name, move |event| {
                let detail = event.dyn_ref::<web_sys::CustomEvent>().unwrap().detail();
                seen.borrow_mut().push(format!(
                    "{}:{}",
                    event.type_(),
                    js_sys::JSON::stringify(&detail).unwrap()
                ));
            })
        })
        .collect();
    let root = fixture(r#"<div data-tailor="recently-viewed"></div>"#);
    let state = State::new(memory(&["pan-1", "tee-2"]), Some(engine()), info(None));
    ui::mount_slots(&document(), state);
    leptos::task::tick().await;
    let shadow = root.first_element_child().unwrap().shadow_root().unwrap();
    let link: HtmlElement = shadow
        .query_selector("[data-tailor-item=pan-1] a")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    // Keep the test page where it is.
    let _stop = EventListener::new_with_options(
        &link,
        "click",
        EventListenerOptions::enable_prevent_default(),
        |e| e.prevent_default(),
    );
    link.click();
    leptos::task::tick().await;
    let seen = seen.borrow();
    // `rank_ms` follows: how long ranking took, a number that varies.
    assert!(
        seen.iter().any(|s| s
            .strip_prefix(
                r#"tailor:shown:{"slot":"recently-viewed","items":["tee-2","pan-1"],"rank_ms":"#
            )
            .and_then(|rest| rest.strip_suffix('}'))
            .is_some_and(|ms| ms.parse::<f64>().is_ok_and(|ms| ms >= 0.0))),
        "{seen:?}"
    );
    assert!(
        seen.contains(
            &r#"tailor:click:{"slot":"recently-viewed","item":"pan-1","position":1}"#.to_string()
        ),
        "{seen:?}"
    );
    drop(listeners);
    root.remove();
}

/// A shop where some products arrived in the last days, and a shopper
/// who likes kitchen things.
fn arrivals_engine(now: u64) -> Engine {
    let day = 86_400;
    let dated = |id: &str, title: &str, category: &str, days_ago: u64| {
        Product::from(ProductFields {
            added: Some(now - days_ago * day),
            ..product(id, title, category).to_fields()
        })
    };
    let products = vec![
        dated("mug-1", "Blue Ceramic Mug", "Kitchen", 300),
        dated("kettle-1", "Copper Kettle", "Kitchen", 2),
        dated("bowl-1", "Stoneware Bowl", "Kitchen", 1),
        dated("tee-3", "Merino T-Shirt", "Clothing", 1),
        Product::from(ProductFields {
            in_stock: false,
            ..dated("jar-1", "Glass Jar", "Kitchen", 1).to_fields()
        }),
    ];
    Engine::new(Catalog::from_products(products).0)
}

fn shopper_who_likes_kitchens(now: u64, previous_visit: Option<u64>) -> Memory {
    let mut memory = memory(&["mug-1"]);
    memory.profile.add("c:kitchen", 2.0, now);
    memory.profile.add("c:garden", 1.0, now);
    memory.recall.last_visit = Some(now);
    memory.recall.previous_visit = previous_visit;
    memory
}

#[wasm_bindgen_test]
async fn new_arrivals_for_a_returning_shopper_only() {
    let now = 1_800_000_000;
    let root = fixture(r#"<div data-tailor="new-arrivals"></div>"#);
    let slot = root.first_element_child().unwrap();
    let state = State::new(
        shopper_who_likes_kitchens(now, Some(now - 10 * 86_400)),
        Some(arrivals_engine(now)),
        info(None),
    );
    ui::mount_slots(&document(), state);
    leptos::task::tick().await;
    assert_eq!(
        rendered_items(&slot),
        ["bowl-1", "kettle-1"],
        "new in a favourite category, newest first; not old, other or sold-out products"
    );
    let shadow = slot.shadow_root().unwrap();
    let heading = shadow.query_selector("h2").unwrap().unwrap();
    assert_eq!(heading.text_content().unwrap(), "New since your last visit");
    let reason = shadow.query_selector(".tailor-reason").unwrap().unwrap();
    assert_eq!(reason.text_content().unwrap(), "New in Kitchen");
    assert!(slot.get_bounding_client_rect().height() > 0.0);

    // Forgetting everything also forgets the last visit: nothing is new.
    state.memory.set(Memory::default());
    leptos::task::tick().await;
    assert!(rendered_items(&slot).is_empty());
    assert_eq!(slot.get_bounding_client_rect().height(), 0.0);
    root.remove();
}

#[wasm_bindgen_test]
async fn new_arrivals_take_no_space_on_a_first_visit_even_while_loading() {
    let now = 1_800_000_000;
    let root =
        fixture(r#"<div data-tailor="new-arrivals"></div><div data-tailor="similar"></div>"#);
    let slot = root.first_element_child().unwrap();
    let state = State::new(shopper_who_likes_kitchens(now, None), None, info(None));
    ui::mount_slots(&document(), state);
    leptos::task::tick().await;
    let skeletons = |slot: &Element| {
        slot.shadow_root()
            .unwrap()
            .query_selector_all(".tailor-skeleton")
            .unwrap()
            .length()
    };
    assert_eq!(skeletons(&slot), 0, "no placeholder for what cannot come");
    assert!(skeletons(&root.last_element_child().unwrap()) > 0);
    assert_eq!(slot.get_bounding_client_rect().height(), 0.0);
    state
        .engine
        .set(Some(std::sync::Arc::new(arrivals_engine(now))));
    state.status.set(tailor::platform::Status::Ready);
    leptos::task::tick().await;
    assert!(
        rendered_items(&slot).is_empty(),
        "first visit: nothing new to them"
    );
    assert_eq!(slot.get_bounding_client_rect().height(), 0.0);
    root.remove();
}
