//! From ranking results to what a card shows: safe links, formatted prices,
//! the localised "why this?" text. Plain functions over `core` data.

use crate::core::catalog::Product;
use crate::core::events::{Event, EventKind};
use crate::core::i18n::Strings;
use crate::core::present::{safe_image, safe_link};
use crate::core::rank::{
    recently_viewed, ArrivalsRequest, Context, Engine, Evidence, Reason, Request,
};
use crate::core::store::Memory;
use crate::platform::{format, now_ms, PageInfo};

/// Which rail a slot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Recommendations,
    Similar,
    RecentlyViewed,
    /// "New since your last visit", for a returning shopper.
    NewArrivals,
}

impl SlotKind {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim() {
            "recommendations" => Some(Self::Recommendations),
            "similar" => Some(Self::Similar),
            "recently-viewed" => Some(Self::RecentlyViewed),
            "new-arrivals" => Some(Self::NewArrivals),
            _ => None,
        }
    }

    /// The name in `data-tailor` and in `tailor:*` event details.
    pub fn name(self) -> &'static str {
        match self {
            Self::Recommendations => "recommendations",
            Self::Similar => "similar",
            Self::RecentlyViewed => "recently-viewed",
            Self::NewArrivals => "new-arrivals",
        }
    }
}

/// How many of the shopper's strongest categories "new since your last
/// visit" draws from.
const FAVOURITE_CATEGORIES: usize = 3;

/// One product card, ready to render: all text is plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub href: Option<String>,
    pub image: Option<String>,
    pub price: Option<String>,
    /// The price in numbers, remembered for the price-drop badge.
    pub amount: Option<f64>,
    /// The former, higher price the shopper last saw, formatted.
    pub was: Option<String>,
    /// The short "why this?" text.
    pub reason: String,
    /// The signals behind the reason, shown when "why this?" is opened.
    pub signals: Vec<String>,
}

/// The reason text and the signals behind it (the [`Evidence`] the ranking
/// gives for the pick). Every ranking reason and signal maps here, in one
/// place; a reason with nothing to name falls back to "popular".
pub fn explain(
    reason: &Reason,
    evidence: &[Evidence],
    strings: &Strings,
    title_of: &dyn Fn(&str) -> String,
) -> (String, Vec<String>) {
    let about = |key: &str, id: &str| strings.fill(key, &[("title", &title_of(id))]);
    let text = match reason {
        Reason::BecauseYouViewed { product } => about("because_you_viewed", product),
        Reason::BecauseYouBought { product } => about("because_you_bought", product),
        Reason::SimilarTo { product } => about("similar_to", product),
        Reason::OftenBoughtWith { product } => about("bought_with", product),
        Reason::BuyAgain { .. } => strings.get("buy_again"),
        Reason::PopularIn { category } => strings.fill("popular_in", &[("category", category)]),
        Reason::NewIn { category } => strings.fill("new_in", &[("category", category)]),
        Reason::Pinned => strings.get("pinned"),
        Reason::Popular => strings.get("popular"),
    };
    let mut signals: Vec<String> = evidence
        .iter()
        .map(|e| match e {
            Evidence::Viewed { product } => about("signal_viewed", product),
            Evidence::Carted { product } => about("signal_carted", product),
            Evidence::Bought { product } => about("signal_bought", product),
            Evidence::OnScreen { product } => about("signal_similar", product),
            Evidence::BoughtWith { product } => about("signal_bought_with", product),
            Evidence::LikesCategory { category } => {
                strings.fill("signal_category", &[("category", category)])
            }
            Evidence::LikesBrand { brand } => strings.fill("signal_brand", &[("brand", brand)]),
            Evidence::New { category } => strings.fill("signal_new_in", &[("category", category)]),
            Evidence::Pinned => strings.get("signal_pinned"),
            Evidence::Popular => strings.get("signal_popular"),
        })
        .collect();
    if signals.is_empty() {
        signals.push(strings.get("signal_popular"));
    }
    // Anything drawn from the shopper (or the page) was worked out here.
    if evidence
        .iter()
        .any(|e| !matches!(e, Evidence::Pinned | Evidence::Popular))
    {
        signals.push(strings.get("signal_local"));
    }
    (text, signals)
}

/// A slot's cards and how long ranking them took.
#[derive(Debug, Clone, Default)]
pub struct Picked {
    pub cards: Vec<Card>,
    /// Milliseconds in the ranking call alone (`Engine::recommend`, or the
    /// slot's list), reported in `tailor:shown` as `rank_ms`.
    pub rank_ms: f64,
}

/// Equal when the cards are: ranking again to the same cards is no change
/// to show (no redraw, no second `tailor:shown`).
impl PartialEq for Picked {
    fn eq(&self, other: &Self) -> bool {
        self.cards == other.cards
    }
}

/// The cards for one slot; empty when there is nothing worth showing.
pub fn cards(
    kind: SlotKind,
    engine: &Engine,
    memory: &Memory,
    info: &PageInfo,
    product: Option<&str>,
) -> Picked {
    let mut rank_ms = 0.0;
    let mut timed = |started: f64| rank_ms += now_ms() - started;
    let catalog = engine.catalog();
    let history = memory.history.events();
    let on_screen = product.or(info.on_screen.as_deref());
    let limit = info.settings.limit;
    let title_of = |id: &str| {
        catalog
            .get(id)
            .map_or_else(|| id.to_string(), |p| p.title().to_string())
    };
    let strings = &info.strings;
    let picks: Vec<(usize, (String, Vec<String>))> = match kind {
        SlotKind::RecentlyViewed => {
            // A product carted from a listing was never looked at: views only.
            let views: Vec<Event> = history
                .iter()
                .filter(|e| e.kind == EventKind::View)
                .cloned()
                .collect();
            let started = now_ms();
            let listed = recently_viewed(catalog, &views, on_screen, limit);
            timed(started);
            listed
                .into_iter()
                .map(|p| {
                    (
                        p,
                        (strings.get("you_viewed"), vec![strings.get("signal_local")]),
                    )
                })
                .collect()
        }
        SlotKind::NewArrivals => {
            // The time of this page view: `platform::boot` records it first.
            let now = memory.recall.last_visit.unwrap_or(0);
            let favourites = memory
                .profile
                .favourite_categories(now, FAVOURITE_CATEGORIES);
            let started = now_ms();
            let listed = engine.new_arrivals(&ArrivalsRequest {
                since: memory.recall.previous_visit,
                now,
                favourites: &favourites,
                history,
                on_screen,
                limit,
            });
            timed(started);
            listed
                .into_iter()
                .map(|pick| {
                    let evidence = match &pick.reason {
                        Reason::NewIn { category } => vec![Evidence::New {
                            category: category.clone(),
                        }],
                        _ => Vec::new(),
                    };
                    (
                        pick.product,
                        explain(&pick.reason, &evidence, strings, &title_of),
                    )
                })
                .collect()
        }
        SlotKind::Similar | SlotKind::Recommendations => {
            let context = match (kind, on_screen) {
                (SlotKind::Similar, Some(product)) => Context::Similar { product },
                (SlotKind::Similar, None) => return Picked::default(),
                _ => Context::ForYou,
            };
            let mut request = Request::new(history, context, limit);
            // What the shopper liked before the events still in the ring.
            request.interests = memory.profile.interests();
            // Products the shopper has seen have their own rail (recently-viewed).
            request.exclude_seen = kind == SlotKind::Recommendations;
            let started = now_ms();
            let ranked = engine.recommend(&request);
            timed(started);
            let picks: Vec<_> = ranked
                .into_iter()
                .filter(|pick| Some(catalog.products()[pick.product].id()) != on_screen)
                .collect();
            let evidence = engine.evidence(&request, &picks);
            picks
                .into_iter()
                .zip(evidence)
                .map(|(pick, evidence)| {
                    (
                        pick.product,
                        explain(&pick.reason, &evidence, strings, &title_of),
                    )
                })
                .collect()
        }
    };
    let cards = picks
        .into_iter()
        .filter_map(|(position, (reason, signals))| {
            let mut card = card_for(catalog.at(position)?, reason, info);
            card.signals = signals;
            card.was = price_drop(catalog.at(position)?, memory, info);
            Some(card)
        })
        .collect();
    Picked { cards, rank_ms }
}

/// The former price, formatted, when the product got cheaper since the shopper last saw it.
fn price_drop(product: &Product, memory: &Memory, info: &PageInfo) -> Option<String> {
    let price = product.price()?;
    let was = memory.recall.dropped_from(product.id(), price)?;
    Some(format::price(was, currency_of(product, info), &info.locale))
}

fn currency_of<'a>(product: &'a Product, info: &'a PageInfo) -> &'a str {
    product
        .currency()
        .or(info.settings.currency.as_deref())
        .unwrap_or("USD")
}

/// One product's card with its reason text.
pub fn card_for(product: &Product, reason: String, info: &PageInfo) -> Card {
    let currency = currency_of(product, info);
    Card {
        id: product.id().to_string(),
        title: product.title().to_string(),
        href: product.url().and_then(|u| safe_link(&u, &info.host)),
        image: product.image().and_then(|u| safe_image(&u)),
        price: product
            .price()
            .map(|p| format::price(p, currency, &info.locale)),
        amount: product.price(),
        was: None,
        reason,
        signals: Vec::new(),
    }
}
