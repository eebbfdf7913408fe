//! Diversity by maximal marginal relevance: the next pick maximises
//! `(1 - λ) × score / best_score - λ × max similarity to what is already
//! picked`, so a rail is not ten shades of the same product.

/// Re-ranks `candidates` (best first, (product, score)) and returns at most
/// `limit` of them. `lambda` = 0 keeps the score order.
pub(crate) fn rerank(
    candidates: &[(usize, f32)],
    limit: usize,
    lambda: f32,
    similarity: impl Fn(usize, usize) -> f32,
) -> Vec<(usize, f32)> {
    let lambda = lambda.clamp(0.0, 1.0);
    if lambda == 0.0 || candidates.len() <= 1 {
        return candidates.iter().take(limit).copied().collect();
    }
    let top = candidates
        .iter()
        .map(|c| c.1)
        .fold(f32::MIN_POSITIVE, f32::max);
    let mut left: Vec<(usize, f32, f32)> = candidates.iter().map(|&(p, s)| (p, s, 0.0)).collect();
    let mut out: Vec<(usize, f32)> = Vec::with_capacity(limit.min(candidates.len()));
    while out.len() < limit && !left.is_empty() {
        let mut best = 0;
        let mut best_value = f32::NEG_INFINITY;
        for (i, &(_, score, redundancy)) in left.iter().enumerate() {
            let value = (1.0 - lambda) * score / top - lambda * redundancy;
            if value > best_value {
                best_value = value;
                best = i;
            }
        }
        let (picked, score, _) = left.remove(best);
        out.push((picked, score));
        for entry in &mut left {
            entry.2 = entry.2.max(similarity(picked, entry.0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmr_trades_score_for_variety() {
        // Products 0..3 are near-duplicates of each other; 3 is different.
        let sim = |a: usize, b: usize| if a < 3 && b < 3 { 0.95 } else { 0.0 };
        let candidates = [(0, 1.0), (1, 0.99), (2, 0.98), (3, 0.7)];
        let cases: &[(f32, &[usize])] = &[(0.0, &[0, 1, 2]), (0.3, &[0, 3, 1]), (1.0, &[0, 3, 1])];
        for &(lambda, want) in cases {
            let got: Vec<usize> = rerank(&candidates, 3, lambda, sim)
                .iter()
                .map(|c| c.0)
                .collect();
            assert_eq!(got, want, "lambda {lambda}");
        }
    }
}
