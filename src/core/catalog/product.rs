//! How a product is kept in memory: [`Product`] holds the strings that are
//! its own (id, title, links that follow no pattern, tags, description) in
//! ONE allocation, with the numbers beside it, and shares what many
//! products have in common (category path, brand, currency, and the
//! `prefix{id}suffix` patterns of urls and images) with the other products
//! of its catalog: one copy per distinct combination, interned while the
//! catalog is read (issue 8: wasm heap at 100k products). A product's
//! struct is 32 bytes in the browser. [`ProductFields`] is the same product
//! as separate owned values: what feed readers, tools and tests fill in,
//! turned into a [`Product`] once.
//!
//! A product's text is a header, then its strings back to back. The header
//! is a run of ASCII varints (6 bits each, 0x40 marks that more follow, so
//! the whole text stays valid UTF-8 and is sliced as `&str` without copying
//! or unsafe code): the header's own length, then the byte length of each
//! string: id, title, url and image (0 when absent or rebuilt from the
//! pattern), the number of tags and each tag, description. The shared part
//! is kept the same way (levels, brand, currency, the two patterns). Which
//! optional strings are present (as opposed to empty), and which links
//! follow the pattern, is kept in flags.

use std::borrow::Cow;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One product as Tailor uses it, whatever feed it came from, stored
/// compactly (see the module documentation); read it through its
/// accessors, build it from [`ProductFields`].
#[derive(Clone)]
pub struct Product {
    /// The header's length, the header, then the product's own strings
    /// (see the module documentation).
    text: Box<str>,
    /// What it has in common with other products of its catalog.
    shared: Arc<Shared>,
    /// Presence bits (`URL` … `ADDED`), `IN_STOCK`, and which links
    /// follow the shared pattern.
    flags: u8,
    /// 0 when there is no price.
    price: f64,
    /// 0 when there is no date.
    added: u64,
}

/// What products of a catalog have in common, kept once per catalog and
/// shared ([`ProductWriter`] interns them while reading): category path,
/// brand, currency and the url and image patterns. Strings back to back,
/// then their header (the level count, then every string's length).
#[derive(Debug, PartialEq, Eq)]
struct Shared {
    text: Box<str>,
    /// Where the header starts in `text`.
    header: u32,
    /// `S_BRAND`, `S_CURRENCY`.
    flags: u8,
}

/// The same product as separate owned values, field for field what the
/// feeds give; also the serialized form of a [`Product`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductFields {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Category path, broadest first (`["Home", "Kitchen"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Plain text (feeds' HTML is stripped when read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "in_stock_default")]
    pub in_stock: bool,
    /// When the product was added to the shop (or first published), Unix
    /// seconds: what "new since your last visit" goes by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
}

fn in_stock_default() -> bool {
    true
}

impl Default for ProductFields {
    /// An empty product that is in stock, as a feed record without `in_stock` is.
    fn default() -> Self {
        Self {
            id: String::new(),
            title: String::new(),
            url: None,
            image: None,
            price: None,
            currency: None,
            category: Vec::new(),
            brand: None,
            tags: Vec::new(),
            description: None,
            in_stock: true,
            added: None,
        }
    }
}

/// A product's single strings (the lists are category and tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Id = 0,
    Brand,
    Title,
    Url,
    Image,
    Currency,
    Description,
}

/// A product's list fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Category = 0,
    Tags,
}

// Product flags.
const URL: u8 = 1;
const IMAGE: u8 = 2;
/// The url is the shared pattern's prefix, the id and its suffix.
const URL_PATTERN: u8 = 4;
const IMAGE_PATTERN: u8 = 8;
const DESCRIPTION: u8 = 16;
const PRICE: u8 = 32;
const ADDED: u8 = 64;
const IN_STOCK: u8 = 128;
// Shared flags.
const S_BRAND: u8 = 1;
const S_CURRENCY: u8 = 2;

// One copy, not one per caller: this is in the browser build (size).
#[inline(never)]
fn put_varint(out: &mut String, mut v: usize) {
    loop {
        let low = (v & 0x3f) as u8;
        v >>= 6;
        if v == 0 {
            out.push(char::from(low));
            return;
        }
        out.push(char::from(low | 0x40));
    }
}

/// `s`'s length to `header`, `s` to `out`.
#[inline(never)]
fn put(header: &mut String, out: &mut String, s: &str) {
    put_varint(header, s.len());
    out.push_str(s);
}

/// The varint at `*at` in `bytes` (0 past the end: only a damaged text,
/// which the constructors never make).
fn get_varint(bytes: &[u8], at: &mut usize) -> usize {
    let mut v = 0usize;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        if shift < usize::BITS {
            v |= usize::from(b & 0x3f) << shift;
        }
        if b & 0x40 == 0 {
            break;
        }
        shift += 6;
    }
    v
}

/// Walks a header: each string's place in the text in turn.
struct Cursor<'a> {
    text: &'a str,
    header: &'a [u8],
    at: usize,
    /// Where the next string starts.
    start: usize,
    /// Where the strings end.
    end: usize,
}

impl<'a> Cursor<'a> {
    /// The next string.
    fn take(&mut self) -> &'a str {
        let start = self.start;
        self.start += get_varint(self.header, &mut self.at);
        self.text.get(start..self.start).unwrap_or("")
    }

    /// The list whose count is next, which the cursor passes.
    fn list(&mut self) -> Strs<'a> {
        let left = get_varint(self.header, &mut self.at);
        let list = Strs {
            lengths: self.header.get(self.at..).unwrap_or_default(),
            rest: self.text.get(self.start..self.end).unwrap_or_default(),
            left,
        };
        for _ in 0..left {
            self.take();
        }
        list
    }
}

impl Shared {
    fn cursor(&self) -> Cursor<'_> {
        let end = self.header as usize;
        Cursor {
            text: &self.text,
            header: self.text.as_bytes().get(end..).unwrap_or_default(),
            at: 0,
            start: 0,
            end,
        }
    }

    /// Category, brand, currency, url pattern, image pattern.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> (Strs<'_>, &str, &str, [(&str, &str); 2]) {
        let mut c = self.cursor();
        let category = c.list();
        let brand = c.take();
        let currency = c.take();
        let links = [(c.take(), c.take()), (c.take(), c.take())];
        (category, brand, currency, links)
    }
}

impl Product {
    /// The first string: read without the rest of the header (the id
    /// lookup compares ids while reading a catalog).
    pub fn id(&self) -> &str {
        self.cursor().take()
    }

    #[inline]
    pub fn title(&self) -> &str {
        self.parts().title
    }

    /// The url, rebuilt from the catalog's pattern when it follows one.
    #[inline]
    pub fn url(&self) -> Option<Cow<'_, str>> {
        self.link(0)
    }

    /// The image, rebuilt from the catalog's pattern when it follows one.
    #[inline]
    pub fn image(&self) -> Option<Cow<'_, str>> {
        self.link(1)
    }

    /// Url (`which` 0) or image (1).
    fn link(&self, which: usize) -> Option<Cow<'_, str>> {
        let (present, pattern) = [(URL, URL_PATTERN), (IMAGE, IMAGE_PATTERN)][which];
        if self.flags & pattern != 0 {
            let (prefix, suffix) = self.shared.parts().3[which];
            let id = self.id();
            let mut out = String::with_capacity(prefix.len() + id.len() + suffix.len());
            out.push_str(prefix);
            out.push_str(id);
            out.push_str(suffix);
            return Some(Cow::Owned(out));
        }
        if self.flags & present == 0 {
            return None;
        }
        let mut c = self.cursor();
        let s = [c.take(), c.take(), c.take(), c.take()][2 + which];
        Some(Cow::Borrowed(s))
    }

    #[inline]
    pub fn price(&self) -> Option<f64> {
        (self.flags & PRICE != 0).then_some(self.price)
    }

    /// A three-letter currency code.
    #[inline]
    pub fn currency(&self) -> Option<&str> {
        let (_, _, currency, _) = self.shared.parts();
        (self.shared.flags & S_CURRENCY != 0).then_some(currency)
    }

    /// Category path, broadest first (`["Home", "Kitchen"]`).
    #[inline]
    pub fn category(&self) -> Strs<'_> {
        self.shared.parts().0
    }

    #[inline]
    pub fn brand(&self) -> Option<&str> {
        let (_, brand, _, _) = self.shared.parts();
        (self.shared.flags & S_BRAND != 0).then_some(brand)
    }

    #[inline]
    pub fn tags(&self) -> Strs<'_> {
        self.parts().tags
    }

    /// Plain text (feeds' HTML is stripped when read).
    #[inline]
    pub fn description(&self) -> Option<&str> {
        self.parts().description
    }

    #[inline]
    pub fn in_stock(&self) -> bool {
        self.flags & IN_STOCK != 0
    }

    /// When the product was added to the shop (or first published), Unix
    /// seconds: what "new since your last visit" goes by.
    #[inline]
    pub fn added(&self) -> Option<u64> {
        (self.flags & ADDED != 0).then_some(self.added)
    }

    pub fn set_price(&mut self, price: Option<f64>) {
        self.price = price.unwrap_or(0.0);
        self.flags = with_flag(self.flags, PRICE, price.is_some());
    }

    pub fn set_in_stock(&mut self, in_stock: bool) {
        self.flags = with_flag(self.flags, IN_STOCK, in_stock);
    }

    pub fn set_added(&mut self, added: Option<u64>) {
        self.added = added.unwrap_or(0);
        self.flags = with_flag(self.flags, ADDED, added.is_some());
    }

    /// Every string but the links at once, each header read once: for
    /// code that reads most fields of every product (indexing), where the
    /// accessors would each walk the headers again.
    pub fn parts(&self) -> Parts<'_> {
        let mut c = self.cursor();
        let id = c.take();
        let title = c.take();
        c.take();
        c.take();
        let tags = c.list();
        let description = c.take();
        let (category, brand, currency, _) = self.shared.parts();
        let present = |flags: u8, bit: u8, s| (flags & bit != 0).then_some(s);
        Parts {
            id,
            title,
            currency: present(self.shared.flags, S_CURRENCY, currency),
            category,
            brand: present(self.shared.flags, S_BRAND, brand),
            tags,
            description: present(self.flags, DESCRIPTION, description),
        }
    }

    /// The same for products that hold one copy of their category path,
    /// brand, currency and link patterns (all products a writer made with
    /// the same ones), while they are alive: a catalog's indexes read what
    /// such products have in common once.
    pub fn shared_key(&self) -> usize {
        Arc::as_ptr(&self.shared) as usize
    }

    /// Whether the two hold one copy of their category path, brand,
    /// currency and link patterns.
    #[cfg(test)]
    pub(super) fn shares_parts_with(&self, other: &Product) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// The same product as separate owned values.
    pub fn to_fields(&self) -> ProductFields {
        ProductFields {
            id: self.id().to_string(),
            title: self.title().to_string(),
            url: self.url().map(Cow::into_owned),
            image: self.image().map(Cow::into_owned),
            price: self.price(),
            currency: self.currency().map(String::from),
            category: self.category().map(String::from).collect(),
            brand: self.brand().map(String::from),
            tags: self.tags().map(String::from).collect(),
            description: self.description().map(String::from),
            in_stock: self.in_stock(),
            added: self.added(),
        }
    }

    /// Heap bytes this product holds beyond its struct (its own text).
    pub fn heap_bytes(&self) -> usize {
        self.text.len()
    }

    /// What it shares with other products: an identity (the same for
    /// every product sharing it) and its heap bytes, for the memory report.
    pub fn shared_heap(&self) -> (usize, usize) {
        (
            Arc::as_ptr(&self.shared) as usize,
            std::mem::size_of::<Shared>()
                + 2 * std::mem::size_of::<usize>()
                + self.shared.text.len(),
        )
    }

    fn cursor(&self) -> Cursor<'_> {
        let bytes = self.text.as_bytes();
        let mut at = 0;
        let len = get_varint(bytes, &mut at);
        let start = at.saturating_add(len);
        Cursor {
            text: &self.text,
            header: bytes.get(at..start).unwrap_or_default(),
            at: 0,
            start,
            end: self.text.len(),
        }
    }
}

fn with_flag(flags: u8, bit: u8, on: bool) -> u8 {
    if on {
        flags | bit
    } else {
        flags & !bit
    }
}

impl PartialEq for Product {
    /// Equal fields, however they are kept (a url spelled out or rebuilt
    /// from the catalog's pattern).
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.parts(), other.parts());
        a.id == b.id
            && a.title == b.title
            && a.currency == b.currency
            && a.category.clone().eq(b.category)
            && a.brand == b.brand
            && a.tags.clone().eq(b.tags)
            && a.description == b.description
            && self.url() == other.url()
            && self.image() == other.image()
            && self.price() == other.price()
            && self.in_stock() == other.in_stock()
            && self.added() == other.added()
    }
}

/// A product's strings but its links, read at once ([`Product::parts`]).
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub currency: Option<&'a str>,
    pub category: Strs<'a>,
    pub brand: Option<&'a str>,
    pub tags: Strs<'a>,
    pub description: Option<&'a str>,
}

/// The strings of a product's list field (category levels, tags), in order.
#[derive(Clone)]
pub struct Strs<'a> {
    /// The varint lengths of the strings not yet given (and what follows).
    lengths: &'a [u8],
    /// The text from the next string on.
    rest: &'a str,
    left: usize,
}

impl<'a> Iterator for Strs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut at = 0;
        let len = get_varint(self.lengths, &mut at);
        self.lengths = self.lengths.get(at..).unwrap_or_default();
        let (s, rest) = self.rest.split_at_checked(len).unwrap_or((self.rest, ""));
        self.rest = rest;
        Some(s)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Strs<'_> {}

impl<'a> Strs<'a> {
    /// The `i`-th string.
    pub fn get(mut self, i: usize) -> Option<&'a str> {
        self.nth(i)
    }

    pub fn first(mut self) -> Option<&'a str> {
        self.next()
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// True when one of the strings is `s`.
    pub fn has(mut self, s: &str) -> bool {
        self.any(|x| x == s)
    }

    /// The strings as owned values.
    pub fn to_vec(&self) -> Vec<String> {
        self.clone().map(String::from).collect()
    }
}

impl std::fmt::Debug for Strs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Strs<'_> {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.clone().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Strs<'_> {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Strs<'_> {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl From<ProductFields> for Product {
    fn from(p: ProductFields) -> Self {
        Product::from(&p)
    }
}

impl From<&ProductFields> for Product {
    fn from(p: &ProductFields) -> Self {
        ProductWriter::default().write(p)
    }
}

impl From<&Product> for ProductFields {
    fn from(p: &Product) -> Self {
        p.to_fields()
    }
}

impl Default for Product {
    /// An empty product that is in stock, as a feed record without `in_stock` is.
    fn default() -> Self {
        Product::from(ProductFields::default())
    }
}

impl std::fmt::Debug for Product {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Product")
            .field("id", &self.id())
            .field("title", &self.title())
            .field("url", &self.url())
            .field("image", &self.image())
            .field("price", &self.price())
            .field("currency", &self.currency())
            .field("category", &self.category())
            .field("brand", &self.brand())
            .field("tags", &self.tags())
            .field("description", &self.description())
            .field("in_stock", &self.in_stock())
            .field("added", &self.added())
            .finish()
    }
}

/// A list field serialized as a sequence, without collecting it.
struct Seq<'a>(Strs<'a>);

impl Serialize for Seq<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

impl Serialize for Product {
    /// As [`ProductFields`] serializes (absent fields and empty lists left out).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Parts { category, tags, .. } = self.parts();
        let mut out = s.serialize_struct("Product", 12)?;
        out.serialize_field("id", self.id())?;
        out.serialize_field("title", self.title())?;
        let optional = |out: &mut S::SerializeStruct, key, value: Option<&str>| match value {
            Some(v) => out.serialize_field(key, v),
            None => out.skip_field(key),
        };
        optional(&mut out, "url", self.url().as_deref())?;
        optional(&mut out, "image", self.image().as_deref())?;
        match self.price() {
            Some(price) => out.serialize_field("price", &price)?,
            None => out.skip_field("price")?,
        }
        optional(&mut out, "currency", self.currency())?;
        if category.is_empty() {
            out.skip_field("category")?;
        } else {
            out.serialize_field("category", &Seq(category))?;
        }
        optional(&mut out, "brand", self.brand())?;
        if tags.is_empty() {
            out.skip_field("tags")?;
        } else {
            out.serialize_field("tags", &Seq(tags))?;
        }
        optional(&mut out, "description", self.description())?;
        out.serialize_field("in_stock", &self.in_stock())?;
        match self.added() {
            Some(added) => out.serialize_field("added", &added)?,
            None => out.skip_field("added")?,
        }
        out.end()
    }
}

impl<'de> Deserialize<'de> for Product {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ProductFields::deserialize(d).map(Product::from)
    }
}

/// Builds products one after another from one reused buffer, their
/// strings written in any order: each product's own text is then one
/// exact-size allocation and one copy, with no string per field; what it
/// has in common with the products before it (category path, brand,
/// currency, link patterns) is interned, one copy per catalog. The url
/// and image patterns are given by the packed catalog, or learned from
/// the first link that holds its product's id.
#[derive(Default)]
pub(super) struct ProductWriter {
    /// The strings written so far for the current product.
    buffer: String,
    /// Each single field's range in `buffer` (by [`Field`]), present or not.
    singles: [(u32, u32); 7],
    present: u8,
    /// Category levels and tags: their ranges in `buffer`.
    lists: [Vec<(u32, u32)>; 2],
    /// The list [`Self::item`] adds to.
    list: usize,
    flags: u8,
    price: f64,
    added: u64,
    /// Scratch: a header, a shared part's key.
    header: String,
    key: String,
    /// Url and image: `prefix{id}suffix`.
    patterns: [Option<(Box<str>, Box<str>)>; 2],
    /// The shared parts made so far, and their positions by key (their
    /// text; the same map type as the content index's, one copy in the wasm).
    shared: Vec<Arc<Shared>>,
    shelf: FxHashMap<Box<str>, u32>,
    /// The shared parts again, by the caller's number for the current
    /// product's category path, brand and currency ([`Self::set_shared_key`])
    /// and its two link-pattern bits: a packed catalog numbers them, so its
    /// products find their shared part without spelling out its key.
    keyed: FxHashMap<u64, u32>,
    shared_key: Option<u64>,
}

impl std::fmt::Debug for ProductWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProductWriter")
            .field("shared", &self.shelf.len())
            .finish_non_exhaustive()
    }
}

impl ProductWriter {
    /// Starts a new product (in stock, no price, no date, no strings).
    pub(super) fn clear(&mut self) {
        self.buffer.clear();
        self.present = 0;
        self.lists[0].clear();
        self.lists[1].clear();
        self.list = 0;
        self.flags = IN_STOCK;
        self.price = 0.0;
        self.added = 0;
        self.shared_key = None;
    }

    /// Numbers the current product's category path, brand and currency
    /// together (below 2^61): products given the same number have the same
    /// three, so they share the part made for the first of them.
    pub(super) fn set_shared_key(&mut self, key: u64) {
        self.shared_key = (key < 1 << 61).then_some(key);
    }

    /// The buffer to write the next string into, from a [`Self::mark`]
    /// taken before to [`Self::end`] or [`Self::end_item`].
    pub(super) fn buffer(&mut self) -> &mut String {
        &mut self.buffer
    }

    pub(super) fn mark(&self) -> usize {
        self.buffer.len()
    }

    /// What was written since `mark` is `field` (present).
    #[inline(never)]
    pub(super) fn end(&mut self, field: Field, mark: usize) {
        self.singles[field as usize] = (mark as u32, self.buffer.len() as u32);
        self.present |= 1 << field as u8;
    }

    /// A single string, `None` when the product has none.
    #[inline(never)]
    pub(super) fn field(&mut self, field: Field, value: Option<&str>) {
        match value {
            Some(value) => {
                let mark = self.mark();
                self.buffer.push_str(value);
                self.end(field, mark);
            }
            None => self.present &= !(1 << field as u8),
        }
    }

    /// The strings of `list` follow ([`Self::item`], [`Self::end_item`]).
    pub(super) fn list(&mut self, list: List) {
        self.list = list as usize;
    }

    /// What was written since `mark` is the list's next string.
    pub(super) fn end_item(&mut self, mark: usize) {
        let end = self.buffer.len() as u32;
        self.lists[self.list].push((mark as u32, end));
    }

    #[inline(never)]
    pub(super) fn item(&mut self, value: &str) {
        let mark = self.mark();
        self.buffer.push_str(value);
        self.end_item(mark);
    }

    /// Url (`which` 0) or image (1) links are mostly `prefix{id}suffix`.
    pub(super) fn set_pattern(&mut self, which: usize, prefix: &str, suffix: &str) {
        if let Some(p) = self.patterns.get_mut(which) {
            *p = Some((prefix.into(), suffix.into()));
        }
        // A shared part holds the patterns its products follow.
        self.keyed.clear();
    }

    pub(super) fn set_price(&mut self, price: Option<f64>) {
        self.price = price.unwrap_or(0.0);
        self.flags = with_flag(self.flags, PRICE, price.is_some());
    }

    pub(super) fn set_in_stock(&mut self, in_stock: bool) {
        self.flags = with_flag(self.flags, IN_STOCK, in_stock);
    }

    pub(super) fn set_added(&mut self, added: Option<u64>) {
        self.added = added.unwrap_or(0);
        self.flags = with_flag(self.flags, ADDED, added.is_some());
    }

    /// `fields` as a product, its shared part interned with the ones
    /// this writer made before.
    pub(super) fn write(&mut self, p: &ProductFields) -> Product {
        self.clear();
        self.field(Field::Id, Some(&p.id));
        self.list(List::Category);
        for level in &p.category {
            self.item(level);
        }
        self.field(Field::Brand, p.brand.as_deref());
        self.field(Field::Title, Some(&p.title));
        self.field(Field::Url, p.url.as_deref());
        self.field(Field::Image, p.image.as_deref());
        self.field(Field::Currency, p.currency.as_deref());
        self.list(List::Tags);
        for tag in &p.tags {
            self.item(tag);
        }
        self.field(Field::Description, p.description.as_deref());
        self.set_price(p.price);
        self.set_added(p.added);
        self.set_in_stock(p.in_stock);
        self.product()
    }

    /// `product` again, its shared part interned with this writer's (a
    /// product made on its own has a shared part of its own).
    #[cfg(test)]
    pub(super) fn adopt(&mut self, product: &Product) -> Product {
        self.write(&product.to_fields())
    }

    /// The shared part of the product in `buffer` (its category levels in
    /// `lists[0]`, its brand and currency, the link patterns it follows):
    /// the one made before with the same strings, or a new one; and its
    /// position in `shared`.
    #[allow(clippy::too_many_arguments)]
    fn shared_part(
        shared: &mut Vec<Arc<Shared>>,
        shelf: &mut FxHashMap<Box<str>, u32>,
        key: &mut String,
        header: &mut String,
        lists: &[Vec<(u32, u32)>; 2],
        buffer: &str,
        [brand, currency]: [Option<&str>; 2],
        used: [(&str, &str); 2],
    ) -> (Arc<Shared>, u32) {
        let get = |(start, end): (u32, u32)| buffer.get(start as usize..end as usize).unwrap_or("");
        key.clear();
        header.clear();
        put_varint(header, lists[0].len());
        for &range in &lists[0] {
            put(header, key, get(range));
        }
        for s in [
            brand.unwrap_or(""),
            currency.unwrap_or(""),
            used[0].0,
            used[0].1,
            used[1].0,
            used[1].1,
        ] {
            put(header, key, s);
        }
        let shared_header = key.len() as u32;
        let shared_flags =
            u8::from(brand.is_some()) * S_BRAND + u8::from(currency.is_some()) * S_CURRENCY;
        key.push_str(header);
        key.push(char::from(shared_flags));
        if let Some((found, &at)) = shelf
            .get(key.as_str())
            .and_then(|at| Some((shared.get(*at as usize)?, at)))
        {
            return (Arc::clone(found), at);
        }
        let new = Arc::new(Shared {
            text: key.as_str().into(),
            header: shared_header,
            flags: shared_flags,
        });
        let at = shared.len() as u32;
        shelf.insert(key.as_str().into(), at);
        shared.push(Arc::clone(&new));
        (new, at)
    }

    /// The product written since [`Self::clear`].
    pub(super) fn product(&mut self) -> Product {
        let Self {
            buffer,
            singles,
            present,
            lists,
            header,
            key,
            patterns,
            shared,
            shelf,
            keyed,
            shared_key,
            flags: base_flags,
            price,
            added,
            ..
        } = self;
        let get = |(start, end): (u32, u32)| buffer.get(start as usize..end as usize).unwrap_or("");
        let single = |field: Field| {
            (*present & (1 << field as u8) != 0).then(|| get(singles[field as usize]))
        };
        let id = single(Field::Id).unwrap_or("");
        // The links: rebuilt from a pattern, or spelled out.
        let mut flags = *base_flags;
        let mut spelled = ["", ""];
        let mut used = [("", ""), ("", "")];
        let links = [single(Field::Url), single(Field::Image)];
        for (link, pattern) in links.iter().zip(patterns.iter_mut()) {
            if let (Some(link), None, false) = (link, &pattern, id.is_empty()) {
                if let Some(at) = link.find(id) {
                    *pattern = Some((link[..at].into(), link[at + id.len()..].into()));
                }
            }
        }
        for (which, (link, pattern)) in links.into_iter().zip(patterns.iter()).enumerate() {
            let Some(link) = link else { continue };
            match pattern {
                Some((prefix, suffix))
                    if link
                        .strip_prefix(&**prefix)
                        .and_then(|rest| rest.strip_suffix(&**suffix))
                        == Some(id) =>
                {
                    flags |= [URL_PATTERN, IMAGE_PATTERN][which];
                    used[which] = (prefix, suffix);
                }
                _ => {
                    flags |= [URL, IMAGE][which];
                    spelled[which] = link;
                }
            }
        }
        let description = single(Field::Description);
        if description.is_some() {
            flags |= DESCRIPTION;
        }
        // The shared part, by the caller's number (with which patterns
        // the links follow: they are part of it) ...
        let numbered = shared_key.map(|k| {
            k << 2
                | u64::from(flags & URL_PATTERN != 0)
                | u64::from(flags & IMAGE_PATTERN != 0) << 1
        });
        let known = numbered
            .and_then(|n| keyed.get(&n))
            .and_then(|&i| shared.get(i as usize));
        let shared = match known {
            Some(known) => Arc::clone(known),
            None => {
                // ... or by its strings, header and flags, its key.
                let (found, at) = Self::shared_part(
                    shared,
                    shelf,
                    key,
                    header,
                    lists,
                    buffer,
                    [single(Field::Brand), single(Field::Currency)],
                    used,
                );
                if let Some(n) = numbered {
                    keyed.insert(n, at);
                }
                found
            }
        };
        // The product's own text: the header's length, the header, the
        // strings (gathered in `key`, free again).
        header.clear();
        key.clear();
        for s in [
            id,
            single(Field::Title).unwrap_or(""),
            spelled[0],
            spelled[1],
        ] {
            put(header, key, s);
        }
        put_varint(header, lists[1].len());
        for &range in &lists[1] {
            put(header, key, get(range));
        }
        put(header, key, description.unwrap_or(""));
        let mut text = String::with_capacity(key.len() + header.len() + 3);
        put_varint(&mut text, header.len());
        text.push_str(header);
        text.push_str(key);
        Product {
            text: text.into_boxed_str(),
            shared,
            flags,
            price: *price,
            added: *added,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(i: usize) -> ProductFields {
        let long = "é".repeat(40 * i);
        ProductFields {
            id: format!("sku-{i}"),
            title: format!("Title {i} {long}"),
            url: (i % 2 == 0).then(|| format!("/p/{i}")),
            image: (i % 3 == 0).then(String::new),
            price: (i % 4 != 0).then_some(i as f64 * 1.5),
            currency: (i % 5 != 0).then(|| "EUR".into()),
            category: (0..i % 4).map(|d| format!("Level {d}{long}")).collect(),
            brand: (i % 2 == 1).then(|| format!("Brand {i}")),
            tags: (0..i % 6)
                .map(|t| {
                    if t == 1 {
                        String::new()
                    } else {
                        format!("t{t}")
                    }
                })
                .collect(),
            description: (i % 3 != 1).then(|| long.clone()),
            in_stock: i % 7 != 0,
            added: (i % 2 == 0).then_some(i as u64 * 1000),
        }
    }

    #[test]
    fn every_field_reads_back_as_written() {
        let mut cases: Vec<ProductFields> = (0..40).map(fields).collect();
        cases.push(ProductFields::default());
        cases.push(ProductFields {
            price: Some(1e300),
            added: Some(u64::MAX),
            tags: vec![String::new(); 3],
            category: vec!["\u{1f}".into(), "x\u{0}y".into()],
            ..ProductFields::default()
        });
        for original in cases {
            let product = Product::from(&original);
            assert_eq!(product.to_fields(), original);
            assert_eq!(product.category().len(), original.category.len());
            assert_eq!(product.tags().len(), original.tags.len());
            assert_eq!(product, Product::from(product.to_fields()));
            let parts = product.parts();
            assert_eq!(
                (parts.id, parts.title, parts.currency),
                (product.id(), product.title(), product.currency())
            );
            assert_eq!(
                (parts.brand, parts.description),
                (product.brand(), product.description())
            );
            assert_eq!(parts.category, original.category);
            assert_eq!(parts.tags, original.tags);
            // Serialized as the fields serialize, and read back.
            let json = serde_json::to_string(&product).unwrap();
            assert_eq!(json, serde_json::to_string(&original).unwrap());
            assert_eq!(serde_json::from_str::<Product>(&json).unwrap(), product);
            assert_eq!(
                format!("{product:?}").replacen("Product", "ProductFields", 1),
                format!("{original:?}")
            );
        }
    }

    #[test]
    fn setters_change_only_their_field() {
        let mut p = Product::from(fields(3));
        p.set_price(None);
        p.set_in_stock(false);
        p.set_added(Some(5));
        let mut want = fields(3);
        want.price = None;
        want.in_stock = false;
        want.added = Some(5);
        assert_eq!(p.to_fields(), want);
        assert_eq!(p, Product::from(want));
    }

    #[test]
    fn the_writer_makes_what_the_fields_make() {
        let mut writer = ProductWriter::default();
        for i in 0..40 {
            let f = fields(i);
            writer.clear();
            // As the packed reader writes: strings piece by piece.
            writer.field(Field::Id, Some(&f.id));
            writer.list(List::Category);
            for level in &f.category {
                let mark = writer.mark();
                for part in level.split_inclusive(' ') {
                    writer.buffer().push_str(part);
                }
                writer.end_item(mark);
            }
            writer.field(Field::Brand, f.brand.as_deref());
            let mark = writer.mark();
            writer.buffer().push_str(&f.title);
            writer.end(Field::Title, mark);
            writer.field(Field::Url, f.url.as_deref());
            writer.field(Field::Image, f.image.as_deref());
            writer.field(Field::Currency, f.currency.as_deref());
            writer.list(List::Tags);
            for tag in &f.tags {
                writer.item(tag);
            }
            writer.field(Field::Description, f.description.as_deref());
            writer.set_price(f.price);
            writer.set_in_stock(f.in_stock);
            writer.set_added(f.added);
            assert_eq!(writer.product(), Product::from(&f), "{i}");
            assert_eq!(writer.product().to_fields(), f, "{i}");
        }
    }

    #[test]
    fn links_follow_the_pattern_or_are_kept_as_they_are() {
        // (id, url, image): read one writer after another, so the first
        // link that holds its id sets the pattern for the rest.
        let cases: [(&str, Option<&str>, Option<&str>); 10] = [
            ("a-1", Some("/p/a-1.html"), Some("/img/a-1.svg")),
            ("a-2", Some("/p/a-2.html"), None),
            ("a-3", Some("/other/a-3"), Some("/img/a-3.jpg")),
            ("a-4", Some(""), Some("")),
            ("é-5", Some("/p/é-5.html"), Some("/img/é-5.svg")),
            ("a-6", Some("/p/a-6.html?x=a-6"), Some("/img/a-66.svg")),
            ("a-7", None, Some("/img/a-7.svg")),
            ("", Some("/p/.html"), Some("/img/.svg")),
            (
                "a-9",
                Some("https://shop.example/p/a-9.html"),
                Some("/IMG/a-9.svg"),
            ),
            ("a-1", Some("/p/a-1.html"), Some("/img/a-1.svg")),
        ];
        let mut writer = ProductWriter::default();
        let mut products = Vec::new();
        for (id, url, image) in cases {
            let fields = ProductFields {
                id: id.into(),
                title: "T".into(),
                url: url.map(String::from),
                image: image.map(String::from),
                ..ProductFields::default()
            };
            let alone = Product::from(&fields);
            let shared = writer.adopt(&alone);
            for p in [&alone, &shared] {
                assert_eq!(p.url().as_deref(), url, "{id}");
                assert_eq!(p.image().as_deref(), image, "{id}");
                assert_eq!(p.to_fields(), fields, "{id}");
            }
            assert_eq!(alone, shared);
            products.push(shared);
        }
        // What follows the pattern is rebuilt, not kept.
        let rebuilt = |p: &Product| p.flags & (URL_PATTERN | IMAGE_PATTERN);
        let kept = |p: &Product| p.flags & (URL | IMAGE);
        assert_eq!(rebuilt(&products[0]), URL_PATTERN | IMAGE_PATTERN);
        assert_eq!(kept(&products[0]), 0);
        assert_eq!(
            (rebuilt(&products[2]), kept(&products[2])),
            (0, URL | IMAGE)
        );
        assert_eq!(rebuilt(&products[4]), URL_PATTERN | IMAGE_PATTERN);
        assert_eq!(kept(&products[5]), URL | IMAGE);
        // Products with the same category, brand, currency and patterns
        // share one copy of them.
        assert!(Arc::ptr_eq(&products[0].shared, &products[9].shared));
        assert!(Arc::ptr_eq(&products[0].shared, &products[4].shared));
        assert!(!Arc::ptr_eq(&products[0].shared, &products[2].shared));
    }

    #[test]
    fn shared_parts_read_back_and_are_shared() {
        // (category, brand, currency): absent, empty and non-ASCII values.
        let cases: [(&[&str], Option<&str>, Option<&str>); 7] = [
            (&[], None, None),
            (&[""], Some(""), Some("")),
            (&["Home", "Kitchen"], Some("Brand"), Some("EUR")),
            (&["Home", "Kitchen"], Some("Brand"), None),
            (
                &["Maison", "Cuisine à l'été", "日本"],
                Some("Ünïcode"),
                Some("EUR"),
            ),
            (&["Home"], None, Some("EUR")),
            (&["Home", "Kitchen"], Some("Brand"), Some("EUR")),
        ];
        let mut writer = ProductWriter::default();
        let mut products = Vec::new();
        for (i, (category, brand, currency)) in cases.into_iter().enumerate() {
            let fields = ProductFields {
                id: format!("p{i}"),
                title: format!("Title {i}"),
                category: category.iter().map(|s| s.to_string()).collect(),
                brand: brand.map(String::from),
                currency: currency.map(String::from),
                tags: vec!["x".into(), "é".into()],
                description: Some("d".into()),
                ..ProductFields::default()
            };
            let p = writer.adopt(&Product::from(&fields));
            assert_eq!(p.to_fields(), fields, "{i}");
            assert_eq!(p.category(), *category, "{i}");
            assert_eq!((p.brand(), p.currency()), (brand, currency), "{i}");
            let parts = p.parts();
            assert_eq!((parts.brand, parts.currency), (brand, currency), "{i}");
            assert_eq!(parts.category, *category, "{i}");
            products.push(p);
        }
        assert!(Arc::ptr_eq(&products[2].shared, &products[6].shared));
        for (a, b) in [(2, 3), (0, 1), (2, 5)] {
            assert!(
                !Arc::ptr_eq(&products[a].shared, &products[b].shared),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn a_product_is_small() {
        // Its text (a pointer and a length), the shared part's pointer, two
        // 8-byte numbers and the flags: 32 bytes on wasm32, 48 natively.
        assert!(std::mem::size_of::<Product>() <= 3 * std::mem::size_of::<usize>() + 24);
    }
}
