//! The one-tap satisfaction survey: its kinds and scales, and the answer it
//! produces. The answer carries only what the shopper gave and coarse context
//! the owner allows; never browsing history or product ids.

use serde::{Deserialize, Serialize};

/// Which standard question the owner asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    /// Customer satisfaction, 1–5.
    Csat,
    /// Net promoter score, 0–10.
    Nps,
    /// Customer effort score, 1–7.
    Ces,
}

impl SurveyKind {
    /// The lowest and highest score of the scale.
    pub fn range(self) -> (u8, u8) {
        match self {
            Self::Csat => (1, 5),
            Self::Nps => (0, 10),
            Self::Ces => (1, 7),
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csat" => Some(Self::Csat),
            "nps" => Some(Self::Nps),
            "ces" => Some(Self::Ces),
            _ => None,
        }
    }
}

/// One survey answer: what `tailor:survey-answer` carries and, when the
/// owner configured an endpoint, all that is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The owner's survey id.
    pub survey: String,
    pub kind: SurveyKind,
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The shopper's language, e.g. `he`.
    pub locale: String,
    /// Coarse context the owner allows, e.g. `after-purchase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_scales() {
        let cases = [
            ("csat", Some((1, 5))),
            ("NPS", Some((0, 10))),
            ("ces", Some((1, 7))),
            ("stars", None),
        ];
        for (name, range) in cases {
            assert_eq!(
                SurveyKind::parse(name).map(SurveyKind::range),
                range,
                "{name}"
            );
        }
    }
}
