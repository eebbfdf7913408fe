//! The recommendation rails (`recommendations`, `similar`,
//! `recently-viewed`, `new-arrivals`): a heading, prev/next buttons on wide screens and a
//! horizontally scrolling (or, with `data-layout="grid"`, wrapping) list of
//! cards; skeleton placeholders while the catalog loads.

use leptos::either::Either;
use leptos::prelude::*;
use serde::Serialize;

use super::cards::{cards, Card, Picked, SlotKind};
use crate::core::messages::recommendations_heading;
use crate::platform::{self, report, State, Status};

/// Placeholder cards shown while the catalog loads.
const SKELETONS: usize = 4;

#[derive(Serialize)]
struct Shown<'a> {
    slot: &'a str,
    items: Vec<&'a str>,
    /// How long ranking these took (ms), for owners and the browser benchmark.
    rank_ms: f64,
}

#[derive(Serialize)]
struct Clicked<'a> {
    slot: &'a str,
    item: &'a str,
    position: usize,
}

/// One slot: computes its cards from the shared state and renders a rail,
/// skeletons while loading, or nothing at all (no space taken) when there
/// is nothing to show.
#[component]
pub fn Slot(
    /// Which rail this slot is.
    kind: SlotKind,
    /// Reactive catalog, memory and page info.
    state: State,
    /// The slot's own `data-product`, overriding the page's product.
    product: Option<String>,
    /// Wrap the cards in a grid instead of one scrolling row.
    #[prop(optional)]
    grid: bool,
    /// `data-preview="loading"`: always the skeleton (for designers).
    #[prop(optional)]
    loading_preview: bool,
) -> impl IntoView {
    let picked = Memo::new(move |_| {
        if state.status.get() != Status::Ready {
            return Picked::default();
        }
        let engine = state.engine.get();
        let info = state.page.get_value();
        match engine {
            Some(engine) => state
                .memory
                .with(|m| cards(kind, &engine, m, &info, product.as_deref())),
            None => Picked::default(),
        }
    });
    Effect::new(move |_| {
        picked.with(|Picked { cards, rank_ms }| {
            if !cards.is_empty() {
                report::emit(
                    "shown",
                    &Shown {
                        slot: kind.name(),
                        items: cards.iter().map(|c| c.id.as_str()).collect(),
                        rank_ms: *rank_ms,
                    },
                );
                let prices: Vec<(String, f64)> = cards
                    .iter()
                    .filter_map(|c| Some((c.id.clone(), c.amount?)))
                    .collect();
                platform::saw_prices(&prices);
            }
        })
    });
    let heading = move || {
        let info = state.page.get_value();
        match kind {
            SlotKind::Recommendations => recommendations_heading(
                &info.strings,
                state.returning.get(),
                state.memory.with(|m| !m.history.is_empty()),
            ),
            SlotKind::Similar => info.strings.get("similar"),
            SlotKind::RecentlyViewed => info.strings.get("recently_viewed"),
            SlotKind::NewArrivals => info.strings.get("new_arrivals"),
        }
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
        // A first visit has nothing new to wait for: no placeholder that
        // would only collapse again.
        let may_fill = kind != SlotKind::NewArrivals
            || state.memory.with(|m| m.recall.previous_visit.is_some());
        if loading_preview || (state.status.get() == Status::Loading && may_fill) {
            return Some(Either::Left(view! { <Skeleton grid/> }));
        }
        let list = picked.with(|p| p.cards.clone());
        (!list.is_empty()).then(|| {
            Either::Right(
                view! { <Rail heading=Signal::derive(heading) cards=list on_pick grid state/> },
            )
        })
    }
}

/// Grey placeholder cards, hidden from assistive technology, while the
/// catalog loads; replaced by the rail or by nothing.
#[component]
fn Skeleton(grid: bool) -> impl IntoView {
    view! {
        <div class="tailor-rail tailor-loading" aria-hidden="true" data-layout=if grid { "grid" } else { "rail" }>
            <div class="tailor-items">
                {(0..SKELETONS)
                    .map(|i| view! { <div class="tailor-card tailor-skeleton" data-index=i.to_string()></div> })
                    .collect_view()}
            </div>
        </div>
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
    grid: bool,
    state: State,
) -> impl IntoView {
    let info = state.page.get_value();
    let list: NodeRef<leptos::html::Ul> = NodeRef::new();
    let rtl = info.strings.rtl;
    // Forward is leftwards in a right-to-left rail.
    let scroll = move |forward: bool| {
        if let Some(list) = list.get() {
            let width = f64::from(list.client_width()) * 0.85;
            let sign = if forward != rtl { 1.0 } else { -1.0 };
            let options = web_sys::ScrollToOptions::new();
            options.set_left(sign * width);
            options.set_behavior(web_sys::ScrollBehavior::Smooth);
            list.scroll_by_with_scroll_to_options(&options);
        }
    };
    let count = cards.len();
    view! {
        <section class="tailor-rail" aria-label=heading data-layout=if grid { "grid" } else { "rail" }>
            <div class="tailor-rail-head">
                <h2 class="tailor-heading">{heading}</h2>
                {(!grid && count > 1).then(|| view! {
                    <div class="tailor-scrollers">
                        <button type="button" class="tailor-scroll" data-direction="back"
                            aria-label=info.strings.get("scroll_back") on:click=move |_| scroll(false)>{"‹"}</button>
                        <button type="button" class="tailor-scroll" data-direction="forward"
                            aria-label=info.strings.get("scroll_forward") on:click=move |_| scroll(true)>{"›"}</button>
                    </div>
                })}
            </div>
            <ul class="tailor-items" role="list" node_ref=list>
                {cards
                    .into_iter()
                    .enumerate()
                    .map(|(position, card)| view! { <CardView card position on_pick state/> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One product: image, title, price (with a price-drop badge) and a
/// "why this?" disclosure with the reason and the signals behind it.
#[component]
pub fn CardView(
    card: Card,
    position: usize,
    on_pick: Callback<(String, usize)>,
    state: State,
) -> impl IntoView {
    let info = state.page.get_value();
    let id = card.id.clone();
    let follow = move |_| on_pick.run((id.clone(), position));
    let has_why = !card.reason.is_empty();
    let dropped = card.was.is_some();
    view! {
        <li class="tailor-card" data-tailor-item=card.id.clone()>
            <a class="tailor-link" href=card.href on:click=follow>
                <span class="tailor-media">
                    {card.image.map(|src| view! {
                        <img class="tailor-image" src=src alt="" width="160" height="160" loading="lazy" decoding="async"/>
                    })}
                    {dropped.then(|| view! { <span class="tailor-badge">{info.strings.get("price_dropped")}</span> })}
                </span>
                <span class="tailor-title">{card.title}</span>
                {card.price.map(|price| view! {
                    <span class="tailor-price" data-dropped=dropped.to_string()>
                        {price}
                        {card.was.map(|was| view! {
                            <s class="tailor-was" aria-label=info.strings.fill("was_price", &[("price", &was)])>{was.clone()}</s>
                        })}
                    </span>
                })}
            </a>
            {has_why.then(|| view! {
                // A native disclosure: keyboard, focus and expanded state come with it.
                <details class="tailor-why">
                    <summary class="tailor-why-button">{info.strings.get("why_this")}</summary>
                    <p class="tailor-reason">{card.reason}</p>
                    <ul class="tailor-signals">
                        {card.signals.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                    </ul>
                </details>
            })}
        </li>
    }
}
