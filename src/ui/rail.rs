//! The recommendation rails (`recommendations`, `similar`,
//! `recently-viewed`): a heading and a horizontally scrolling list of cards.

use leptos::prelude::*;
use serde::Serialize;

use super::cards::{cards, Card, SlotKind};
use crate::platform::{report, State, Status};

#[derive(Serialize)]
struct Shown<'a> {
    slot: &'a str,
    items: Vec<&'a str>,
}

#[derive(Serialize)]
struct Clicked<'a> {
    slot: &'a str,
    item: &'a str,
    position: usize,
}

/// One slot: computes its cards from the shared state and renders a rail,
/// or nothing at all (no space taken) when there is nothing to show.
#[component]
pub fn Slot(
    /// Which rail this slot is.
    kind: SlotKind,
    /// Reactive catalog, memory and page info.
    state: State,
    /// The slot's own `data-product`, overriding the page's product.
    product: Option<String>,
) -> impl IntoView {
    let cards = Memo::new(move |_| {
        if state.status.get() != Status::Ready {
            return Vec::new();
        }
        let engine = state.engine.get();
        let info = state.page.get_value();
        match engine {
            Some(engine) => state
                .memory
                .with(|m| cards(kind, &engine, m, &info, product.as_deref())),
            None => Vec::new(),
        }
    });
    Effect::new(move |_| {
        cards.with(|cards| {
            if !cards.is_empty() {
                report::emit(
                    "shown",
                    &Shown {
                        slot: kind.name(),
                        items: cards.iter().map(|c| c.id.as_str()).collect(),
                    },
                );
            }
        })
    });
    let heading = move || {
        let info = state.page.get_value();
        let key = match kind {
            SlotKind::Recommendations if state.memory.with(|m| m.history.is_empty()) => {
                "recommendations_cold"
            }
            SlotKind::Recommendations => "recommendations",
            SlotKind::Similar => "similar",
            SlotKind::RecentlyViewed => "recently_viewed",
        };
        info.strings.get(key)
    };
    let on_pick = Callback::new(move |(id, position): (String, usize)| {
        report::emit(
            "click",
            &Clicked {
                slot: kind.name(),
                item: &id,
                position,
            },
        );
    });
    move || {
        let list = cards.get();
        (!list.is_empty())
            .then(|| view! { <Rail heading=Signal::derive(heading) cards=list on_pick/> })
    }
}

/// A titled, scrollable list of product cards.
#[component]
fn Rail(
    /// The rail's visible title and accessible name.
    heading: Signal<String>,
    cards: Vec<Card>,
    /// Called with the product id and its 0-based position when a card is followed.
    on_pick: Callback<(String, usize)>,
) -> impl IntoView {
    view! {
        <section class="tailor-rail" aria-label=heading>
            <h2 class="tailor-heading">{heading}</h2>
            <ul class="tailor-items" role="list">
                {cards
                    .into_iter()
                    .enumerate()
                    .map(|(position, card)| view! { <CardView card position on_pick/> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One product: image, title, price and why it is here.
#[component]
fn CardView(card: Card, position: usize, on_pick: Callback<(String, usize)>) -> impl IntoView {
    let id = card.id.clone();
    let follow = move |_| on_pick.run((id.clone(), position));
    view! {
        <li class="tailor-card" data-tailor-item=card.id.clone()>
            <a class="tailor-link" href=card.href on:click=follow>
                <span class="tailor-media">
                    {card.image.map(|src| view! {
                        <img class="tailor-image" src=src alt="" width="160" height="160" loading="lazy" decoding="async"/>
                    })}
                </span>
                <span class="tailor-title">{card.title}</span>
                {card.price.map(|price| view! { <span class="tailor-price">{price}</span> })}
            </a>
            <span class="tailor-reason">{card.reason}</span>
        </li>
    }
}
