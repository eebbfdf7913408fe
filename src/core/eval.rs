//! Offline evaluation for `tailor eval`: reading history lines, the
//! next-basket split (../shared/DATA.md), HR/Recall/NDCG at K, and the two
//! reference rankers every change is compared with (popularity and item-kNN).

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use thiserror::Error;

use crate::core::events::{Event, EventKind};

/// One shopper's line of a histories file.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopperHistory {
    pub user: String,
    /// In file order (time order per the contract).
    pub events: Vec<Event>,
}

/// Why a histories line could not be used.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum HistoryError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("expected an object like {{\"user\": …, \"events\": […]}}")]
    NotAnObject,
    #[error("no `user`")]
    MissingUser,
    #[error("no `events` list")]
    MissingEvents,
}

/// An event of a usable line that was left out, and why: one bad event
/// costs that event, not the shopper's whole history.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("event {index}: {why} (event skipped)")]
pub struct SkippedEvent {
    /// Position in the line's `events` list, from 0.
    pub index: usize,
    pub why: String,
}

/// A usable histories line: the shopper's events and those left out.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub history: ShopperHistory,
    pub skipped: Vec<SkippedEvent>,
}

/// A bad line with the user, when it could be read, for the error output.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub user: Option<String>,
    pub error: HistoryError,
}

/// Reads one line of a histories file (CONTRACT.md §3). `user` may be a
/// string or a number; `t` may be left out (0 = unknown). An event that
/// can't be read is skipped with its reason; the rest of the line is kept.
pub fn parse_history_line(line: &str) -> Result<HistoryLine, BadLine> {
    let bad = |user: Option<String>, error| BadLine { user, error };
    let value: Value =
        serde_json::from_str(line).map_err(|e| bad(None, HistoryError::Json(e.to_string())))?;
    let Value::Object(map) = &value else {
        return Err(bad(None, HistoryError::NotAnObject));
    };
    let user = map.get("user").and_then(scalar_string);
    let Some(user) = user else {
        return Err(bad(None, HistoryError::MissingUser));
    };
    let Some(Value::Array(raw)) = map.get("events") else {
        return Err(bad(Some(user), HistoryError::MissingEvents));
    };
    let mut events = Vec::with_capacity(raw.len());
    let mut skipped = Vec::new();
    for (index, e) in raw.iter().enumerate() {
        match parse_event(e) {
            Ok(event) => events.push(event),
            Err(why) => skipped.push(SkippedEvent { index, why }),
        }
    }
    Ok(HistoryLine {
        history: ShopperHistory { user, events },
        skipped,
    })
}

fn parse_event(e: &Value) -> Result<Event, String> {
    let Value::Object(e) = e else {
        return Err("not an object".to_string());
    };
    let id = e
        .get("id")
        .and_then(scalar_string)
        .ok_or_else(|| "no `id`".to_string())?;
    let kind = match e.get("type") {
        None => EventKind::View,
        Some(Value::String(s)) => EventKind::parse(s)
            .ok_or_else(|| format!("unknown `type` {s:?} (view, cart or purchase)"))?,
        Some(_) => return Err("`type` is not a string".to_string()),
    };
    let at = match e.get("t") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(t) => t,
            None => match n.as_f64() {
                Some(t) if t >= 0.0 && t.is_finite() => t as u64,
                _ => return Err("`t` is not Unix seconds".to_string()),
            },
        },
        Some(_) => return Err("`t` is not a number".to_string()),
    };
    Ok(Event::new(id, kind, at))
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A held-out basket: what the shopper had before and what they bought new.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub user: String,
    pub history: Vec<Event>,
    /// Distinct products of the last basket never in an earlier one.
    pub targets: Vec<String>,
}

/// The next-basket split: baskets are a shopper's events sharing a
/// timestamp; every shopper with two or more loses their last basket from
/// train, and is a test case when it holds a product new to them.
pub fn next_basket_split(histories: &[ShopperHistory]) -> (Vec<ShopperHistory>, Vec<TestCase>) {
    let mut train = Vec::with_capacity(histories.len());
    let mut tests = Vec::new();
    for h in histories {
        let baskets: HashSet<u64> = h.events.iter().map(|e| e.at).collect();
        if baskets.len() < 2 {
            train.push(h.clone());
            continue;
        }
        let last = h.events.iter().map(|e| e.at).max().unwrap_or(0);
        let (test, before): (Vec<Event>, Vec<Event>) =
            h.events.iter().cloned().partition(|e| e.at == last);
        let earlier: HashSet<&str> = before.iter().map(|e| e.product.as_str()).collect();
        let mut targets: Vec<String> = Vec::new();
        for e in &test {
            if !earlier.contains(e.product.as_str()) && !targets.contains(&e.product) {
                targets.push(e.product.clone());
            }
        }
        if !targets.is_empty() {
            tests.push(TestCase {
                user: h.user.clone(),
                history: before.clone(),
                targets,
            });
        }
        train.push(ShopperHistory {
            user: h.user.clone(),
            events: before,
        });
    }
    (train, tests)
}

/// HR, Recall and NDCG at K, averaged over the lists added.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub users: usize,
    hr: f64,
    recall: f64,
    ndcg: f64,
}

impl Metrics {
    /// Scores one ranked list (best first) against its targets at `k`;
    /// binary relevance, duplicates count once.
    pub fn add(&mut self, ranked: &[&str], targets: &[String], k: usize) {
        self.users += 1;
        if targets.is_empty() {
            return;
        }
        let targets: HashSet<&str> = targets.iter().map(String::as_str).collect();
        let mut counted: HashSet<&str> = HashSet::new();
        let mut dcg = 0f64;
        for (rank, item) in ranked.iter().take(k).enumerate() {
            if targets.contains(item) && counted.insert(item) {
                dcg += 1.0 / ((rank + 2) as f64).log2();
            }
        }
        let ideal: f64 = (0..targets.len().min(k))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        if !counted.is_empty() {
            self.hr += 1.0;
        }
        self.recall += counted.len() as f64 / targets.len() as f64;
        self.ndcg += dcg / ideal;
    }

    pub fn merge(&mut self, other: &Metrics) {
        self.users += other.users;
        self.hr += other.hr;
        self.recall += other.recall;
        self.ndcg += other.ndcg;
    }

    fn mean(&self, sum: f64) -> f64 {
        if self.users == 0 {
            0.0
        } else {
            sum / self.users as f64
        }
    }

    pub fn hit_rate(&self) -> f64 {
        self.mean(self.hr)
    }

    pub fn recall(&self) -> f64 {
        self.mean(self.recall)
    }

    pub fn ndcg(&self) -> f64 {
        self.mean(self.ndcg)
    }
}

/// Items by number of train events, most first, ties by id.
pub fn popularity_ranking(train: &[ShopperHistory]) -> Vec<String> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for h in train {
        for e in &h.events {
            *counts.entry(e.product.as_str()).or_insert(0) += 1;
        }
    }
    let mut items: Vec<(&str, u64)> = counts.into_iter().collect();
    items.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    items.into_iter().map(|(id, _)| id.to_string()).collect()
}

/// The first `k` items of `ranking` the shopper has not seen.
pub fn top_unseen<'a>(ranking: &'a [String], history: &[Event], k: usize) -> Vec<&'a str> {
    let seen: HashSet<&str> = history.iter().map(|e| e.product.as_str()).collect();
    ranking
        .iter()
        .map(String::as_str)
        .filter(|id| !seen.contains(id))
        .take(k)
        .collect()
}

/// Item-kNN as DATA.md defines it: cosine on the binary user × item matrix,
/// `sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|)`; an item's score is the sum
/// of its similarity to every distinct item in the shopper's history.
/// Computed exactly without the item × item matrix:
/// `score(c) = Σ_v [c ∈ I_v] / sqrt|U_c| × Σ_{h ∈ I_u ∩ I_v} 1 / sqrt|U_h|`.
#[derive(Debug, Clone, Default)]
pub struct ItemKnn {
    ids: Vec<String>,
    index: HashMap<String, u32>,
    /// Per train shopper: distinct items.
    items_of: Vec<Vec<u32>>,
    /// Per item: shoppers who have it.
    users_of: Vec<Vec<u32>>,
}

impl ItemKnn {
    pub fn train(train: &[ShopperHistory]) -> Self {
        let mut knn = ItemKnn::default();
        for h in train {
            let mut items: Vec<u32> = h
                .events
                .iter()
                .map(|e| {
                    let next = knn.ids.len() as u32;
                    *knn.index.entry(e.product.clone()).or_insert_with(|| {
                        knn.ids.push(e.product.clone());
                        next
                    })
                })
                .collect();
            items.sort_unstable();
            items.dedup();
            knn.items_of.push(items);
        }
        knn.users_of = vec![Vec::new(); knn.ids.len()];
        for (u, items) in knn.items_of.iter().enumerate() {
            for &i in items {
                knn.users_of[i as usize].push(u as u32);
            }
        }
        knn
    }

    /// The top `k` unseen items for a history, best first (ties by id).
    pub fn recommend(&self, history: &[Event], k: usize) -> Vec<&str> {
        let mut mine: Vec<u32> = history
            .iter()
            .filter_map(|e| self.index.get(&e.product).copied())
            .collect();
        mine.sort_unstable();
        mine.dedup();
        let mut via_user = vec![0f64; self.items_of.len()];
        for &h in &mine {
            let users = &self.users_of[h as usize];
            let w = 1.0 / (users.len() as f64).sqrt();
            for &v in users {
                via_user[v as usize] += w;
            }
        }
        let mut score = vec![0f64; self.ids.len()];
        for (v, &a) in via_user.iter().enumerate() {
            if a > 0.0 {
                for &c in &self.items_of[v] {
                    score[c as usize] += a;
                }
            }
        }
        for &h in &mine {
            score[h as usize] = 0.0;
        }
        let mut ranked: Vec<(u32, f64)> = score
            .iter()
            .enumerate()
            .filter(|&(_, &s)| s > 0.0)
            .map(|(c, &s)| (c as u32, s / (self.users_of[c].len() as f64).sqrt()))
            .collect();
        let cmp = |a: &(u32, f64), b: &(u32, f64)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.ids[a.0 as usize].cmp(&self.ids[b.0 as usize]))
        };
        if ranked.len() > k {
            ranked.select_nth_unstable_by(k, cmp);
            ranked.truncate(k);
        }
        ranked.sort_by(cmp);
        ranked
            .into_iter()
            .map(|(c, _)| self.ids[c as usize].as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(id: &str, at: u64) -> Event {
        Event::new(id, EventKind::Purchase, at)
    }

    #[test]
    fn metrics_match_a_hand_computed_example() {
        let mut m = Metrics::default();
        // Hits at ranks 1 and 3 of 2 targets: HR 1, recall 1,
        // NDCG (1 + 1/log2 4) / (1 + 1/log2 3) = 1.5 / 1.6309.
        m.add(&["a", "x", "b"], &["a".into(), "b".into()], 3);
        // No hit.
        m.add(&["x", "y"], &["z".into()], 3);
        // Hit at rank 2 of 3 targets, k = 3: recall 1/3, NDCG (1/log2 3) / (1 + 0.6309 + 0.5).
        m.add(&["x", "c", "c"], &["c".into(), "d".into(), "e".into()], 3);
        let ndcg1 = 1.5 / (1.0 + 1.0 / 3f64.log2());
        let ndcg3 = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2() + 0.5);
        assert_eq!(m.users, 3);
        assert!((m.hit_rate() - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall() - (1.0 + 0.0 + 1.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((m.ndcg() - (ndcg1 + ndcg3) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn split_holds_out_the_last_basket_and_new_items_only() {
        let histories = vec![
            ShopperHistory {
                user: "u1".into(),
                events: vec![buy("a", 1), buy("b", 1), buy("a", 2), buy("c", 2)],
            },
            ShopperHistory {
                user: "u2".into(),
                events: vec![buy("a", 5), buy("b", 5)],
            },
            ShopperHistory {
                user: "u3".into(),
                events: vec![buy("a", 1), buy("a", 9)],
            },
        ];
        let (train, tests) = next_basket_split(&histories);
        assert_eq!(tests.len(), 1);
        assert_eq!(tests[0].user, "u1");
        assert_eq!(tests[0].targets, ["c"]);
        assert_eq!(tests[0].history.len(), 2);
        assert_eq!(train.len(), 3);
        assert_eq!(train[1].events.len(), 2, "one basket: all kept");
        assert_eq!(
            train[2].events.len(),
            1,
            "repeat-only last basket still removed"
        );
    }

    #[test]
    fn history_lines_parse_leniently_or_say_why() {
        let ok = parse_history_line(
            r#"{"user": 7, "events": [{"id": "a", "type": "view", "t": 1}, {"id": 5, "type": "PURCHASE"}]}"#,
        )
        .unwrap();
        assert_eq!(ok.history.user, "7");
        assert_eq!(
            ok.history.events[1],
            Event::new("5", EventKind::Purchase, 0)
        );
        assert!(ok.skipped.is_empty());
        // Lines that can't be used at all.
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("{", None, "not valid JSON"),
            ("[]", None, "expected an object"),
            (r#"{"events": []}"#, None, "no `user`"),
            (r#"{"user": "u"}"#, Some("u"), "no `events`"),
            (r#"{"user": "u", "events": 3}"#, Some("u"), "no `events`"),
        ];
        for (line, user, why) in cases {
            let err = parse_history_line(line).unwrap_err();
            assert_eq!(err.user.as_deref(), *user, "{line}");
            assert!(err.error.to_string().contains(why), "{line}: {}", err.error);
        }
    }

    #[test]
    fn a_bad_event_costs_that_event_not_the_shopper() {
        // (bad event, reason): each sits between two good events.
        let cases: &[(&str, &str)] = &[
            (r#"{"type": "view"}"#, "no `id`"),
            (r#"{"id": " "}"#, "no `id`"),
            (r#"{"id": "x", "type": "like"}"#, "unknown `type` \"like\""),
            (r#"{"id": "x", "type": 2}"#, "`type` is not a string"),
            (r#"{"id": "x", "t": "noon"}"#, "`t` is not a number"),
            (r#"{"id": "x", "t": -5}"#, "`t` is not Unix seconds"),
            (r#""x""#, "not an object"),
        ];
        for (event, why) in cases {
            let line = format!(
                r#"{{"user": "u", "events": [{{"id": "a", "t": 1}}, {event}, {{"id": "b", "type": "cart", "t": 2}}]}}"#
            );
            let read = parse_history_line(&line).unwrap();
            assert_eq!(
                read.history.events,
                vec![
                    Event::new("a", EventKind::View, 1),
                    Event::new("b", EventKind::Cart, 2)
                ],
                "{event}"
            );
            assert_eq!(read.skipped.len(), 1, "{event}");
            assert_eq!(read.skipped[0].index, 1, "{event}");
            let said = read.skipped[0].to_string();
            assert!(
                said.starts_with("event 1: ") && said.contains(why),
                "{event}: {said}"
            );
        }
    }

    #[test]
    fn baselines_rank_as_defined() {
        let train = vec![
            ShopperHistory {
                user: "1".into(),
                events: vec![buy("a", 1), buy("b", 1)],
            },
            ShopperHistory {
                user: "2".into(),
                events: vec![buy("a", 1), buy("c", 1), buy("b", 1)],
            },
            ShopperHistory {
                user: "3".into(),
                events: vec![buy("c", 1), buy("d", 1)],
            },
        ];
        assert_eq!(popularity_ranking(&train), ["a", "b", "c", "d"]);
        let knn = ItemKnn::train(&train);
        // History {a}: sim(a,b) = 2/sqrt(4) = 1, sim(a,c) = 1/sqrt(4) = 0.5, sim(a,d) = 0.
        assert_eq!(knn.recommend(&[buy("a", 1)], 5), ["b", "c"]);
        // History {d}: c = 1/sqrt(2) only.
        assert_eq!(knn.recommend(&[buy("d", 1)], 5), ["c"]);
    }
}
