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
    format!("{currency} {amount:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
