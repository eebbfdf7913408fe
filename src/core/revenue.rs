//! Revenue share per slot, measured without amounts leaving the device.
//!
//! On the device, a day's purchases add up to the day's revenue, and the
//! part of it spent on products the shopper had clicked in a slot is that
//! slot's revenue. The daily report carries, per slot, one value out of
//! [`VALUES`]: [`NO_PURCHASE`] (no priced purchase that day) or a share level
//! `1 + i` meaning `i / STEPS` of the day's revenue. The exact share is
//! rounded at random to one of its two neighbouring levels (so its
//! expectation is the exact share), then the value goes through randomized
//! response over the six values (`core::dp`, ε = ln 3: told truthfully with
//! probability 3/8, otherwise one of the other five values). No amount, no
//! order, no product is ever reported; a report is always present, so its
//! presence says nothing about a purchase either.
//!
//! The collector inverts the randomization ([`estimate`]): the estimated
//! number of buying device-days and the estimated sum of their shares are
//! both unbiased; their ratio, the average share of a buying device-day's
//! revenue that went to products clicked in the slot, is consistent (its
//! error shrinks as 1/√n). Each buying device-day weighs the same, so one
//! large order cannot dominate the figure.

use crate::core::dp;

/// A share is reported in quarters: 0, ¼, ½, ¾ or 1.
pub const STEPS: usize = 4;
/// Number of values a slot's revenue report can take.
pub const VALUES: usize = STEPS + 2;
/// The value meaning "no priced purchase on this device that day".
pub const NO_PURCHASE: usize = 0;

/// The true (not yet randomized) value for a slot: [`NO_PURCHASE`] when the
/// day had no revenue, else `1 + level` with the share `slot / day` rounded
/// down or up to a quarter, up with probability equal to the remainder
/// (`uniform` in [0, 1)), so the expected level is exactly the share.
/// Negative or non-finite amounts count as nothing.
pub fn level(slot_revenue: f64, day_revenue: f64, uniform: f64) -> usize {
    let amount = |x: f64| if x.is_finite() { x.max(0.0) } else { 0.0 };
    let day = amount(day_revenue);
    if day <= 0.0 {
        return NO_PURCHASE;
    }
    let share = (amount(slot_revenue) / day).clamp(0.0, 1.0);
    let scaled = share * STEPS as f64;
    let low = scaled.floor();
    let up = uniform < scaled - low;
    1 + (low as usize + usize::from(up)).min(STEPS)
}

/// What a slot reports: its [`level`] through randomized response. Two
/// independent uniform numbers: one for the rounding, one for the response.
pub fn report(slot_revenue: f64, day_revenue: f64, round: f64, respond: f64) -> u8 {
    let value = level(slot_revenue, day_revenue, round);
    // `randomize` always returns an index below VALUES (6).
    dp::randomize(value, VALUES, dp::EPSILON, respond) as u8
}

/// The dashboard's estimate from one slot's reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareEstimate {
    /// Estimated device-days with a priced purchase (unbiased).
    pub buying: f64,
    /// Estimated sum of those days' shares (unbiased).
    pub share_sum: f64,
}

impl ShareEstimate {
    /// The average share of a buying device-day's revenue that went to
    /// products clicked in the slot, in [0, 1]; `None` while the estimate
    /// rests on less than one buying device-day.
    pub fn share(&self) -> Option<f64> {
        (self.buying >= 1.0).then(|| (self.share_sum / self.buying).clamp(0.0, 1.0))
    }
}

/// Estimates from the number of reports of each value (`reported[v]` =
/// reports saying `v`; missing values count as zero, extra ones are ignored).
pub fn estimate(reported: &[u64]) -> ShareEstimate {
    let mut counts = [0u64; VALUES];
    for (count, &r) in counts.iter_mut().zip(reported) {
        *count = r;
    }
    let estimated = dp::estimate(&counts, dp::EPSILON);
    let buying: f64 = estimated[1..].iter().sum();
    let share_sum = estimated[1..]
        .iter()
        .enumerate()
        .map(|(i, e)| e * i as f64 / STEPS as f64)
        .sum();
    ShareEstimate { buying, share_sum }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::splitmix::SplitMix64;

    #[test]
    fn levels() {
        // (slot revenue, day revenue, rounding draw, value)
        let cases = [
            (0.0, 0.0, 0.5, NO_PURCHASE),
            (10.0, 0.0, 0.5, NO_PURCHASE),
            (10.0, -5.0, 0.5, NO_PURCHASE),
            (10.0, f64::NAN, 0.5, NO_PURCHASE),
            (0.0, 40.0, 0.99, 1),
            (10.0, 40.0, 0.99, 2),
            (10.0, 40.0, 0.0, 2),
            (40.0, 40.0, 0.99, 5),
            (80.0, 40.0, 0.0, 5),
            (-3.0, 40.0, 0.0, 1),
            (f64::INFINITY, 40.0, 0.0, 1),
            // 30 % is 1.2 quarters: up to ½ when the draw is under 0.2.
            (12.0, 40.0, 0.1, 3),
            (12.0, 40.0, 0.3, 2),
            // 90 %: 3.6 quarters.
            (36.0, 40.0, 0.5, 5),
            (36.0, 40.0, 0.7, 4),
        ];
        for (slot, day, draw, value) in cases {
            assert_eq!(
                level(slot, day, draw),
                value,
                "{slot} of {day}, draw {draw}"
            );
        }
        for respond in [0.0, 0.3, 0.6, 0.999, f64::NAN] {
            assert!(usize::from(report(5.0, 20.0, 0.5, respond)) < VALUES);
        }
    }

    #[test]
    fn rounding_keeps_the_exact_share_on_average() {
        let mut rng = SplitMix64::new(11);
        for share in [0.0, 0.05, 0.3, 0.5, 0.62, 0.9, 1.0] {
            let n = 20_000;
            let mean = (0..n)
                .map(|_| (level(share * 80.0, 80.0, rng.unit()) - 1) as f64 / STEPS as f64)
                .sum::<f64>()
                / n as f64;
            assert!((mean - share).abs() < 0.01, "share {share}: mean {mean}");
        }
    }

    /// One simulated population: how many device-days, which share of them
    /// bought, and each buyer's true share of revenue from the slot.
    struct Population {
        devices: usize,
        buying_rate: f64,
        share_of: fn(usize) -> f64,
    }

    fn simulate(p: &Population, rng: &mut SplitMix64) -> (ShareEstimate, f64, f64) {
        let mut counts = [0u64; VALUES];
        let (mut buying, mut share_sum) = (0.0, 0.0);
        for i in 0..p.devices {
            let buys = (i as f64 + 0.5) / (p.devices as f64) < p.buying_rate;
            let (slot, day) = if buys {
                let share = (p.share_of)(i);
                buying += 1.0;
                share_sum += share;
                (share * 50.0, 50.0)
            } else {
                (0.0, 0.0)
            };
            counts[usize::from(report(slot, day, rng.unit(), rng.unit()))] += 1;
        }
        (estimate(&counts), buying, share_sum)
    }

    #[test]
    fn estimates_are_unbiased_over_many_simulated_populations() {
        let populations = [
            Population {
                devices: 2_000,
                buying_rate: 0.1,
                share_of: |_| 0.0,
            },
            Population {
                devices: 2_000,
                buying_rate: 0.1,
                share_of: |i| if i % 3 == 0 { 1.0 } else { 0.0 },
            },
            Population {
                devices: 1_000,
                buying_rate: 0.3,
                share_of: |i| (i % 10) as f64 / 10.0,
            },
            Population {
                devices: 3_000,
                buying_rate: 0.05,
                share_of: |i| if i % 2 == 0 { 0.37 } else { 0.81 },
            },
            Population {
                devices: 500,
                buying_rate: 1.0,
                share_of: |_| 0.25,
            },
        ];
        let mut rng = SplitMix64::new(2026);
        let runs = 400;
        for (case, p) in populations.iter().enumerate() {
            let (mut mean_buying, mut mean_sum) = (0.0, 0.0);
            let (mut true_buying, mut true_sum) = (0.0, 0.0);
            let (mut sq_buying, mut sq_sum) = (0.0, 0.0);
            for _ in 0..runs {
                let (est, buying, share_sum) = simulate(p, &mut rng);
                mean_buying += est.buying / runs as f64;
                mean_sum += est.share_sum / runs as f64;
                sq_buying += est.buying * est.buying / runs as f64;
                sq_sum += est.share_sum * est.share_sum / runs as f64;
                (true_buying, true_sum) = (buying, share_sum);
            }
            // The mean of `runs` unbiased estimates is within 4 standard
            // errors of the truth (the spread of one run, measured, over √runs).
            let standard_error =
                |mean: f64, sq: f64| (sq - mean * mean).max(0.0).sqrt() / (runs as f64).sqrt();
            let tolerance = 4.0 * standard_error(mean_sum, sq_sum);
            assert!(
                (mean_sum - true_sum).abs() < tolerance,
                "case {case}: share sum {mean_sum:.2} vs {true_sum:.2} (± {tolerance:.2})"
            );
            let tolerance = 4.0 * standard_error(mean_buying, sq_buying);
            assert!(
                (mean_buying - true_buying).abs() < tolerance,
                "case {case}: buying {mean_buying:.1} vs {true_buying} (± {tolerance:.1})"
            );
        }
    }

    #[test]
    fn the_share_converges_with_more_devices() {
        let mut rng = SplitMix64::new(5);
        let mut errors = Vec::new();
        for devices in [2_000, 20_000, 200_000] {
            let p = Population {
                devices,
                buying_rate: 0.2,
                share_of: |i| if i % 4 == 0 { 0.9 } else { 0.1 },
            };
            let (est, buying, share_sum) = simulate(&p, &mut rng);
            let share = est.share().unwrap_or(f64::NAN);
            errors.push((share - share_sum / buying).abs());
        }
        assert!(errors[2] < 0.03, "200 000 device-days: error {errors:?}");
        assert!(errors[2] < errors[0], "error shrinks: {errors:?}");
    }

    #[test]
    fn no_share_without_buyers() {
        assert_eq!(estimate(&[]).share(), None);
        assert_eq!(estimate(&[10]).share(), None);
        // Reports saying "no purchase" only: the estimate of buyers is negative.
        assert_eq!(estimate(&[100, 0, 0, 0, 0, 0]).share(), None);
        let extra = estimate(&[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(extra, estimate(&[1, 2, 3, 4, 5, 6]));
    }
}
