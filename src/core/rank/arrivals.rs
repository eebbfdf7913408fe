//! "New since your last visit": the products added to the shop after the
//! shopper's previous visit, in their favourite categories, for a rail on a
//! return visit. Out-of-stock, hidden and already bought products are left
//! out as in every rail; the owner's pins come first and boosts and buries
//! reorder, the rest go by how much the shopper likes the category, then
//! newest first.

use crate::core::events::Event;
use crate::core::text;

use super::{Context, Engine, Pick, Reason, Request};

/// What the new-arrivals rail is asked for.
#[derive(Debug, Clone)]
pub struct ArrivalsRequest<'a> {
    /// When the shopper's previous visit ended (Unix seconds); `None` on a
    /// first visit, when nothing is new *to them*.
    pub since: Option<u64>,
    /// Now (Unix seconds): a product dated later is not on sale yet.
    pub now: u64,
    /// The shopper's favourite categories, folded as the profile keeps
    /// them, with their weights, strongest first.
    pub favourites: &'a [(String, f32)],
    /// The shopper's events, oldest first (bought products are left out).
    pub history: &'a [Event],
    /// The product on screen, never suggested to itself.
    pub on_screen: Option<&'a str>,
    pub limit: usize,
}

impl Engine {
    /// The new arrivals for a returning shopper, best first; empty when
    /// nothing qualifies (the slot then takes no space).
    pub fn new_arrivals(&self, request: &ArrivalsRequest) -> Vec<Pick> {
        let Some(since) = request.since else {
            return Vec::new();
        };
        if request.limit == 0 || request.favourites.is_empty() {
            return Vec::new();
        }
        let context = match request.on_screen {
            Some(product) => Context::Similar { product },
            None => Context::ForYou,
        };
        let on_screen = request.on_screen.and_then(|p| self.catalog.position(p));
        let excluded = self.exclusions(
            &Request::new(request.history, context, request.limit),
            on_screen,
        );
        let strongest = request.favourites[0].1.max(f32::MIN_POSITIVE);
        // The best `limit` so far, best first: a bounded insertion keeps
        // the wasm free of another sort.
        let mut best: Vec<Fresh> = Vec::with_capacity(request.limit + 1);
        for (c, product) in self.catalog.products().iter().enumerate() {
            let Some(added) = product.added() else {
                continue;
            };
            if excluded[c] || added <= since || added > request.now {
                continue;
            }
            let Some(leaf) = product.category().last().map(text::fold) else {
                continue;
            };
            let Some((_, liking)) = request.favourites.iter().find(|(name, _)| *name == leaf)
            else {
                continue;
            };
            let fresh = Fresh {
                pin: self
                    .rules
                    .pinned
                    .iter()
                    .position(|&p| p == c)
                    .unwrap_or(usize::MAX),
                score: liking / strongest * self.rules.factor[c],
                added,
                product: c,
            };
            let at = best
                .iter()
                .position(|other| fresh.beats(other))
                .unwrap_or(best.len());
            if at < request.limit {
                best.insert(at, fresh);
                best.truncate(request.limit);
            }
        }
        best.into_iter()
            .map(|f| Pick {
                product: f.product,
                score: f.score,
                reason: Reason::NewIn {
                    category: self.catalog.products()[f.product]
                        .category()
                        .last()
                        .map(String::from)
                        .unwrap_or_default(),
                },
            })
            .collect()
    }
}

/// A new arrival in a liked category, and what orders it.
struct Fresh {
    /// Place in the owner's pins (`usize::MAX` when not pinned).
    pin: usize,
    /// How much the shopper likes its category (1 for the favourite) times
    /// the owner's boost or bury.
    score: f32,
    added: u64,
    product: usize,
}

impl Fresh {
    /// Pins in the owner's order, then score, then newest, then feed order.
    fn beats(&self, other: &Fresh) -> bool {
        if self.pin != other.pin {
            return self.pin < other.pin;
        }
        if self.score != other.score {
            return self.score > other.score;
        }
        if self.added != other.added {
            return self.added > other.added;
        }
        self.product < other.product
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ProductFields;
    use crate::core::catalog::{Catalog, Product};
    use crate::core::events::EventKind;
    use crate::core::rank::{Rules, Selector};

    const DAY: u64 = 86_400;
    const NOW: u64 = 1_800_000_000;
    const LAST_VISIT: u64 = NOW - 10 * DAY;

    /// (id, leaf category, days before now it was added, in stock)
    fn engine(rules: &Rules) -> Engine {
        let products = [
            ("old-mug", "Mugs", Some(40), true),
            ("new-mug", "Mugs", Some(2), true),
            ("newer-mug", "Mugs", Some(1), true),
            ("sold-out-mug", "Mugs", Some(1), false),
            ("new-lamp", "Lamps", Some(3), true),
            ("new-sofa", "Sofas", Some(3), true),
            ("undated-mug", "Mugs", None, true),
            ("future-mug", "Mugs", Some(0), true),
            ("new-tea", "Tea", Some(5), true),
        ]
        .into_iter()
        .map(|(id, leaf, days, in_stock)| {
            Product::from(ProductFields {
                id: id.into(),
                title: id.into(),
                category: vec!["Home".into(), leaf.into()],
                in_stock,
                // `future-mug` goes on sale tomorrow.
                added: days.map(|d: u64| if d == 0 { NOW + DAY } else { NOW - d * DAY }),
                ..ProductFields::default()
            })
        })
        .collect();
        Engine::new(Catalog::from_products(products).0).with_rules(rules)
    }

    /// (case, rules, since, favourites, history, on screen, limit, want)
    type Case<'a> = (
        &'a str,
        &'a Rules,
        Option<u64>,
        &'a [(String, f32)],
        &'a [Event],
        Option<&'a str>,
        usize,
        Vec<&'a str>,
    );

    fn favourites(names: &[(&str, f32)]) -> Vec<(String, f32)> {
        names.iter().map(|(n, w)| (n.to_string(), *w)).collect()
    }

    #[test]
    fn new_arrivals_table() {
        let mugs_then_lamps = favourites(&[("mugs", 3.0), ("lamps", 1.0)]);
        let lamps_then_mugs = favourites(&[("lamps", 3.0), ("mugs", 1.0)]);
        let chairs = favourites(&[("chairs", 1.0)]);
        let bought_newer = [Event::new("newer-mug", EventKind::Purchase, NOW - DAY)];
        let viewed_newer = [Event::new("newer-mug", EventKind::View, NOW - DAY)];
        let no_rules = Rules::default();
        let hide_lamps = Rules {
            hide: vec![Selector::Category("Lamps".into())],
            ..Rules::default()
        };
        let pin_and_bury = Rules {
            pin: vec!["new-lamp".into(), "old-mug".into()],
            bury: vec![Selector::Id("newer-mug".into())],
            bury_factor: 0.1,
            ..Rules::default()
        };
        let boost_lamps = Rules {
            boost: vec![Selector::Category("lamps".into())],
            boost_factor: 4.0,
            ..Rules::default()
        };
        // (case, rules, since, favourites, history, on screen, limit, want)
        let cases: Vec<Case> = vec![
            (
                "first visit: nothing is new to them",
                &no_rules,
                None,
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec![],
            ),
            (
                "returning: new in favourites, liked most first, newest first",
                &no_rules,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec!["newer-mug", "new-mug", "new-lamp"],
            ),
            (
                "the favourite order decides",
                &no_rules,
                Some(LAST_VISIT),
                &lamps_then_mugs,
                &[],
                None,
                8,
                vec!["new-lamp", "newer-mug", "new-mug"],
            ),
            (
                "limit",
                &no_rules,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                None,
                1,
                vec!["newer-mug"],
            ),
            (
                "nothing added since the last visit",
                &no_rules,
                Some(NOW - DAY / 2),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec![],
            ),
            (
                "added before the last visit is not new",
                &no_rules,
                Some(NOW - 2 * DAY + 60),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec!["newer-mug"],
            ),
            (
                "no favourite categories yet",
                &no_rules,
                Some(LAST_VISIT),
                &[],
                &[],
                None,
                8,
                vec![],
            ),
            (
                "new, but not in a favourite category",
                &no_rules,
                Some(LAST_VISIT),
                &chairs,
                &[],
                None,
                8,
                vec![],
            ),
            (
                "bought already",
                &no_rules,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &bought_newer,
                None,
                8,
                vec!["new-mug", "new-lamp"],
            ),
            (
                "viewed is still new",
                &no_rules,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &viewed_newer,
                None,
                8,
                vec!["newer-mug", "new-mug", "new-lamp"],
            ),
            (
                "not the product on screen",
                &no_rules,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                Some("new-mug"),
                8,
                vec!["newer-mug", "new-lamp"],
            ),
            (
                "owner hides a category",
                &hide_lamps,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec!["newer-mug", "new-mug"],
            ),
            (
                "owner pins (if new) and buries",
                &pin_and_bury,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec!["new-lamp", "new-mug", "newer-mug"],
            ),
            (
                "owner boosts",
                &boost_lamps,
                Some(LAST_VISIT),
                &mugs_then_lamps,
                &[],
                None,
                8,
                vec!["new-lamp", "newer-mug", "new-mug"],
            ),
        ];
        for (case, rules, since, favourites, history, on_screen, limit, want) in cases {
            let engine = engine(rules);
            let picks = engine.new_arrivals(&ArrivalsRequest {
                since,
                now: NOW,
                favourites,
                history,
                on_screen,
                limit,
            });
            let ids: Vec<&str> = picks
                .iter()
                .map(|p| engine.catalog().products()[p.product].id())
                .collect();
            assert_eq!(ids, want, "{case}");
            for pick in &picks {
                let product = &engine.catalog().products()[pick.product];
                assert!(product.in_stock(), "{case}: out of stock never shows");
                assert_eq!(
                    pick.reason,
                    Reason::NewIn {
                        category: product.category().get(1).unwrap().to_string()
                    },
                    "{case}"
                );
            }
        }
    }
}
