//! The page's `tailor(name, …)` command queue (CONTRACT.md §1), parsed from
//! JSON values into [`Command`]s. A bad call is a [`CommandError`] the
//! browser shell logs as a warning; it never throws into the host page.

use serde_json::Value;
use thiserror::Error;

/// One line of a purchase.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub id: String,
    pub qty: u32,
    pub price: Option<f64>,
}

/// A completed order, as the page reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub order: Option<String>,
    pub items: Vec<OrderItem>,
    /// The shopper's first name, for the thank-you message.
    pub name: Option<String>,
}

/// A command the page sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    View { id: String },
    Cart { id: String },
    Purchase(Order),
    Consent(bool),
    Forget,
    Survey { id: Option<String> },
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CommandError {
    #[error("unknown command `{0}` (known: view, cart, purchase, consent, forget, survey)")]
    Unknown(String),
    #[error("`tailor('{command}', …)`: {why}")]
    BadArguments { command: &'static str, why: String },
}

/// Longest id or name kept from a page call; longer ones are cut, not trusted.
const MAX_TEXT: usize = 200;
/// Most lines read from one purchase.
const MAX_ITEMS: usize = 100;

/// Parses one call: `name` and the arguments after it.
pub fn parse(name: &str, args: &[Value]) -> Result<Command, CommandError> {
    let first = args.first().unwrap_or(&Value::Null);
    match name.trim() {
        "view" => Ok(Command::View {
            id: product_id(first)
                .ok_or_else(|| bad("view", "needs a product id: tailor('view', {id: 'sku-1'})"))?,
        }),
        "cart" => Ok(Command::Cart {
            id: product_id(first)
                .ok_or_else(|| bad("cart", "needs a product id: tailor('cart', {id: 'sku-1'})"))?,
        }),
        "purchase" => purchase(first).map(Command::Purchase),
        "consent" => match first {
            Value::Bool(b) => Ok(Command::Consent(*b)),
            _ => Err(bad("consent", "needs true or false")),
        },
        "forget" => Ok(Command::Forget),
        "survey" => Ok(Command::Survey { id: text(first) }),
        other => Err(CommandError::Unknown(
            other.chars().take(MAX_TEXT).collect(),
        )),
    }
}

fn bad(command: &'static str, why: &str) -> CommandError {
    CommandError::BadArguments {
        command,
        why: why.to_string(),
    }
}

/// `'sku-1'`, `42` or `{id: 'sku-1'}`.
fn product_id(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.get("id").and_then(text),
        other => text(other),
    }
}

fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.trim(),
        Value::Number(n) => return Some(n.to_string()),
        _ => return None,
    };
    (!s.is_empty()).then(|| s.chars().take(MAX_TEXT).collect())
}

fn purchase(value: &Value) -> Result<Order, CommandError> {
    let Value::Object(map) = value else {
        return Err(bad(
            "purchase",
            "needs an object: {order, items: [{id, qty, price}], name}",
        ));
    };
    let Some(Value::Array(lines)) = map.get("items") else {
        return Err(bad("purchase", "needs `items`, a list of {id, qty, price}"));
    };
    let items: Vec<OrderItem> = lines
        .iter()
        .take(MAX_ITEMS)
        .filter_map(|line| {
            let id = product_id(line)?;
            let qty = line
                .get("qty")
                .or_else(|| line.get("quantity"))
                .and_then(Value::as_f64)
                .filter(|q| q.is_finite() && *q >= 1.0)
                .map_or(1, |q| q.min(10_000.0) as u32);
            let price = line
                .get("price")
                .and_then(Value::as_f64)
                .filter(|p| p.is_finite() && *p >= 0.0);
            Some(OrderItem { id, qty, price })
        })
        .collect();
    if items.is_empty() {
        return Err(bad("purchase", "no item has an id"));
    }
    Ok(Order {
        order: map.get("order").and_then(text),
        items,
        name: map.get("name").and_then(text).map(|n| first_name(&n)),
    })
}

/// "Dana Levi" → "Dana": the thank-you speaks to the shopper by first name.
fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_contract_command() {
        let cases: Vec<(&str, Vec<Value>, Command)> = vec![
            (
                "view",
                vec![json!({"id": "sku-1"})],
                Command::View { id: "sku-1".into() },
            ),
            (
                "view",
                vec![json!("sku-2")],
                Command::View { id: "sku-2".into() },
            ),
            ("view", vec![json!(7)], Command::View { id: "7".into() }),
            (
                "cart",
                vec![json!({"id": "sku-1"})],
                Command::Cart { id: "sku-1".into() },
            ),
            ("consent", vec![json!(false)], Command::Consent(false)),
            ("forget", vec![], Command::Forget),
            (
                "survey",
                vec![json!("csat")],
                Command::Survey {
                    id: Some("csat".into()),
                },
            ),
            ("survey", vec![], Command::Survey { id: None }),
            (
                "purchase",
                vec![
                    json!({"order": "A-1", "items": [{"id": "sku-1", "qty": 2, "price": 19.9}, {"qty": 1}], "name": "Dana Levi"}),
                ],
                Command::Purchase(Order {
                    order: Some("A-1".into()),
                    items: vec![OrderItem {
                        id: "sku-1".into(),
                        qty: 2,
                        price: Some(19.9),
                    }],
                    name: Some("Dana".into()),
                }),
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(parse(name, &args), Ok(want), "{name} {args:?}");
        }
    }

    #[test]
    fn bad_calls_are_errors_not_panics() {
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("view", vec![]),
            ("view", vec![json!({})]),
            ("view", vec![json!("   ")]),
            ("cart", vec![json!(null)]),
            ("consent", vec![json!("yes")]),
            ("purchase", vec![json!("A-1")]),
            ("purchase", vec![json!({"items": []})]),
            ("purchase", vec![json!({"items": "sku-1"})]),
            ("explode", vec![]),
            ("", vec![]),
        ];
        for (name, args) in cases {
            assert!(parse(name, &args).is_err(), "{name} {args:?}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(5000);
        let Ok(Command::View { id }) = parse("view", &[json!(long)]) else {
            panic!("long id should parse");
        };
        assert_eq!(id.len(), MAX_TEXT);
    }
}
