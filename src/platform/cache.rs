//! The shop's files kept on the device (Cache API): the catalog, and the
//! owner's model and rules when set. A returning shopper's page does not
//! download them again: the kept copy is revalidated with its ETag
//! (`If-None-Match`; a `304` means the copy is used), replaced when the
//! shop's file changed, and used as it is when the shop cannot be reached.
//!
//! What is kept is the shop's public files, and the content index built
//! from the catalog (so a returning shopper's page does not build it again),
//! never anything about the shopper. A browser without the Cache API, or one that refuses it
//! (private modes, storage blocked, a page that replaced `caches`), gets a
//! plain fetch and no error: every cache call goes through `Reflect` and
//! `Function::call`, so a throwing or missing method is a `None`, never an
//! exception through the widget.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::fetch::{self, Body, FetchError, Fetched, Read};
use crate::core::rank::{
    ContentIndex, Engine, KeptArrays, KeptHeader, KeptIndexError, HEADER_BYTES,
};

/// The Cache API bucket Tailor uses on the shop's origin (named when it
/// held the catalog alone; kept so copies already on devices stay found).
const CACHE_NAME: &str = "tailor-catalog";

/// Where the catalog bytes came from (reported in `tailor:ready`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Downloaded (nothing kept yet, the feed changed, or no cache).
    Network,
    /// The kept copy, confirmed current by the server (`304`).
    Revalidated,
    /// The kept copy, because the server could not be asked.
    Kept,
    /// The kept copy, shown at once; the server is asked in the background
    /// whether the file changed (stale-while-revalidate).
    Cached,
    /// The server's new file, which replaced the kept copy shown first.
    Updated,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Network => "network",
            Source::Revalidated => "revalidated",
            Source::Kept => "kept",
            Source::Cached => "cached",
            Source::Updated => "updated",
        }
    }
}

/// A shop file's bytes (model, rules): the kept copy when it is current
/// (or the shop is unreachable), otherwise the download, which is then kept.
pub async fn shop_file_bytes(url: &str, timeout_ms: u32) -> Result<(Vec<u8>, Source), FetchError> {
    let cache = open().await;
    let kept = match &cache {
        Some(cache) => call(cache, "match", &JsValue::from_str(url))
            .await
            .and_then(|r| r.dyn_into::<Response>().ok()),
        None => None,
    };
    let etag = kept
        .as_ref()
        .and_then(|r| r.headers().get("etag").ok().flatten())
        // A cross-origin feed would need a CORS preflight for the header;
        // the browser's own HTTP cache revalidates it instead.
        .filter(|_| same_origin(url));
    let keep_copy = |response: &Response| {
        if let Some(cache) = &cache {
            keep(cache.clone(), url, response);
        }
    };
    let fetched = fetch::get(
        url,
        timeout_ms,
        etag.as_deref(),
        Read::Bytes,
        Some(&keep_copy),
    );
    match fetched.await {
        Ok(Fetched::Body { body, .. }) => Ok((body.into_bytes(), Source::Network)),
        // The kept copy is held open, so it can still be read.
        Ok(Fetched::NotModified) => read(url, kept, Read::Bytes)
            .await
            .map(|body| (body.into_bytes(), Source::Revalidated))
            .ok_or(FetchError::Body {
                url: url.to_string(),
            }),
        Err(error) => match read(url, kept, Read::Bytes).await {
            Some(body) => Ok((body.into_bytes(), Source::Kept)),
            None => Err(error),
        },
    }
}

/// A shop file's copy as kept on the device.
pub struct Kept {
    pub body: Body,
    /// The ETag to revalidate it with; `None` for a copy kept without one,
    /// or of a cross-origin file (whose header would need a CORS preflight).
    pub etag: Option<String>,
}

/// Tailor's cache opened for one shop file: its kept copy can be read at
/// once, to show, and replaced once the server sent a changed file.
pub struct Shelf {
    url: String,
    cache: Option<JsValue>,
    /// What the loader found kept (a `Response`, or nothing), when it
    /// opened the cache early.
    found: Option<JsValue>,
    /// The loader's read of the kept content index (a promise of its bytes,
    /// or of nothing), taken by the first [`Self::kept_index`].
    early_index: std::cell::RefCell<Option<Promise>>,
}

impl Shelf {
    /// Opens the cache, or takes it as the loader (`www/loader/tailor.js`)
    /// opened it while the wasm downloaded and compiled: `early` is its
    /// `[url, cache, found]` (`found`: the kept copy, already read into
    /// memory, or nothing). When the loader read another file or failed
    /// (`early` is then undefined), the cache is opened and read here.
    pub async fn open(url: &str, early: &JsValue) -> Self {
        let url = url.to_string();
        if let Some((cache, found, index)) = early_read(early, &url) {
            return Self {
                url,
                cache: Some(cache),
                found: Some(found),
                early_index: std::cell::RefCell::new(index.dyn_into().ok()),
            };
        }
        Self {
            url,
            cache: open().await,
            found: None,
            early_index: std::cell::RefCell::new(None),
        }
    }

    /// The kept copy, or `None` when there is none (or no usable cache).
    pub async fn kept(&self) -> Option<Kept> {
        let url = self.url.as_str();
        let found = match &self.found {
            Some(found) => found.clone(),
            None => call(self.cache.as_ref()?, "match", &JsValue::from_str(url)).await?,
        };
        let response: Response = found.dyn_into().ok()?;
        let etag = response
            .headers()
            .get("etag")
            .ok()
            .flatten()
            .filter(|_| same_origin(url));
        let body = read(url, Some(response), Read::Feed).await?;
        Some(Kept { body, etag })
    }

    /// Keeps `copy`, a body read whole, as the file's copy, in the
    /// background (for [`fetch::get`]'s `on_response`).
    pub fn keep(&self, response: &Response) {
        if let Some(cache) = &self.cache {
            keep(cache.clone(), &self.url, response);
        }
    }
}

/// The cache, what it holds for `url` and the read of its content index,
/// from the loader's early read.
fn early_read(early: &JsValue, url: &str) -> Option<(JsValue, JsValue, JsValue)> {
    let read: &js_sys::Array = early.dyn_ref()?;
    let cache = read.get(1);
    (read.get(0).as_string()? == url && cache.is_object())
        .then(|| (cache, read.get(2), read.get(3)))
}

async fn read(url: &str, kept: Option<Response>, how: Read) -> Option<Body> {
    let kept = kept?;
    // Kept with its length (and the loader's read gives it too).
    let length = fetch::declared_length(&kept);
    fetch::read_body(url, &kept, None, how, length).await.ok()
}

/// Tailor's cache, or `None` when the browser has none or refuses it.
async fn open() -> Option<JsValue> {
    let window = web_sys::window()?;
    let storage = Reflect::get(&window, &JsValue::from_str("caches")).ok()?;
    if !storage.is_object() {
        return None;
    }
    call(&storage, "open", &JsValue::from_str(CACHE_NAME)).await
}

/// Keeps `copy` (a body read whole, see [`fetch::OnResponse`]) as the copy
/// of `url`, in the background; a failure (quota, storage blocked) only
/// means the next page view downloads again.
fn keep(cache: JsValue, url: &str, copy: &Response) {
    let Some(put) = method(&cache, "put") else {
        return;
    };
    let request = JsValue::from_str(url);
    // The handle, not `Response.clone()`.
    let copy: Response = Clone::clone(copy);
    wasm_bindgen_futures::spawn_local(async move {
        // In a task of its own: the call takes a few milliseconds, and the
        // body was just read to its end in the current one.
        super::yield_to_browser().await;
        if let Ok(promise) = put.call2(&cache, &request, &copy) {
            let _ = JsFuture::from(Promise::resolve(&promise)).await;
        }
    });
}

fn method(target: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// `target[name](argument)`, awaited; `None` when it is missing, throws or
/// rejects, or resolves to nothing.
async fn call(target: &JsValue, name: &str, argument: &JsValue) -> Option<JsValue> {
    let result = method(target, name)?.call1(target, argument).ok()?;
    let value = JsFuture::from(Promise::resolve(&result)).await.ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// Whether `url` (relative to the page) is on the page's own origin.
fn same_origin(url: &str) -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    let (Ok(base), Ok(origin)) = (location.href(), location.origin()) else {
        return false;
    };
    web_sys::Url::new_with_base(url, &base).is_ok_and(|u| u.origin() == origin)
}

// --- The content index kept beside the catalog (`core::rank::kept`) -------

/// The Cache API key of the content index built from the catalog at `url`:
/// never fetched, only matched. The query goes before any fragment, which
/// the Cache API ignores (the key would then be the catalog's own).
fn index_url(url: &str) -> String {
    let end = url.bytes().position(|b| b == b'#').unwrap_or(url.len());
    let url = url.get(..end).unwrap_or(url);
    let join = if url.contains('?') { '&' } else { '?' };
    format!("{url}{join}tailor-content-index")
}

impl Shelf {
    /// Whether a content index can be kept and read here (the browser
    /// gave a cache).
    pub fn keeps(&self) -> bool {
        self.cache.is_some()
    }

    /// The content index kept for this catalog, as the Cache API gives it
    /// (in JavaScript's memory, not the widget's), or `None`.
    pub async fn kept_index(&self) -> Option<js_sys::ArrayBuffer> {
        let early = self.early_index.borrow_mut().take();
        if let Some(read) = early {
            return JsFuture::from(read).await.ok()?.dyn_into().ok();
        }
        let cache = self.cache.as_ref()?;
        let found = call(cache, "match", &JsValue::from_str(&index_url(&self.url))).await?;
        let response: Response = found.dyn_into().ok()?;
        let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
        buffer.dyn_into().ok()
    }

    /// Keeps `engine`'s content index for the catalog with digest `catalog`,
    /// in the background, after the recommendations are painted; a failure
    /// (quota, storage blocked) only means the next page view builds it.
    pub fn keep_index(&self, engine: std::sync::Arc<Engine>, catalog: u64) {
        let (Some(cache), url) = (self.cache.clone(), index_url(&self.url)) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            super::yield_to_browser().await;
            let Some(put) = method(&cache, "put") else {
                return;
            };
            let Some(response) = index_response(engine.content_index(), catalog) else {
                return;
            };
            drop(engine);
            if let Ok(promise) = put.call2(&cache, &JsValue::from_str(&url), &response) {
                let _ = JsFuture::from(Promise::resolve(&promise)).await;
            }
        });
    }
}

/// The index as one Blob: its header, then each array copied straight into
/// JavaScript's memory (the widget's memory holds no second copy).
fn index_response(index: &ContentIndex, catalog: u64) -> Option<Response> {
    let header = index.kept_header(catalog);
    let parts = index.parts();
    let arrays: [JsValue; 8] = [
        js_sys::Uint8Array::from(&header[..]).into(),
        js_sys::Uint32Array::from(parts.doc_start).into(),
        js_sys::Uint32Array::from(parts.post_start).into(),
        js_sys::Float32Array::from(parts.idf).into(),
        js_sys::Float32Array::from(parts.norm).into(),
        js_sys::Float32Array::from(parts.log_price).into(),
        js_sys::Uint8Array::from(parts.doc_terms).into(),
        js_sys::Uint8Array::from(parts.post_items).into(),
    ];
    // Set by index, not with `push`: a host page may have replaced it.
    let sequence = js_sys::Array::new_with_length(arrays.len() as u32);
    for (i, array) in arrays.iter().enumerate() {
        sequence.set(i as u32, array.clone());
    }
    let blob = web_sys::Blob::new_with_u8_array_sequence(&sequence).ok()?;
    Response::new_with_opt_blob(Some(&blob)).ok()
}

/// The content index in `buffer` (see [`Shelf::kept_index`]), if it was
/// kept by this build for this catalog (digest `catalog`, `products`
/// products) and is whole: each array is copied once into the widget.
pub fn read_index(
    buffer: &js_sys::ArrayBuffer,
    catalog: u64,
    products: usize,
) -> Result<ContentIndex, KeptIndexError> {
    let length = buffer.byte_length() as usize;
    if length < HEADER_BYTES {
        return Err(KeptIndexError::NotAnIndex);
    }
    let header =
        js_sys::Uint8Array::new_with_byte_offset_and_length(buffer, 0, HEADER_BYTES as u32)
            .to_vec();
    let header = KeptHeader::read(&header, catalog, products)?;
    let layout = header.layout();
    if layout.total != length {
        return Err(KeptIndexError::Length {
            found: length,
            expected: layout.total,
        });
    }
    // Every section is within the buffer (its length was checked) and
    // 4-byte aligned where it holds words.
    let words = |(at, items): (usize, usize)| {
        let mut out = vec![0u32; items];
        js_sys::Uint32Array::new_with_byte_offset_and_length(buffer, at as u32, items as u32)
            .copy_to(&mut out);
        out
    };
    let floats = |(at, items): (usize, usize)| {
        let mut out = vec![0f32; items];
        js_sys::Float32Array::new_with_byte_offset_and_length(buffer, at as u32, items as u32)
            .copy_to(&mut out);
        out
    };
    let bytes = |(at, items): (usize, usize)| {
        let mut out = vec![0u8; items];
        js_sys::Uint8Array::new_with_byte_offset_and_length(buffer, at as u32, items as u32)
            .copy_to(&mut out);
        out
    };
    let arrays = KeptArrays {
        doc_start: words(layout.doc_start),
        post_start: words(layout.post_start),
        idf: floats(layout.idf),
        norm: floats(layout.norm),
        log_price: floats(layout.log_price),
        doc_terms: bytes(layout.doc_terms),
        post_items: bytes(layout.post_items),
    };
    ContentIndex::from_kept(&header, arrays)
}
