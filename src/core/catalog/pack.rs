//! The packed catalog: a compact binary form of a parsed [`Catalog`] made
//! offline by `tailor catalog pack`, which the widget reads many times
//! faster than JSON and which compresses far better.
//!
//! Layout (all integers LEB128 varints, strings length-prefixed UTF-8):
//! `TLRP`, version, product count, then one column per field. Repeated
//! values (currency, brand, category path, tags) are dictionary indices;
//! URLs and images that follow one `prefix{id}suffix` pattern are stored as
//! that pattern alone; prices are whole cents when every price allows it.
//! Columns keep similar bytes together, which is what brotli feeds on.
//! Version 2 adds a last column, the dates products were added (the
//! earliest, then each as seconds after it + 1, 0 for none); a catalog
//! without dates is still written as version 1.

use thiserror::Error;

use super::{Catalog, Product};

const MAGIC: &[u8; 4] = b"TLRP";
const VERSION: u8 = 2;

/// Why packed bytes could not be read.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PackError {
    #[error("not a packed Tailor catalog")]
    NotPacked,
    #[error("packed catalog version {0} is newer than this Tailor reads ({VERSION})")]
    FutureVersion(u8),
    #[error("the packed catalog is truncated or damaged at byte {0}")]
    Damaged(usize),
}

/// True when `bytes` start like a packed catalog (for format detection).
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Packs a catalog. Product order is kept (it is the cold-start prior).
pub fn encode(catalog: &Catalog) -> Vec<u8> {
    let products = catalog.products();
    let mut out = Writer(Vec::with_capacity(products.len() * 48));
    out.0.extend_from_slice(MAGIC);
    let earliest = products.iter().filter_map(|p| p.added).min();
    out.0.push(if earliest.is_some() { VERSION } else { 1 });
    out.uint(products.len() as u64);
    for p in products {
        out.str(&p.id);
    }
    for p in products {
        out.str(&p.title);
    }
    out.pattern_column(products, |p| p.url.as_deref());
    out.pattern_column(products, |p| p.image.as_deref());
    out.price_column(products);
    out.dictionary_column(products, |p| p.currency.clone().into_iter().collect());
    out.dictionary_column(products, |p| p.brand.clone().into_iter().collect());
    out.dictionary_column(products, |p| {
        if p.category.is_empty() {
            Vec::new()
        } else {
            vec![p.category.join("\u{1f}")]
        }
    });
    out.dictionary_column(products, |p| p.tags.clone());
    for p in products {
        out.str(p.description.as_deref().unwrap_or(""));
    }
    let mut stock = vec![0u8; products.len().div_ceil(8)];
    for (i, p) in products.iter().enumerate() {
        if p.in_stock {
            stock[i / 8] |= 1 << (i % 8);
        }
    }
    out.0.extend_from_slice(&stock);
    if let Some(earliest) = earliest {
        out.uint(earliest);
        for p in products {
            out.uint(p.added.map_or(0, |t| t - earliest + 1));
        }
    }
    out.0
}

/// Reads packed bytes back into a catalog.
pub fn decode(bytes: &[u8]) -> Result<Catalog, PackError> {
    if !is_packed(bytes) {
        return Err(PackError::NotPacked);
    }
    let mut r = Reader {
        bytes,
        at: MAGIC.len(),
    };
    let version = r.byte()?;
    if version > VERSION {
        return Err(PackError::FutureVersion(version));
    }
    let n = r.count(1)?;
    let mut products: Vec<Product> = Vec::with_capacity(n);
    for _ in 0..n {
        products.push(Product {
            id: r.string()?,
            ..Product::default()
        });
    }
    for p in &mut products {
        p.title = r.string()?;
    }
    let urls = r.pattern_column(&products)?;
    let images = r.pattern_column(&products)?;
    let prices = r.price_column(n)?;
    let currencies = r.dictionary_column(n)?;
    let brands = r.dictionary_column(n)?;
    let categories = r.dictionary_column(n)?;
    let mut tags = r.dictionary_column(n)?;
    for (i, p) in products.iter_mut().enumerate() {
        p.url = urls[i].clone();
        p.image = images[i].clone();
        p.price = prices[i];
        p.currency = currencies[i].first().cloned();
        p.brand = brands[i].first().cloned();
        p.category = categories[i]
            .first()
            .map(|path| path.split('\u{1f}').map(String::from).collect())
            .unwrap_or_default();
        p.tags = std::mem::take(&mut tags[i]);
        let description = r.string()?;
        p.description = (!description.is_empty()).then_some(description);
    }
    let stock = r.take(n.div_ceil(8))?;
    for (i, p) in products.iter_mut().enumerate() {
        p.in_stock = stock[i / 8] & (1 << (i % 8)) != 0;
    }
    if version >= 2 {
        let earliest = r.uint()?;
        for p in &mut products {
            p.added = match r.uint()? {
                0 => None,
                after => Some(earliest.checked_add(after - 1).ok_or(r.damaged())?),
            };
        }
    }
    // Ids were unique when packed; a damaged file with repeats keeps the first.
    Ok(Catalog::from_products(products).0)
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// Mode 0: one `prefix{id}suffix` pattern (absent values marked in a
    /// presence list); mode 1: every value spelled out ("" for absent).
    fn pattern_column(&mut self, products: &[Product], field: impl Fn(&Product) -> Option<&str>) {
        let pattern = products.iter().find_map(|p| {
            let value = field(p)?;
            let at = value.find(p.id.as_str())?;
            Some((&value[..at], &value[at + p.id.len()..]))
        });
        let fits = pattern.is_some_and(|(prefix, suffix)| {
            products.iter().all(|p| {
                field(p).is_none_or(|v| {
                    v.len() == prefix.len() + p.id.len() + suffix.len()
                        && v.starts_with(prefix)
                        && v.ends_with(suffix)
                        && v[prefix.len()..v.len() - suffix.len()] == p.id
                })
            })
        });
        match pattern {
            Some((prefix, suffix)) if fits => {
                self.uint(0);
                self.str(prefix);
                self.str(suffix);
                let mut present = vec![0u8; products.len().div_ceil(8)];
                for (i, p) in products.iter().enumerate() {
                    if field(p).is_some() {
                        present[i / 8] |= 1 << (i % 8);
                    }
                }
                self.0.extend_from_slice(&present);
            }
            _ => {
                self.uint(1);
                for p in products {
                    self.str(field(p).unwrap_or(""));
                }
            }
        }
    }

    /// Mode 0: whole cents + 1 (0 = no price); mode 1: f64 bits (NaN = none).
    fn price_column(&mut self, products: &[Product]) {
        let cents = |p: f64| (p * 100.0).round();
        let whole = products
            .iter()
            .filter_map(|p| p.price)
            .all(|p| (cents(p) / 100.0 - p).abs() < 1e-9 && cents(p) < 1e15);
        if whole {
            self.uint(0);
            for p in products {
                self.uint(p.price.map_or(0, |p| cents(p) as u64 + 1));
            }
        } else {
            self.uint(1);
            for p in products {
                self.0
                    .extend_from_slice(&p.price.unwrap_or(f64::NAN).to_le_bytes());
            }
        }
    }

    /// A dictionary of distinct values, then per product a count and indices.
    fn dictionary_column(&mut self, products: &[Product], field: impl Fn(&Product) -> Vec<String>) {
        let values: Vec<Vec<String>> = products.iter().map(field).collect();
        let mut dictionary: Vec<&str> = Vec::new();
        let mut index: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for v in values.iter().flatten() {
            index.entry(v.as_str()).or_insert_with(|| {
                dictionary.push(v.as_str());
                dictionary.len() as u64 - 1
            });
        }
        self.uint(dictionary.len() as u64);
        for d in &dictionary {
            self.str(d);
        }
        for v in &values {
            self.uint(v.len() as u64);
            for s in v {
                self.uint(index[s.as_str()]);
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn damaged(&self) -> PackError {
        PackError::Damaged(self.at)
    }

    fn byte(&mut self) -> Result<u8, PackError> {
        let b = *self.bytes.get(self.at).ok_or(PackError::Damaged(self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, PackError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.damaged())
    }

    /// A count of items each at least `min_bytes` long, checked against
    /// what is left so a damaged count cannot ask for a huge allocation.
    fn count(&mut self, min_bytes: usize) -> Result<usize, PackError> {
        let n = self.uint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_bytes as u64) > left {
            return Err(self.damaged());
        }
        Ok(n as usize)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], PackError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(self.damaged())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn string(&mut self) -> Result<String, PackError> {
        let len = self.count(1)?;
        let at = self.at;
        let raw = self.take(len)?;
        std::str::from_utf8(raw)
            .map(String::from)
            .map_err(|_| PackError::Damaged(at))
    }

    fn pattern_column(&mut self, products: &[Product]) -> Result<Vec<Option<String>>, PackError> {
        match self.uint()? {
            0 => {
                let prefix = self.string()?;
                let suffix = self.string()?;
                let present = self.take(products.len().div_ceil(8))?;
                Ok(products
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        (present[i / 8] & (1 << (i % 8)) != 0)
                            .then(|| format!("{prefix}{}{suffix}", p.id))
                    })
                    .collect())
            }
            1 => products
                .iter()
                .map(|_| self.string().map(|s| (!s.is_empty()).then_some(s)))
                .collect(),
            _ => Err(self.damaged()),
        }
    }

    fn price_column(&mut self, n: usize) -> Result<Vec<Option<f64>>, PackError> {
        match self.uint()? {
            0 => (0..n)
                .map(|_| {
                    self.uint()
                        .map(|c| c.checked_sub(1).map(|c| c as f64 / 100.0))
                })
                .collect(),
            1 => (0..n)
                .map(|_| {
                    let bytes = self.take(8)?;
                    let mut b = [0u8; 8];
                    b.copy_from_slice(bytes);
                    let p = f64::from_le_bytes(b);
                    Ok((p.is_finite() && p >= 0.0).then_some(p))
                })
                .collect(),
            _ => Err(self.damaged()),
        }
    }

    fn dictionary_column(&mut self, n: usize) -> Result<Vec<Vec<String>>, PackError> {
        let size = self.count(1)?;
        let dictionary: Vec<String> = (0..size).map(|_| self.string()).collect::<Result<_, _>>()?;
        (0..n)
            .map(|_| {
                let k = self.count(1)?;
                (0..k)
                    .map(|_| {
                        let i = self.uint()? as usize;
                        dictionary.get(i).cloned().ok_or(self.damaged())
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(i: usize) -> Product {
        Product {
            id: format!("sku-{i}"),
            title: format!("Product {i} – ünïcode ✓"),
            url: (i % 5 != 0).then(|| format!("/p/sku-{i}.html")),
            image: Some(format!("/img/sku-{i}.svg")),
            price: (i % 7 != 0).then_some(i as f64 * 1.25),
            currency: Some(if i % 2 == 0 { "EUR" } else { "USD" }.into()),
            category: vec!["Home".into(), format!("Sub {}", i % 3)],
            brand: (i % 4 != 0).then(|| format!("Brand {}", i % 6)),
            tags: (0..i % 3).map(|t| format!("tag-{t}")).collect(),
            description: (i % 2 == 1).then(|| format!("Description of {i}")),
            in_stock: i % 9 != 0,
            added: (i % 4 != 1).then_some(1_700_000_000 + i as u64 * 3_600),
        }
    }

    fn catalog(products: Vec<Product>) -> Catalog {
        Catalog::from_products(products).0
    }

    #[test]
    fn round_trips_every_field() {
        let cases: Vec<Vec<Product>> = vec![
            vec![],
            vec![product(1)],
            (0..200).map(product).collect(),
            // URLs that follow no pattern and prices that are not whole cents.
            (0..20)
                .map(|i| Product {
                    url: Some(format!("https://shop.example/{}/x", i * 3)),
                    price: Some(i as f64 / 3.0),
                    ..product(i)
                })
                .collect(),
            // No dates at all: still written as version 1.
            (0..10)
                .map(|i| Product {
                    added: None,
                    ..product(i)
                })
                .collect(),
        ];
        for products in cases {
            let original = catalog(products);
            let bytes = encode(&original);
            let back = decode(&bytes).unwrap();
            assert_eq!(back.products(), original.products());
            let dated = original.products().iter().any(|p| p.added.is_some());
            assert_eq!(bytes[4], if dated { VERSION } else { 1 });
        }
    }

    #[test]
    fn damaged_bytes_are_errors_never_panics() {
        let bytes = encode(&catalog((0..50).map(product).collect()));
        assert_eq!(
            decode(b"{\"products\":[]}").unwrap_err(),
            PackError::NotPacked
        );
        assert_eq!(
            decode(b"TLRP\x09").unwrap_err(),
            PackError::FutureVersion(9)
        );
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 5..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0xff;
            let _ = decode(&flipped);
        }
        let mut huge = b"TLRP\x01".to_vec();
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert!(matches!(decode(&huge), Err(PackError::Damaged(_))));
    }
}
