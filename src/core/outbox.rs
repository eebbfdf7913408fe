//! What the widget still has to send to the owner's collector, and its
//! per-slot measurement for the current day, kept on the device under the
//! localStorage key [`OUTBOX_KEY`] (separate from the shopper's memory in
//! `core::store`, so either can change shape alone).
//!
//! A send is added here *before* it is tried and removed only when the
//! collector acknowledged it, so nothing is lost to a closed tab or a failed
//! request. Each item carries the idempotency key it was created with; a
//! retry sends the same key and the collector stores it once. Items are
//! tried at most [`MAX_ATTEMPTS`] times (one try per page view) and the
//! outbox holds at most [`MAX_ITEMS`].

use serde_json::{json, Value};

use crate::core::{dp, revenue};

pub const OUTBOX_KEY: &str = "tailor:outbox";
pub const MAX_ATTEMPTS: u8 = 5;
pub const MAX_ITEMS: usize = 20;

/// One pending post: its URL, its JSON body and how often it was tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub url: String,
    pub key: String,
    pub body: String,
    pub attempts: u8,
}

/// What one day on this device did in one slot. Counted only when the owner
/// turned reports on; never more than these facts, and the amount stays on
/// the device (the report carries a randomized share level, [`SlotReport`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlotDay {
    pub shown: bool,
    pub clicked: bool,
    pub bought: bool,
    /// Spent today on products clicked in this slot, in hundredths of the
    /// currency (integers keep float formatting out of the widget).
    pub cents: u64,
}

/// Stored as JSON, read and written by hand through `serde_json::Value`
/// (derived impls would cost the widget kilobytes).
impl SlotDay {
    pub fn to_json(self) -> Value {
        json!({"shown": self.shown, "clicked": self.clicked, "bought": self.bought, "cents": self.cents})
    }
}

/// One slot of a daily report, as sent: every fact randomized on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotReport {
    pub shown: bool,
    pub clicked: bool,
    pub bought: bool,
    /// A `core::revenue` value: no purchase, or the slot's share of the
    /// day's revenue in quarters, after randomized response.
    pub revenue: u8,
}

impl SlotReport {
    pub fn to_json(self) -> Value {
        json!({"shown": self.shown, "clicked": self.clicked, "bought": self.bought, "revenue": self.revenue})
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    pub pending: Vec<Pending>,
    /// Days since 1970 (UTC) the counts below are for.
    pub day: u64,
    pub slots: Vec<(String, SlotDay)>,
    /// Spent today on every priced product bought on this device, in cents.
    pub cents: u64,
    /// Products clicked in a slot today, so a purchase of one counts for it.
    /// Stays on the device; cleared with the day.
    pub clicked: Vec<(String, String)>,
}

/// What happened to one try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The collector stored it (or had it already).
    Delivered,
    /// It will never be accepted (refused as invalid): drop it.
    Refused,
    /// Network error, rate limit or server trouble: try again later.
    Failed,
}

impl Outbox {
    /// Reads the stored outbox; anything unreadable starts an empty one
    /// (losing at most unsent survey answers, never the shopper's memory).
    pub fn decode(text: Option<&str>) -> Self {
        let Some(value) = text.and_then(|t| serde_json::from_str::<Value>(t).ok()) else {
            return Self::default();
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let flag = |v: &Value, key: &str| v.get(key).and_then(Value::as_bool).unwrap_or(false);
        let cents = |v: &Value| v.get("cents").and_then(Value::as_u64).unwrap_or(0);
        let list = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let pair = |v: &Value| Some((v.get(0)?.as_str()?.to_string(), v.get(1)?.clone()));
        Self {
            pending: list("pending")
                .iter()
                .filter_map(|p| {
                    Some(Pending {
                        url: text(p, "url")?,
                        key: text(p, "key")?,
                        body: text(p, "body")?,
                        attempts: p
                            .get("attempts")
                            .and_then(Value::as_u64)
                            .unwrap_or(0)
                            .min(255) as u8,
                    })
                })
                .collect(),
            day: value.get("day").and_then(Value::as_u64).unwrap_or(0),
            slots: list("slots")
                .iter()
                .filter_map(pair)
                .map(|(slot, d)| {
                    let day = SlotDay {
                        shown: flag(&d, "shown"),
                        clicked: flag(&d, "clicked"),
                        bought: flag(&d, "bought"),
                        cents: cents(&d),
                    };
                    (slot, day)
                })
                .collect(),
            cents: cents(&value),
            clicked: list("clicked")
                .iter()
                .filter_map(pair)
                .filter_map(|(slot, p)| Some((slot, p.as_str()?.to_string())))
                .collect(),
        }
    }

    pub fn encode(&self) -> String {
        let pending: Vec<Value> = self
            .pending
            .iter()
            .map(|p| json!({"url": p.url, "key": p.key, "body": p.body, "attempts": p.attempts}))
            .collect();
        let slots: Vec<Value> = self
            .slots
            .iter()
            .map(|(s, d)| json!([s, d.to_json()]))
            .collect();
        let clicked: Vec<Value> = self.clicked.iter().map(|(s, p)| json!([s, p])).collect();
        json!({"pending": pending, "day": self.day, "slots": slots, "cents": self.cents, "clicked": clicked})
            .to_string()
    }

    /// Queues a post. One with the same key already queued takes the newer
    /// body (a score completed by its comment) and keeps its attempts. When
    /// full, the oldest item goes.
    pub fn push(&mut self, item: Pending) {
        if let Some(queued) = self.pending.iter_mut().find(|p| p.key == item.key) {
            queued.body = item.body;
            return;
        }
        if self.pending.len() >= MAX_ITEMS {
            self.pending.remove(0);
        }
        self.pending.push(item);
    }

    /// Records a try of the item with `key` that sent `sent`. A delivered
    /// body only clears the item while it still holds that body: a comment
    /// that completed the answer while its score was in flight stays queued
    /// until it is delivered itself.
    pub fn settle(&mut self, key: &str, sent: &str, outcome: Outcome) {
        match outcome {
            Outcome::Delivered | Outcome::Refused => {
                self.pending.retain(|p| p.key != key || p.body != sent)
            }
            Outcome::Failed => {
                for p in self.pending.iter_mut().filter(|p| p.key == key) {
                    p.attempts = p.attempts.saturating_add(1);
                }
                self.pending.retain(|p| p.attempts < MAX_ATTEMPTS);
            }
        }
    }

    fn slot(&mut self, slot: &str) -> &mut SlotDay {
        let index = match self.slots.iter().position(|(s, _)| s == slot) {
            Some(i) => i,
            None => {
                self.slots.push((slot.to_string(), SlotDay::default()));
                self.slots.len() - 1
            }
        };
        &mut self.slots[index].1
    }

    pub fn shown(&mut self, slot: &str) {
        self.slot(slot).shown = true;
    }

    pub fn clicked(&mut self, slot: &str, product: &str) {
        self.slot(slot).clicked = true;
        if self.clicked.len() < 200 {
            self.clicked.push((slot.to_string(), product.to_string()));
        }
    }

    /// A product bought today for `amount` (price × quantity; 0 when the
    /// page gave no price): adds to the day's revenue, and marks each slot
    /// where it was clicked today as bought from, with the amount.
    pub fn bought(&mut self, product: &str, amount: f64) {
        // `as` saturates: NaN and negatives give 0, huge amounts u64::MAX.
        let cents = (amount * 100.0).round() as u64;
        self.cents = self.cents.saturating_add(cents);
        // Clicked twice in one slot still counts its purchase once there
        // (no sort: it would cost the widget kilobytes).
        let mut slots: Vec<String> = Vec::new();
        for (slot, _) in self.clicked.iter().filter(|(_, p)| p == product) {
            if !slots.contains(slot) {
                slots.push(slot.clone());
            }
        }
        for slot in slots {
            let day = self.slot(&slot);
            day.bought = true;
            day.cents = day.cents.saturating_add(cents);
        }
    }

    /// When `today` is a new day, ends the previous one: returns its
    /// per-slot facts, each randomized on the device (`uniform` gives one
    /// number in [0, 1) per call), and starts the new day empty. Returns
    /// `None` when there is nothing to report.
    pub fn close_day(
        &mut self,
        today: u64,
        mut uniform: impl FnMut() -> f64,
    ) -> Option<Vec<(String, SlotReport)>> {
        if today <= self.day {
            return None;
        }
        let previous = std::mem::take(&mut self.slots);
        let day_cents = std::mem::take(&mut self.cents);
        self.clicked.clear();
        let first_day = self.day == 0;
        self.day = today;
        if first_day || previous.is_empty() {
            return None;
        }
        Some(
            previous
                .into_iter()
                .map(|(slot, d)| {
                    let mut rr = |bit| dp::randomize_bit(bit, dp::EPSILON, uniform());
                    let (shown, clicked, bought) = (rr(d.shown), rr(d.clicked), rr(d.bought));
                    let revenue =
                        revenue::report(d.cents as f64, day_cents as f64, uniform(), uniform());
                    let noisy = SlotReport {
                        shown,
                        clicked,
                        bought,
                        revenue,
                    };
                    (slot, noisy)
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str) -> Pending {
        Pending {
            url: "https://c.example/v1/answers".into(),
            key: key.into(),
            body: "{}".into(),
            attempts: 0,
        }
    }

    #[test]
    fn retries_are_bounded_and_never_duplicated() {
        let mut outbox = Outbox::default();
        outbox.push(item("a"));
        outbox.push(item("a"));
        outbox.push(item("b"));
        assert_eq!(outbox.pending.len(), 2);
        for attempt in 1..=MAX_ATTEMPTS {
            outbox.settle("a", "{}", Outcome::Failed);
            let left = outbox.pending.iter().any(|p| p.key == "a");
            assert_eq!(left, attempt < MAX_ATTEMPTS, "after {attempt} failures");
        }
        outbox.settle("b", "{}", Outcome::Delivered);
        assert!(outbox.pending.is_empty());
        outbox.push(item("c"));
        outbox.settle("c", "{}", Outcome::Refused);
        assert!(outbox.pending.is_empty());
    }

    #[test]
    fn a_queued_answer_takes_the_comment_that_completes_it() {
        let mut outbox = Outbox::default();
        outbox.push(item("a"));
        outbox.settle("a", "{}", Outcome::Failed);
        outbox.push(Pending {
            body: r#"{"comment":"late"}"#.into(),
            ..item("a")
        });
        assert_eq!(outbox.pending.len(), 1);
        assert_eq!(outbox.pending[0].body, r#"{"comment":"late"}"#);
        assert_eq!(outbox.pending[0].attempts, 1, "attempts carry over");
    }

    #[test]
    fn a_comment_queued_while_its_score_was_in_flight_is_not_lost() {
        let score = r#"{"score":4}"#;
        let commented = r#"{"score":4,"comment":"late"}"#;
        // (what settles first, its outcome, then the comment's own send,
        // its outcome, what is left queued)
        let cases: [(&str, Outcome, &str, Outcome, Option<&str>); 6] = [
            (
                score,
                Outcome::Delivered,
                commented,
                Outcome::Delivered,
                None,
            ),
            (
                score,
                Outcome::Delivered,
                commented,
                Outcome::Failed,
                Some(commented),
            ),
            (
                score,
                Outcome::Failed,
                commented,
                Outcome::Failed,
                Some(commented),
            ),
            (score, Outcome::Failed, commented, Outcome::Delivered, None),
            (
                commented,
                Outcome::Delivered,
                score,
                Outcome::Delivered,
                None,
            ),
            (score, Outcome::Refused, commented, Outcome::Refused, None),
        ];
        for (first, first_outcome, second, second_outcome, left) in cases {
            let mut outbox = Outbox::default();
            outbox.push(Pending {
                body: score.into(),
                ..item("a")
            });
            outbox.push(Pending {
                body: commented.into(),
                ..item("a")
            });
            outbox.settle("a", first, first_outcome);
            outbox.settle("a", second, second_outcome);
            let queued: Vec<&str> = outbox.pending.iter().map(|p| p.body.as_str()).collect();
            assert_eq!(
                queued,
                left.into_iter().collect::<Vec<_>>(),
                "{first} {first_outcome:?}, then {second} {second_outcome:?}"
            );
        }
    }

    #[test]
    fn bounded_size_keeps_the_newest() {
        let mut outbox = Outbox::default();
        for i in 0..MAX_ITEMS + 5 {
            outbox.push(item(&format!("k{i}")));
        }
        assert_eq!(outbox.pending.len(), MAX_ITEMS);
        assert_eq!(outbox.pending[0].key, "k5");
    }

    #[test]
    fn round_trip_and_lenient_decode() {
        let mut outbox = Outbox::default();
        outbox.push(item("a"));
        outbox.shown("similar");
        assert_eq!(Outbox::decode(Some(&outbox.encode())), outbox);
        for bad in [None, Some(""), Some("[1,2]"), Some("{\"pending\":3}")] {
            assert_eq!(Outbox::decode(bad), Outbox::default(), "{bad:?}");
        }
    }

    #[test]
    fn days_close_into_randomized_reports() {
        let mut outbox = Outbox::default();
        assert_eq!(
            outbox.close_day(100, || 0.0),
            None,
            "first day starts counting"
        );
        outbox.shown("recommendations");
        outbox.clicked("recommendations", "sku-1");
        outbox.clicked("recommendations", "sku-1");
        outbox.shown("similar");
        outbox.bought("sku-1", 30.0);
        outbox.bought("sku-9", 10.0);
        outbox.bought("sku-8", f64::NAN);
        assert_eq!(outbox.cents, 4000);
        assert_eq!(outbox.slots[0].1.cents, 3000, "counted once per slot");
        assert_eq!(
            Outbox::decode(Some(&outbox.encode())),
            outbox,
            "amounts survive a page change"
        );
        assert_eq!(outbox.close_day(100, || 0.0), None, "same day");
        // uniform 0.0 always keeps the truth (and rounds ¾ down: 30 of 40 is exactly ¾).
        let report = outbox.close_day(101, || 0.0).unwrap();
        let truth = |shown, clicked, bought, revenue| SlotReport {
            shown,
            clicked,
            bought,
            revenue,
        };
        assert_eq!(
            report,
            vec![
                ("recommendations".to_string(), truth(true, true, true, 4)),
                ("similar".to_string(), truth(true, false, false, 1)),
            ]
        );
        assert!(outbox.slots.is_empty() && outbox.clicked.is_empty());
        assert_eq!(outbox.cents, 0, "the amount does not outlive its day");
        assert_eq!(
            outbox.close_day(102, || 0.0),
            None,
            "an empty day sends nothing"
        );
        outbox.shown("similar");
        // uniform 0.99 always flips (keep probability is 0.75) and moves
        // the revenue value off its truth (no purchase: 0).
        let flipped = outbox.close_day(103, || 0.99).unwrap();
        assert_eq!(flipped[0].1, truth(false, true, true, 5));
    }

    #[test]
    fn reports_never_carry_amounts_or_ids() {
        let mut outbox = Outbox::default();
        outbox.close_day(1, || 0.5);
        outbox.shown("recommendations");
        outbox.clicked("recommendations", "sku-secret");
        outbox.bought("sku-secret", 1234.5);
        for (_, slot) in outbox.close_day(2, || 0.3).unwrap() {
            let text = slot.to_json().to_string();
            assert!(!text.contains("1234") && !text.contains("sku"), "{text}");
            assert!(usize::from(slot.revenue) < revenue::VALUES);
        }
    }
}
