//! What a shopper's events say about them: affinities to categories (every
//! level of the path), brands and tags, and where they sit in each category's
//! price range (the budget/premium segment). Purchases count more than carts,
//! carts more than views, a glance (a view left within
//! [`Event::GLANCE_SECONDS`]) less than a long look, and old events fade with
//! a half-life.
//!
//! The stored interests ([`crate::core::store::Profile`]: category, brand and
//! price band aggregates kept when old events drop from the ring) count too:
//! a long-time shopper whose events fell out of the ring keeps their
//! categories ([`StoredAffinity`]).
//!
//! Products are described by interned [`Facet`]s once per catalog
//! ([`FacetIndex`]), so scoring a candidate is a few array reads.

use std::collections::HashMap;
use std::fmt::Write;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::core::case::lowercase;
use crate::core::catalog::Catalog;
use crate::core::events::{Event, EventKind};
use crate::core::store::{price_band, Interest};
use crate::core::text;

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

/// Facet ids, also by the raw text they come from ("c" + depth + raw path,
/// "b" + brand, "t" + tag): catalogs repeat these, so each is lower-cased
/// and interned once.
#[derive(Default)]
struct Interner {
    ids: FxHashMap<Facet, u32>,
    facets: Vec<Facet>,
    by_raw: FxHashMap<Box<str>, u32>,
}

impl Interner {
    fn intern(&mut self, raw: &str, make: impl FnOnce() -> Facet) -> u32 {
        if let Some(&id) = self.by_raw.get(raw) {
            return id;
        }
        let facet = make();
        let id = match self.ids.get(&facet) {
            Some(&id) => id,
            None => {
                let id = self.facets.len() as u32;
                self.ids.insert(facet.clone(), id);
                self.facets.push(facet);
                id
            }
        };
        self.by_raw.insert(raw.into(), id);
        id
    }
}

/// Every product's facets and relative price, built once per catalog.
#[derive(Debug, Clone, Default)]
pub struct FacetIndex {
    facets: Vec<Facet>,
    /// Product p's own facets (its tags'):
    /// `of_product[product_start[p]..product_start[p + 1]]` (flat: one
    /// allocation, not one per product), as [`push_facet`] writes them.
    product_start: Vec<u32>,
    of_product: Vec<u16>,
    /// Product p's group: the products that share their category path and
    /// brand (one shared part, [`Product::shared_key`]) share those facets,
    /// `group_ids[group_start[g]..group_start[g + 1]]`; kept once per group,
    /// and weighed once per group when ranking.
    product_group: Vec<u32>,
    group_start: Vec<u32>,
    group_ids: Vec<u16>,
    /// ln(price / median price of the product's deepest category), NaN when unknown.
    relative_price: Vec<f32>,
    /// A stored interest key (`c:…` leaf category, `b:…` brand, as
    /// [`product_keys`](crate::core::store::product_keys) makes them) → the facets it stands for: a leaf
    /// category stands for its whole path.
    by_key: HashMap<String, Vec<u32>>,
}

/// Facet ids below this are one `u16` in a product's list; any other is
/// this mark and the id's high and low halves ([`push_facet`]).
const WIDE: u16 = u16::MAX;

/// Adds `id` to the list that starts at `ids[from]`, unless it has it already.
fn push_new_facet(ids: &mut Vec<u16>, from: usize, id: u32) {
    if !FacetList::of(&ids[from..]).any(|f| f == id) {
        push_facet(ids, id);
    }
}

/// Appends facet `id` to a product's list: 2 bytes for ids below 65,535
/// (a catalog's facets unless it has tens of thousands of distinct tags or
/// brands), 6 for any other. Half what `u32` ids took, in the facet
/// builder at both peaks while indexing and in the index after (issue 8:
/// memory).
fn push_facet(ids: &mut Vec<u16>, id: u32) {
    match u16::try_from(id) {
        Ok(id) if id != WIDE => ids.push(id),
        _ => ids.extend([WIDE, (id >> 16) as u16, id as u16]),
    }
}

/// List `i` of `ids` by its `start` offsets (empty when out of range).
fn list<'a>(ids: &'a [u16], start: &[u32], i: usize) -> &'a [u16] {
    match (start.get(i), start.get(i + 1)) {
        (Some(&from), Some(&to)) => ids.get(from as usize..to as usize).unwrap_or(&[]),
        _ => &[],
    }
}

/// A product's facet ids ([`FacetIndex::of_product`]), in the order read.
#[derive(Debug, Clone)]
pub struct FacetList<'a> {
    ids: std::slice::Iter<'a, u16>,
    /// Read once `ids` is (a product's own facets after its group's).
    then: std::slice::Iter<'a, u16>,
}

impl<'a> FacetList<'a> {
    fn of(ids: &'a [u16]) -> Self {
        Self {
            ids: ids.iter(),
            then: [].iter(),
        }
    }
}

impl Iterator for FacetList<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.ids.len() == 0 {
            std::mem::swap(&mut self.ids, &mut self.then);
        }
        let id = *self.ids.next()?;
        if id != WIDE {
            return Some(u32::from(id));
        }
        let high = u32::from(self.ids.next().copied().unwrap_or(0));
        let low = u32::from(self.ids.next().copied().unwrap_or(0));
        Some(high << 16 | low)
    }
}

/// A raw category path's facets (a range of `FacetBuilder::path_facets`).
#[derive(Clone, Copy)]
struct PathFacets {
    start: u32,
    len: u32,
}

/// What [`FacetIndex::build`] remembers while reading the catalog: category
/// paths and brands repeat, so each distinct raw one is read once.
#[derive(Default)]
struct FacetBuilder {
    interner: Interner,
    by_key: HashMap<String, Vec<u32>>,
    /// Raw category path (each level's length, ':', the level) → its facets.
    paths: FxHashMap<Box<str>, PathFacets>,
    path_facets: Vec<u32>,
    /// Raw brand → its facet.
    brands: FxHashMap<Box<str>, u32>,
}

impl FacetBuilder {
    /// The facets of a category path never read before, and the leaf
    /// category's stored-interest key made to stand for them.
    fn new_path(&mut self, category: crate::core::catalog::Strs<'_>) -> PathFacets {
        let start = self.path_facets.len() as u32;
        let mut raw = String::new();
        let mut path = String::new();
        for (depth, level) in category.clone().take(MAX_CATEGORY_DEPTH).enumerate() {
            raw.push('\u{1}');
            raw.push_str(level);
            path.clear();
            path.push('c');
            path.push(char::from(b'0' + depth as u8));
            path.push_str(&raw);
            let id = self.interner.intern(&path, || {
                let mut path = String::new();
                for (i, level) in category.clone().take(depth + 1).enumerate() {
                    if i > 0 {
                        path.push_str(" > ");
                    }
                    path.push_str(&lowercase(level.trim()));
                }
                Facet::Category {
                    depth: depth as u8,
                    path,
                }
            });
            if !self.path_facets[start as usize..].contains(&id) {
                self.path_facets.push(id);
            }
        }
        let facets = PathFacets {
            start,
            len: self.path_facets.len() as u32 - start,
        };
        if let Some(leaf) = category.last() {
            let key = format!("c:{}", text::fold(leaf));
            let own = &self.path_facets[start as usize..];
            stand_for(&mut self.by_key, key, own);
        }
        facets
    }

    /// The facet of a brand never read before, and the brand's
    /// stored-interest key made to stand for it.
    fn new_brand(&mut self, brand: &str) -> u32 {
        let mut raw = String::with_capacity(brand.len() + 1);
        raw.push('b');
        raw.push_str(brand);
        let id = self
            .interner
            .intern(&raw, || Facet::Brand(lowercase(brand.trim())));
        stand_for(&mut self.by_key, format!("b:{}", text::fold(brand)), &[id]);
        id
    }
}

/// Makes a stored-interest key stand for `facets` too (keys of two
/// characters or less, "c:" or "b:" of an empty name, stand for nothing).
fn stand_for(by_key: &mut HashMap<String, Vec<u32>>, key: String, facets: &[u32]) {
    if key.len() <= 2 {
        return;
    }
    let stands_for = by_key.entry(key).or_default();
    for &f in facets {
        if !stands_for.contains(&f) {
            stands_for.push(f);
        }
    }
}

impl FacetIndex {
    pub fn build(catalog: &Catalog) -> Self {
        let mut builder = FacetIndexBuilder::default();
        builder.add(catalog.products());
        let products = catalog.products();
        builder.finish(&|p| products.get(p).and_then(|product| product.price()))
    }

    /// The facets a stored interest key stands for (none for a category or
    /// brand this catalog no longer has, or a price band or search word).
    pub fn facets_of_key(&self, key: &str) -> &[u32] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or(&[])
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

    /// Product p's facets: its category path's (top level first), its
    /// brand's, its tags'; none when out of range.
    pub fn of_product(&self, product: usize) -> FacetList<'_> {
        FacetList {
            ids: self.group_facets(self.group_of(product)).ids,
            then: self.own_facets(product).ids,
        }
    }

    /// The product's group (see [`Self::group_facets`]); out of range for
    /// a product out of range.
    pub fn group_of(&self, product: usize) -> usize {
        self.product_group
            .get(product)
            .map_or(usize::MAX, |&g| g as usize)
    }

    /// How many groups of products share their path and brand facets.
    pub fn groups(&self) -> usize {
        self.group_start.len().saturating_sub(1)
    }

    /// Group g's facets: its category path's (top level first), its brand's.
    pub fn group_facets(&self, group: usize) -> FacetList<'_> {
        FacetList::of(list(&self.group_ids, &self.group_start, group))
    }

    /// The product's own facets (its tags'), after its group's.
    pub fn own_facets(&self, product: usize) -> FacetList<'_> {
        FacetList::of(list(&self.of_product, &self.product_start, product))
    }

    /// Heap bytes held by the per-product lists, for the memory report.
    pub fn heap_bytes(&self) -> usize {
        4 * (self.product_start.capacity()
            + self.relative_price.capacity()
            + self.product_group.capacity()
            + self.group_start.capacity())
            + 2 * (self.of_product.capacity() + self.group_ids.capacity())
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
            .filter(|&f| matches!(self.facets[f as usize], Facet::Category { .. }))
            .last()
    }
}

/// Builds a [`FacetIndex`] a batch of products at a time ([`Self::add`]),
/// so a caller on a browser's main thread can yield between batches; then
/// [`Self::finish`] prices them in linear passes. The same index as
/// [`FacetIndex::build`].
#[derive(Default)]
pub struct FacetIndexBuilder {
    builder: FacetBuilder,
    raw: String,
    product_start: Vec<u32>,
    of_product: Vec<u16>,
    product_group: Vec<u32>,
    group_start: Vec<u32>,
    group_ids: Vec<u16>,
    /// Each group by its products' [`Product::shared_key`]: most products
    /// find their group here instead of spelling out their path.
    by_shared: FxHashMap<usize, u32>,
}

impl std::fmt::Debug for FacetIndexBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacetIndexBuilder")
            .field("products", &self.len())
            .finish_non_exhaustive()
    }
}

impl FacetIndexBuilder {
    /// How many products have been read.
    pub fn len(&self) -> usize {
        self.product_start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.product_start.is_empty()
    }

    /// Makes room for reading the next `batch` of `total` products.
    pub fn reserve(&mut self, total: usize, batch: usize) {
        let read = self.product_start.len();
        if read == 0 {
            let _ = self.product_start.try_reserve_exact(total + 1);
            let _ = self.product_group.try_reserve_exact(total);
        }
        crate::core::rank::reserve_projected(&mut self.of_product, read, total, batch);
    }

    /// Reads the facets of the next products.
    pub fn add(&mut self, products: &[crate::core::catalog::Product]) {
        let Self {
            builder,
            raw,
            product_start,
            of_product,
            product_group,
            group_start,
            group_ids,
            by_shared,
        } = self;
        for product in products {
            // The header read once for all the fields.
            let parts = product.parts();
            let from = of_product.len();
            product_start.push(from as u32);
            let group = match by_shared.get(&product.shared_key()) {
                Some(&group) => group,
                None => {
                    let group = group_start.len() as u32;
                    group_start.push(group_ids.len() as u32);
                    Self::path_and_brand(builder, raw, group_ids, &parts);
                    by_shared.insert(product.shared_key(), group);
                    group
                }
            };
            product_group.push(group);
            for tag in parts.tags {
                raw.clear();
                raw.push('t');
                raw.push_str(tag);
                let id = builder
                    .interner
                    .intern(raw, || Facet::Tag(lowercase(tag.trim())));
                // Each facet once per product (a tag listed twice).
                push_new_facet(of_product, from, id);
            }
        }
    }

    /// A product's category path facets, then its brand's, as a new list
    /// at the end of `of_product`.
    fn path_and_brand(
        builder: &mut FacetBuilder,
        raw: &mut String,
        of_product: &mut Vec<u16>,
        parts: &crate::core::catalog::Parts<'_>,
    ) {
        let from = of_product.len();
        if !parts.category.is_empty() {
            // The whole path, unambiguously: each level's length first.
            raw.clear();
            for level in parts.category.clone() {
                let _ = write!(raw, "{}:", level.len());
                raw.push_str(level);
            }
            let facets = match builder.paths.get(raw.as_str()) {
                Some(&facets) => facets,
                None => {
                    let facets = builder.new_path(parts.category.clone());
                    builder.paths.insert(raw.as_str().into(), facets);
                    facets
                }
            };
            let (start, end) = (facets.start as usize, (facets.start + facets.len) as usize);
            for &id in &builder.path_facets[start..end] {
                push_facet(of_product, id);
            }
        }
        if let Some(brand) = parts.brand {
            let id = match builder.brands.get(brand) {
                Some(&id) => id,
                None => {
                    let id = builder.new_brand(brand);
                    builder.brands.insert(brand.into(), id);
                    id
                }
            };
            push_new_facet(of_product, from, id);
        }
    }

    /// The index: each product priced against its deepest category's
    /// median (a counting sort by leaf, then each leaf's median; linear,
    /// a few milliseconds at 100k products); `price(p)` is product p's
    /// price. Prices and deepest categories are found here rather than
    /// kept while reading: 8 bytes a product less at the peak (issue 8).
    pub fn finish(self, price: &dyn Fn(usize) -> Option<f64>) -> FacetIndex {
        let Self {
            builder,
            mut product_start,
            mut of_product,
            product_group,
            mut group_start,
            group_ids,
            ..
        } = self;
        let products = product_start.len();
        product_start.push(of_product.len() as u32);
        group_start.push(group_ids.len() as u32);
        // Room was made for the projected count (a shrink stays in place).
        of_product.shrink_to_fit();
        let FacetBuilder {
            interner,
            mut by_key,
            ..
        } = builder;
        by_key.retain(|_, v| !v.is_empty());
        let facets = interner.facets;
        // Products without a category are priced among themselves.
        let no_category = facets.len();
        let is_category: Vec<bool> = facets
            .iter()
            .map(|f| matches!(f, Facet::Category { .. }))
            .collect();
        // A product's deepest category is its group's (tags are not
        // categories): found once per group.
        let group_leaf: Vec<u32> = (0..group_start.len().saturating_sub(1))
            .map(|g| {
                FacetList::of(list(&group_ids, &group_start, g))
                    .filter(|&f| is_category.get(f as usize) == Some(&true))
                    .last()
                    .map_or(no_category as u32, |f| f)
            })
            .collect();
        let leaf = |p: usize| {
            product_group
                .get(p)
                .and_then(|&g| group_leaf.get(g as usize))
                .map_or(no_category, |&f| f as usize)
        };
        // ln(price), NaN when unknown; made relative in place at the end.
        let mut relative_price: Vec<f32> = (0..products)
            .map(|p| {
                price(p)
                    .filter(|&x| x > 0.0 && x.is_finite())
                    .map_or(f32::NAN, |x| (x as f32).ln())
            })
            .collect();
        let mut start = vec![0u32; no_category + 2];
        for (p, price) in relative_price.iter().enumerate() {
            if price.is_finite() {
                start[leaf(p) + 1] += 1;
            }
        }
        for f in 1..start.len() {
            start[f] += start[f - 1];
        }
        let mut next = start.clone();
        let mut prices = vec![0f32; start[no_category + 1] as usize];
        for (p, &price) in relative_price.iter().enumerate() {
            if price.is_finite() {
                let slot = &mut next[leaf(p)];
                prices[*slot as usize] = price;
                *slot += 1;
            }
        }
        let medians: Vec<f32> = (0..=no_category)
            .map(|f| median(prices[start[f] as usize..start[f + 1] as usize].to_vec()))
            .collect();
        drop(prices);
        for (p, price) in relative_price.iter_mut().enumerate() {
            *price -= medians[leaf(p)];
        }
        FacetIndex {
            facets,
            product_start,
            of_product,
            product_group,
            group_start,
            group_ids,
            relative_price,
            by_key,
        }
    }
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
    /// A glance (a view left within [`Event::GLANCE_SECONDS`]) counts this
    /// much of a view; a view whose time is not known yet counts fully.
    pub glance: f32,
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
            glance: 0.3,
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

    /// The weight of one event regardless of its age: its kind's, less for a glance.
    pub fn step(&self, event: &Event) -> f32 {
        let kind = self.kind(event.kind);
        if event.is_glance() {
            kind * self.glance
        } else {
            kind
        }
    }

    /// The weight of one event at `now`: [`Self::step`] × 2^(-age / half-life).
    /// Events without a time (0) or from the future do not fade.
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
        self.step(event) * fade
    }
}

/// What the stored interests say, as shares in [0, 1] like the history's:
/// each category or brand interest's share of all category (brand)
/// interest weight, a parent category the sum of its leaves' shares, and
/// each price band's share of all price-band weight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredAffinity {
    pub facets: FxHashMap<u32, f32>,
    pub bands: Vec<(String, f32)>,
}

impl StoredAffinity {
    /// Reads `interests` at `now` (decayed) against this catalog's facets.
    pub fn of(index: &FacetIndex, interests: &[Interest], now: u64) -> Self {
        let weight = |i: &Interest| i.weight_at(now).max(0.0);
        let total = |prefix: &str| -> f32 {
            interests
                .iter()
                .filter(|i| i.key().starts_with(prefix))
                .map(weight)
                .sum()
        };
        let (categories, brands, bands) = (total("c:"), total("b:"), total("p:"));
        let mut facets: FxHashMap<u32, f32> = FxHashMap::default();
        let mut out_bands = Vec::new();
        for interest in interests {
            let key = interest.key();
            let of_all = match key.get(..2) {
                Some("c:") => categories,
                Some("b:") => brands,
                Some("p:") => {
                    if bands > 0.0 {
                        out_bands.push((key[2..].to_string(), weight(interest) / bands));
                    }
                    continue;
                }
                _ => continue,
            };
            if of_all <= 0.0 {
                continue;
            }
            for &f in index.facets_of_key(key) {
                let share = facets.entry(f).or_insert(0.0);
                *share = (*share + weight(interest) / of_all).min(1.0);
            }
        }
        Self {
            facets,
            bands: out_bands,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.facets.is_empty() && self.bands.is_empty()
    }

    /// How well a price suits the shopper's usual bands: 1 in their
    /// strongest band, in proportion below; `None` without band interests
    /// or a price.
    pub fn band_fit(&self, price: Option<f64>) -> Option<f32> {
        let strongest = self.bands.iter().map(|b| b.1).fold(0.0, f32::max);
        if strongest <= 0.0 {
            return None;
        }
        let band = price_band(price?);
        Some(
            self.bands
                .iter()
                .find(|b| b.0 == band)
                .map_or(0.0, |b| b.1 / strongest),
        )
    }
}

/// A shopper's affinities, each a share of their (decayed) activity in [0, 1].
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Per facet id: the share of the shopper's weight on products with it.
    /// Hashed with Fx: built on every ranking call, where SipHash and
    /// growing from empty were an eighth of a call at 1k products.
    affinity: FxHashMap<u32, f32>,
    /// Weighted mean of ln(price / category median) over priced events.
    relative_price: Option<f32>,
    pub segment: Option<Segment>,
    total_weight: f32,
    /// The stored interests' part (empty without stored interests).
    stored: StoredAffinity,
}

impl Profile {
    /// Builds the profile of `history` (oldest first) and the stored
    /// `interests` at time `now`; `now = 0` means "the newest event's (or
    /// interest's) time". A facet's affinity is the stronger of the two
    /// shares: the ring says what the shopper does now, the interests what
    /// they did before it (and both what they do now).
    pub fn build(
        index: &FacetIndex,
        catalog: &Catalog,
        history: &[Event],
        interests: &[Interest],
        now: u64,
        weights: &ProfileWeights,
    ) -> Profile {
        let now = if now == 0 {
            history
                .iter()
                .map(|e| e.at)
                .chain(interests.iter().map(|i| i.2))
                .max()
                .unwrap_or(0)
        } else {
            now
        };
        let mut affinity: FxHashMap<u32, f32> =
            FxHashMap::with_capacity_and_hasher(history.len() * 4, Default::default());
        let mut total = 0f32;
        let (mut price_sum, mut price_weight) = (0f32, 0f32);
        for event in history {
            let Some(p) = catalog.position(&event.product) else {
                continue;
            };
            let w = weights.event(event, now);
            total += w;
            for f in index.of_product(p) {
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
        let stored = StoredAffinity::of(index, interests, now);
        for (&f, &share) in &stored.facets {
            let a = affinity.entry(f).or_insert(0.0);
            *a = a.max(share);
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
            stored,
        }
    }

    /// No history and no stored interests this catalog knows.
    pub fn is_empty(&self) -> bool {
        self.total_weight <= 0.0 && self.stored.is_empty()
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
    /// relative price, falling towards 0 a factor e away; without priced
    /// events, the share of the product's price band among the stored
    /// interests; 0.5 when unknown.
    /// At least [`Self::price_fit`] for a product with this relative price,
    /// without an `exp` (e^x ≥ 1 + x, so e^−d ≤ 1 / (1 + d); the 1e-3
    /// margin covers rounding): what the ranking checks first.
    pub fn price_fit_bound(&self, product_relative_price: Option<f32>) -> f32 {
        match (self.relative_price, product_relative_price) {
            (Some(mine), Some(theirs)) => 1.001 / (1.0 + (mine - theirs).abs()),
            _ => 1.0,
        }
    }

    pub fn price_fit(&self, product_relative_price: Option<f32>, price: Option<f64>) -> f32 {
        match (self.relative_price, product_relative_price) {
            (Some(mine), Some(theirs)) => (-(mine - theirs).abs()).exp(),
            _ => self.stored.band_fit(price).unwrap_or(0.5),
        }
    }
}

/// The middle value of a non-empty list (the lower one of an even count),
/// by `f32::total_cmp`, without sorting: position (n − 1) / 2 from the
/// bottom is position n − 1 − (n − 1) / 2 from the top, which the ranking's
/// selection finds (one copy of that code in the wasm for both).
fn median(values: Vec<f32>) -> f32 {
    let mut scored: Vec<(usize, f32)> = values.into_iter().enumerate().collect();
    let Some(last) = scored.len().checked_sub(1) else {
        return f32::NAN;
    };
    let from_top = last - last / 2;
    crate::core::rank::select_by_score(&mut scored, from_top);
    scored[from_top].1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ProductFields;

    #[test]
    fn median_is_the_middle_of_the_sorted_values() {
        let cases: &[&[f32]] = &[
            &[1.0],
            &[2.0, 1.0],
            &[3.0, 1.0, 2.0],
            &[4.0, 4.0, 1.0, 4.0],
            &[-0.0, 0.0, -0.0],
            &[5.0, -1.0, 2.5, 2.5, 9.0, 0.1, 3.0],
            &[f32::INFINITY, 1.0, f32::NEG_INFINITY, 2.0],
        ];
        for case in cases {
            let mut sorted = case.to_vec();
            sorted.sort_by(f32::total_cmp);
            let want = sorted[(sorted.len() - 1) / 2];
            assert_eq!(median(case.to_vec()).to_bits(), want.to_bits(), "{case:?}");
        }
    }
    use crate::core::catalog::Product;

    fn catalog() -> Catalog {
        let p = |id: &str, cat: &[&str], brand: &str, price: f64| {
            Product::from(ProductFields {
                id: id.into(),
                title: id.into(),
                category: cat.iter().map(|s| s.to_string()).collect(),
                brand: Some(brand.into()),
                price: Some(price),
                ..ProductFields::default()
            })
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
        let profile = Profile::build(&index, &c, &history, &[], 10, &ProfileWeights::default());
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
            let profile = Profile::build(&index, &c, &history, &[], 0, &ProfileWeights::default());
            assert_eq!(profile.segment, Some(want), "{id}");
        }
        let profile = Profile::build(&index, &c, &[], &[], 0, &ProfileWeights::default());
        assert_eq!(profile.segment, Some(Segment::Unknown));
        assert!(profile.is_empty());
    }

    fn category(index: &FacetIndex, depth: u8, path: &str) -> u32 {
        facet(
            index,
            &Facet::Category {
                depth,
                path: path.into(),
            },
        )
    }

    fn viewed(id: &str, at: u64, dwell: Option<u32>) -> Event {
        let mut event = Event::new(id, EventKind::View, at);
        event.dwell = dwell;
        event
    }

    #[test]
    fn a_glance_weighs_less_than_a_long_look() {
        let w = ProfileWeights::default();
        // (dwell seconds, weight of the view)
        let cases = [
            (None, 1.0),
            (Some(0), 0.3),
            (Some(Event::GLANCE_SECONDS - 1), 0.3),
            (Some(Event::GLANCE_SECONDS), 1.0),
            (Some(600), 1.0),
        ];
        for (dwell, want) in cases {
            let got = w.step(&viewed("x", 5, dwell));
            assert!((got - want).abs() < 1e-6, "{dwell:?}: {got}");
            assert!((w.event(&viewed("x", 5, dwell), 5) - want).abs() < 1e-6);
        }
        // Carts and purchases have no dwell: never a glance.
        let mut cart = Event::new("x", EventKind::Cart, 5);
        cart.dwell = Some(1);
        assert_eq!(w.step(&cart), w.cart);

        // In the profile: a glance at the tee and a long look at a mug make
        // a kitchen shopper; two long looks weigh the same.
        let c = catalog();
        let index = FacetIndex::build(&c);
        let (home, clothing) = (category(&index, 0, "home"), category(&index, 0, "clothing"));
        let cases: [(&[Event], f32, f32); 3] = [
            (
                &[viewed("tee", 1, Some(1)), viewed("mid", 2, Some(40))],
                1.0 / 1.3,
                0.3 / 1.3,
            ),
            (
                &[viewed("tee", 1, Some(40)), viewed("mid", 2, Some(1))],
                0.3 / 1.3,
                1.0 / 1.3,
            ),
            (
                &[viewed("tee", 1, Some(40)), viewed("mid", 2, Some(40))],
                0.5,
                0.5,
            ),
        ];
        for (history, want_home, want_clothing) in cases {
            let profile = Profile::build(&index, &c, history, &[], 2, &ProfileWeights::default());
            let got = (profile.affinity(home), profile.affinity(clothing));
            assert!(
                (got.0 - want_home).abs() < 1e-5 && (got.1 - want_clothing).abs() < 1e-5,
                "{history:?}: {got:?}"
            );
        }
    }

    #[test]
    fn stored_interests_keep_categories_brands_and_price_bands() {
        let c = catalog();
        let index = FacetIndex::build(&c);
        let home = category(&index, 0, "home");
        let kitchen = category(&index, 1, "home > kitchen");
        let clothing = category(&index, 0, "clothing");
        let brand_a = facet(&index, &Facet::Brand("a".into()));
        let interest = |key: &str, weight: f32| Interest(key.into(), weight, 100);
        struct Case {
            name: &'static str,
            history: Vec<Event>,
            interests: Vec<Interest>,
            /// (facet, affinity wanted)
            want: Vec<(u32, f32)>,
        }
        let cases = [
            Case {
                name: "a long-time shopper whose events fell out of the ring keeps their category",
                history: vec![],
                interests: vec![interest("c:kitchen", 3.0), interest("c:clothing", 1.0)],
                want: vec![(kitchen, 0.75), (home, 0.75), (clothing, 0.25)],
            },
            Case {
                name: "brands: a share of all brand interest",
                history: vec![],
                interests: vec![interest("b:a", 2.0), interest("b:c", 2.0)],
                want: vec![(brand_a, 0.5), (kitchen, 0.0)],
            },
            Case {
                name: "the stronger of the ring and the interests counts",
                history: vec![Event::new("tee", EventKind::Purchase, 100)],
                interests: vec![interest("c:kitchen", 1.0), interest("c:clothing", 1.0)],
                want: vec![(clothing, 1.0), (kitchen, 0.5)],
            },
            Case {
                name: "unknown categories, price bands and search words name no facet",
                history: vec![],
                interests: vec![
                    interest("c:garden", 5.0),
                    interest("q:kitchen", 5.0),
                    interest("p:0-10", 1.0),
                ],
                want: vec![(kitchen, 0.0), (clothing, 0.0)],
            },
            Case {
                name: "no interests: the history alone, as before",
                history: vec![Event::new("tee", EventKind::View, 100)],
                interests: vec![],
                want: vec![(clothing, 1.0), (kitchen, 0.0)],
            },
        ];
        for case in cases {
            let profile = Profile::build(
                &index,
                &c,
                &case.history,
                &case.interests,
                0,
                &ProfileWeights::default(),
            );
            assert!(
                !profile.is_empty() || case.interests.is_empty(),
                "{}",
                case.name
            );
            for (f, want) in case.want {
                let got = profile.affinity(f);
                assert!(
                    (got - want).abs() < 1e-5,
                    "{}: facet {:?} {got} ≠ {want}",
                    case.name,
                    index.facet(f)
                );
            }
        }

        // Price bands: the shopper's usual band fits best, without priced events.
        let profile = Profile::build(
            &index,
            &c,
            &[],
            &[interest("p:10-25", 3.0), interest("p:0-10", 1.0)],
            0,
            &ProfileWeights::default(),
        );
        let cases = [
            (Some(12.0), 1.0),
            (Some(5.0), 1.0 / 3.0),
            (Some(400.0), 0.0),
            (None, 0.5),
        ];
        for (price, want) in cases {
            let got = profile.price_fit(None, price);
            assert!((got - want).abs() < 1e-5, "{price:?}: {got}");
        }
        // Interests decay: an old interest counts less than a fresh one.
        let profile = Profile::build(
            &index,
            &c,
            &[],
            &[
                Interest("c:kitchen".into(), 1.0, 0),
                Interest("c:clothing".into(), 1.0, 28 * 86_400),
            ],
            28 * 86_400,
            &ProfileWeights::default(),
        );
        assert!(profile.affinity(clothing) > 3.0 * profile.affinity(kitchen));
    }
}
