//! The co-purchase model: item-to-item neighbours ("shoppers who bought this
//! also bought") and popularity counts, built offline by `tailor train` from a
//! shop's own order history and served as a small static file the widget
//! reads next to the catalog.
//!
//! File format (version 1), all integers LEB128 varints unless noted:
//!
//! ```text
//! b"TLRM" | version: u8 = 1 | item_count | max_neighbours
//! item_count × ( id_len | id bytes (UTF-8) | popularity )
//! item_count × ( neighbour_count | neighbour_count × index delta (sorted ascending)
//!                | neighbour_count × weight: u16 little-endian, cosine × 65535 )
//! ```
//!
//! Ids are kept (not catalog positions) so a model survives catalog edits:
//! the engine maps them to positions when it loads the model, dropping ids the
//! catalog no longer has.

use std::collections::HashMap;

use thiserror::Error;

use crate::core::events::{Event, EventKind};

const MAGIC: &[u8; 4] = b"TLRM";
const VERSION: u8 = 1;
const WEIGHT_SCALE: f32 = 65535.0;

/// Why model bytes could not be read.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("not a Tailor model file (missing the TLRM header)")]
    BadMagic,
    #[error("model file version {found} is not supported (this Tailor reads version {VERSION})")]
    UnsupportedVersion { found: u8 },
    #[error("model file is truncated at byte {at}")]
    Truncated { at: usize },
    #[error("model file has an over-long number at byte {at}")]
    BadNumber { at: usize },
    #[error("model item {item} has an id that is not UTF-8")]
    BadId { item: usize },
    #[error("model item {item} names a neighbour outside the model")]
    NeighbourOutOfRange { item: usize },
    #[error("model file has {count} unexpected bytes after its end")]
    TrailingBytes { count: usize },
}

/// How `tailor train` builds a model.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Neighbours kept per item (the file grows linearly with it).
    pub max_neighbours: usize,
    /// Pairs seen together by fewer shoppers than this are noise and dropped.
    pub min_shared_shoppers: u32,
    /// α of the asymmetric cosine `|U_i ∩ U_j| / (|U_i|^α |U_j|^(1-α))`:
    /// 0.5 is the plain cosine, towards 1 it becomes P(j | i) and favours
    /// popular neighbours.
    pub asymmetry: f32,
    /// Popularity counts fade with this half-life (days before the newest
    /// event): what sells now matters more than what sold a year ago.
    /// 0 = no fading.
    pub popularity_half_life_days: f32,
    /// Exponent τ of the adoption factor `(shoppers / events)^τ` (all
    /// time) that multiplies each product's popularity: a product many
    /// shoppers come to ranks above a staple its regulars restock every
    /// week, since a recommendation is for a product the shopper lacks.
    /// 0 = off.
    pub popularity_adoption: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            max_neighbours: 30,
            min_shared_shoppers: 2,
            asymmetry: 0.5,
            popularity_half_life_days: 7.0,
            popularity_adoption: 0.2,
        }
    }
}

/// One item's neighbours: (item index, similarity), strongest first.
pub(crate) type Neighbours = Vec<(u32, f32)>;

/// Neighbours and popularity per product id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    ids: Vec<String>,
    /// Weighted events per item (purchase 3, cart 2, view 1), faded and
    /// weighed by adoption ([`TrainOptions`]): the prior for cold start and
    /// "popular" picks.
    popularity: Vec<u32>,
    /// Per item: (item index, cosine similarity), strongest first.
    neighbours: Vec<Vec<(u32, f32)>>,
}

impl Model {
    /// Builds the model from shoppers' histories. Two items are neighbours
    /// when the same shoppers buy both: cosine similarity over the binary
    /// shopper × item matrix, `|U_i ∩ U_j| / sqrt(|U_i| |U_j|)`.
    /// Every event kind links items (a shop that only reports views still gets
    /// "viewed together" neighbours); popularity weighs purchases most.
    pub fn train<'a>(
        histories: impl IntoIterator<Item = &'a [Event]>,
        options: &TrainOptions,
    ) -> Model {
        let mut index: HashMap<&'a str, u32> = HashMap::new();
        let mut ids: Vec<String> = Vec::new();
        // Per shopper: distinct items.
        let mut shopper_items: Vec<Vec<u32>> = Vec::new();
        let histories: Vec<&'a [Event]> = histories.into_iter().collect();
        let newest = histories
            .iter()
            .flat_map(|h| h.iter().map(|e| e.at))
            .max()
            .unwrap_or(0);
        let half_life = options.popularity_half_life_days * 86_400.0;
        let mut decayed: Vec<f64> = Vec::new();
        // Per item: the last shopper (+ 1) who had it, and all time, its
        // events and distinct shoppers (for the adoption factor).
        let mut last_shopper: Vec<u32> = Vec::new();
        let mut all_events: Vec<u32> = Vec::new();
        let mut all_shoppers: Vec<u32> = Vec::new();
        for (shopper, history) in histories.into_iter().enumerate() {
            let mut items: Vec<u32> = Vec::new();
            for event in history {
                let next = ids.len() as u32;
                let item = *index.entry(event.product.as_str()).or_insert_with(|| {
                    ids.push(event.product.clone());
                    decayed.push(0.0);
                    last_shopper.push(0);
                    all_events.push(0);
                    all_shoppers.push(0);
                    next
                });
                let weight = match event.kind {
                    EventKind::View => 1.0,
                    EventKind::Cart => 2.0,
                    EventKind::Purchase => 3.0,
                };
                let fade = if half_life > 0.0 && event.at > 0 {
                    let age = newest.saturating_sub(event.at) as f32;
                    f64::from((-age / half_life * std::f32::consts::LN_2).exp())
                } else {
                    1.0
                };
                decayed[item as usize] += weight * fade;
                let seen_by_shopper = last_shopper[item as usize] == shopper as u32 + 1;
                last_shopper[item as usize] = shopper as u32 + 1;
                all_events[item as usize] += 1;
                if !seen_by_shopper {
                    all_shoppers[item as usize] += 1;
                }
                items.push(item);
            }
            items.sort_unstable();
            items.dedup();
            if !items.is_empty() {
                shopper_items.push(items);
            }
        }
        if options.popularity_adoption != 0.0 {
            for ((count, &events), &shoppers) in
                decayed.iter_mut().zip(&all_events).zip(&all_shoppers)
            {
                let adoption = f64::from(shoppers) / f64::from(events.max(1));
                *count *= adoption.powf(f64::from(options.popularity_adoption));
            }
        }
        // Faded counts keep two decimals of resolution in an integer.
        let scale = if half_life > 0.0 { 100.0 } else { 1.0 };
        let mut popularity: Vec<u32> = decayed
            .iter()
            .map(|&c| (c * scale).round().min(f64::from(u32::MAX)) as u32)
            .collect();
        popularity.shrink_to_fit();
        let n = ids.len();
        let mut buyers: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (shopper, items) in shopper_items.iter().enumerate() {
            for &item in items {
                buyers[item as usize].push(shopper as u32);
            }
        }
        let mut shared = vec![0u32; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut neighbours = Vec::with_capacity(n);
        for i in 0..n {
            for &shopper in &buyers[i] {
                for &j in &shopper_items[shopper as usize] {
                    if j as usize == i {
                        continue;
                    }
                    if shared[j as usize] == 0 {
                        touched.push(j);
                    }
                    shared[j as usize] += 1;
                }
            }
            let own = buyers[i].len() as f32;
            let mut list: Vec<(u32, f32)> = touched
                .iter()
                .filter(|&&j| shared[j as usize] >= options.min_shared_shoppers)
                .map(|&j| {
                    let other = buyers[j as usize].len() as f32;
                    let denominator =
                        own.powf(options.asymmetry) * other.powf(1.0 - options.asymmetry);
                    (j, shared[j as usize] as f32 / denominator)
                })
                .collect();
            for &j in &touched {
                shared[j as usize] = 0;
            }
            touched.clear();
            list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            list.truncate(options.max_neighbours);
            neighbours.push(list);
        }
        Model {
            ids,
            popularity,
            neighbours,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn popularity(&self, item: usize) -> u32 {
        self.popularity.get(item).copied().unwrap_or(0)
    }

    /// The item's neighbours as (item index, similarity), strongest first.
    pub fn neighbours(&self, item: usize) -> &[(u32, f32)] {
        self.neighbours.get(item).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The compact file described in the module documentation.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.ids.len() * 64);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        put_varint(&mut out, self.ids.len() as u64);
        let max = self.neighbours.iter().map(Vec::len).max().unwrap_or(0);
        put_varint(&mut out, max as u64);
        for (id, &count) in self.ids.iter().zip(&self.popularity) {
            put_varint(&mut out, id.len() as u64);
            out.extend_from_slice(id.as_bytes());
            put_varint(&mut out, u64::from(count));
        }
        for list in &self.neighbours {
            let mut sorted: Vec<(u32, f32)> = list.clone();
            sorted.sort_unstable_by_key(|&(j, _)| j);
            put_varint(&mut out, sorted.len() as u64);
            let mut previous = 0u32;
            for &(j, _) in &sorted {
                put_varint(&mut out, u64::from(j - previous));
                previous = j;
            }
            for &(_, w) in &sorted {
                let q = (w.clamp(0.0, 1.0) * WEIGHT_SCALE).round() as u16;
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }

    /// Reads [`Model::to_bytes`] output; any damage gives a typed error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        ModelReader::new(bytes)?.finish()
    }

    /// The model's parts: ids, popularity and neighbours per item.
    pub(crate) fn into_parts(self) -> (Vec<String>, Vec<u32>, Vec<Neighbours>) {
        (self.ids, self.popularity, self.neighbours)
    }
}

/// Reads model bytes a batch of items at a time ([`Self::step`]), so a
/// caller on a browser's main thread can yield between batches. The same
/// model and errors as [`Model::from_bytes`].
#[derive(Debug)]
pub struct ModelReader<'a> {
    reader: Reader<'a>,
    items: usize,
    max_neighbours: usize,
    ids: Vec<String>,
    popularity: Vec<u32>,
    neighbours: Vec<Vec<(u32, f32)>>,
}

impl<'a> ModelReader<'a> {
    /// Reads the header.
    pub fn new(bytes: &'a [u8]) -> Result<Self, ModelError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let mut reader = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let version = reader.byte()?;
        if version != VERSION {
            return Err(ModelError::UnsupportedVersion { found: version });
        }
        let items = reader.count()?;
        let max_neighbours = reader.count()?;
        Ok(Self {
            reader,
            items,
            max_neighbours,
            ids: Vec::with_capacity(items),
            popularity: Vec::with_capacity(items),
            neighbours: Vec::with_capacity(items),
        })
    }

    /// Reads up to `batch` more items (their ids, then their neighbours);
    /// true once every item is read.
    pub fn step(&mut self, batch: usize) -> Result<bool, ModelError> {
        let (n, max) = (self.items, self.max_neighbours);
        let reader = &mut self.reader;
        for _ in 0..batch.max(1) {
            if self.ids.len() < n {
                let item = self.ids.len();
                let len = reader.count()?;
                let raw = reader.take(len)?;
                let id = std::str::from_utf8(raw).map_err(|_| ModelError::BadId { item })?;
                self.ids.push(id.to_string());
                self.popularity
                    .push(u32::try_from(reader.varint()?).unwrap_or(u32::MAX));
                continue;
            }
            let item = self.neighbours.len();
            if item >= n {
                break;
            }
            let count = reader.count()?;
            if count > max {
                return Err(ModelError::NeighbourOutOfRange { item });
            }
            let mut list: Vec<(u32, f32)> = Vec::with_capacity(count);
            let mut previous = 0u64;
            for _ in 0..count {
                // Checked: a damaged delta must not wrap round to a valid index.
                previous = previous
                    .checked_add(reader.varint()?)
                    .filter(|&index| index < n as u64)
                    .ok_or(ModelError::NeighbourOutOfRange { item })?;
                list.push((previous as u32, 0.0));
            }
            for entry in &mut list {
                let raw = reader.take(2)?;
                entry.1 = f32::from(u16::from_le_bytes([raw[0], raw[1]])) / WEIGHT_SCALE;
            }
            // At most `max_neighbours` (30 by default): an insertion sort
            // gives the same order (the comparison is total) with less wasm.
            crate::core::rank::insertion_sort_by(&mut list, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            self.neighbours.push(list);
        }
        Ok(self.ids.len() >= n && self.neighbours.len() >= n)
    }

    /// The model; whatever [`Self::step`] has not read yet is read first.
    pub fn finish(mut self) -> Result<Model, ModelError> {
        while !self.step(usize::MAX)? {}
        let bytes = self.reader.bytes;
        if self.reader.at != bytes.len() {
            return Err(ModelError::TrailingBytes {
                count: bytes.len() - self.reader.at,
            });
        }
        Ok(Model {
            ids: self.ids,
            popularity: self.popularity,
            neighbours: self.neighbours,
        })
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[derive(Debug)]
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, ModelError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or(ModelError::Truncated { at: self.at })?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(ModelError::Truncated { at: self.at })?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn varint(&mut self) -> Result<u64, ModelError> {
        let start = self.at;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ModelError::BadNumber { at: start })
    }

    /// A length or count: never more than the bytes left, so a corrupt
    /// count cannot make the reader allocate gigabytes.
    fn count(&mut self) -> Result<usize, ModelError> {
        let start = self.at;
        let value = self.varint()?;
        if value > (self.bytes.len() - self.at) as u64 + 1 {
            return Err(ModelError::Truncated { at: start });
        }
        Ok(value as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(ids: &[&str]) -> Vec<Event> {
        ids.iter()
            .map(|id| Event::new(*id, EventKind::Purchase, 1))
            .collect()
    }

    #[test]
    fn neighbours_are_cosine_over_shoppers() {
        let histories = [
            buy(&["a", "b"]),
            buy(&["a", "b", "c"]),
            buy(&["a", "c"]),
            buy(&["d"]),
        ];
        let options = TrainOptions {
            max_neighbours: 5,
            min_shared_shoppers: 1,
            popularity_half_life_days: 0.0,
            ..TrainOptions::default()
        };
        let model = Model::train(histories.iter().map(Vec::as_slice), &options);
        let a = model.ids().iter().position(|i| i == "a").unwrap();
        let b = model.ids().iter().position(|i| i == "b").unwrap();
        let got: Vec<(String, f32)> = model
            .neighbours(a)
            .iter()
            .map(|&(j, w)| (model.ids()[j as usize].clone(), w))
            .collect();
        // a: 3 buyers, b: 2 shared 2 → 2/sqrt(6); c likewise.
        assert_eq!(got.len(), 2);
        assert!((got[0].1 - 2.0 / 6f32.sqrt()).abs() < 1e-6);
        assert_eq!(model.popularity(a), 9);
        assert_eq!(model.popularity(b), 6);
        let d = model.ids().iter().position(|i| i == "d").unwrap();
        assert!(model.neighbours(d).is_empty());
    }

    #[test]
    fn popularity_fades_and_asymmetry_favours_popular_neighbours() {
        let day = 86_400;
        // "old" sold three times a year ago, "new" once today.
        let histories = [
            vec![Event::new("old", EventKind::Purchase, day)],
            vec![Event::new("old", EventKind::Purchase, day)],
            vec![Event::new("old", EventKind::Purchase, day)],
            vec![Event::new("new", EventKind::Purchase, 365 * day)],
        ];
        let popularity = |half_life: f32| {
            let options = TrainOptions {
                popularity_half_life_days: half_life,
                ..TrainOptions::default()
            };
            let m = Model::train(histories.iter().map(Vec::as_slice), &options);
            let at = |id: &str| m.popularity(m.ids().iter().position(|i| i == id).unwrap());
            (at("old"), at("new"))
        };
        assert_eq!(popularity(0.0), (9, 3));
        let (old, new) = popularity(7.0);
        assert!(new > old, "faded: old {old}, new {new}");

        // a (3 buyers) shares 1 buyer with rare b (1 buyer) and 2 with
        // popular c (10 buyers): cosine prefers b, P(j | a) prefers c.
        let mut baskets = vec![buy(&["a", "b"]), buy(&["a", "c"]), buy(&["a", "c"])];
        for _ in 0..8 {
            baskets.push(buy(&["c"]));
        }
        let first_neighbour = |asymmetry: f32| {
            let options = TrainOptions {
                asymmetry,
                min_shared_shoppers: 1,
                ..TrainOptions::default()
            };
            let m = Model::train(baskets.iter().map(Vec::as_slice), &options);
            let a = m.ids().iter().position(|i| i == "a").unwrap();
            m.ids()[m.neighbours(a)[0].0 as usize].clone()
        };
        assert_eq!(first_neighbour(0.5), "b");
        assert_eq!(first_neighbour(1.0), "c");
    }

    #[test]
    fn adoption_puts_what_many_shoppers_come_to_above_what_regulars_restock() {
        // "staple": one regular buys it four times; "adopted": four
        // shoppers buy it once each. Same events, same age.
        let histories = [
            buy(&["staple", "staple", "staple", "staple", "adopted"]),
            buy(&["adopted"]),
            buy(&["adopted"]),
            buy(&["adopted"]),
        ];
        // (τ, staple's count, adopted's count); no fading: counts are
        // purchases × 3 × (shoppers / events)^τ.
        let cases = [(0.0, 12, 12), (0.5, 6, 12), (1.0, 3, 12), (0.2, 9, 12)];
        for (adoption, staple, adopted) in cases {
            let options = TrainOptions {
                popularity_half_life_days: 0.0,
                popularity_adoption: adoption,
                ..TrainOptions::default()
            };
            let m = Model::train(histories.iter().map(Vec::as_slice), &options);
            let at = |id: &str| m.popularity(m.ids().iter().position(|i| i == id).unwrap());
            assert_eq!(
                (at("staple"), at("adopted")),
                (staple, adopted),
                "τ {adoption}"
            );
        }
    }

    #[test]
    fn round_trip_keeps_everything_within_quantisation() {
        let histories = [buy(&["x", "y", "z"]), buy(&["x", "y"]), buy(&["y", "z"])];
        let options = TrainOptions {
            max_neighbours: 1,
            min_shared_shoppers: 1,
            ..TrainOptions::default()
        };
        let model = Model::train(histories.iter().map(Vec::as_slice), &options);
        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.ids(), model.ids());
        for i in 0..model.len() {
            assert_eq!(back.popularity(i), model.popularity(i));
            assert_eq!(back.neighbours(i).len(), model.neighbours(i).len());
            for (a, b) in back.neighbours(i).iter().zip(model.neighbours(i)) {
                assert_eq!(a.0, b.0);
                assert!((a.1 - b.1).abs() < 1.0 / WEIGHT_SCALE);
            }
        }
    }

    #[test]
    fn damaged_bytes_give_typed_errors() {
        let histories = [buy(&["x", "y", "z"]), buy(&["x", "y"])];
        let options = TrainOptions {
            max_neighbours: 2,
            min_shared_shoppers: 1,
            ..TrainOptions::default()
        };
        let good = Model::train(histories.iter().map(Vec::as_slice), &options).to_bytes();
        let mut wrong_version = good.clone();
        wrong_version[4] = 9;
        let mut trailing = good.clone();
        trailing.push(0);
        let cases: Vec<(Vec<u8>, ModelError)> = vec![
            (Vec::new(), ModelError::BadMagic),
            (b"JUNKJUNK".to_vec(), ModelError::BadMagic),
            (wrong_version, ModelError::UnsupportedVersion { found: 9 }),
            (trailing, ModelError::TrailingBytes { count: 1 }),
            (
                b"TLRM\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01".to_vec(),
                ModelError::BadNumber { at: 5 },
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(Model::from_bytes(&bytes), Err(want));
        }
        // Every truncation fails cleanly, never panics.
        for len in 0..good.len() {
            assert!(Model::from_bytes(&good[..len]).is_err(), "prefix {len}");
        }
        // Every single-byte corruption either reads or fails cleanly.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            let _ = Model::from_bytes(&bad);
        }
    }
}
