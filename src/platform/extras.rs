//! The owner's optional files beside the catalog: the co-purchase model
//! (`data-model`, built offline by `tailor train`) and ranking rules
//! (`data-rules`: inline JSON or a JSON file). Both are fetched while the
//! catalog downloads, kept on the device like it (Cache API, ETag), and
//! applied to the engine once it is built. A file that fails is reported
//! once (`tailor:error`) and Tailor ranks without it.

use crate::core::model::Model;
use crate::core::rank::{Engine, Rules};
use crate::core::settings::{RulesSetting, Settings};

use super::{cache, fetch, report};

/// What the owner's extra files gave; `None` where unset or failed.
#[derive(Default)]
pub struct Extras {
    model: Option<Model>,
    rules: Option<Rules>,
}

/// Fetches the model and the rules the settings name, side by side.
pub async fn load(settings: &Settings) -> Extras {
    let timeout_ms = settings.timeout_ms;
    let model = async {
        let url = settings.model.as_deref()?;
        model(url, timeout_ms)
            .await
            .map_err(|message| report::error("model", &message))
            .ok()
    };
    let rules = async {
        match settings.rules.as_ref()? {
            RulesSetting::Inline(rules) => Some(rules.clone()),
            RulesSetting::Url(url) => rules(url, timeout_ms)
                .await
                .map_err(|message| report::error("settings", &message))
                .ok(),
        }
    };
    let (model, rules) = futures::future::join(model, rules).await;
    Extras { model, rules }
}

impl Extras {
    /// The engine with the rules compiled and the model linked to its catalog.
    pub fn apply(self, mut engine: Engine) -> Engine {
        if let Some(rules) = &self.rules {
            engine = engine.with_rules(rules);
        }
        if let Some(model) = self.model {
            let products = model.len();
            engine = engine.with_model(model);
            if !engine.has_model() {
                report::error(
                    "model",
                    &format!(
                        "none of the model's {products} products is in the catalog (trained on another shop's ids?)"
                    ),
                );
            }
        }
        engine
    }
}

async fn model(url: &str, timeout_ms: u32) -> Result<Model, String> {
    let (bytes, _) = cache::shop_file_bytes(url, timeout_ms)
        .await
        .map_err(|e| e.to_string())?;
    Model::from_bytes(&bytes).map_err(|e| format!("{url}: {e}"))
}

async fn rules(url: &str, timeout_ms: u32) -> Result<Rules, String> {
    let (bytes, _) = cache::shop_file_bytes(url, timeout_ms)
        .await
        .map_err(|e| e.to_string())?;
    RulesSetting::parse_json(&fetch::decode_utf8(bytes)).map_err(|e| format!("{url}: {e}"))
}
