//! Content similarity: an inverted index over each product's title (its words
//! and the whole title as one token, so variants of one product line match),
//! category path, brand, tags and description, scored as the cosine of
//! idf-weighted token vectors, damped when prices are far apart (a 2 € and a
//! 200 € kettle are not alternatives).

use rustc_hash::FxHashMap;

use crate::core::catalog::{Catalog, Product};
use crate::core::text;

/// Tokens shared by more than this share of the catalog say nothing about
/// similarity and would make scoring touch most of the catalog.
const MAX_DOCUMENT_SHARE: f32 = 0.05;
/// Small catalogs keep every token: scanning them is cheap anyway.
const MIN_POSTINGS_CAP: u32 = 500;
/// Descriptions are long and loose; their first words carry what matters.
const MAX_DESCRIPTION_TOKENS: usize = 40;

/// How much each field counts in a product's token vector.
#[derive(Debug, Clone, Copy)]
struct FieldWeights {
    title_word: f32,
    whole_title: f32,
    category: f32,
    brand: f32,
    tag: f32,
    description: f32,
}

const FIELDS: FieldWeights = FieldWeights {
    title_word: 1.0,
    whole_title: 1.5,
    category: 1.5,
    brand: 0.8,
    tag: 0.8,
    description: 0.3,
};

/// How steeply price distance damps similarity: a factor e apart keeps
/// `PRICE_FLOOR + (1 - PRICE_FLOOR) / e^PRICE_STEEPNESS`.
const PRICE_STEEPNESS: f32 = 2.0;
const PRICE_FLOOR: f32 = 0.4;

/// Token postings for every product, built once per catalog. Both sides are
/// flat arrays with offsets (one allocation each, not one per product or
/// token: allocation dominated building the index, above all in wasm).
#[derive(Debug, Clone, Default)]
pub struct ContentIndex {
    /// Product p's (token id, weight) pairs, sorted by token, unit length:
    /// `doc_terms[doc_start[p]..doc_start[p + 1]]`.
    doc_start: Vec<u32>,
    doc_terms: Vec<(u32, f32)>,
    /// Token t's (product, weight) pairs:
    /// `post_items[post_start[t]..post_start[t + 1]]`.
    post_start: Vec<u32>,
    post_items: Vec<(u32, f32)>,
    /// ln(price), NaN when unknown.
    log_price: Vec<f32>,
}

/// Builds a [`ContentIndex`] a batch of products at a time, so a caller on
/// a browser's main thread can yield between batches.
#[derive(Debug, Default)]
pub struct ContentBuilder {
    vocabulary: FxHashMap<Box<str>, u32>,
    /// Folded field values by their raw text: brands, tags and category
    /// levels repeat across a catalog, folding them once is enough.
    folded: FxHashMap<Box<str>, Box<str>>,
    raw_start: Vec<u32>,
    raw_terms: Vec<(u32, f32)>,
    key: String,
}

impl ContentBuilder {
    /// How many products have been read.
    pub fn len(&self) -> usize {
        self.raw_start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.raw_start.is_empty()
    }

    /// Reads the tokens of the next products.
    pub fn add(&mut self, products: &[Product]) {
        for product in products {
            self.raw_start.push(self.raw_terms.len() as u32);
            let from = self.raw_terms.len();
            self.add_fields(product, from);
        }
    }

    fn term(&mut self, from: usize, weight: f32) {
        let id = match self.vocabulary.get(self.key.as_str()) {
            Some(&id) => id,
            None => {
                let id = self.vocabulary.len() as u32;
                self.vocabulary.insert(self.key.as_str().into(), id);
                id
            }
        };
        match self.raw_terms[from..].iter_mut().find(|(t, _)| *t == id) {
            Some((_, w)) => *w = w.max(weight),
            None => self.raw_terms.push((id, weight)),
        }
    }

    fn fold_cached(&mut self, raw: &str) -> Box<str> {
        if let Some(folded) = self.folded.get(raw) {
            return folded.clone();
        }
        let folded: Box<str> = text::fold(raw).into();
        self.folded.insert(raw.into(), folded.clone());
        folded
    }

    /// The tokens of a product with how much each field counts.
    fn add_fields(&mut self, product: &Product, from: usize) {
        let title_tokens = text::tokens(&product.title);
        if title_tokens.len() > 1 {
            self.key.clear();
            self.key.push_str("T:");
            for (i, token) in title_tokens.iter().enumerate() {
                if i > 0 {
                    self.key.push(' ');
                }
                self.key.push_str(token);
            }
            self.term(from, FIELDS.whole_title);
        }
        for token in &title_tokens {
            self.key.clear();
            self.key.push_str(token);
            self.term(from, FIELDS.title_word);
        }
        // A category is one token per path prefix: "Home > Office" and
        // "Office" are different places.
        let mut path = String::new();
        for (depth, level) in product.category.iter().enumerate() {
            path.push('>');
            path.push_str(&self.fold_cached(level));
            self.key.clear();
            self.key.push('c');
            self.key.push_str(&depth.to_string());
            self.key.push(':');
            self.key.push_str(&path);
            self.term(from, FIELDS.category);
        }
        if let Some(brand) = &product.brand {
            let folded = self.fold_cached(brand);
            self.key.clear();
            self.key.push_str("b:");
            self.key.push_str(&folded);
            self.term(from, FIELDS.brand);
        }
        for tag in &product.tags {
            let folded = self.fold_cached(tag);
            self.key.clear();
            self.key.push_str("t:");
            self.key.push_str(&folded);
            self.term(from, FIELDS.tag);
        }
        if let Some(description) = &product.description {
            for token in text::tokens_up_to(description, MAX_DESCRIPTION_TOKENS) {
                self.key.clear();
                self.key.push_str(&token);
                self.term(from, FIELDS.description);
            }
        }
    }

    /// Weighs every token by how rare it is and links the postings; `prices`
    /// are the products' prices in the order they were added.
    pub fn finish(self, prices: impl Iterator<Item = Option<f64>>) -> ContentIndex {
        let Self {
            vocabulary,
            mut raw_start,
            raw_terms,
            ..
        } = self;
        let products = raw_start.len();
        raw_start.push(raw_terms.len() as u32);
        let mut document_frequency = vec![0u32; vocabulary.len()];
        for &(t, _) in &raw_terms {
            document_frequency[t as usize] += 1;
        }
        let n = products.max(1) as f32;
        let cap = ((n * MAX_DOCUMENT_SHARE) as u32).max(MIN_POSTINGS_CAP);
        let mut doc_start = Vec::with_capacity(products + 1);
        let mut doc_terms = Vec::with_capacity(raw_terms.len());
        let mut post_count = vec![0u32; vocabulary.len() + 1];
        for p in 0..products {
            doc_start.push(doc_terms.len() as u32);
            let from = doc_terms.len();
            let raw = &raw_terms[raw_start[p] as usize..raw_start[p + 1] as usize];
            doc_terms.extend(raw.iter().map(|&(t, w)| {
                let df = document_frequency[t as usize] as f32;
                (t, w * ((n / df).ln().max(0.0) + 0.1))
            }));
            let weighted = &mut doc_terms[from..];
            // Normalise over every token, index only the selective ones:
            // a very common token still dilutes a document's vector.
            let norm = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (_, w) in weighted.iter_mut() {
                    *w /= norm;
                }
            }
            let mut kept = from;
            for i in from..doc_terms.len() {
                if document_frequency[doc_terms[i].0 as usize] <= cap {
                    doc_terms[kept] = doc_terms[i];
                    kept += 1;
                }
            }
            doc_terms.truncate(kept);
            doc_terms[from..].sort_unstable_by_key(|&(t, _)| t);
            for &(t, _) in &doc_terms[from..] {
                post_count[t as usize + 1] += 1;
            }
        }
        doc_start.push(doc_terms.len() as u32);
        for t in 1..post_count.len() {
            post_count[t] += post_count[t - 1];
        }
        let post_start = post_count;
        let mut next: Vec<u32> = post_start.clone();
        let mut post_items = vec![(0u32, 0f32); doc_terms.len()];
        for p in 0..products {
            for &(t, w) in &doc_terms[doc_start[p] as usize..doc_start[p + 1] as usize] {
                let slot = &mut next[t as usize];
                post_items[*slot as usize] = (p as u32, w);
                *slot += 1;
            }
        }
        let log_price = prices
            .map(|price| match price {
                Some(x) if x > 0.0 && x.is_finite() => (x as f32).ln(),
                _ => f32::NAN,
            })
            .collect();
        ContentIndex {
            doc_start,
            doc_terms,
            post_start,
            post_items,
            log_price,
        }
    }
}

impl ContentIndex {
    pub fn build(catalog: &Catalog) -> Self {
        let mut builder = ContentBuilder::default();
        builder.add(catalog.products());
        builder.finish(catalog.products().iter().map(|p| p.price))
    }

    fn document(&self, p: usize) -> Option<&[(u32, f32)]> {
        let start = *self.doc_start.get(p)? as usize;
        let end = *self.doc_start.get(p + 1)? as usize;
        self.doc_terms.get(start..end)
    }

    fn postings(&self, t: u32) -> &[(u32, f32)] {
        let t = t as usize;
        match (self.post_start.get(t), self.post_start.get(t + 1)) {
            (Some(&start), Some(&end)) => &self.post_items[start as usize..end as usize],
            _ => &[],
        }
    }

    /// How much a price gap damps similarity, in [PRICE_FLOOR, 1].
    fn price_factor(&self, a: usize, b: usize) -> f32 {
        let (pa, pb) = (self.log_price[a], self.log_price[b]);
        if pa.is_finite() && pb.is_finite() {
            PRICE_FLOOR + (1.0 - PRICE_FLOOR) * (-(pa - pb).abs() * PRICE_STEEPNESS).exp()
        } else {
            (1.0 + PRICE_FLOOR) / 2.0
        }
    }

    /// Content similarity of every product to a set of weighted seeds:
    /// Σ seed_weight × cosine × price_factor, with the best seed per product.
    pub fn similar_scores(
        &self,
        seeds: &[(usize, f32)],
        score: &mut [f32],
        best_seed: &mut [(f32, u32)],
        scratch: &mut Vec<f32>,
        touched: &mut Vec<u32>,
    ) {
        scratch.clear();
        scratch.resize(score.len(), 0.0);
        for &(seed, weight) in seeds {
            let Some(doc) = self.document(seed) else {
                continue;
            };
            touched.clear();
            for &(token, seed_weight) in doc {
                for &(candidate, candidate_weight) in self.postings(token) {
                    let c = candidate as usize;
                    if scratch[c] == 0.0 {
                        touched.push(candidate);
                    }
                    scratch[c] += seed_weight * candidate_weight;
                }
            }
            for &candidate in touched.iter() {
                let c = candidate as usize;
                let add = weight * scratch[c] * self.price_factor(seed, c);
                scratch[c] = 0.0;
                score[c] += add;
                if add > best_seed[c].0 {
                    best_seed[c] = (add, seed as u32);
                }
            }
        }
    }

    /// Cosine of two products' token vectors (for diversity).
    pub fn cosine(&self, a: usize, b: usize) -> f32 {
        let (Some(x), Some(y)) = (self.document(a), self.document(b)) else {
            return 0.0;
        };
        let (mut i, mut j, mut dot) = (0, 0, 0f32);
        while i < x.len() && j < y.len() {
            match x[i].0.cmp(&y[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += x[i].1 * y[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }

    /// Approximate heap bytes held, for the memory-per-product report.
    pub fn heap_bytes(&self) -> usize {
        let pair = std::mem::size_of::<(u32, f32)>();
        (self.doc_terms.capacity() + self.post_items.capacity()) * pair
            + (self.doc_start.capacity() + self.post_start.capacity()) * 4
            + self.log_price.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, title: &str, price: Option<f64>, description: Option<&str>) -> Product {
        Product {
            id: id.into(),
            title: title.into(),
            price,
            description: description.map(str::to_string),
            category: vec!["Home".into()],
            ..Product::default()
        }
    }

    fn scores(catalog: &Catalog, seed: usize) -> Vec<f32> {
        let index = ContentIndex::build(catalog);
        let n = catalog.len();
        let mut score = vec![0.0; n];
        let mut best = vec![(0.0, u32::MAX); n];
        index.similar_scores(
            &[(seed, 1.0)],
            &mut score,
            &mut best,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        score
    }

    #[test]
    fn each_field_and_price_moves_similarity() {
        // (candidate a, candidate b): a must score above b against the seed.
        let cases: &[(&str, Product, Product)] = &[
            (
                "whole title beats shared words",
                product("a", "Greek Yogurt Plain", None, None),
                product("b", "Yogurt Greek Style Plain Drink", None, None),
            ),
            (
                "close price beats far price",
                product("a", "Greek Yogurt Plain", Some(2.1), None),
                product("b", "Greek Yogurt Plain", Some(40.0), None),
            ),
            (
                "description counts",
                product("a", "Bowl", None, Some("creamy greek yogurt")),
                product("b", "Bowl", None, Some("steel frame")),
            ),
        ];
        for (name, a, b) in cases {
            let seed = product(
                "seed",
                "Greek Yogurt Plain",
                Some(2.0),
                Some("creamy greek yogurt"),
            );
            let filler: Vec<Product> = (0..20)
                .map(|i| product(&format!("f{i}"), &format!("Filler {i}"), None, None))
                .collect();
            let mut products = vec![seed, a.clone(), b.clone()];
            products.extend(filler);
            let catalog = Catalog::from_products(products).0;
            let s = scores(&catalog, 0);
            assert!(s[1] > s[2], "{name}: {} vs {}", s[1], s[2]);
        }
    }

    #[test]
    fn cosine_is_one_with_itself_and_symmetric() {
        let catalog = Catalog::from_products(vec![
            product("a", "Blue Mug", None, None),
            product("b", "Blue Plate", None, None),
            product("c", "Red Chair", None, None),
        ])
        .0;
        let index = ContentIndex::build(&catalog);
        assert!((index.cosine(0, 0) - 1.0).abs() < 1e-5);
        assert!((index.cosine(0, 1) - index.cosine(1, 0)).abs() < 1e-6);
        assert!(index.cosine(0, 1) > index.cosine(0, 2));
    }
}
