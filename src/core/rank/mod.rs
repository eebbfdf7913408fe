//! Scoring the catalog for one shopper: from the shopper's history and the
//! page context to a ranked list of [`Pick`]s, each with the [`Reason`] the UI
//! shows under "why this?".
//!
//! The widget and the `tailor recommend` command call the same
//! [`Engine::recommend`].

mod content;

use serde::Serialize;

use crate::core::catalog::Catalog;
use crate::core::events::{Event, EventKind};

pub use content::ContentIndex;

/// How much each signal counts. The one place ranking weights live.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub view: f32,
    pub cart: f32,
    pub purchase: f32,
    /// Each step back in the shopper's history multiplies its weight by this,
    /// so the last few views (the session's intent) weigh most.
    pub recency_decay: f32,
    /// How many of the newest distinct products seed the content signal.
    pub seeds: usize,
    /// Weight of the catalog-order popularity prior.
    pub popularity: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            view: 1.0,
            cart: 2.0,
            purchase: 3.0,
            recency_decay: 0.8,
            seeds: 12,
            popularity: 0.05,
        }
    }
}

impl Weights {
    fn kind(&self, kind: EventKind) -> f32 {
        match kind {
            EventKind::View => self.view,
            EventKind::Cart => self.cart,
            EventKind::Purchase => self.purchase,
        }
    }
}

/// Where the recommendations will be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context<'a> {
    /// "For you": the shopper's history drives it.
    ForYou,
    /// On a product page: products like this one.
    Similar { product: &'a str },
}

/// One call's inputs.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The shopper's events, oldest first.
    pub history: &'a [Event],
    pub context: Context<'a>,
    /// How many picks at most.
    pub limit: usize,
    /// Leave out every product in the history (not only the one on screen).
    pub exclude_seen: bool,
}

impl<'a> Request<'a> {
    /// A request with the defaults: seen products stay eligible (only
    /// purchases and the product on screen are left out).
    pub fn new(history: &'a [Event], context: Context<'a>, limit: usize) -> Self {
        Self {
            history,
            context,
            limit,
            exclude_seen: false,
        }
    }
}

/// Why a product was picked, for "why this?".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Reason {
    /// Like a product the shopper looked at, carted or bought.
    BecauseYouViewed { product: String },
    /// Like the product on screen.
    SimilarTo { product: String },
    /// Among the shop's most popular products.
    Popular,
}

/// A ranked product: its position in the catalog, score and reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    pub product: usize,
    pub score: f32,
    pub reason: Reason,
}

/// The catalog with everything the ranker precomputes over it.
#[derive(Debug, Clone)]
pub struct Engine {
    catalog: Catalog,
    content: ContentIndex,
    weights: Weights,
}

impl Engine {
    pub fn new(catalog: Catalog) -> Self {
        let content = ContentIndex::build(&catalog);
        Self {
            catalog,
            content,
            weights: Weights::default(),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Ranks the catalog for one request, best first.
    pub fn recommend(&self, request: &Request) -> Vec<Pick> {
        let n = self.catalog.len();
        if n == 0 || request.limit == 0 {
            return Vec::new();
        }
        let on_screen = match request.context {
            Context::Similar { product } => self.catalog.position(product),
            Context::ForYou => None,
        };
        let seeds = self.seeds(request, on_screen);
        let mut excluded = vec![false; n];
        if let Some(p) = on_screen {
            excluded[p] = true;
        }
        for (i, product) in self.catalog.products().iter().enumerate() {
            if !product.in_stock {
                excluded[i] = true;
            }
        }
        for event in request.history {
            if let Some(p) = self.catalog.position(&event.product) {
                if request.exclude_seen || event.kind == EventKind::Purchase {
                    excluded[p] = true;
                }
            }
        }

        let mut score = vec![0f32; n];
        let mut best_seed = vec![(0f32, usize::MAX); n];
        for &(seed, weight) in &seeds {
            self.content
                .similar_into(seed, weight, &mut score, &mut best_seed);
        }
        let mut picks: Vec<Pick> = (0..n)
            .filter(|&i| !excluded[i])
            .map(|i| {
                let prior = self.weights.popularity / (1.0 + (1.0 + i as f32).ln());
                let reason = match best_seed[i].1 {
                    usize::MAX => Reason::Popular,
                    seed => {
                        let product = self.catalog.products()[seed].id.clone();
                        if Some(seed) == on_screen {
                            Reason::SimilarTo { product }
                        } else {
                            Reason::BecauseYouViewed { product }
                        }
                    }
                };
                Pick {
                    product: i,
                    score: score[i] + prior,
                    reason,
                }
            })
            .collect();
        let k = request.limit.min(picks.len());
        if k < picks.len() {
            picks.select_nth_unstable_by(k, |a, b| {
                b.score.total_cmp(&a.score).then(a.product.cmp(&b.product))
            });
            picks.truncate(k);
        }
        picks.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.product.cmp(&b.product)));
        picks
    }

    /// The products that seed the content signal with their weights: the
    /// product on screen first, then the newest distinct products of the
    /// history, decayed by how far back they are.
    fn seeds(&self, request: &Request, on_screen: Option<usize>) -> Vec<(usize, f32)> {
        let mut seeds: Vec<(usize, f32)> = Vec::new();
        if let Some(p) = on_screen {
            seeds.push((p, self.weights.purchase * 2.0));
            if matches!(request.context, Context::Similar { .. }) {
                return seeds;
            }
        }
        let mut step = 0;
        for event in request.history.iter().rev() {
            if seeds.len() >= self.weights.seeds {
                break;
            }
            let Some(p) = self.catalog.position(&event.product) else {
                continue;
            };
            let w = self.weights.kind(event.kind) * self.weights.recency_decay.powi(step);
            step += 1;
            match seeds.iter_mut().find(|(s, _)| *s == p) {
                Some((_, existing)) => *existing += w,
                None => seeds.push((p, w)),
            }
        }
        seeds
    }
}

/// The shopper's recently viewed products still in the catalog, newest first,
/// leaving out the one on screen.
pub fn recently_viewed(
    catalog: &Catalog,
    history: &[Event],
    on_screen: Option<&str>,
    limit: usize,
) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for event in history.iter().rev() {
        if out.len() >= limit {
            break;
        }
        if Some(event.product.as_str()) == on_screen {
            continue;
        }
        if let Some(p) = catalog.position(&event.product) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::Product;

    fn product(id: &str, title: &str, category: &[&str], brand: &str) -> Product {
        Product {
            id: id.into(),
            title: title.into(),
            category: category.iter().map(|s| s.to_string()).collect(),
            brand: Some(brand.into()),
            ..Product::default()
        }
    }

    fn engine() -> Engine {
        let products = vec![
            product(
                "tee-1",
                "Cotton T-Shirt Blue",
                &["Clothing", "Tops"],
                "Acme",
            ),
            product(
                "mug-1",
                "Ceramic Coffee Mug",
                &["Home", "Kitchen"],
                "Potter",
            ),
            product("tee-2", "Cotton T-Shirt Red", &["Clothing", "Tops"], "Acme"),
            product("pan-1", "Steel Frying Pan", &["Home", "Kitchen"], "Chef"),
            product("mug-2", "Ceramic Tea Mug", &["Home", "Kitchen"], "Potter"),
            product("sock-1", "Wool Socks", &["Clothing", "Socks"], "Knit"),
        ];
        Engine::new(Catalog::from_products(products).0)
    }

    fn ids(engine: &Engine, picks: &[Pick]) -> Vec<String> {
        picks
            .iter()
            .map(|p| engine.catalog().products()[p.product].id.clone())
            .collect()
    }

    #[test]
    fn cold_start_is_catalog_order_popularity() {
        let e = engine();
        let picks = e.recommend(&Request {
            history: &[],
            context: Context::ForYou,
            limit: 3,
            exclude_seen: false,
        });
        assert_eq!(ids(&e, &picks), ["tee-1", "mug-1", "tee-2"]);
        assert!(picks.iter().all(|p| p.reason == Reason::Popular));
    }

    #[test]
    fn history_pulls_similar_products_up() {
        let e = engine();
        let cases: &[(&str, &str)] = &[("mug-1", "mug-2"), ("tee-2", "tee-1"), ("pan-1", "mug-1")];
        for (viewed, want_first) in cases {
            let history = [Event::new(*viewed, EventKind::View, 1)];
            let picks = e.recommend(&Request {
                history: &history,
                context: Context::ForYou,
                limit: 3,
                exclude_seen: true,
            });
            assert_eq!(ids(&e, &picks)[0], *want_first, "after viewing {viewed}");
            assert!(!ids(&e, &picks).contains(&viewed.to_string()));
            assert_eq!(
                picks[0].reason,
                Reason::BecauseYouViewed {
                    product: viewed.to_string()
                }
            );
        }
    }

    #[test]
    fn similar_excludes_the_product_on_screen() {
        let e = engine();
        let picks = e.recommend(&Request {
            history: &[],
            context: Context::Similar { product: "tee-1" },
            limit: 10,
            exclude_seen: false,
        });
        let got = ids(&e, &picks);
        assert_eq!(got[0], "tee-2");
        assert!(!got.contains(&"tee-1".to_string()));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn recently_viewed_newest_first_without_current() {
        let e = engine();
        let history: Vec<Event> = ["tee-1", "mug-1", "gone", "tee-1", "pan-1"]
            .iter()
            .map(|id| Event::new(*id, EventKind::View, 0))
            .collect();
        let got = recently_viewed(e.catalog(), &history, Some("pan-1"), 10);
        let got: Vec<_> = got
            .iter()
            .map(|&i| e.catalog().products()[i].id.as_str())
            .collect();
        assert_eq!(got, ["tee-1", "mug-1"]);
    }
}
