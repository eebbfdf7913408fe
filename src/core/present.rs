//! Deciding what of a product may reach the page: only links and images
//! that cannot run script or leave for another host where that matters.
//! Text always reaches the DOM as text (Leptos escapes it); URLs go through here.

/// A link target safe to put in `href`: a same-site path or an http(s) URL.
/// `javascript:`, `data:`, protocol-relative URLs to another host and
/// anything malformed give `None`, and the card is rendered without a link.
pub fn safe_link(url: &str, page_host: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    if let Some(rest) = url.strip_prefix("//") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        // A host with spaces is no host (and the page's own never has any).
        let valid = !host.is_empty() && !host.contains(char::is_whitespace);
        return (valid && host.eq_ignore_ascii_case(page_host.trim())).then(|| url.to_string());
    }
    match scheme(url) {
        None => Some(url.to_string()),
        Some(s) if s == "http" || s == "https" => Some(url.to_string()),
        Some(_) => None,
    }
}

/// An image source safe for `src`: paths, http(s), protocol-relative CDN
/// URLs, and `data:image/…` (raster or SVG, which cannot script inside `<img>`).
pub fn safe_image(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control()) {
        return None;
    }
    if url.starts_with("//") {
        return Some(url.to_string());
    }
    match scheme(url) {
        None => Some(url.to_string()),
        Some(s) if s == "http" || s == "https" => Some(url.to_string()),
        Some(s) if s == "data" => url[5..]
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("image/")
            .then(|| url.to_string()),
        Some(_) => None,
    }
}

/// The URL scheme, lower-cased, when the text has one (`mailto:` → `mailto`).
fn scheme(url: &str) -> Option<String> {
    let end = url.find([':', '/', '?', '#'])?;
    if url.as_bytes()[end] != b':' || end == 0 {
        return None;
    }
    let s = &url[..end];
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        .then(|| s.to_ascii_lowercase())
        .or(Some(String::from("invalid")))
}

/// A plain price text for when the browser's formatter is unavailable.
pub fn fallback_price(amount: f64, currency: &str) -> String {
    format!("{currency} {}", two_decimals(amount))
}

/// `format!("{:.2}", x)`, digit for digit (exact value, ties to even, the
/// sign of negative zero kept), without the standard library's exact
/// float formatter: that one ships several KB of wasm for this one use.
fn two_decimals(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // |x| = mantissa × 2^exponent exactly.
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    if exponent >= 0 {
        // A whole number (at least 2^52): its exact digits, then ".00".
        return format!("{sign}{}.00", times_power_of_two(mantissa, exponent as u32));
    }
    // Hundredths: mantissa × 100 / 2^shift, rounded half to even. Past a
    // shift of 60 the value is below half a hundredth (mantissa × 100 < 2^60).
    let shift = (-exponent) as u32;
    let hundredths = if shift > 60 {
        0
    } else {
        let scaled = u128::from(mantissa) * 100;
        let whole = scaled >> shift;
        let rest = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rest > half || (rest == half && whole % 2 == 1) {
            whole + 1
        } else {
            whole
        }
    };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The decimal digits of `mantissa × 2^exponent`, with base-10^9 limbs
/// (least significant first): doubles reach 2^1024, far past any integer type.
fn times_power_of_two(mantissa: u64, exponent: u32) -> String {
    const BASE: u64 = 1_000_000_000;
    let mut limbs = vec![
        mantissa % BASE,
        (mantissa / BASE) % BASE,
        mantissa / BASE / BASE,
    ];
    for _ in 0..exponent {
        let mut carry = 0;
        for limb in &mut limbs {
            let doubled = *limb * 2 + carry;
            *limb = doubled % BASE;
            carry = doubled / BASE;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut text = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            text.push_str(&limb.to_string());
        } else {
            text.push_str(&format!("{limb:09}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimals_match_the_standard_formatter() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.005,
            0.015,
            0.125,
            0.375,
            1.005,
            2.675,
            19.9,
            19.99,
            -19.995,
            0.004_999,
            -0.001,
            1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
            1e21,
            1e300,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            123_456.785,
            0.5,
            1.5,
            2.5,
            0.045,
            0.055,
            1e15 + 0.125,
        ];
        // Bit patterns from a fixed pseudo-random walk: every exponent range.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            cases.push(f64::from_bits(state));
            // And prices near ties of hundredths.
            cases.push((state % 10_000_000) as f64 / 1000.0 + 0.005);
        }
        for x in cases {
            assert_eq!(
                two_decimals(x),
                format!("{x:.2}"),
                "{:e} ({:#x})",
                x,
                x.to_bits()
            );
        }
    }

    #[test]
    fn links() {
        let cases: &[(&str, Option<&str>)] = &[
            ("/p/sku-1", Some("/p/sku-1")),
            ("p/sku-1.html", Some("p/sku-1.html")),
            ("https://shop.example/p/1", Some("https://shop.example/p/1")),
            ("HTTP://shop.example/p/1", Some("HTTP://shop.example/p/1")),
            ("javascript:alert(1)", None),
            (" JaVaScRiPt:alert(1)", None),
            ("java\tscript:alert(1)", None),
            ("data:text/html,<script>alert(1)</script>", None),
            ("vbscript:x", None),
            ("//evil.example/p", None),
            ("//shop.example/p", Some("//shop.example/p")),
            ("\\\\evil.example", None),
            ("", None),
            ("?q=1", Some("?q=1")),
            ("#top", Some("#top")),
            ("mailto:a@b", None),
            (":nothing", Some(":nothing")),
        ];
        for (url, want) in cases {
            assert_eq!(safe_link(url, "shop.example").as_deref(), *want, "{url}");
        }
    }

    #[test]
    fn images() {
        let cases: &[(&str, bool)] = &[
            ("/img/1.jpg", true),
            ("https://cdn.example/1.jpg", true),
            ("//cdn.shopify.com/1.jpg", true),
            ("data:image/png;base64,AAAA", true),
            ("data:text/html,hi", false),
            ("javascript:alert(1)", false),
            ("", false),
        ];
        for (url, ok) in cases {
            assert_eq!(safe_image(url).is_some(), *ok, "{url}");
        }
    }
}
