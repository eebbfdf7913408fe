//! Tailor's components inside your own Leptos app (CSR), instead of the
//! script tag: build the state from your catalog and render a `Slot` where
//! you want recommendations. Compile with
//! `cargo build --example leptos_embed --target wasm32-unknown-unknown`
//! (and serve it with your usual Leptos tooling, e.g. trunk).
//!
//! The shopper's memory still lives only in their browser; here it starts
//! empty and the app records what it likes with `Memory::history.push`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("this example runs in the browser: build it for wasm32-unknown-unknown");
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use tailor::core::catalog;
    use tailor::core::events::{Event, EventKind};
    use tailor::core::i18n::language_of;
    use tailor::core::rank::Engine;
    use tailor::core::settings::Settings;
    use tailor::core::store::Memory;
    use tailor::platform::{PageInfo, State};
    use tailor::ui::{Slot, SlotKind};

    // Your catalog, however your app gets it (here: embedded).
    const CATALOG: &str = r#"{"products": [
        {"id": "mug", "title": "Blue mug", "price": 12, "currency": "EUR", "category": ["Kitchen"]},
        {"id": "bowl", "title": "Blue bowl", "price": 15, "currency": "EUR", "category": ["Kitchen"]},
        {"id": "vase", "title": "Tall vase", "price": 30, "currency": "EUR", "category": ["Home"]}
    ]}"#;

    let Ok(parsed) = catalog::parse(CATALOG) else {
        return;
    };
    let mut memory = Memory::default();
    memory.history.push(Event::new("mug", EventKind::View, 0));
    let locale = "en".to_string();
    let info = PageInfo {
        settings: Settings::default(),
        on_screen: None,
        host: String::new(),
        strings: tailor::ui::strings_for(&language_of(&locale)),
        locale,
    };
    let state = State::new(memory, Some(Engine::new(parsed.catalog)), info);

    leptos::mount::mount_to_body(move || {
        view! {
            <main>
                <h1>{"My Leptos shop"}</h1>
                <Slot kind=SlotKind::Recommendations state product=None/>
            </main>
        }
    });
}
