//! What the collector accepts, and the checks every field passes before
//! anything is stored: short tokens, scores within their scale, comments of
//! bounded length, known slot names. A post that fails any check is refused
//! whole with a reason; nothing of it is kept.

use std::collections::BTreeMap;

use serde::Deserialize;
use tailor::core::revenue;
use tailor::core::survey::{Answer, SurveyKind};
use tailor::core::topics::{self, Topic};
use thiserror::Error;

/// Longest comment kept, in characters (the widget limits its input to the same).
pub const MAX_COMMENT_CHARS: usize = 500;
/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 4 * 1024;
/// Slots a measurement report may name (CONTRACT.md §1).
pub const SLOTS: [&str; 6] = [
    "recommendations",
    "similar",
    "recently-viewed",
    "new-arrivals",
    "thank-you",
    "survey",
];

/// Why a post was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Invalid {
    #[error("not the expected JSON: {0}")]
    Json(String),
    #[error("`{field}` must be {expected}")]
    Field {
        field: &'static str,
        expected: &'static str,
    },
    #[error("score {score} is outside the {kind} scale {low}–{high}")]
    Score {
        kind: &'static str,
        score: u8,
        low: u8,
        high: u8,
    },
    #[error("comment longer than {MAX_COMMENT_CHARS} characters")]
    CommentTooLong,
    #[error("unknown slot `{0}`")]
    UnknownSlot(String),
}

/// `POST /v1/answers`: one answer and the idempotency key the widget made for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerPost {
    pub key: String,
    pub answer: Answer,
    /// The topic the device gave the comment (sent alone in topic-only mode).
    #[serde(default)]
    pub topic: Option<String>,
    /// The score went through randomized response (`core::dp`, ε = ln 3).
    #[serde(default)]
    pub randomized: bool,
}

/// An answer that passed every check, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanAnswer {
    pub key: String,
    pub survey: String,
    pub kind: SurveyKind,
    pub score: u8,
    pub comment: Option<String>,
    pub topic: Option<Topic>,
    pub locale: String,
    pub context: Option<String>,
    pub randomized: bool,
}

/// `POST /v1/aggregates`: one device's day, as randomized yes/no bits per slot.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregatePost {
    pub key: String,
    pub slots: BTreeMap<String, SlotBits>,
}

/// Whether, on that device that day, the slot showed products, one of them
/// was clicked, and one of them was bought, and which share of the day's
/// revenue went to products clicked there. Each is randomized on the device
/// (ε = ln 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotBits {
    pub shown: bool,
    pub clicked: bool,
    pub bought: bool,
    /// A `core::revenue` value (0 = no purchase, 1–5 = 0, ¼, ½, ¾, all of
    /// the day's revenue); absent from widgets older than revenue reports.
    #[serde(default)]
    pub revenue: Option<u8>,
}

/// A report that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanReport {
    pub key: String,
    pub slots: Vec<(String, SlotBits)>,
}

/// `[A-Za-z0-9._-]`, from `min` to `max` characters.
fn token(value: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn field(field: &'static str, expected: &'static str) -> Invalid {
    Invalid::Field { field, expected }
}

/// The wire name of a survey kind (`csat`).
pub fn kind_name(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::Csat => "csat",
        SurveyKind::Nps => "nps",
        SurveyKind::Ces => "ces",
    }
}

pub fn parse_answer(body: &[u8]) -> Result<CleanAnswer, Invalid> {
    let post: AnswerPost =
        serde_json::from_slice(body).map_err(|e| Invalid::Json(e.to_string()))?;
    let AnswerPost {
        key,
        answer,
        topic,
        randomized,
    } = post;
    if !token(&key, 8, 64) {
        return Err(field("key", "8–64 letters, digits, `-`, `_` or `.`"));
    }
    if !token(&answer.survey, 1, 64) {
        return Err(field("survey", "1–64 letters, digits, `-`, `_` or `.`"));
    }
    if !token(&answer.locale, 2, 35) {
        return Err(field("locale", "a language tag such as `en` or `pt-BR`"));
    }
    if let Some(context) = &answer.context {
        if !token(context, 1, 64) {
            return Err(field("context", "1–64 letters, digits, `-`, `_` or `.`"));
        }
    }
    let (low, high) = answer.kind.range();
    if !(low..=high).contains(&answer.score) {
        return Err(Invalid::Score {
            kind: kind_name(answer.kind),
            score: answer.score,
            low,
            high,
        });
    }
    let comment = match answer.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) if text.chars().count() > MAX_COMMENT_CHARS => {
            return Err(Invalid::CommentTooLong)
        }
        Some(text)
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            return Err(field("comment", "text without control characters"))
        }
        Some(text) => Some(text.to_string()),
    };
    let topic = match topic {
        Some(name) => Some(
            Topic::parse(&name)
                .ok_or_else(|| field("topic", "one of the topics in core::topics"))?,
        ),
        // An older widget may send the text alone: classify it here the same way.
        None => comment.as_deref().map(topics::classify),
    };
    Ok(CleanAnswer {
        key,
        survey: answer.survey,
        kind: answer.kind,
        score: answer.score,
        comment,
        topic,
        locale: answer.locale,
        context: answer.context,
        randomized,
    })
}

pub fn parse_report(body: &[u8]) -> Result<CleanReport, Invalid> {
    let post: AggregatePost =
        serde_json::from_slice(body).map_err(|e| Invalid::Json(e.to_string()))?;
    if !token(&post.key, 8, 64) {
        return Err(field("key", "8–64 letters, digits, `-`, `_` or `.`"));
    }
    if post.slots.is_empty() {
        return Err(field("slots", "at least one slot"));
    }
    if let Some(unknown) = post.slots.keys().find(|s| !SLOTS.contains(&s.as_str())) {
        return Err(Invalid::UnknownSlot(unknown.chars().take(40).collect()));
    }
    let levels = revenue::VALUES;
    if post
        .slots
        .values()
        .any(|bits| bits.revenue.is_some_and(|v| usize::from(v) >= levels))
    {
        return Err(field("revenue", "a revenue value from 0 to 5"));
    }
    Ok(CleanReport {
        key: post.key,
        slots: post.slots.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> Result<CleanAnswer, Invalid> {
        parse_answer(json.as_bytes())
    }

    #[test]
    fn good_answers() {
        let a = answer(r#"{"key":"k-12345678","answer":{"survey":"post-purchase","kind":"csat","score":5,"comment":"  Parcel was late ","locale":"en","context":"after-purchase"}}"#).unwrap();
        assert_eq!(a.comment.as_deref(), Some("Parcel was late"));
        assert_eq!(a.topic, Some(Topic::Delivery));
        let b = answer(r#"{"key":"k-12345678","answer":{"survey":"s","kind":"nps","score":0,"locale":"pt-BR"},"topic":"price","randomized":true}"#).unwrap();
        assert_eq!(
            (b.score, b.topic, b.randomized, b.comment),
            (0, Some(Topic::Price), true, None)
        );
    }

    #[test]
    fn bad_answers_are_refused() {
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let cases = [
            "not json".to_string(),
            "{}".to_string(),
            r#"{"key":"short","answer":{"survey":"s","kind":"csat","score":3,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":6,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":0,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"nps","score":11,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"ces","score":8,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"stars","score":3,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"a b","kind":"csat","score":3,"locale":"en"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":3,"locale":"<script>"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":3,"locale":"en","context":"user@example.com"}}"#.into(),
            format!(r#"{{"key":"k-12345678","answer":{{"survey":"s","kind":"csat","score":3,"locale":"en","comment":"{long}"}}}}"#),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":3,"locale":"en","comment":"a\u0000b"}}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":3,"locale":"en"},"topic":"gossip"}"#.into(),
            r#"{"key":"k-12345678","answer":{"survey":"s","kind":"csat","score":3,"locale":"en"},"ip":"1.2.3.4"}"#.into(),
        ];
        for case in cases {
            assert!(answer(&case).is_err(), "{case}");
        }
    }

    #[test]
    fn reports() {
        let ok = r#"{"key":"r-12345678","slots":{"recommendations":{"shown":true,"clicked":false,"bought":false}}}"#;
        assert_eq!(parse_report(ok.as_bytes()).unwrap().slots.len(), 1);
        for revenue in 0..6 {
            let ok = format!(
                r#"{{"key":"r-12345678","slots":{{"similar":{{"shown":true,"clicked":true,"bought":true,"revenue":{revenue}}}}}}}"#
            );
            let report = parse_report(ok.as_bytes()).unwrap();
            assert_eq!(report.slots[0].1.revenue, Some(revenue));
        }
        let bad = [
            r#"{"key":"r-12345678","slots":{}}"#,
            r#"{"key":"r-12345678","slots":{"sidebar":{"shown":true,"clicked":false,"bought":false}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":3,"clicked":false,"bought":false}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":true,"clicked":false,"bought":false,"ids":["sku-1"]}}}"#,
            r#"{"key":"r","slots":{"similar":{"shown":true,"clicked":false,"bought":false}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":true,"clicked":false,"bought":false,"revenue":6}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":true,"clicked":false,"bought":false,"revenue":-1}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":true,"clicked":false,"bought":false,"revenue":2.5}}}"#,
            r#"{"key":"r-12345678","slots":{"similar":{"shown":true,"clicked":false,"bought":false,"revenue":"49.90"}}}"#,
        ];
        for case in bad {
            assert!(parse_report(case.as_bytes()).is_err(), "{case}");
        }
    }
}
