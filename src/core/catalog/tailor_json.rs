//! Tailor's own feed format (CONTRACT.md §2): one object per product, only
//! `id` and `title` required, every other field read leniently.
//!
//! [`fast_parse`] reads a plain Tailor feed straight into small per-record
//! field tables instead of a whole `serde_json::Value` tree: no key strings,
//! no maps, unknown fields skipped without allocating. It gives up (returns
//! `None`) on anything [`super::parse_value`] might read differently: a
//! record that is not an object, a repeated key in the root, a field that
//! marks another format. Both paths convert fields with the same code.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::fields::{self, Markup, Notes};
use super::{assemble, Converted, Format, Parsed, ProductFields, SkipReason};

pub(super) fn product(record: &Value, notes: &mut Notes) -> Result<ProductFields, SkipReason> {
    let Value::Object(map) = record else {
        return Err(SkipReason::NotAnObject);
    };
    from_fields(|key| map.get(key), notes)
}

/// The product from its fields, whatever holds them.
fn from_fields<'a>(
    get: impl Fn(&str) -> Option<&'a Value>,
    notes: &mut Notes,
) -> Result<ProductFields, SkipReason> {
    let id = fields::id(get("id"))?;
    let present = |key| get(key).filter(|v| !v.is_null());
    let title = fields::text(
        notes,
        "title",
        present("title").or_else(|| present("name")),
        fields::TITLE_CHARS,
        Markup::Plain,
    )
    .ok_or(SkipReason::MissingTitle)?;
    Ok(ProductFields {
        id,
        title,
        url: fields::link(notes, "url", get("url")),
        image: fields::link(notes, "image", get("image")),
        price: fields::price(notes, "price", get("price")),
        currency: fields::currency(notes, "currency", get("currency")),
        category: fields::list(
            notes,
            "category",
            get("category"),
            &['>', '/'],
            fields::MAX_CATEGORY_DEPTH,
        ),
        brand: fields::text(
            notes,
            "brand",
            get("brand"),
            fields::NAME_CHARS,
            Markup::Plain,
        ),
        tags: fields::list(notes, "tags", get("tags"), &[','], fields::MAX_TAGS),
        description: fields::text(
            notes,
            "description",
            get("description"),
            fields::DESCRIPTION_CHARS,
            Markup::Html,
        ),
        in_stock: get("in_stock").and_then(fields::boolean).unwrap_or(true),
        added: fields::date(notes, "added", get("added")),
    })
}

/// The fields [`from_fields`] reads; a record keeps only these.
const KEYS: [&str; 13] = [
    "id",
    "title",
    "name",
    "url",
    "image",
    "price",
    "currency",
    "category",
    "brand",
    "tags",
    "description",
    "in_stock",
    "added",
];

/// Keys that make format detection look closer (Shopify, WooCommerce,
/// schema.org): a record with one goes through the general path.
const OTHER_FORMAT_KEYS: [&str; 11] = [
    "variants",
    "body_html",
    "product_type",
    "handle",
    "prices",
    "permalink",
    "is_in_stock",
    "short_description",
    "@type",
    "@context",
    "@graph",
];

/// Reads a plain Tailor feed, or `None` when the general path must decide.
pub(super) fn fast_parse(text: &str) -> Option<Parsed> {
    let records = match text.trim_start().as_bytes().first()? {
        b'[' => serde_json::from_str::<Records>(text).ok()?,
        b'{' => serde_json::from_str::<Root>(text).ok()?.0,
        _ => return None,
    };
    Some(assemble(Format::Tailor, records.0.into_iter()))
}

/// A product list, each record converted as soon as it is read so that
/// only one record's raw fields are in memory at a time.
struct Records(Vec<Converted>);

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordsVisitor;
        impl<'de> Visitor<'de> for RecordsVisitor {
            type Value = Records;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of products")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Records, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(record) = seq.next_element::<Record>()? {
                    out.push(convert(&record));
                }
                Ok(Records(out))
            }
        }
        deserializer.deserialize_seq(RecordsVisitor)
    }
}

/// One record of a plain Tailor feed, read from its own JSON text, or
/// `None` when [`super::convert`] must read it (not an object, a field of
/// another format, or not valid JSON).
pub(super) fn convert_text(text: &str) -> Option<Converted> {
    serde_json::from_str::<Record>(text)
        .ok()
        .map(|r| convert(&r))
}

fn convert(record: &Record) -> Converted {
    let mut notes = Notes::default();
    let result = from_fields(|key| record.get(key), &mut notes)
        .map_err(|reason| (reason, record.get("id").and_then(fields::plain_id)));
    Converted {
        result,
        problems: notes.problems,
    }
}

/// One product object, only the fields Tailor reads.
struct Record {
    values: [Option<Value>; KEYS.len()],
}

impl Record {
    fn get(&self, key: &str) -> Option<&Value> {
        let slot = KEYS.iter().position(|k| *k == key)?;
        self.values[slot].as_ref()
    }
}

enum Key {
    Read(usize),
    OtherFormat,
    Ignored,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(if let Some(slot) = KEYS.iter().position(|k| *k == key) {
                    Key::Read(slot)
                } else if OTHER_FORMAT_KEYS.contains(&key) {
                    Key::OtherFormat
                } else {
                    Key::Ignored
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a product object")
            }
            // Only objects: a derived struct would also take an array.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                let mut record = Record {
                    values: Default::default(),
                };
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        // A repeated key keeps its last value, as `Value` does.
                        Key::Read(slot) => record.values[slot] = Some(map.next_value()?),
                        Key::OtherFormat => return Err(de::Error::custom("not plain Tailor")),
                        Key::Ignored => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(record)
            }
        }
        deserializer.deserialize_map(RecordVisitor)
    }
}

/// `{"products": [...]}`, refusing anything that makes it JSON-LD.
struct Root(Records);

impl<'de> Deserialize<'de> for Root {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RootVisitor;
        impl<'de> Visitor<'de> for RootVisitor {
            type Value = Root;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object with a product list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
                let mut products = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "products" if products.is_none() => products = Some(map.next_value()?),
                        "products" | "@type" | "@context" | "@graph" => {
                            return Err(de::Error::custom("not plain Tailor"))
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                products
                    .map(Root)
                    .ok_or_else(|| de::Error::missing_field("products"))
            }
        }
        deserializer.deserialize_map(RootVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_takes_plain_feeds_only() {
        let cases = [
            (r#"[]"#, true),
            (
                r#"{"products": [{"id": "a", "title": "t", "x": {"y": [1]}}]}"#,
                true,
            ),
            (r#"[{"id": "a"}, {"title": "no id"}]"#, true),
            (r#"[{"id": "a", "title": "t"}, 42]"#, false),
            (r#"[["a", "t"]]"#, false),
            (r#"[{"id": "a", "title": "t", "variants": []}]"#, false),
            (r#"{"@graph": [], "products": []}"#, false),
            (r#"{"products": [], "products": []}"#, false),
            (r#"{"items": []}"#, false),
            (r#"{"products": [{"id": "a", "title": "t\u0007"}]}"#, true),
            ("[{\"id\": \"a\", \"title\": \"raw\ttab\"}]", false),
            ("7", false),
            ("", false),
        ];
        for (text, fast) in cases {
            assert_eq!(fast_parse(text).is_some(), fast, "{text}");
        }
    }
}
