//! Content similarity: an inverted index over each product's title (its words
//! and the whole title as one token, so variants of one product line match),
//! category path, brand, tags and description, scored as the cosine of
//! idf-weighted token vectors, damped when prices are far apart (a 2 € and a
//! 200 € kettle are not alternatives).

use std::fmt::Write;
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

use rustc_hash::FxHashMap;

use crate::core::catalog::{Catalog, Product};
use crate::core::text::{self, Analysed, Piece};

/// Tokens shared by more than this share of the catalog say nothing about
/// similarity and would make scoring touch most of the catalog.
const MAX_DOCUMENT_SHARE: f32 = 0.05;
/// Small catalogs keep every token: scanning them is cheap anyway.
const MIN_POSTINGS_CAP: u32 = 500;
/// Descriptions are long and loose; their first words carry what matters.
const MAX_DESCRIPTION_TOKENS: usize = 40;

/// How much each field counts in a product's token vector.
#[derive(Debug, Clone, Copy)]
struct FieldWeights {
    title_word: f32,
    whole_title: f32,
    category: f32,
    brand: f32,
    tag: f32,
    description: f32,
}

const FIELDS: FieldWeights = FieldWeights {
    title_word: 1.0,
    whole_title: 1.5,
    category: 1.5,
    brand: 0.8,
    tag: 0.8,
    description: 0.3,
};

/// How steeply price distance damps similarity: a factor e apart keeps
/// `PRICE_FLOOR + (1 - PRICE_FLOOR) / e^PRICE_STEEPNESS`.
const PRICE_STEEPNESS: f32 = 2.0;
const PRICE_FLOOR: f32 = 0.4;

/// The fields as small numbers: the index stores which field a token came
/// from (3 bits) instead of a 4-byte weight, and weighs it when scoring.
const TITLE_WORD: u32 = 0;
const WHOLE_TITLE: u32 = 1;
const CATEGORY: u32 = 2;
const BRAND: u32 = 3;
const TAG: u32 = 4;
const DESCRIPTION: u32 = 5;
const FIELD_WEIGHT: [f32; 8] = [
    FIELDS.title_word,
    FIELDS.whole_title,
    FIELDS.category,
    FIELDS.brand,
    FIELDS.tag,
    FIELDS.description,
    0.0,
    0.0,
];
/// Token ids and product positions are stored with the field in their low
/// bits: `id << FIELD_BITS | field`.
pub(super) const FIELD_BITS: u32 = 3;
const FIELD_MASK: u32 = (1 << FIELD_BITS) - 1;
/// Token ids and product positions must fit the remaining 29 bits (half a
/// billion: a catalog that large does not fit a browser's memory anyway).
const MAX_ID: u32 = u32::MAX >> FIELD_BITS;

/// Token postings for every product, built once per catalog. Both sides are
/// flat arrays with offsets (one allocation each, not one per product or
/// token: allocation dominated building the index, above all in wasm).
///
/// A weight is never stored: product p's weight for token t from field f is
/// `(FIELD_WEIGHT[f] × idf[t]) / norm[p]`, computed in that order when
/// needed, the same value to the bit as storing it would give; storing 4
/// bytes per entry instead of 8 on both sides halves the index.
#[derive(Debug, Clone, Default)]
pub struct ContentIndex {
    /// Product p's tokens (`id << FIELD_BITS | field`), sorted by token,
    /// as varints of the difference to the previous entry ([`Entries`]):
    /// `doc_terms[doc_start[p]..doc_start[p + 1]]` (bytes).
    doc_start: Vec<u32>,
    doc_terms: Vec<u8>,
    /// Token t's products (`position << FIELD_BITS | field`), in catalog
    /// order, the same way: `post_items[post_start[t]..post_start[t + 1]]`.
    /// A common token's next product is a few positions on, one byte: both
    /// lists take about half what 4 bytes an entry took (issue 8: memory).
    post_start: Vec<u32>,
    post_items: Vec<u8>,
    /// ln(N / document frequency) + 0.1 per token.
    idf: Vec<f32>,
    /// Length of each product's weighted token vector (1 when empty).
    norm: Vec<f32>,
    /// ln(price), NaN when unknown.
    log_price: Vec<f32>,
}

/// A distinct word (or CJK bigram) as the text analysis gave it.
#[derive(Debug)]
struct Token {
    text: Box<str>,
    stop_word: bool,
    /// Its id in the vocabulary, given on first use (`NO_ID` before), so
    /// ids follow the order tokens are first used in, whatever was analysed.
    id: u32,
}

const NO_ID: u32 = u32::MAX;
/// Marks a word that gives no token at all.
const NO_TOKEN: u32 = u32::MAX;

/// Builds a [`ContentIndex`] a batch of products at a time, so a caller on
/// a browser's main thread can yield between batches.
#[derive(Debug, Default)]
pub struct ContentBuilder {
    /// Every token's id, given in order of first use.
    vocabulary: Vocabulary,
    /// Words as they appear (lower-cased) → index in `tokens`: a catalog
    /// repeats its words, analysing (folding, stemming) each once is enough.
    words: FxHashMap<Box<str>, u32>,
    tokens: Vec<Token>,
    /// Brands, tags and category paths as they appear → token id: they
    /// repeat across a catalog, folding them once is enough.
    fields: FxHashMap<Box<str>, u32>,
    /// Each product's first byte in `raw_bytes`.
    raw_start: Vec<u32>,
    /// Each product's distinct tokens in the order first met (the order
    /// the vector's length is summed in), as [`RawCodec`] varints: about
    /// half the `u32` each took, and this list is most of the peak while
    /// indexing (issue 8: memory).
    raw_bytes: Vec<u8>,
    raw_codec: RawCodec,
    /// The product being read, `id << FIELD_BITS | field`, as first met.
    current: Vec<u32>,
    key: String,
    found: Vec<u32>,
    stop_words: Vec<u32>,
    bigrams: Vec<String>,
}

impl ContentBuilder {
    /// How many products have been read.
    pub fn len(&self) -> usize {
        self.raw_start.len()
    }

    pub fn is_empty(&self) -> bool {
        self.raw_start.is_empty()
    }

    /// Makes room for reading the next `batch` of `total` products.
    pub fn reserve(&mut self, total: usize, batch: usize) {
        let read = self.raw_start.len();
        if read == 0 {
            let _ = self.raw_start.try_reserve_exact(total + 1);
        }
        super::reserve_projected(&mut self.raw_bytes, read, total, batch);
    }

    /// Reads the tokens of the next products.
    pub fn add(&mut self, products: &[Product]) {
        for product in products {
            self.raw_start.push(self.raw_bytes.len() as u32);
            self.current.clear();
            self.add_fields(product);
            for &t in &self.current {
                self.raw_codec.put(&mut self.raw_bytes, t);
            }
        }
    }

    /// Adds token `id` from `field` to the product being read; a token met
    /// again keeps its weightiest field.
    fn term(&mut self, id: u32, field: u32) {
        if id > MAX_ID {
            return;
        }
        match self.current.iter_mut().find(|t| **t >> FIELD_BITS == id) {
            Some(t) => {
                if FIELD_WEIGHT[field as usize] > FIELD_WEIGHT[(*t & FIELD_MASK) as usize] {
                    *t = id << FIELD_BITS | field;
                }
            }
            None => self.current.push(id << FIELD_BITS | field),
        }
    }

    /// The id of the token at `tokens[index]`.
    fn token_id(&mut self, index: u32) -> u32 {
        let Some(token) = self.tokens.get_mut(index as usize) else {
            return NO_ID;
        };
        if token.id == NO_ID {
            token.id = self.vocabulary.id(&token.text);
        }
        token.id
    }

    /// `text`'s tokens as [`text::tokens_up_to`] gives them, into
    /// `self.found` as indices in `self.tokens`.
    fn analyse(&mut self, text: &str, max: usize) {
        let Self {
            words,
            tokens,
            found,
            stop_words,
            bigrams,
            ..
        } = self;
        found.clear();
        stop_words.clear();
        text::for_each_piece(text, |piece| {
            if found.len() >= max {
                return ControlFlow::Break(());
            }
            match piece {
                Piece::Word(word) => {
                    let index = match words.get(word) {
                        Some(&index) => index,
                        None => {
                            let index = match text::analyse_word(word) {
                                Analysed::Token(text) => push_token(tokens, text, false),
                                Analysed::StopWord(text) => push_token(tokens, text, true),
                                Analysed::Nothing => NO_TOKEN,
                            };
                            words.insert(word.into(), index);
                            index
                        }
                    };
                    match tokens.get(index as usize) {
                        Some(token) if token.stop_word => stop_words.push(index),
                        Some(_) => found.push(index),
                        None => {}
                    }
                }
                Piece::Cjk(run) => {
                    bigrams.clear();
                    text::push_bigrams(run, bigrams);
                    for bigram in bigrams.iter() {
                        // A bigram is never a word of its own ("\u{1}" is
                        // not a letter), so the two cannot be confused.
                        let mut key = String::with_capacity(bigram.len() + 1);
                        key.push('\u{1}');
                        key.push_str(bigram);
                        let index = match words.get(key.as_str()) {
                            Some(&index) => index,
                            None => {
                                let index = push_token(tokens, bigram.as_str().into(), false);
                                words.insert(key.into(), index);
                                index
                            }
                        };
                        if index != NO_TOKEN {
                            found.push(index);
                        }
                    }
                }
            }
            ControlFlow::Continue(())
        });
        if found.is_empty() {
            std::mem::swap(found, stop_words);
        }
        found.truncate(max);
    }

    /// The id of a brand, tag or category path from its raw text: `raw_key`
    /// names the raw value, `key` builds the folded vocabulary key.
    fn field_id(&mut self, raw_key: &str, key: impl FnOnce(&mut String)) -> u32 {
        if let Some(&id) = self.fields.get(raw_key) {
            return id;
        }
        let mut folded = String::new();
        key(&mut folded);
        let id = self.vocabulary.id(&folded);
        self.fields.insert(raw_key.into(), id);
        id
    }

    /// The tokens of a product with how much each field counts.
    fn add_fields(&mut self, product: &Product) {
        // The header read once for all the fields.
        let product = product.parts();
        self.analyse(product.title, usize::MAX);
        let mut title = std::mem::take(&mut self.found);
        if title.len() > 1 {
            // The words as analysed, each with its end marked (a `str`
            // hashes as its bytes and 0xff, never in UTF-8): one sequence
            // of words, one byte stream, as the key "T:word word …" was.
            let mut hasher = std::hash::DefaultHasher::new();
            for &index in &title {
                if let Some(token) = self.tokens.get(index as usize) {
                    token.text.hash(&mut hasher);
                }
            }
            let id = self.vocabulary.title_id(hasher.finish());
            self.term(id, WHOLE_TITLE);
        }
        for &index in &title {
            let id = self.token_id(index);
            self.term(id, TITLE_WORD);
        }
        // A category is one token per path prefix: "Home > Office" and
        // "Office" are different places. Raw keys carry each level's length,
        // so no two different paths share one.
        let mut raw = std::mem::take(&mut self.key);
        raw.clear();
        raw.push('c');
        for (depth, level) in product.category.clone().enumerate() {
            let _ = write!(raw, "{}:", level.len());
            raw.push_str(level);
            let id = self.field_id(&raw, |key| {
                let _ = write!(key, "c{depth}:");
                for level in product.category.clone().take(depth + 1) {
                    key.push('>');
                    key.push_str(&text::fold(level));
                }
            });
            self.term(id, CATEGORY);
        }
        if let Some(brand) = product.brand {
            raw.clear();
            raw.push('b');
            raw.push_str(brand);
            let id = self.field_id(&raw, |key| {
                key.push_str("b:");
                key.push_str(&text::fold(brand));
            });
            self.term(id, BRAND);
        }
        for tag in product.tags {
            raw.clear();
            raw.push('t');
            raw.push_str(tag);
            let id = self.field_id(&raw, |key| {
                key.push_str("t:");
                key.push_str(&text::fold(tag));
            });
            self.term(id, TAG);
        }
        self.key = raw;
        if let Some(description) = product.description {
            std::mem::swap(&mut title, &mut self.found);
            self.analyse(description, MAX_DESCRIPTION_TOKENS);
            std::mem::swap(&mut title, &mut self.found);
            for &index in &title {
                let id = self.token_id(index);
                self.term(id, DESCRIPTION);
            }
        }
        self.found = title;
    }

    /// Weighs every token by how rare it is and links the postings; `prices`
    /// are the products' prices in the order they were added.
    pub fn finish(self, prices: impl Iterator<Item = Option<f64>>) -> ContentIndex {
        let prices: Vec<Option<f64>> = prices.collect();
        self.finishing()
            .finish(&|p| prices.get(p).copied().flatten())
    }

    /// The last pass ([`Self::finish`]) as steps of bounded work, so a
    /// caller on a browser's main thread can yield between them.
    pub fn finishing(self) -> ContentFinish {
        let Self {
            vocabulary,
            mut raw_start,
            mut raw_bytes,
            ..
        } = self;
        // The builder's maps are not needed any more: freed here, before
        // the postings are made, so the two never take memory together.
        let terms = (vocabulary.len as usize).min(MAX_ID as usize + 1);
        drop(vocabulary);
        // Room was made for the projected bytes (6 % more at 100k): the
        // rest goes back before the last pass makes its arrays, which are
        // live with the raw lists at the peak (a shrink stays in place).
        raw_bytes.shrink_to_fit();
        let products = raw_start.len();
        raw_start.push(raw_bytes.len() as u32);
        let n = products.max(1) as f32;
        ContentFinish {
            stage: Finishing::Count,
            at: 0,
            products,
            terms,
            cap: ((n * MAX_DOCUMENT_SHARE) as u32).max(MIN_POSTINGS_CAP),
            raw_start,
            raw_bytes,
            raw_codec: RawCodec::default(),
            scratch: Vec::new(),
            document_frequency: vec![0u32; terms],
            idf: Vec::new(),
            norm: Vec::with_capacity(products),
            doc_start: Vec::new(),
            doc_byte_start: Vec::with_capacity(products + 1),
            doc_total: 0,
            doc_bytes: Vec::new(),
            post_bytes: vec![0u32; terms],
            last: vec![0u32; terms],
            post_start: Vec::new(),
            post_items: Vec::new(),
            log_price: Vec::with_capacity(products),
        }
    }
}

/// Every token's id, given in order of first use whatever the kind of key.
///
/// Whole titles are most of a catalog's tokens (about 43,100 of 43,763 at
/// 100k generated products) and their text is long, so they are kept by a
/// 64-bit hash of their words (SipHash-1-3, the standard library's
/// `DefaultHasher`; a 12-byte entry, no allocation) rather than by a key
/// "T:word word …" in an allocation of its own (about 40 bytes of text and
/// the allocator's overhead; issue 8: memory: the vocabulary was about a
/// third of the indexing memory at the end of reading). Two different
/// titles share a token only if their hashes collide: for n distinct
/// titles the odds are at most n(n − 1) / 2⁶⁵, 5 × 10⁻¹¹ at 43,763 titles
/// and 3 × 10⁻⁸ at a million; the cost would be a little similarity
/// between those two products. The hash's key is fixed (the same catalog
/// gives the same index), so these are the odds of chance, not of a shop
/// making two of its own titles collide on purpose.
#[derive(Debug, Default)]
struct Vocabulary {
    /// Words, CJK bigrams, `c<depth>:>path`, `b:brand`, `t:tag` (all
    /// folded) → id.
    keys: FxHashMap<Box<str>, u32>,
    /// A whole title's hash, as two halves (12-byte entries, not 16) → id.
    titles: FxHashMap<[u32; 2], u32>,
    /// Ids given so far.
    len: u32,
}

impl Vocabulary {
    fn next(len: &mut u32) -> u32 {
        let id = *len;
        *len = len.saturating_add(1);
        id
    }

    /// The id of a key.
    fn id(&mut self, key: &str) -> u32 {
        match self.keys.get(key) {
            Some(&id) => id,
            None => {
                let id = Self::next(&mut self.len);
                self.keys.insert(key.into(), id);
                id
            }
        }
    }

    /// The id of a whole title by its hash.
    fn title_id(&mut self, hash: u64) -> u32 {
        let len = &mut self.len;
        *self
            .titles
            .entry([hash as u32, (hash >> 32) as u32])
            .or_insert_with(|| Self::next(len))
    }
}

/// How a product's tokens are kept while reading: in the order first met,
/// a varint each of `(x << 1 | new) << FIELD_BITS | field`, where a token
/// with an id at or past `top` (one more than the highest id met before,
/// so new to the catalog: a title's whole-title token, its rare words) is
/// `new` with `x = id − top`, mostly 0, and any other is `x = id`: ids
/// follow first use, so the common tokens (categories, brands, frequent
/// words) have small ids. Reading and writing track `top` the same way, so
/// a list is read back in the order it was written.
#[derive(Debug, Default, Clone, Copy)]
struct RawCodec {
    top: u32,
}

impl RawCodec {
    fn put(&mut self, out: &mut Vec<u8>, t: u32) {
        let (id, field) = (t >> FIELD_BITS, u64::from(t & FIELD_MASK));
        let x = if id >= self.top {
            let x = u64::from(id - self.top) << 1 | 1;
            self.top = id + 1;
            x
        } else {
            u64::from(id) << 1
        };
        let mut v = x << FIELD_BITS | field;
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// The tokens of `bytes` (one product's, read in catalog order) into
    /// `out`, as `id << FIELD_BITS | field`.
    fn read(&mut self, bytes: &[u8], out: &mut Vec<u32>) {
        out.clear();
        let mut v = 0u64;
        let mut shift = 0;
        for &b in bytes {
            if shift < 64 {
                v |= u64::from(b & 0x7f) << shift;
            }
            shift += 7;
            if b & 0x80 != 0 {
                continue;
            }
            let field = (v & u64::from(FIELD_MASK)) as u32;
            let x = v >> FIELD_BITS;
            let id = if x & 1 == 1 {
                let id = u64::from(self.top) + (x >> 1);
                self.top = (id + 1).min(u64::from(u32::MAX)) as u32;
                id
            } else {
                x >> 1
            };
            out.push((id as u32) << FIELD_BITS | field);
            v = 0;
            shift = 0;
        }
    }
}

/// Which part of the last pass [`ContentFinish::step`] is in, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Finishing {
    /// Counting each token's products.
    Count,
    /// Each token's idf.
    Weigh,
    /// Each product's vector length, and the bytes its selective tokens
    /// will take.
    Keep,
    /// Writing each product's selective tokens, sorted.
    Docs,
    /// Where each token's postings start.
    Offsets,
    /// Filling the postings.
    Post,
    /// ln(price) per product.
    Prices,
    Done,
}

/// The content index's last pass ([`ContentBuilder::finishing`]): each
/// [`Self::step`] does a bounded share of it, the same arithmetic in the
/// same order as one pass would, so the index is the same to the bit.
#[derive(Debug)]
pub struct ContentFinish {
    stage: Finishing,
    /// The next product (or token, or entry) the stage handles.
    at: usize,
    products: usize,
    terms: usize,
    /// Tokens in more products than this are not indexed.
    cap: u32,
    raw_start: Vec<u32>,
    raw_bytes: Vec<u8>,
    /// Read from its start by each pass over `raw_bytes`.
    raw_codec: RawCodec,
    /// One product's tokens, read back.
    scratch: Vec<u32>,
    /// Per token; reused as each token's next free posting slot.
    document_frequency: Vec<u32>,
    idf: Vec<f32>,
    norm: Vec<f32>,
    doc_start: Vec<u32>,
    /// Each product's first byte in `doc_bytes` (then the end).
    doc_byte_start: Vec<u32>,
    /// The bytes of the documents kept so far.
    doc_total: u32,
    doc_bytes: Vec<u8>,
    /// Per token: the bytes of its postings, then the last position put
    /// in them (the next entry is a difference to it).
    post_bytes: Vec<u32>,
    last: Vec<u32>,
    post_start: Vec<u32>,
    post_items: Vec<u8>,
    log_price: Vec<f32>,
}

/// Bytes of `v` as a varint (7 bits a byte).
fn varint_len(v: u32) -> u32 {
    1 + (31 - (v | 1).leading_zeros()) / 7
}

/// Writes `v` as a varint at `*at` in `out` (sized for it beforehand).
fn put_varint(out: &mut [u8], at: &mut u32, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if let Some(slot) = out.get_mut(*at as usize) {
            *slot = if v == 0 { byte } else { byte | 0x80 };
        }
        *at += 1;
        if v == 0 {
            return;
        }
    }
}

/// The entries of a document or a posting list: varints of
/// `(difference to the previous id or position) << FIELD_BITS | field`,
/// given back as `id << FIELD_BITS | field`.
#[derive(Clone)]
pub(crate) struct Entries<'a> {
    bytes: &'a [u8],
    base: u32,
}

impl Iterator for Entries<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let (&first, mut rest) = self.bytes.split_first()?;
        let mut v = u32::from(first & 0x7f);
        let mut shift = 7;
        let mut byte = first;
        while byte & 0x80 != 0 {
            let Some((&b, tail)) = rest.split_first() else {
                break;
            };
            rest = tail;
            byte = b;
            if shift < 32 {
                v |= u32::from(b & 0x7f) << shift;
            }
            shift += 7;
        }
        self.bytes = rest;
        self.base = self.base.wrapping_add(v >> FIELD_BITS);
        Some(self.base << FIELD_BITS | (v & FIELD_MASK))
    }
}

impl ContentFinish {
    /// Does up to `batch` products' (or tokens') worth of the pass;
    /// `price(p)` is product p's price. True once the index is complete.
    /// `price` is a trait object: one copy of this long function in the wasm.
    pub fn step(&mut self, batch: usize, price: &dyn Fn(usize) -> Option<f64>) -> bool {
        let batch = batch.max(1);
        let end = |at: usize, len: usize| at.saturating_add(batch).min(len);
        match self.stage {
            Finishing::Count => {
                let to = end(self.at, self.products);
                for p in self.at..to {
                    self.raw_codec.read(
                        slice(&self.raw_bytes, &self.raw_start, p),
                        &mut self.scratch,
                    );
                    for &t in &self.scratch {
                        if let Some(df) =
                            self.document_frequency.get_mut((t >> FIELD_BITS) as usize)
                        {
                            *df += 1;
                        }
                    }
                }
                self.advance(to, self.products);
            }
            Finishing::Weigh => {
                let to = end(self.at, self.terms);
                let n = self.products.max(1) as f32;
                self.idf.extend(
                    self.document_frequency[self.at..to]
                        .iter()
                        .map(|&df| (n / df as f32).ln().max(0.0) + 0.1),
                );
                self.advance(to, self.terms);
            }
            Finishing::Keep => {
                let to = end(self.at, self.products);
                self.keep(self.at, to);
                self.advance(to, self.products);
            }
            Finishing::Docs => {
                if self.at == 0 {
                    let doc_total = self.doc_byte_start.last().copied().unwrap_or(0);
                    self.doc_bytes = vec![0u8; doc_total as usize];
                }
                let to = end(self.at, self.products);
                for p in self.at..to {
                    self.selective(p);
                    let mut at = self.doc_byte_start.get(p).copied().unwrap_or(0);
                    let mut previous = 0;
                    for &t in &self.scratch {
                        let (token, field) = (t >> FIELD_BITS, t & FIELD_MASK);
                        put_varint(
                            &mut self.doc_bytes,
                            &mut at,
                            (token - previous) << FIELD_BITS | field,
                        );
                        previous = token;
                    }
                }
                if to == self.products {
                    // Read for the last time: the postings are made from
                    // the documents, so the two lists never meet.
                    self.raw_bytes = Vec::new();
                    self.raw_start = Vec::new();
                    self.scratch = Vec::new();
                }
                self.advance(to, self.products);
            }
            Finishing::Offsets => {
                if self.at == 0 {
                    self.post_start.reserve_exact(self.terms + 1);
                    self.post_start.push(0);
                }
                let to = end(self.at, self.terms);
                let mut total = self.post_start.last().copied().unwrap_or(0);
                // Only kept tokens have bytes.
                for &bytes in &self.post_bytes[self.at..to] {
                    total += bytes;
                    self.post_start.push(total);
                }
                if to == self.terms {
                    // Reused as each token's next free byte.
                    self.document_frequency
                        .copy_from_slice(&self.post_start[..self.terms]);
                    self.post_bytes = Vec::new();
                    self.last.fill(0);
                    self.post_items = vec![0u8; total as usize];
                }
                self.advance(to, self.terms);
            }
            Finishing::Post => {
                let to = end(self.at, self.products);
                let next = &mut self.document_frequency;
                for p in self.at..to {
                    let document = Entries {
                        bytes: slice(&self.doc_bytes, &self.doc_byte_start, p),
                        base: 0,
                    };
                    for t in document {
                        let token = t >> FIELD_BITS;
                        let field = t & FIELD_MASK;
                        let Some(last) = self.last.get_mut(token as usize) else {
                            continue;
                        };
                        let v = (p as u32 - *last) << FIELD_BITS | field;
                        *last = p as u32;
                        if let Some(next) = next.get_mut(token as usize) {
                            put_varint(&mut self.post_items, next, v);
                        }
                    }
                }
                if to == self.products {
                    self.document_frequency = Vec::new();
                    self.last = Vec::new();
                    self.doc_start = std::mem::take(&mut self.doc_byte_start);
                }
                self.advance(to, self.products);
            }
            Finishing::Prices => {
                let to = end(self.at, self.products);
                self.log_price.extend((self.at..to).map(|p| match price(p) {
                    Some(x) if x > 0.0 && x.is_finite() => (x as f32).ln(),
                    _ => f32::NAN,
                }));
                self.advance(to, self.products);
            }
            Finishing::Done => {}
        }
        self.stage == Finishing::Done
    }

    /// Moves on to the next stage once `to` reached `len`.
    fn advance(&mut self, to: usize, len: usize) {
        self.at = to;
        if to >= len {
            self.next_stage();
        }
    }

    fn next_stage(&mut self) {
        self.at = 0;
        // Each pass over the raw lists reads them from the start.
        self.raw_codec = RawCodec::default();
        self.stage = match self.stage {
            Finishing::Count => Finishing::Weigh,
            Finishing::Weigh => Finishing::Keep,
            Finishing::Keep => Finishing::Docs,
            Finishing::Docs => Finishing::Offsets,
            Finishing::Offsets => Finishing::Post,
            Finishing::Post => Finishing::Prices,
            Finishing::Prices | Finishing::Done => Finishing::Done,
        };
    }

    /// Product p's raw tokens into `scratch`, its vector length summed
    /// over all of them in the order first met; then only its selective
    /// ones are left in `scratch`, sorted. The length is returned.
    fn selective(&mut self, p: usize) -> f32 {
        let Self {
            raw_start,
            raw_bytes,
            raw_codec,
            scratch,
            document_frequency,
            idf,
            cap,
            ..
        } = self;
        raw_codec.read(slice(raw_bytes, raw_start, p), scratch);
        let weight = |t: u32| {
            FIELD_WEIGHT[(t & FIELD_MASK) as usize]
                * idf.get((t >> FIELD_BITS) as usize).copied().unwrap_or(0.0)
        };
        // Normalise over every token, index only the selective ones:
        // a very common token still dilutes a document's vector.
        let length = scratch
            .iter()
            .map(|&t| weight(t))
            .map(|w| w * w)
            .sum::<f32>()
            .sqrt();
        scratch.retain(|&t| {
            document_frequency
                .get((t >> FIELD_BITS) as usize)
                .is_some_and(|&df| df <= *cap)
        });
        // A document is a few dozen tokens at most: the shared insertion
        // sort, not one more instantiation of the standard sort in the wasm.
        super::insertion_sort_by(scratch, |a, b| (a >> FIELD_BITS).cmp(&(b >> FIELD_BITS)));
        length
    }

    /// Products `from..to`: each one's vector length, and the bytes each
    /// of its selective tokens will take, in the document and in its
    /// token's postings, so both are made at their exact size.
    fn keep(&mut self, from: usize, to: usize) {
        for p in from..to {
            let length = self.selective(p);
            self.norm.push(if length > 0.0 { length } else { 1.0 });
            self.doc_byte_start.push(self.doc_total);
            let mut previous = 0;
            for &t in &self.scratch {
                let (token, field) = (t >> FIELD_BITS, t & FIELD_MASK);
                self.doc_total += varint_len((token - previous) << FIELD_BITS | field);
                previous = token;
                if let (Some(last), Some(bytes)) = (
                    self.last.get_mut(token as usize),
                    self.post_bytes.get_mut(token as usize),
                ) {
                    *bytes += varint_len((p as u32 - *last) << FIELD_BITS | field);
                    *last = p as u32;
                }
            }
        }
        if to == self.products {
            self.doc_byte_start.push(self.doc_total);
        }
    }

    /// The index; whatever [`Self::step`] has not done yet is done first.
    pub fn finish(mut self, price: &dyn Fn(usize) -> Option<f64>) -> ContentIndex {
        while !self.step(usize::MAX, price) {}
        ContentIndex {
            doc_start: self.doc_start,
            doc_terms: self.doc_bytes,
            post_start: self.post_start,
            post_items: self.post_items,
            idf: self.idf,
            norm: self.norm,
            log_price: self.log_price,
        }
    }
}

/// The bytes of list `i` in `bytes` by its `start` offsets (empty when out of range).
fn slice<'a>(bytes: &'a [u8], start: &[u32], i: usize) -> &'a [u8] {
    match (start.get(i), start.get(i + 1)) {
        (Some(&from), Some(&to)) => bytes.get(from as usize..to as usize).unwrap_or(&[]),
        _ => &[],
    }
}

fn push_token(tokens: &mut Vec<Token>, text: String, stop_word: bool) -> u32 {
    if tokens.len() >= NO_TOKEN as usize {
        return NO_TOKEN;
    }
    tokens.push(Token {
        text: text.into(),
        stop_word,
        id: NO_ID,
    });
    (tokens.len() - 1) as u32
}

/// A [`ContentIndex`]'s arrays, borrowed (to keep them, see [`super::kept`]).
#[derive(Debug, Clone, Copy)]
pub struct ContentParts<'a> {
    pub doc_start: &'a [u32],
    pub post_start: &'a [u32],
    pub idf: &'a [f32],
    pub norm: &'a [f32],
    pub log_price: &'a [f32],
    pub doc_terms: &'a [u8],
    pub post_items: &'a [u8],
}

impl ContentIndex {
    /// The index's arrays, in the order a kept entry holds them.
    pub fn parts(&self) -> ContentParts<'_> {
        ContentParts {
            doc_start: &self.doc_start,
            post_start: &self.post_start,
            idf: &self.idf,
            norm: &self.norm,
            log_price: &self.log_price,
            doc_terms: &self.doc_terms,
            post_items: &self.post_items,
        }
    }

    /// The index from arrays [`super::kept`] checked.
    pub(super) fn from_parts(arrays: super::kept::KeptArrays) -> Self {
        let super::kept::KeptArrays {
            doc_start,
            post_start,
            idf,
            norm,
            log_price,
            doc_terms,
            post_items,
        } = arrays;
        Self {
            doc_start,
            doc_terms,
            post_start,
            post_items,
            idf,
            norm,
            log_price,
        }
    }

    pub fn build(catalog: &Catalog) -> Self {
        let mut builder = ContentBuilder::default();
        builder.add(catalog.products());
        builder.finish(catalog.products().iter().map(Product::price))
    }

    /// Product p's tokens, sorted (`id << FIELD_BITS | field`).
    pub(super) fn document(&self, p: usize) -> Entries<'_> {
        Entries {
            bytes: slice(&self.doc_terms, &self.doc_start, p),
            base: 0,
        }
    }

    /// The weight of token entry `t` (`id << FIELD_BITS | field`) in product p.
    fn weight(&self, t: u32, p: usize) -> f32 {
        let idf = self
            .idf
            .get((t >> FIELD_BITS) as usize)
            .copied()
            .unwrap_or(0.0);
        (FIELD_WEIGHT[(t & FIELD_MASK) as usize] * idf) / self.norm.get(p).copied().unwrap_or(1.0)
    }

    /// Token t's products, in catalog order (`position << FIELD_BITS | field`).
    pub(super) fn postings(&self, t: u32) -> Entries<'_> {
        Entries {
            bytes: slice(&self.post_items, &self.post_start, t as usize),
            base: 0,
        }
    }

    /// How much a price gap damps similarity, in [PRICE_FLOOR, 1].
    fn price_factor(&self, a: usize, b: usize) -> f32 {
        let (pa, pb) = (self.log_price[a], self.log_price[b]);
        if pa.is_finite() && pb.is_finite() {
            PRICE_FLOOR + (1.0 - PRICE_FLOOR) * (-(pa - pb).abs() * PRICE_STEEPNESS).exp()
        } else {
            (1.0 + PRICE_FLOOR) / 2.0
        }
    }

    /// Content similarity of every product to a set of weighted seeds:
    /// Σ seed_weight × cosine × price_factor, with the best seed per product.
    /// `scratch` holds each product's running dot product beside its norm:
    /// the norm a posting needs is then on the cache line it writes anyway.
    pub fn similar_scores(
        &self,
        seeds: &[(usize, f32)],
        score: &mut [f32],
        best_seed: &mut [(f32, u32)],
        scratch: &mut Vec<[f32; 2]>,
        touched: &mut Vec<u32>,
    ) {
        scratch.clear();
        scratch.extend(self.norm.iter().map(|&norm| [0.0, norm]));
        scratch.resize(score.len(), [0.0, 1.0]);
        for &(seed, weight) in seeds {
            if seed >= self.norm.len() {
                continue;
            }
            touched.clear();
            for entry in self.document(seed) {
                let seed_weight = self.weight(entry, seed);
                let token = entry >> FIELD_BITS;
                let idf = self.idf[token as usize];
                // Each field's weight for this token, as `weight` makes it.
                let field_idf = FIELD_WEIGHT.map(|w| w * idf);
                for item in self.postings(token) {
                    let c = (item >> FIELD_BITS) as usize;
                    let [dot, norm] = &mut scratch[c];
                    let candidate_weight = field_idf[(item & FIELD_MASK) as usize] / *norm;
                    if *dot == 0.0 {
                        touched.push(c as u32);
                    }
                    *dot += seed_weight * candidate_weight;
                }
            }
            for &candidate in touched.iter() {
                let c = candidate as usize;
                let add = weight * scratch[c][0] * self.price_factor(seed, c);
                scratch[c][0] = 0.0;
                score[c] += add;
                if add > best_seed[c].0 {
                    best_seed[c] = (add, seed as u32);
                }
            }
        }
    }

    /// Cosine of two products' token vectors (for diversity).
    pub fn cosine(&self, a: usize, b: usize) -> f32 {
        let (mut x, mut y) = (self.document(a), self.document(b));
        let (mut i, mut j, mut dot) = (x.next(), y.next(), 0f32);
        while let (Some(s), Some(t)) = (i, j) {
            match (s >> FIELD_BITS).cmp(&(t >> FIELD_BITS)) {
                std::cmp::Ordering::Less => i = x.next(),
                std::cmp::Ordering::Greater => j = y.next(),
                std::cmp::Ordering::Equal => {
                    dot += self.weight(s, a) * self.weight(t, b);
                    i = x.next();
                    j = y.next();
                }
            }
        }
        dot
    }

    /// Heap bytes held, for the memory-per-product report.
    pub fn heap_bytes(&self) -> usize {
        self.doc_terms.capacity()
            + self.post_items.capacity()
            + 4 * (self.doc_start.capacity()
                + self.post_start.capacity()
                + self.idf.capacity()
                + self.norm.capacity()
                + self.log_price.capacity())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::core::catalog::ProductFields;

    fn product(id: &str, title: &str, price: Option<f64>, description: Option<&str>) -> Product {
        Product::from(ProductFields {
            id: id.into(),
            title: title.into(),
            price,
            description: description.map(str::to_string),
            category: vec!["Home".into()],
            ..ProductFields::default()
        })
    }

    fn scores(catalog: &Catalog, seed: usize) -> Vec<f32> {
        let index = ContentIndex::build(catalog);
        let n = catalog.len();
        let mut score = vec![0.0; n];
        let mut best = vec![(0.0, u32::MAX); n];
        index.similar_scores(
            &[(seed, 1.0)],
            &mut score,
            &mut best,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        score
    }

    #[test]
    fn each_field_and_price_moves_similarity() {
        // (candidate a, candidate b): a must score above b against the seed.
        let cases: &[(&str, Product, Product)] = &[
            (
                "whole title beats shared words",
                product("a", "Greek Yogurt Plain", None, None),
                product("b", "Yogurt Greek Style Plain Drink", None, None),
            ),
            (
                "close price beats far price",
                product("a", "Greek Yogurt Plain", Some(2.1), None),
                product("b", "Greek Yogurt Plain", Some(40.0), None),
            ),
            (
                "description counts",
                product("a", "Bowl", None, Some("creamy greek yogurt")),
                product("b", "Bowl", None, Some("steel frame")),
            ),
        ];
        for (name, a, b) in cases {
            let seed = product(
                "seed",
                "Greek Yogurt Plain",
                Some(2.0),
                Some("creamy greek yogurt"),
            );
            let filler: Vec<Product> = (0..20)
                .map(|i| product(&format!("f{i}"), &format!("Filler {i}"), None, None))
                .collect();
            let mut products = vec![seed, a.clone(), b.clone()];
            products.extend(filler);
            let catalog = Catalog::from_products(products).0;
            let s = scores(&catalog, 0);
            assert!(s[1] > s[2], "{name}: {} vs {}", s[1], s[2]);
        }
    }

    #[test]
    fn cosine_is_one_with_itself_and_symmetric() {
        let catalog = Catalog::from_products(vec![
            product("a", "Blue Mug", None, None),
            product("b", "Blue Plate", None, None),
            product("c", "Red Chair", None, None),
        ])
        .0;
        let index = ContentIndex::build(&catalog);
        assert!((index.cosine(0, 0) - 1.0).abs() < 1e-5);
        assert!((index.cosine(0, 1) - index.cosine(1, 0)).abs() < 1e-6);
        assert!(index.cosine(0, 1) > index.cosine(0, 2));
    }

    /// Catalogs that exercise every path of the index: words in several
    /// scripts, case and accents, stop-word-only titles, CJK, apostrophes,
    /// brands and categories that fold together, deep and empty category
    /// levels, repeated tags, long descriptions, missing fields, and words
    /// in more than the postings cap of products.
    pub(in crate::core::rank) fn generated_products(n: usize, seed: u64) -> Vec<Product> {
        const WORDS: &[&str] = &[
            "Mug",
            "mugs",
            "MUG",
            "Crème",
            "creme",
            "Brûlée",
            "The",
            "the",
            "für",
            "Straße",
            "boxes",
            "box",
            "Levi's",
            "l'eau",
            "T-Shirt",
            "חולצה",
            "הבית",
            "蓝色杯子",
            "杯",
            "コーヒー豆",
            "Batteries",
            "battery",
            "ÉCHARPE",
            "Καφές",
            "Ёлка",
            "4K",
            "USB-C",
            "350ml",
            "and",
            "à",
            "twelve",
            "twelve",
            "twelve",
            "twelve",
        ];
        const BRANDS: &[&str] = &["Acme", "ACME", " acme ", "Zoë", "Zoe", "", "Levi's"];
        const LEVELS: &[&str] = &["Home", "home", "Kitchen", "Küche", "Cuisine", "", "Décor"];
        let mut state = seed;
        let mut next = move |m: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % m.max(1)
        };
        (0..n)
            .map(|i| {
                let mut words = |count: usize| -> String {
                    (0..count)
                        .map(|_| WORDS[next(WORDS.len())])
                        .collect::<Vec<_>>()
                        .join(if next(4) == 0 { ", " } else { " " })
                };
                let title = match i % 11 {
                    0 => String::new(),
                    1 => "The and the".to_string(),
                    _ => format!("{} twelve", words(1 + i % 4)),
                };
                let description = match i % 5 {
                    0 => None,
                    1 => Some(words(60)),
                    _ => Some(words(i % 9)),
                };
                let depth = next(7);
                Product::from(ProductFields {
                    id: format!("p{i}"),
                    title,
                    price: match next(6) {
                        0 => None,
                        1 => Some(0.0),
                        _ => Some(1.0 + next(5_000) as f64 / 10.0),
                    },
                    category: (0..depth)
                        .map(|_| LEVELS[next(LEVELS.len())].into())
                        .collect(),
                    brand: match next(8) {
                        0 => None,
                        b => Some(BRANDS[b % BRANDS.len()].into()),
                    },
                    tags: (0..next(4))
                        .map(|_| ["sale", "Sale", "new", "Zoë", ""][next(5)].into())
                        .collect(),
                    description,
                    ..ProductFields::default()
                })
            })
            .collect()
    }

    /// The index as plainly as it can be written: strings, maps and one
    /// `Vec` per product, weights stored as they are computed. Each
    /// product's kept (token id, weight) pairs, sorted by token id.
    fn reference_documents(products: &[Product]) -> Vec<Vec<(u32, f32)>> {
        let mut vocabulary: std::collections::HashMap<String, u32> = Default::default();
        let mut raw: Vec<Vec<(u32, f32)>> = Vec::new();
        for product in products {
            let mut terms: Vec<(u32, f32)> = Vec::new();
            let mut term = |key: String, weight: f32| {
                let next_id = vocabulary.len() as u32;
                let id = *vocabulary.entry(key).or_insert(next_id);
                match terms.iter_mut().find(|(t, _)| *t == id) {
                    Some((_, w)) => *w = w.max(weight),
                    None => terms.push((id, weight)),
                }
            };
            let title = text::tokens(product.title());
            if title.len() > 1 {
                term(format!("T:{}", title.join(" ")), FIELDS.whole_title);
            }
            for token in &title {
                term(token.clone(), FIELDS.title_word);
            }
            let mut path = String::new();
            for (depth, level) in product.category().enumerate() {
                path.push('>');
                path.push_str(&text::fold(level));
                term(format!("c{depth}:{path}"), FIELDS.category);
            }
            if let Some(brand) = &product.brand() {
                term(format!("b:{}", text::fold(brand)), FIELDS.brand);
            }
            for tag in product.tags() {
                term(format!("t:{}", text::fold(tag)), FIELDS.tag);
            }
            if let Some(description) = &product.description() {
                for token in text::tokens_up_to(description, MAX_DESCRIPTION_TOKENS) {
                    term(token, FIELDS.description);
                }
            }
            raw.push(terms);
        }
        let mut df = vec![0u32; vocabulary.len()];
        for &(t, _) in raw.iter().flatten() {
            df[t as usize] += 1;
        }
        let n = products.len().max(1) as f32;
        let cap = ((n * MAX_DOCUMENT_SHARE) as u32).max(MIN_POSTINGS_CAP);
        raw.into_iter()
            .map(|terms| {
                let mut doc: Vec<(u32, f32)> = terms
                    .into_iter()
                    .map(|(t, w)| (t, w * ((n / df[t as usize] as f32).ln().max(0.0) + 0.1)))
                    .collect();
                let norm = doc.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                if norm > 0.0 {
                    for (_, w) in &mut doc {
                        *w /= norm;
                    }
                }
                doc.retain(|&(t, _)| df[t as usize] <= cap);
                doc.sort_by_key(|&(t, _)| t);
                doc
            })
            .collect()
    }

    fn bits(pairs: &[(u32, f32)]) -> Vec<(u32, u32)> {
        pairs.iter().map(|&(t, w)| (t, w.to_bits())).collect()
    }

    #[test]
    fn raw_token_lists_read_back_as_written() {
        // Products' tokens (id, field) as first met: new ids in and out of
        // order, old ones, the largest id, and an empty product.
        let products: [&[(u32, u32)]; 5] = [
            &[(0, 1), (1, 0), (2, 0), (3, 2)],
            &[(4, 1), (2, 0), (5, 0), (0, 5), (9, 4)],
            &[],
            &[(MAX_ID, 3), (7, 0), (6, 2), (10, 5), (MAX_ID - 1, 0)],
            &[(8, 0), (MAX_ID, 1), (1, 4)],
        ];
        let mut writer = RawCodec::default();
        let mut bytes = Vec::new();
        let mut start = Vec::new();
        for product in products {
            start.push(bytes.len() as u32);
            for &(id, field) in product {
                writer.put(&mut bytes, id << FIELD_BITS | field);
            }
        }
        start.push(bytes.len() as u32);
        let mut reader = RawCodec::default();
        let mut got = Vec::new();
        for (p, product) in products.iter().enumerate() {
            reader.read(slice(&bytes, &start, p), &mut got);
            let want: Vec<u32> = product
                .iter()
                .map(|&(id, f)| id << FIELD_BITS | f)
                .collect();
            assert_eq!(got, want, "product {p}");
        }
        // A token new to the catalog takes one byte.
        assert_eq!(start[1] - start[0], 4);
    }

    #[test]
    fn compact_index_matches_a_plain_reference_to_the_bit() {
        // (products, batch size the builder reads them in)
        for (n, seed, batch) in [(40, 1, 7), (300, 2, 300), (2_000, 3, 128)] {
            let products = generated_products(n, seed);
            let want = reference_documents(&products);
            let mut builder = ContentBuilder::default();
            for chunk in products.chunks(batch) {
                builder.add(chunk);
            }
            let index = builder.finish(products.iter().map(|p| p.price()));
            let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); index.idf.len()];
            for (p, doc) in want.iter().enumerate() {
                let got: Vec<(u32, f32)> = index
                    .document(p)
                    .map(|t| (t >> FIELD_BITS, index.weight(t, p)))
                    .collect();
                assert_eq!(bits(&got), bits(doc), "catalog {n}, product {p}");
                for &(t, w) in doc {
                    postings[t as usize].push((p as u32, w));
                }
            }
            let dropped = postings.iter().filter(|list| list.is_empty()).count();
            assert!(n < 2_000 || dropped > 0, "the cap left out no token");
            for (t, list) in postings.iter().enumerate() {
                let idf = index.idf[t];
                let got: Vec<(u32, f32)> = index
                    .postings(t as u32)
                    .map(|item| {
                        let c = item >> FIELD_BITS;
                        let w = (FIELD_WEIGHT[(item & FIELD_MASK) as usize] * idf)
                            / index.norm[c as usize];
                        (c, w)
                    })
                    .collect();
                assert_eq!(bits(&got), bits(list), "catalog {n}, token {t}");
            }
            // Scores and cosines from the reference vectors, summed in the
            // same order (by token) as the index sums them.
            let dot = |a: &[(u32, f32)], b: &[(u32, f32)]| -> f32 {
                a.iter()
                    .filter_map(|&(t, x)| b.iter().find(|(u, _)| *u == t).map(|&(_, y)| x * y))
                    .fold(0.0, |sum, v| sum + v)
            };
            let seeds = [(2usize, 0.7f32), (n / 2, 0.3)];
            let mut score = vec![0f32; n];
            let mut best = vec![(0f32, u32::MAX); n];
            index.similar_scores(
                &seeds,
                &mut score,
                &mut best,
                &mut Vec::new(),
                &mut Vec::new(),
            );
            let mut want_score = vec![0f32; n];
            for &(seed, weight) in &seeds {
                for c in 0..n {
                    let d = dot(&want[seed], &want[c]);
                    if d != 0.0 {
                        want_score[c] += weight * d * index.price_factor(seed, c);
                    }
                }
            }
            let as_bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(as_bits(&score), as_bits(&want_score), "catalog {n}: scores");
            for (a, b) in [(2, 3), (5, 16), (n - 1, 0), (7, 7)] {
                let want = dot(&want[a], &want[b]);
                assert_eq!(
                    index.cosine(a, b).to_bits(),
                    want.to_bits(),
                    "cosine {a} {b}"
                );
            }
        }
    }

    /// Products with 25 tags of their own each (and one twice): 3,000 of
    /// them make 75,000 facets, so from part way through the catalog the
    /// facet index keeps ids in their long form (mark, high, low half).
    fn products_with_many_tags(n: usize) -> Vec<Product> {
        (0..n)
            .map(|i| {
                let mut tags: Vec<String> = (0..25).map(|k| format!("x{i}-{k}")).collect();
                tags.push(format!("x{i}-3"));
                tags.push(["sale", "new"][i % 2].into());
                Product::from(ProductFields {
                    id: format!("p{i}"),
                    title: format!("Item {i}"),
                    price: (i % 7 != 0).then(|| 1.0 + (i * 37 % 500) as f64),
                    category: (0..i % 4).map(|d| format!("L{d}-{}", i % 3)).collect(),
                    brand: (i % 5 != 0).then(|| format!("B{}", i % 9)),
                    tags,
                    ..ProductFields::default()
                })
            })
            .collect()
    }

    /// The facet index (the other index built from the catalog, in
    /// `profile`) against the plain way of building it: every product's
    /// facets, interned in order, keys and relative prices, on the same
    /// generated catalogs, and on one with more facets than one `u16`
    /// holds.
    #[test]
    fn facet_index_matches_a_plain_reference() {
        use crate::core::profile::{Facet, FacetIndex};
        use std::collections::HashMap;
        // The same products read as a feed is: those with the same path,
        // brand and currency then share them (and the index reads them once).
        let read_as_a_feed = |products: Vec<Product>| {
            let text = serde_json::to_string(&products).unwrap();
            let read: Vec<Product> = crate::core::catalog::parse(&text)
                .unwrap()
                .catalog
                .products()
                .to_vec();
            let keys: std::collections::HashSet<usize> =
                read.iter().map(Product::shared_key).collect();
            assert!(
                keys.len() < read.len() * 3 / 4,
                "{} shared parts",
                keys.len()
            );
            read
        };
        let shared = read_as_a_feed(generated_products(2_000, 5));
        for (n, products) in [
            (40, generated_products(40, 4)),
            (2_000, generated_products(2_000, 5)),
            (shared.len(), shared),
            (3_000, products_with_many_tags(3_000)),
        ] {
            let catalog = Catalog::from_products(products).0;
            let index = FacetIndex::build(&catalog);
            let mut facets: Vec<Facet> = Vec::new();
            let mut ids: HashMap<Facet, u32> = HashMap::new();
            let mut by_key: HashMap<String, Vec<u32>> = HashMap::new();
            let mut of_product: Vec<Vec<u32>> = Vec::new();
            for product in catalog.products() {
                let mut own: Vec<u32> = Vec::new();
                let mut intern = |facet: Facet, own: &mut Vec<u32>| {
                    let id = *ids.entry(facet.clone()).or_insert_with(|| {
                        facets.push(facet);
                        facets.len() as u32 - 1
                    });
                    if !own.contains(&id) {
                        own.push(id);
                    }
                    id
                };
                let mut category_facets = Vec::new();
                for depth in 0..product.category().len().min(4) {
                    let path: Vec<String> = product
                        .category()
                        .take(depth + 1)
                        .map(|l| l.trim().to_lowercase())
                        .collect();
                    let facet = Facet::Category {
                        depth: depth as u8,
                        path: path.join(" > "),
                    };
                    category_facets.push(intern(facet, &mut own));
                }
                let brand = product
                    .brand()
                    .map(|b| intern(Facet::Brand(b.trim().to_lowercase()), &mut own));
                for tag in product.tags() {
                    intern(Facet::Tag(tag.trim().to_lowercase()), &mut own);
                }
                let keys = [
                    product
                        .category()
                        .last()
                        .map(|c| (format!("c:{}", text::fold(c)), category_facets)),
                    product
                        .brand()
                        .map(|b| (format!("b:{}", text::fold(b)), brand.into_iter().collect())),
                ];
                for (key, stands_for) in keys.into_iter().flatten() {
                    if key.len() > 2 {
                        let list = by_key.entry(key).or_default();
                        for f in stands_for {
                            if !list.contains(&f) {
                                list.push(f);
                            }
                        }
                    }
                }
                of_product.push(own);
            }
            assert_eq!(index.len(), facets.len(), "catalog {n}");
            if n == 3_000 {
                assert!(index.len() > usize::from(u16::MAX) + 1, "{}", index.len());
            }
            for (id, facet) in facets.iter().enumerate() {
                assert_eq!(index.facet(id as u32), Some(facet), "catalog {n}");
            }
            for (key, list) in &by_key {
                assert_eq!(index.facets_of_key(key), list.as_slice(), "{key}");
            }
            // Relative price: ln(price) less the median ln(price) of the
            // product's deepest category (or of the uncategorised products).
            let leaves: Vec<Option<&u32>> = of_product
                .iter()
                .map(|own| {
                    own.iter()
                        .rev()
                        .find(|&&f| matches!(facets[f as usize], Facet::Category { .. }))
                })
                .collect();
            let leaf = |p: usize| leaves[p];
            let log_price = |p: usize| {
                catalog.products()[p]
                    .price()
                    .filter(|&x| x > 0.0 && x.is_finite())
                    .map(|x| (x as f32).ln())
            };
            for (p, own) in of_product.iter().enumerate() {
                assert_eq!(
                    index.of_product(p).collect::<Vec<_>>(),
                    *own,
                    "catalog {n}, product {p}"
                );
                let want = log_price(p).map(|own_price| {
                    let mut same_leaf: Vec<f32> = (0..n)
                        .filter(|&q| leaf(q) == leaf(p))
                        .filter_map(log_price)
                        .collect();
                    same_leaf.sort_by(f32::total_cmp);
                    own_price - same_leaf[(same_leaf.len() - 1) / 2]
                });
                assert_eq!(
                    index.relative_price(p).map(f32::to_bits),
                    want.map(f32::to_bits),
                    "catalog {n}, product {p}"
                );
            }
        }
    }
}
