//! Leptos components for Tailor's slots, each mounted in an open shadow
//! root on the owner's `data-tailor="…"` element, styled by an adopted
//! stylesheet (works under a strict `style-src 'self'` CSP). Components are
//! thin: they read `platform::State` signals and call back into `platform`.

mod cards;
pub mod memory_panel;
mod rail;
mod thank_you;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::core::i18n::Strings;
use crate::platform::{page, report, State};

pub use cards::{Card, SlotKind};
// For Leptos apps using Tailor as a library (examples/leptos_embed.rs).
pub use rail::Slot;
pub use thank_you::ThankYou;

const STYLE: &str = include_str!("style.css");
const ENGLISH: &str = include_str!("locales/en.json");

/// The widget texts for a language, English where it has none.
pub fn strings_for(language: &str) -> Strings {
    let locale = match language {
        "en" => ENGLISH,
        _ => "{}",
    };
    let known = locale != "{}";
    Strings::new(if known { language } else { "en" }, locale, ENGLISH)
}

/// Mounts a component into every `data-tailor` slot on the page.
pub fn mount_slots(document: &Document, state: State) {
    for element in page::select(document, "[data-tailor]") {
        let name = element.get_attribute("data-tailor").unwrap_or_default();
        let view = match name.trim() {
            "thank-you" => Widget::ThankYou,
            "privacy" => Widget::MemoryPanel,
            // The survey slot is accepted; its component is not part of this build yet.
            "survey" => continue,
            other => match SlotKind::parse(other) {
                Some(kind) => Widget::Rail(kind),
                None => {
                    report::error("render", &format!("unknown slot `data-tailor=\"{name}\"`"));
                    continue;
                }
            },
        };
        if let Err(e) = mount(document, &element, view, state) {
            report::error("render", &format!("slot `{name}`: {e}"));
        }
    }
}

/// What a slot element shows.
#[derive(Clone, Copy)]
enum Widget {
    Rail(SlotKind),
    ThankYou,
    MemoryPanel,
}

fn mount(document: &Document, host: &Element, widget: Widget, state: State) -> Result<(), String> {
    if host.shadow_root().is_some() {
        // Already ours (the script was loaded twice) or the page's own: leave it.
        return Ok(());
    }
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .map_err(|_| "cannot attach a shadow root to this element")?;
    let sheet =
        web_sys::CssStyleSheet::new().map_err(|_| "constructable stylesheets unsupported")?;
    sheet
        .replace_sync(STYLE)
        .map_err(|_| "stylesheet rejected")?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    let container: HtmlElement = document
        .create_element("div")
        .map_err(|_| "cannot create elements")?
        .dyn_into()
        .map_err(|_| "not an HTML element")?;
    let info = state.page.get_value();
    container.set_class_name("tailor-root");
    let _ = container.set_attribute("lang", &info.locale);
    let _ = container.set_attribute("dir", if info.strings.rtl { "rtl" } else { "ltr" });
    shadow
        .append_child(&container)
        .map_err(|_| "cannot append to the shadow root")?;
    let slot_product = host.get_attribute("data-product");
    match widget {
        Widget::Rail(kind) => mount_to(container, move || {
            rail::Slot(rail::SlotProps {
                kind,
                state,
                product: slot_product,
            })
        })
        .forget(),
        Widget::ThankYou => mount_to(container, move || {
            thank_you::ThankYou(thank_you::ThankYouProps { state })
        })
        .forget(),
        Widget::MemoryPanel => mount_to(container, move || {
            memory_panel::MemoryPanel(memory_panel::MemoryPanelProps { state })
        })
        .forget(),
    }
    Ok(())
}
