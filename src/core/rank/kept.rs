//! A built content index kept on the device between page views (issue 8):
//! a returning shopper's page reads the index the last page built, instead
//! of analysing every product's text again (most of the indexing time).
//!
//! The entry is a 40-byte header, then the index's arrays as they are in
//! memory (little-endian, as wasm is), so reading one is a copy per array:
//! `doc_start`, `post_start` (`u32`), `idf`, `norm`, `log_price` (`f32`),
//! then `doc_terms` and `post_items` (bytes). Every array after the header
//! starts 4-byte aligned, so the browser can view it in place.
//!
//! An entry is used only when it was kept by this very build (a digest of
//! `src/core`, the code the index's arithmetic comes from) for this very
//! catalog (a digest of the feed's bytes, and its product count). Anything
//! else, or an entry damaged on the device, is a typed error: the caller
//! builds the index instead. A damaged entry never makes ranking panic: every
//! token and position is checked against the array it indexes.

use thiserror::Error;

use super::content::{ContentIndex, FIELD_BITS};

/// "TLCI": a Tailor content index.
const MAGIC: [u8; 4] = *b"TLCI";
/// Bumped when the layout changes (the build digest covers the arithmetic).
const FORMAT: u32 = 1;
/// Magic, format, build digest, catalog digest, products, terms, document
/// bytes, posting bytes.
pub const HEADER_BYTES: usize = 40;

/// The digest of `src/core` this build was made from (`build.rs`).
fn build_digest() -> u64 {
    u64::from_str_radix(env!("TAILOR_CORE_DIGEST"), 16).unwrap_or(0)
}

/// Why a kept index was not used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeptIndexError {
    #[error("not a kept content index")]
    NotAnIndex,
    #[error("kept by another build of the widget")]
    OtherBuild,
    #[error("kept for another catalog")]
    OtherCatalog,
    #[error("{found} bytes where the header says {expected}")]
    Length { found: usize, expected: usize },
    #[error("damaged: {0}")]
    Damaged(&'static str),
}

/// What a kept entry's header says, once it was found to be for this
/// build and this catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptHeader {
    products: u32,
    terms: u32,
    doc_bytes: u32,
    post_bytes: u32,
}

/// Where each array of an entry starts (bytes from the entry's start) and
/// how many items it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptLayout {
    pub doc_start: (usize, usize),
    pub post_start: (usize, usize),
    pub idf: (usize, usize),
    pub norm: (usize, usize),
    pub log_price: (usize, usize),
    pub doc_terms: (usize, usize),
    pub post_items: (usize, usize),
    /// The entry's length in bytes.
    pub total: usize,
}

/// The arrays of a kept index, read back (see [`ContentIndex::from_kept`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeptArrays {
    pub doc_start: Vec<u32>,
    pub post_start: Vec<u32>,
    pub idf: Vec<f32>,
    pub norm: Vec<f32>,
    pub log_price: Vec<f32>,
    pub doc_terms: Vec<u8>,
    pub post_items: Vec<u8>,
}

/// A 64-bit digest of a catalog's bytes, 8 bytes a step (a multiply and a
/// rotation, FxHash's): each step is a bijection of the state, so two
/// catalogs of the same length that differ in one 8-byte word never share
/// a digest; the product count is checked as well.
pub fn catalog_digest(bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    let mut h = step(0, bytes.len() as u64);
    for word in words.by_ref() {
        let mut b = [0u8; 8];
        b.copy_from_slice(word);
        h = step(h, u64::from_le_bytes(b));
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    step(h, u64::from_le_bytes(last))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    if let Some(s) = bytes.get(at..at + 4) {
        b.copy_from_slice(s);
    }
    u32::from_le_bytes(b)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32_at(bytes, at)) | u64::from(u32_at(bytes, at + 4)) << 32
}

impl KeptHeader {
    /// Reads an entry's first [`HEADER_BYTES`], for a catalog with digest
    /// `catalog` and `products` products.
    pub fn read(bytes: &[u8], catalog: u64, products: usize) -> Result<Self, KeptIndexError> {
        if bytes.len() < HEADER_BYTES || bytes[..4] != MAGIC || u32_at(bytes, 4) != FORMAT {
            return Err(KeptIndexError::NotAnIndex);
        }
        if u64_at(bytes, 8) != build_digest() {
            return Err(KeptIndexError::OtherBuild);
        }
        let header = Self {
            products: u32_at(bytes, 24),
            terms: u32_at(bytes, 28),
            doc_bytes: u32_at(bytes, 32),
            post_bytes: u32_at(bytes, 36),
        };
        if u64_at(bytes, 16) != catalog || header.products as usize != products {
            return Err(KeptIndexError::OtherCatalog);
        }
        Ok(header)
    }

    /// Where the arrays are.
    pub fn layout(&self) -> KeptLayout {
        let (products, terms) = (self.products as usize, self.terms as usize);
        let mut at = HEADER_BYTES;
        let mut next = |items: usize, size: usize| {
            let section = (at, items);
            at = at.saturating_add(items.saturating_mul(size));
            section
        };
        let doc_start = next(products + 1, 4);
        let post_start = next(terms + 1, 4);
        let idf = next(terms, 4);
        let norm = next(products, 4);
        let log_price = next(products, 4);
        let doc_terms = next(self.doc_bytes as usize, 1);
        let post_items = next(self.post_bytes as usize, 1);
        KeptLayout {
            doc_start,
            post_start,
            idf,
            norm,
            log_price,
            doc_terms,
            post_items,
            total: at,
        }
    }
}

impl ContentIndex {
    /// The header of this index's entry, kept for the catalog with digest
    /// `catalog`; its arrays follow in [`Self::parts`]'s order.
    pub fn kept_header(&self, catalog: u64) -> [u8; HEADER_BYTES] {
        let parts = self.parts();
        let mut header = [0u8; HEADER_BYTES];
        header[..4].copy_from_slice(&MAGIC);
        let fields = [
            (4, u64::from(FORMAT)),
            (8, build_digest()),
            (16, catalog),
            (24, parts.norm.len() as u64),
            (28, parts.idf.len() as u64),
            (32, parts.doc_terms.len() as u64),
            (36, parts.post_items.len() as u64),
        ];
        for (at, value) in fields {
            let width = if at == 8 || at == 16 { 8 } else { 4 };
            header[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
        }
        header
    }

    /// The whole entry as bytes (the browser writes the arrays one by one
    /// instead, without this copy).
    pub fn to_kept_bytes(&self, catalog: u64) -> Vec<u8> {
        let parts = self.parts();
        let mut out = self.kept_header(catalog).to_vec();
        for words in [parts.doc_start, parts.post_start] {
            out.extend(words.iter().flat_map(|w| w.to_le_bytes()));
        }
        for floats in [parts.idf, parts.norm, parts.log_price] {
            out.extend(floats.iter().flat_map(|f| f.to_le_bytes()));
        }
        out.extend_from_slice(parts.doc_terms);
        out.extend_from_slice(parts.post_items);
        out
    }

    /// An index from a whole entry (see [`Self::to_kept_bytes`]).
    pub fn from_kept_bytes(
        bytes: &[u8],
        catalog: u64,
        products: usize,
    ) -> Result<Self, KeptIndexError> {
        let header = KeptHeader::read(bytes, catalog, products)?;
        let layout = header.layout();
        if bytes.len() != layout.total {
            return Err(KeptIndexError::Length {
                found: bytes.len(),
                expected: layout.total,
            });
        }
        let section = |(at, items): (usize, usize), size: usize| {
            bytes.get(at..at + items * size).unwrap_or(&[])
        };
        let words = |s| {
            section(s, 4)
                .chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        };
        let arrays = KeptArrays {
            doc_start: words(layout.doc_start).collect(),
            post_start: words(layout.post_start).collect(),
            idf: words(layout.idf).map(f32::from_bits).collect(),
            norm: words(layout.norm).map(f32::from_bits).collect(),
            log_price: words(layout.log_price).map(f32::from_bits).collect(),
            doc_terms: section(layout.doc_terms, 1).to_vec(),
            post_items: section(layout.post_items, 1).to_vec(),
        };
        Self::from_kept(&header, arrays)
    }

    /// The index from its kept arrays, checked so that ranking over it
    /// cannot index out of bounds: the arrays' lengths agree with the
    /// header, the offsets rise within their lists, every document's tokens
    /// are known tokens, and every posting's product is in the catalog.
    pub fn from_kept(header: &KeptHeader, arrays: KeptArrays) -> Result<Self, KeptIndexError> {
        let (products, terms) = (header.products as usize, header.terms as usize);
        let lengths_agree = arrays.doc_start.len() == products + 1
            && arrays.post_start.len() == terms + 1
            && arrays.idf.len() == terms
            && arrays.norm.len() == products
            && arrays.log_price.len() == products
            && arrays.doc_terms.len() == header.doc_bytes as usize
            && arrays.post_items.len() == header.post_bytes as usize;
        if !lengths_agree {
            return Err(KeptIndexError::Damaged("array lengths"));
        }
        let offsets_rise = |starts: &[u32], len: usize| {
            starts.first() == Some(&0)
                && starts.last().copied() == Some(len as u32)
                && starts.windows(2).all(|w| w[0] <= w[1])
        };
        if !offsets_rise(&arrays.doc_start, arrays.doc_terms.len())
            || !offsets_rise(&arrays.post_start, arrays.post_items.len())
        {
            return Err(KeptIndexError::Damaged("offsets"));
        }
        let index = Self::from_parts(arrays);
        let in_range = |mut entries: super::content::Entries<'_>, bound: usize| {
            entries.all(|e| ((e >> FIELD_BITS) as usize) < bound)
        };
        if !(0..products).all(|p| in_range(index.document(p), terms)) {
            return Err(KeptIndexError::Damaged("a document's token"));
        }
        if !(0..terms).all(|t| in_range(index.postings(t as u32), products)) {
            return Err(KeptIndexError::Damaged("a posting's product"));
        }
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::Catalog;
    use crate::core::rank::content::tests::generated_products;
    use crate::core::rank::{Context, Engine, EngineBuilder, Request};

    fn catalog(n: usize) -> Catalog {
        Catalog::from_products(generated_products(n, 11)).0
    }

    #[test]
    fn a_kept_index_reads_back_to_the_bit() {
        for n in [1, 2, 50, 600] {
            let catalog = catalog(n);
            let built = ContentIndex::build(&catalog);
            let bytes = built.to_kept_bytes(42);
            let read = ContentIndex::from_kept_bytes(&bytes, 42, n).expect("reads");
            assert_eq!(read.to_kept_bytes(42), bytes, "{n} products");
            assert_eq!(read.parts().doc_terms, built.parts().doc_terms);
        }
    }

    #[test]
    fn an_engine_with_the_kept_index_ranks_as_one_that_built_it() {
        let catalog = catalog(400);
        let built = Engine::new(catalog.clone());
        let kept = ContentIndex::from_kept_bytes(
            &built.content_index().to_kept_bytes(7),
            7,
            catalog.len(),
        )
        .expect("reads");
        let mut builder = EngineBuilder::new(catalog.clone()).with_content(kept);
        while !builder.step(64) {}
        let reused = builder.finish();
        let history: Vec<_> = (0..5)
            .map(|i| {
                crate::core::events::Event::new(
                    catalog.products()[i * 37].id(),
                    crate::core::events::EventKind::View,
                    1_700_000_000 + i as u64,
                )
            })
            .collect();
        let request = Request::new(&history, Context::ForYou, 12);
        let (a, b) = (built.recommend(&request), reused.recommend(&request));
        assert!(!a.is_empty());
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn an_entry_for_something_else_is_refused_by_name() {
        let catalog = catalog(30);
        let index = ContentIndex::build(&catalog);
        let good = index.to_kept_bytes(5);
        let with = |at: usize, byte: u8| {
            let mut b = good.clone();
            b[at] ^= byte;
            b
        };
        // One more token: its posting offset and its idf.
        let mut more_terms = good.clone();
        let terms = u32_at(&good, 28) + 1;
        more_terms[28..32].copy_from_slice(&terms.to_le_bytes());
        let cases: Vec<(&str, Vec<u8>, u64, usize, KeptIndexError)> = vec![
            ("empty", Vec::new(), 5, 30, KeptIndexError::NotAnIndex),
            ("magic", with(0, 1), 5, 30, KeptIndexError::NotAnIndex),
            ("format", with(4, 1), 5, 30, KeptIndexError::NotAnIndex),
            ("build", with(9, 1), 5, 30, KeptIndexError::OtherBuild),
            (
                "catalog digest",
                good.clone(),
                6,
                30,
                KeptIndexError::OtherCatalog,
            ),
            (
                "product count",
                good.clone(),
                5,
                31,
                KeptIndexError::OtherCatalog,
            ),
            (
                "cut short",
                good[..good.len() - 1].to_vec(),
                5,
                30,
                KeptIndexError::Length {
                    found: good.len() - 1,
                    expected: good.len(),
                },
            ),
            (
                "a term more in the header",
                more_terms.clone(),
                5,
                30,
                KeptIndexError::Length {
                    found: good.len(),
                    expected: good.len() + 8,
                },
            ),
        ];
        for (name, bytes, digest, products, want) in cases {
            assert_eq!(
                ContentIndex::from_kept_bytes(&bytes, digest, products).err(),
                Some(want),
                "{name}"
            );
        }
    }

    #[test]
    fn damaged_arrays_are_refused_and_never_panic() {
        let catalog = catalog(200);
        let index = ContentIndex::build(&catalog);
        let good = index.to_kept_bytes(9);
        let layout = KeptHeader::read(&good, 9, 200).expect("header").layout();
        // Every byte of the arrays, flipped in turn (a few bits each): the
        // entry is refused, or read into an index that ranks without panic.
        let mut refused = 0;
        let mut states = 0x2545_f491_4f6c_dd1du64;
        for at in HEADER_BYTES..good.len() {
            states ^= states << 13;
            states ^= states >> 7;
            states ^= states << 17;
            let mut bytes = good.clone();
            bytes[at] ^= (states as u8) | 1;
            match ContentIndex::from_kept_bytes(&bytes, 9, 200) {
                Err(_) => refused += 1,
                Ok(read) => {
                    let mut scores = vec![0.0; 200];
                    let mut best = vec![(0.0, 0); 200];
                    for seed in [0, 99, 199] {
                        read.similar_scores(
                            &[(seed, 1.0)],
                            &mut scores,
                            &mut best,
                            &mut Vec::new(),
                            &mut Vec::new(),
                        );
                        let _ = read.cosine(seed, 3);
                    }
                }
            }
        }
        // Flipped offsets and token ids are caught; flipped weights are not
        // (any float is a weight), nor is every byte of a varint.
        assert!(
            refused > (layout.doc_start.1 + layout.post_start.1) / 2,
            "{refused}"
        );
        let mut offsets = good.clone();
        offsets[layout.doc_start.0 + 4 * 3] = 0xff;
        assert_eq!(
            ContentIndex::from_kept_bytes(&offsets, 9, 200).err(),
            Some(KeptIndexError::Damaged("offsets"))
        );
    }

    #[test]
    fn the_catalog_digest_sees_every_byte_and_the_length() {
        let text: Vec<u8> = (0..100u32).map(|i| (i * 7 % 251) as u8).collect();
        let base = catalog_digest(&text);
        for at in 0..text.len() {
            let mut changed = text.clone();
            changed[at] ^= 0x20;
            assert_ne!(catalog_digest(&changed), base, "byte {at}");
        }
        for len in 0..text.len() {
            assert_ne!(catalog_digest(&text[..len]), base, "length {len}");
        }
        let mut zero_tail = text.clone();
        zero_tail.push(0);
        assert_ne!(catalog_digest(&zero_tail), base);
    }
}
