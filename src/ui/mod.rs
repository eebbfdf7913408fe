//! Leptos components for Tailor's slots, each mounted in an open shadow
//! root on the owner's `data-tailor="…"` element, styled by an adopted
//! stylesheet (works under a strict `style-src 'self'` CSP). Components are
//! thin: they read `platform::State` signals and call back into `platform`.

mod cards;
pub mod memory_panel;
mod rail;
mod survey;
mod thank_you;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::core::i18n::Strings;
use crate::core::settings::{Layout, Theme};
use crate::core::survey::SurveyKind;
use crate::platform::{page, report, State};

pub use cards::{explain, Card, SlotKind};
// For Leptos apps using Tailor as a library (examples/leptos_embed.rs).
pub use rail::Slot;
pub use survey::Phase as SurveyPhase;
pub use thank_you::ThankYou;

/// `style.css` minified at compile time (`core::css`): the source stays readable.
const STYLE_SOURCE: &str = include_str!("style.css");
const STYLE_LEN: usize = crate::core::css::minify::<0>(STYLE_SOURCE.as_bytes()).1;
const STYLE_BYTES: [u8; STYLE_LEN] =
    crate::core::css::minify::<STYLE_LEN>(STYLE_SOURCE.as_bytes()).0;
const STYLE: &str = match std::str::from_utf8(&STYLE_BYTES) {
    Ok(style) => style,
    // Cannot happen (only ASCII whitespace and comments are dropped).
    Err(_) => STYLE_SOURCE,
};
const ENGLISH: &str = include_str!("locales/en.json");
/// Every locale shipped, one JSON file each; a missing key falls back to English.
const LOCALES: &[(&str, &str)] = &[
    ("en", ENGLISH),
    ("he", include_str!("locales/he.json")),
    ("zh", include_str!("locales/zh.json")),
    ("de", include_str!("locales/de.json")),
    ("fr", include_str!("locales/fr.json")),
    ("es", include_str!("locales/es.json")),
    ("ar", include_str!("locales/ar.json")),
];

/// The widget texts for a language, English where it has none.
pub fn strings_for(language: &str) -> Strings {
    match LOCALES.iter().find(|(name, _)| *name == language) {
        Some((name, json)) => Strings::new(name, json, ENGLISH),
        None => Strings::new("en", "{}", ENGLISH),
    }
}

/// The languages Tailor has texts for.
pub fn languages() -> impl Iterator<Item = &'static str> {
    LOCALES.iter().map(|(name, _)| *name)
}

/// Mounts a component into every `data-tailor` slot on the page.
pub fn mount_slots(document: &Document, state: State) {
    for element in page::select(document, "[data-tailor]") {
        let name = element.get_attribute("data-tailor").unwrap_or_default();
        let view = match name.trim() {
            "thank-you" => Widget::ThankYou,
            "privacy" => Widget::MemoryPanel,
            "survey" => Widget::Survey(preview_of(&element)),
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
    Survey(Option<(SurveyKind, survey::Phase)>),
}

/// `data-preview="nps"` or `"nps answered"` on a survey slot: a designer's preview.
fn preview_of(element: &Element) -> Option<(SurveyKind, survey::Phase)> {
    let text = element.get_attribute("data-preview")?;
    let mut words = text.split_whitespace();
    let kind = SurveyKind::parse(words.next()?)?;
    let phase = match words.next() {
        Some("answered") => survey::Phase::Scored(kind.range().1),
        Some("done") => survey::Phase::Done,
        _ => survey::Phase::Asking,
    };
    Some((kind, phase))
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
    // The slot's own data-theme wins over the owner's setting; auto follows the shopper.
    let theme = match host.get_attribute("data-theme").as_deref().map(str::trim) {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ => info.settings.theme,
    };
    match theme {
        Theme::Dark => {
            let _ = container.set_attribute("data-theme", "dark");
        }
        Theme::Light => {
            let _ = container.set_attribute("data-theme", "light");
        }
        Theme::Auto => {}
    }
    let grid = match host.get_attribute("data-layout") {
        Some(layout) => Layout::parse(&layout) == Some(Layout::Grid),
        None => info.settings.layout == Layout::Grid,
    };
    shadow
        .append_child(&container)
        .map_err(|_| "cannot append to the shadow root")?;
    let slot_product = host.get_attribute("data-product");
    let loading_preview = host.get_attribute("data-preview").as_deref() == Some("loading");
    match widget {
        Widget::Rail(kind) => mount_to(container, move || {
            rail::Slot(rail::SlotProps {
                kind,
                state,
                product: slot_product,
                grid,
                loading_preview,
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
        Widget::Survey(preview) => mount_to(container, move || {
            survey::Survey(survey::SurveyProps { state, preview })
        })
        .forget(),
    }
    Ok(())
}
