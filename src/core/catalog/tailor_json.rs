//! Tailor's own feed format (CONTRACT.md §2): one object per product, only
//! `id` and `title` required, every other field read leniently.

use serde_json::Value;

use super::{fields, Product, SkipReason};

pub(super) fn product(record: &Value) -> Result<Product, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    let id = map
        .get("id")
        .and_then(fields::string)
        .ok_or(SkipReason::MissingId)?;
    let title = map
        .get("title")
        .or_else(|| map.get("name"))
        .and_then(fields::string)
        .ok_or(SkipReason::MissingTitle)?;
    let text = |key: &str| map.get(key).and_then(fields::string);
    let price = match map.get("price") {
        Some(v) => fields::price(v).map_err(|why| SkipReason::BadField {
            field: "price".into(),
            why,
        })?,
        None => None,
    };
    Ok(Product {
        id,
        title,
        url: text("url"),
        image: text("image"),
        price,
        currency: text("currency").map(|c| c.to_ascii_uppercase()),
        category: map
            .get("category")
            .map(|v| fields::list(v, &['>', '/']))
            .unwrap_or_default(),
        brand: text("brand"),
        tags: map
            .get("tags")
            .map(|v| fields::list(v, &[',']))
            .unwrap_or_default(),
        description: text("description"),
        in_stock: map
            .get("in_stock")
            .and_then(fields::boolean)
            .unwrap_or(true),
    })
}
