//! Reading what a page says about itself: the product a schema.org
//! `Product` JSON-LD block describes. Pure text in, ids out.

use serde_json::Value;

/// Ids of the `Product`s described by one JSON-LD block: `sku`, then
/// `productID`, then `@id`, at the top level, in arrays and in `@graph`.
/// Malformed JSON gives no ids (the page is not ours to judge).
pub fn json_ld_product_ids(text: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect(&value, &mut out, 0);
    out
}

fn collect(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, out, depth + 1)),
        Value::Object(map) => {
            if let Some(graph) = map.get("@graph") {
                collect(graph, out, depth + 1);
            }
            if is_product(map.get("@type")) {
                let id = ["sku", "productID", "@id"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(id_text));
                if let Some(id) = id {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
        }
        _ => {}
    }
}

fn is_product(kind: Option<&Value>) -> bool {
    let is = |v: &Value| {
        v.as_str().is_some_and(|s| {
            s.trim_start_matches("https://schema.org/")
                .trim_start_matches("http://schema.org/")
                == "Product"
        })
    };
    match kind {
        Some(Value::Array(kinds)) => kinds.iter().any(is),
        Some(v) => is(v),
        None => false,
    }
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().chars().take(200).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_products() {
        let cases: &[(&str, &[&str])] = &[
            (
                r#"{"@context":"https://schema.org","@type":"Product","sku":"sku-1","name":"Mug"}"#,
                &["sku-1"],
            ),
            (r#"{"@type":"Product","productID":42}"#, &["42"]),
            (
                r#"{"@type":"https://schema.org/Product","@id":"p-9"}"#,
                &["p-9"],
            ),
            (r#"{"@type":["Product","Thing"],"sku":"a"}"#, &["a"]),
            (
                r#"[{"@type":"Product","sku":"a"},{"@type":"Product","sku":"b"}]"#,
                &["a", "b"],
            ),
            (
                r#"{"@graph":[{"@type":"WebPage"},{"@type":"Product","sku":"g"}]}"#,
                &["g"],
            ),
            (r#"{"@type":"BreadcrumbList"}"#, &[]),
            (r#"{"@type":"Product","name":"no id"}"#, &[]),
            ("{not json", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(json_ld_product_ids(text), *want, "{text}");
        }
    }
}
