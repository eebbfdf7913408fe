//! The `thank-you` slot: after `tailor('purchase', …)`, a short personal
//! thank-you with what was bought and a few products that go with it, never
//! the ones just bought.

use leptos::prelude::*;
use serde::Serialize;

use super::cards::{card_for, explain, Card};
use super::rail::CardView;
use crate::core::events::{Event, EventKind};
use crate::core::messages::{bought_line, thank_you_heading};
use crate::core::rank::{complements, Context, Request};
use crate::platform::{report, State};

/// How many complementary products the message suggests.
const SUGGESTIONS: usize = 3;
/// Ranked products the suggestions are chosen from.
const CANDIDATES: usize = 48;
/// How many bought titles the message names before "and N more".
const BOUGHT_SHOWN: usize = 3;

#[derive(Serialize)]
struct Clicked<'a> {
    slot: &'a str,
    item: &'a str,
    position: usize,
}

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
        let heading = thank_you_heading(&info.strings, order.name.as_deref());
        let engine = state.engine.get();
        let bought: Vec<Option<String>> = order
            .items
            .iter()
            .map(|item| {
                engine
                    .as_ref()
                    .and_then(|e| e.catalog().get(&item.id))
                    .map(|p| p.title().to_string())
            })
            .collect();
        let suggestions: Vec<Card> = engine
            .map(|engine| {
                let history: Vec<Event> = order
                    .items
                    .iter()
                    .map(|i| Event::new(i.id.clone(), EventKind::Purchase, 0))
                    .collect();
                // Many more than shown: without a co-purchase model the
                // best-ranked are mostly like what was bought, and other
                // categories than the order's should come first.
                let mut request = Request::new(&history, Context::Order, CANDIDATES);
                request.exclude_seen = true;
                let bought: Vec<&str> = order.items.iter().map(|i| i.id.as_str()).collect();
                let picks = complements(
                    engine.catalog(),
                    engine.recommend(&request),
                    &bought,
                    SUGGESTIONS,
                );
                let evidence = engine.evidence(&request, &picks);
                picks
                    .into_iter()
                    .zip(evidence)
                    .filter_map(|(pick, evidence)| {
                        let product = engine.catalog().at(pick.product)?;
                        let (reason, signals) =
                            explain(&pick.reason, &evidence, &info.strings, &|id| {
                                engine
                                    .catalog()
                                    .get(id)
                                    .map_or_else(|| id.to_string(), |p| p.title().to_string())
                            });
                        let mut card = card_for(product, reason, &info);
                        card.signals = signals;
                        Some(card)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let bought = bought_line(&info.strings, &bought, BOUGHT_SHOWN);
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
    let on_pick = Callback::new(move |(id, position): (String, usize)| {
        report::emit(
            "click",
            &Clicked {
                slot: "thank-you",
                item: &id,
                position,
            },
        );
    });
    move || {
        content.get().map(|(heading, bought, suggestions)| {
            let info = state.page.get_value();
            view! {
                <section class="tailor-thanks" role="status" aria-live="polite">
                    <h2 class="tailor-heading">{heading}</h2>
                    {bought.map(|line| view! { <p class="tailor-bought">{line}</p> })}
                    {(!suggestions.is_empty()).then(|| view! {
                        <h3 class="tailor-subheading">{info.strings.get("goes_well_with")}</h3>
                        <ul class="tailor-items" role="list">
                            {suggestions
                                .into_iter()
                                .enumerate()
                                .map(|(position, card)| view! { <CardView card position on_pick state/> })
                                .collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}
