//! WooCommerce Store API products (`/wp-json/wc/store/v1/products`): a bare
//! array of products whose `prices` are strings in the currency's minor unit
//! (`"1999"` with `currency_minor_unit: 2` is 19.99) and whose names and
//! descriptions are HTML.
//!
//! The product's id is its `sku` when it has one, else its numeric `id`:
//! WooCommerce's own product-page JSON-LD names products the same way, so
//! views read from the page match catalog ids without any setup.

use serde_json::{Map, Value};

use super::fields::{self, Markup, Notes};
use super::{Problem, ProductFields, SkipReason};

/// Whether a record has fields only WooCommerce Store API products have.
pub(super) fn looks_like(record: &Value) -> bool {
    let Value::Object(map) = record else {
        return false;
    };
    matches!(map.get("prices"), Some(Value::Object(_)))
        || map.contains_key("permalink")
        || map.contains_key("is_in_stock")
        || map.contains_key("short_description")
}

/// The id Tailor uses for a WooCommerce record: `sku`, else `id`.
pub(super) fn record_id(record: &Value) -> Option<String> {
    record
        .get("sku")
        .and_then(fields::plain_id)
        .or_else(|| record.get("id").and_then(fields::plain_id))
}

pub(super) fn product(record: &Value, notes: &mut Notes) -> Result<ProductFields, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    let id = match map.get("sku").and_then(fields::plain_id) {
        Some(sku) => fields::id(Some(&Value::String(sku)))?,
        None => fields::id(map.get("id"))?,
    };
    let title = fields::text(
        notes,
        "name",
        map.get("name"),
        fields::TITLE_CHARS,
        Markup::Html,
    )
    .ok_or(SkipReason::MissingTitle)?;
    let (price, currency) = match map.get("prices") {
        Some(Value::Object(prices)) => price(prices, notes),
        _ => (None, None),
    };
    // Categories are a flat list, not a path: the first is the product's
    // category, the others count as tags.
    let mut categories = fields::list(
        notes,
        "categories",
        map.get("categories"),
        &[','],
        fields::MAX_TAGS,
    )
    .into_iter();
    let category: Vec<String> = categories.next().into_iter().collect();
    let mut tags = fields::list(notes, "tags", map.get("tags"), &[','], fields::MAX_TAGS);
    tags.extend(categories);
    tags.truncate(fields::MAX_TAGS);
    let description = ["description", "short_description"].iter().find_map(|key| {
        fields::text(
            notes,
            key,
            map.get(*key),
            fields::DESCRIPTION_CHARS,
            Markup::Html,
        )
    });
    Ok(ProductFields {
        id,
        title,
        url: fields::link(notes, "permalink", map.get("permalink")),
        image: image(map, notes),
        price,
        currency,
        category,
        brand: brand(map, notes),
        tags,
        description,
        in_stock: map
            .get("is_in_stock")
            .or_else(|| map.get("stock_status"))
            .and_then(fields::boolean)
            .unwrap_or(true),
        // The REST API (`/wc/v3/products`) dates products; UTC first.
        added: ["date_created_gmt", "date_created"]
            .iter()
            .find_map(|key| fields::date(notes, key, map.get(*key))),
    })
}

/// `prices.price` (or, for variable products without one, the low end of
/// `prices.price_range`) divided by 10^`currency_minor_unit`.
fn price(prices: &Map<String, Value>, notes: &mut Notes) -> (Option<f64>, Option<String>) {
    let currency = fields::currency(notes, "prices.currency_code", prices.get("currency_code"));
    let minor_unit = match prices.get("currency_minor_unit").and_then(Value::as_u64) {
        Some(unit) if unit <= 8 => unit as i32,
        _ => {
            notes.add("prices.currency_minor_unit", Problem::AssumedMinorUnit);
            2
        }
    };
    let range_low = prices.get("price_range").and_then(|r| r.get("min_amount"));
    let raw = match prices.get("price") {
        Some(Value::String(s)) if s.trim().is_empty() => range_low,
        None | Some(Value::Null) => range_low,
        other => other,
    };
    let Some(raw) = raw else {
        return (None, currency);
    };
    let minor = match raw {
        Value::String(s) => s.trim().parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    match minor {
        Some(units) => (Some(units as f64 / 10f64.powi(minor_unit)), currency),
        None => {
            notes.add("prices.price", Problem::NotAPrice(fields::short(raw)));
            (None, currency)
        }
    }
}

/// The first image's `src`, else its `thumbnail`.
fn image(map: &Map<String, Value>, notes: &mut Notes) -> Option<String> {
    let Some(Value::Array(images)) = map.get("images") else {
        return None;
    };
    let first = images.first()?;
    fields::link(
        notes,
        "images",
        first.get("src").or_else(|| first.get("thumbnail")),
    )
}

/// The first of `brands` (WooCommerce 9.6+), else a "Brand" attribute.
fn brand(map: &Map<String, Value>, notes: &mut Notes) -> Option<String> {
    let brands = fields::list(notes, "brands", map.get("brands"), &[','], fields::MAX_TAGS);
    if let Some(first) = brands.into_iter().next() {
        return Some(first);
    }
    let Some(Value::Array(attributes)) = map.get("attributes") else {
        return None;
    };
    let attribute = attributes.iter().find(|a| {
        a.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case("brand") || n == "pa_brand")
    })?;
    fields::list(
        notes,
        "attributes",
        attribute.get("terms"),
        &[','],
        fields::MAX_TAGS,
    )
    .into_iter()
    .next()
}
