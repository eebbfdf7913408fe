//! Content similarity: an inverted index over each product's title, category
//! path, brand and tags, scored as idf-weighted token overlap.

use std::collections::HashMap;

use crate::core::catalog::{Catalog, Product};
use crate::core::text;

/// Tokens shared by more than this share of the catalog say nothing about
/// similarity and would make scoring touch most of the catalog.
const MAX_DOCUMENT_SHARE: f32 = 0.2;
/// Small catalogs keep every token: scanning them is cheap anyway.
const MIN_POSTINGS_CAP: u32 = 500;

/// Token postings for every product, built once per catalog.
#[derive(Debug, Clone, Default)]
pub struct ContentIndex {
    /// Per product: (token id, weight), the weights pre-normalised.
    documents: Vec<Vec<(u32, f32)>>,
    /// Per token: the products containing it, with the product's weight.
    postings: Vec<Vec<(u32, f32)>>,
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
                    .filter(|&(t, _)| document_frequency[t as usize] <= cap)
                    .map(|(t, w)| {
                        (
                            t,
                            w * (n / document_frequency[t as usize] as f32).ln().max(0.0) + w * 0.1,
                        )
                    })
                    .collect();
                let norm = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm > 0.0 {
                    for (_, w) in &mut weighted {
                        *w /= norm;
                    }
                }
                for &(t, w) in &weighted {
                    postings[t as usize].push((p as u32, w));
                }
                weighted
            })
            .collect();
        Self {
            documents,
            postings,
        }
    }

    /// Adds `weight × cosine(seed, candidate)` to every candidate's score and
    /// remembers, per candidate, the seed that contributed most.
    pub fn similar_into(
        &self,
        seed: usize,
        weight: f32,
        score: &mut [f32],
        best_seed: &mut [(f32, usize)],
    ) {
        let Some(doc) = self.documents.get(seed) else {
            return;
        };
        for &(token, seed_weight) in doc {
            for &(candidate, candidate_weight) in &self.postings[token as usize] {
                let c = candidate as usize;
                let add = weight * seed_weight * candidate_weight;
                score[c] += add;
                if add > best_seed[c].0 {
                    best_seed[c] = (add, seed);
                }
            }
        }
    }
}

/// The tokens of a product with how much each field counts.
fn fields(product: &Product) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = text::tokens(&product.title)
        .into_iter()
        .map(|t| (t, 1.0))
        .collect();
    for (depth, level) in product.category.iter().enumerate() {
        // A category is one token: "Home" and "Home Office" are different places.
        out.push((format!("c{depth}:{}", level.to_lowercase()), 1.5));
    }
    if let Some(brand) = &product.brand {
        out.push((format!("b:{}", brand.to_lowercase()), 0.8));
    }
    for tag in &product.tags {
        out.push((format!("t:{}", tag.to_lowercase()), 0.6));
    }
    out
}
