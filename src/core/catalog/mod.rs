//! The shop's product feed: [`Product`], the indexed [`Catalog`], and
//! [`parse`], which detects the feed format from its content and returns the
//! usable products plus every skipped record with its reason.
//!
//! One module per feed format; each turns a `serde_json::Value` record into a
//! [`Product`] or a [`SkipReason`]. Parsing never panics on any input.

mod tailor_json;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// One product as Tailor uses it, whatever feed it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
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
}

fn in_stock_default() -> bool {
    true
}

impl Default for Product {
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
        }
    }
}

/// The feed formats Tailor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `{"products": [...]}` or a bare array of Tailor products.
    Tailor,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Tailor => "Tailor JSON",
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

/// What [`parse`] read.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub catalog: Catalog,
    pub skipped: Vec<Skipped>,
    pub format: Format,
}

/// Products in feed order with a lookup by id. Feed order is kept because
/// shops usually list their best sellers first (a cold-start prior).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    products: Vec<Product>,
    by_id: HashMap<String, u32>,
}

impl Catalog {
    /// Builds a catalog; a later product with an id already present is
    /// returned in the second list instead of replacing the first.
    pub fn from_products(products: Vec<Product>) -> (Self, Vec<(usize, Product)>) {
        let mut catalog = Catalog::default();
        let mut duplicates = Vec::new();
        for (i, p) in products.into_iter().enumerate() {
            if catalog.by_id.contains_key(&p.id) {
                duplicates.push((i, p));
            } else {
                catalog
                    .by_id
                    .insert(p.id.clone(), catalog.products.len() as u32);
                catalog.products.push(p);
            }
        }
        (catalog, duplicates)
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
        self.by_id.get(id).map(|&i| i as usize)
    }

    pub fn get(&self, id: &str) -> Option<&Product> {
        self.position(id).map(|i| &self.products[i])
    }

    pub fn at(&self, position: usize) -> Option<&Product> {
        self.products.get(position)
    }
}

/// Reads a feed in any supported format, detected from its content.
pub fn parse(text: &str) -> Result<Parsed, CatalogError> {
    let text = text.trim_start_matches('\u{feff}');
    let value: Value =
        serde_json::from_str(text).map_err(|e| CatalogError::InvalidJson(e.to_string()))?;
    parse_value(&value)
}

/// Like [`parse`], for JSON already read.
pub fn parse_value(value: &Value) -> Result<Parsed, CatalogError> {
    let (format, records) = detect(value).ok_or(CatalogError::UnknownFormat)?;
    let mut products = Vec::with_capacity(records.len());
    let mut skipped = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let result = match format {
            Format::Tailor => tailor_json::product(record),
        };
        match result {
            Ok(p) => products.push((index, p)),
            Err(reason) => skipped.push(Skipped {
                index,
                id: record_id(record),
                reason,
            }),
        }
    }
    let (positions, products): (Vec<usize>, Vec<Product>) = products.into_iter().unzip();
    let (catalog, duplicates) = Catalog::from_products(products);
    for (i, p) in duplicates {
        skipped.push(Skipped {
            index: positions[i],
            id: Some(p.id.clone()),
            reason: SkipReason::DuplicateId(p.id),
        });
    }
    skipped.sort_by_key(|s| s.index);
    Ok(Parsed {
        catalog,
        skipped,
        format,
    })
}

fn detect(value: &Value) -> Option<(Format, &[Value])> {
    match value {
        Value::Array(items) => Some((Format::Tailor, items)),
        Value::Object(map) => match map.get("products") {
            Some(Value::Array(items)) => Some((Format::Tailor, items)),
            _ => None,
        },
        _ => None,
    }
}

fn record_id(record: &Value) -> Option<String> {
    fields::string(record.get("id")?)
}

/// Lenient readers for the loosely typed values feeds contain.
pub(crate) mod fields {
    use serde_json::Value;

    /// A non-empty trimmed string; numbers become their decimal text.
    pub fn string(value: &Value) -> Option<String> {
        let s = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    }

    /// A finite, non-negative price from a number or a string like `"19.90"`.
    pub fn price(value: &Value) -> Result<Option<f64>, String> {
        let n = match value {
            Value::Null => return Ok(None),
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(p) if p.is_finite() && p >= 0.0 => Ok(Some(p)),
            _ => Err(format!("not a price: {value}")),
        }
    }

    /// A list of strings from an array or a `"A > B"` / `"A, B"` string.
    pub fn list(value: &Value, separators: &[char]) -> Vec<String> {
        match value {
            Value::Array(items) => items.iter().filter_map(string).collect(),
            Value::String(s) => s
                .split(|c| separators.contains(&c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn boolean(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "instock" | "in_stock" | "in stock" => Some(true),
                "false" | "no" | "0" | "outofstock" | "out_of_stock" | "out of stock" => {
                    Some(false)
                }
                _ => None,
            },
            Value::Number(n) => n.as_f64().map(|n| n != 0.0),
            _ => None,
        }
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
            {"id": 42, "title": "Numbered", "in_stock": false}
        ]}"#;
        let parsed = parse(feed).unwrap();
        assert_eq!(parsed.format, Format::Tailor);
        assert_eq!(parsed.catalog.len(), 2);
        let mug = parsed.catalog.get("sku-1").unwrap();
        assert_eq!(mug.title, "Mug");
        assert_eq!(mug.price, Some(12.5));
        assert_eq!(mug.category, ["Home", "Kitchen"]);
        assert!(!parsed.catalog.get("42").unwrap().in_stock);
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
}
