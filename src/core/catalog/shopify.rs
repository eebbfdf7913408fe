//! Shopify's product JSON: the storefront `/products.json` (tags as an
//! array, `available` on variants), the single-product `/products/HANDLE.json`
//! and the Admin API shape (tags as a comma string, `status`,
//! `inventory_quantity`, `image`).
//!
//! A product's price is its lowest variant price (the "from" price a shop
//! shows); it is in stock when any variant is available. Shopify's product
//! JSON carries no currency: it is the shop's, so the product has none.
//! It was added when it was published (`published_at`, else `created_at`).

use serde_json::{Map, Value};

use super::fields::{self, Markup, Notes};
use super::{ProductFields, SkipReason};

/// Whether a record has fields only Shopify products have.
pub(super) fn looks_like(record: &Value) -> bool {
    let Value::Object(map) = record else {
        return false;
    };
    matches!(map.get("variants"), Some(Value::Array(_)))
        || map.contains_key("body_html")
        || map.contains_key("product_type")
        || (map.contains_key("handle") && map.contains_key("vendor"))
}

pub(super) fn product(record: &Value, notes: &mut Notes) -> Result<ProductFields, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    let id = fields::id(map.get("id"))?;
    // Admin API products can be drafts or archived: not for sale.
    if let Some(status) = map.get("status").and_then(Value::as_str) {
        if !status.eq_ignore_ascii_case("active") {
            return Err(SkipReason::BadField {
                field: "status".into(),
                why: format!("`{status}`: not for sale"),
            });
        }
    }
    let title = fields::text(
        notes,
        "title",
        map.get("title"),
        fields::TITLE_CHARS,
        Markup::Plain,
    )
    .ok_or(SkipReason::MissingTitle)?;
    let handle = map
        .get("handle")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.contains(|c: char| c.is_control() || c == '/'));
    let variants: &[Value] = match map.get("variants") {
        Some(Value::Array(v)) => v,
        _ => &[],
    };
    let (price, currency) = lowest_price(variants, notes);
    Ok(ProductFields {
        id,
        title,
        url: handle.map(|h| format!("/products/{h}")),
        image: image(map, notes),
        price,
        currency,
        category: fields::list(
            notes,
            "product_type",
            map.get("product_type"),
            &['>'],
            fields::MAX_CATEGORY_DEPTH,
        ),
        brand: fields::text(
            notes,
            "vendor",
            map.get("vendor"),
            fields::NAME_CHARS,
            Markup::Plain,
        ),
        tags: fields::list(notes, "tags", map.get("tags"), &[','], fields::MAX_TAGS),
        description: fields::text(
            notes,
            "body_html",
            map.get("body_html").or_else(|| map.get("description")),
            fields::DESCRIPTION_CHARS,
            Markup::Html,
        ),
        in_stock: in_stock(variants),
        added: added(map, notes),
    })
}

/// The lowest usable variant price, and its currency when the variant gives
/// one (`{"amount": "25.00", "currency_code": "EUR"}` in presentment prices).
fn lowest_price(variants: &[Value], notes: &mut Notes) -> (Option<f64>, Option<String>) {
    let mut best: Option<(f64, Option<String>)> = None;
    for variant in variants {
        let (price, currency) = match variant.get("price") {
            Some(Value::Object(money)) => (
                fields::price(notes, "variants.price", money.get("amount")),
                fields::currency(notes, "variants.price", money.get("currency_code")),
            ),
            other => (fields::price(notes, "variants.price", other), None),
        };
        if let Some(p) = price {
            if best.as_ref().is_none_or(|(b, _)| p < *b) {
                best = Some((p, currency));
            }
        }
    }
    match best {
        Some((p, c)) => (Some(p), c),
        None => (None, None),
    }
}

/// In stock when any variant is available (`available`, or a positive
/// `inventory_quantity` in the Admin API); unknown counts as in stock.
fn in_stock(variants: &[Value]) -> bool {
    let mut known = false;
    for variant in variants {
        let available = variant
            .get("available")
            .and_then(fields::boolean)
            .or_else(|| {
                let quantity = variant.get("inventory_quantity")?.as_f64()?;
                // Shops that don't track stock (or allow backorders) sell anyway.
                let untracked = variant
                    .get("inventory_management")
                    .is_some_and(Value::is_null)
                    || variant.get("inventory_policy").and_then(Value::as_str) == Some("continue");
                Some(quantity > 0.0 || untracked)
            });
        match available {
            Some(true) => return true,
            Some(false) => known = true,
            None => {}
        }
    }
    !known
}

/// When the product went on sale: `published_at`, else (an Admin API
/// product not yet published has `null` there) `created_at`.
fn added(map: &Map<String, Value>, notes: &mut Notes) -> Option<u64> {
    let present = |key| map.get(key).filter(|v| !v.is_null());
    match present("published_at") {
        Some(published) => fields::date(notes, "published_at", Some(published)),
        None => fields::date(notes, "created_at", present("created_at")),
    }
}

/// The featured `image`, else the first of `images` (objects with `src`, or
/// plain strings in `/products/HANDLE.js`).
fn image(map: &Map<String, Value>, notes: &mut Notes) -> Option<String> {
    fn src(v: &Value) -> Option<&Value> {
        match v {
            Value::String(_) => Some(v),
            Value::Object(o) => o.get("src"),
            _ => None,
        }
    }
    let first = map
        .get("image")
        .or_else(|| map.get("featured_image"))
        .and_then(src)
        .or_else(|| match map.get("images") {
            Some(Value::Array(images)) => images.iter().find_map(src),
            _ => None,
        })?;
    fields::link(notes, "images", Some(first))
}
