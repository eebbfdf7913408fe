//! Tailor's own feed format (CONTRACT.md §2): one object per product, only
//! `id` and `title` required, every other field read leniently.

use serde_json::Value;

use super::fields::{self, Markup, Notes};
use super::{Product, SkipReason};

pub(super) fn product(record: &Value, notes: &mut Notes) -> Result<Product, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    let id = fields::id(map.get("id"))?;
    let title = fields::text(
        notes,
        "title",
        map.get("title").or_else(|| map.get("name")),
        fields::TITLE_CHARS,
        Markup::Plain,
    )
    .ok_or(SkipReason::MissingTitle)?;
    Ok(Product {
        id,
        title,
        url: fields::link(notes, "url", map.get("url")),
        image: fields::link(notes, "image", map.get("image")),
        price: fields::price(notes, "price", map.get("price")),
        currency: fields::currency(notes, "currency", map.get("currency")),
        category: fields::list(
            notes,
            "category",
            map.get("category"),
            &['>', '/'],
            fields::MAX_CATEGORY_DEPTH,
        ),
        brand: fields::text(
            notes,
            "brand",
            map.get("brand"),
            fields::NAME_CHARS,
            Markup::Plain,
        ),
        tags: fields::list(notes, "tags", map.get("tags"), &[','], fields::MAX_TAGS),
        description: fields::text(
            notes,
            "description",
            map.get("description"),
            fields::DESCRIPTION_CHARS,
            Markup::Html,
        ),
        in_stock: map
            .get("in_stock")
            .and_then(fields::boolean)
            .unwrap_or(true),
    })
}
