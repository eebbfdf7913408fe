//! schema.org `Product` JSON-LD as feeds: a JSON array of products, an
//! `ItemList` whose `itemListElement`s are `ListItem`s (with the product in
//! `item`) or products, a `@graph`, or any nesting of these.
//!
//! The id is `sku`, then `productID`, then `@id` (the order
//! `signals::json_ld_product_ids` reads product pages in, so views match),
//! then a GTIN or MPN, then `url`. The price is the lowest offer's (`price`,
//! `lowPrice` or a `priceSpecification`), in stock when any offer is
//! available (anything but `OutOfStock`, `SoldOut`, `Discontinued`). It was
//! added on its `releaseDate`, else `datePublished` or `dateCreated`.

use serde_json::{Map, Value};

use super::fields::{self, Markup, Notes};
use super::{ProductFields, SkipReason};

/// Deepest nesting of lists and graphs followed.
const MAX_DEPTH: usize = 16;

const ID_KEYS: &[&str] = &[
    "sku",
    "productID",
    "@id",
    "gtin13",
    "gtin",
    "gtin12",
    "gtin14",
    "gtin8",
    "mpn",
    "productGroupID",
    "url",
];

/// Whether a value is a JSON-LD node (has `@context`, `@type` or `@graph`).
pub(super) fn is_json_ld(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    map.contains_key("@type") || map.contains_key("@context") || map.contains_key("@graph")
}

/// The product records in a JSON-LD document, in document order. Nodes of
/// other types are skipped silently inside a `@graph` (pages put their
/// `WebSite` and `BreadcrumbList` there) and reported elsewhere.
pub(super) fn records(value: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    collect(value, &mut out, 0, false);
    out
}

fn collect<'a>(value: &'a Value, out: &mut Vec<&'a Value>, depth: usize, in_graph: bool) {
    if depth > MAX_DEPTH {
        return;
    }
    let Value::Object(map) = value else {
        match value {
            Value::Array(items) => items
                .iter()
                .for_each(|item| collect(item, out, depth + 1, in_graph)),
            _ if !in_graph => out.push(value),
            _ => {}
        }
        return;
    };
    if let Some(graph) = map.get("@graph") {
        collect(graph, out, depth + 1, true);
    }
    if is_product(map) {
        out.push(value);
    } else if type_names(map).any(|t| t == "BreadcrumbList") {
        // Navigation, not products.
    } else if let Some(elements) = map.get("itemListElement") {
        let elements = match elements {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        for element in elements {
            match element.get("item") {
                Some(item @ Value::Object(inner)) if !is_product(inner) && !has_type(inner) => {
                    out.push(item)
                }
                Some(item @ Value::Object(_)) => collect(item, out, depth + 1, false),
                // A `ListItem` pointing at a URL only: reported as skipped.
                _ => out.push(element),
            }
        }
    } else if let Some(main) = map.get("mainEntity") {
        collect(main, out, depth + 1, in_graph);
    } else if !in_graph && !map.contains_key("@graph") {
        out.push(value);
    }
}

fn type_names(map: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let types = match map.get("@type") {
        Some(Value::Array(items)) => items.as_slice(),
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    types.iter().filter_map(Value::as_str).map(|t| {
        t.trim()
            .trim_start_matches("https://schema.org/")
            .trim_start_matches("http://schema.org/")
            .trim_start_matches("schema:")
    })
}

fn has_type(map: &Map<String, Value>) -> bool {
    type_names(map).next().is_some()
}

fn is_product(map: &Map<String, Value>) -> bool {
    type_names(map).any(|t| {
        matches!(
            t,
            "Product" | "ProductGroup" | "IndividualProduct" | "ProductModel" | "SomeProducts"
        )
    })
}

/// The id of a record, as [`product`] would give it.
pub(super) fn record_id(record: &Value) -> Option<String> {
    let map = record.as_object()?;
    ID_KEYS
        .iter()
        .find_map(|key| map.get(*key).and_then(fields::plain_id))
}

pub(super) fn product(record: &Value, notes: &mut Notes) -> Result<ProductFields, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    if (map.contains_key("item") || type_names(map).any(|t| t == "ListItem")) && !is_product(map) {
        return Err(SkipReason::BadField {
            field: "item".into(),
            why: "the list item names no Product (only a reference)".into(),
        });
    }
    if has_type(map) && !is_product(map) {
        let kind: Vec<&str> = type_names(map).collect();
        return Err(SkipReason::BadField {
            field: "@type".into(),
            why: format!("`{}` is not a Product", kind.join(", ")),
        });
    }
    let id = ID_KEYS
        .iter()
        .find_map(|key| map.get(*key).and_then(fields::plain_id))
        .ok_or(SkipReason::MissingId)?;
    let id = fields::id(Some(&Value::String(id)))?;
    let title = fields::text(
        notes,
        "name",
        map.get("name"),
        fields::TITLE_CHARS,
        Markup::Html,
    )
    .ok_or(SkipReason::MissingTitle)?;

    let mut offers = Vec::new();
    gather_offers(map.get("offers"), &mut offers, 0);
    if let Some(Value::Array(variants)) = map.get("hasVariant") {
        for variant in variants {
            gather_offers(variant.get("offers"), &mut offers, 0);
        }
    }
    let offer_url = offers.iter().find_map(|o| o.get("url"));
    let (price, currency) = lowest_price(&offers, notes);
    Ok(ProductFields {
        id,
        title,
        url: fields::link(notes, "url", first(map.get("url")).or(offer_url)),
        image: image(map.get("image"), notes),
        price,
        currency,
        category: category(map.get("category"), notes),
        brand: brand(map.get("brand"), notes),
        tags: fields::list(
            notes,
            "keywords",
            map.get("keywords"),
            &[','],
            fields::MAX_TAGS,
        ),
        description: fields::text(
            notes,
            "description",
            map.get("description"),
            fields::DESCRIPTION_CHARS,
            Markup::Html,
        ),
        in_stock: in_stock(&offers),
        added: ["releaseDate", "datePublished", "dateCreated"]
            .iter()
            .find_map(|key| fields::date(notes, key, map.get(*key))),
    })
}

/// The first element of an array, or the value itself.
fn first(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Array(items) => items.first(),
        v => Some(v),
    }
}

/// Offers, aggregate offers and their nested `offers`, flattened.
fn gather_offers<'a>(
    value: Option<&'a Value>,
    out: &mut Vec<&'a Map<String, Value>>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .for_each(|item| gather_offers(Some(item), out, depth + 1)),
        Some(Value::Object(offer)) => {
            out.push(offer);
            gather_offers(offer.get("offers"), out, depth + 1);
        }
        _ => {}
    }
}

/// The lowest price among the offers, with that offer's currency (or the
/// first currency any offer names).
fn lowest_price(
    offers: &[&Map<String, Value>],
    notes: &mut Notes,
) -> (Option<f64>, Option<String>) {
    let mut best: Option<(f64, Option<&Value>)> = None;
    for offer in offers {
        let specs = match offer.get("priceSpecification") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(spec @ Value::Object(_)) => vec![spec],
            _ => Vec::new(),
        };
        let mut candidates: Vec<(&Value, Option<&Value>)> = Vec::new();
        for key in ["price", "lowPrice"] {
            if let Some(p) = offer.get(key) {
                candidates.push((p, offer.get("priceCurrency")));
            }
        }
        for spec in specs {
            for key in ["price", "minPrice"] {
                if let Some(p) = spec.get(key) {
                    let currency = spec.get("priceCurrency").or(offer.get("priceCurrency"));
                    candidates.push((p, currency));
                }
            }
        }
        for (value, currency) in candidates {
            if let Some(p) = fields::price(notes, "offers.price", Some(value)) {
                if best.is_none_or(|(b, _)| p < b) {
                    best = Some((p, currency));
                }
            }
        }
    }
    let currency_value = best
        .and_then(|(_, c)| c)
        .or_else(|| offers.iter().find_map(|o| o.get("priceCurrency")));
    let currency = fields::currency(notes, "offers.priceCurrency", currency_value);
    (best.map(|(p, _)| p), currency)
}

/// Any offer available, or no availability stated at all.
fn in_stock(offers: &[&Map<String, Value>]) -> bool {
    let mut stated = false;
    for offer in offers {
        let Some(availability) = offer.get("availability").and_then(Value::as_str) else {
            continue;
        };
        stated = true;
        let name = availability
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(availability)
            .trim();
        let gone = ["OutOfStock", "SoldOut", "Discontinued"]
            .iter()
            .any(|g| g.eq_ignore_ascii_case(name));
        if !gone {
            return true;
        }
    }
    !stated
}

/// A URL string, the first of an array, or an `ImageObject`'s `url` or
/// `contentUrl`.
fn image(value: Option<&Value>, notes: &mut Notes) -> Option<String> {
    let first = first(value)?;
    let src = match first {
        Value::Object(o) => o.get("url").or_else(|| o.get("contentUrl"))?,
        v => v,
    };
    fields::link(notes, "image", first_value(src))
}

fn first_value(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(items) => items.first(),
        v => Some(v),
    }
}

/// A `Brand` or `Organization` (its `name`), a plain string, or the first of
/// an array of either.
fn brand(value: Option<&Value>, notes: &mut Notes) -> Option<String> {
    let first = first(value)?;
    let name = match first {
        Value::Object(o) => o.get("name")?,
        v => v,
    };
    fields::text(notes, "brand", Some(name), fields::NAME_CHARS, Markup::Html)
}

/// `"A > B"` (Google's product taxonomy style), a path array, or a
/// `CategoryCode`/`Thing` with a `name`.
fn category(value: Option<&Value>, notes: &mut Notes) -> Vec<String> {
    let separators = &['>', '›', '»'];
    let max = fields::MAX_CATEGORY_DEPTH;
    match value {
        Some(Value::Array(items)) if items.len() == 1 => category(items.first(), notes),
        Some(Value::Object(o)) => fields::list(notes, "category", o.get("name"), separators, max),
        other => fields::list(notes, "category", other, separators, max),
    }
}
