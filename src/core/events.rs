//! What a shopper did: one [`Event`] per view, add-to-cart or purchase, and
//! the bounded [`History`] the widget keeps and the ranker reads.

use serde::{Deserialize, Serialize};

/// The kind of a shopper action, weakest to strongest signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    View,
    Cart,
    Purchase,
}

impl EventKind {
    /// Parses the contract's names (`view`, `cart`, `purchase`), case-insensitively.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "view" => Some(Self::View),
            "cart" | "add-to-cart" | "add_to_cart" => Some(Self::Cart),
            "purchase" | "order" => Some(Self::Purchase),
            _ => None,
        }
    }
}

/// One shopper action on one product. `at` is Unix seconds (0 when unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "id")]
    pub product: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    #[serde(rename = "t", default)]
    pub at: u64,
    /// For a view: how long the page was in sight, in seconds, once known
    /// (recorded when the shopper leaves the page).
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub dwell: Option<u32>,
}

impl Event {
    /// A view shorter than this is a glance: it counts for less.
    pub const GLANCE_SECONDS: u32 = 3;

    pub fn new(product: impl Into<String>, kind: EventKind, at: u64) -> Self {
        Self {
            product: product.into(),
            kind,
            at,
            dwell: None,
        }
    }

    /// A view the shopper left within [`Self::GLANCE_SECONDS`].
    pub fn is_glance(&self) -> bool {
        self.kind == EventKind::View && self.dwell.is_some_and(|s| s < Self::GLANCE_SECONDS)
    }

    /// The identity two tabs agree on: the same action at the same second.
    pub fn same_as(&self, other: &Event) -> bool {
        self.product == other.product && self.kind == other.kind && self.at == other.at
    }
}

/// A shopper's recent events, oldest first, never longer than its capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    events: Vec<Event>,
    capacity: usize,
}

impl Default for History {
    fn default() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }
}

impl History {
    /// Enough for a long session and a profile, small enough for localStorage.
    pub const DEFAULT_CAPACITY: usize = 200;

    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            events: Vec::new(),
            capacity: capacity.max(1),
        }
    }

    /// Builds a history from events in time order, keeping the newest `capacity`.
    pub fn from_events(events: Vec<Event>, capacity: usize) -> Self {
        let mut history = Self::with_capacity(capacity);
        for event in events {
            history.push(event);
        }
        history
    }

    /// Appends an event, dropping the oldest when full. A repeat view of the
    /// product just viewed (a reload) only refreshes its time; an event
    /// already present (same product, kind and second: another tab wrote
    /// it) is not added twice.
    pub fn push(&mut self, event: Event) {
        if self.events.iter().rev().any(|e| e.same_as(&event)) {
            return;
        }
        if let Some(last) = self.events.last_mut() {
            if last.product == event.product
                && last.kind == event.kind
                && event.kind == EventKind::View
            {
                last.at = last.at.max(event.at);
                return;
            }
        }
        if self.events.len() == self.capacity {
            self.events.remove(0);
        }
        self.events.push(event);
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Distinct products viewed, newest first.
    pub fn recently_viewed(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for event in self.events.iter().rev() {
            if !seen.contains(&event.product.as_str()) {
                seen.push(&event.product);
            }
        }
        seen
    }

    /// Removes every event about `product` (the shopper's "remove this").
    pub fn remove_product(&mut self, product: &str) {
        self.events.retain(|e| e.product != product);
    }

    pub fn clear(&mut self) {
        self.events.clear();
    }

    /// Adds `others` (another tab's copy) to this history: the union by
    /// (product, kind, second), in time order, newest `capacity` kept.
    pub fn merge(&mut self, others: &[Event]) {
        let mut all = std::mem::take(&mut self.events);
        for event in others {
            if !all.iter().any(|e| e.same_as(event)) {
                all.push(event.clone());
            }
        }
        sort_by_time(&mut all);
        let skip = all.len().saturating_sub(self.capacity);
        self.events = all.split_off(skip);
    }

    /// Drops events from before `cutoff` (Unix seconds); returns how many.
    pub fn drop_before(&mut self, cutoff: u64) -> usize {
        let before = self.events.len();
        self.events.retain(|e| e.at >= cutoff);
        before - self.events.len()
    }

    /// Drops the `n` oldest events.
    pub fn drop_oldest(&mut self, n: usize) {
        let n = n.min(self.events.len());
        self.events.drain(..n);
    }

    /// Records how long the newest view of `product` was in sight.
    /// Returns false when there is no such view.
    pub fn set_dwell(&mut self, product: &str, seconds: u32) -> bool {
        match self
            .events
            .iter_mut()
            .rev()
            .find(|e| e.product == product && e.kind == EventKind::View)
        {
            Some(view) => {
                view.dwell = Some(view.dwell.unwrap_or(0).saturating_add(seconds));
                true
            }
            None => false,
        }
    }
}

/// Sorts events by time, keeping the order of events of the same second.
/// An insertion sort: the lists are short and nearly sorted, and it ships
/// far less code in the wasm than the standard library's stable sort.
pub fn sort_by_time(events: &mut [Event]) {
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 && events[j - 1].at > events[j].at {
            events.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_by_time_is_stable() {
        let cases: &[&[(u64, &str)]] = &[
            &[],
            &[(3, "a"), (1, "b"), (2, "c")],
            &[(1, "a"), (1, "b"), (0, "c"), (1, "d")],
            &[(5, "a"), (4, "b"), (3, "c"), (2, "d"), (1, "e")],
        ];
        for case in cases {
            let mut events: Vec<Event> = case
                .iter()
                .map(|(at, id)| Event::new(*id, EventKind::View, *at))
                .collect();
            let mut want = events.clone();
            want.sort_by_key(|e| e.at);
            sort_by_time(&mut events);
            assert_eq!(events, want, "{case:?}");
        }
    }

    #[test]
    fn kind_names_parse() {
        let cases = [
            ("view", Some(EventKind::View)),
            ("VIEW", Some(EventKind::View)),
            ("cart", Some(EventKind::Cart)),
            ("add_to_cart", Some(EventKind::Cart)),
            ("purchase", Some(EventKind::Purchase)),
            ("click", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(EventKind::parse(name), want, "{name}");
        }
    }

    #[test]
    fn history_is_bounded_and_dedups_reloads() {
        let mut h = History::with_capacity(3);
        for (i, id) in ["a", "a", "b", "c", "d"].iter().enumerate() {
            h.push(Event::new(*id, EventKind::View, i as u64));
        }
        let ids: Vec<_> = h.events().iter().map(|e| e.product.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"]);
        assert_eq!(h.recently_viewed(), ["d", "c", "b"]);
    }

    #[test]
    fn merge_is_a_union_without_duplicates() {
        let ev = |id: &str, at| Event::new(id, EventKind::View, at);
        // (this tab's events, the other tab's, capacity, times kept)
        type Case = (Vec<Event>, Vec<Event>, usize, Vec<u64>);
        let cases: Vec<Case> = vec![
            (
                vec![ev("a", 1), ev("b", 3)],
                vec![ev("a", 1), ev("c", 2)],
                10,
                vec![1, 2, 3],
            ),
            (vec![], vec![ev("a", 1), ev("a", 1)], 10, vec![1]),
            (vec![ev("a", 1)], vec![], 10, vec![1]),
            (
                vec![ev("a", 1), ev("b", 2)],
                vec![ev("c", 3), ev("d", 4)],
                3,
                vec![2, 3, 4],
            ),
        ];
        for (mine, theirs, capacity, want) in cases {
            let mut h = History::from_events(mine.clone(), capacity);
            h.merge(&theirs);
            let got: Vec<u64> = h.events().iter().map(|e| e.at).collect();
            assert_eq!(got, want, "{mine:?} + {theirs:?}");
        }
    }

    #[test]
    fn push_skips_an_event_another_tab_already_wrote() {
        let mut h = History::default();
        h.push(Event::new("a", EventKind::Cart, 5));
        h.push(Event::new("b", EventKind::View, 6));
        h.push(Event::new("a", EventKind::Cart, 5));
        h.push(Event::new("a", EventKind::Cart, 7));
        assert_eq!(h.len(), 3);
    }

    #[test]
    fn dwell_marks_glances() {
        let cases = [
            (None, false),
            (Some(0), true),
            (Some(2), true),
            (Some(3), false),
            (Some(60), false),
        ];
        for (dwell, glance) in cases {
            let mut h = History::default();
            h.push(Event::new("a", EventKind::View, 1));
            if let Some(s) = dwell {
                assert!(h.set_dwell("a", s));
            }
            assert_eq!(h.events()[0].is_glance(), glance, "{dwell:?}");
        }
        let mut h = History::default();
        h.push(Event::new("a", EventKind::Cart, 1));
        assert!(!h.set_dwell("a", 10), "only views have a dwell time");
        assert!(!Event::new("a", EventKind::Cart, 1).is_glance());
    }

    #[test]
    fn drop_before_and_oldest() {
        let mut h = History::default();
        for at in [10, 20, 30, 40] {
            h.push(Event::new(format!("p{at}"), EventKind::Cart, at));
        }
        assert_eq!(h.drop_before(25), 2);
        h.drop_oldest(1);
        assert_eq!(h.events()[0].at, 40);
        h.drop_oldest(5);
        assert!(h.is_empty());
    }

    #[test]
    fn remove_product_forgets_it() {
        let mut h = History::default();
        h.push(Event::new("a", EventKind::View, 1));
        h.push(Event::new("b", EventKind::Cart, 2));
        h.push(Event::new("a", EventKind::Purchase, 3));
        h.remove_product("a");
        assert_eq!(h.len(), 1);
    }
}
