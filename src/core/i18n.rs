//! Widget texts per locale: one JSON file per locale (`src/ui/locales/`),
//! looked up by key with English as the fallback for a missing locale or key.

use std::collections::HashMap;

/// The texts of one locale over the English fallback.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    texts: HashMap<String, String>,
    fallback: HashMap<String, String>,
    /// True for right-to-left scripts (Hebrew, Arabic).
    pub rtl: bool,
    /// The locale actually used, e.g. `he`.
    pub language: String,
}

impl Strings {
    /// Builds from the locale's JSON and English's. Unreadable JSON counts
    /// as an empty file: every key then falls back to English.
    pub fn new(language: &str, locale_json: &str, english_json: &str) -> Self {
        let read =
            |json: &str| serde_json::from_str::<HashMap<String, String>>(json).unwrap_or_default();
        Self {
            texts: read(locale_json),
            fallback: read(english_json),
            rtl: matches!(language, "he" | "ar" | "fa" | "ur" | "yi"),
            language: language.to_string(),
        }
    }

    /// The text for `key`; the key itself when even English lacks it.
    pub fn get(&self, key: &str) -> String {
        self.texts
            .get(key)
            .or_else(|| self.fallback.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key);
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// The language part of a BCP 47 tag, lower-cased: `he-IL` → `he`, `zh_Hans` → `zh`.
pub fn language_of(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = r#"{"hello": "Hello {name}", "bye": "Bye"}"#;

    #[test]
    fn falls_back_to_english() {
        let he = Strings::new("he", r#"{"hello": "שלום {name}"}"#, EN);
        assert_eq!(he.fill("hello", &[("name", "Dana")]), "שלום Dana");
        assert_eq!(he.get("bye"), "Bye");
        assert_eq!(he.get("missing"), "missing");
        assert!(he.rtl);
        let broken = Strings::new("fr", "{oops", EN);
        assert_eq!(broken.get("bye"), "Bye");
        assert!(!broken.rtl);
    }

    #[test]
    fn languages() {
        for (tag, want) in [("he-IL", "he"), ("zh_Hans", "zh"), ("EN", "en"), ("", "")] {
            assert_eq!(language_of(tag), want);
        }
    }
}
