//! The page's command queue (`core::commands::parse`): any command name with
//! any JSON arguments is a command or a typed error, never a panic, and no
//! text kept from the page exceeds its cap.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};
use tailor::core::commands::{self, Command};

const NAMES: &[&str] = &["view", "cart", "purchase", "consent", "forget", "survey"];
const KEYS: &[&str] = &["id", "items", "qty", "quantity", "price", "order", "name"];

/// Arbitrary JSON, with the keys the parser looks for made likely.
#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(Key, Json)>),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Any(String),
}

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::Number((*i).into()),
            Json::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Str(s) => Value::String(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(Json::value).collect()),
            Json::Object(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    let key = match key {
                        Key::Known(i) => KEYS[*i as usize % KEYS.len()].to_string(),
                        Key::Any(s) => s.clone(),
                    };
                    map.insert(key, value.value());
                }
                Value::Object(map)
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Call {
    known: Option<u8>,
    name: String,
    args: Vec<Json>,
}

fuzz_target!(|call: Call| {
    let name = match call.known {
        Some(i) => NAMES[i as usize % NAMES.len()],
        None => call.name.as_str(),
    };
    let args: Vec<Value> = call.args.iter().map(Json::value).collect();
    let short = |s: &str| assert!(s.chars().count() <= 200, "{} chars kept", s.chars().count());
    match commands::parse(name, &args) {
        Ok(Command::View { id }) | Ok(Command::Cart { id }) => short(&id),
        Ok(Command::Purchase(order)) => {
            assert!(!order.items.is_empty() && order.items.len() <= 100);
            for item in &order.items {
                short(&item.id);
                assert!(item.qty >= 1);
                assert!(item.price.is_none_or(|p| p.is_finite() && p >= 0.0));
            }
            order.name.as_deref().map(short);
            order.order.as_deref().map(short);
        }
        Ok(_) | Err(_) => {}
    }
});
