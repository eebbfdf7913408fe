//! The co-purchase and popularity signals: a [`Model`] resolved against the
//! catalog (ids to positions), and the cold-start prior when there is none.

use crate::core::catalog::Catalog;
use crate::core::model::Model;

/// Model neighbours and popularity by catalog position.
#[derive(Debug, Clone, Default)]
pub(crate) struct CoPurchase {
    /// Per catalog position: (neighbour position, similarity), strongest first.
    pub neighbours: Vec<Vec<(u32, f32)>>,
    /// Per catalog position: popularity in [0, 1] (log-scaled counts).
    pub popularity: Vec<f32>,
}

impl CoPurchase {
    /// Maps the model onto the catalog; model ids the catalog lacks are
    /// dropped. `None` when the catalog has none of them (a model of
    /// another shop): linking it would only take the content signal away.
    pub fn link(model: &Model, catalog: &Catalog) -> Option<Self> {
        let n = catalog.len();
        let position: Vec<Option<u32>> = model
            .ids()
            .iter()
            .map(|id| catalog.position(id).map(|p| p as u32))
            .collect();
        if position.iter().all(Option::is_none) {
            return None;
        }
        let mut neighbours = vec![Vec::new(); n];
        let mut counts = vec![0u32; n];
        for (item, pos) in position.iter().enumerate() {
            let Some(pos) = *pos else { continue };
            counts[pos as usize] = model.popularity(item);
            neighbours[pos as usize] = model
                .neighbours(item)
                .iter()
                .filter_map(|&(j, w)| position.get(j as usize).copied().flatten().map(|p| (p, w)))
                .collect();
        }
        let max = counts.iter().copied().max().unwrap_or(0) as f32;
        let popularity = counts
            .iter()
            .map(|&c| {
                if max > 0.0 {
                    (1.0 + c as f32).ln() / (1.0 + max).ln()
                } else {
                    0.0
                }
            })
            .collect();
        Some(Self {
            neighbours,
            popularity,
        })
    }

    /// Adds Σ seed_weight × similarity to every neighbour of the seeds and
    /// remembers the strongest seed per candidate.
    pub fn scores(&self, seeds: &[(usize, f32)], score: &mut [f32], best_seed: &mut [(f32, u32)]) {
        for &(seed, weight) in seeds {
            let Some(list) = self.neighbours.get(seed) else {
                continue;
            };
            for &(candidate, similarity) in list {
                let c = candidate as usize;
                let add = weight * similarity;
                score[c] += add;
                if add > best_seed[c].0 {
                    best_seed[c] = (add, seed as u32);
                }
            }
        }
    }
}

/// Without a model, feed order is the only popularity a shop gives us
/// (shops tend to list best sellers first): 1 for the first product, slowly
/// falling.
pub(crate) fn catalog_order_prior(position: usize) -> f32 {
    1.0 / (1.0 + (1.0 + position as f32).ln())
}
