//! GETs of the shop's static files (catalog, model). The only requests
//! Tailor makes besides an owner-enabled survey answer; they carry nothing
//! about the shopper.
//!
//! A feed is on the shop's server, not under Tailor's control, so every way
//! it can fail ends in a typed [`FetchError`] and never a hung or frozen
//! tab: a request that takes too long is aborted, an error page served in
//! place of the feed is recognised by its content type, and a body over the
//! size cap is refused from its declared length before it is downloaded,
//! and from the bytes counted as they stream in otherwise (no length, or a
//! compressed body that decodes past the cap). Nothing is
//! cached on failure: the next page view asks again.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestInit, Response};

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("no window")]
    NoWindow,
    #[error("{url}: network error")]
    Network { url: String },
    #[error("{url}: no answer within {ms} ms; abandoned")]
    Timeout { url: String, ms: u32 },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: served as `{content_type}`, not a feed (an error or login page?)")]
    NotAFeed { url: String, content_type: String },
    #[error("{url}: the body could not be read")]
    Body { url: String },
    #[error("{url}: larger than {limit} bytes")]
    TooLarge { url: String, limit: usize },
}

/// Catalogs over this size are refused rather than freezing the shopper's tab.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Fetches `url` as text with credentials only for the same origin, giving
/// up after `timeout_ms` (headers and body together).
pub async fn get_text(url: &str, timeout_ms: u32) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or(FetchError::NoWindow)?;
    let network = || FetchError::Network {
        url: url.to_string(),
    };
    let controller = AbortController::new().map_err(|_| network())?;
    let timed_out = Rc::new(Cell::new(false));
    // Dropped (so cancelled) when this function returns, whatever the outcome.
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let failed = |error: FetchError| {
        if timed_out.get() {
            FetchError::Timeout {
                url: url.to_string(),
                ms: timeout_ms,
            }
        } else {
            error
        }
    };

    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_signal(Some(&controller.signal()));
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| failed(network()))?;
    let response: Response = response.dyn_into().map_err(|_| network())?;
    if !response.ok() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: response.status(),
        });
    }
    let header = |name: &str| response.headers().get(name).ok().flatten();
    if let Some(content_type) = header("content-type").filter(|t| is_page(t)) {
        controller.abort();
        return Err(FetchError::NotAFeed {
            url: url.to_string(),
            content_type,
        });
    }
    let too_large = || FetchError::TooLarge {
        url: url.to_string(),
        limit: MAX_BODY,
    };
    let declared = header("content-length").and_then(|n| n.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        // Stops the download: the body is never read.
        controller.abort();
        return Err(too_large());
    }

    let bytes = read_capped(&response, &controller)
        .await
        .map_err(|e| match e {
            Capped::TooLarge => too_large(),
            Capped::Unreadable => failed(FetchError::Body {
                url: url.to_string(),
            }),
        })?;
    Ok(decode_utf8(bytes))
}

enum Capped {
    TooLarge,
    Unreadable,
}

/// Reads the body chunk by chunk, counting the bytes as they arrive: a body
/// sent without a length (chunked) or compressed far below its decoded size
/// stops downloading the moment it passes the cap, before it is copied into
/// the widget's memory.
async fn read_capped(response: &Response, controller: &AbortController) -> Result<Vec<u8>, Capped> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream
        .get_reader()
        .dyn_into()
        .map_err(|_| Capped::Unreadable)?;
    // Kept in a Rust Vec, not a JS Array: a host page may have replaced
    // Array.prototype.push (tests/e2e/hostile.test.mjs).
    let mut chunks: Vec<js_sys::Uint8Array> = Vec::new();
    let mut total = 0usize;
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|_| Capped::Unreadable)?;
        let field = |name: &str| js_sys::Reflect::get(&step, &name.into()).ok();
        if field("done").and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let chunk: js_sys::Uint8Array = field("value")
            .and_then(|v| v.dyn_into().ok())
            .ok_or(Capped::Unreadable)?;
        total = total.saturating_add(chunk.length() as usize);
        if total > MAX_BODY {
            controller.abort();
            return Err(Capped::TooLarge);
        }
        chunks.push(chunk);
    }
    let mut bytes = vec![0; total];
    let mut at = 0;
    for chunk in &chunks {
        let end = at + chunk.length() as usize;
        chunk.copy_to(bytes.get_mut(at..end).ok_or(Capped::Unreadable)?);
        at = end;
    }
    Ok(bytes)
}

/// The body as text the way `Response.text()` reads it: UTF-8, a leading
/// byte-order mark dropped, invalid bytes replaced (lenient, never lost).
fn decode_utf8(bytes: Vec<u8>) -> String {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    text
}

/// A content type that means an HTML page came back where a feed was
/// expected. Feeds are often served as `text/plain` or
/// `application/octet-stream`; only HTML is certainly not one.
fn is_page(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "text/html" || essence == "application/xhtml+xml"
}
