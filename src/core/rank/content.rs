//! Content similarity: an inverted index over each product's title (its words
//! and the whole title as one token, so variants of one product line match),
//! category path, brand, tags and description, scored as the cosine of
//! idf-weighted token vectors, damped when prices are far apart (a 2 € and a
//! 200 € kettle are not alternatives).

use std::collections::HashMap;

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

/// Token postings for every product, built once per catalog.
#[derive(Debug, Clone, Default)]
pub struct ContentIndex {
    /// Per product: (token id, weight), sorted by token, unit length.
    documents: Vec<Vec<(u32, f32)>>,
    /// Per token: the products containing it, with the product's weight.
    postings: Vec<Vec<(u32, f32)>>,
    /// ln(price), NaN when unknown.
    log_price: Vec<f32>,
}

impl ContentIndex {
    pub fn build(catalog: &Catalog) -> Self {
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut raw: Vec<Vec<(u32, f32)>> = Vec::with_capacity(catalog.len());
        for product in catalog.products() {
            let mut doc: Vec<(u32, f32)> = Vec::new();
            for (token, field_weight) in fields(product) {
                let next = vocabulary.len() as u32;
                let id = *vocabulary.entry(token).or_insert(next);
                match doc.iter_mut().find(|(t, _)| *t == id) {
                    Some((_, w)) => *w = w.max(field_weight),
                    None => doc.push((id, field_weight)),
                }
            }
            raw.push(doc);
        }
        let mut document_frequency = vec![0u32; vocabulary.len()];
        for doc in &raw {
            for &(t, _) in doc {
                document_frequency[t as usize] += 1;
            }
        }
        let n = catalog.len().max(1) as f32;
        let cap = ((n * MAX_DOCUMENT_SHARE) as u32).max(MIN_POSTINGS_CAP);
        let mut postings = vec![Vec::new(); vocabulary.len()];
        let documents = raw
            .into_iter()
            .enumerate()
            .map(|(p, doc)| {
                let mut weighted: Vec<(u32, f32)> = doc
                    .into_iter()
                    .map(|(t, w)| {
                        let df = document_frequency[t as usize] as f32;
                        (t, w * ((n / df).ln().max(0.0) + 0.1))
                    })
                    .collect();
                // Normalise over every token, index only the selective ones:
                // a very common token still dilutes a document's vector.
                let norm = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm > 0.0 {
                    for (_, w) in &mut weighted {
                        *w /= norm;
                    }
                }
                weighted.retain(|&(t, _)| document_frequency[t as usize] <= cap);
                weighted.sort_unstable_by_key(|&(t, _)| t);
                for &(t, w) in &weighted {
                    postings[t as usize].push((p as u32, w));
                }
                weighted
            })
            .collect();
        let log_price = catalog
            .products()
            .iter()
            .map(|p| match p.price {
                Some(x) if x > 0.0 && x.is_finite() => (x as f32).ln(),
                _ => f32::NAN,
            })
            .collect();
        Self {
            documents,
            postings,
            log_price,
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
            let Some(doc) = self.documents.get(seed) else {
                continue;
            };
            touched.clear();
            for &(token, seed_weight) in doc {
                for &(candidate, candidate_weight) in &self.postings[token as usize] {
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
        let (Some(x), Some(y)) = (self.documents.get(a), self.documents.get(b)) else {
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
        let vec = std::mem::size_of::<Vec<(u32, f32)>>();
        self.documents
            .iter()
            .chain(&self.postings)
            .map(|d| d.capacity() * pair + vec)
            .sum::<usize>()
            + self.log_price.capacity() * 4
    }
}

/// The tokens of a product with how much each field counts.
fn fields(product: &Product) -> Vec<(String, f32)> {
    let title_tokens = text::tokens(&product.title);
    let mut out: Vec<(String, f32)> = Vec::with_capacity(title_tokens.len() + 8);
    if title_tokens.len() > 1 {
        out.push((format!("T:{}", title_tokens.join(" ")), FIELDS.whole_title));
    }
    out.extend(title_tokens.into_iter().map(|t| (t, FIELDS.title_word)));
    let mut path = String::new();
    for (depth, level) in product.category.iter().enumerate() {
        // A category is one token per path prefix: "Home > Office" and
        // "Office" are different places.
        path.push('>');
        path.push_str(&text::fold(level));
        out.push((format!("c{depth}:{path}"), FIELDS.category));
    }
    if let Some(brand) = &product.brand {
        out.push((format!("b:{}", text::fold(brand)), FIELDS.brand));
    }
    for tag in &product.tags {
        out.push((format!("t:{}", text::fold(tag)), FIELDS.tag));
    }
    if let Some(description) = &product.description {
        out.extend(
            text::tokens(description)
                .into_iter()
                .take(MAX_DESCRIPTION_TOKENS)
                .map(|t| (t, FIELDS.description)),
        );
    }
    out
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
