//! The owner's settings (`Settings::apply`): any name and value, known names
//! with arbitrary values, in any order: errors, never panics, and the limit
//! stays within its documented range.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tailor::core::settings::Settings;

const KNOWN: &[&str] = &[
    "catalog",
    "model",
    "locale",
    "currency",
    "limit",
    "survey-endpoint",
    "surveyEndpoint",
    "theme",
    "debug",
    "tailor",
    "layout",
    "consent",
    "search-param",
    "retention-days",
    "survey",
    "survey-type",
    "survey-trigger",
    "survey-sample",
    "greeting",
    "rules",
    "timeout-ms",
    "timeoutMs",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Any(String),
}

fuzz_target!(|pairs: Vec<(Name, String)>| {
    let mut settings = Settings::default();
    for (name, value) in &pairs {
        let name = match name {
            Name::Known(i) => KNOWN[*i as usize % KNOWN.len()].to_string(),
            Name::Any(s) => s.clone(),
        };
        let _ = settings.apply(&name, value);
        assert!((1..=Settings::MAX_LIMIT).contains(&settings.limit));
    }
});
