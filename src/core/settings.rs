//! The site owner's settings, from the script tag's `data-*` attributes or
//! `window.tailorConfig` (CONTRACT.md §1), read leniently: an unknown name or
//! a bad value is reported and its default kept.

use thiserror::Error;

use crate::core::number::parse_f64;
use crate::core::rank::Rules;
use crate::core::survey::{Plan, SurveyKind, Trigger};

/// What the owner configured. Every field has a working default.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// URL of the catalog feed (required for anything to show).
    pub catalog: Option<String>,
    /// URL of the optional co-purchase model file.
    pub model: Option<String>,
    /// The owner's ranking rules (pin, boost, bury, hide, repurchasable):
    /// inline JSON or the URL of a JSON file.
    pub rules: Option<RulesSetting>,
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
    /// The survey: `survey` (id), `survey-type`, `survey-trigger`, `survey-sample`.
    pub survey: Plan,
    /// A "welcome back" greeting on a return visit (`greeting` = on/off).
    pub greeting: bool,
    /// Rails scroll sideways, or wrap as a grid (`layout` = rail/grid).
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Rail,
    Grid,
}

impl Layout {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "rail" => Some(Self::Rail),
            "grid" => Some(Self::Grid),
            _ => None,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            catalog: None,
            model: None,
            rules: None,
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
            survey: Plan::default(),
            greeting: true,
            layout: Layout::Rail,
        }
    }
}

/// Where the owner's rules are: given inline (`data-rules='{"pin": …}'` or
/// `tailorConfig.rules = {…}`), or a JSON file next to the catalog.
#[derive(Debug, Clone, PartialEq)]
pub enum RulesSetting {
    Inline(Rules),
    Url(String),
}

impl RulesSetting {
    /// Reads rules JSON (as inline or fetched): every field optional,
    /// unknown ones refused so a typo ("pinned") is reported, not ignored.
    pub fn parse_json(text: &str) -> Result<Rules, SettingError> {
        Rules::from_json(text).map_err(|e| SettingError::BadRules(e.to_string()))
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
    #[error("setting `rules`: {0} (expected pin, boost, bury, hide, repurchasable, boost_factor, bury_factor)")]
    BadRules(String),
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
            "rules" => {
                self.rules = if value.starts_with('{') {
                    Some(RulesSetting::Inline(RulesSetting::parse_json(value)?))
                } else {
                    text().map(RulesSetting::Url)
                }
            }
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
            "debug" => self.debug = flag(value).ok_or_else(|| bad("true or false"))?,
            "greeting" => self.greeting = flag(value).ok_or_else(|| bad("on or off"))?,
            "layout" => self.layout = Layout::parse(value).ok_or_else(|| bad("rail or grid"))?,
            "survey" => {
                if value.is_empty() || value.len() > 64 {
                    return Err(bad("a survey id of 1 to 64 characters"));
                }
                self.survey.id = value.to_string();
            }
            "survey-type" => {
                self.survey.kind =
                    SurveyKind::parse(value).ok_or_else(|| bad("csat, nps or ces"))?
            }
            "survey-trigger" => {
                self.survey.trigger =
                    Trigger::parse(value).ok_or_else(|| bad("purchase, views:N or manual"))?
            }
            "survey-sample" => match parse_f64(value.trim_end_matches('%')) {
                Some(n) if value.ends_with('%') && (0.0..=100.0).contains(&n) => {
                    self.survey.sample = n / 100.0
                }
                Some(n) if (0.0..=1.0).contains(&n) => self.survey.sample = n,
                _ => return Err(bad("a share from 0 to 1 (or 0% to 100%)")),
            },
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
const KNOWN_EXTRA: &[&str] = &["consent", "search-param", "retention-days"];

/// On/off switches: `true`, `on`, `yes`, `1` or empty, and their opposites.
fn flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

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
            ("greeting", "sometimes"),
            ("layout", "carousel"),
            ("survey", ""),
            ("survey-type", "stars"),
            ("survey-trigger", "views:0"),
            ("survey-sample", "1.5"),
            ("survey-sample", "150%"),
            ("survey-sample", "-0.1"),
            ("rules", "{"),
            ("rules", r#"{"pinned": ["a"]}"#),
            ("rules", r#"{"boost": [{"colour": "red"}]}"#),
            ("rules", r#"{"pin": "a"}"#),
        ];
        for (k, v) in cases {
            let mut s = Settings::default();
            assert!(s.apply(k, v).is_err(), "{k}={v}");
            assert_eq!(s, Settings::default(), "{k}={v}");
        }
    }

    #[test]
    fn rules_inline_or_by_url() {
        let cases: [(&str, Option<RulesSetting>); 4] = [
            ("", None),
            (
                "/tailor/rules.json",
                Some(RulesSetting::Url("/tailor/rules.json".into())),
            ),
            (
                r#"{"pin": ["sku-1"], "hide": [{"brand": "Acme"}], "boost_factor": 2}"#,
                Some(RulesSetting::Inline(Rules {
                    pin: vec!["sku-1".into()],
                    hide: vec![crate::core::rank::Selector::Brand("Acme".into())],
                    boost_factor: 2.0,
                    ..Rules::default()
                })),
            ),
            ("{}", Some(RulesSetting::Inline(Rules::default()))),
        ];
        for (value, want) in cases {
            let mut s = Settings::default();
            s.apply("rules", value).unwrap();
            assert_eq!(s.rules, want, "{value}");
        }
        let mut s = Settings::default();
        let error = s.apply("rules", r#"{"pinned": ["a"]}"#).unwrap_err();
        assert!(error.to_string().contains("pinned"), "{error}");
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
        assert_eq!(s.layout, Layout::Grid);
    }

    #[test]
    fn survey_and_greeting_settings() {
        type Pairs = &'static [(&'static str, &'static str)];
        let cases: [(Pairs, Plan, bool); 4] = [
            (&[], Plan::default(), true),
            (
                &[
                    ("survey", "q4-nps"),
                    ("surveyType", "NPS"),
                    ("survey-trigger", "views:5"),
                    ("surveySample", "0.2"),
                ],
                Plan {
                    id: "q4-nps".into(),
                    kind: SurveyKind::Nps,
                    trigger: Trigger::Views(5),
                    sample: 0.2,
                    ..Plan::default()
                },
                true,
            ),
            (
                &[
                    ("survey-type", "ces"),
                    ("survey-trigger", "manual"),
                    ("survey-sample", "25%"),
                    ("greeting", "off"),
                ],
                Plan {
                    kind: SurveyKind::Ces,
                    trigger: Trigger::Manual,
                    sample: 0.25,
                    ..Plan::default()
                },
                false,
            ),
            (
                &[("survey-sample", "0"), ("greeting", "on")],
                Plan {
                    sample: 0.0,
                    ..Plan::default()
                },
                true,
            ),
        ];
        for (pairs, plan, greeting) in cases {
            let mut s = Settings::default();
            let errors = s.apply_all(pairs.iter().copied());
            assert!(errors.is_empty(), "{pairs:?}: {errors:?}");
            assert_eq!((s.survey, s.greeting), (plan, greeting), "{pairs:?}");
        }
    }
}
