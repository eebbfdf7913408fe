//! SplitMix64, a tiny deterministic random number generator: sample
//! catalogs (`tailor catalog generate`) and the simulations in tests draw
//! from it so their output is reproducible. Never used for anything a
//! shopper's privacy depends on (the widget's randomized response draws
//! from the browser's crypto source).

/// SplitMix64, written out here rather than taken from a crate: the output
/// must stay byte-identical across toolchains and dependency upgrades (the
/// `rand` crates may change their algorithms and value streams between
/// versions), and this is all the randomness a sample catalog needs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`); the multiply-shift keeps it unbiased
    /// enough for sample data without a rejection loop.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values_and_ranges() {
        // The first outputs for seed 0 from the reference implementation
        // (Vigna, splitmix64.c): the sample catalogs depend on them.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut rng = SplitMix64::new(7);
        for n in [1usize, 2, 3, 10, 1000] {
            for _ in 0..200 {
                assert!(rng.below(n) < n);
                let u = rng.unit();
                assert!((0.0..1.0).contains(&u));
            }
        }
    }
}
