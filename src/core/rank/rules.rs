//! Site-owner rules, read from the widget's JSON config: pin products to the
//! front, boost or bury, hide, and name which purchased products may be
//! recommended again (consumables). Products are selected by id, category
//! (any level of the path), brand or tag, compared case- and accent-insensitively.
//!
//! ```json
//! { "pin": ["sku-1"], "boost": [{"brand": "Acme"}], "bury": [{"tag": "clearance"}],
//!   "hide": [{"category": "Gift Cards"}], "repurchasable": [{"category": "Coffee"}],
//!   "boost_factor": 1.5, "bury_factor": 0.5 }
//! ```

use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::core::catalog::{Catalog, Product};
use crate::core::text;

/// Which products a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Selector {
    Id(String),
    /// Matches a product with this name at any level of its category path.
    Category(String),
    Brand(String),
    Tag(String),
}

impl Selector {
    pub fn matches(&self, product: &Product) -> bool {
        match self {
            Selector::Id(id) => product.id() == id,
            Selector::Category(name) => {
                let name = text::fold(name);
                product.category().any(|c| text::fold(c) == name)
            }
            Selector::Brand(name) => product
                .brand()
                .is_some_and(|b| text::fold(b) == text::fold(name)),
            Selector::Tag(name) => {
                let name = text::fold(name);
                product.tags().any(|t| text::fold(t) == name)
            }
        }
    }
}

/// The owner's rules. Every field is optional in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    /// Product ids shown first, in this order (when in stock and not hidden).
    pub pin: Vec<String>,
    pub boost: Vec<Selector>,
    pub bury: Vec<Selector>,
    pub hide: Vec<Selector>,
    /// Purchased products matching these stay eligible (consumables, refills).
    pub repurchasable: Vec<Selector>,
    /// Score multiplier for boosted products.
    pub boost_factor: f32,
    /// Score multiplier for buried products.
    pub bury_factor: f32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            pin: Vec::new(),
            boost: Vec::new(),
            bury: Vec::new(),
            hide: Vec::new(),
            repurchasable: Vec::new(),
            boost_factor: 1.5,
            bury_factor: 0.5,
        }
    }
}

/// Why a rules file could not be used. Unknown fields are refused, so a
/// typo ("pinned") is reported rather than silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RulesError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("expected a JSON object")]
    NotObject,
    #[error("unknown field `{0}`")]
    UnknownField(String),
    #[error("`{0}` must be a list")]
    NotList(&'static str),
    #[error("`pin` item {0} is not a product id")]
    BadPin(usize),
    #[error("`{field}` item {index}: expected {{\"id\"|\"category\"|\"brand\"|\"tag\": \"…\"}}")]
    BadSelector { field: &'static str, index: usize },
    #[error("`{0}` must be a number")]
    BadFactor(&'static str),
}

impl Rules {
    /// Reads the owner's rules JSON; every field is optional. Written by
    /// hand over `serde_json::Value` (already in the widget for feeds): a
    /// derived reader would cost the widget kilobytes.
    pub fn from_json(text: &str) -> Result<Rules, RulesError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| RulesError::Json(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(RulesError::NotObject);
        };
        let mut rules = Rules::default();
        for (name, value) in &map {
            match name.as_str() {
                "pin" => {
                    rules.pin = list("pin", value)?
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match v {
                            Value::String(id) => Ok(id.clone()),
                            Value::Number(n) => Ok(n.to_string()),
                            _ => Err(RulesError::BadPin(i)),
                        })
                        .collect::<Result<_, _>>()?
                }
                "boost" => rules.boost = selectors("boost", value)?,
                "bury" => rules.bury = selectors("bury", value)?,
                "hide" => rules.hide = selectors("hide", value)?,
                "repurchasable" => rules.repurchasable = selectors("repurchasable", value)?,
                "boost_factor" => rules.boost_factor = factor("boost_factor", value)?,
                "bury_factor" => rules.bury_factor = factor("bury_factor", value)?,
                other => return Err(RulesError::UnknownField(other.to_string())),
            }
        }
        Ok(rules)
    }
}

fn list<'a>(field: &'static str, value: &'a Value) -> Result<&'a [Value], RulesError> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or(RulesError::NotList(field))
}

fn factor(field: &'static str, value: &Value) -> Result<f32, RulesError> {
    value
        .as_f64()
        .map(|f| f as f32)
        .ok_or(RulesError::BadFactor(field))
}

fn selectors(field: &'static str, value: &Value) -> Result<Vec<Selector>, RulesError> {
    let bad = |index| RulesError::BadSelector { field, index };
    list(field, value)?
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let map: &Map<String, Value> = item.as_object().ok_or(bad(index))?;
            let mut entries = map.iter();
            let (Some((kind, Value::String(name))), None) = (entries.next(), entries.next()) else {
                return Err(bad(index));
            };
            let name = name.clone();
            Ok(match kind.as_str() {
                "id" => Selector::Id(name),
                "category" => Selector::Category(name),
                "brand" => Selector::Brand(name),
                "tag" => Selector::Tag(name),
                _ => return Err(bad(index)),
            })
        })
        .collect()
}

/// The rules resolved against one catalog, one entry per product.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledRules {
    pub pinned: Vec<usize>,
    /// Score multiplier per product (1 when no rule applies).
    pub factor: Vec<f32>,
    pub hidden: Vec<bool>,
    pub repurchasable: Vec<bool>,
}

/// Compiles [`Rules`] against a catalog a batch of products at a time
/// ([`Self::step`]), so a caller on a browser's main thread can yield
/// between batches.
#[derive(Debug, Clone)]
pub(crate) struct RulesCompiler {
    boost: Vec<Selector>,
    bury: Vec<Selector>,
    hide: Vec<Selector>,
    repurchasable: Vec<Selector>,
    boost_factor: f32,
    bury_factor: f32,
    pin: Vec<String>,
    /// Products read so far, then pins looked up so far.
    at: usize,
    compiled: CompiledRules,
}

impl RulesCompiler {
    /// Starts compiling `rules` for a catalog of `products` products.
    pub fn new(rules: &Rules, products: usize) -> Self {
        Self {
            boost: rules.boost.clone(),
            bury: rules.bury.clone(),
            hide: rules.hide.clone(),
            repurchasable: rules.repurchasable.clone(),
            boost_factor: sane_factor(rules.boost_factor, 1.5),
            bury_factor: sane_factor(rules.bury_factor, 0.5),
            pin: rules.pin.clone(),
            at: 0,
            compiled: CompiledRules {
                pinned: Vec::new(),
                factor: Vec::with_capacity(products),
                hidden: Vec::with_capacity(products),
                repurchasable: Vec::with_capacity(products),
            },
        }
    }

    /// Reads up to `batch` more products (then looks up up to `batch`
    /// pins); true once done.
    pub fn step(&mut self, batch: usize, catalog: &Catalog) -> bool {
        let products = catalog.products();
        let read = self.compiled.factor.len();
        if read < products.len() {
            let to = read.saturating_add(batch.max(1)).min(products.len());
            let any = |selectors: &[Selector], p: &Product| selectors.iter().any(|s| s.matches(p));
            for p in &products[read..to] {
                let mut factor = 1f32;
                if any(&self.boost, p) {
                    factor *= self.boost_factor;
                }
                if any(&self.bury, p) {
                    factor *= self.bury_factor;
                }
                self.compiled.factor.push(factor);
                self.compiled.hidden.push(any(&self.hide, p));
                self.compiled
                    .repurchasable
                    .push(any(&self.repurchasable, p));
            }
            return false;
        }
        let to = self.at.saturating_add(batch.max(1)).min(self.pin.len());
        for id in &self.pin[self.at..to] {
            // Ids are unique in a catalog: its position is the first match.
            if let Some(i) = catalog.position(id) {
                if !self.compiled.pinned.contains(&i) {
                    self.compiled.pinned.push(i);
                }
            }
        }
        self.at = to;
        self.at >= self.pin.len()
    }

    /// The compiled rules; whatever [`Self::step`] has not done is done first.
    pub fn finish(mut self, catalog: &Catalog) -> CompiledRules {
        while !self.step(usize::MAX, catalog) {}
        self.compiled
    }
}

/// A negative, zero or non-finite factor from a config typo falls back to the
/// default; an extreme one is held to 1/1000–1000× so a score can never
/// overflow to infinity (pins are the way to force a product first).
fn sane_factor(value: f32, default: f32) -> f32 {
    if value.is_finite() && value > 0.0 {
        value.clamp(1e-3, 1e3)
    } else {
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ProductFields;

    #[test]
    fn selectors_match_fields_loosely() {
        let p = Product::from(ProductFields {
            id: "sku-1".into(),
            title: "Mug".into(),
            category: vec!["Home".into(), "Cafés".into()],
            brand: Some("Acme".into()),
            tags: vec!["Sale".into()],
            ..ProductFields::default()
        });
        let cases = [
            (Selector::Id("sku-1".into()), true),
            (Selector::Id("SKU-1".into()), false),
            (Selector::Category("cafes".into()), true),
            (Selector::Category("home".into()), true),
            (Selector::Category("Garden".into()), false),
            (Selector::Brand("ACME".into()), true),
            (Selector::Brand("Other".into()), false),
            (Selector::Tag("sale".into()), true),
            (Selector::Tag("new".into()), false),
        ];
        for (selector, want) in cases {
            assert_eq!(selector.matches(&p), want, "{selector:?}");
        }
    }

    #[test]
    fn rules_read_from_json_with_defaults() {
        let rules = Rules::from_json(
            r#"{"pin":["a", 7],"hide":[{"brand":"X"}],"boost":[{"category":"Y"},{"id":"b"}],
                "bury":[{"tag":"old"}],"repurchasable":[{"category":"Coffee"}],"bury_factor":0.25}"#,
        )
        .unwrap();
        assert_eq!(rules.pin, ["a", "7"]);
        assert_eq!(rules.hide, [Selector::Brand("X".into())]);
        assert_eq!(
            rules.boost,
            [Selector::Category("Y".into()), Selector::Id("b".into())]
        );
        assert_eq!(rules.bury, [Selector::Tag("old".into())]);
        assert_eq!(rules.repurchasable, [Selector::Category("Coffee".into())]);
        assert_eq!(rules.boost_factor, 1.5);
        assert_eq!(rules.bury_factor, 0.25);
        assert_eq!(Rules::from_json("{}").unwrap(), Rules::default());
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        let cases = [
            ("{", "not valid JSON"),
            ("[]", "expected a JSON object"),
            (r#"{"pinned": ["a"]}"#, "unknown field `pinned`"),
            (r#"{"pin": "a"}"#, "`pin` must be a list"),
            (r#"{"pin": ["a", {}]}"#, "`pin` item 1"),
            (r#"{"hide": [{"colour": "red"}]}"#, "`hide` item 0"),
            (
                r#"{"boost": [{"brand": "A", "tag": "b"}]}"#,
                "`boost` item 0",
            ),
            (r#"{"bury": [{"brand": 5}]}"#, "`bury` item 0"),
            (r#"{"repurchasable": ["Coffee"]}"#, "`repurchasable` item 0"),
            (
                r#"{"boost_factor": "2"}"#,
                "`boost_factor` must be a number",
            ),
        ];
        for (text, want) in cases {
            let error = Rules::from_json(text).unwrap_err().to_string();
            assert!(error.contains(want), "{text}: {error}");
        }
    }
}
