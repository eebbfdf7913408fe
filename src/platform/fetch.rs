//! GETs of the shop's static files (catalog, model). The only requests
//! Tailor makes besides an owner-enabled survey answer; they carry nothing
//! about the shopper.

use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("no window")]
    NoWindow,
    #[error("{url}: network error")]
    Network { url: String },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: the body could not be read")]
    Body { url: String },
    #[error("{url}: larger than {limit} bytes")]
    TooLarge { url: String, limit: usize },
}

/// Catalogs over this size are refused rather than freezing the shopper's tab.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Fetches `url` as text with credentials only for the same origin.
pub async fn get_text(url: &str) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or(FetchError::NoWindow)?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let network = || FetchError::Network {
        url: url.to_string(),
    };
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| network())?;
    let response: Response = response.dyn_into().map_err(|_| network())?;
    if !response.ok() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: response.status(),
        });
    }
    let body = || FetchError::Body {
        url: url.to_string(),
    };
    let text = JsFuture::from(response.text().map_err(|_| body())?)
        .await
        .map_err(|_| body())?;
    let text = text.as_string().ok_or_else(body)?;
    if text.len() > MAX_BODY {
        return Err(FetchError::TooLarge {
            url: url.to_string(),
            limit: MAX_BODY,
        });
    }
    Ok(text)
}
