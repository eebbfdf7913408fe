//! The widgets' personal texts: the thank-you heading with the shopper's
//! first name, the list of what they bought, and the "welcome back" line.
//! Short on purpose: short, personal messages are the ones shoppers read.

use crate::core::i18n::Strings;

/// The longest first name shown; longer input is cut (it is shopper text).
const MAX_NAME: usize = 40;

/// The first word of the name the shop passed, if it has any letters.
pub fn first_name(name: &str) -> Option<String> {
    let first: String = name
        .split_whitespace()
        .next()?
        .chars()
        .take(MAX_NAME)
        .collect();
    first.chars().any(char::is_alphabetic).then_some(first)
}

/// "Thank you, Dana!" with a first name, else "Thank you for your order!".
pub fn thank_you_heading(strings: &Strings, name: Option<&str>) -> String {
    match name.and_then(first_name) {
        Some(name) => strings.fill("thank_you_name", &[("name", &name)]),
        None => strings.get("thank_you"),
    }
}

/// "You bought: A, B and 2 more": at most `shown` titles, the rest counted.
/// `titles` has one entry per item bought, `None` where the catalog has no
/// title for it (not loaded yet, or an id it doesn't list): those are only
/// counted, since an internal id like "sku-1" means nothing to a shopper.
/// Without any known title there is no line at all.
pub fn bought_line(strings: &Strings, titles: &[Option<String>], shown: usize) -> Option<String> {
    let known: Vec<&str> = titles.iter().flatten().map(String::as_str).collect();
    if known.is_empty() {
        return None;
    }
    let shown = shown.max(1).min(known.len());
    // "A, B" in English, "A、B" in Chinese, "A، B" in Arabic.
    let mut list = known[..shown].join(&strings.get("list_separator"));
    let rest = titles.len() - shown;
    if rest > 0 {
        list.push_str(&strings.fill("and_more", &[("count", &rest.to_string())]));
    }
    Some(strings.fill("you_bought_list", &[("items", &list)]))
}

/// The recommendations heading: a warm welcome back on a return visit when
/// the owner keeps the greeting on, else the usual heading.
pub fn recommendations_heading(strings: &Strings, returning: bool, has_history: bool) -> String {
    match (returning, has_history) {
        (true, _) => strings.get("welcome_back"),
        (false, true) => strings.get("recommendations"),
        (false, false) => strings.get("recommendations_cold"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = r#"{"thank_you_name": "Thank you, {name}!", "thank_you": "Thank you for your order!",
        "you_bought_list": "You bought {items}", "and_more": " and {count} more",
        "list_separator": ", ", "welcome_back": "Welcome back! Picked for you", "recommendations": "Recommended for you",
        "recommendations_cold": "Popular right now"}"#;

    #[test]
    fn headings() {
        let en = Strings::new("en", EN, EN);
        let cases = [
            (Some("Dana Levi"), "Thank you, Dana!"),
            (Some("  dana  "), "Thank you, dana!"),
            (Some("李"), "Thank you, 李!"),
            (Some(""), "Thank you for your order!"),
            (Some("1234"), "Thank you for your order!"),
            (None, "Thank you for your order!"),
        ];
        for (name, want) in cases {
            assert_eq!(thank_you_heading(&en, name), want, "{name:?}");
        }
        let long = "x".repeat(500);
        assert_eq!(first_name(&long).map(|n| n.chars().count()), Some(MAX_NAME));
    }

    #[test]
    fn bought_lines() {
        let en = Strings::new("en", EN, EN);
        // "T" = a title the catalog has, "?" = an item it doesn't know.
        let titles = |pattern: &str| {
            pattern
                .chars()
                .enumerate()
                .map(|(i, c)| (c == 'T').then(|| format!("T{}", i + 1)))
                .collect::<Vec<_>>()
        };
        let cases = [
            ("", None),
            ("?", None),
            ("???", None),
            ("T", Some("You bought T1")),
            ("TTT", Some("You bought T1, T2, T3")),
            ("TTTTT", Some("You bought T1, T2, T3 and 2 more")),
            ("?T", Some("You bought T2 and 1 more")),
            ("T?T?", Some("You bought T1, T3 and 2 more")),
            ("TTT??", Some("You bought T1, T2, T3 and 2 more")),
        ];
        for (pattern, want) in cases {
            assert_eq!(
                bought_line(&en, &titles(pattern), 3).as_deref(),
                want,
                "{pattern}"
            );
        }
    }

    #[test]
    fn bought_lines_follow_each_languages_punctuation() {
        let en = include_str!("../ui/locales/en.json");
        let titles = |names: &[&str]| {
            names
                .iter()
                .map(|n| Some(n.to_string()))
                .collect::<Vec<_>>()
        };
        let cases = [
            (
                "en",
                &["Tea", "Cup", "Pot"][..],
                "You bought Tea, Cup and 1 more",
            ),
            (
                "zh",
                &["茶", "杯子", "茶壶"],
                "你购买了：茶、杯子，以及另外 1 件",
            ),
            ("ar", &["شاي", "كوب", "إبريق"], "اشتريت: شاي، كوب و1 أخرى"),
            ("he", &["תה", "כוס", "קומקום"], "קנית: תה, כוס ועוד 1"),
        ];
        for (lang, names, want) in cases {
            let texts = match lang {
                "zh" => include_str!("../ui/locales/zh.json"),
                "ar" => include_str!("../ui/locales/ar.json"),
                "he" => include_str!("../ui/locales/he.json"),
                _ => en,
            };
            let strings = Strings::new(lang, texts, en);
            assert_eq!(
                bought_line(&strings, &titles(names), 2).as_deref(),
                Some(want),
                "{lang}"
            );
        }
    }

    #[test]
    fn greeting() {
        let en = Strings::new("en", EN, EN);
        let cases = [
            (true, true, "Welcome back! Picked for you"),
            (true, false, "Welcome back! Picked for you"),
            (false, true, "Recommended for you"),
            (false, false, "Popular right now"),
        ];
        for (returning, history, want) in cases {
            assert_eq!(recommendations_heading(&en, returning, history), want);
        }
    }
}
