//! The one place that defines what Tailor keeps in the shopper's browser and
//! its schema version. Encoding and decoding are pure; the browser shell
//! only moves the resulting text in and out of localStorage.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::events::{Event, History};
use crate::core::recall::Recall;

/// The localStorage key. One key, so "forget" is one removal.
pub const STORAGE_KEY: &str = "tailor";
/// Bumped whenever the stored shape changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything Tailor remembers about the shopper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    pub history: History,
    /// What the widgets remember (survey, last visit, seen prices).
    pub recall: Recall,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    recall: Recall,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("stored data is not readable ({0}); starting afresh")]
    Corrupt(String),
    #[error("stored data has schema version {0}, newer than this Tailor ({SCHEMA_VERSION}); starting afresh")]
    FutureVersion(u32),
}

/// Reads stored text. Nothing stored yet is an empty memory, not an error.
pub fn decode(text: Option<&str>) -> Result<Memory, StoreError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Memory::default());
    };
    let stored: Stored =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if stored.v > SCHEMA_VERSION {
        return Err(StoreError::FutureVersion(stored.v));
    }
    Ok(Memory {
        history: History::from_events(stored.events, History::DEFAULT_CAPACITY),
        recall: stored.recall,
    })
}

/// The text to store.
pub fn encode(memory: &Memory) -> String {
    let stored = Stored {
        v: SCHEMA_VERSION,
        events: memory.history.events().to_vec(),
        recall: memory.recall.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::events::EventKind;

    #[test]
    fn round_trip() {
        let mut memory = Memory::default();
        memory.history.push(Event::new("a", EventKind::View, 10));
        memory
            .history
            .push(Event::new("b", EventKind::Purchase, 20));
        memory.recall.visit(30);
        memory.recall.saw_price("b", 9.5);
        memory.recall.survey.dismissed("nps");
        assert_eq!(decode(Some(&encode(&memory))), Ok(memory));
    }

    #[test]
    fn bad_stored_text() {
        assert_eq!(decode(None), Ok(Memory::default()));
        assert_eq!(decode(Some("  ")), Ok(Memory::default()));
        let cases = [
            "{",
            "[]",
            "{\"v\": \"one\"}",
            "null",
            "{\"v\":1,\"events\":[{\"id\":1}]}",
        ];
        for text in cases {
            assert!(
                matches!(decode(Some(text)), Err(StoreError::Corrupt(_))),
                "{text}"
            );
        }
        assert_eq!(
            decode(Some("{\"v\": 99}")),
            Err(StoreError::FutureVersion(99))
        );
    }
}
