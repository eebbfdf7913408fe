//! The shop's product feed: [`Product`], the indexed [`Catalog`], and
//! [`parse`], which detects the feed format from its content and returns the
//! usable products, every skipped record with its reason, and warnings about
//! records kept with a field left out or cleaned.
//!
//! One module per feed format (Tailor JSON, Shopify, WooCommerce Store API,
//! schema.org); each turns a `serde_json::Value` record into a [`Product`] or
//! a [`SkipReason`], using the lenient readers in `fields`, which also strip
//! HTML, remove control characters and cap absurd sizes. Parsing never panics
//! on any input.

mod encoding;
mod feed;
mod fields;
mod html;
pub mod pack;
mod product;
mod schema_org;
mod shopify;
mod tailor_json;
mod woocommerce;

/// Product ids to catalog positions, without a second copy of each id
/// (a copy per product was a twentieth of a catalog's memory): an open
/// addressing table of positions, probed linearly from the id's Fx hash
/// and compared through the products themselves. Fx hashing: the ids come
/// from the shop's own feed, and SipHash was a visible share of reading a
/// catalog.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    /// Each slot a product's position + 1, or 0 when empty; a power of two
    /// long (or empty), at most half full so probes stay short.
    slots: Vec<u32>,
    len: usize,
}

impl IdIndex {
    fn with_capacity(n: usize) -> Self {
        Self {
            slots: vec![0; Self::slots_for(n)],
            len: 0,
        }
    }

    fn slots_for(n: usize) -> usize {
        if n == 0 {
            0
        } else {
            n.saturating_mul(2).next_power_of_two().max(8)
        }
    }

    /// The first slot to probe for `id` in a table of `slots` slots.
    fn home(id: &str, slots: usize) -> usize {
        use std::hash::BuildHasher;
        // Fx hashes in a `usize` (32 bits in wasm): spread the hash over 64
        // bits, then take the top bits.
        let hash = rustc_hash::FxBuildHasher
            .hash_one(id)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (hash >> (64 - slots.trailing_zeros())) as usize
    }

    fn find(&self, products: &[Product], id: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::home(id, self.slots.len());
        loop {
            match self.slots[at] {
                0 => return None,
                slot => {
                    let position = slot - 1;
                    if products
                        .get(position as usize)
                        .is_some_and(|p| p.id() == id)
                    {
                        return Some(position);
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Makes room for `n` products in all without regrowing.
    fn reserve(&mut self, products: &[Product], n: usize) {
        if Self::slots_for(n) > self.slots.len() {
            self.rebuild(products, Self::slots_for(n));
        }
    }

    fn rebuild(&mut self, products: &[Product], slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0; slots]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            if let Some(p) = products.get(slot as usize - 1) {
                self.place(p.id(), slot);
            }
        }
    }

    /// Puts `slot` in the first free slot from `id`'s home.
    fn place(&mut self, id: &str, slot: u32) {
        let mask = self.slots.len() - 1;
        let mut at = Self::home(id, self.slots.len());
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }

    /// Indexes `products[position]`, the last product, unless a product
    /// before it has the same id (then false, and nothing changes).
    fn insert(&mut self, products: &[Product], position: u32) -> bool {
        let Some(id) = products.get(position as usize).map(Product::id) else {
            return false;
        };
        if self.find(products, id).is_some() {
            return false;
        }
        if (self.len + 1) * 2 > self.slots.len() {
            self.rebuild(
                products,
                Self::slots_for(self.len + 1).max(self.slots.len() * 2),
            );
        }
        self.place(id, position + 1);
        self.len += 1;
        true
    }
}

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use self::product::ProductWriter;
pub use encoding::{decode, Encoding};
pub use feed::FeedReader;
pub use html::to_text as html_to_text;
pub use product::{Parts, Product, ProductFields, Strs};

/// The feed formats Tailor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `{"products": [...]}` or a bare array of Tailor products.
    Tailor,
    /// Shopify's storefront `/products.json` (or a bare array of its products).
    Shopify,
    /// WooCommerce Store API `/wp-json/wc/store/v1/products`.
    WooCommerce,
    /// schema.org `Product` JSON-LD: an array, an `ItemList` or a `@graph`.
    SchemaOrg,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Tailor => "Tailor JSON",
            Format::Shopify => "Shopify products.json",
            Format::WooCommerce => "WooCommerce Store API",
            Format::SchemaOrg => "schema.org Product JSON-LD",
        })
    }
}

/// Why a whole feed could not be read.
#[derive(Debug, Error, PartialEq)]
pub enum CatalogError {
    #[error("the feed is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("the feed has no product list Tailor recognises (expected {{\"products\": [...]}}, a JSON array, a Shopify, WooCommerce or schema.org feed)")]
    UnknownFormat,
}

/// Why one record of a feed was left out.
#[derive(Debug, Clone, Error, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "detail")]
pub enum SkipReason {
    #[error("not an object")]
    NotAnObject,
    #[error("no usable `id`")]
    MissingId,
    #[error("no usable `title`")]
    MissingTitle,
    #[error("duplicate id `{0}` (the first record with it is kept)")]
    DuplicateId(String),
    #[error("field `{field}`: {why}")]
    BadField { field: String, why: String },
}

/// A record that was left out, where it was, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// Position of the record in the feed's product list (0-based).
    pub index: usize,
    /// The record's id, when it had one.
    pub id: Option<String>,
    pub reason: SkipReason,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {}", self.index)?;
        if let Some(id) = &self.id {
            write!(f, " (id `{id}`)")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What was wrong with one field of a record that was kept anyway.
#[derive(Debug, Clone, Error, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "detail")]
pub enum Problem {
    #[error("not a price ({0}); kept without a price")]
    NotAPrice(String),
    #[error("`{0}` is not a three-letter currency code; dropped")]
    NotACurrency(String),
    #[error("cut to {0} characters")]
    Truncated(usize),
    #[error("longer than {0} characters; dropped")]
    TooLong(usize),
    #[error("more than {0} entries; the rest dropped")]
    TooMany(usize),
    #[error("control characters removed")]
    ControlCharacters,
    #[error("expected {expected}, found {found}; ignored")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("not a date ({0}); kept without one")]
    NotADate(String),
    #[error("no `currency_minor_unit`; assumed 2")]
    AssumedMinorUnit,
    #[error(
        "raw control characters inside strings made the JSON invalid; they were replaced by spaces"
    )]
    RepairedJson,
}

/// A record kept with one field dropped or cleaned (or, with no index, a
/// note about the whole feed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// Position of the record in the feed's product list, `None` for the feed.
    pub index: Option<usize>,
    pub id: Option<String>,
    pub field: &'static str,
    pub problem: Problem,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(index) => write!(f, "record {index}")?,
            None => f.write_str("feed")?,
        }
        if let Some(id) = &self.id {
            write!(f, " (id `{id}`)")?;
        }
        write!(f, ", `{}`: {}", self.field, self.problem)
    }
}

/// What [`parse`] read.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub catalog: Catalog,
    pub skipped: Vec<Skipped>,
    pub format: Format,
    /// Records kept with a field dropped or cleaned, in feed order.
    pub warnings: Vec<Warning>,
}

/// Products in feed order with a lookup by id. Feed order is kept because
/// shops usually list their best sellers first (a cold-start prior).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    products: Vec<Product>,
    by_id: IdIndex,
}

impl Catalog {
    /// Builds a catalog; a later product with an id already present is
    /// returned in the second list instead of replacing the first.
    pub fn from_products(products: Vec<Product>) -> (Self, Vec<(usize, Product)>) {
        let mut catalog = Catalog {
            products: Vec::with_capacity(products.len()),
            by_id: IdIndex::with_capacity(products.len()),
        };
        let mut duplicates = Vec::new();
        for (i, p) in products.into_iter().enumerate() {
            if !catalog.push(p) {
                if let Some(p) = catalog.products.pop() {
                    duplicates.push((i, p));
                }
            }
        }
        (catalog, duplicates)
    }

    /// Adds a product at the end; false when its id is already present,
    /// and then the product is still the last one, for the caller to take
    /// back (`products.pop()`).
    fn push(&mut self, product: Product) -> bool {
        let position = self.products.len() as u32;
        self.products.push(product);
        self.by_id.insert(&self.products, position)
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The position of a product, used as its compact handle by the ranker.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.find(&self.products, id).map(|i| i as usize)
    }

    pub fn get(&self, id: &str) -> Option<&Product> {
        self.position(id).map(|i| &self.products[i])
    }

    pub fn at(&self, position: usize) -> Option<&Product> {
        self.products.get(position)
    }
}

/// Reads a feed in any supported format, detected from its content.
///
/// A leading byte-order mark is ignored. JSON made invalid only by raw
/// control characters inside strings (a common hand-editing accident) is
/// repaired once and reported as a feed warning.
///
/// Plain Tailor JSON feeds take a typed fast path that never builds the
/// whole `serde_json::Value` tree (several times faster and a fraction of
/// the memory, which matters in the browser); anything it is unsure of
/// goes through [`parse_value`], and both give the same result.
pub fn parse(text: &str) -> Result<Parsed, CatalogError> {
    let text = text.trim_start_matches('\u{feff}');
    if let Some(parsed) = tailor_json::fast_parse(text) {
        return Ok(parsed);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => parse_value(&value),
        Err(first_error) => {
            let repaired = encoding::escape_raw_controls(text)
                .ok_or_else(|| CatalogError::InvalidJson(first_error.to_string()))?;
            let value: Value = serde_json::from_str(&repaired)
                .map_err(|_| CatalogError::InvalidJson(first_error.to_string()))?;
            let mut parsed = parse_value(&value)?;
            parsed.warnings.insert(
                0,
                Warning {
                    index: None,
                    id: None,
                    field: "feed",
                    problem: Problem::RepairedJson,
                },
            );
            Ok(parsed)
        }
    }
}

/// Like [`parse`], for JSON already read.
pub fn parse_value(value: &Value) -> Result<Parsed, CatalogError> {
    let (format, records) = detect(value).ok_or(CatalogError::UnknownFormat)?;
    Ok(assemble(
        format,
        records.iter().map(|record| convert(format, record)),
    ))
}

/// Reads one record of a feed whose format is known.
fn convert(format: Format, record: &Value) -> Converted {
    let mut notes = fields::Notes::default();
    let result = match format {
        Format::Tailor => tailor_json::product(record, &mut notes),
        Format::Shopify => shopify::product(record, &mut notes),
        Format::WooCommerce => woocommerce::product(record, &mut notes),
        Format::SchemaOrg => schema_org::product(record, &mut notes),
    };
    Converted {
        result: result.map_err(|reason| (reason, record_id(format, record))),
        problems: notes.problems,
    }
}

/// One record read: the product, or why it was skipped and its id if it
/// had one; and the field problems noted while reading it.
struct Converted {
    result: Result<ProductFields, (SkipReason, Option<String>)>,
    problems: Vec<(&'static str, Problem)>,
}

/// Turns the records read, in feed order, into a [`Parsed`].
fn assemble(format: Format, records: impl ExactSizeIterator<Item = Converted>) -> Parsed {
    let mut assembler = Assembler::with_capacity(records.len());
    records.for_each(|record| assembler.push(record));
    assembler.finish(format)
}

/// Collects records read in feed order, one at a time (the widget reads
/// large feeds in slices). Field warnings are kept for products only (a
/// skipped record's would repeat its reason), and a later duplicate of an
/// id is skipped along with its warnings.
#[derive(Debug, Default)]
struct Assembler {
    catalog: Catalog,
    skipped: Vec<Skipped>,
    warnings: Vec<Warning>,
    /// Position of the next record in the feed's product list.
    index: usize,
    /// Interns what products have in common (each format reads a
    /// record into a product of its own).
    writer: ProductWriter,
}

impl Assembler {
    fn with_capacity(n: usize) -> Self {
        Self {
            catalog: Catalog {
                products: Vec::with_capacity(n),
                by_id: IdIndex::with_capacity(n),
            },
            ..Self::default()
        }
    }

    /// Makes room for about `n` products; a failure only means regrowing.
    fn reserve(&mut self, n: usize) {
        let more = n.saturating_sub(self.catalog.products.len());
        if self.catalog.products.try_reserve_exact(more).is_ok() {
            let catalog = &mut self.catalog;
            catalog.by_id.reserve(&catalog.products, n);
        }
    }

    fn push(&mut self, record: Converted) {
        let index = self.index;
        self.index += 1;
        match record.result {
            Ok(p) if self.catalog.position(&p.id).is_some() => self.skipped.push(Skipped {
                index,
                id: Some(p.id.clone()),
                reason: SkipReason::DuplicateId(p.id),
            }),
            Ok(p) => {
                self.warnings
                    .extend(record.problems.into_iter().map(|(field, problem)| Warning {
                        index: Some(index),
                        id: Some(p.id.clone()),
                        field,
                        problem,
                    }));
                let p = self.writer.write(&p);
                self.catalog.push(p);
            }
            Err((reason, id)) => self.skipped.push(Skipped { index, id, reason }),
        }
    }

    fn finish(self, format: Format) -> Parsed {
        Parsed {
            catalog: self.catalog,
            skipped: self.skipped,
            format,
            warnings: self.warnings,
        }
    }
}

/// The feed's format and its list of product records.
fn detect(value: &Value) -> Option<(Format, Vec<&Value>)> {
    match value {
        Value::Array(items) => {
            if items.iter().take(100).any(schema_org::is_json_ld) {
                Some((Format::SchemaOrg, schema_org::records(value)))
            } else {
                Some((vote(items), items.iter().collect()))
            }
        }
        Value::Object(map) => {
            if schema_org::is_json_ld(value) {
                return Some((Format::SchemaOrg, schema_org::records(value)));
            }
            match (map.get("products"), map.get("product")) {
                (Some(Value::Array(items)), _) => {
                    if items.iter().take(100).any(schema_org::is_json_ld) {
                        Some((Format::SchemaOrg, schema_org::records(&map["products"])))
                    } else {
                        Some((vote(items), items.iter().collect()))
                    }
                }
                // Shopify's single-product endpoint, `/products/HANDLE.json`.
                (_, Some(product @ Value::Object(_))) if shopify::looks_like(product) => {
                    Some((Format::Shopify, vec![product]))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The format whose record shape most of the first records have; Tailor
/// JSON when none stands out (its records have no distinctive fields).
fn vote(items: &[Value]) -> Format {
    let (mut shopify, mut woo) = (0, 0);
    for item in items.iter().take(100) {
        if shopify::looks_like(item) {
            shopify += 1;
        } else if woocommerce::looks_like(item) {
            woo += 1;
        }
    }
    if shopify == 0 && woo == 0 {
        Format::Tailor
    } else if shopify >= woo {
        Format::Shopify
    } else {
        Format::WooCommerce
    }
}

fn record_id(format: Format, record: &Value) -> Option<String> {
    match format {
        Format::SchemaOrg => schema_org::record_id(record),
        Format::WooCommerce => woocommerce::record_id(record),
        _ => fields::plain_id(record.get("id")?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tailor_feed_reads_and_skips_with_reasons() {
        let feed = r#"{"products": [
            {"id": "sku-1", "title": "Mug", "price": "12.50", "category": "Home > Kitchen"},
            {"id": "sku-2"},
            "oops",
            {"id": "sku-1", "title": "Mug again"},
            {"id": 42, "title": "Numbered", "in_stock": false, "price": "cheap"}
        ]}"#;
        let parsed = parse(feed).unwrap();
        assert_eq!(parsed.format, Format::Tailor);
        assert_eq!(parsed.catalog.len(), 3 - 1);
        let mug = parsed.catalog.get("sku-1").unwrap();
        assert_eq!(mug.title(), "Mug");
        assert_eq!(mug.price(), Some(12.5));
        assert_eq!(mug.category(), ["Home", "Kitchen"]);
        let numbered = parsed.catalog.get("42").unwrap();
        assert!(!numbered.in_stock());
        assert_eq!(numbered.price(), None);
        let reasons: Vec<_> = parsed
            .skipped
            .iter()
            .map(|s| (s.index, s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, SkipReason::MissingTitle),
                (2, SkipReason::NotAnObject),
                (3, SkipReason::DuplicateId("sku-1".into()))
            ]
        );
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].index, Some(4));
        assert_eq!(parsed.warnings[0].field, "price");
    }

    #[test]
    fn id_index_finds_every_product_and_refuses_repeats() {
        // (ids in feed order, reserved room): grows from nothing, from too
        // little room, and with exactly enough.
        let many: Vec<String> = (0..5_000).map(|i| format!("sku-{i}")).collect();
        let odd: Vec<String> = ["", "a", "A", "a ", "é", "sku-1", "sku-01", "1"]
            .map(String::from)
            .to_vec();
        let cases: [(&[String], usize); 5] = [
            (&many, 0),
            (&many, 10),
            (&many, many.len()),
            (&odd, 0),
            (&odd, 3),
        ];
        for (ids, room) in cases {
            let mut catalog = Catalog::default();
            catalog.by_id.reserve(&catalog.products, room);
            for (round, label) in [(0, "first"), (1, "repeat")] {
                for id in ids {
                    let product = Product::from(ProductFields {
                        id: id.clone(),
                        ..ProductFields::default()
                    });
                    let added = catalog.push(product);
                    assert_eq!(added, round == 0, "{label} {id:?}");
                    if !added {
                        catalog.products.pop();
                    }
                }
            }
            assert_eq!(catalog.len(), ids.len());
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(catalog.position(id), Some(i), "{id:?}");
            }
            for absent in ["sku-5000", "b", "sku-", "é ", "sku-00"] {
                assert_eq!(catalog.position(absent), None, "{absent:?}");
            }
        }
        let (catalog, duplicates) = Catalog::from_products(
            ["x", "y", "x", "z", "y"]
                .map(|id| {
                    Product::from(ProductFields {
                        id: id.into(),
                        ..ProductFields::default()
                    })
                })
                .to_vec(),
        );
        let kept: Vec<&str> = catalog.products().iter().map(|p| p.id()).collect();
        assert_eq!(kept, ["x", "y", "z"]);
        assert_eq!(
            duplicates.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [2, 4]
        );
        assert_eq!(catalog.get("z").map(|p| p.id()), Some("z"));
    }

    #[test]
    fn whole_feed_errors() {
        assert!(matches!(parse("{"), Err(CatalogError::InvalidJson(_))));
        assert_eq!(
            parse("{\"items\": 3}").unwrap_err(),
            CatalogError::UnknownFormat
        );
        assert_eq!(parse("7").unwrap_err(), CatalogError::UnknownFormat);
        assert!(parse("[]").unwrap().catalog.is_empty());
    }

    #[test]
    fn raw_control_characters_are_repaired_once() {
        let feed = "\u{feff}[{\"id\": \"a\", \"title\": \"Two\nlines\u{7}\"}]";
        let parsed = parse(feed).unwrap();
        assert_eq!(parsed.catalog.get("a").unwrap().title(), "Two lines");
        assert_eq!(parsed.warnings[0].problem, Problem::RepairedJson);
    }

    #[test]
    fn each_format_reads_when_a_product_was_added() {
        // (feed, id, added)
        let cases = [
            (
                r#"[{"id": "a", "title": "A", "added": "2024-03-01T15:00:00Z"}]"#,
                "a",
                Some(1_709_305_200),
            ),
            (
                r#"{"products": [{"id": "a", "title": "A", "added": 1709305200}]}"#,
                "a",
                Some(1_709_305_200),
            ),
            (r#"[{"id": "a", "title": "A", "added": "soon"}]"#, "a", None),
            (
                r#"{"products": [{"id": 1, "title": "A", "handle": "a", "variants": [],
                    "created_at": "2024-02-28T09:12:44-05:00", "published_at": "2024-03-01T10:00:00-05:00"}]}"#,
                "1",
                Some(1_709_305_200),
            ),
            (
                r#"{"products": [{"id": 1, "title": "A", "handle": "a", "variants": [],
                    "created_at": "2024-03-01T10:00:00-05:00", "published_at": null}]}"#,
                "1",
                Some(1_709_305_200),
            ),
            (
                r#"[{"id": 1, "name": "A", "permalink": "https://x/a", "prices": {},
                    "date_created": "2024-03-01T17:00:00", "date_created_gmt": "2024-03-01T15:00:00"}]"#,
                "1",
                Some(1_709_305_200),
            ),
            (
                r#"[{"@context": "https://schema.org", "@type": "Product", "sku": "a", "name": "A",
                    "releaseDate": "2024-03-01"}]"#,
                "a",
                Some(1_709_251_200),
            ),
            (
                r#"[{"@context": "https://schema.org", "@type": "Product", "sku": "a", "name": "A",
                    "datePublished": "2024-03-01T15:00:00Z"}]"#,
                "a",
                Some(1_709_305_200),
            ),
            (r#"[{"id": "a", "title": "A"}]"#, "a", None),
        ];
        for (feed, id, want) in cases {
            let parsed = parse(feed).unwrap();
            assert_eq!(parsed.catalog.get(id).unwrap().added(), want, "{feed}");
            let warned = parsed.warnings.iter().any(|w| w.field == "added");
            assert_eq!(warned, feed.contains("soon"), "{feed}");
        }
    }

    #[test]
    fn detects_each_format_from_record_shape() {
        let cases = [
            (r#"[{"id": "a", "title": "A"}]"#, Format::Tailor),
            (
                r#"{"products": [{"id": "a", "title": "A"}]}"#,
                Format::Tailor,
            ),
            (
                r#"{"products": [{"id": 1, "title": "A", "handle": "a", "variants": []}]}"#,
                Format::Shopify,
            ),
            (
                r#"{"product": {"id": 1, "title": "A", "handle": "a", "body_html": ""}}"#,
                Format::Shopify,
            ),
            (
                r#"[{"id": 1, "name": "A", "permalink": "https://x/a", "prices": {}}]"#,
                Format::WooCommerce,
            ),
            (
                r#"[{"@context": "https://schema.org", "@type": "Product", "sku": "a", "name": "A"}]"#,
                Format::SchemaOrg,
            ),
            (
                r#"{"@type": "ItemList", "itemListElement": []}"#,
                Format::SchemaOrg,
            ),
            (r#"{"@graph": []}"#, Format::SchemaOrg),
        ];
        for (feed, want) in cases {
            assert_eq!(parse(feed).unwrap().format, want, "{feed}");
        }
    }
}
