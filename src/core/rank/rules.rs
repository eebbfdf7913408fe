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

use serde::{Deserialize, Serialize};

use crate::core::catalog::Product;
use crate::core::text;

/// Which products a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
            Selector::Id(id) => product.id == *id,
            Selector::Category(name) => {
                let name = text::fold(name);
                product.category.iter().any(|c| text::fold(c) == name)
            }
            Selector::Brand(name) => product
                .brand
                .as_deref()
                .is_some_and(|b| text::fold(b) == text::fold(name)),
            Selector::Tag(name) => {
                let name = text::fold(name);
                product.tags.iter().any(|t| text::fold(t) == name)
            }
        }
    }
}

/// The owner's rules. Every field is optional in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// The rules resolved against one catalog, one entry per product.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledRules {
    pub pinned: Vec<usize>,
    /// Score multiplier per product (1 when no rule applies).
    pub factor: Vec<f32>,
    pub hidden: Vec<bool>,
    pub repurchasable: Vec<bool>,
}

impl CompiledRules {
    pub fn compile(rules: &Rules, products: &[Product]) -> Self {
        let any = |selectors: &[Selector], p: &Product| selectors.iter().any(|s| s.matches(p));
        let mut factor = vec![1f32; products.len()];
        let mut hidden = vec![false; products.len()];
        let mut repurchasable = vec![false; products.len()];
        let boost = sane_factor(rules.boost_factor, 1.5);
        let bury = sane_factor(rules.bury_factor, 0.5);
        for (i, p) in products.iter().enumerate() {
            if any(&rules.boost, p) {
                factor[i] *= boost;
            }
            if any(&rules.bury, p) {
                factor[i] *= bury;
            }
            hidden[i] = any(&rules.hide, p);
            repurchasable[i] = any(&rules.repurchasable, p);
        }
        let mut pinned = Vec::new();
        for id in &rules.pin {
            if let Some(i) = products.iter().position(|p| p.id == *id) {
                if !pinned.contains(&i) {
                    pinned.push(i);
                }
            }
        }
        Self {
            pinned,
            factor,
            hidden,
            repurchasable,
        }
    }
}

/// A negative, zero or non-finite factor from a config typo falls back to the default.
fn sane_factor(value: f32, default: f32) -> f32 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_fields_loosely() {
        let p = Product {
            id: "sku-1".into(),
            title: "Mug".into(),
            category: vec!["Home".into(), "Cafés".into()],
            brand: Some("Acme".into()),
            tags: vec!["Sale".into()],
            ..Product::default()
        };
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
        let rules: Rules = serde_json::from_str(
            r#"{"pin":["a"],"hide":[{"brand":"X"}],"boost":[{"category":"Y"},{"id":"b"}]}"#,
        )
        .unwrap();
        assert_eq!(rules.pin, ["a"]);
        assert_eq!(rules.hide, [Selector::Brand("X".into())]);
        assert_eq!(rules.boost.len(), 2);
        assert_eq!(rules.boost_factor, 1.5);
        assert!(serde_json::from_str::<Rules>(r#"{"pinned":["a"]}"#).is_err());
        assert_eq!(
            serde_json::from_str::<Rules>("{}").unwrap(),
            Rules::default()
        );
    }
}
