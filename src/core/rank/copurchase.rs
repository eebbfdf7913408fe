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

/// Maps a [`Model`] onto the catalog (ids to positions) a batch of items
/// at a time ([`Self::step`]), so a caller on a browser's main thread can
/// yield between batches. Model ids the catalog lacks are dropped; `None`
/// when the catalog has none of them (a model of another shop): linking it
/// would only take the content signal away.
#[derive(Debug)]
pub(crate) struct Linker {
    stage: Linking,
    at: usize,
    ids: std::vec::IntoIter<String>,
    model_popularity: Vec<u32>,
    model_neighbours: std::vec::IntoIter<Vec<(u32, f32)>>,
    /// Per model item: its catalog position.
    position: Vec<Option<u32>>,
    neighbours: Vec<Vec<(u32, f32)>>,
    counts: Vec<u32>,
    /// The largest count, once every item's is known.
    max_count: f32,
    popularity: Vec<f32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Linking {
    /// Each model id's catalog position (the ids are freed as they go).
    Positions,
    /// Each linked item's neighbours and count.
    Neighbours,
    /// Counts scaled to [0, 1] per catalog position.
    Popularity,
    Done,
    /// None of the model's ids is in the catalog.
    Unrelated,
}

impl Linker {
    pub fn new(model: Model) -> Self {
        let (ids, popularity, neighbours) = model.into_parts();
        Self {
            stage: Linking::Positions,
            at: 0,
            position: Vec::with_capacity(ids.len()),
            ids: ids.into_iter(),
            model_popularity: popularity,
            model_neighbours: neighbours.into_iter(),
            neighbours: Vec::new(),
            counts: Vec::new(),
            max_count: 0.0,
            popularity: Vec::new(),
        }
    }

    /// Does up to `batch` items' worth of linking; true once done.
    pub fn step(&mut self, batch: usize, catalog: &Catalog) -> bool {
        let batch = batch.max(1);
        let n = catalog.len();
        match self.stage {
            Linking::Positions => {
                let before = self.position.len();
                self.position.extend(
                    self.ids
                        .by_ref()
                        .take(batch)
                        .map(|id| catalog.position(&id).map(|p| p as u32)),
                );
                if self.position.len() - before < batch {
                    self.stage = if self.position.iter().all(Option::is_none) {
                        Linking::Unrelated
                    } else {
                        self.neighbours = vec![Vec::new(); n];
                        self.counts = vec![0u32; n];
                        Linking::Neighbours
                    };
                }
            }
            Linking::Neighbours => {
                let position = &self.position;
                let mut done = 0;
                for list in self.model_neighbours.by_ref().take(batch) {
                    let item = self.at + done;
                    done += 1;
                    let Some(pos) = position.get(item).copied().flatten() else {
                        continue;
                    };
                    self.counts[pos as usize] =
                        self.model_popularity.get(item).copied().unwrap_or(0);
                    self.neighbours[pos as usize] = list
                        .iter()
                        .filter_map(|&(j, w)| {
                            position.get(j as usize).copied().flatten().map(|p| (p, w))
                        })
                        .collect();
                }
                self.at += done;
                if done < batch {
                    self.at = 0;
                    self.stage = Linking::Popularity;
                    self.popularity.reserve_exact(n);
                    self.max_count = self.counts.iter().copied().max().unwrap_or(0) as f32;
                }
            }
            Linking::Popularity => {
                let max = self.max_count;
                let to = self.at.saturating_add(batch).min(n);
                self.popularity
                    .extend(self.counts[self.at..to].iter().map(|&c| {
                        if max > 0.0 {
                            (1.0 + c as f32).ln() / (1.0 + max).ln()
                        } else {
                            0.0
                        }
                    }));
                self.at = to;
                if to >= n {
                    self.stage = Linking::Done;
                }
            }
            Linking::Done | Linking::Unrelated => {}
        }
        matches!(self.stage, Linking::Done | Linking::Unrelated)
    }

    /// The linked model, `None` when it shares no product with the catalog;
    /// whatever [`Self::step`] has not done is done first.
    pub fn finish(mut self, catalog: &Catalog) -> Option<CoPurchase> {
        while !self.step(usize::MAX, catalog) {}
        (self.stage == Linking::Done).then_some(CoPurchase {
            neighbours: self.neighbours,
            popularity: self.popularity,
        })
    }
}

/// Without a model, feed order is the only popularity a shop gives us
/// (shops tend to list best sellers first): 1 for the first product, slowly
/// falling.
pub(crate) fn catalog_order_prior(position: usize) -> f32 {
    1.0 / (1.0 + (1.0 + position as f32).ln())
}

/// At least [`catalog_order_prior`] of `position`, without a logarithm:
/// with 2^k ≤ 1 + position, ln(1 + position) ≥ k ln 2, and the 1e-3 margin
/// covers the rounding of both.
pub(crate) fn order_prior_bound(position: usize) -> f32 {
    let k = position.saturating_add(1).ilog2() as f32;
    1.001 / (1.0 + k * std::f32::consts::LN_2)
}
