//! The owner's optional files beside the catalog: the co-purchase model
//! (`data-model`, built offline by `tailor train`) and ranking rules
//! (`data-rules`: inline JSON or a JSON file). Both are fetched while the
//! catalog downloads, kept on the device like it (Cache API, ETag), and
//! applied to the engine once it is built: the model decoded, the rules
//! compiled and the model linked in slices that yield to the browser, as
//! indexing is. A file that fails is reported once (`tailor:error`) and
//! Tailor ranks without it.

use crate::core::model::ModelReader;
use crate::core::rank::{Engine, Rules};
use crate::core::settings::{RulesSetting, Settings};

use super::{cache, fetch, report, yield_to_browser, Slices};

/// What the owner's extra files gave; `None` where unset or failed.
#[derive(Default)]
pub struct Extras {
    /// The model file's URL and bytes, decoded in slices by [`Extras::apply`].
    model: Option<(String, Vec<u8>)>,
    rules: Option<Rules>,
}

/// Model items decoded, and rules products or model items linked, between
/// two looks at the clock.
const EXTRAS_BATCH: usize = 256;

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
    /// The engine with the rules compiled and the model linked to its
    /// catalog, in slices of bounded work that yield to the browser.
    /// Borrows `self`: a changed feed shown later on the same page view is
    /// linked to the same files, not to a second download of them.
    pub async fn apply(&self, engine: Engine) -> Engine {
        let Extras { model, rules } = self;
        if model.is_none() && rules.is_none() {
            return engine;
        }
        // Whatever ran before (the catalog's last slice) had its share.
        yield_to_browser().await;
        let mut slices = Slices::start();
        let model = match model {
            Some((url, bytes)) => read_model(url, bytes, &mut slices).await,
            None => None,
        };
        let products = model.as_ref().map_or(0, |m| m.len());
        let mut builder = engine.into_builder();
        if let Some(rules) = rules {
            builder = builder.with_rules(rules);
        }
        let with_model = model.is_some();
        if let Some(model) = model {
            builder = builder.with_model(model);
        }
        while !builder.step(EXTRAS_BATCH) {
            slices.pause_if_due().await;
        }
        let engine = builder.finish();
        if with_model && !engine.has_model() {
            report::error(
                "model",
                &format!(
                    "none of the model's {products} products is in the catalog (trained on another shop's ids?)"
                ),
            );
        }
        engine
    }
}

/// Decodes the model file in slices; a damaged one is reported and left out.
async fn read_model(
    url: &str,
    bytes: &[u8],
    slices: &mut Slices,
) -> Option<crate::core::model::Model> {
    let damaged =
        |e: crate::core::model::ModelError| report::error("model", &format!("{url}: {e}"));
    let mut reader = ModelReader::new(bytes).map_err(damaged).ok()?;
    loop {
        match reader.step(EXTRAS_BATCH) {
            Ok(true) => break,
            Ok(false) => slices.pause_if_due().await,
            Err(e) => {
                damaged(e);
                return None;
            }
        }
    }
    reader.finish().map_err(damaged).ok()
}

async fn model(url: &str, timeout_ms: u32) -> Result<(String, Vec<u8>), String> {
    let (bytes, _) = cache::shop_file_bytes(url, timeout_ms)
        .await
        .map_err(|e| e.to_string())?;
    Ok((url.to_string(), bytes))
}

async fn rules(url: &str, timeout_ms: u32) -> Result<Rules, String> {
    let (bytes, _) = cache::shop_file_bytes(url, timeout_ms)
        .await
        .map_err(|e| e.to_string())?;
    RulesSetting::parse_json(&fetch::decode_utf8(bytes)).map_err(|e| format!("{url}: {e}"))
}
