//! The browser shell: boots Tailor from its script tag, turns the page's
//! signals and `tailor(...)` commands into `core` events, keeps the
//! shopper's memory in storage, fetches the catalog, and hands reactive
//! state to `ui`. Every failure is reported (console warning and
//! `tailor:error`) and the widget hides; nothing panics into the host page.

pub mod fetch;
pub mod format;
pub mod page;
pub mod report;
pub mod storage;

use std::cell::RefCell;
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
use crate::core::rank::Engine;
use crate::core::settings::Settings;
use crate::core::store::Memory;
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
    storage: Storage,
    _listeners: Vec<EventListener>,
}

thread_local! {
    static RUNTIME: RefCell<Option<Rc<Runtime>>> = const { RefCell::new(None) };
}

fn with_runtime<R>(f: impl FnOnce(&Runtime) -> R) -> Option<R> {
    let runtime = RUNTIME.with(|r| r.borrow().clone())?;
    Some(f(&runtime))
}

/// Starts Tailor. Called once by the loader with its own script element
/// (or null) and `window.tailorConfig` (or undefined).
#[wasm_bindgen]
pub fn boot(script: JsValue, config: JsValue) {
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
    let (storage, storage_error) = Storage::open();
    if let Some(e) = storage_error {
        report::debug(settings.debug, &e.to_string());
    }
    let (mut memory, load_error) = storage.load();
    if let Some(e) = load_error {
        report::error("storage", &e.to_string());
    }

    let viewed = page::viewed_products(&document);
    let now = now_seconds();
    for id in &viewed {
        memory
            .history
            .push(Event::new(id.clone(), EventKind::View, now));
    }
    let returning = memory.recall.visit(now) && settings.greeting;
    save(&storage, &memory);

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
    let catalog_url = info.settings.catalog.clone();
    let debug = info.settings.debug;
    let state = State::new(memory, None, info);
    state.returning.set(returning);
    let cart_listener = page::listen_add_to_cart(&document, |id| {
        record(Event::new(id, EventKind::Cart, now_seconds()))
    });
    RUNTIME.with(|r| {
        *r.borrow_mut() = Some(Rc::new(Runtime {
            state,
            storage,
            _listeners: vec![cart_listener],
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
    wasm_bindgen_futures::spawn_local(async move {
        match load_engine(&url).await {
            Ok((engine, skipped, timings)) => {
                report::debug(
                    debug,
                    &format!(
                        "catalog: {} products, {} skipped",
                        engine.catalog().len(),
                        skipped
                    ),
                );
                state.engine.set(Some(Arc::new(engine)));
                state.status.set(Status::Ready);
                emit_ready(state, timings);
            }
            Err(message) => {
                report::error("catalog", &message);
                state.status.set(Status::Failed);
            }
        }
    });
}

/// Where start-up time went, in milliseconds: reported in `tailor:ready`
/// so owners (and the browser benchmark) can see it.
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Timings {
    fetch_ms: f64,
    parse_ms: f64,
    index_ms: f64,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

async fn load_engine(url: &str) -> Result<(Engine, usize, Timings), String> {
    let started = now_ms();
    let text = fetch::get_text(url).await.map_err(|e| e.to_string())?;
    let fetched = now_ms();
    let parsed = catalog::parse(&text).map_err(|e| format!("{url}: {e}"))?;
    drop(text);
    let read = now_ms();
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
    if parsed.catalog.is_empty() {
        return Err(format!("{url}: no usable products"));
    }
    let skipped = parsed.skipped.len();
    let engine = Engine::new(parsed.catalog);
    let timings = Timings {
        fetch_ms: fetched - started,
        parse_ms: read - fetched,
        index_ms: now_ms() - read,
    };
    Ok((engine, skipped, timings))
}

#[derive(Serialize)]
struct Ready {
    products: usize,
    events: usize,
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
    let products = state
        .engine
        .with_untracked(|e| e.as_ref().map_or(0, |e| e.catalog().len()));
    let events = state.memory.with_untracked(|m| m.history.len());
    report::emit(
        "ready",
        &Ready {
            products,
            events,
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
        .map(|i| serde_wasm_bindgen::from_value(args.get(i)).unwrap_or(serde_json::Value::Null))
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
            with_runtime(|rt| rt.state.last_order.set(Some(order)));
            offer_survey(Occasion::Purchase);
        }
        Command::Forget | Command::Consent(false) => forget(),
        Command::Consent(true) => {}
        Command::Survey { id } => offer_survey(Occasion::Command(id)),
    }
}

/// Adds an event to the shopper's memory and saves it.
pub fn record(event: Event) {
    with_runtime(|rt| {
        rt.state.memory.update(|m| m.history.push(event));
        rt.state.memory.with_untracked(|m| save(&rt.storage, m));
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
                rt.state.memory.with_untracked(|m| save(&rt.storage, m));
                rt.state.survey.set(Some(offer));
            }
            Some(Err(skip)) => {
                rt.state.memory.with_untracked(|m| save(&rt.storage, m));
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
        rt.state.memory.with_untracked(|m| save(&rt.storage, m));
    });
    survey_answered(answer);
}

/// Where an answer leaves the widget: today the `tailor:survey-answer` event.
pub fn survey_answered(answer: &Answer) {
    report::emit("survey-answer", answer);
}

/// The shopper closed the survey: closed for good.
pub fn dismiss_survey(id: &str) {
    with_runtime(|rt| {
        rt.state
            .memory
            .update_untracked(|m| m.recall.survey.dismissed(id));
        rt.state.memory.with_untracked(|m| save(&rt.storage, m));
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
        rt.state.memory.with_untracked(|m| save(&rt.storage, m));
    });
}

/// Erases everything Tailor remembers about the shopper.
pub fn forget() {
    with_runtime(|rt| {
        rt.storage.clear();
        rt.state.memory.set(Memory::default());
    });
}

fn save(storage: &Storage, memory: &Memory) {
    if let Err(e) = storage.save(memory) {
        report::error("storage", &e.to_string());
    }
}

fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0).max(0.0) as u64
}
