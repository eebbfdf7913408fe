//! What a shopper's events say about them: affinities to categories (every
//! level of the path), brands and tags, and where they sit in each category's
//! price range (the budget/premium segment). Purchases count more than carts,
//! carts more than views, and old events fade with a half-life.
//!
//! Products are described by interned [`Facet`]s once per catalog
//! ([`FacetIndex`]), so scoring a candidate is a few array reads.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::core::catalog::Catalog;
use crate::core::events::{Event, EventKind};

/// One thing a product can share with another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Facet {
    /// The category path down to `depth` (0 = top level), lower-cased, joined by " > ".
    Category {
        depth: u8,
        path: String,
    },
    Brand(String),
    Tag(String),
}

/// How many category levels count; deeper levels are rare in feeds.
const MAX_CATEGORY_DEPTH: usize = 4;

/// Every product's facets and relative price, built once per catalog.
#[derive(Debug, Clone, Default)]
pub struct FacetIndex {
    facets: Vec<Facet>,
    of_product: Vec<Vec<u32>>,
    /// ln(price / median price of the product's deepest category), NaN when unknown.
    relative_price: Vec<f32>,
}

impl FacetIndex {
    pub fn build(catalog: &Catalog) -> Self {
        let mut ids: FxHashMap<Facet, u32> = FxHashMap::default();
        let mut facets: Vec<Facet> = Vec::new();
        // Facet ids by the raw text they come from ("\u{1}" + depth + raw
        // path, "b" + brand, "t" + tag): catalogs repeat these, so each is
        // lower-cased and interned once.
        let mut by_raw: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut raw = String::new();
        let mut path = String::new();
        let mut intern = |raw: &str, make: &dyn Fn() -> Facet| -> u32 {
            if let Some(&id) = by_raw.get(raw) {
                return id;
            }
            let facet = make();
            let id = match ids.get(&facet) {
                Some(&id) => id,
                None => {
                    let id = facets.len() as u32;
                    ids.insert(facet.clone(), id);
                    facets.push(facet);
                    id
                }
            };
            by_raw.insert(raw.into(), id);
            id
        };
        let mut of_product = Vec::with_capacity(catalog.len());
        for product in catalog.products() {
            let mut own: Vec<u32> = Vec::new();
            let mut push = |id: u32| {
                if !own.contains(&id) {
                    own.push(id);
                }
            };
            raw.clear();
            for (depth, level) in product.category.iter().take(MAX_CATEGORY_DEPTH).enumerate() {
                raw.push('\u{1}');
                raw.push_str(level);
                path.clear();
                path.push('c');
                path.push(char::from(b'0' + depth as u8));
                path.push_str(&raw);
                push(intern(&path, &|| {
                    let mut path = String::new();
                    for (i, level) in product.category.iter().take(depth + 1).enumerate() {
                        if i > 0 {
                            path.push_str(" > ");
                        }
                        path.push_str(&level.trim().to_lowercase());
                    }
                    Facet::Category {
                        depth: depth as u8,
                        path,
                    }
                }));
            }
            if let Some(brand) = &product.brand {
                path.clear();
                path.push('b');
                path.push_str(brand);
                push(intern(&path, &|| Facet::Brand(brand.trim().to_lowercase())));
            }
            for tag in &product.tags {
                path.clear();
                path.push('t');
                path.push_str(tag);
                push(intern(&path, &|| Facet::Tag(tag.trim().to_lowercase())));
            }
            of_product.push(own);
        }
        let relative_price = relative_prices(catalog, &of_product, &facets);
        Self {
            facets,
            of_product,
            relative_price,
        }
    }

    pub fn facet(&self, id: u32) -> Option<&Facet> {
        self.facets.get(id as usize)
    }

    pub fn len(&self) -> usize {
        self.facets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facets.is_empty()
    }

    pub fn of_product(&self, product: usize) -> &[u32] {
        self.of_product
            .get(product)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// ln(price / category median), `None` without a price.
    pub fn relative_price(&self, product: usize) -> Option<f32> {
        self.relative_price
            .get(product)
            .copied()
            .filter(|p| p.is_finite())
    }

    /// The product's deepest category facet, for "popular in Z".
    pub fn deepest_category(&self, product: usize) -> Option<u32> {
        self.of_product(product)
            .iter()
            .rev()
            .copied()
            .find(|&f| matches!(self.facets[f as usize], Facet::Category { .. }))
    }
}

fn relative_prices(catalog: &Catalog, of_product: &[Vec<u32>], facets: &[Facet]) -> Vec<f32> {
    let leaf = |p: usize| {
        of_product[p]
            .iter()
            .rev()
            .copied()
            .find(|&f| matches!(facets[f as usize], Facet::Category { .. }))
            .unwrap_or(u32::MAX)
    };
    let mut prices: HashMap<u32, Vec<f32>> = HashMap::new();
    let mut log_price = vec![f32::NAN; catalog.len()];
    for (p, product) in catalog.products().iter().enumerate() {
        if let Some(price) = product.price.filter(|&x| x > 0.0 && x.is_finite()) {
            log_price[p] = (price as f32).ln();
            prices.entry(leaf(p)).or_default().push(log_price[p]);
        }
    }
    let medians: HashMap<u32, f32> = prices
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable_by(f32::total_cmp);
            (k, v[(v.len() - 1) / 2])
        })
        .collect();
    (0..catalog.len())
        .map(|p| match medians.get(&leaf(p)) {
            Some(m) if log_price[p].is_finite() => log_price[p] - m,
            _ => f32::NAN,
        })
        .collect()
}

/// Where a shopper's purchases sit in their categories' price ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Segment {
    Budget,
    Mid,
    Premium,
    /// No priced products in the history.
    Unknown,
}

/// How events turn into a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileWeights {
    pub view: f32,
    pub cart: f32,
    pub purchase: f32,
    /// An event this many seconds older than `now` counts half.
    pub half_life_secs: f32,
    /// |mean relative log price| above this makes a budget/premium shopper
    /// (0.2 ≈ 20 % below/above the category median).
    pub segment_threshold: f32,
}

impl Default for ProfileWeights {
    fn default() -> Self {
        Self {
            view: 1.0,
            cart: 2.0,
            purchase: 3.0,
            half_life_secs: 100.0 * 86_400.0,
            segment_threshold: 0.2,
        }
    }
}

impl ProfileWeights {
    pub fn kind(&self, kind: EventKind) -> f32 {
        match kind {
            EventKind::View => self.view,
            EventKind::Cart => self.cart,
            EventKind::Purchase => self.purchase,
        }
    }

    /// The weight of one event at `now`: kind × 2^(-age / half-life). Events
    /// without a time (0) or from the future do not fade.
    pub fn event(&self, event: &Event, now: u64) -> f32 {
        let age = if event.at == 0 {
            0.0
        } else {
            now.saturating_sub(event.at) as f32
        };
        let fade = if self.half_life_secs > 0.0 {
            (-age / self.half_life_secs * std::f32::consts::LN_2).exp()
        } else {
            1.0
        };
        self.kind(event.kind) * fade
    }
}

/// A shopper's affinities, each a share of their (decayed) activity in [0, 1].
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Per facet id: the share of the shopper's weight on products with it.
    affinity: HashMap<u32, f32>,
    /// Weighted mean of ln(price / category median) over priced events.
    relative_price: Option<f32>,
    pub segment: Option<Segment>,
    total_weight: f32,
}

impl Profile {
    /// Builds the profile of `history` (oldest first) at time `now`; `now = 0`
    /// means "the newest event's time".
    pub fn build(
        index: &FacetIndex,
        catalog: &Catalog,
        history: &[Event],
        now: u64,
        weights: &ProfileWeights,
    ) -> Profile {
        let now = if now == 0 {
            history.iter().map(|e| e.at).max().unwrap_or(0)
        } else {
            now
        };
        let mut affinity: HashMap<u32, f32> = HashMap::new();
        let mut total = 0f32;
        let (mut price_sum, mut price_weight) = (0f32, 0f32);
        for event in history {
            let Some(p) = catalog.position(&event.product) else {
                continue;
            };
            let w = weights.event(event, now);
            total += w;
            for &f in index.of_product(p) {
                *affinity.entry(f).or_insert(0.0) += w;
            }
            if let Some(r) = index.relative_price(p) {
                price_sum += w * r;
                price_weight += w;
            }
        }
        if total > 0.0 {
            for v in affinity.values_mut() {
                *v /= total;
            }
        }
        let relative_price = (price_weight > 0.0).then(|| price_sum / price_weight);
        let segment = Some(match relative_price {
            None => Segment::Unknown,
            Some(r) if r < -weights.segment_threshold => Segment::Budget,
            Some(r) if r > weights.segment_threshold => Segment::Premium,
            Some(_) => Segment::Mid,
        });
        Profile {
            affinity,
            relative_price,
            segment,
            total_weight: total,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total_weight <= 0.0
    }

    /// Share of the shopper's activity on products with this facet.
    pub fn affinity(&self, facet: u32) -> f32 {
        self.affinity.get(&facet).copied().unwrap_or(0.0)
    }

    pub fn relative_price(&self) -> Option<f32> {
        self.relative_price
    }

    /// Fills a dense per-facet array (faster than hashing per candidate).
    pub fn dense(&self, facet_count: usize) -> Vec<f32> {
        let mut out = vec![0f32; facet_count];
        for (&f, &v) in &self.affinity {
            if let Some(slot) = out.get_mut(f as usize) {
                *slot = v;
            }
        }
        out
    }

    /// How well a product's price suits the shopper: 1 at their usual
    /// relative price, falling towards 0 a factor e away; 0.5 when unknown.
    pub fn price_fit(&self, product_relative_price: Option<f32>) -> f32 {
        match (self.relative_price, product_relative_price) {
            (Some(mine), Some(theirs)) => (-(mine - theirs).abs()).exp(),
            _ => 0.5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::Product;

    fn catalog() -> Catalog {
        let p = |id: &str, cat: &[&str], brand: &str, price: f64| Product {
            id: id.into(),
            title: id.into(),
            category: cat.iter().map(|s| s.to_string()).collect(),
            brand: Some(brand.into()),
            price: Some(price),
            ..Product::default()
        };
        Catalog::from_products(vec![
            p("cheap", &["Home", "Kitchen"], "A", 5.0),
            p("mid", &["Home", "Kitchen"], "A", 10.0),
            p("dear", &["Home", "Kitchen"], "B", 20.0),
            p("tee", &["Clothing"], "C", 10.0),
        ])
        .0
    }

    fn facet(index: &FacetIndex, want: &Facet) -> u32 {
        (0..index.len() as u32)
            .find(|&f| index.facet(f) == Some(want))
            .unwrap()
    }

    #[test]
    fn event_weights_follow_kind_and_decay() {
        let w = ProfileWeights::default();
        let day = 86_400;
        let cases = [
            (EventKind::View, 100 * day, 100 * day, 1.0),
            (EventKind::Cart, 100 * day, 100 * day, 2.0),
            (EventKind::Purchase, 100 * day, 100 * day, 3.0),
            (EventKind::Purchase, 1, 100 * day + 1, 1.5),
            (EventKind::View, 0, 100 * day, 1.0),
        ];
        for (kind, at, now, want) in cases {
            let got = w.event(&Event::new("x", kind, at), now);
            assert!((got - want).abs() < 1e-4, "{kind:?} at {at}: {got}");
        }
    }

    #[test]
    fn affinities_are_shares_of_weighted_activity() {
        let c = catalog();
        let index = FacetIndex::build(&c);
        let history = [
            Event::new("cheap", EventKind::Purchase, 10),
            Event::new("tee", EventKind::View, 10),
        ];
        let profile = Profile::build(&index, &c, &history, 10, &ProfileWeights::default());
        let home = facet(
            &index,
            &Facet::Category {
                depth: 0,
                path: "home".into(),
            },
        );
        let clothing = facet(
            &index,
            &Facet::Category {
                depth: 0,
                path: "clothing".into(),
            },
        );
        assert!((profile.affinity(home) - 0.75).abs() < 1e-6);
        assert!((profile.affinity(clothing) - 0.25).abs() < 1e-6);
        assert_eq!(
            profile.affinity(facet(&index, &Facet::Brand("b".into()))),
            0.0
        );
    }

    #[test]
    fn segment_follows_relative_price() {
        let c = catalog();
        let index = FacetIndex::build(&c);
        let cases = [
            ("cheap", Segment::Budget),
            ("mid", Segment::Mid),
            ("dear", Segment::Premium),
        ];
        for (id, want) in cases {
            let history = [Event::new(id, EventKind::Purchase, 1)];
            let profile = Profile::build(&index, &c, &history, 0, &ProfileWeights::default());
            assert_eq!(profile.segment, Some(want), "{id}");
        }
        let profile = Profile::build(&index, &c, &[], 0, &ProfileWeights::default());
        assert_eq!(profile.segment, Some(Segment::Unknown));
        assert!(profile.is_empty());
    }
}
