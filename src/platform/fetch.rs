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
//! compressed body that decodes past the cap). A body is taken in chunk by
//! chunk as it arrives, in slices that yield to the browser: a packed
//! catalog or a model as bytes, a JSON feed decoded to text on the way
//! (`TextDecoder`, streaming), so no single task copies or checks the whole
//! of a large feed. `platform::cache` keeps the file on the device from
//! the chunks, which are already in JavaScript (a `Blob` made of one `Blob`
//! per chunk, no copy out of the widget's memory), and revalidates it with
//! the ETag this module reports.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::core::catalog;

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

/// A body as read: bytes, or a text feed already decoded.
pub enum Body {
    /// Bytes as sent: a packed catalog, a model, or a text feed when the
    /// browser could not decode it on the way (see [`Body::into_text`]).
    Bytes(Vec<u8>),
    /// A text feed decoded as `Response.text()` decodes.
    Text(String),
}

impl Body {
    /// The body's bytes (a text body as UTF-8).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Body::Bytes(bytes) => bytes,
            Body::Text(text) => text.into_bytes(),
        }
    }

    /// The body as text: UTF-8, a leading byte-order mark dropped, invalid
    /// bytes replaced.
    pub fn into_text(self) -> String {
        match self {
            Body::Bytes(bytes) => decode_utf8(bytes),
            Body::Text(text) => text,
        }
    }
}

/// How a body is taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// As bytes (a model).
    Bytes,
    /// A catalog: bytes when it starts like a packed catalog, else decoded
    /// to text while it arrives.
    Feed,
}

/// Given a copy of a body read whole (its chunks as one `Blob`, with the
/// ETag and its length), to keep it. A body cut off or refused is never
/// handed over.
pub type OnResponse<'a> = Option<&'a dyn Fn(&Response)>;

/// A body read whole, or the server's word that the copy held is current.
pub enum Fetched {
    Body {
        body: Body,
        /// The body's `ETag`, to revalidate a kept copy with next time.
        etag: Option<String>,
    },
    /// `304 Not Modified`: answered only to a request sent with an ETag.
    NotModified,
}

/// Fetches `url` with credentials only for the same origin, giving up
/// after `timeout_ms` (headers and body together). With `etag`, asks only
/// for a body that changed (`If-None-Match`). `on_response` gets a copy of
/// the body once it is read whole.
pub async fn get(
    url: &str,
    timeout_ms: u32,
    etag: Option<&str>,
    read: Read,
    on_response: OnResponse<'_>,
) -> Result<Fetched, FetchError> {
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
    if let Some(etag) = etag {
        let headers = Headers::new().map_err(|_| network())?;
        headers.set("If-None-Match", etag).map_err(|_| network())?;
        init.set_headers(&headers);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| failed(network()))?;
    let response: Response = response.dyn_into().map_err(|_| network())?;
    if response.status() == 304 && etag.is_some() {
        return Ok(Fetched::NotModified);
    }
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
    let declared = header("content-length").and_then(|n| n.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        // Stops the download: the body is never read.
        controller.abort();
        return Err(FetchError::TooLarge {
            url: url.to_string(),
            limit: MAX_BODY,
        });
    }
    let etag = header("etag");
    let size_hint = declared.map_or(0, |n| n as usize);
    let mut chunks = Vec::new();
    let keep = on_response.is_some().then_some(&mut chunks);
    let (body, length) = read_capped(&response, Some(&controller), read, size_hint, keep)
        .await
        .map_err(|e| failed(e.into_error(url)))?;
    if let Some(copy) = on_response.zip(copy_of(&chunks, etag.as_deref(), length)) {
        (copy.0)(&copy.1);
    }
    Ok(Fetched::Body { body, etag })
}

/// Reads a response's body (fetched, or kept in the device's cache) within
/// the size cap. `size_hint`: the length the server declared (or a kept
/// copy was kept with), 0 if none.
pub async fn read_body(
    url: &str,
    response: &Response,
    controller: Option<&AbortController>,
    read: Read,
    size_hint: usize,
) -> Result<Body, FetchError> {
    read_capped(response, controller, read, size_hint, None)
        .await
        .map(|(body, _)| body)
        .map_err(|e| e.into_error(url))
}

/// The length a response declares (`Content-Length`), 0 when none: room
/// to take its body in at once.
pub fn declared_length(response: &Response) -> usize {
    response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .map_or(0, |n| n.min(MAX_BODY))
}

/// A response holding a body's `chunks` (one `Blob` each), just read, its
/// ETag and its length, to keep. A `Blob` of `Blob`s only refers to them:
/// one `Blob` of the chunks' bytes copied them all in one task (46 ms for
/// a 36 MB feed), and the Cache API stores it without the page's help.
fn copy_of(chunks: &[web_sys::Blob], etag: Option<&str>, length: usize) -> Option<Response> {
    let parts = js_sys::Array::new_with_length(chunks.len() as u32);
    for (at, chunk) in chunks.iter().enumerate() {
        parts.set(at as u32, chunk.into());
    }
    let blob = web_sys::Blob::new_with_blob_sequence(&parts).ok()?;
    let headers = Headers::new().ok()?;
    if let Some(etag) = etag {
        headers.set("etag", etag).ok()?;
    }
    // Read back, the copy is then taken in at once in exactly its room.
    headers.set("content-length", &length.to_string()).ok()?;
    let init = web_sys::ResponseInit::new();
    init.set_headers(&headers);
    Response::new_with_opt_blob_and_init(Some(&blob), &init).ok()
}

enum Capped {
    TooLarge,
    Unreadable,
}

impl Capped {
    fn into_error(self, url: &str) -> FetchError {
        let url = url.to_string();
        match self {
            Capped::TooLarge => FetchError::TooLarge {
                url,
                limit: MAX_BODY,
            },
            Capped::Unreadable => FetchError::Body { url },
        }
    }
}

/// Reads the body chunk by chunk, counting the bytes as they arrive: a body
/// sent without a length (chunked) or compressed far below its decoded size
/// stops downloading the moment it passes the cap. Each chunk goes into
/// the widget's memory as it comes, and the loop yields every slice: a
/// body already downloaded would otherwise be read in one long task (each
/// `read()` resolves at once, as a microtask). With `keep`, each chunk is
/// also kept as a `Blob` of its own. Gives the body and its length.
async fn read_capped(
    response: &Response,
    controller: Option<&AbortController>,
    read: Read,
    size_hint: usize,
    mut keep: Option<&mut Vec<web_sys::Blob>>,
) -> Result<(Body, usize), Capped> {
    let mut sink = Sink::Undecided {
        read,
        head: Vec::new(),
        reserve: size_hint.min(MAX_BODY),
    };
    let Some(stream) = response.body() else {
        return Ok((sink.finish(), 0));
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream
        .get_reader()
        .dyn_into()
        .map_err(|_| Capped::Unreadable)?;
    let mut total = 0usize;
    // A body in memory (a kept copy) is there at once: its first slice
    // would otherwise run on in the task that started reading it (the
    // widget's start, 15-25 ms of its own).
    super::yield_to_browser().await;
    let mut slices = super::Slices::start();
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
            if let Some(controller) = controller {
                controller.abort();
            }
            return Err(Capped::TooLarge);
        }
        if let Some(kept) = keep.as_deref_mut() {
            // Copies this chunk now, not all of them at the end.
            let parts = js_sys::Array::of1(&chunk);
            kept.push(
                web_sys::Blob::new_with_u8_array_sequence(&parts)
                    .map_err(|_| Capped::Unreadable)?,
            );
        }
        // The network hands over up to a few MB at once: decoding that in
        // one go would be a long task of its own, so it goes in pieces.
        let length = chunk.length();
        let mut at = 0;
        while at < length {
            let end = length.min(at.saturating_add(PIECE));
            sink.make_room((length - at) as usize);
            sink = sink.take(&chunk.subarray(at, end));
            at = end;
            slices.pause_if_due().await;
        }
    }
    Ok((sink.finish(), total))
}

/// Where a body's chunks go. Whether a catalog is packed is told by its
/// first bytes, so they wait until there are enough of them.
enum Sink {
    Undecided {
        read: Read,
        head: Vec<u8>,
        reserve: usize,
    },
    Bytes(Vec<u8>),
    Text {
        decoder: web_sys::TextDecoder,
        text: String,
    },
}

/// Most bytes taken in at once between two looks at the clock (about a
/// millisecond of decoding).
const PIECE: u32 = 256 * 1024;

/// Bytes enough to tell a packed catalog by (its magic number).
const HEAD: usize = 4;

impl Sink {
    fn take(self, chunk: &js_sys::Uint8Array) -> Self {
        match self {
            Sink::Undecided {
                read,
                mut head,
                reserve,
            } => {
                append(&mut head, chunk);
                if head.len() < HEAD && read == Read::Feed {
                    Sink::Undecided {
                        read,
                        head,
                        reserve,
                    }
                } else {
                    Self::decide(read, head, reserve)
                }
            }
            Sink::Bytes(mut bytes) => {
                append(&mut bytes, chunk);
                Sink::Bytes(bytes)
            }
            Sink::Text { decoder, mut text } => {
                if push_decoded(&decoder, &mut text, chunk, true) {
                    Sink::Text { decoder, text }
                } else {
                    // Nothing is lost: the rest is taken as bytes, and the
                    // whole decoded at the end.
                    let mut bytes = text.into_bytes();
                    append(&mut bytes, chunk);
                    Sink::Bytes(bytes)
                }
            }
        }
    }

    /// Makes room for the `length` bytes left of a chunk (decoded text is
    /// no longer than its bytes). A chunk as large as everything before it
    /// (a kept copy comes whole) gets exactly its room: doubling would leave a
    /// 36 MB feed in a 64 MB buffer, and wasm memory never shrinks.
    fn make_room(&mut self, length: usize) {
        let (held, free) = match self {
            Sink::Bytes(bytes) => (bytes.len(), bytes.capacity() - bytes.len()),
            Sink::Text { text, .. } => (text.len(), text.capacity() - text.len()),
            Sink::Undecided { .. } => return,
        };
        if free >= length || length < held {
            return;
        }
        match self {
            Sink::Bytes(bytes) => bytes.reserve_exact(length),
            Sink::Text { text, .. } => text.reserve_exact(length),
            Sink::Undecided { .. } => {}
        }
    }

    /// Bytes for a model or a packed catalog (or when the browser has no
    /// usable `TextDecoder`), text for any other feed.
    fn decide(read: Read, head: Vec<u8>, reserve: usize) -> Self {
        let text_decoder = (read == Read::Feed && !catalog::pack::is_packed(&head))
            .then(web_sys::TextDecoder::new)
            .and_then(Result::ok);
        match text_decoder {
            Some(decoder) => {
                let mut text = String::with_capacity(reserve);
                let chunk = js_sys::Uint8Array::from(head.as_slice());
                if push_decoded(&decoder, &mut text, &chunk, true) {
                    Sink::Text { decoder, text }
                } else {
                    Sink::Bytes(head)
                }
            }
            None => {
                let mut bytes = head;
                bytes.reserve(reserve.saturating_sub(bytes.len()));
                Sink::Bytes(bytes)
            }
        }
    }

    fn finish(self) -> Body {
        match self {
            Sink::Undecided {
                read,
                head,
                reserve,
            } => Self::decide(read, head, reserve).finish(),
            Sink::Bytes(bytes) => Body::Bytes(bytes),
            Sink::Text { decoder, mut text } => {
                // Flushes a code point cut off at the end (as U+FFFD).
                let end = js_sys::Uint8Array::new_with_length(0);
                push_decoded(&decoder, &mut text, &end, false);
                Body::Text(text)
            }
        }
    }
}

/// Appends a chunk's bytes to `bytes`.
fn append(bytes: &mut Vec<u8>, chunk: &js_sys::Uint8Array) {
    let at = bytes.len();
    bytes.resize(at + chunk.length() as usize, 0);
    if let Some(tail) = bytes.get_mut(at..) {
        chunk.copy_to(tail);
    }
}

/// Decodes a chunk onto `text`; `more`: chunks follow (a code point may
/// continue in the next one). The decoder is lenient (invalid bytes become
/// U+FFFD) and drops a leading byte-order mark, as `Response.text()` does.
/// False when it threw (only a host page that broke `TextDecoder` makes a
/// lenient one throw).
fn push_decoded(
    decoder: &web_sys::TextDecoder,
    text: &mut String,
    chunk: &js_sys::Uint8Array,
    more: bool,
) -> bool {
    let options = web_sys::TextDecodeOptions::new();
    options.set_stream(more);
    match decoder.decode_with_buffer_source_and_options(chunk, &options) {
        Ok(decoded) => {
            text.push_str(&decoded);
            true
        }
        Err(_) => false,
    }
}

/// The body as text the way `Response.text()` reads it: UTF-8, a leading
/// byte-order mark dropped, invalid bytes replaced (lenient, never lost).
pub fn decode_utf8(bytes: Vec<u8>) -> String {
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
