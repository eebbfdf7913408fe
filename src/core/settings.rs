//! The site owner's settings, from the script tag's `data-*` attributes or
//! `window.tailorConfig` (CONTRACT.md §1), read leniently: an unknown name or
//! a bad value is reported and its default kept.

use thiserror::Error;

/// What the owner configured. Every field has a working default.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// URL of the catalog feed (required for anything to show).
    pub catalog: Option<String>,
    /// URL of the optional co-purchase model file.
    pub model: Option<String>,
    /// BCP 47 language tag; the page's `lang` when not set.
    pub locale: Option<String>,
    /// ISO 4217 code used when a product has none.
    pub currency: Option<String>,
    /// Products per recommendation slot.
    pub limit: usize,
    pub survey_endpoint: Option<String>,
    /// `topic-only`: answers are sent with their comment's topic, not its text.
    pub survey_topic_only: bool,
    /// `rr`: the score is sent through randomized response (`core::dp`).
    pub survey_randomized: bool,
    /// Where the daily measurement report goes (off when unset).
    pub report_endpoint: Option<String>,
    /// `auto` (follows the shopper's colour scheme), `light` or `dark`.
    pub theme: Theme,
    /// Logs what Tailor does to the console.
    pub debug: bool,
    /// How long a feed request may take, headers and body, before it is
    /// abandoned (`data-timeout-ms`).
    pub timeout_ms: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            catalog: None,
            model: None,
            locale: None,
            currency: None,
            limit: Self::DEFAULT_LIMIT,
            survey_endpoint: None,
            survey_topic_only: false,
            survey_randomized: false,
            report_endpoint: None,
            theme: Theme::Auto,
            debug: false,
            timeout_ms: Self::DEFAULT_TIMEOUT_MS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

/// A setting that could not be used; its default stays in force.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SettingError {
    #[error("unknown setting `{0}`")]
    Unknown(String),
    #[error("setting `{name}`: `{value}` is not {expected}")]
    BadValue {
        name: String,
        value: String,
        expected: &'static str,
    },
}

impl Settings {
    pub const DEFAULT_LIMIT: usize = 8;
    pub const MAX_LIMIT: usize = 48;
    pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
    /// Accepted timeouts: long enough for a real request, short enough
    /// that a stalled feed never keeps the widget waiting for minutes.
    pub const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u32> = 100..=120_000;

    /// Applies one setting by its attribute name (`survey-endpoint`) or its
    /// camelCase name (`surveyEndpoint`). Later calls override earlier ones.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), SettingError> {
        let value = value.trim();
        let text = || (!value.is_empty()).then(|| value.to_string());
        let bad = |expected| SettingError::BadValue {
            name: name.to_string(),
            value: value.chars().take(80).collect(),
            expected,
        };
        match kebab(name).as_str() {
            "catalog" => self.catalog = text(),
            "model" => self.model = text(),
            "locale" => self.locale = text(),
            "currency" => {
                if value.len() == 3 && value.chars().all(|c| c.is_ascii_alphabetic()) {
                    self.currency = Some(value.to_ascii_uppercase());
                } else {
                    return Err(bad("a three-letter currency code"));
                }
            }
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=Self::MAX_LIMIT).contains(&n) => self.limit = n,
                _ => return Err(bad("a number from 1 to 48")),
            },
            "survey-endpoint" => self.survey_endpoint = text(),
            "timeout-ms" => match value.parse::<u32>() {
                Ok(ms) if Self::TIMEOUT_RANGE_MS.contains(&ms) => self.timeout_ms = ms,
                _ => return Err(bad("a number of milliseconds from 100 to 120000")),
            },
            "survey-comments" => {
                self.survey_topic_only = match value.to_ascii_lowercase().as_str() {
                    "" | "text" => false,
                    "topic-only" => true,
                    _ => return Err(bad("text or topic-only")),
                }
            }
            "survey-privacy" => {
                self.survey_randomized = match value.to_ascii_lowercase().as_str() {
                    "" | "none" => false,
                    "rr" => true,
                    _ => return Err(bad("none or rr")),
                }
            }
            "report-endpoint" => self.report_endpoint = text(),
            "theme" => {
                self.theme = match value.to_ascii_lowercase().as_str() {
                    "" | "auto" => Theme::Auto,
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    _ => return Err(bad("auto, light or dark")),
                }
            }
            "debug" => {
                self.debug = match value.to_ascii_lowercase().as_str() {
                    "" | "true" | "1" | "yes" | "on" => true,
                    "false" | "0" | "no" | "off" => false,
                    _ => return Err(bad("true or false")),
                }
            }
            // Names that belong to later features or to the loader are accepted silently.
            "tailor" | "src" | "async" | "defer" => {}
            other => {
                if !KNOWN_EXTRA.contains(&other) {
                    return Err(SettingError::Unknown(name.to_string()));
                }
            }
        }
        Ok(())
    }

    /// Applies many settings, collecting the ones that could not be used.
    pub fn apply_all<'a>(
        &mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<SettingError> {
        pairs
            .into_iter()
            .filter_map(|(k, v)| self.apply(k, v).err())
            .collect()
    }
}

/// Settings other parts of Tailor read themselves (layout, consent, survey…).
const KNOWN_EXTRA: &[&str] = &[
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
];

/// `surveyEndpoint` → `survey-endpoint`; kebab names pass unchanged.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_both_spellings() {
        let cases = [
            ("catalog", "/c.json"),
            ("surveyEndpoint", "https://x/a"),
            ("survey-endpoint", "https://x/b"),
        ];
        let mut s = Settings::default();
        for (k, v) in cases {
            s.apply(k, v).unwrap();
        }
        assert_eq!(s.catalog.as_deref(), Some("/c.json"));
        assert_eq!(s.survey_endpoint.as_deref(), Some("https://x/b"));
    }

    #[test]
    fn bad_values_keep_defaults() {
        let cases = [
            ("limit", "0"),
            ("limit", "lots"),
            ("limit", "1000"),
            ("currency", "euro"),
            ("theme", "neon"),
            ("debug", "maybe"),
            ("timeout-ms", "0"),
            ("timeoutMs", "99"),
            ("timeout-ms", "120001"),
            ("timeout-ms", "1.5s"),
            ("timeout-ms", "-1"),
            ("colour", "red"),
        ];
        for (k, v) in cases {
            let mut s = Settings::default();
            assert!(s.apply(k, v).is_err(), "{k}={v}");
            assert_eq!(s, Settings::default(), "{k}={v}");
        }
    }

    #[test]
    fn good_values_apply() {
        let mut s = Settings::default();
        let errors = s.apply_all([
            ("limit", "12"),
            ("currency", "eur"),
            ("theme", "dark"),
            ("debug", ""),
            ("locale", "he-IL"),
            ("layout", "grid"),
            ("timeoutMs", "2500"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.limit, 12);
        assert_eq!(s.currency.as_deref(), Some("EUR"));
        assert_eq!(s.theme, Theme::Dark);
        assert!(s.debug);
        assert_eq!(s.locale.as_deref(), Some("he-IL"));
        assert_eq!(s.timeout_ms, 2500);
    }
}
