//! The shopper's own controls (`data-tailor="privacy"` slot): a button that
//! opens "what Tailor remembers": the remembered products with what was done
//! and a per-item remove, the interests learnt, whether anything is kept past
//! this page (GPC, Do Not Track, consent), "forget everything" and "download
//! my data". Other components open it with `platform::open_memory_panel`.

use leptos::prelude::*;

use crate::core::events::EventKind;
use crate::core::privacy::Mode;
use crate::platform::{self, State};

/// One remembered product, newest first.
#[derive(Debug, Clone, PartialEq)]
struct Remembered {
    id: String,
    title: String,
    /// What the shopper did with it, strongest action first, as shown.
    actions: String,
}

fn remembered(state: State) -> Vec<Remembered> {
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
                let kinds = [EventKind::Purchase, EventKind::Cart, EventKind::View];
                let actions: Vec<String> = kinds
                    .iter()
                    .filter(|k| events.iter().any(|e| e.product == id && e.kind == **k))
                    .map(|k| {
                        info.strings.get(match k {
                            EventKind::Purchase => "memory_bought",
                            EventKind::Cart => "memory_carted",
                            EventKind::View => "memory_viewed",
                        })
                    })
                    .collect();
                let title = engine
                    .as_ref()
                    .and_then(|e| e.catalog().get(id))
                    .map_or_else(|| id.to_string(), |p| p.title.clone());
                Remembered {
                    id: id.to_string(),
                    title,
                    actions: actions.join(", "),
                }
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

/// The button and, when open, the panel.
#[component]
pub fn MemoryPanel(
    /// Reactive memory, catalog, privacy mode and page info.
    state: State,
) -> impl IntoView {
    let open = state.memory_panel_open;
    let text = move |key: &str| state.page.get_value().strings.get(key);
    let toggle = move |_| open.update(|o| *o = !*o);
    let mode_text = move || {
        text(match state.mode.get() {
            Mode::Remember => "memory_mode_remember",
            Mode::PageOnly(_) => "memory_mode_page",
            Mode::Off => "memory_mode_off",
        })
    };
    let panel = move || {
        open.get().then(|| {
            let items = remembered(state);
            let empty = items.is_empty();
            let interests = interests(state);
            view! {
                <section class="tailor-memory-panel" aria-label=text("memory_heading")>
                    <h2 class="tailor-heading">{text("memory_heading")}</h2>
                    <p class="tailor-memory-mode">{mode_text}</p>
                    {empty.then(|| view! { <p class="tailor-memory-empty">{text("memory_empty")}</p> })}
                    <ul class="tailor-memory-items" role="list">
                        {items.into_iter().map(|item| {
                            let id = item.id.clone();
                            let label = state.page.get_value().strings.fill("memory_remove_item", &[("title", &item.title)]);
                            view! {
                                <li class="tailor-memory-item" data-tailor-item=item.id.clone()>
                                    <span class="tailor-title">{item.title}</span>
                                    <span class="tailor-memory-actions">{item.actions}</span>
                                    <button type="button" class="tailor-memory-remove" aria-label=label
                                        on:click=move |_| platform::forget_product(&id)>
                                        {text("memory_remove")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(!interests.is_empty()).then(|| view! {
                        <p class="tailor-memory-interests">{text("memory_interests")}{": "}{interests}</p>
                    })}
                    <div class="tailor-memory-controls">
                        <button type="button" class="tailor-memory-forget" on:click=move |_| platform::forget()>
                            {text("memory_forget_all")}
                        </button>
                        <button type="button" class="tailor-memory-download" on:click=move |_| platform::download_my_data()>
                            {text("memory_download")}
                        </button>
                    </div>
                </section>
            }
        })
    };
    view! {
        <div class="tailor-memory">
            <button type="button" class="tailor-memory-toggle"
                aria-expanded=move || open.get().to_string() on:click=toggle>
                {text("memory_button")}
            </button>
            {panel}
        </div>
    }
}
