//! The signals behind a pick, for "why this?": which of the shopper's
//! products it rests on and what they did with it, which of their category
//! and brand interests it matches, or that the shop placed it or it is
//! simply popular. Ids and category names only; the UI localises.

use serde::Serialize;

use crate::core::events::{Event, EventKind};
use crate::core::profile::Facet;

use super::{Engine, Pick, Reason, Request};

/// An affinity at least this strong (a share of the shopper's activity) is
/// named as an interest; weaker ones are not what the shopper would call theirs.
const NAMED_AFFINITY: f32 = 0.2;

/// One signal a pick rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Evidence {
    /// The shopper looked at this product.
    Viewed { product: String },
    /// The shopper put this product in their cart.
    Carted { product: String },
    /// The shopper bought this product.
    Bought { product: String },
    /// The product on the page now.
    OnScreen { product: String },
    /// Other shoppers bought the pick together with this product.
    BoughtWith { product: String },
    /// The shopper's interest in this category (from their events or their
    /// stored interests), named as the pick's catalog shows it.
    LikesCategory { category: String },
    /// The shopper's interest in this brand.
    LikesBrand { brand: String },
    /// Added to the shop since the shopper's last visit, in this category
    /// they like.
    New { category: String },
    /// Placed by the shop.
    Pinned,
    /// Popular with the shop's shoppers.
    Popular,
}

/// What the shopper did with `product`, the strongest action first (a
/// purchase says more than a cart, a cart more than a view).
pub fn strongest_action(history: &[Event], product: &str) -> Option<Evidence> {
    let kind = history
        .iter()
        .filter(|e| e.product == product)
        .map(|e| e.kind)
        .max_by_key(|k| match k {
            EventKind::View => 0,
            EventKind::Cart => 1,
            EventKind::Purchase => 2,
        })?;
    let product = product.to_string();
    Some(match kind {
        EventKind::View => Evidence::Viewed { product },
        EventKind::Cart => Evidence::Carted { product },
        EventKind::Purchase => Evidence::Bought { product },
    })
}

impl Engine {
    /// The signals behind each of `picks` (made for `request`), in order:
    /// first the product or category the reason names and what the shopper
    /// did with it, then the shopper's category and brand interests the
    /// pick matches.
    pub fn evidence(&self, request: &Request, picks: &[Pick]) -> Vec<Vec<Evidence>> {
        let profile = self.profile(request.history, request.interests, request_now(request));
        let affinity = profile.dense(self.facets.len());
        let on_screen = match request.context {
            super::Context::Similar { product } => Some(product),
            super::Context::ForYou | super::Context::Order => None,
        };
        picks
            .iter()
            .map(|pick| {
                let mut out = Vec::new();
                let did = |product: &str| strongest_action(request.history, product);
                match &pick.reason {
                    Reason::Pinned => return vec![Evidence::Pinned],
                    Reason::Popular => out.push(Evidence::Popular),
                    Reason::NewIn { category } => out.push(Evidence::New {
                        category: category.clone(),
                    }),
                    Reason::BecauseYouViewed { product }
                    | Reason::BecauseYouBought { product }
                    | Reason::BuyAgain { product } => out.extend(did(product)),
                    Reason::SimilarTo { product } => out.push(Evidence::OnScreen {
                        product: product.clone(),
                    }),
                    Reason::OftenBoughtWith { product } => {
                        out.push(Evidence::BoughtWith {
                            product: product.clone(),
                        });
                        if on_screen == Some(product.as_str()) {
                            out.push(Evidence::OnScreen {
                                product: product.clone(),
                            });
                        } else {
                            out.extend(did(product));
                        }
                    }
                    Reason::PopularIn { category } => {
                        out.push(Evidence::LikesCategory {
                            category: category.clone(),
                        });
                        // The newest of the shopper's products in that category.
                        let newest = request.history.iter().rev().find(|e| {
                            e.product != self.catalog.products()[pick.product].id()
                                && self
                                    .catalog
                                    .get(&e.product)
                                    .is_some_and(|p| p.category().has(category))
                        });
                        out.extend(newest.and_then(|e| did(&e.product)));
                    }
                }
                for interest in self.interests_matched(pick.product, &affinity) {
                    if !out.contains(&interest) {
                        out.push(interest);
                    }
                }
                out
            })
            .collect()
    }

    /// The shopper's strong category (the deepest) and brand interests product `c` matches.
    fn interests_matched(&self, c: usize, affinity: &[f32]) -> Vec<Evidence> {
        let Some(product) = self.catalog.at(c) else {
            return Vec::new();
        };
        let mut category: Option<(u8, &str)> = None;
        let mut brand = None;
        for f in self.facets.of_product(c) {
            if affinity.get(f as usize).copied().unwrap_or(0.0) < NAMED_AFFINITY {
                continue;
            }
            match self.facets.facet(f) {
                Some(Facet::Category { depth, .. }) => {
                    if let Some(name) = product.category().get(usize::from(*depth)) {
                        if category.is_none_or(|(d, _)| *depth > d) {
                            category = Some((*depth, name));
                        }
                    }
                }
                Some(Facet::Brand(_)) => brand = product.brand().map(String::from),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if let Some((_, name)) = category {
            out.push(Evidence::LikesCategory {
                category: name.to_string(),
            });
        }
        if let Some(brand) = brand {
            out.push(Evidence::LikesBrand { brand });
        }
        out
    }
}

/// "Now" for a request: its own, or the time the shopper last did something
/// (see [`Engine::recommend`]).
pub(super) fn request_now(request: &Request) -> u64 {
    if request.now != 0 {
        return request.now;
    }
    request
        .history
        .iter()
        .rev()
        .map(|e| e.at)
        .find(|&at| at > 0)
        // A shopper whose events all dropped: their interests' time.
        .or_else(|| request.interests.iter().map(|i| i.2).max())
        .unwrap_or(0)
}
