//! The `thank-you` slot: after `tailor('purchase', …)`, a short personal
//! thank-you with what was bought and a few products that go with it, never
//! the ones just bought.

use leptos::prelude::*;
use serde::Serialize;

use super::cards::{card_for, Card};
use crate::core::events::{Event, EventKind};
use crate::core::rank::{Context, Request};
use crate::platform::{report, State};

/// How many complementary products the message suggests.
const SUGGESTIONS: usize = 3;

#[derive(Serialize)]
struct Shown<'a> {
    slot: &'a str,
    items: Vec<&'a str>,
}

/// Renders nothing until the page reports a purchase.
#[component]
pub fn ThankYou(
    /// Reactive catalog, memory, page info and the order just placed.
    state: State,
) -> impl IntoView {
    let content = Memo::new(move |_| {
        let order = state.last_order.get()?;
        let info = state.page.get_value();
        let heading = match &order.name {
            Some(name) => info.strings.fill("thank_you_name", &[("name", name)]),
            None => info.strings.get("thank_you"),
        };
        let engine = state.engine.get();
        let bought: Vec<String> = order
            .items
            .iter()
            .map(|item| {
                engine
                    .as_ref()
                    .and_then(|e| e.catalog().get(&item.id))
                    .map_or_else(|| item.id.clone(), |p| p.title.clone())
            })
            .collect();
        let suggestions: Vec<Card> = engine
            .map(|engine| {
                let history: Vec<Event> = order
                    .items
                    .iter()
                    .map(|i| Event::new(i.id.clone(), EventKind::Purchase, 0))
                    .collect();
                let mut request = Request::new(&history, Context::ForYou, SUGGESTIONS);
                request.exclude_seen = true;
                engine
                    .recommend(&request)
                    .into_iter()
                    .filter_map(|pick| {
                        let product = engine.catalog().at(pick.product)?;
                        Some(card_for(product, info.strings.get("goes_well_with"), &info))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some((heading, bought, suggestions))
    });
    Effect::new(move |_| {
        content.with(|c| {
            if let Some((_, _, suggestions)) = c {
                report::emit(
                    "shown",
                    &Shown {
                        slot: "thank-you",
                        items: suggestions.iter().map(|c| c.id.as_str()).collect(),
                    },
                );
            }
        })
    });
    move || {
        content.get().map(|(heading, bought, suggestions)| {
            let info = state.page.get_value();
            view! {
                <section class="tailor-thanks" role="status" aria-live="polite">
                    <h2 class="tailor-heading">{heading}</h2>
                    <p class="tailor-bought">{info.strings.get("you_bought")}{": "}{bought.join(", ")}</p>
                    {(!suggestions.is_empty()).then(|| view! {
                        <h3 class="tailor-subheading">{info.strings.get("goes_well_with")}</h3>
                        <ul class="tailor-items" role="list">
                            {suggestions.into_iter().map(|card| view! {
                                <li class="tailor-card" data-tailor-item=card.id.clone()>
                                    <a class="tailor-link" href=card.href>
                                        <span class="tailor-media">
                                            {card.image.map(|src| view! { <img class="tailor-image" src=src alt="" width="160" height="160" loading="lazy" decoding="async"/> })}
                                        </span>
                                        <span class="tailor-title">{card.title}</span>
                                        {card.price.map(|p| view! { <span class="tailor-price">{p}</span> })}
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}
