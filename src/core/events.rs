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
}

impl Event {
    pub fn new(product: impl Into<String>, kind: EventKind, at: u64) -> Self {
        Self {
            product: product.into(),
            kind,
            at,
        }
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
    /// product just viewed (a reload) only refreshes its time.
    pub fn push(&mut self, event: Event) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn remove_product_forgets_it() {
        let mut h = History::default();
        h.push(Event::new("a", EventKind::View, 1));
        h.push(Event::new("b", EventKind::Cart, 2));
        h.push(Event::new("a", EventKind::Purchase, 3));
        h.remove_product("a");
        assert_eq!(h.len(), 1);
    }
}
