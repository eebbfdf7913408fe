//! Delivery of survey answers from the widget (`platform::send`) in a real
//! browser: what leaves the device for each owner setting, and the outbox
//! (localStorage `tailor:outbox`) keeping an answer until the collector has
//! settled it, and the daily measurement counted only when the owner turned
//! reports on.
#![cfg(target_arch = "wasm32")]

use tailor::core::outbox::{Outbox, OUTBOX_KEY};
use tailor::core::settings::Settings;
use tailor::core::survey::{Answer, SurveyKind};
use tailor::platform::send;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn answer() -> Answer {
    Answer {
        survey: "post-purchase".into(),
        kind: SurveyKind::Csat,
        score: 4,
        comment: Some("The parcel arrived late".into()),
        locale: "en".into(),
        context: None,
    }
}

fn settings(pairs: &[(&str, &str)]) -> Settings {
    let mut s = Settings::default();
    assert!(s.apply_all(pairs.iter().copied()).is_empty());
    s
}

#[wasm_bindgen_test]
fn what_leaves_the_device_follows_the_owner_settings() {
    // (owner settings, comment text sent, score randomized)
    type Case = (&'static [(&'static str, &'static str)], bool, bool);
    let cases: [Case; 3] = [
        (&[], true, false),
        (&[("survey-comments", "topic-only")], false, false),
        (&[("survey-privacy", "rr")], true, true),
    ];
    for (pairs, has_text, randomized) in cases {
        let body = send::answer_body(&settings(pairs), &answer(), "key-12345678", 0.99);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["key"], "key-12345678");
        assert_eq!(json["topic"], "delivery", "{body}");
        assert_eq!(json["answer"]["comment"].is_string(), has_text, "{body}");
        assert_eq!(
            json["randomized"].as_bool().unwrap_or(false),
            randomized,
            "{body}"
        );
        let score = json["answer"]["score"].as_u64().unwrap();
        assert!((1..=5).contains(&score), "{body}");
        // uniform 0.99 always swaps the score under randomized response.
        assert_eq!(score != 4, randomized, "{body}");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["key", "answer", "topic", "randomized"].contains(&k.as_str())),
            "{keys:?}"
        );
    }
}

fn stored_outbox() -> Outbox {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    Outbox::decode(storage.get_item(OUTBOX_KEY).unwrap().as_deref())
}

async fn settle() {
    for _ in 0..50 {
        gloo_timers::future::TimeoutFuture::new(20).await;
        if stored_outbox().pending.is_empty() {
            return;
        }
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_collector_keeps_the_answer_for_a_retry() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(OUTBOX_KEY).unwrap();
    // Port 9 (discard) refuses connections: a network failure.
    let s = settings(&[("survey-endpoint", "http://127.0.0.1:9/v1/answers")]);
    send::survey_answered(&s, &answer());
    let queued = stored_outbox();
    assert_eq!(queued.pending.len(), 1, "queued before it is sent");
    let key = queued.pending[0].key.clone();
    assert_eq!(key.len(), 32);
    settle().await;
    let after = stored_outbox();
    assert_eq!(after.pending.len(), 1, "kept after the failure");
    assert_eq!(
        (after.pending[0].key.as_str(), after.pending[0].attempts),
        (key.as_str(), 1)
    );

    // A collector that refuses it as invalid (the test server has no such
    // route: 404) drops it rather than retrying forever.
    storage.remove_item(OUTBOX_KEY).unwrap();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let s = settings(&[("survey-endpoint", &format!("{origin}/no-such-collector"))]);
    send::survey_answered(&s, &answer());
    settle().await;
    assert!(stored_outbox().pending.is_empty());
}

#[wasm_bindgen_test]
fn nothing_is_queued_without_an_endpoint() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(OUTBOX_KEY).unwrap();
    send::survey_answered(&Settings::default(), &answer());
    assert!(stored_outbox().pending.is_empty());
}

#[wasm_bindgen_test]
fn nothing_is_counted_without_a_report_endpoint() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(OUTBOX_KEY).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let off = Settings::default();
    let listeners = send::start(&off, &document);
    assert!(
        listeners.is_empty(),
        "no listener counts shown or clicked slots"
    );
    send::purchased(&off, [("sku-1", 30.0)]);
    let outbox = stored_outbox();
    assert!(outbox.slots.is_empty() && outbox.cents == 0 && outbox.day == 0);

    // The owner turns reports on: the same purchase is counted (on the device).
    let on = settings(&[("report-endpoint", "https://collect.example/v1/aggregates")]);
    send::purchased(&on, [("sku-1", 30.0), ("sku-2", 12.5)]);
    assert_eq!(stored_outbox().cents, 4250);
    storage.remove_item(OUTBOX_KEY).unwrap();
}
