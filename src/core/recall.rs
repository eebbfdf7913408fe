//! What the shopper-facing widgets remember on the device, beside the
//! browsing history: the survey's never-nagging record, when the shopper was
//! last here (for "welcome back") and when their previous visit ended (for
//! "new since your last visit"), and the price last seen per product (for
//! the price-drop badge). Nothing here ever leaves the device.

use serde::{Deserialize, Serialize};

use crate::core::survey::SurveyMemory;

/// The widgets' part of `core::store::Memory`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recall {
    #[serde(default)]
    pub survey: SurveyMemory,
    /// The last page view (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_visit: Option<u64>,
    /// The last page view of the visit before this one (Unix seconds):
    /// products added after it are new to the shopper. Set when a return
    /// visit starts and kept for all of its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_visit: Option<u64>,
    /// (product id, price) last seen, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<(String, f64)>,
}

/// A gap longer than this between two page views makes a return visit.
pub const RETURN_AFTER: u64 = 30 * 60;

impl Recall {
    /// At most this many prices are kept; the least recently seen go first.
    pub const PRICE_CAPACITY: usize = 64;

    /// Records a page view at `now`; true when it starts a return visit.
    pub fn visit(&mut self, now: u64) -> bool {
        let returning = self
            .last_visit
            .is_some_and(|t| now.saturating_sub(t) > RETURN_AFTER);
        if returning {
            self.previous_visit = self.last_visit;
        }
        self.last_visit = Some(now);
        returning
    }

    /// The price this shopper last saw for `id`.
    pub fn seen_price(&self, id: &str) -> Option<f64> {
        self.prices.iter().find(|(p, _)| p == id).map(|(_, v)| *v)
    }

    /// The former price when `price` is lower than the one last seen.
    pub fn dropped_from(&self, id: &str, price: f64) -> Option<f64> {
        self.seen_price(id).filter(|seen| price < *seen - 0.005)
    }

    /// Remembers the price shown now (non-finite or negative prices are ignored).
    pub fn saw_price(&mut self, id: &str, price: f64) {
        if !price.is_finite() || price < 0.0 || id.is_empty() {
            return;
        }
        self.prices.retain(|(p, _)| p != id);
        if self.prices.len() >= Self::PRICE_CAPACITY {
            self.prices.remove(0);
        }
        self.prices.push((id.to_string(), price));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_visits() {
        // (previous visit, now, returning)
        let cases = [
            (None, 1_000, false),
            (Some(1_000), 1_000 + 60, false),
            (Some(1_000), 1_000 + RETURN_AFTER, false),
            (Some(1_000), 1_000 + RETURN_AFTER + 1, true),
            (Some(5_000), 1_000, false),
        ];
        for (last, now, want) in cases {
            let mut recall = Recall {
                last_visit: last,
                ..Recall::default()
            };
            assert_eq!(recall.visit(now), want, "{last:?} {now}");
            assert_eq!(recall.last_visit, Some(now));
        }
    }

    #[test]
    fn previous_visit_holds_for_the_whole_return_visit() {
        let mut recall = Recall::default();
        // (page view at, previous visit after it)
        let day = 86_400;
        let views = [
            (1_000, None),
            (1_000 + 600, None),
            (1_000 + 3 * day, Some(1_600)),
            (1_000 + 3 * day + 900, Some(1_600)),
            (1_000 + 3 * day + 1_800, Some(1_600)),
            (1_000 + 9 * day, Some(1_000 + 3 * day + 1_800)),
            // A clock set back is not a return.
            (500, Some(1_000 + 3 * day + 1_800)),
        ];
        for (at, want) in views {
            recall.visit(at);
            assert_eq!(recall.previous_visit, want, "view at {at}");
        }
    }

    #[test]
    fn price_drops() {
        let mut recall = Recall::default();
        recall.saw_price("a", 20.0);
        recall.saw_price("b", 5.0);
        recall.saw_price("bad", f64::NAN);
        // (id, price now, badge shows the former price)
        let cases = [
            ("a", 15.0, Some(20.0)),
            ("a", 20.0, None),
            ("a", 19.999, None),
            ("a", 25.0, None),
            ("b", 4.99, Some(5.0)),
            ("c", 1.0, None),
            ("bad", 1.0, None),
        ];
        for (id, price, want) in cases {
            assert_eq!(recall.dropped_from(id, price), want, "{id} {price}");
        }
    }

    #[test]
    fn prices_are_capped_least_recently_seen_first() {
        let mut recall = Recall::default();
        for i in 0..Recall::PRICE_CAPACITY {
            recall.saw_price(&format!("p{i}"), i as f64);
        }
        recall.saw_price("p0", 1.0); // seen again: now the newest
        recall.saw_price("new", 2.0);
        assert_eq!(recall.prices.len(), Recall::PRICE_CAPACITY);
        assert_eq!(recall.seen_price("p0"), Some(1.0));
        assert_eq!(recall.seen_price("p1"), None);
        assert_eq!(recall.seen_price("new"), Some(2.0));
    }

    #[test]
    fn old_stored_text_without_fields_reads() {
        let recall: Recall = serde_json::from_str("{}").unwrap();
        assert_eq!(recall, Recall::default());
    }
}
