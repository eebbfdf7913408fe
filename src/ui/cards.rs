//! From ranking results to what a card shows: safe links, formatted prices,
//! the localised "why this?" text. Plain functions over `core` data.

use crate::core::catalog::Product;
use crate::core::events::{Event, EventKind};
use crate::core::i18n::Strings;
use crate::core::present::{safe_image, safe_link};
use crate::core::rank::{recently_viewed, Context, Engine, Reason, Request};
use crate::core::store::Memory;
use crate::platform::{format, PageInfo};

/// Which rail a slot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Recommendations,
    Similar,
    RecentlyViewed,
}

impl SlotKind {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "recommendations" => Some(Self::Recommendations),
            "similar" => Some(Self::Similar),
            "recently-viewed" => Some(Self::RecentlyViewed),
            _ => None,
        }
    }

    /// The name in `data-tailor` and in `tailor:*` event details.
    pub fn name(self) -> &'static str {
        match self {
            Self::Recommendations => "recommendations",
            Self::Similar => "similar",
            Self::RecentlyViewed => "recently-viewed",
        }
    }
}

/// One product card, ready to render: all text is plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub href: Option<String>,
    pub image: Option<String>,
    pub price: Option<String>,
    pub reason: String,
}

/// The cards for one slot; empty when there is nothing worth showing.
pub fn cards(
    kind: SlotKind,
    engine: &Engine,
    memory: &Memory,
    info: &PageInfo,
    product: Option<&str>,
) -> Vec<Card> {
    let catalog = engine.catalog();
    let history = memory.history.events();
    let on_screen = product.or(info.on_screen.as_deref());
    let limit = info.settings.limit;
    let title_of = |id: &str| {
        catalog
            .get(id)
            .map_or_else(|| id.to_string(), |p| p.title.clone())
    };
    let strings = &info.strings;
    let picks: Vec<(usize, String)> = match kind {
        SlotKind::RecentlyViewed => {
            // A product carted from a listing was never looked at: views only.
            let views: Vec<Event> = history
                .iter()
                .filter(|e| e.kind == EventKind::View)
                .cloned()
                .collect();
            recently_viewed(catalog, &views, on_screen, limit)
                .into_iter()
                .map(|p| (p, strings.get("you_viewed")))
                .collect()
        }
        SlotKind::Similar | SlotKind::Recommendations => {
            let context = match (kind, on_screen) {
                (SlotKind::Similar, Some(product)) => Context::Similar { product },
                (SlotKind::Similar, None) => return Vec::new(),
                _ => Context::ForYou,
            };
            let mut request = Request::new(history, context, limit);
            // Products the shopper has seen have their own rail (recently-viewed).
            request.exclude_seen = kind == SlotKind::Recommendations;
            engine
                .recommend(&request)
                .into_iter()
                .filter(|pick| Some(catalog.products()[pick.product].id.as_str()) != on_screen)
                .map(|pick| {
                    let reason = reason_text(&pick.reason, strings, &title_of);
                    (pick.product, reason)
                })
                .collect()
        }
    };
    picks
        .into_iter()
        .filter_map(|(position, reason)| catalog.at(position).map(|p| card_for(p, reason, info)))
        .collect()
}

/// The "why this?" text of a ranking reason, in the shopper's language.
pub fn reason_text(
    reason: &Reason,
    strings: &Strings,
    title_of: &dyn Fn(&str) -> String,
) -> String {
    let product = |key: &str, id: &str| strings.fill(key, &[("title", &title_of(id))]);
    match reason {
        Reason::BecauseYouViewed { product: id } => product("because_you_viewed", id),
        Reason::BecauseYouBought { product: id } => product("because_you_bought", id),
        Reason::SimilarTo { product: id } => product("similar_to", id),
        Reason::OftenBoughtWith { product: id } => product("bought_with", id),
        Reason::BuyAgain { product: id } => product("buy_again", id),
        Reason::PopularIn { category } => strings.fill("popular_in", &[("category", category)]),
        Reason::Pinned => strings.get("pinned"),
        Reason::Popular => strings.get("popular"),
    }
}

/// One product's card with its reason text.
pub fn card_for(product: &Product, reason: String, info: &PageInfo) -> Card {
    let currency = product
        .currency
        .as_deref()
        .or(info.settings.currency.as_deref())
        .unwrap_or("USD");
    Card {
        id: product.id.clone(),
        title: product.title.clone(),
        href: product
            .url
            .as_deref()
            .and_then(|u| safe_link(u, &info.host)),
        image: product.image.as_deref().and_then(safe_image),
        price: product
            .price
            .map(|p| format::price(p, currency, &info.locale)),
        reason,
    }
}
