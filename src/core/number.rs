//! Decimal text to `f64`, giving exactly what `str::parse::<f64>` gives (same
//! accepted syntax, same correctly rounded value, bit for bit), in a fraction
//! of its wasm bytes.
//!
//! The standard library's parser carries a 10 KB table of 128-bit powers of
//! five (Eisel-Lemire) that does not compress: about 11 KB of the widget's
//! brotli payload for reading a few prices, dates and settings. Here common
//! numbers (`12.99`, `1700000000`) take Clinger's exact fast path (at most 15
//! digits, a power of ten up to 22: one correctly rounded IEEE operation) and
//! the rest an exact big-integer division, slower but small. The tests check
//! every result against the standard parser, halfway cases included.

/// `text` as `f64` exactly as `text.parse::<f64>().ok()`: an optional sign,
/// then `inf`, `infinity` or `nan` (any case), or digits with an optional
/// `.` and fraction (at least one digit in all) and an optional exponent
/// (`e` or `E`, optional sign, at least one digit). Nothing else, no spaces.
pub fn parse_f64(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if rest.is_empty() {
        return None;
    }
    let magnitude = match Decimal::read(rest) {
        Some(decimal) => decimal.to_f64(),
        None => special(rest)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `inf`, `infinity` and `nan` in any case, as the standard parser reads them.
fn special(text: &[u8]) -> Option<f64> {
    if text.eq_ignore_ascii_case(b"inf") || text.eq_ignore_ascii_case(b"infinity") {
        Some(f64::INFINITY)
    } else if text.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

/// Significant digits kept: a value halfway between two doubles needs at
/// most 767, so the digits past these only matter as "some were non-zero".
const MAX_DIGITS: usize = 800;
/// Exponents are read up to this and saturate past it, as in the standard
/// parser: every such number is already infinite or zero.
const EXPONENT_CAP: i64 = 0x10000;

/// A decimal number `digits × 10^exponent` with no leading or trailing zero
/// digit (`digits` empty for zero).
struct Decimal {
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// Reads the whole of `text` as a decimal number, or `None` when it is not
    /// one (the caller then tries `inf` and `nan`).
    fn read(text: &[u8]) -> Option<Decimal> {
        let mut digits = Vec::new();
        let mut exponent: i64 = 0;
        let mut seen_digit = false;
        let mut after_dot = false;
        let mut i = 0;
        while let Some(&b) = text.get(i) {
            match b {
                b'0'..=b'9' => {
                    seen_digit = true;
                    if after_dot {
                        exponent -= 1;
                    }
                    if b != b'0' || !digits.is_empty() {
                        digits.push(b - b'0');
                    }
                }
                b'.' if !after_dot => after_dot = true,
                _ => break,
            }
            i += 1;
        }
        if !seen_digit {
            return None;
        }
        if let Some(b'e' | b'E') = text.get(i) {
            i += 1;
            let negative = match text.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let start = i;
            let mut written: i64 = 0;
            while let Some(&b) = text.get(i).filter(|b| b.is_ascii_digit()) {
                if written < EXPONENT_CAP {
                    written = written * 10 + i64::from(b - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            exponent += if negative { -written } else { written };
        }
        if i != text.len() {
            return None;
        }
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        if digits.len() > MAX_DIGITS {
            // The last digit is non-zero, so what is cut was not zero: a
            // final 1 keeps the value strictly between the same neighbours.
            exponent += (digits.len() - MAX_DIGITS) as i64;
            digits.truncate(MAX_DIGITS - 1);
            digits.push(1);
        }
        Some(Decimal { digits, exponent })
    }

    /// The nearest `f64` (ties to even), infinity past the largest.
    fn to_f64(&self) -> f64 {
        let count = self.digits.len() as i64;
        // The value lies in [10^(count + exponent - 1), 10^(count + exponent)).
        if count == 0 || count + self.exponent <= -324 {
            return 0.0;
        }
        if count + self.exponent > 310 {
            return f64::INFINITY;
        }
        if count <= 15 && self.exponent.abs() <= 22 {
            // Clinger: both operands are exact, so one operation rounds correctly.
            let whole = self.digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
            let scale = (0..self.exponent.abs()).fold(1.0f64, |p, _| p * 10.0);
            return if self.exponent < 0 {
                whole / scale
            } else {
                whole * scale
            };
        }
        self.to_f64_exact()
    }

    /// The slow exact path: `numerator / denominator` scaled by a power of two
    /// until the quotient has 53 bits, then rounded on the remainder.
    fn to_f64_exact(&self) -> f64 {
        let mut numerator = Big::from_digits(&self.digits);
        let mut denominator = Big::one();
        if self.exponent >= 0 {
            numerator.mul_pow10(self.exponent as u32);
        } else {
            denominator.mul_pow10(self.exponent.unsigned_abs() as u32);
        }
        // Find `shift` with 2^52 ≤ numerator·2^shift / denominator < 2^53.
        let mut shift = 53 + denominator.bits() as i64 - numerator.bits() as i64;
        loop {
            let (n, d) = scaled(&numerator, &denominator, shift, 53);
            if n >= d {
                shift -= 1;
                continue;
            }
            let (n, d) = scaled(&numerator, &denominator, shift, 52);
            if n < d {
                shift += 1;
                continue;
            }
            break;
        }
        // Below the smallest normal the step is fixed at 2^-1074 (subnormals).
        let shift = shift.min(1074);
        let (mut remainder, mut divisor) = scaled(&numerator, &denominator, shift, 0);
        divisor.shift_left(53);
        let mut mantissa: u64 = 0;
        for bit in (0..=53).rev() {
            if remainder >= divisor {
                remainder.subtract(&divisor);
                mantissa |= 1 << bit;
            }
            if bit > 0 {
                divisor.shift_right_one();
            }
        }
        // `divisor` is the denominator again: compare twice the remainder with it.
        remainder.shift_left(1);
        if remainder > divisor || (remainder == divisor && mantissa & 1 == 1) {
            mantissa += 1;
        }
        let mut shift = shift;
        if mantissa == 1 << 53 {
            mantissa >>= 1;
            shift -= 1;
        }
        let biased = 1075 - shift;
        if biased >= 0x7ff {
            return f64::INFINITY;
        }
        if mantissa < 1 << 52 {
            // Subnormal (`shift` is 1074): the exponent field is zero.
            return f64::from_bits(mantissa);
        }
        f64::from_bits(((biased as u64) << 52) | (mantissa & ((1 << 52) - 1)))
    }
}

/// `numerator·2^shift` and `denominator·2^extra`, a negative shift moving
/// to the denominator, for comparing the quotient with `2^extra`.
fn scaled(numerator: &Big, denominator: &Big, shift: i64, extra: u32) -> (Big, Big) {
    let mut n = numerator.clone();
    let mut d = denominator.clone();
    if shift >= 0 {
        n.shift_left(shift as u32);
    } else {
        d.shift_left(shift.unsigned_abs() as u32);
    }
    d.shift_left(extra);
    (n, d)
}

/// A non-negative big integer, little-endian 32-bit limbs, no high zero limb.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0u32, |n, &d| n * 10 + u32::from(d));
            big.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        big
    }

    /// `self = self × factor + add`.
    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power > 0 {
            let step = power.min(9);
            self.mul_add(10u32.pow(step), 0);
            power -= step;
        }
    }

    fn bits(&self) -> u32 {
        match self.0.last() {
            Some(top) => 32 * (self.0.len() as u32 - 1) + (32 - top.leading_zeros()),
            None => 0,
        }
    }

    fn shift_left(&mut self, by: u32) {
        if self.0.is_empty() {
            return;
        }
        let (limbs, bits) = ((by / 32) as usize, by % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 {
            let mut shifted = vec![0; limbs];
            shifted.append(&mut self.0);
            self.0 = shifted;
        }
    }

    fn shift_right_one(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let next = *limb << 31;
            *limb = (*limb >> 1) | carry;
            carry = next;
        }
        self.trim();
    }

    /// `self -= other`, for `other ≤ self`.
    fn subtract(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let value = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(value < 0);
            *limb = value.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Big) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::splitmix::SplitMix64;

    fn assert_same(text: &str) {
        let want = text.parse::<f64>().ok().map(f64::to_bits);
        let got = parse_f64(text).map(f64::to_bits);
        assert_eq!(
            got,
            want,
            "{text:?}: got {:?}, std {:?}",
            got.map(f64::from_bits),
            want.map(f64::from_bits)
        );
    }

    #[test]
    fn syntax_and_special_values_match_the_standard_parser() {
        for text in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "-.",
            "e",
            "e1",
            ".e1",
            "1e",
            "1e+",
            "1e-",
            "1.e",
            "1..2",
            "1.2.3",
            "0",
            "-0",
            "+0",
            "00",
            "0.",
            ".0",
            "-.0",
            "0.0e0",
            "1",
            "+1",
            "-1",
            "1.",
            ".5",
            "-.5",
            "5.e3",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1e05",
            "1_000",
            " 1",
            "1 ",
            "1,5",
            "0x10",
            "1f",
            "1e5f",
            "inf",
            "INF",
            "Inf",
            "-inf",
            "+infinity",
            "Infinity",
            "infinit",
            "infinityy",
            "nan",
            "NaN",
            "-nan",
            "+NAN",
            "nana",
            "in",
            "1.5e",
            "12.99",
            "0.1",
            "0.2",
            "0.3",
            "3.14159",
            "1700000000",
            "1700000000000",
            "123456789012345",
            "1234567890123456",
            "12345678901234567890",
            "9007199254740993",
            "9007199254740992",
            "9007199254740991",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e308",
            "1e309",
            "2e308",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "2.225073858507201e-308",
            "4.9406564584124654e-324",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "3e-324",
            "1e-324",
            "1e-400",
            "-1e-400",
            "1e400",
            "-1e400",
            "0e999999999999999",
            "1e999999999999",
            "1e-999999999999",
            "0.000000000000000000000000000000000000001e39",
            "100000000000000000000000e-23",
            "7.038531e-26",
            "8.98846567431158e307",
            "89255.0e-22",
            "4.7223665e21",
            "2.2250738585072012e-308",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "9007199254740993.0000000000000000000000000000000000000000000001",
        ] {
            assert_same(text);
        }
    }

    /// `digits × 10^exponent` as text, with the point somewhere in the digits.
    fn written(digits: &str, exponent: i64, point: usize) -> String {
        let point = point.min(digits.len());
        let exponent = exponent + (digits.len() - point) as i64;
        format!("{}.{}e{exponent}", &digits[..point], &digits[point..])
    }

    /// The exact decimal digits and exponent of `m × 2^e`.
    fn exact_decimal(mut m: u128, e: i32) -> (String, i64) {
        // Little-endian decimal digits.
        let mut digits: Vec<u32> = Vec::new();
        while m > 0 {
            digits.push((m % 10) as u32);
            m /= 10;
        }
        let mul = |digits: &mut Vec<u32>, by: u32| {
            let mut carry = 0;
            for d in digits.iter_mut() {
                let v = *d * by + carry;
                *d = v % 10;
                carry = v / 10;
            }
            while carry > 0 {
                digits.push(carry % 10);
                carry /= 10;
            }
        };
        let exponent = if e >= 0 {
            (0..e).for_each(|_| mul(&mut digits, 2));
            0
        } else {
            // m × 2^e = m × 5^-e × 10^e.
            (0..-e).for_each(|_| mul(&mut digits, 5));
            i64::from(e)
        };
        (
            digits
                .iter()
                .rev()
                .map(|d| char::from(b'0' + *d as u8))
                .collect(),
            exponent,
        )
    }

    #[test]
    fn halfway_points_between_doubles_round_like_the_standard_parser() {
        let mut random = SplitMix64::new(8);
        for round in 0..600 {
            let bits = match round % 3 {
                // Anywhere, subnormals and the top included.
                0 => random.next_u64() & 0x7fef_ffff_ffff_ffff,
                // Near the subnormal boundary.
                1 => random.next_u64() % (1 << 54),
                // Ordinary magnitudes (1e-30 .. 1e30).
                _ => 0x3000_0000_0000_0000 + random.next_u64() % 0x1800_0000_0000_0000,
            };
            let x = f64::from_bits(bits);
            let raw_exponent = ((bits >> 52) & 0x7ff) as i32;
            let (m, e) = if raw_exponent == 0 {
                (bits & ((1 << 52) - 1), -1074)
            } else {
                ((bits & ((1 << 52) - 1)) | (1 << 52), raw_exponent - 1075)
            };
            // x and its neighbour above, and the halfway point between them.
            let (digits, exponent) = exact_decimal(u128::from(2 * m + 1), e - 1);
            let point = (random.next_u64() % (digits.len() as u64 + 1)) as usize;
            assert_same(&written(&digits, exponent, point));
            // Just above and just below halfway.
            assert_same(&written(
                &format!("{digits}0000000000000000001"),
                exponent - 19,
                point,
            ));
            let below = {
                let (digits, exponent) =
                    exact_decimal(u128::from(2 * m + 1) * 10u128.pow(20) - 1, e - 1);
                written(&digits, exponent - 20, point)
            };
            assert_same(&below);
            // The shortest form and a long exact form of x itself.
            assert_same(&format!("{x:e}"));
            assert_same(&format!("{x:?}"));
            let (digits, exponent) = exact_decimal(u128::from(m), e);
            assert_same(&written(&digits, exponent, 1));
        }
    }

    #[test]
    fn random_decimal_texts_match_the_standard_parser() {
        let mut random = SplitMix64::new(5);
        for _ in 0..40_000 {
            let length = match random.next_u64() % 10 {
                0 => 1 + random.next_u64() % 900,
                _ => 1 + random.next_u64() % 25,
            };
            let mut text = String::new();
            if random.next_u64() % 4 == 0 {
                text.push(if random.next_u64() % 2 == 0 { '-' } else { '+' });
            }
            let point = random.next_u64() % (length + 2);
            for i in 0..length {
                if i == point {
                    text.push('.');
                }
                let zeros = random.next_u64() % 3 == 0;
                text.push(if zeros {
                    '0'
                } else {
                    char::from(b'0' + (random.next_u64() % 10) as u8)
                });
            }
            if random.next_u64() % 2 == 0 {
                text.push(if random.next_u64() % 2 == 0 { 'e' } else { 'E' });
                let exponent = random.next_u64() % 700;
                let sign = ["", "-", "+"][(random.next_u64() % 3) as usize];
                text.push_str(&format!("{sign}{}", exponent as i64 - 350));
            }
            assert_same(&text);
        }
    }

    #[test]
    fn random_strings_are_accepted_and_refused_like_the_standard_parser() {
        let alphabet = b"0123456789.eE+- infatyINFATYxX_";
        let mut random = SplitMix64::new(9);
        for _ in 0..100_000 {
            let length = random.next_u64() % 9;
            let text: String = (0..length)
                .map(|_| char::from(alphabet[(random.next_u64() % alphabet.len() as u64) as usize]))
                .collect();
            assert_same(&text);
        }
    }
}
