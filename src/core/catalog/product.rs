//! How a product is kept in memory: [`Product`] holds every string of a
//! product (id, title, links, currency, brand, description, category path,
//! tags) in ONE allocation, with the numbers beside it, so a 100k catalog is
//! 100k allocations instead of 1.5 million and a product's struct is 32
//! bytes in the browser instead of 144 (issue 8: wasm heap at 100k products).
//! [`ProductFields`] is the same product as separate owned values: what feed
//! readers, tools and tests fill in, turned into a [`Product`] once.
//!
//! The text is the strings back to back, then a header: a run of ASCII
//! varints (6 bits each, 0x40 marks that more follow, so the whole text
//! stays valid UTF-8 and is sliced as `&str` without copying or unsafe
//! code) giving the byte length of each string in the same order: id, the
//! number of category levels and each level, brand, title, url, image,
//! currency, the number of tags and each tag, description. That is the
//! order the packed catalog's columns come in, so its reader writes each
//! product's strings once into a buffer and copies them in one go. Which
//! optional strings are present (as opposed to empty) is kept in `flags`.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One product as Tailor uses it, whatever feed it came from, stored
/// compactly (see the module documentation); read it through its
/// accessors, build it from [`ProductFields`].
#[derive(Clone, PartialEq)]
pub struct Product {
    /// Header and strings (see the module documentation).
    text: Box<str>,
    /// Where the header starts in `text` (the strings' length).
    header: u32,
    /// Presence bits (`URL` … `ADDED`) and `IN_STOCK`.
    flags: u8,
    /// 0 when there is no price (so equal products compare equal).
    price: f64,
    /// 0 when there is no date.
    added: u64,
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

const URL: u8 = 1;
const IMAGE: u8 = 2;
const CURRENCY: u8 = 4;
const BRAND: u8 = 8;
const DESCRIPTION: u8 = 16;
const PRICE: u8 = 32;
const ADDED: u8 = 64;
const IN_STOCK: u8 = 128;

impl Field {
    /// The presence bit of an optional field (0 for id and title).
    fn bit(self) -> u8 {
        match self {
            Field::Id | Field::Title => 0,
            Field::Url => URL,
            Field::Image => IMAGE,
            Field::Currency => CURRENCY,
            Field::Brand => BRAND,
            Field::Description => DESCRIPTION,
        }
    }
}

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

/// Walks a product's header: each string's place in the text in turn.
struct Cursor<'a> {
    header: &'a [u8],
    at: usize,
    /// Where the next string starts.
    start: usize,
}

impl Cursor<'_> {
    /// The next string's (start, end).
    fn take(&mut self) -> (usize, usize) {
        let start = self.start;
        self.start += get_varint(self.header, &mut self.at);
        (start, self.start)
    }
}

impl Product {
    /// The first string: read without the rest of the header (the id
    /// lookup compares ids while reading a catalog).
    pub fn id(&self) -> &str {
        let (start, end) = self.cursor().take();
        self.text.get(start..end).unwrap_or("")
    }

    #[inline]
    pub fn title(&self) -> &str {
        self.parts().title
    }

    #[inline]
    pub fn url(&self) -> Option<&str> {
        self.parts().url
    }

    #[inline]
    pub fn image(&self) -> Option<&str> {
        self.parts().image
    }

    #[inline]
    pub fn price(&self) -> Option<f64> {
        (self.flags & PRICE != 0).then_some(self.price)
    }

    /// A three-letter currency code.
    #[inline]
    pub fn currency(&self) -> Option<&str> {
        self.parts().currency
    }

    /// Category path, broadest first (`["Home", "Kitchen"]`).
    #[inline]
    pub fn category(&self) -> Strs<'_> {
        self.parts().category
    }

    #[inline]
    pub fn brand(&self) -> Option<&str> {
        self.parts().brand
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
        self.set_flag(PRICE, price.is_some());
    }

    pub fn set_in_stock(&mut self, in_stock: bool) {
        self.set_flag(IN_STOCK, in_stock);
    }

    pub fn set_added(&mut self, added: Option<u64>) {
        self.added = added.unwrap_or(0);
        self.set_flag(ADDED, added.is_some());
    }

    fn set_flag(&mut self, bit: u8, on: bool) {
        if on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
    }

    /// Every string at once, the header read once: for code that reads
    /// most fields of every product (indexing), where the accessors would
    /// each walk the header again.
    pub fn parts(&self) -> Parts<'_> {
        let mut c = self.cursor();
        let text: &str = &self.text;
        let single = |c: &mut Cursor<'_>| {
            let (start, end) = c.take();
            text.get(start..end).unwrap_or("")
        };
        let flags = self.flags;
        let present = move |bit: u8, s| (flags & bit != 0).then_some(s);
        let id = single(&mut c);
        let category = self.list(&mut c);
        let brand = single(&mut c);
        let title = single(&mut c);
        let url = single(&mut c);
        let image = single(&mut c);
        let currency = single(&mut c);
        let tags = self.list(&mut c);
        let description = single(&mut c);
        Parts {
            id,
            title,
            url: present(URL, url),
            image: present(IMAGE, image),
            currency: present(CURRENCY, currency),
            category,
            brand: present(BRAND, brand),
            tags,
            description: present(DESCRIPTION, description),
        }
    }

    /// The same product as separate owned values.
    pub fn to_fields(&self) -> ProductFields {
        ProductFields {
            id: self.id().to_string(),
            title: self.title().to_string(),
            url: self.url().map(String::from),
            image: self.image().map(String::from),
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

    /// Heap bytes this product holds beyond its struct (its text).
    pub fn heap_bytes(&self) -> usize {
        self.text.len()
    }

    fn cursor(&self) -> Cursor<'_> {
        Cursor {
            header: self
                .text
                .as_bytes()
                .get(self.header as usize..)
                .unwrap_or_default(),
            at: 0,
            start: 0,
        }
    }

    /// The list whose count is next in `c`, which passes it.
    fn list<'a>(&'a self, c: &mut Cursor<'a>) -> Strs<'a> {
        let header = c.header;
        let left = get_varint(header, &mut c.at);
        let list = Strs {
            lengths: header.get(c.at..).unwrap_or_default(),
            rest: self
                .text
                .get(c.start..self.header as usize)
                .unwrap_or_default(),
            left,
        };
        for _ in 0..left {
            c.take();
        }
        list
    }
}

/// A product's strings, read at once ([`Product::parts`]).
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub image: Option<&'a str>,
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
        let mut w = ProductWriter::default();
        w.clear();
        w.field(Field::Id, Some(&p.id));
        w.list(p.category.len());
        for level in &p.category {
            w.item(level);
        }
        w.field(Field::Brand, p.brand.as_deref());
        w.field(Field::Title, Some(&p.title));
        w.field(Field::Url, p.url.as_deref());
        w.field(Field::Image, p.image.as_deref());
        w.field(Field::Currency, p.currency.as_deref());
        w.list(p.tags.len());
        for tag in &p.tags {
            w.item(tag);
        }
        w.field(Field::Description, p.description.as_deref());
        w.set_price(p.price);
        w.set_added(p.added);
        w.set_in_stock(p.in_stock);
        w.product()
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
        optional(&mut out, "url", self.url())?;
        optional(&mut out, "image", self.image())?;
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

/// Builds products one after another into one reused buffer, their
/// strings written in the text's order (see the module documentation):
/// each product's text is then one exact-size allocation and one copy,
/// with no string per field.
#[derive(Default)]
pub(super) struct ProductWriter {
    /// The strings written so far for the current product.
    buffer: String,
    /// Their lengths (and the lists' counts), as the text's header.
    header: String,
    flags: u8,
    price: f64,
    added: u64,
}

impl ProductWriter {
    /// Starts a new product (in stock, no price, no date, no strings).
    pub(super) fn clear(&mut self) {
        self.buffer.clear();
        self.header.clear();
        self.flags = IN_STOCK;
        self.price = 0.0;
        self.added = 0;
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
        put_varint(&mut self.header, self.buffer.len() - mark);
        self.flags |= field.bit();
    }

    /// The next single string, `None` when the product has none.
    #[inline(never)]
    pub(super) fn field(&mut self, field: Field, value: Option<&str>) {
        match value {
            Some(value) => {
                let mark = self.mark();
                self.buffer.push_str(value);
                self.end(field, mark);
            }
            None => put_varint(&mut self.header, 0),
        }
    }

    /// A list of `count` strings follows (category levels or tags).
    pub(super) fn list(&mut self, count: usize) {
        put_varint(&mut self.header, count);
    }

    /// What was written since `mark` is the list's next string.
    pub(super) fn end_item(&mut self, mark: usize) {
        put_varint(&mut self.header, self.buffer.len() - mark);
    }

    #[inline(never)]
    pub(super) fn item(&mut self, value: &str) {
        self.buffer.push_str(value);
        put_varint(&mut self.header, value.len());
    }

    pub(super) fn set_price(&mut self, price: Option<f64>) {
        self.price = price.unwrap_or(0.0);
        self.set_flag(PRICE, price.is_some());
    }

    pub(super) fn set_in_stock(&mut self, in_stock: bool) {
        self.set_flag(IN_STOCK, in_stock);
    }

    pub(super) fn set_added(&mut self, added: Option<u64>) {
        self.added = added.unwrap_or(0);
        self.set_flag(ADDED, added.is_some());
    }

    fn set_flag(&mut self, bit: u8, on: bool) {
        if on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
    }

    /// The product written since [`Self::clear`].
    pub(super) fn product(&self) -> Product {
        let mut text = String::with_capacity(self.buffer.len() + self.header.len());
        text.push_str(&self.buffer);
        text.push_str(&self.header);
        Product {
            text: text.into_boxed_str(),
            header: self.buffer.len() as u32,
            flags: self.flags,
            price: self.price,
            added: self.added,
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
                (
                    parts.id,
                    parts.title,
                    parts.url,
                    parts.image,
                    parts.currency
                ),
                (
                    product.id(),
                    product.title(),
                    product.url(),
                    product.image(),
                    product.currency()
                )
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
            writer.list(f.category.len());
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
            writer.list(f.tags.len());
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
    fn a_product_is_small() {
        // One pointer-sized box, two 8-byte numbers, a u32 and the flags.
        assert!(std::mem::size_of::<Product>() <= 40);
    }
}
