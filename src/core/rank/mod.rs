//! Scoring the catalog for one shopper: from the shopper's history and the
//! page context to a ranked list of [`Pick`]s, each with the [`Reason`] the UI
//! shows under "why this?".
//!
//! One module per signal ([`content`] similarity, [`copurchase`] and the
//! popularity prior, the shopper's affinities from [`crate::core::profile`]),
//! blended with the [`Weights`] below; then exclusions, the owner's
//! [`Rules`], and a diversity pass ([`diversity`]). [`arrivals`] picks the
//! "new since your last visit" rail under the same exclusions and rules.
//!
//! The widget and the `tailor recommend` command call the same
//! [`Engine::recommend`].

mod arrivals;
mod content;
mod copurchase;
mod diversity;
mod evidence;
mod kept;
mod rules;

use serde::Serialize;

use crate::core::catalog::{Catalog, Product};
use crate::core::events::{Event, EventKind};
use crate::core::model::Model;
use crate::core::profile::{Facet, FacetIndex, FacetIndexBuilder, Profile, ProfileWeights};
use crate::core::store::Interest;

pub use arrivals::ArrivalsRequest;
pub use content::{ContentBuilder, ContentIndex, ContentParts};
pub use evidence::{strongest_action, Evidence};
pub use kept::{catalog_digest, KeptArrays, KeptHeader, KeptIndexError, KeptLayout, HEADER_BYTES};
pub use rules::{Rules, RulesError, Selector};

use self::copurchase::{catalog_order_prior, order_prior_bound, CoPurchase, Linker};
use self::rules::{CompiledRules, RulesCompiler};

/// How much each signal counts. The one place ranking weights live.
///
/// The blend is `content × content_similarity + copurchase × co_purchase +
/// affinity (category, brand, tag, price fit) + popularity × prior`, each
/// signal normalised to about [0, 1] first, then owner boosts/buries
/// multiply, then diversity re-ranks the head of the list. Defaults were
/// tuned on completejourney (BENCHMARKS.md) and sanity-checked on small
/// hand-made shops (the tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Event kinds and time decay for affinities and seeds.
    pub events: ProfileWeights,
    /// Each step back in the shopper's history multiplies a content seed's
    /// weight by this, so the last few views (the session's intent) weigh most.
    pub recency_decay: f32,
    /// How many of the newest distinct products seed the content signal.
    pub seeds: usize,
    /// How many of the newest distinct products seed the co-purchase signal.
    pub copurchase_seeds: usize,
    /// Content similarity to the seeds, without a model (the main signal then).
    pub content: f32,
    /// Content similarity with a model, seeded only by what the shopper
    /// viewed or carted (purchases speak through the model). Completejourney
    /// has purchases only, so its figures do not depend on this.
    pub content_with_model: f32,
    /// Model neighbours of the seeds ("often bought with").
    pub copurchase: f32,
    /// Shopper's share of activity in the candidate's category path (mean over levels).
    pub category: f32,
    pub brand: f32,
    /// Strongest shared tag.
    pub tag: f32,
    /// Closeness of the candidate's relative price to the shopper's usual one.
    pub price_fit: f32,
    /// With a model, the affinity terms (category, brand, tag, price fit) are
    /// multiplied by this: the model's co-purchase and popularity already say
    /// what the shopper's categories say, and on completejourney the extra
    /// term only dilutes them (BENCHMARKS.md). Reasons still name the category.
    /// Without any seed for the model (only stored interests), they count fully.
    pub affinity_with_model: f32,
    /// Popularity prior: model counts, or catalog order without a model.
    pub popularity: f32,
    /// When the shopper's intent is known (on a product page, after an
    /// order, or while their recent activity is views and carts) the
    /// popularity prior and lift are multiplied by this (in proportion to
    /// that share), so what is like the product, goes with the order or is
    /// like what they look at comes before what is merely popular.
    pub intent_popularity: f32,
    /// Popularity prior without a model (catalog order is a weak hint).
    pub catalog_order: f32,
    /// Multiplies the whole score by `1 + popularity_lift × popularity` (model only):
    /// among equally relevant products, the popular one usually wins.
    pub popularity_lift: f32,
    /// Maximal marginal relevance trade-off in [0, 1]: 0 = pure score,
    /// higher = fewer near-duplicates in one rail.
    pub diversity: f32,
    /// Content cosine from which two products count as near-duplicates for
    /// the diversity pass; less alike products are not penalised at all
    /// (related products in one rail are fine, ten shades of one are not).
    pub near_duplicate: f32,
    /// How many candidates per slot the diversity pass considers.
    pub diversity_pool: usize,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            events: ProfileWeights::default(),
            recency_decay: 0.85,
            seeds: 12,
            copurchase_seeds: 500,
            content: 1.0,
            content_with_model: 1.0,
            copurchase: 1.0,
            category: 0.3,
            brand: 0.05,
            tag: 0.1,
            price_fit: 0.05,
            affinity_with_model: 0.0,
            popularity: 2.0,
            intent_popularity: 0.05,
            catalog_order: 0.02,
            popularity_lift: 1.0,
            diversity: 0.3,
            near_duplicate: 0.8,
            diversity_pool: 4,
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
    /// After an order (the history's purchases): what goes with what was
    /// just bought. With a model its co-purchase neighbours lead and
    /// popularity only breaks ties; without one, as `ForYou`.
    Order,
}

/// One call's inputs.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The shopper's events, oldest first.
    pub history: &'a [Event],
    /// The shopper's stored interests (`Memory::profile`): what they liked
    /// before the events in `history`. Empty when there are none.
    pub interests: &'a [Interest],
    pub context: Context<'a>,
    /// How many picks at most.
    pub limit: usize,
    /// Leave out every product in the history (not only the one on screen).
    pub exclude_seen: bool,
    /// Leave out purchased products, except those the owner's rules mark
    /// repurchasable (consumables). Default true.
    pub exclude_purchased: bool,
    /// Unix seconds "now" for time decay; 0 = the time of the last
    /// recorded event (the order of recording is the truth, not the clock).
    pub now: u64,
}

impl<'a> Request<'a> {
    /// A request with the defaults: seen products stay eligible (only
    /// purchases and the product on screen are left out).
    pub fn new(history: &'a [Event], context: Context<'a>, limit: usize) -> Self {
        Self {
            history,
            interests: &[],
            context,
            limit,
            exclude_seen: false,
            exclude_purchased: true,
            now: 0,
        }
    }
}

/// Why a product was picked, for "why this?". Carries ids and category
/// names, never display text: the UI localises.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Reason {
    /// Like a product the shopper looked at or carted.
    BecauseYouViewed { product: String },
    /// Like a product the shopper bought.
    BecauseYouBought { product: String },
    /// Like the product on screen.
    SimilarTo { product: String },
    /// Shoppers who bought `product` (in this shopper's history or on screen) also bought this.
    OftenBoughtWith { product: String },
    /// Popular in a category the shopper likes (the product's deepest category).
    PopularIn { category: String },
    /// Bought before and marked repurchasable by the shop.
    BuyAgain { product: String },
    /// Added since the shopper's last visit, in a category they like
    /// (the product's deepest category).
    NewIn { category: String },
    /// Placed by the shop.
    Pinned,
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
    facets: FacetIndex,
    /// Per facet id: 0 category, 1 brand, 2 tag.
    facet_kind: Vec<u8>,
    copurchase: Option<CoPurchase>,
    rules: CompiledRules,
    weights: Weights,
}

/// A seed of the content or co-purchase signal: catalog position, weight and
/// the strongest thing the shopper did with it.
#[derive(Debug, Clone, Copy)]
struct Seed {
    product: usize,
    weight: f32,
    kind: EventKind,
}

/// Builds an [`Engine`] in steps of bounded work ([`Self::step`]): the
/// widget yields to the browser between steps, so building the engine for
/// a large catalog never holds the main thread for long. In order: reading
/// the products into the content and facet indexes, the content index's
/// last pass, the facets' relative prices and kinds, the owner's rules,
/// then linking the owner's model. Core keeps no clock: the caller decides
/// when to pause. The engine is the same, to the bit, whatever the steps.
#[derive(Debug)]
pub struct EngineBuilder {
    /// The parts done so far (defaults until their stage is done).
    engine: Engine,
    stage: Stage,
    content: ContentBuilder,
    content_finish: Option<content::ContentFinish>,
    /// The content index was given ([`Self::with_content`]), not built.
    content_given: bool,
    facets: FacetIndexBuilder,
    rules: RulesCompiler,
    link: Option<Linker>,
}

/// What [`EngineBuilder::step`] works on, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Read,
    FinishContent,
    FinishFacets,
    FacetKinds,
    Rules,
    Link,
    Done,
}

impl EngineBuilder {
    pub fn new(catalog: Catalog) -> Self {
        let rules = RulesCompiler::new(&Rules::default(), catalog.len());
        Self {
            engine: Engine {
                catalog,
                content: ContentIndex::default(),
                facets: FacetIndex::default(),
                facet_kind: Vec::new(),
                copurchase: None,
                rules: CompiledRules::default(),
                weights: Weights::default(),
            },
            stage: Stage::Read,
            content: ContentBuilder::default(),
            content_finish: None,
            content_given: false,
            facets: FacetIndexBuilder::default(),
            rules,
            link: None,
        }
    }

    /// The content index kept from an earlier build for this same catalog
    /// (see [`ContentIndex::from_kept`]): only the facets are read.
    pub fn with_content(mut self, content: ContentIndex) -> Self {
        self.engine.content = content;
        self.content_given = true;
        self
    }

    /// The owner's rules, compiled in steps (instead of the defaults).
    pub fn with_rules(mut self, rules: &Rules) -> Self {
        self.rules = RulesCompiler::new(rules, self.engine.catalog.len());
        self.stage = self.stage.min(Stage::Rules);
        self
    }

    /// The co-purchase model, linked in steps (see [`Engine::with_model`]).
    pub fn with_model(mut self, model: Model) -> Self {
        self.link = Some(Linker::new(model));
        self.engine.copurchase = None;
        self.stage = self.stage.min(Stage::Link);
        self
    }

    /// Does up to `batch` products' (or items') worth of the next stage;
    /// true once the engine is complete.
    pub fn step(&mut self, batch: usize) -> bool {
        let engine = &mut self.engine;
        let catalog = &engine.catalog;
        let done = match self.stage {
            Stage::Read => {
                let from = self.facets.len();
                let to = from.saturating_add(batch.max(1)).min(catalog.len());
                if let Some(products) = catalog.products().get(from..to) {
                    if !self.content_given {
                        self.content.reserve(catalog.len(), to - from);
                        self.content.add(products);
                    }
                    self.facets.reserve(catalog.len(), to - from);
                    self.facets.add(products);
                }
                self.facets.len() >= catalog.len()
            }
            Stage::FinishContent if self.content_given => true,
            Stage::FinishContent => {
                let finishing = self
                    .content_finish
                    .get_or_insert_with(|| std::mem::take(&mut self.content).finishing());
                let price = |p: usize| catalog.at(p).and_then(Product::price);
                if finishing.step(batch, &price) {
                    if let Some(finishing) = self.content_finish.take() {
                        engine.content = finishing.finish(&price);
                    }
                    true
                } else {
                    false
                }
            }
            Stage::FinishFacets => {
                let price = |p: usize| catalog.at(p).and_then(Product::price);
                engine.facets = std::mem::take(&mut self.facets).finish(&price);
                true
            }
            Stage::FacetKinds => {
                let from = engine.facet_kind.len();
                let to = from.saturating_add(batch.max(1)).min(engine.facets.len());
                engine
                    .facet_kind
                    .extend((from..to).map(|f| match engine.facets.facet(f as u32) {
                        Some(Facet::Category { .. }) => 0,
                        Some(Facet::Brand(_)) => 1,
                        _ => 2,
                    }));
                to >= engine.facets.len()
            }
            Stage::Rules => {
                if self.rules.step(batch, catalog) {
                    let rules = std::mem::replace(
                        &mut self.rules,
                        RulesCompiler::new(&Rules::default(), 0),
                    );
                    engine.rules = rules.finish(catalog);
                    true
                } else {
                    false
                }
            }
            Stage::Link => match &mut self.link {
                Some(link) => {
                    if link.step(batch, catalog) {
                        engine.copurchase = self
                            .link
                            .take()
                            .and_then(|link| link.finish(&engine.catalog));
                        true
                    } else {
                        false
                    }
                }
                None => true,
            },
            Stage::Done => true,
        };
        if done {
            self.stage = match self.stage {
                Stage::Read => Stage::FinishContent,
                Stage::FinishContent => Stage::FinishFacets,
                Stage::FinishFacets => Stage::FacetKinds,
                Stage::FacetKinds => Stage::Rules,
                Stage::Rules => Stage::Link,
                Stage::Link | Stage::Done => Stage::Done,
            };
        }
        self.stage == Stage::Done
    }

    /// The engine, doing whatever [`Self::step`] has not done yet.
    pub fn finish(mut self) -> Engine {
        while !self.step(usize::MAX) {}
        self.engine
    }
}

impl Engine {
    pub fn new(catalog: Catalog) -> Self {
        EngineBuilder::new(catalog).finish()
    }

    /// Continues from a built engine: [`EngineBuilder::with_rules`] and
    /// [`EngineBuilder::with_model`] then redo only those stages, in steps.
    pub fn into_builder(self) -> EngineBuilder {
        EngineBuilder {
            engine: self,
            stage: Stage::Done,
            content: ContentBuilder::default(),
            content_finish: None,
            content_given: true,
            facets: FacetIndexBuilder::default(),
            rules: RulesCompiler::new(&Rules::default(), 0),
            link: None,
        }
    }

    /// Adds the co-purchase model (neighbours and popularity). A model that
    /// shares no product with the catalog is left out: `has_model` says
    /// whether it was linked.
    pub fn with_model(self, model: Model) -> Self {
        self.into_builder().with_model(model).finish()
    }

    /// Applies the site owner's rules.
    pub fn with_rules(self, rules: &Rules) -> Self {
        self.into_builder().with_rules(rules).finish()
    }

    pub fn with_weights(mut self, weights: Weights) -> Self {
        self.weights = weights;
        self
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The content index, to keep on the device (see [`ContentIndex::kept_header`]).
    pub fn content_index(&self) -> &ContentIndex {
        &self.content
    }

    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    pub fn has_model(&self) -> bool {
        self.copurchase.is_some()
    }

    /// What the history and the stored interests say about the shopper
    /// (affinities, segment).
    pub fn profile(&self, history: &[Event], interests: &[Interest], now: u64) -> Profile {
        Profile::build(
            &self.facets,
            &self.catalog,
            history,
            interests,
            now,
            &self.weights.events,
        )
    }

    /// Approximate heap bytes of the ranking indexes (not the catalog itself).
    pub fn index_heap_bytes(&self) -> usize {
        let model = self.copurchase.as_ref().map_or(0, |c| {
            c.neighbours
                .iter()
                .map(|l| l.capacity() * 8 + 24)
                .sum::<usize>()
                + c.popularity.capacity() * 4
        });
        self.content.heap_bytes() + self.facets.heap_bytes() + model
    }

    /// Ranks the catalog for one request, best first.
    pub fn recommend(&self, request: &Request) -> Vec<Pick> {
        self.recommend_pruned(request, true)
    }

    /// [`Self::recommend`], with or without skipping the costly part of a
    /// candidate's score (price fit, catalog-order prior) when an upper
    /// bound already shows it cannot enter the pool. Both give the same
    /// picks (a test checks); `false` is the reference.
    fn recommend_pruned(&self, request: &Request, prune: bool) -> Vec<Pick> {
        let n = self.catalog.len();
        if n == 0 || request.limit == 0 {
            return Vec::new();
        }
        let w = &self.weights;
        // The clock when the shopper last did something, not the largest
        // time: one event stamped by a clock that was ahead (then set right)
        // would make everything recorded since look months old. Events
        // stamped later than this count as new (age clamps at 0).
        let now = evidence::request_now(request);
        let on_screen = match request.context {
            Context::Similar { product } => self.catalog.position(product),
            Context::ForYou | Context::Order => None,
        };
        let excluded = self.exclusions(request, on_screen);

        // Signals.
        let (mut content_seeds, copurchase_seeds) = self.seeds(request, on_screen, now);
        // With a model, co-purchase speaks for what the shopper bought; the
        // content signal keeps what they only looked at or carted (this
        // session's intent), which a model of orders knows little about.
        let with_model = self.copurchase.is_some() && on_screen.is_none();
        // How much of the shopper's recent activity is looking rather than
        // buying, 0 to 1 (recency-weighted): with a model it moves the
        // popularity prior from leading to breaking ties.
        let mut looking = 0.0;
        if with_model {
            let total: f32 = content_seeds.iter().map(|s| s.weight).sum();
            content_seeds.retain(|s| s.kind != EventKind::Purchase);
            let kept: f32 = content_seeds.iter().map(|s| s.weight).sum();
            if total > 0.0 {
                looking = kept / total;
            }
        }
        let mut content = vec![0f32; n];
        let mut content_best = vec![(0f32, u32::MAX); n];
        let weights_only = |seeds: &[Seed]| -> Vec<(usize, f32)> {
            let total: f32 = seeds.iter().map(|s| s.weight).sum();
            seeds
                .iter()
                .map(|s| (s.product, s.weight / total.max(f32::MIN_POSITIVE)))
                .collect()
        };
        self.content.similar_scores(
            &weights_only(&content_seeds),
            &mut content,
            &mut content_best,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        // Without a model there is nothing to fill: no per-product arrays.
        let (co, co_best) = match &self.copurchase {
            Some(model) => {
                let mut co = vec![0f32; n];
                let mut co_best = vec![(0f32, u32::MAX); n];
                model.scores(&weights_only(&copurchase_seeds), &mut co, &mut co_best);
                (co, co_best)
            }
            None => (Vec::new(), Vec::new()),
        };
        let co_of = |c: usize| co.get(c).copied().unwrap_or(0.0);
        let profile = self.profile(request.history, request.interests, now);
        let affinity = profile.dense(self.facets.len());
        // Each facet's affinity beside its kind: one look-up per facet when
        // every product's facets are read below.
        let affinity_kind: Vec<(f32, u8)> = affinity
            .iter()
            .zip(&self.facet_kind)
            .map(|(&a, &kind)| (a, kind))
            .collect();
        // Products that share their category path and brand share those
        // facets: their sums are made once per group.
        let group_sums: Vec<AffinitySums> = (0..self.facets.groups())
            .map(|g| AffinitySums::default().add(self.facets.group_facets(g), &affinity_kind))
            .collect();
        let affinity_parts = |c: usize| {
            group_sums
                .get(self.facets.group_of(c))
                .copied()
                .unwrap_or_default()
                .add(self.facets.own_facets(c), &affinity_kind)
                .parts()
        };

        // Blend.
        // With a model the affinities only dilute what its seeds say; with
        // no seed (the shopper's events all left the ring, only their
        // stored interests remain) the model has nothing to say about them
        // and the affinities are all there is.
        let affinity_scale = if self.copurchase.is_some() && !copurchase_seeds.is_empty() {
            w.affinity_with_model
        } else {
            1.0
        };
        // "Similar" rails are about likeness whatever the model says.
        let content_weight = if with_model {
            w.content_with_model
        } else {
            w.content
        };
        // On a product page what is like it leads, after an order what goes
        // with it, and while the shopper looks around what is like what they
        // look at; what sells only breaks ties then. From purchases alone it
        // leads (completejourney).
        let intent = match request.context {
            Context::Similar { .. } | Context::Order => 1.0,
            Context::ForYou => looking,
        };
        let popularity_share = 1.0 - intent * (1.0 - w.intent_popularity);
        let popularity_weight = w.popularity * popularity_share;
        let popularity_lift = w.popularity_lift * popularity_share;
        let mut scored: Vec<(usize, f32, Reason)> = Vec::new();
        let pool = request.limit.saturating_mul(w.diversity_pool.max(1));
        // The pool, best first, filled as the catalog is scanned: the same
        // products, in the same order, as scoring every candidate and then
        // selecting (`by_score` is a total order).
        let mut candidates: Vec<(usize, f32)> = Vec::with_capacity(pool.min(n) + 1);
        // A candidate's price fit and catalog-order prior have cheap upper
        // bounds (`Profile::price_fit_bound`, `order_prior_bound`; the fit
        // is 0 without a profile); with every weight and the owner's factor
        // not negative, the score with both at their bounds bounds the real
        // one from above (rounding is monotone), so a candidate whose bound
        // cannot enter the full pool is skipped before computing them (an
        // `exp` and a `ln` per product).
        let prune = prune
            && content_weight >= 0.0
            && w.copurchase >= 0.0
            && affinity_scale >= 0.0
            && popularity_lift >= 0.0
            && [w.category, w.brand, w.tag, w.price_fit, w.catalog_order]
                .iter()
                .all(|&x| x >= 0.0);
        let fit_bound: f32 = if profile.is_empty() { 0.0 } else { 1.0 };
        let cannot_enter = |candidates: &[(usize, f32)], item: (usize, f32)| {
            candidates.len() >= pool
                && candidates
                    .last()
                    .is_some_and(|worst| by_score(&item, worst).is_ge())
        };
        for c in 0..n {
            if excluded[c] {
                continue;
            }
            let factor = self.rules.factor[c];
            let score_of = |(category, brand, tag): (f32, f32, f32), fit: f32, order_prior: f32| {
                let prior = match &self.copurchase {
                    Some(m) => popularity_weight * m.popularity[c],
                    None => w.catalog_order * order_prior,
                };
                let relevance = content_weight * content[c]
                    + w.copurchase * co_of(c)
                    + affinity_scale
                        * (w.category * category
                            + w.brand * brand
                            + w.tag * tag
                            + w.price_fit * fit);
                let lift = match &self.copurchase {
                    Some(m) => 1.0 + popularity_lift * m.popularity[c],
                    None => 1.0,
                };
                (relevance + prior) * lift * factor
            };
            let parts = affinity_parts(c);
            let relative_price = self.facets.relative_price(c);
            if prune
                && factor >= 0.0
                && cannot_enter(
                    &candidates,
                    (
                        c,
                        score_of(
                            parts,
                            fit_bound.min(profile.price_fit_bound(relative_price)),
                            order_prior_bound(c),
                        ),
                    ),
                )
            {
                continue;
            }
            let fit = if profile.is_empty() {
                0.0
            } else {
                profile.price_fit(relative_price, self.catalog.at(c).and_then(Product::price))
            };
            let order_prior = match &self.copurchase {
                Some(_) => 0.0,
                None => catalog_order_prior(c),
            };
            keep_best(
                &mut candidates,
                pool,
                (c, score_of(parts, fit, order_prior)),
            );
        }
        let order = diversity::rerank(&candidates, request.limit, w.diversity, |a, b| {
            let similarity = self.content.cosine(a, b);
            if similarity >= w.near_duplicate {
                similarity
            } else {
                0.0
            }
        });
        let seed_kind = |p: u32| {
            content_seeds
                .iter()
                .chain(&copurchase_seeds)
                .find(|s| s.product == p as usize)
                .map(|s| s.kind)
        };
        for (c, score) in order {
            let reason = self.reason(
                c,
                on_screen,
                request,
                [
                    (content_weight * content[c], content_best[c].1, 0),
                    (
                        w.copurchase * co_of(c),
                        co_best.get(c).map_or(u32::MAX, |b| b.1),
                        1,
                    ),
                ],
                (
                    affinity_scale * w.category * affinity_parts(c).0,
                    self.deepest_liked_category(c, &affinity),
                ),
                &seed_kind,
            );
            scored.push((c, score, reason));
        }

        // Pins go first, in the owner's order, if eligible.
        let mut picks: Vec<Pick> = self
            .rules
            .pinned
            .iter()
            .filter(|&&p| !excluded[p])
            .take(request.limit)
            .map(|&p| Pick {
                product: p,
                score: f32::INFINITY,
                reason: Reason::Pinned,
            })
            .collect();
        for (c, score, reason) in scored {
            if picks.len() >= request.limit {
                break;
            }
            if picks.iter().any(|p| p.product == c) {
                continue;
            }
            picks.push(Pick {
                product: c,
                score,
                reason,
            });
        }
        picks
    }

    /// Products that must not be shown for this request.
    fn exclusions(&self, request: &Request, on_screen: Option<usize>) -> Vec<bool> {
        let mut excluded: Vec<bool> = self
            .catalog
            .products()
            .iter()
            .zip(&self.rules.hidden)
            .map(|(p, &hidden)| !p.in_stock() || hidden)
            .collect();
        if let Some(p) = on_screen {
            excluded[p] = true;
        }
        for event in request.history {
            if let Some(p) = self.catalog.position(&event.product) {
                let bought = event.kind == EventKind::Purchase
                    && request.exclude_purchased
                    && !self.rules.repurchasable[p];
                if request.exclude_seen || bought {
                    excluded[p] = true;
                }
            }
        }
        excluded
    }

    /// The deepest level of `c`'s category path the shopper has shown interest in.
    fn deepest_liked_category(&self, c: usize, affinity: &[f32]) -> Option<usize> {
        self.facets
            .of_product(c)
            .filter_map(|f| match self.facets.facet(f) {
                Some(Facet::Category { depth, .. }) if affinity[f as usize] > 0.0 => {
                    Some(usize::from(*depth))
                }
                _ => None,
            })
            .max()
    }

    /// The signal that contributed most names the reason.
    fn reason(
        &self,
        c: usize,
        on_screen: Option<usize>,
        request: &Request,
        seeded: [(f32, u32, u8); 2],
        (category_part, liked_depth): (f32, Option<usize>),
        seed_kind: &dyn Fn(u32) -> Option<EventKind>,
    ) -> Reason {
        let id = |p: u32| {
            self.catalog
                .at(p as usize)
                .map(|p| p.id().to_string())
                .unwrap_or_default()
        };
        let bought_before = request
            .history
            .iter()
            .any(|e| e.kind == EventKind::Purchase && self.catalog.position(&e.product) == Some(c));
        if bought_before {
            return Reason::BuyAgain {
                product: id(c as u32),
            };
        }
        let [(content, content_seed, _), (co, co_seed, _)] = seeded;
        let best_seeded = content.max(co);
        if best_seeded > 0.0 && best_seeded >= category_part {
            if co > content && co_seed != u32::MAX {
                return Reason::OftenBoughtWith {
                    product: id(co_seed),
                };
            }
            if content_seed != u32::MAX {
                let product = id(content_seed);
                if Some(content_seed as usize) == on_screen {
                    return Reason::SimilarTo { product };
                }
                return match seed_kind(content_seed) {
                    Some(EventKind::Purchase) => Reason::BecauseYouBought { product },
                    _ => Reason::BecauseYouViewed { product },
                };
            }
        }
        // Popular (or liked for its category) in a category the shopper likes.
        if let Some(depth) = liked_depth {
            if let Some(category) = self.catalog.at(c).and_then(|p| p.category().get(depth)) {
                return Reason::PopularIn {
                    category: category.to_string(),
                };
            }
        }
        Reason::Popular
    }

    /// The products that seed the content and co-purchase signals with their
    /// weights: the product on screen first (alone, on a product page), then
    /// the newest distinct products of the history. Content seeds fade by
    /// step (session intent); co-purchase seeds fade by time.
    fn seeds(
        &self,
        request: &Request,
        on_screen: Option<usize>,
        now: u64,
    ) -> (Vec<Seed>, Vec<Seed>) {
        let w = &self.weights;
        if let Some(p) = on_screen {
            let seed = Seed {
                product: p,
                weight: 1.0,
                kind: EventKind::View,
            };
            return (vec![seed], vec![seed]);
        }
        let mut content: Vec<Seed> = Vec::new();
        let mut co: Vec<Seed> = Vec::new();
        let mut step = 0;
        for event in request.history.iter().rev() {
            if content.len() >= w.seeds && co.len() >= w.copurchase_seeds {
                break;
            }
            let Some(p) = self.catalog.position(&event.product) else {
                continue;
            };
            let merge = |seeds: &mut Vec<Seed>, weight: f32, cap: usize| {
                if let Some(s) = seeds.iter_mut().find(|s| s.product == p) {
                    s.weight += weight;
                    if event.kind == EventKind::Purchase {
                        s.kind = EventKind::Purchase;
                    }
                } else if seeds.len() < cap {
                    seeds.push(Seed {
                        product: p,
                        weight,
                        kind: event.kind,
                    });
                }
            };
            // A glance seeds less than a long look.
            let kind = w.events.step(event);
            merge(&mut content, kind * w.recency_decay.powi(step), w.seeds);
            merge(&mut co, w.events.event(event, now), w.copurchase_seeds);
            step += 1;
        }
        (content, co)
    }
}

/// Of the picks for an order, the `n` that complete it best: first one per
/// category that no bought item is in (a pan after a hoodie, not another
/// hoodie), then more from such categories, then the bought categories,
/// each group in rank order.
pub fn complements(catalog: &Catalog, picks: Vec<Pick>, bought: &[&str], n: usize) -> Vec<Pick> {
    let leaf = |p: usize| catalog.at(p).and_then(|p| p.category().last());
    let bought_leaves: Vec<&str> = bought
        .iter()
        .filter_map(|id| catalog.get(id)?.category().last())
        .collect();
    let mut taken: Vec<&str> = Vec::new();
    let group: Vec<u8> = picks
        .iter()
        .map(|pick| match leaf(pick.product) {
            Some(l) if bought_leaves.contains(&l) => 2,
            Some(l) if taken.contains(&l) => 1,
            Some(l) => {
                taken.push(l);
                0
            }
            None => 0,
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for wanted in 0..3 {
        for (pick, g) in picks.iter().zip(&group) {
            if *g == wanted && out.len() < n {
                out.push(pick.clone());
            }
        }
    }
    out
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

/// Highest score first, then lowest index: the order of recommendations.
pub(crate) fn by_score(a: &(usize, f32), b: &(usize, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Adds `item` to `best`, the `k` best items so far in [`by_score`] order,
/// kept sorted, when it is among them.
fn keep_best(best: &mut Vec<(usize, f32)>, k: usize, item: (usize, f32)) {
    if best.len() >= k {
        match best.last() {
            Some(worst) if by_score(&item, worst).is_lt() => {
                best.pop();
            }
            _ => return,
        }
    }
    let at = best.partition_point(|x| by_score(x, &item).is_lt());
    best.insert(at, item);
}

/// Puts the item at position `k` in [`by_score`] order at `k`, smaller
/// positions before it, as `select_nth_unstable_by`. One copy of the
/// standard selection code in the wasm, shared with the profile's medians.
pub(crate) fn select_by_score(items: &mut [(usize, f32)], k: usize) {
    items.select_nth_unstable_by(k, by_score);
}

/// A product's affinity sums over its facets, in their order: category
/// affinities summed and counted, the most of a brand's and of a tag's.
#[derive(Debug, Clone, Copy, Default)]
struct AffinitySums {
    category: f32,
    levels: u32,
    brand: f32,
    tag: f32,
}

impl AffinitySums {
    /// These sums with `facets` added, each by its (affinity, kind).
    fn add(
        mut self,
        facets: crate::core::profile::FacetList<'_>,
        affinity_kind: &[(f32, u8)],
    ) -> Self {
        for f in facets {
            let Some(&(a, kind)) = affinity_kind.get(f as usize) else {
                continue;
            };
            match kind {
                0 => {
                    self.category += a;
                    self.levels += 1;
                }
                1 => self.brand = self.brand.max(a),
                _ => self.tag = self.tag.max(a),
            }
        }
        self
    }

    /// (category, brand, tag) affinity: the category part is the mean over
    /// the product's category levels.
    fn parts(self) -> (f32, f32, f32) {
        let category = if self.levels > 0 {
            self.category / self.levels as f32
        } else {
            0.0
        };
        (category, self.brand, self.tag)
    }
}

/// Makes room in `v`, which holds entries for `read` of `total` products,
/// for the rest at the rate seen so far (and 1/16 more), when this batch
/// of `batch` might not fit: it then grows once or twice instead of
/// doubling, which holds the old and the new buffer at once and can leave
/// half of the last one unused (issue 8: the heap's peak while indexing).
pub(crate) fn reserve_projected<T>(v: &mut Vec<T>, read: usize, total: usize, batch: usize) {
    if read == 0 || total <= read {
        return;
    }
    let per = v.len().div_ceil(read).max(1);
    if v.capacity() - v.len() >= per.saturating_mul(batch) {
        return;
    }
    let projected = (v.len() as u64 * total as u64 / read as u64) as usize;
    let want = projected + projected / 16 + per.saturating_mul(batch);
    let _ = v.try_reserve_exact(want.saturating_sub(v.len()));
}

/// Sorts a short list (the pool kept for diversity: `limit` times
/// `diversity_pool`; a model's neighbours of one product). An insertion
/// sort: stable, and far less code in the wasm than the standard library's
/// sort for one more element type.
pub(crate) fn insertion_sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && cmp(&items[j - 1], &items[j]) == std::cmp::Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::Product;
    use crate::core::catalog::ProductFields;

    #[test]
    fn insertion_sort_matches_the_standard_stable_sort() {
        let by_score = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let by_score_only = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1);
        let cases: &[&[(usize, f32)]] = &[
            &[],
            &[(0, 1.0)],
            &[(0, 1.0), (1, 2.0), (2, 0.5)],
            &[(3, 1.0), (1, 1.0), (2, 1.0), (0, 1.0)],
            &[
                (0, -0.0),
                (1, 0.0),
                (2, f32::NAN),
                (3, f32::INFINITY),
                (4, -1.0),
            ],
            &[
                (9, 0.1),
                (8, 0.2),
                (7, 0.3),
                (6, 0.4),
                (5, 0.5),
                (4, 0.6),
                (3, 0.7),
            ],
        ];
        for case in cases {
            for cmp in [
                &by_score as &dyn Fn(&(usize, f32), &(usize, f32)) -> std::cmp::Ordering,
                &by_score_only,
            ] {
                let mut want = case.to_vec();
                want.sort_by(cmp);
                let mut got = case.to_vec();
                insertion_sort_by(&mut got, cmp);
                let bits = |v: &[(usize, f32)]| {
                    v.iter().map(|(i, s)| (*i, s.to_bits())).collect::<Vec<_>>()
                };
                assert_eq!(bits(&got), bits(&want), "{case:?}");
            }
        }
    }

    /// Everything an engine holds, to the bit: the indexes' own parts
    /// (their `Debug` forms: vectors and floats, which print exactly), the
    /// facet index through its accessors (its key map has no fixed order).
    fn engine_parts(engine: &Engine) -> Vec<String> {
        let facets = &engine.facets;
        let mut keys: Vec<String> = Vec::new();
        for product in engine.catalog.products() {
            if let Some(leaf) = product.category().last() {
                keys.push(format!("c:{}", crate::core::text::fold(leaf)));
            }
            if let Some(brand) = &product.brand() {
                keys.push(format!("b:{}", crate::core::text::fold(brand)));
            }
        }
        let mut parts = vec![
            format!("{:?}", engine.content),
            format!("{:?}", engine.facet_kind),
            format!("{:?}", engine.rules),
            format!("{:?}", engine.copurchase),
            format!(
                "{:?}",
                (0..facets.len() as u32)
                    .map(|f| facets.facet(f))
                    .collect::<Vec<_>>()
            ),
        ];
        for p in 0..engine.catalog.len() {
            parts.push(format!(
                "{p}: {:?} {:?}",
                facets.of_product(p).collect::<Vec<_>>(),
                facets.relative_price(p).map(f32::to_bits)
            ));
        }
        for key in keys {
            parts.push(format!("{key}: {:?}", facets.facets_of_key(&key)));
        }
        parts
    }

    /// Recommendations (ids, scores to the bit, reasons) for a few shoppers
    /// in every context.
    fn recommendations(engine: &Engine) -> Vec<String> {
        recommendations_pruned(engine, true, 12)
    }

    /// [`recommendations`] with or without the ranking's pruning, `limit` picks.
    fn recommendations_pruned(engine: &Engine, prune: bool, limit: usize) -> Vec<String> {
        let n = engine.catalog.len();
        let id = |i: usize| format!("p{}", i % n.max(1));
        let at = |i: usize| 1_700_000_000 + i as u64 * 60;
        let histories: Vec<Vec<Event>> = vec![
            vec![],
            vec![Event::new(id(3), EventKind::View, at(1))],
            (0..30)
                .map(|i| {
                    let kind = [EventKind::View, EventKind::Cart, EventKind::Purchase][i % 3];
                    Event::new(id(i * 37 + 5), kind, at(i))
                })
                .collect(),
        ];
        let mut out = Vec::new();
        for history in &histories {
            let on_screen = id(7);
            for context in [
                Context::ForYou,
                Context::Similar {
                    product: &on_screen,
                },
                Context::Order,
            ] {
                let picks = engine.recommend_pruned(&Request::new(history, context, limit), prune);
                out.push(format!(
                    "{context:?} after {} events: {:?}",
                    history.len(),
                    picks
                        .iter()
                        .map(|p| (p.product, p.score.to_bits(), &p.reason))
                        .collect::<Vec<_>>()
                ));
            }
        }
        out
    }

    /// Shoppers who buy runs of neighbouring products, and one id the
    /// catalog lacks: a model that links partly.
    fn model_of(n: usize, prefix: &str) -> crate::core::model::Model {
        use crate::core::model::{Model, TrainOptions};
        let histories: Vec<Vec<Event>> = (0..60)
            .map(|u| {
                (0..6)
                    .map(|e| {
                        let product = if e == 5 {
                            "not-in-the-catalog".to_string()
                        } else {
                            format!("{prefix}{}", (u * 13 + e) % n.max(1))
                        };
                        Event::new(product, EventKind::Purchase, 1_700_000_000 + e as u64)
                    })
                    .collect()
            })
            .collect();
        let options = TrainOptions {
            min_shared_shoppers: 1,
            ..TrainOptions::default()
        };
        Model::train(histories.iter().map(Vec::as_slice), &options)
    }

    /// Owner's rules touching every kind of selector.
    fn owner_rules() -> Rules {
        Rules {
            pin: vec!["p9".into(), "missing".into(), "p2".into(), "p9".into()],
            boost: vec![
                Selector::Category("KÜCHE".into()),
                Selector::Id("p4".into()),
            ],
            bury: vec![
                Selector::Tag("sale".into()),
                Selector::Brand(" acme ".into()),
            ],
            hide: vec![Selector::Brand("Zoe".into())],
            repurchasable: vec![Selector::Category("home".into())],
            boost_factor: 2.0,
            bury_factor: 0.25,
        }
    }

    #[test]
    fn the_order_prior_bound_is_above_the_prior_and_close_to_it() {
        let positions = (0..2_000).chain((1..=27).flat_map(|k| {
            let p = 1usize << k;
            [p - 2, p - 1, p, p + 1, p * 3 / 2]
        }));
        for position in positions.chain([usize::MAX - 1, usize::MAX]) {
            let (prior, bound) = (catalog_order_prior(position), order_prior_bound(position));
            assert!(bound >= prior, "{position}: {bound} < {prior}");
            assert!(
                bound <= prior * 1.5,
                "{position}: {bound} far above {prior}"
            );
        }
    }

    #[test]
    fn pruning_candidates_changes_no_pick_score_or_reason() {
        use super::content::tests::generated_products;
        let rules = owner_rules();
        // (products, seed of the generated catalog)
        for (n, seed) in [(1, 2), (40, 3), (700, 4), (3_000, 6)] {
            let catalog = || Catalog::from_products(generated_products(n, seed)).0;
            let engines = [
                Engine::new(catalog()),
                Engine::new(catalog()).with_rules(&rules),
                Engine::new(catalog())
                    .with_rules(&rules)
                    .with_model(model_of(n, "p")),
            ];
            for (e, engine) in engines.iter().enumerate() {
                for limit in [1, 3, 12, 200] {
                    assert_eq!(
                        recommendations_pruned(engine, true, limit),
                        recommendations_pruned(engine, false, limit),
                        "catalog {n}, engine {e}, limit {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_engine_built_in_steps_is_the_engine_built_at_once_to_the_bit() {
        use super::content::tests::generated_products;
        let rules = owner_rules();
        // (products, seed of the generated catalog)
        for (n, seed) in [(0, 1), (1, 2), (40, 3), (700, 4), (2_500, 5)] {
            let catalog = || Catalog::from_products(generated_products(n, seed)).0;
            // (with the owner's rules, the model: none, partly linked, another shop's)
            let extras: [(Option<&Rules>, Option<Model>); 4] = [
                (None, None),
                (Some(&rules), None),
                (Some(&rules), Some(model_of(n, "p"))),
                (None, Some(model_of(n, "other-shop-"))),
            ];
            for (rules, model) in extras {
                let build = |batch: Option<usize>| {
                    let mut builder = EngineBuilder::new(catalog());
                    if let Some(rules) = rules {
                        builder = builder.with_rules(rules);
                    }
                    if let Some(model) = &model {
                        builder = builder.with_model(model.clone());
                    }
                    let mut steps = 0usize;
                    if let Some(batch) = batch {
                        while !builder.step(batch) {
                            steps += 1;
                        }
                    }
                    (builder.finish(), steps)
                };
                let (at_once, _) = build(None);
                let want = (engine_parts(&at_once), recommendations(&at_once));
                let case = format!(
                    "catalog {n}, rules {}, model {:?}",
                    rules.is_some(),
                    model.as_ref().map(|m| m.ids().first().cloned())
                );
                if let Some(model) = &model {
                    let shares = model
                        .ids()
                        .iter()
                        .any(|id| at_once.catalog.position(id).is_some());
                    assert_eq!(at_once.has_model(), shares, "{case}");
                }
                for batch in [1, 3, 64, 1_000, usize::MAX] {
                    let (stepped, steps) = build(Some(batch));
                    // Small batches take many steps: the work is divided.
                    assert!(
                        batch > n || n < 40 || steps * batch >= n,
                        "{case}, batch {batch}: {steps} steps"
                    );
                    assert_eq!(
                        engine_parts(&stepped),
                        want.0,
                        "{case}, batch {batch}: indexes"
                    );
                    assert_eq!(
                        recommendations(&stepped),
                        want.1,
                        "{case}, batch {batch}: picks"
                    );
                }
                // The native command's way: built, then rules, then model.
                let mut engine = Engine::new(catalog());
                if let Some(rules) = rules {
                    engine = engine.with_rules(rules);
                }
                if let Some(model) = model {
                    engine = engine.with_model(model);
                }
                assert_eq!(
                    engine_parts(&engine),
                    want.0,
                    "{case}: with_rules, with_model"
                );
                assert_eq!(
                    recommendations(&engine),
                    want.1,
                    "{case}: with_rules, with_model"
                );
            }
        }
    }

    #[test]
    fn complements_complete_the_order() {
        // (id, leaf category)
        let products = [
            ("hoodie-navy", "Tops"),
            ("hoodie-sand", "Tops"),
            ("hoodie-black", "Tops"),
            ("pan", "Cookware"),
            ("pot", "Cookware"),
            ("lamp", "Lighting"),
            ("saucepan", "Cookware"),
            ("no-category", ""),
        ];
        let catalog = Catalog::from_products(
            products
                .iter()
                .map(|(id, leaf)| {
                    Product::from(ProductFields {
                        id: (*id).into(),
                        title: (*id).into(),
                        category: if leaf.is_empty() {
                            vec![]
                        } else {
                            vec!["Shop".into(), (*leaf).into()]
                        },
                        ..ProductFields::default()
                    })
                })
                .collect(),
        )
        .0;
        let picks = |ids: &[&str]| -> Vec<Pick> {
            ids.iter()
                .map(|id| Pick {
                    product: catalog.position(id).unwrap(),
                    score: 1.0,
                    reason: Reason::Popular,
                })
                .collect()
        };
        // (ranked picks, bought, n, want)
        type Case<'a> = (&'a [&'a str], &'a [&'a str], usize, &'a [&'a str]);
        let cases: [Case; 5] = [
            (
                &["hoodie-sand", "hoodie-black", "pan", "pot", "lamp"],
                &["hoodie-navy", "saucepan"],
                3,
                &["lamp", "hoodie-sand", "hoodie-black"],
            ),
            (
                &["hoodie-sand", "pan", "pot", "lamp"],
                &["hoodie-navy"],
                3,
                &["pan", "lamp", "pot"],
            ),
            (
                &["hoodie-sand", "hoodie-black"],
                &["hoodie-navy"],
                3,
                &["hoodie-sand", "hoodie-black"],
            ),
            (
                &["no-category", "pan", "lamp"],
                &["unknown-id"],
                2,
                &["no-category", "pan"],
            ),
            (&["pan"], &[], 0, &[]),
        ];
        for (ranked, bought, n, want) in cases {
            let got: Vec<&str> = complements(&catalog, picks(ranked), bought, n)
                .iter()
                .map(|p| catalog.at(p.product).unwrap().id())
                .collect();
            assert_eq!(got, want, "{ranked:?} after buying {bought:?}");
        }
    }
}
