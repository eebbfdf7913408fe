//! The browser shell: boots Tailor from its script tag, turns the page's
//! signals and `tailor(...)` commands into `core` events, keeps the
//! shopper's memory in storage, fetches the catalog, and hands reactive
//! state to `ui`. Every failure is reported (console warning and
//! `tailor:error`) and the widget hides; nothing panics into the host page.

pub mod cache;
pub mod extras;
pub mod fetch;
pub mod format;
pub mod page;
pub mod report;
pub mod send;
pub mod storage;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use gloo_events::EventListener;
use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::core::catalog;
use crate::core::commands::{self, Command, Order};
use crate::core::events::{Event, EventKind};
use crate::core::i18n::{language_of, Strings};
use crate::core::privacy::{self, ConsentSetting, Mode, PageOnlyReason};
use crate::core::rank::{self, Engine, EngineBuilder};
use crate::core::settings::Settings;
use crate::core::store::{self, Limits, Memory, Signal};
use crate::core::survey::{Answer, Occasion, Offer};
use storage::Storage;

/// Where the catalog is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Loading,
    Ready,
    /// Nothing can be shown; slots stay empty.
    Failed,
}

/// The reactive state components read. Copy, so views can capture it.
#[derive(Clone, Copy)]
pub struct State {
    pub memory: RwSignal<Memory>,
    pub engine: RwSignal<Option<Arc<Engine>>>,
    pub status: RwSignal<Status>,
    pub page: StoredValue<Arc<PageInfo>>,
    /// The order reported on this page by `tailor('purchase', …)`.
    pub last_order: RwSignal<Option<Order>>,
    /// What Tailor may keep (GPC, DNT, consent): shown in the memory panel.
    pub mode: RwSignal<Mode>,
    /// Whether the "what Tailor remembers" panel is open.
    pub memory_panel_open: RwSignal<bool>,
    /// The survey to show now, once `core::survey` allowed it.
    pub survey: RwSignal<Option<Offer>>,
    /// A return visit (and the owner keeps the greeting on): say welcome back.
    pub returning: RwSignal<bool>,
}

impl State {
    /// State for a page: components render as soon as `engine` is set.
    pub fn new(memory: Memory, engine: Option<Engine>, info: PageInfo) -> Self {
        let ready = engine.is_some();
        Self {
            memory: RwSignal::new(memory),
            engine: RwSignal::new(engine.map(Arc::new)),
            status: RwSignal::new(if ready {
                Status::Ready
            } else {
                Status::Loading
            }),
            page: StoredValue::new(Arc::new(info)),
            last_order: RwSignal::new(None),
            mode: RwSignal::new(Mode::Remember),
            memory_panel_open: RwSignal::new(false),
            survey: RwSignal::new(None),
            returning: RwSignal::new(false),
        }
    }
}

/// What is fixed for this page view.
pub struct PageInfo {
    pub settings: Settings,
    /// The product this page is about, if any.
    pub on_screen: Option<String>,
    pub host: String,
    pub strings: Strings,
    /// BCP 47 tag for number formatting.
    pub locale: String,
}

/// The non-reactive parts: storage and listeners, owned for the page's life.
struct Runtime {
    state: State,
    /// Local storage or page memory, as the privacy mode allows; replaced
    /// when the shopper gives or withdraws consent.
    storage: RefCell<Storage>,
    privacy: privacy::Inputs,
    limits: Limits,
    /// Products this page is about, and when they were last in sight (ms),
    /// for recording how long they were looked at.
    on_page: Vec<String>,
    visible_since: Cell<Option<f64>>,
    dwell_seconds: Cell<u32>,
    _listeners: Vec<EventListener>,
    /// Events this tab wrote lately (with `Date.now()`): browsers sync
    /// localStorage between tabs asynchronously, so a tab writing at the
    /// same moment may overwrite them; its storage event shows it and they
    /// are written again.
    journal: RefCell<Vec<(f64, Event)>>,
}

/// How long this tab watches its own writes for a lost update (ms).
const JOURNAL_MS: f64 = 10_000.0;

/// The privacy-related settings Tailor reads besides `Settings`.
struct PrivacySettings {
    consent: ConsentSetting,
    search_param: Option<String>,
    limits: Limits,
}

fn privacy_settings(pairs: &[(String, String)]) -> PrivacySettings {
    let mut out = PrivacySettings {
        consent: ConsentSetting::default(),
        search_param: None,
        limits: Limits::default(),
    };
    for (name, value) in pairs {
        match name.as_str() {
            "consent" => match ConsentSetting::parse(value) {
                Ok(c) => out.consent = c,
                Err(e) => report::error("settings", &e.to_string()),
            },
            "search-param" | "searchParam" => {
                let v = value.trim();
                out.search_param = (!v.is_empty()).then(|| v.to_string());
            }
            "retention-days" | "retentionDays" => match out.limits.with_retention(value) {
                Ok(l) => out.limits = l,
                Err(e) => report::error("settings", &e.to_string()),
            },
            _ => {}
        }
    }
    out
}

thread_local! {
    static RUNTIME: RefCell<Option<Rc<Runtime>>> = const { RefCell::new(None) };
}

fn with_runtime<R>(f: impl FnOnce(&Runtime) -> R) -> Option<R> {
    let runtime = RUNTIME.with(|r| r.borrow().clone())?;
    Some(f(&runtime))
}

/// Starts Tailor. Called once by the loader with its own script element
/// (or null), `window.tailorConfig` (or undefined) and its early read of
/// the catalog kept on the device (see [`cache::Shelf::open`]; undefined
/// when it did not start one).
#[wasm_bindgen]
pub fn boot(script: JsValue, config: JsValue, early: JsValue) {
    if RUNTIME.with(|r| r.borrow().is_some()) {
        report::warn("Tailor: already started on this page; ignoring the second start");
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let script: Option<web_sys::Element> = script.dyn_into().ok();
    let (settings, setting_errors) = page::settings(script.as_ref(), &config);
    for e in &setting_errors {
        report::error("settings", &e.to_string());
    }
    let extra = privacy_settings(&page::setting_pairs(script.as_ref(), &config));
    let (local, storage_error) = Storage::open();
    if let Some(e) = storage_error {
        report::debug(settings.debug, &e.to_string());
    }
    let (gpc, dnt) = page::privacy_signals();
    let privacy = privacy::Inputs {
        global_privacy_control: gpc,
        do_not_track: dnt,
        consent_setting: extra.consent,
        consent: storage::read_consent(),
        storage_available: local.is_persistent(),
    };
    let mode = privacy::decide(privacy);
    let storage = storage_for(mode, local);
    let (mut memory, load_error) = storage.load();
    if let Some(e) = load_error {
        report::error("storage", &e.to_string());
    }

    let viewed = page::viewed_products(&document);
    let now = now_seconds();
    let returning = memory.recall.visit(now) && settings.greeting;
    if mode.records() {
        for id in &viewed {
            memory
                .history
                .push(Event::new(id.clone(), EventKind::View, now));
        }
        if let Some(terms) = extra.search_param.as_deref().and_then(page::search_terms) {
            memory.learn_search(&terms, now);
        }
        if let Err(e) = storage.save_within(&mut memory, now, extra.limits) {
            report::error("storage", &e.to_string());
        }
    }

    let locale = settings
        .locale
        .clone()
        .or_else(|| page::language(&document))
        .unwrap_or_else(|| "en".to_string());
    let strings = crate::ui::strings_for(&language_of(&locale));
    let info = PageInfo {
        on_screen: viewed.first().cloned(),
        host: page::host(),
        strings,
        locale,
        settings,
    };
    let delivery_listeners = send::start(&info.settings, &document);
    let catalog_url = info.settings.catalog.clone();
    let owner_settings = info.settings.clone();
    let state = State::new(memory, None, info);
    state.mode.set(mode);
    let listeners: Vec<EventListener> = vec![
        page::listen_add_to_cart(&document, |id| {
            record(Event::new(id, EventKind::Cart, now_seconds()))
        }),
        listen_recommendation_clicks(&document),
        listen_other_tabs(),
        EventListener::new(&document, "visibilitychange", |_| note_visibility()),
    ]
    .into_iter()
    .chain(web_sys::window().map(|w| EventListener::new(&w, "pagehide", |_| page_hidden())))
    .collect();
    let visible = !document.hidden();
    state.returning.set(returning);
    RUNTIME.with(|r| {
        *r.borrow_mut() = Some(Rc::new(Runtime {
            state,
            storage: RefCell::new(storage),
            privacy,
            limits: extra.limits,
            on_page: viewed.clone(),
            visible_since: Cell::new(visible.then(js_sys::Date::now)),
            dwell_seconds: Cell::new(0),
            _listeners: listeners.into_iter().chain(delivery_listeners).collect(),
            journal: RefCell::new(Vec::new()),
        }))
    });

    crate::ui::mount_slots(&document, state);
    if !viewed.is_empty() {
        offer_survey(Occasion::Views(distinct_views(&state)));
    }

    let Some(url) = catalog_url else {
        report::error(
            "settings",
            "no catalog: add data-catalog=\"/path/catalog.json\" to the script tag",
        );
        state.status.set(Status::Failed);
        return;
    };
    wasm_bindgen_futures::spawn_local(load_catalog(url, owner_settings, state, viewed, early));
}

/// Shows the catalog. A copy kept on the device that the shop can
/// revalidate (it has an ETag) is shown at once, and the shop is asked
/// meanwhile whether its feed changed: unchanged (`304`) or unreachable,
/// nothing more happens; changed, the new feed is kept, read and shown on
/// this same page view (a second `tailor:ready`, `catalog: "updated"`).
/// Otherwise the feed is downloaded first. A failure is reported once.
/// `early`: the loader's read of the kept copy, made while the wasm
/// compiled; without it, the copy is read here.
async fn load_catalog(
    url: String,
    owner: Settings,
    state: State,
    viewed: Vec<String>,
    early: JsValue,
) {
    let timeout_ms = owner.timeout_ms;
    let started = now_ms();
    let shelf = cache::Shelf::open(&url, &early).await;
    let kept = shelf.kept().await;
    let Some(cache::Kept {
        body,
        etag: Some(etag),
    }) = kept
    else {
        // Nothing kept, or no ETag to ask whether it changed: download.
        let kept = kept.map(|k| k.body);
        // The model and rules download while the catalog does.
        let (loaded, extras) = futures::future::join(
            async {
                let (body, source) = download(&shelf, &url, timeout_ms, kept).await?;
                load_engine(&url, body, source, now_ms() - started, &shelf).await
            },
            extras::load(&owner),
        )
        .await;
        match loaded {
            Ok(loaded) => show(state, loaded, &extras, Some(&viewed), &shelf).await,
            Err(message) => fail(state, &message),
        }
        return;
    };

    // The shop is asked while the kept copy is read, indexed and shown.
    let keep_copy = |response: &web_sys::Response| shelf.keep(response);
    let revalidation = async {
        let asked = now_ms();
        let read = fetch::Read::Feed;
        let answer = fetch::get(&url, timeout_ms, Some(&etag), read, Some(&keep_copy)).await;
        (answer, now_ms() - asked)
    };
    let painted = async {
        let (loaded, extras) = futures::future::join(
            load_engine(
                &url,
                body,
                cache::Source::Cached,
                now_ms() - started,
                &shelf,
            ),
            extras::load(&owner),
        )
        .await;
        // A kept copy this widget cannot read (damaged on the device) is
        // replaced by the shop's feed below, not reported.
        let shown = match loaded {
            Ok(loaded) => {
                show(state, loaded, &extras, Some(&viewed), &shelf).await;
                true
            }
            Err(_) => false,
        };
        (shown, extras)
    };
    let ((answer, fetch_ms), (painted, extras)) =
        futures::future::join(revalidation, painted).await;
    let fresh = match answer {
        // Kept (`keep_copy`) once read whole.
        Ok(fetch::Fetched::Body { body, .. }) => Ok((body, fetch_ms)),
        // Current, or the shop unreachable: the copy shown stands.
        Ok(fetch::Fetched::NotModified) | Err(_) if painted => return,
        // The kept copy was unreadable and the shop has nothing newer.
        Ok(fetch::Fetched::NotModified) => {
            let asked = now_ms();
            download(&shelf, &url, timeout_ms, None)
                .await
                .map(|(body, _)| (body, now_ms() - asked))
        }
        Err(e) => Err(e.to_string()),
    };
    let source = if painted {
        cache::Source::Updated
    } else {
        cache::Source::Network
    };
    let loaded = match fresh {
        Ok((body, fetch_ms)) => load_engine(&url, body, source, fetch_ms, &shelf).await,
        Err(message) => Err(message),
    };
    match loaded {
        // The model and rules already fetched serve the new feed too (a
        // broken model was reported once, above). This page's views were
        // learnt when the kept copy was shown.
        Ok(loaded) => {
            show(
                state,
                loaded,
                &extras,
                (!painted).then_some(&viewed),
                &shelf,
            )
            .await
        }
        // The kept copy stays on screen; the failure is still the owner's to know.
        Err(message) if painted => report::error("catalog", &message),
        Err(message) => fail(state, &message),
    }
}

/// The feed downloaded and kept, or, when the shop cannot be reached, the
/// copy kept on the device (`kept`).
async fn download(
    shelf: &cache::Shelf,
    url: &str,
    timeout_ms: u32,
    kept: Option<fetch::Body>,
) -> Result<(fetch::Body, cache::Source), String> {
    let keep_copy = |response: &web_sys::Response| shelf.keep(response);
    match fetch::get(url, timeout_ms, None, fetch::Read::Feed, Some(&keep_copy)).await {
        // Kept (`keep_copy`) once read whole.
        Ok(fetch::Fetched::Body { body, .. }) => Ok((body, cache::Source::Network)),
        // Only answered to a request that carried an ETag.
        Ok(fetch::Fetched::NotModified) => Err(fetch::FetchError::Body {
            url: url.to_string(),
        }
        .to_string()),
        Err(error) => kept
            .map(|body| (body, cache::Source::Kept))
            .ok_or_else(|| error.to_string()),
    }
}

/// Shows a catalog that was read: rails render and `tailor:ready` is sent.
/// `viewed`: this page's products, to learn from now that the catalog
/// knows them (`None` when a first copy already did). A content index
/// built here is kept on the `shelf` afterwards, for the next page view.
async fn show(
    state: State,
    loaded: (Engine, usize, Timings),
    extras: &extras::Extras,
    viewed: Option<&[String]>,
    shelf: &cache::Shelf,
) {
    let (engine, skipped, mut timings) = loaded;
    // Decoding and linking the model and compiling the rules count as
    // indexing; they run in slices too.
    let applying = now_ms();
    let engine = extras.apply(engine).await;
    timings.index_ms += now_ms() - applying;
    // Ranking and painting run when the engine is set: in a task of their
    // own, not after the last slice of building.
    yield_to_browser().await;
    let debug = state.page.with_value(|info| info.settings.debug);
    report::debug(
        debug,
        &format!(
            "catalog: {} products, {} skipped",
            engine.catalog().len(),
            skipped
        ),
    );
    let engine = Arc::new(engine);
    state.engine.set(Some(Arc::clone(&engine)));
    state.status.set(Status::Ready);
    if let Some(viewed) = viewed {
        // This page's views count as glances until the shopper has
        // looked for a few seconds (see `page_hidden`).
        learn_products(viewed, Signal::Event(EventKind::View, true));
    }
    emit_ready(state, timings);
    if let Some(digest) = timings.digest {
        shelf.keep_index(engine, digest);
    }
}

/// Nothing can be shown: reported once, slots stay empty.
fn fail(state: State, message: &str) {
    report::error("catalog", message);
    state.status.set(Status::Failed);
}

/// Where start-up time went, in milliseconds: reported in `tailor:ready`
/// so owners (and the browser benchmark) can see it.
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Timings {
    /// Where the catalog came from: `network`, `cached` (the copy kept on
    /// the device, shown at once while the shop is asked whether its feed
    /// changed), `updated` (the shop's changed feed, replacing the kept copy
    /// shown first) or `kept` (the shop unreachable, and no ETag to revalidate with).
    catalog: &'static str,
    /// `kept` when the content index an earlier page view built for this
    /// same catalog was read from the device, `built` otherwise.
    index: &'static str,
    fetch_ms: f64,
    parse_ms: f64,
    index_ms: f64,
    /// The catalog's digest, when its index was built here and is worth keeping.
    #[serde(skip)]
    digest: Option<u64>,
}

/// `performance.now()`: milliseconds since the page started.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Reads and indexes the catalog's body (`fetch_ms`: how long getting it
/// took, from `source`). The content index kept from an earlier page view
/// of this same catalog is looked up while the catalog is read, and used
/// instead of building one. A failure is one message, reported once by the
/// caller (so a feed whose every record is skipped is one error).
async fn load_engine(
    url: &str,
    body: fetch::Body,
    source: cache::Source,
    fetch_ms: f64,
    shelf: &cache::Shelf,
) -> Result<(Engine, usize, Timings), String> {
    // The lookup is polled first, so the Cache API is asked before reading starts.
    let (kept, parsed) = futures::future::join(shelf.kept_index(), async {
        // Reading starts in a task of its own: the body's last slice (and,
        // on a first visit, building the copy to keep) ran in the current one.
        yield_to_browser().await;
        let fetched = now_ms();
        // The digest counts against the first slice (a few ms at 100k).
        let mut slices = Slices::start();
        // What a kept index must have been built from; without a cache
        // there is none to read or keep.
        let digest = shelf.keeps().then(|| match &body {
            fetch::Body::Bytes(bytes) => rank::catalog_digest(bytes),
            fetch::Body::Text(text) => rank::catalog_digest(text.as_bytes()),
        });
        let parsed = read_catalog(url, body, &mut slices).await;
        (parsed, fetched, slices, digest)
    })
    .await;
    let (parsed, fetched, mut slices, digest) = parsed;
    let parsed = parsed?;
    let read = now_ms();
    if parsed.catalog.is_empty() {
        return Err(format!(
            "{url}: no usable products ({} records skipped)",
            parsed.skipped.len()
        ));
    }
    if !parsed.skipped.is_empty() {
        let first = parsed
            .skipped
            .iter()
            .take(3)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        report::error(
            "catalog",
            &format!(
                "{url}: {} records skipped (first: {first}); the rest work",
                parsed.skipped.len()
            ),
        );
    }
    let skipped = parsed.skipped.len();
    // Kept for another catalog or build, or damaged: built again.
    let content = kept
        .zip(digest)
        .and_then(|(buffer, digest)| cache::read_index(&buffer, digest, parsed.catalog.len()).ok());
    let index = if content.is_some() { "kept" } else { "built" };
    let engine = index_in_slices(parsed.catalog, content, &mut slices).await;
    let timings = Timings {
        catalog: source.name(),
        index,
        fetch_ms,
        parse_ms: read - fetched,
        index_ms: now_ms() - read,
        digest: digest.filter(|_| index == "built"),
    };
    Ok((engine, skipped, timings))
}

/// The catalog read from its body, packed or a feed, in slices.
async fn read_catalog(
    url: &str,
    body: fetch::Body,
    slices: &mut Slices,
) -> Result<catalog::Parsed, String> {
    // A packed catalog (`tailor catalog pack`) is told by its content,
    // whatever the file is called. Both forms are read in slices that
    // yield to the browser, as indexing is.
    match body {
        fetch::Body::Bytes(bytes) if catalog::pack::is_packed(&bytes) => {
            let damaged = |e: catalog::pack::PackError| format!("{url}: {e}");
            let mut reader = catalog::pack::PackReader::new(&bytes).map_err(damaged)?;
            while !reader.step(PACK_BATCH).map_err(damaged)? {
                slices.pause_if_due().await;
            }
            let catalog = reader.finish().map_err(damaged)?;
            // Released before indexing, so the index can reuse the space (wasm
            // memory never shrinks: the most held at once is what a tab keeps).
            drop(bytes);
            Ok(catalog::Parsed {
                catalog,
                skipped: Vec::new(),
                format: catalog::Format::Tailor,
                warnings: Vec::new(),
            })
        }
        body => {
            let text = body.into_text();
            let mut reader = catalog::FeedReader::new(&text);
            while !reader.step(FEED_BATCH) {
                slices.pause_if_due().await;
            }
            reader.finish().map_err(|e| {
                // Servers often answer a missing or protected feed with an HTML page
                // whatever the content type says; name that instead of a JSON error.
                if text.trim_start().starts_with('<') {
                    format!("{url}: an HTML page, not a feed (an error or login page?)")
                } else {
                    format!("{url}: {e}")
                }
            })
        }
    }
}

/// Products indexed between two looks at the clock.
const INDEX_BATCH: usize = 256;
/// Packed catalog cells (one field of one product) read between two looks
/// at the clock.
const PACK_BATCH: usize = 4096;
/// Feed records read between two looks at the clock.
const FEED_BATCH: usize = 128;
/// Longest stretch of reading or indexing before the browser gets the main
/// thread back (a task over 50 ms is a "long task" that delays the
/// shopper's taps).
const SLICE_MS: f64 = 25.0;

/// Time slicing: work runs until [`SLICE_MS`] have passed, then yields to
/// the browser so it can paint and handle input.
struct Slices {
    started: f64,
}

impl Slices {
    fn start() -> Self {
        Self { started: now_ms() }
    }

    async fn pause_if_due(&mut self) {
        if now_ms() - self.started > SLICE_MS {
            yield_to_browser().await;
            self.started = now_ms();
        }
    }
}

/// Gives the main thread back for a moment: `scheduler.yield()` where the
/// browser has it (Chromium), else a zero-delay timeout, which browsers
/// stretch to 4 ms once nested (a sixth of every 25 ms slice).
async fn yield_to_browser() {
    let scheduler_yield = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("scheduler")).ok())
        .filter(JsValue::is_object)
        .and_then(|scheduler| {
            let yield_fn = js_sys::Reflect::get(&scheduler, &JsValue::from_str("yield")).ok()?;
            let promise = yield_fn
                .dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&scheduler);
            promise.ok()?.dyn_into::<js_sys::Promise>().ok()
        });
    match scheduler_yield {
        Some(promise) => {
            // It only resolves; a rejection would still have yielded.
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        None => gloo_timers::future::TimeoutFuture::new(0).await,
    }
}

/// Indexes the catalog in slices of at most [`SLICE_MS`], yielding to
/// the browser between them, so a large catalog never freezes the page:
/// every stage of building the engine is stepped, its last passes too.
async fn index_in_slices(
    catalog: catalog::Catalog,
    content: Option<rank::ContentIndex>,
    slices: &mut Slices,
) -> Engine {
    let mut builder = EngineBuilder::new(catalog);
    if let Some(content) = content {
        builder = builder.with_content(content);
    }
    while !builder.step(INDEX_BATCH) {
        slices.pause_if_due().await;
    }
    builder.finish()
}

#[derive(Serialize)]
struct Ready {
    products: usize,
    events: usize,
    /// Whether the owner's co-purchase model is linked ("often bought with").
    model: bool,
    timings: Timings,
    /// Size of the widget's wasm memory after indexing.
    memory_bytes: u32,
}

fn wasm_memory_bytes() -> u32 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length())
}

fn emit_ready(state: State, timings: Timings) {
    let (products, model) = state.engine.with_untracked(|e| {
        e.as_ref()
            .map_or((0, false), |e| (e.catalog().len(), e.has_model()))
    });
    let events = state.memory.with_untracked(|m| m.history.len());
    report::emit(
        "ready",
        &Ready {
            products,
            events,
            model,
            timings,
            memory_bytes: wasm_memory_bytes(),
        },
    );
}

/// Runs one `tailor(name, ...args)` call from the page. Never throws.
#[wasm_bindgen]
pub fn command(args: js_sys::Array) {
    let name = args.get(0).as_string().unwrap_or_default();
    let rest: Vec<serde_json::Value> = (1..args.length())
        .map(|i| page::json_of(&args.get(i)).unwrap_or(serde_json::Value::Null))
        .collect();
    match commands::parse(&name, &rest) {
        Ok(command) => run(command),
        Err(e) => report::error("command", &e.to_string()),
    }
}

fn run(command: Command) {
    let now = now_seconds();
    match command {
        Command::View { id } => {
            record(Event::new(id, EventKind::View, now));
            if let Some(state) = with_runtime(|rt| rt.state) {
                offer_survey(Occasion::Views(distinct_views(&state)));
            }
        }
        Command::Cart { id } => record(Event::new(id, EventKind::Cart, now)),
        Command::Purchase(order) => {
            for item in &order.items {
                record(Event::new(item.id.clone(), EventKind::Purchase, now));
            }
            with_runtime(|rt| {
                let info = rt.state.page.get_value();
                send::purchased(
                    &info.settings,
                    order
                        .items
                        .iter()
                        .map(|i| (i.id.as_str(), i.price.unwrap_or(0.0) * f64::from(i.qty))),
                );
                rt.state.last_order.set(Some(order))
            });
            offer_survey(Occasion::Purchase);
        }
        Command::Forget => forget(),
        Command::Consent(given) => set_consent(given),
        Command::Survey { id } => offer_survey(Occasion::Command(id)),
    }
}

/// The storage a mode allows: local storage only in `Remember`. A browser
/// privacy signal or a refusal also erases what an earlier page stored.
fn storage_for(mode: Mode, local: Storage) -> Storage {
    match mode {
        Mode::Remember => local,
        Mode::Off
        | Mode::PageOnly(PageOnlyReason::GlobalPrivacyControl | PageOnlyReason::DoNotTrack) => {
            local.clear();
            Storage::page_only()
        }
        Mode::PageOnly(_) => Storage::page_only(),
    }
}

/// Changes the shopper's memory: re-reads what is stored (another tab may
/// have written since), applies `change`, saves within the cap and
/// retention, and updates the signal the components read. Nothing happens
/// when the shopper refused.
fn change_memory(change: impl FnOnce(&mut Memory, Option<&Engine>)) {
    with_runtime(|rt| {
        if !rt.state.mode.get_untracked().records() {
            return;
        }
        let storage = rt.storage.borrow();
        let (mut memory, load_error) = storage.load();
        if let Some(e) = load_error {
            report::error("storage", &e.to_string());
        }
        let engine = rt.state.engine.get_untracked();
        change(&mut memory, engine.as_deref());
        if let Err(e) = storage.save_within(&mut memory, now_seconds(), rt.limits) {
            report::error("storage", &e.to_string());
        }
        rt.state.memory.set(memory);
    });
}

/// Adds an event to the shopper's memory (and its interests, when the
/// catalog knows the product) and saves it.
pub fn record(event: Event) {
    with_runtime(|rt| {
        if rt.storage.borrow().is_persistent() {
            let now = js_sys::Date::now();
            let mut journal = rt.journal.borrow_mut();
            journal.retain(|(at, _)| now - at < JOURNAL_MS);
            journal.push((now, event.clone()));
        }
    });
    change_memory(|memory, engine| {
        let now = now_seconds();
        if let Some(product) = engine.and_then(|e| e.catalog().get(&event.product)) {
            memory.learn(product, Signal::of(&event), now);
        }
        memory.history.push(event);
    });
}

fn distinct_views(state: &State) -> u32 {
    state.memory.with_untracked(|m| {
        // A short history: a linear scan beats pulling in a sort.
        let mut ids: Vec<&str> = Vec::new();
        for e in m.history.events() {
            if e.kind == EventKind::View && !ids.contains(&e.product.as_str()) {
                ids.push(&e.product);
            }
        }
        ids.len() as u32
    })
}

/// Shows the survey when the page has a survey slot and `core::survey`
/// allows it now (trigger, once per survey, cool-down, sampling, dismissal).
pub fn offer_survey(occasion: Occasion) {
    let has_slot = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| !page::select(&d, "[data-tailor=survey]:not([data-preview])").is_empty());
    with_runtime(|rt| {
        if !has_slot || rt.state.survey.with_untracked(Option::is_some) {
            return;
        }
        let plan = rt.state.page.get_value().settings.survey.clone();
        let debug = rt.state.page.get_value().settings.debug;
        let mut decision = None;
        // Untracked: the survey record is not something rails render from.
        rt.state.memory.update_untracked(|m| {
            decision = Some(m.recall.survey.offer(
                &plan,
                &occasion,
                now_seconds(),
                js_sys::Math::random(),
            ))
        });
        match decision {
            Some(Ok(offer)) => {
                save_untracked(rt);
                rt.state.survey.set(Some(offer));
            }
            Some(Err(skip)) => {
                save_untracked(rt);
                report::debug(debug, skip.why());
            }
            None => {}
        }
    });
}

/// The shopper answered the survey: remembered (never asked again), then
/// handed on. Sending it to the owner's endpoint hooks in here (issue 7).
pub fn answer_survey(answer: &Answer) {
    with_runtime(|rt| {
        rt.state
            .memory
            .update_untracked(|m| m.recall.survey.answered(&answer.survey));
        save_untracked(rt);
    });
    survey_answered(answer);
}

/// The shopper closed the survey: closed for good.
pub fn dismiss_survey(id: &str) {
    with_runtime(|rt| {
        rt.state
            .memory
            .update_untracked(|m| m.recall.survey.dismissed(id));
        save_untracked(rt);
    });
}

/// Remembers the prices the shopper was shown, for the price-drop badge next time.
/// Untracked, so the cards on screen keep the badge they were drawn with.
pub fn saw_prices(prices: &[(String, f64)]) {
    with_runtime(|rt| {
        rt.state.memory.update_untracked(|m| {
            for (id, price) in prices {
                m.recall.saw_price(id, *price);
            }
        });
        save_untracked(rt);
    });
}

/// Saves the memory the components read as it is, without re-rendering
/// them: for what the widgets remember (survey record, prices seen), which
/// no rail is drawn from. Nothing is saved when the shopper refused.
fn save_untracked(rt: &Runtime) {
    if !rt.state.mode.get_untracked().records() {
        return;
    }
    let mut memory = rt.state.memory.get_untracked();
    if let Err(e) = rt
        .storage
        .borrow()
        .save_within(&mut memory, now_seconds(), rt.limits)
    {
        report::error("storage", &e.to_string());
    }
}

/// Adds interests of `products` (already recorded as events) for `signal`.
fn learn_products(products: &[String], signal: Signal) {
    if products.is_empty() {
        return;
    }
    change_memory(|memory, engine| {
        let Some(engine) = engine else { return };
        let now = now_seconds();
        for id in products {
            if let Some(product) = engine.catalog().get(id) {
                memory.learn(product, signal, now);
            }
        }
    });
}

/// Forgets one product (the memory panel's "remove").
pub fn forget_product(product: &str) {
    with_runtime(|rt| {
        rt.journal
            .borrow_mut()
            .retain(|(_, e)| e.product != product)
    });
    change_memory(|memory, _| memory.remove_product(product));
}

/// Erases everything Tailor remembers about the shopper (the consent
/// answer, which is not browsing data, stays).
pub fn forget() {
    with_runtime(|rt| {
        rt.journal.borrow_mut().clear();
        rt.storage.borrow().clear();
        rt.state.memory.set(Memory::default());
    });
    send::forget();
}

/// A survey answer was given: sent to the owner's `survey-endpoint`, if any.
/// A survey answer leaves the widget: the `tailor:survey-answer` event, and
/// the owner's `survey-endpoint` when one is set.
pub fn survey_answered(answer: &Answer) {
    report::emit("survey-answer", answer);
    with_runtime(|rt| send::survey_answered(&rt.state.page.get_value().settings, answer));
}

/// `tailor('consent', …)`: remembers the answer; a refusal erases and
/// stops recording, consent starts keeping this page's memory when the
/// browser's privacy signals allow it.
pub fn set_consent(given: bool) {
    storage::write_consent(given);
    with_runtime(|rt| {
        let mode = privacy::decide(privacy::Inputs {
            consent: Some(given),
            ..rt.privacy
        });
        let before = rt.state.mode.get_untracked();
        rt.state.mode.set(mode);
        if !mode.records() {
            storage::erase_persistent();
            rt.storage.replace(Storage::page_only());
            rt.state.memory.set(Memory::default());
            return;
        }
        if mode.persists() && !before.persists() {
            let (local, _) = Storage::open();
            rt.storage.replace(local);
            // What was kept for this page joins what is stored.
            let page_events = rt.state.memory.get_untracked();
            change_memory(move |memory, _| {
                memory.history.merge(page_events.history.events());
                for interest in page_events.profile.interests() {
                    memory.profile.add(interest.key(), interest.1, interest.2);
                }
            });
        }
    });
}

/// Opens the "what Tailor remembers" panel (for a button of the rails or
/// the site's own link).
pub fn open_memory_panel() {
    with_runtime(|rt| rt.state.memory_panel_open.set(true));
}

/// The shopper's data as JSON (the stored schema), for "download my data".
pub fn export_json() -> String {
    with_runtime(|rt| rt.state.memory.with_untracked(store::export)).unwrap_or_default()
}

/// "Download my data": saves [`export_json`] as `tailor-data.json`.
pub fn download_my_data() {
    if page::download("tailor-data.json", &export_json(), "application/json").is_err() {
        report::error("render", "could not start the download of your data");
    }
}

/// A click on one of Tailor's own recommendations (`tailor:click`) is a
/// signal of interest in that product's category, brand and price band.
fn listen_recommendation_clicks(document: &web_sys::Document) -> EventListener {
    EventListener::new(document, "tailor:click", |event| {
        let Some(event) = event.dyn_ref::<web_sys::CustomEvent>() else {
            return;
        };
        let item = js_sys::Reflect::get(&event.detail(), &JsValue::from_str("item"))
            .ok()
            .and_then(|v| v.as_string());
        if let Some(id) = item {
            learn_products(&[id], Signal::RecommendationClick);
        }
    })
}

/// Another tab changed Tailor's storage: show what it now holds.
fn listen_other_tabs() -> EventListener {
    let window = web_sys::window().map_or(JsValue::NULL, JsValue::from);
    let target: web_sys::EventTarget = window.unchecked_into();
    EventListener::new(&target, "storage", |event| {
        let key = event
            .dyn_ref::<web_sys::StorageEvent>()
            .and_then(|e| e.key());
        // `None`: the other tab cleared all of the site's storage.
        if key.as_deref().is_some_and(|k| k != store::STORAGE_KEY) {
            return;
        }
        let Some(lost) = with_runtime(|rt| {
            let storage = rt.storage.borrow();
            if !storage.is_persistent() {
                return Vec::new();
            }
            let (memory, _) = storage.load();
            let mut journal = rt.journal.borrow_mut();
            if memory.history.is_empty() {
                // Forgotten in the other tab: nothing of ours comes back.
                journal.clear();
            }
            let now = js_sys::Date::now();
            journal.retain(|(at, _)| now - at < JOURNAL_MS);
            let lost: Vec<Event> = journal
                .iter()
                .map(|(_, e)| e)
                .filter(|e| !memory.history.events().iter().any(|m| m.same_as(e)))
                .cloned()
                .collect();
            rt.state.memory.set(memory);
            lost
        }) else {
            return;
        };
        if !lost.is_empty() {
            change_memory(move |memory, _| memory.history.merge(&lost));
        }
    })
}

/// The page was hidden or shown: count the seconds its products were in sight.
fn note_visibility() {
    let hidden = web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.hidden());
    if hidden {
        page_hidden();
    } else {
        with_runtime(|rt| rt.visible_since.set(Some(js_sys::Date::now())));
    }
}

/// Adds the time since the page was last shown to this page's views; the
/// first time the total reaches a few seconds, the views stop counting as
/// glances.
fn page_hidden() {
    let Some((products, seconds, was_glance)) = with_runtime(|rt| {
        let since = rt.visible_since.take()?;
        let seconds = ((js_sys::Date::now() - since) / 1000.0).max(0.0) as u32;
        let before = rt.dwell_seconds.get();
        rt.dwell_seconds.set(before.saturating_add(seconds));
        Some((rt.on_page.clone(), seconds, before < Event::GLANCE_SECONDS))
    })
    .flatten() else {
        return;
    };
    if products.is_empty() {
        return;
    }
    let total = with_runtime(|rt| rt.dwell_seconds.get()).unwrap_or(0);
    let now_looked = was_glance && total >= Event::GLANCE_SECONDS;
    change_memory(move |memory, engine| {
        for id in &products {
            memory.history.set_dwell(id, seconds);
            if now_looked {
                if let Some(product) = engine.and_then(|e| e.catalog().get(id)) {
                    // Glance weight was learnt at load: add the rest of a view.
                    memory.learn(product, Signal::GlanceBecameView, now_seconds());
                }
            }
        }
    });
}

fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0).max(0.0) as u64
}
