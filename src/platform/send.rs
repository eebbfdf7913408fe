//! Delivery to the owner's collector (`tailor collect` or their own): survey
//! answers when `survey-endpoint` is set, and one randomized measurement
//! report a day when `report-endpoint` is set. Nothing is sent, or counted,
//! otherwise.
//!
//! Every post goes through the outbox (`core::outbox`, localStorage key
//! `tailor:outbox`): queued first, sent with `fetch(…, {keepalive: true})`
//! without cookies, removed once acknowledged, retried on later page views
//! a bounded number of times with the same idempotency key.

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::core::dp;
use crate::core::outbox::{Outbox, Outcome, Pending, OUTBOX_KEY};
use crate::core::settings::Settings;
use crate::core::survey::Answer;
use crate::core::topics;

thread_local! {
    /// The outbox when localStorage is unavailable (this page only).
    static PAGE_OUTBOX: RefCell<Outbox> = RefCell::new(Outbox::default());
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Runs `f` on the outbox and saves it. Read afresh from localStorage each
/// time: another tab of the shop may have changed it since.
fn with_outbox<R>(f: impl FnOnce(&mut Outbox) -> R) -> R {
    match storage() {
        Some(storage) => {
            let text = storage.get_item(OUTBOX_KEY).ok().flatten();
            let mut outbox = Outbox::decode(text.as_deref());
            let result = f(&mut outbox);
            // A full or blocked storage loses only this change, never the page.
            let _ = storage.set_item(OUTBOX_KEY, &outbox.encode());
            result
        }
        None => PAGE_OUTBOX.with(|cell| f(&mut cell.borrow_mut())),
    }
}

/// A fresh idempotency key: 128 random bits in hex.
fn new_key() -> String {
    (0..4)
        .map(|_| {
            format!(
                "{:08x}",
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            )
        })
        .collect()
}

fn today() -> u64 {
    (js_sys::Date::now() / 86_400_000.0).max(0.0) as u64
}

/// What leaves the device for one answer, given the owner's settings:
/// the comment's topic (classified here), the text unless `topic-only`, and
/// the score randomized when `survey-privacy="rr"`.
pub fn answer_body(settings: &Settings, answer: &Answer, key: &str, uniform: f64) -> String {
    let mut answer = answer.clone();
    let topic = answer.comment.as_deref().map(topics::classify);
    if settings.survey_topic_only {
        answer.comment = None;
    }
    if settings.survey_randomized {
        let (low, high) = answer.kind.range();
        let k = usize::from(high - low) + 1;
        let index = usize::from(answer.score.saturating_sub(low));
        let noisy = dp::randomize(index, k, dp::EPSILON, uniform);
        answer.score = low + u8::try_from(noisy).unwrap_or(0);
    }
    let mut post = serde_json::json!({ "key": key, "answer": answer });
    if let Some(topic) = topic {
        post["topic"] = topic.name().into();
    }
    if settings.survey_randomized {
        post["randomized"] = true.into();
    }
    post.to_string()
}

thread_local! {
    /// This page's survey responses: survey id → idempotency key and the
    /// random draw of its randomized response.
    static RESPONSES: RefCell<Vec<(String, String, f64)>> = const { RefCell::new(Vec::new()) };
}

/// The key and random draw of this page's response to `survey`. The comment
/// a shopper adds after the one-tap score goes out under the score's key (the
/// collector completes that answer instead of counting a second one) and
/// with the same draw (a second independent draw of a randomized score would
/// weaken its privacy).
fn response_of(survey: &str) -> (String, f64) {
    RESPONSES.with(|cell| {
        let mut responses = cell.borrow_mut();
        if let Some((_, key, uniform)) = responses.iter().find(|(id, _, _)| id == survey) {
            return (key.clone(), *uniform);
        }
        let (key, uniform) = (new_key(), js_sys::Math::random());
        responses.push((survey.to_string(), key.clone(), uniform));
        (key, uniform)
    })
}

/// Sends a survey answer when the owner configured `survey-endpoint`.
pub fn survey_answered(settings: &Settings, answer: &Answer) {
    let Some(url) = settings.survey_endpoint.clone() else {
        return;
    };
    let (key, uniform) = response_of(&answer.survey);
    let body = answer_body(settings, answer, &key, uniform);
    let item = Pending {
        url,
        key,
        body,
        attempts: 0,
    };
    with_outbox(|o| o.push(item.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = post(&item.url, &item.body).await;
        with_outbox(|o| o.settle(&item.key, &item.body, outcome));
    });
}

/// One POST with keepalive (it survives the page being closed), no cookies.
pub async fn post(url: &str, body: &str) -> Outcome {
    let Some(window) = web_sys::window() else {
        return Outcome::Failed;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(body));
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"content-type".into(), &"application/json".into());
    init.set_headers(&headers);
    // Not in web-sys' RequestInit yet: set the standard field directly.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await else {
        return Outcome::Failed;
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Outcome::Failed;
    };
    match response.status() {
        200..=299 => Outcome::Delivered,
        408 | 429 => Outcome::Failed,
        400..=499 => Outcome::Refused,
        _ => Outcome::Failed,
    }
}

fn detail_field(event: &web_sys::Event, name: &str) -> Option<String> {
    let detail = event.dyn_ref::<web_sys::CustomEvent>()?.detail();
    js_sys::Reflect::get(&detail, &name.into())
        .ok()?
        .as_string()
}

/// At boot: ends a finished measurement day into a report, retries what is
/// pending, and (with `report-endpoint`) starts counting this page's shown
/// and clicked recommendations. The listeners live as long as the page.
pub fn start(settings: &Settings, document: &web_sys::Document) -> Vec<EventListener> {
    let mut listeners = Vec::new();
    if let Some(url) = settings.report_endpoint.clone() {
        let report = with_outbox(|o| o.close_day(today(), js_sys::Math::random));
        if let Some(slots) = report {
            let key = new_key();
            // Inserted one by one: collecting into the map (a BTreeMap)
            // would ship a whole stable sort for a handful of slots.
            let mut by_slot = serde_json::Map::new();
            for (slot, day) in slots {
                by_slot.insert(slot, day.to_json());
            }
            let slots = by_slot;
            let body = serde_json::json!({ "key": key, "slots": slots }).to_string();
            with_outbox(|o| {
                o.push(Pending {
                    url,
                    key: key.clone(),
                    body,
                    attempts: 0,
                })
            });
        }
        listeners.push(EventListener::new(document, "tailor:shown", |event| {
            if let Some(slot) = detail_field(event, "slot") {
                with_outbox(|o| o.shown(&slot));
            }
        }));
        listeners.push(EventListener::new(document, "tailor:click", |event| {
            if let (Some(slot), Some(item)) =
                (detail_field(event, "slot"), detail_field(event, "item"))
            {
                with_outbox(|o| o.clicked(&slot, &item));
            }
        }));
    }
    let pending = with_outbox(|o| o.pending.clone());
    if !pending.is_empty() {
        wasm_bindgen_futures::spawn_local(async move {
            for item in pending {
                let outcome = post(&item.url, &item.body).await;
                with_outbox(|o| o.settle(&item.key, &item.body, outcome));
            }
        });
    }
    listeners
}

/// A purchase of `(product, amount)` pairs: adds to the day's revenue and
/// marks the slots whose recommendation of these products was clicked today.
/// Only with `report-endpoint`; amounts never leave the device.
pub fn purchased<'a>(settings: &Settings, items: impl IntoIterator<Item = (&'a str, f64)>) {
    if settings.report_endpoint.is_none() {
        return;
    }
    with_outbox(|o| {
        items
            .into_iter()
            .for_each(|(p, amount)| o.bought(p, amount))
    });
}

/// `tailor('forget')` / consent withdrawn: drop the day's counts, amount and
/// clicked products (pending answers were given deliberately and stay).
pub fn forget() {
    with_outbox(|o| {
        o.slots.clear();
        o.clicked.clear();
        o.cents = 0;
    });
}
