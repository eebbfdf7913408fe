//! The shopper's own controls (`data-tailor="privacy"` slot): a button that
//! opens "what Tailor remembers": the remembered products with what was done
//! and a per-item remove, the interests learnt, whether anything is kept past
//! this page (GPC, Do Not Track, consent), "forget everything" and "download
//! my data". Other components open it with `platform::open_memory_panel`.
//!
//! Drawn with plain DOM calls from one effect and one delegated click
//! listener: the same panel as Leptos `view!`s cost about 8 KB of brotli'd
//! wasm, this a fraction of it.

use gloo_events::EventListener;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::core::events::EventKind;
use crate::core::privacy::Mode;
use crate::platform::{self, State};

/// One remembered product, newest first: id, title, what was done.
fn remembered(state: State) -> Vec<(String, String, String)> {
    let info = state.page.get_value();
    let engine = state.engine.get();
    state.memory.with(|memory| {
        let events = memory.history.events();
        let mut ids: Vec<&str> = Vec::new();
        for event in events.iter().rev() {
            if !ids.contains(&event.product.as_str()) {
                ids.push(&event.product);
            }
        }
        ids.into_iter()
            .map(|id| {
                let actions: Vec<String> = [
                    (EventKind::Purchase, "memory_bought"),
                    (EventKind::Cart, "memory_carted"),
                    (EventKind::View, "memory_viewed"),
                ]
                .iter()
                .filter(|(k, _)| events.iter().any(|e| e.product == id && e.kind == *k))
                .map(|(_, key)| info.strings.get(key))
                .collect();
                let title = engine
                    .as_ref()
                    .and_then(|e| e.catalog().get(id))
                    .map_or_else(|| id.to_string(), |p| p.title().to_string());
                (id.to_string(), title, actions.join(", "))
            })
            .collect()
    })
}

/// The interests as a shopper reads them: `c:kitchen` → `kitchen`.
fn interests(state: State) -> String {
    state.memory.with(|m| {
        m.profile
            .interests()
            .iter()
            .map(|i| i.key().split_once(':').map_or(i.key(), |(_, v)| v))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Appends `<tag class=…>text</tag>` to `parent`.
fn add(document: &Document, parent: &Element, tag: &str, class: &str, text: &str) -> Element {
    let Ok(element) = document.create_element(tag) else {
        return parent.clone();
    };
    element.set_class_name(class);
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    let _ = parent.append_child(&element);
    element
}

fn button(document: &Document, parent: &Element, class: &str, text: &str) -> Element {
    let b = add(document, parent, "button", class, text);
    let _ = b.set_attribute("type", "button");
    b
}

/// Redraws the slot's content from the state.
fn render(root: &Element, state: State) {
    let Some(document) = root.owner_document() else {
        return;
    };
    let info = state.page.get_value();
    let strings = &info.strings;
    let text = |key: &str| strings.get(key);
    let open = state.memory_panel_open.get();
    root.set_text_content(None);
    let toggle = button(
        &document,
        root,
        "tailor-memory-toggle",
        &text("memory_button"),
    );
    let _ = toggle.set_attribute("data-action", "toggle");
    let _ = toggle.set_attribute("aria-expanded", if open { "true" } else { "false" });
    if !open {
        return;
    }
    let panel = add(&document, root, "section", "tailor-memory-panel", "");
    let _ = panel.set_attribute("aria-label", &text("memory_heading"));
    add(
        &document,
        &panel,
        "h2",
        "tailor-heading",
        &text("memory_heading"),
    );
    let mode = match state.mode.get() {
        Mode::Remember => "memory_mode_remember",
        Mode::PageOnly(_) => "memory_mode_page",
        Mode::Off => "memory_mode_off",
    };
    add(&document, &panel, "p", "tailor-memory-mode", &text(mode));
    let items = remembered(state);
    if items.is_empty() {
        add(
            &document,
            &panel,
            "p",
            "tailor-memory-empty",
            &text("memory_empty"),
        );
    }
    let list = add(&document, &panel, "ul", "tailor-memory-items", "");
    let _ = list.set_attribute("role", "list");
    for (id, title, actions) in items {
        let item = add(&document, &list, "li", "tailor-memory-item", "");
        let _ = item.set_attribute("data-tailor-item", &id);
        add(&document, &item, "span", "tailor-title", &title);
        add(&document, &item, "span", "tailor-memory-actions", &actions);
        let remove = button(
            &document,
            &item,
            "tailor-memory-remove",
            &text("memory_remove"),
        );
        let _ = remove.set_attribute("data-action", "remove");
        let _ = remove.set_attribute("data-id", &id);
        let _ = remove.set_attribute(
            "aria-label",
            &strings.fill("memory_remove_item", &[("title", &title)]),
        );
    }
    let interests = interests(state);
    if !interests.is_empty() {
        let label = format!("{}: {interests}", text("memory_interests"));
        add(&document, &panel, "p", "tailor-memory-interests", &label);
    }
    let controls = add(&document, &panel, "div", "tailor-memory-controls", "");
    for (action, key) in [
        ("forget", "memory_forget_all"),
        ("download", "memory_download"),
    ] {
        let b = button(
            &document,
            &controls,
            &format!("tailor-memory-{action}"),
            &text(key),
        );
        let _ = b.set_attribute("data-action", action);
    }
}

/// A click on one of the panel's buttons.
fn on_click(event: &web_sys::Event, state: State) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Ok(Some(button)) = target.closest("[data-action]") else {
        return;
    };
    match button.get_attribute("data-action").as_deref() {
        Some("toggle") => state.memory_panel_open.update(|o| *o = !*o),
        Some("remove") => {
            if let Some(id) = button.get_attribute("data-id") {
                platform::forget_product(&id);
            }
        }
        Some("forget") => platform::forget(),
        Some("download") => platform::download_my_data(),
        _ => {}
    }
}

/// The button and, when open, the panel.
#[component]
pub fn MemoryPanel(
    /// Reactive memory, catalog, privacy mode and page info.
    state: State,
) -> impl IntoView {
    let root = NodeRef::<Div>::new();
    Effect::new(move |listener: Option<Option<EventListener>>| {
        let element: Element = root.get()?.into();
        render(&element, state);
        // One delegated listener for the panel's life, made on the first run.
        listener.flatten().or_else(|| {
            Some(EventListener::new(&element, "click", move |e| {
                on_click(e, state)
            }))
        })
    });
    view! { <div class="tailor-memory" node_ref=root data-open=move || state.memory_panel_open.get()></div> }
}
