//! The one place that defines what Tailor keeps in the shopper's browser and
//! its schema version: a ring of recent events plus a compact, decaying
//! profile of interests (category, brand, price band, search words) so a
//! long-time shopper keeps a profile when old events drop. Everything here
//! is pure and takes the time as a parameter; the browser shell only moves
//! the resulting text in and out of localStorage.
//!
//! Stored shape (schema 2), one localStorage key:
//! `{"v":2,"events":[{"id":"sku-1","type":"view","t":1700000000,"s":12}],
//!   "profile":[["c:kitchen",1.5,1700000000]]}`

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::catalog::Product;
use crate::core::events::{Event, EventKind, History};
use crate::core::recall::Recall;

/// The localStorage key of the browsing memory. One key, so "forget" is one removal.
pub const STORAGE_KEY: &str = "tailor";
/// The localStorage key of the shopper's consent answer (`"1"` or `"0"`),
/// kept apart so "forget" erases browsing data but remembers the answer.
pub const CONSENT_KEY: &str = "tailor-consent";
/// Bumped whenever the stored shape changes incompatibly.
pub const SCHEMA_VERSION: u32 = 2;
/// Default hard cap on the stored text, in bytes.
pub const DEFAULT_CAP_BYTES: usize = 32 * 1024;
/// Default retention of events, in days (setting `retention-days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// Longest retention an owner can set, in days.
pub const MAX_RETENTION_DAYS: u32 = 400;

const DAY: u64 = 86_400;
/// An interest loses half its weight in this time when not refreshed.
const PROFILE_HALF_LIFE: u64 = 14 * DAY;
/// An interest not refreshed for this many retention periods is dropped.
const PROFILE_RETENTION_FACTOR: u64 = 3;
/// Interests weaker than this are dropped.
const PROFILE_MIN_WEIGHT: f32 = 0.05;
/// Most interests kept.
pub const PROFILE_MAX_ENTRIES: usize = 48;
/// Most words kept from one search.
const MAX_SEARCH_WORDS: usize = 6;
/// Longest interest key kept.
const MAX_KEY_CHARS: usize = 48;

/// Everything Tailor remembers about the shopper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    pub history: History,
    pub profile: Profile,
    /// What the widgets remember (survey, last visit, seen prices).
    pub recall: Recall,
}

/// How much each signal adds to the interests it touches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Signal {
    /// An event of the history (a view weighs less when it was a glance).
    Event(EventKind, bool),
    /// A click on one of Tailor's own recommendations.
    RecommendationClick,
    /// A view first learnt as a glance turned out to be a real look: the
    /// difference between the two.
    GlanceBecameView,
}

impl Signal {
    pub fn of(event: &Event) -> Self {
        Signal::Event(event.kind, event.is_glance())
    }

    fn weight(self) -> f32 {
        match self {
            Signal::Event(EventKind::View, true) => 0.3,
            Signal::Event(EventKind::View, false) => 1.0,
            Signal::Event(EventKind::Cart, _) => 3.0,
            Signal::Event(EventKind::Purchase, _) => 5.0,
            Signal::RecommendationClick => 1.5,
            Signal::GlanceBecameView => {
                Signal::Event(EventKind::View, false).weight()
                    - Signal::Event(EventKind::View, true).weight()
            }
        }
    }
}

/// One interest: a key such as `c:kitchen` (category), `b:potter` (brand),
/// `p:10-25` (price band) or `q:teapot` (search word), its weight when last
/// refreshed and that time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interest(pub String, pub f32, pub u64);

impl Interest {
    pub fn key(&self) -> &str {
        &self.0
    }

    /// The weight at `now`, halved every [`PROFILE_HALF_LIFE`] (linear
    /// within a half-life: no `powf`, which would ship libm in the wasm).
    pub fn weight_at(&self, now: u64) -> f32 {
        let age = now.saturating_sub(self.2);
        let halvings = age / PROFILE_HALF_LIFE;
        if halvings >= 32 {
            return 0.0;
        }
        let part = (age % PROFILE_HALF_LIFE) as f32 / PROFILE_HALF_LIFE as f32;
        self.1 / (1u64 << halvings) as f32 * (1.0 - part / 2.0)
    }
}

/// The shopper's interests, strongest first after [`Profile::prune`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Profile(Vec<Interest>);

impl Profile {
    pub fn interests(&self) -> &[Interest] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `amount` to the interest `key`, decaying what it had first.
    pub fn add(&mut self, key: &str, amount: f32, now: u64) {
        let key: String = key.chars().take(MAX_KEY_CHARS).collect();
        if key.len() < 3 || !amount.is_finite() {
            return;
        }
        match self.0.iter_mut().find(|i| i.0 == key) {
            Some(interest) => {
                interest.1 = interest.weight_at(now) + amount;
                interest.2 = interest.2.max(now);
            }
            None => self.0.push(Interest(key, amount, now)),
        }
    }

    /// Drops weak and stale interests and keeps the strongest
    /// [`PROFILE_MAX_ENTRIES`], strongest first.
    pub fn prune(&mut self, now: u64, retention_days: u32) {
        let stale_before =
            now.saturating_sub(u64::from(retention_days) * DAY * PROFILE_RETENTION_FACTOR);
        self.0
            .retain(|i| i.2 >= stale_before && i.weight_at(now) >= PROFILE_MIN_WEIGHT);
        self.strongest_first(now);
        self.0.truncate(PROFILE_MAX_ENTRIES);
    }

    /// The shopper's favourite categories at `now`: the folded names of the
    /// `n` strongest category interests (as `product_keys` writes them,
    /// a product's deepest category) with their weights, strongest first.
    pub fn favourite_categories(&self, now: u64, n: usize) -> Vec<(String, f32)> {
        let mut favourites: Vec<(String, f32)> = Vec::new();
        for interest in &self.0 {
            let Some(name) = interest.0.strip_prefix("c:") else {
                continue;
            };
            let weight = interest.weight_at(now);
            if weight <= 0.0 {
                continue;
            }
            // A few dozen interests: insert in order rather than sort.
            let at = favourites
                .iter()
                .position(|(_, w)| *w < weight)
                .unwrap_or(favourites.len());
            favourites.insert(at, (name.to_string(), weight));
        }
        favourites.truncate(n);
        favourites
    }

    /// Removes every interest whose key starts with `prefix` (or all with "").
    pub fn remove_prefix(&mut self, prefix: &str) {
        self.0.retain(|i| !i.0.starts_with(prefix));
    }

    /// An insertion sort (a few dozen entries; far less wasm than `sort_by`).
    fn strongest_first(&mut self, now: u64) {
        let v = &mut self.0;
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && v[j - 1].weight_at(now) < v[j].weight_at(now) {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
    }

    fn drop_weakest(&mut self, n: usize, now: u64) {
        self.strongest_first(now);
        let keep = self.0.len().saturating_sub(n);
        self.0.truncate(keep);
    }
}

/// The interests a product carries: its leaf category, brand and price band.
pub fn product_keys(product: &Product) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(category) = product.category().last() {
        keys.push(format!("c:{}", crate::core::text::fold(category)));
    }
    if let Some(brand) = product.brand() {
        keys.push(format!("b:{}", crate::core::text::fold(brand)));
    }
    if let Some(price) = product.price() {
        keys.push(format!("p:{}", price_band(price)));
    }
    keys.retain(|k| k.len() > 2);
    keys
}

/// Coarse price bands, so the profile says "buys in the 25-50 range", not prices.
pub fn price_band(price: f64) -> &'static str {
    const BANDS: [(f64, &str); 7] = [
        (10.0, "0-10"),
        (25.0, "10-25"),
        (50.0, "25-50"),
        (100.0, "50-100"),
        (250.0, "100-250"),
        (500.0, "250-500"),
        (f64::INFINITY, "500+"),
    ];
    BANDS
        .iter()
        .find(|(upper, _)| price < *upper)
        .map_or("500+", |(_, band)| band)
}

impl Memory {
    /// Learns the interests of `product` from one signal.
    pub fn learn(&mut self, product: &Product, signal: Signal, now: u64) {
        let amount = signal.weight();
        for key in product_keys(product) {
            self.profile.add(&key, amount, now);
        }
    }

    /// Learns the words of a search on the site (kept on the device only).
    pub fn learn_search(&mut self, query: &str, now: u64) {
        let mut words = crate::core::text::tokens(query);
        words.dedup();
        for word in words.into_iter().take(MAX_SEARCH_WORDS) {
            self.profile.add(&format!("q:{word}"), 1.0, now);
        }
    }

    /// Forgets one product: its events (its interests stay: they are shared
    /// with other products and decay on their own).
    pub fn remove_product(&mut self, product: &str) {
        self.history.remove_product(product);
    }

    /// Applies the retention period: events older than `retention_days`
    /// drop, stale or weak interests drop.
    pub fn expire(&mut self, now: u64, retention_days: u32) {
        let cutoff = now.saturating_sub(u64::from(retention_days) * DAY);
        self.history.drop_before(cutoff);
        self.profile.prune(now, retention_days);
    }
}

/// The owner's storage limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub cap_bytes: usize,
    pub retention_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            cap_bytes: DEFAULT_CAP_BYTES,
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

impl Limits {
    /// Reads `retention-days` (1 to [`MAX_RETENTION_DAYS`]).
    pub fn with_retention(self, text: &str) -> Result<Self, StoreError> {
        match text.trim().parse::<u32>() {
            Ok(days) if (1..=MAX_RETENTION_DAYS).contains(&days) => Ok(Self {
                retention_days: days,
                ..self
            }),
            _ => Err(StoreError::BadRetention(text.chars().take(40).collect())),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    profile: Profile,
    #[serde(default, skip_serializing_if = "is_default")]
    recall: Recall,
}

/// Nothing the widgets remember yet: not worth a byte of the cap.
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("stored data is not readable ({0}); starting afresh")]
    Corrupt(String),
    #[error("stored data has schema version {0}, newer than this Tailor ({SCHEMA_VERSION}); starting afresh")]
    FutureVersion(u32),
    #[error("setting `retention-days`: `{0}` is not a number of days from 1 to 400")]
    BadRetention(String),
}

/// Reads stored text. Nothing stored yet is an empty memory, not an error.
/// Schema 1 (`{"v":1,"events":[…]}`) reads as schema 2 with no profile yet.
pub fn decode(text: Option<&str>) -> Result<Memory, StoreError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Memory::default());
    };
    let stored: Stored =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if stored.v > SCHEMA_VERSION {
        return Err(StoreError::FutureVersion(stored.v));
    }
    // Stored order is recording order, the truth when a clock jumps: keep it.
    Ok(Memory {
        history: History::from_events(stored.events, History::DEFAULT_CAPACITY),
        profile: stored.profile,
        recall: stored.recall,
    })
}

/// The text to store, as is (see [`fit`] for the capped form).
pub fn encode(memory: &Memory) -> String {
    let stored = Stored {
        v: SCHEMA_VERSION,
        events: memory.history.events().to_vec(),
        profile: Profile(
            memory
                .profile
                .interests()
                .iter()
                .map(|i| Interest(i.0.clone(), (i.1 * 100.0).round() / 100.0, i.2))
                .collect(),
        ),
        recall: memory.recall.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Applies retention at `now`, then drops oldest events (then weakest
/// interests) until the stored text fits `limits.cap_bytes`. Returns the
/// text to store.
pub fn fit(memory: &mut Memory, now: u64, limits: Limits) -> String {
    memory.expire(now, limits.retention_days);
    loop {
        let text = encode(memory);
        if text.len() <= limits.cap_bytes {
            return text;
        }
        let over = text.len() - limits.cap_bytes;
        if !memory.history.is_empty() {
            // Drop just enough oldest events to cover the excess, then measure again.
            let mut freed = 0;
            let n = memory
                .history
                .events()
                .iter()
                .take_while(|e| {
                    let more = freed < over;
                    freed += serde_json::to_string(e).map_or(0, |t| t.len() + 1);
                    more
                })
                .count();
            memory.history.drop_oldest(n.max(1));
        } else if !memory.profile.is_empty() {
            let n = memory.profile.interests().len().div_ceil(4);
            memory.profile.drop_weakest(n, now);
        } else {
            return text;
        }
    }
}

/// Everything Tailor remembers, for the shopper's "download my data":
/// exactly what is stored (the README explains each field).
pub fn export(memory: &Memory) -> String {
    encode(memory)
}

/// Reads the stored consent answer (`"1"` given, `"0"` refused).
pub fn decode_consent(text: Option<&str>) -> Option<bool> {
    match text?.trim() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// The stored form of a consent answer.
pub fn encode_consent(given: bool) -> &'static str {
    if given {
        "1"
    } else {
        "0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ProductFields;

    const NOW: u64 = 1_800_000_000;

    fn product(id: &str, category: &str, brand: &str, price: f64) -> Product {
        Product::from(ProductFields {
            id: id.into(),
            title: id.into(),
            category: vec!["Home".into(), category.into()],
            brand: Some(brand.into()),
            price: Some(price),
            ..ProductFields::default()
        })
    }

    #[test]
    fn favourite_categories_strongest_first() {
        let mut profile = Profile::default();
        profile.add("c:kitchen", 3.0, NOW);
        profile.add("b:potter", 9.0, NOW);
        profile.add("c:garden", 1.0, NOW);
        // Stronger once, but two half-lives ago.
        profile.add("c:lighting", 5.0, NOW - 2 * PROFILE_HALF_LIFE);
        profile.add("c:bath", 2.0, NOW);
        let names = |n| -> Vec<String> {
            profile
                .favourite_categories(NOW, n)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        assert_eq!(names(3), ["kitchen", "bath", "lighting"]);
        assert_eq!(names(9), ["kitchen", "bath", "lighting", "garden"]);
        assert!(Profile::default().favourite_categories(NOW, 3).is_empty());
    }

    #[test]
    fn round_trip() {
        let mut memory = Memory::default();
        memory.history.push(Event::new("a", EventKind::View, 10));
        memory.history.set_dwell("a", 7);
        memory
            .history
            .push(Event::new("b", EventKind::Purchase, 20));
        memory.profile.add("c:kitchen", 1.25, 20);
        memory.recall.visit(30);
        memory.recall.saw_price("b", 9.5);
        memory.recall.survey.dismissed("nps");
        assert_eq!(decode(Some(&encode(&memory))), Ok(memory));
    }

    #[test]
    fn schema_1_migrates_with_its_events() {
        let v1 = r#"{"v":1,"events":[{"id":"sku-1","type":"view","t":1700000000},{"id":"sku-2","type":"cart","t":1700000100},{"id":"sku-1","type":"purchase","t":1700000200}]}"#;
        let memory = decode(Some(v1)).unwrap();
        let got: Vec<(&str, EventKind, u64)> = memory
            .history
            .events()
            .iter()
            .map(|e| (e.product.as_str(), e.kind, e.at))
            .collect();
        assert_eq!(
            got,
            [
                ("sku-1", EventKind::View, 1_700_000_000),
                ("sku-2", EventKind::Cart, 1_700_000_100),
                ("sku-1", EventKind::Purchase, 1_700_000_200)
            ]
        );
        assert!(memory.profile.is_empty());
        let again = encode(&memory);
        assert!(again.starts_with("{\"v\":2,"), "{again}");
        assert_eq!(decode(Some(&again)), Ok(memory));
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
            "{\"v\":2,\"profile\":{\"c:x\":1}}",
            "{\"v\":2,\"profile\":[[\"c:x\",\"heavy\",1]]}",
        ];
        for text in cases {
            assert!(
                matches!(decode(Some(text)), Err(StoreError::Corrupt(_))),
                "{text}"
            );
        }
        for v in [3, 99] {
            assert_eq!(
                decode(Some(&format!("{{\"v\": {v}, \"events\": []}}"))),
                Err(StoreError::FutureVersion(v))
            );
        }
    }

    #[test]
    fn retention_drops_old_events_only() {
        let cases: &[(u32, &[u64], usize)] = &[
            (30, &[NOW - 31 * DAY, NOW - 29 * DAY, NOW], 2),
            (30, &[NOW - 300 * DAY], 0),
            (1, &[NOW - 2 * DAY, NOW - DAY / 2], 1),
            (400, &[NOW - 300 * DAY, NOW], 2),
            (30, &[0, NOW], 1),
        ];
        for (days, times, kept) in cases {
            let mut memory = Memory::default();
            for (i, t) in times.iter().enumerate() {
                memory
                    .history
                    .push(Event::new(format!("p{i}"), EventKind::Cart, *t));
            }
            memory.expire(NOW, *days);
            assert_eq!(memory.history.len(), *kept, "{days} days, {times:?}");
        }
    }

    #[test]
    fn interests_decay_and_are_pruned() {
        let mut profile = Profile::default();
        profile.add("c:kitchen", 4.0, NOW);
        profile.add("b:potter", 1.0, NOW - 60 * DAY);
        profile.add("p:0-10", 0.5, NOW);
        let kitchen = &profile.interests()[0];
        let cases = [(NOW, 4.0), (NOW + 14 * DAY, 2.0), (NOW + 28 * DAY, 1.0)];
        for (at, want) in cases {
            assert!((kitchen.weight_at(at) - want).abs() < 1e-3, "{at}");
        }
        profile.prune(NOW, 30);
        let keys: Vec<&str> = profile.interests().iter().map(Interest::key).collect();
        // b:potter decayed to 1/16 (above the floor) and is strongest-first last.
        assert_eq!(keys, ["c:kitchen", "p:0-10", "b:potter"]);
        profile.prune(NOW + 100 * DAY, 30);
        assert!(profile.is_empty(), "stale after 3 retention periods");
        // Adding to an interest decays what it had first.
        let mut p = Profile::default();
        p.add("c:x", 2.0, NOW);
        p.add("c:x", 1.0, NOW + 14 * DAY);
        assert!((p.interests()[0].1 - 2.0).abs() < 1e-3);
        // Too short or not finite: ignored.
        p.add("c:", 1.0, NOW);
        p.add("c:y", f32::NAN, NOW);
        assert_eq!(p.interests().len(), 1);
    }

    #[test]
    fn product_keys_and_price_bands() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0-10"),
            (9.99, "0-10"),
            (10.0, "10-25"),
            (49.0, "25-50"),
            (99.0, "50-100"),
            (240.0, "100-250"),
            (499.0, "250-500"),
            (5000.0, "500+"),
            (f64::NAN, "500+"),
        ];
        for (price, band) in cases {
            assert_eq!(price_band(*price), *band, "{price}");
        }
        assert_eq!(
            product_keys(&product("a", "Kitchen Tools", "Pötter", 12.0)),
            ["c:kitchen tools", "b:potter", "p:10-25"]
        );
        assert!(product_keys(&Product::default()).is_empty());
    }

    #[test]
    fn signals_weigh_differently() {
        let mug = product("mug", "Kitchen", "Potter", 20.0);
        let weight = |signal| {
            let mut m = Memory::default();
            m.learn(&mug, signal, NOW);
            m.profile.interests()[0].1
        };
        let glance = weight(Signal::Event(EventKind::View, true));
        let upgrade = weight(Signal::GlanceBecameView);
        assert!((glance + upgrade - weight(Signal::Event(EventKind::View, false))).abs() < 1e-6);
        let view = weight(Signal::Event(EventKind::View, false));
        let click = weight(Signal::RecommendationClick);
        let cart = weight(Signal::Event(EventKind::Cart, false));
        let purchase = weight(Signal::Event(EventKind::Purchase, false));
        assert!(glance < view && view < click && click < cart && cart < purchase);
        let mut seen = Event::new("mug", EventKind::View, NOW);
        seen.dwell = Some(1);
        assert_eq!(Signal::of(&seen), Signal::Event(EventKind::View, true));
    }

    #[test]
    fn search_words_become_interests() {
        let cases: &[(&str, &[&str])] = &[
            ("blue teapot", &["q:blue", "q:teapot"]),
            ("  ", &[]),
            ("the", &["q:the"]),
        ];
        for (query, want) in cases {
            let mut m = Memory::default();
            m.learn_search(query, NOW);
            let keys: Vec<&str> = m.profile.interests().iter().map(Interest::key).collect();
            assert_eq!(keys, *want, "{query}");
        }
        let mut m = Memory::default();
        m.learn_search(&"word ".repeat(50), NOW);
        m.learn_search("a b c d e f g h i j k l", NOW);
        assert!(m.profile.interests().len() <= 1 + MAX_SEARCH_WORDS);
    }

    /// A long-time shopper: 10,000 events over a year with long product ids,
    /// fitted after every event as the widget does.
    #[test]
    fn storage_stays_under_the_cap_after_10000_events() {
        let categories = ["Kitchen", "Garden", "Books", "Toys", "Tools"];
        for cap in [DEFAULT_CAP_BYTES, 4096, 1024] {
            let limits = Limits {
                cap_bytes: cap,
                retention_days: DEFAULT_RETENTION_DAYS,
            };
            let mut memory = Memory::default();
            let mut largest = 0;
            let start = NOW - 365 * DAY;
            for i in 0..10_000u64 {
                let now = start + i * (365 * DAY / 10_000);
                let id = format!(
                    "product-with-a-long-identifier-{:05}-{}",
                    i % 997,
                    "x".repeat((i % 120) as usize)
                );
                let kind = [
                    EventKind::View,
                    EventKind::View,
                    EventKind::Cart,
                    EventKind::Purchase,
                ][(i % 4) as usize];
                let event = Event::new(id.clone(), kind, now);
                let p = product(
                    &id,
                    categories[(i % 5) as usize],
                    &format!("Brand {}", i % 40),
                    (i % 700) as f64,
                );
                memory.learn(&p, Signal::of(&event), now);
                memory.learn_search(&format!("query {} words", i % 300), now);
                memory.history.push(event);
                let text = fit(&mut memory, now, limits);
                largest = largest.max(text.len());
                assert!(text.len() <= cap, "event {i}: {} > {cap}", text.len());
                if i % 2500 == 0 {
                    assert_eq!(
                        decode(Some(&text)).map(|m| m.history.len()),
                        Ok(memory.history.len())
                    );
                }
            }
            assert!(!memory.history.is_empty());
            assert!(!memory.profile.is_empty(), "the profile survives");
            println!(
                "cap {cap}: largest stored text {largest} bytes, final {} bytes, {} events, {} interests",
                encode(&memory).len(),
                memory.history.len(),
                memory.profile.interests().len()
            );
        }
    }

    #[test]
    fn fit_drops_oldest_first_then_interests() {
        let mut memory = Memory::default();
        for i in 0..50 {
            memory.history.push(Event::new(
                format!("p{i:03}"),
                EventKind::Cart,
                NOW - 50 + i,
            ));
        }
        for i in 0..40 {
            memory
                .profile
                .add(&format!("c:cat{i}"), 1.0 + i as f32, NOW);
        }
        let text = fit(
            &mut memory,
            NOW,
            Limits {
                cap_bytes: 1500,
                ..Limits::default()
            },
        );
        assert!(text.len() <= 1500);
        assert_eq!(memory.history.events().last().map(|e| e.at), Some(NOW - 1));
        assert_eq!(memory.profile.interests().len(), 40, "events go first");
        let text = fit(
            &mut memory,
            NOW,
            Limits {
                cap_bytes: 200,
                ..Limits::default()
            },
        );
        assert!(text.len() <= 200, "{text}");
        assert!(memory.history.is_empty());
        assert_eq!(
            memory.profile.interests().first().map(Interest::key),
            Some("c:cat39")
        );
        let text = fit(
            &mut memory,
            NOW,
            Limits {
                cap_bytes: 5,
                ..Limits::default()
            },
        );
        assert_eq!(
            text, "{\"v\":2,\"events\":[],\"profile\":[]}",
            "an impossible cap keeps nothing"
        );
    }

    #[test]
    fn retention_setting() {
        let cases = [
            ("30", Some(30)),
            ("1", Some(1)),
            ("400", Some(400)),
            ("0", None),
            ("401", None),
            ("a week", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                Limits::default()
                    .with_retention(text)
                    .ok()
                    .map(|l| l.retention_days),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn consent_text() {
        let cases = [
            (Some("1"), Some(true)),
            (Some("0"), Some(false)),
            (Some("true"), Some(true)),
            (Some("yes"), None),
            (None, None),
        ];
        for (text, want) in cases {
            assert_eq!(decode_consent(text), want, "{text:?}");
        }
        for given in [true, false] {
            assert_eq!(decode_consent(Some(encode_consent(given))), Some(given));
        }
    }

    #[test]
    fn export_lists_everything() {
        let mut memory = Memory::default();
        memory
            .history
            .push(Event::new("sku-7", EventKind::Cart, NOW));
        memory.learn_search("teapot", NOW);
        let text = export(&memory);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["events"][0]["id"], "sku-7");
        assert_eq!(value["profile"][0][0], "q:teapot");
        assert_eq!(value["v"], SCHEMA_VERSION);
    }
}
