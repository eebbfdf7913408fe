//! Local differential privacy by randomized response, and the unbiased
//! estimates the dashboard computes from randomized reports.
//!
//! A value from `k` possible ones is kept with probability
//! `p = e^ε / (e^ε + k − 1)` and otherwise replaced by one of the other
//! `k − 1` values, each with probability `q = 1 / (e^ε + k − 1)`. Any two true
//! values give any report with probabilities at most `p / q = e^ε` apart:
//! ε-local differential privacy, whatever the collector does. Tailor uses
//! ε = ln 3 ([`EPSILON`]): a yes/no bit is told truthfully 3 times in 4, a
//! CSAT score (k = 5) 3 times in 7. Over `n` reports with `c_v` saying `v`,
//! `(c_v − n·q) / (p − q)` estimates how many truly were `v`, without bias.
//!
//! Randomness is passed in (a uniform number in [0, 1)); nothing here draws it.

/// The privacy budget of one randomized report: ln 3.
pub const EPSILON: f64 = 1.098_612_288_668_109_8;

/// Keep and swap probabilities `(p, q)` for `k` values at `epsilon`.
pub fn probabilities(k: usize, epsilon: f64) -> (f64, f64) {
    let e = epsilon.exp();
    let denominator = e + k.saturating_sub(1) as f64;
    (e / denominator, 1.0 / denominator)
}

/// Randomized response on `value` (an index `0..k`), given `uniform` in [0, 1).
/// Out-of-range input is clamped rather than refused: the result is always a
/// valid index.
pub fn randomize(value: usize, k: usize, epsilon: f64, uniform: f64) -> usize {
    if k < 2 {
        return 0;
    }
    let value = value.min(k - 1);
    let uniform = if uniform.is_finite() {
        uniform.clamp(0.0, 1.0 - f64::EPSILON)
    } else {
        0.0
    };
    let (keep, _) = probabilities(k, epsilon);
    if uniform < keep {
        return value;
    }
    // Spread the rest of [keep, 1) evenly over the other k − 1 values.
    let other = (((uniform - keep) / (1.0 - keep)) * (k - 1) as f64) as usize;
    let other = other.min(k - 2);
    if other >= value {
        other + 1
    } else {
        other
    }
}

/// Randomized response on one yes/no bit.
pub fn randomize_bit(bit: bool, epsilon: f64, uniform: f64) -> bool {
    randomize(usize::from(bit), 2, epsilon, uniform) == 1
}

/// Unbiased estimates of the true counts per value from the counts of
/// randomized reports. Estimates can be negative or fractional for small
/// samples; callers round or clamp for display.
pub fn estimate(reported: &[u64], epsilon: f64) -> Vec<f64> {
    let k = reported.len();
    if k < 2 {
        return reported.iter().map(|&c| c as f64).collect();
    }
    let n: u64 = reported.iter().sum();
    let (p, q) = probabilities(k, epsilon);
    reported
        .iter()
        .map(|&c| (c as f64 - n as f64 * q) / (p - q))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::splitmix::SplitMix64;

    #[test]
    fn probabilities_match_epsilon() {
        for k in [2usize, 5, 7, 11] {
            let (p, q) = probabilities(k, EPSILON);
            assert!((p / q - 3.0).abs() < 1e-9, "k={k}");
            assert!((p + (k - 1) as f64 * q - 1.0).abs() < 1e-9, "k={k}");
        }
        assert!((probabilities(2, EPSILON).0 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn randomize_is_always_a_valid_index_and_follows_p() {
        let mut rng = SplitMix64::new(7);
        for k in [2usize, 5, 7, 11] {
            let (p, _) = probabilities(k, EPSILON);
            let trials = 40_000;
            let mut kept = 0;
            let mut seen = vec![0u32; k];
            for i in 0..trials {
                let value = i % k;
                let out = randomize(value, k, EPSILON, rng.unit());
                assert!(out < k);
                seen[out] += 1;
                kept += usize::from(out == value);
            }
            let rate = kept as f64 / trials as f64;
            assert!((rate - p).abs() < 0.02, "k={k}: kept {rate}, expected {p}");
            assert!(seen.iter().all(|&c| c > 0), "k={k}: {seen:?}");
        }
        for uniform in [f64::NAN, -1.0, 1.0, 2.0] {
            assert!(randomize(9, 5, EPSILON, uniform) < 5);
        }
        assert_eq!(randomize(3, 1, EPSILON, 0.5), 0);
    }

    #[test]
    fn estimates_converge_to_the_true_distribution() {
        // Skewed CSAT answers (scores 1..=5 as indexes 0..5), as shops see.
        let truth = [0.05, 0.05, 0.10, 0.30, 0.50];
        let mut rng = SplitMix64::new(42);
        let mut errors = Vec::new();
        for n in [1_000usize, 10_000, 100_000] {
            let mut reported = [0u64; 5];
            for i in 0..n {
                // Deterministic true values in the exact proportions.
                let x = (i as f64 + 0.5) / n as f64;
                let mut acc = 0.0;
                let value = truth
                    .iter()
                    .position(|share| {
                        acc += share;
                        x < acc
                    })
                    .unwrap_or(4);
                reported[randomize(value, 5, EPSILON, rng.unit())] += 1;
            }
            let est = estimate(&reported, EPSILON);
            let total: f64 = est.iter().sum();
            assert!((total - n as f64).abs() < 1e-6, "estimates sum to n");
            let worst = est
                .iter()
                .zip(truth)
                .map(|(e, t)| (e / n as f64 - t).abs())
                .fold(0.0, f64::max);
            errors.push(worst);
        }
        assert!(
            errors[2] < 0.01,
            "100k reports: worst share error {}",
            errors[2]
        );
        assert!(errors[2] < errors[0], "error shrinks with n: {errors:?}");
    }

    #[test]
    fn bits_estimate_the_true_rate() {
        let mut rng = SplitMix64::new(3);
        let n = 50_000;
        let true_rate = 0.2;
        let mut yes = 0u64;
        for i in 0..n {
            let bit = (i as f64) < true_rate * n as f64;
            yes += u64::from(randomize_bit(bit, EPSILON, rng.unit()));
        }
        let est = estimate(&[n as u64 - yes, yes], EPSILON);
        assert!((est[1] / n as f64 - true_rate).abs() < 0.01, "{est:?}");
    }
}
