//! `platform::fetch::read_body`, which takes a body in chunk by chunk: a
//! feed reads exactly as `Response.text()` reads it (UTF-8, a leading
//! byte-order mark dropped, invalid bytes replaced) wherever the network
//! cuts it, a code point split between chunks included, and a packed
//! catalog or a model comes back as its bytes, even when its first bytes
//! arrive one at a time.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use tailor::platform::fetch::{get, read_body, Body, Fetched, Read};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{ReadableStream, Response};

wasm_bindgen_test_configure!(run_in_browser);

/// A response whose body arrives as exactly these chunks.
fn response_of(chunks: &[&[u8]]) -> Response {
    let parts = Array::new();
    for chunk in chunks {
        parts.push(&Uint8Array::from(*chunk));
    }
    let start = Closure::once_into_js(move |controller: JsValue| {
        let call = |name: &str, argument: Option<&JsValue>| {
            let method: Function = Reflect::get(&controller, &name.into())
                .unwrap()
                .dyn_into()
                .unwrap();
            match argument {
                Some(argument) => method.call1(&controller, argument).unwrap(),
                None => method.call0(&controller).unwrap(),
            };
        };
        for part in parts.iter() {
            call("enqueue", Some(&part));
        }
        call("close", None);
    });
    let source = Object::new();
    Reflect::set(&source, &"start".into(), &start).unwrap();
    let stream = ReadableStream::new_with_underlying_source(&source).unwrap();
    Response::new_with_opt_readable_stream(Some(&stream)).unwrap()
}

/// What the browser's own `Response.text()` makes of these bytes.
async fn browser_text(bytes: &[u8]) -> String {
    let response = response_of(&[bytes]);
    JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap()
}

async fn read(chunks: &[&[u8]], how: Read) -> Body {
    read_body("feed.json", &response_of(chunks), None, how, 0)
        .await
        .unwrap()
}

/// The ways a body can be cut: whole, in two at every position, a byte at a time.
fn cuts(bytes: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut cuts = vec![vec![bytes]];
    for at in 0..=bytes.len() {
        cuts.push(vec![&bytes[..at], &bytes[at..]]);
    }
    cuts.push(bytes.chunks(1).collect());
    cuts
}

fn feeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("ascii", br#"[{"id":"a","title":"Mug"}]"#.to_vec()),
        (
            "accents",
            "[{\"title\":\"Crème brûlée à la française\"}]".into(),
        ),
        ("hebrew", "[{\"title\":\"כוס קפה\"}]".into()),
        ("chinese", "[{\"title\":\"陶瓷咖啡杯\"}]".into()),
        ("four-byte", "[{\"title\":\"gift 🎁 bag 🛍\"}]".into()),
        ("byte-order mark", "\u{feff}[{\"title\":\"Tasse\"}]".into()),
        ("only a byte-order mark", "\u{feff}".into()),
        (
            "invalid bytes",
            [
                b"[{\"t\":\"".as_slice(),
                &[0xff, 0xfe, b'a', 0x80, 0xc3, b'"'],
            ]
            .concat(),
        ),
        (
            "cut-off code point at the end",
            [b"ok ".as_slice(), &[0xe4, 0xb8]].concat(),
        ),
        ("starts like a packed catalog, but short", b"TLR".to_vec()),
    ]
}

#[wasm_bindgen_test]
async fn a_feed_reads_as_response_text_wherever_it_is_cut() {
    for (name, bytes) in feeds() {
        let expected = browser_text(&bytes).await;
        for cut in cuts(&bytes) {
            let body = read(&cut, Read::Feed).await;
            assert!(
                matches!(body, Body::Text(_)),
                "{name}: {cut:?} read as bytes"
            );
            assert_eq!(body.into_text(), expected, "{name}: cut as {cut:?}");
        }
    }
}

#[wasm_bindgen_test]
async fn a_large_chunk_is_decoded_in_pieces_without_losing_a_code_point() {
    // One chunk over a piece (256 KB), 'é' straddling every piece boundary.
    let text = format!("a{}", "é".repeat(400_000));
    let body = read(&[text.as_bytes()], Read::Feed).await;
    assert!(text == body.into_text());
    let text = format!("{}中", "文".repeat(300_000));
    let bytes = text.as_bytes();
    let body = read(&[&bytes[..100_001], &bytes[100_001..]], Read::Feed).await;
    assert!(text == body.into_text());
}

#[wasm_bindgen_test]
async fn packed_catalogs_and_models_stay_bytes() {
    let packed = [b"TLRP".as_slice(), &[0, 0xff, 0xc3, 0x28, b'[', 0x80, 7]].concat();
    for cut in cuts(&packed) {
        match read(&cut, Read::Feed).await {
            Body::Bytes(bytes) => assert_eq!(bytes, packed, "cut as {cut:?}"),
            Body::Text(_) => panic!("a packed catalog cut as {cut:?} was read as text"),
        }
    }
    for (name, bytes) in feeds() {
        for cut in cuts(&bytes) {
            match read(&cut, Read::Bytes).await {
                Body::Bytes(read) => assert_eq!(read, bytes, "{name}: cut as {cut:?}"),
                Body::Text(_) => panic!("{name}: bytes asked for, text given"),
            }
        }
    }
}

#[wasm_bindgen_test]
async fn a_body_is_read_whole_whatever_length_it_declares() {
    // Declared exactly (a kept copy, an uncompressed feed), not at all, too
    // short (a compressed feed's length) or too long: the room reserved
    // differs, the text may not. One chunk of several pieces, with a
    // multi-byte code point across every piece boundary.
    let text = format!("[\"{}\"]", "ü€🎁".repeat(60_000));
    let exact = text.len();
    for hint in [exact, 0, exact / 3, exact + 7, 1] {
        let body = read_body(
            "feed.json",
            &response_of(&[text.as_bytes()]),
            None,
            Read::Feed,
            hint,
        )
        .await
        .unwrap();
        assert!(body.into_text() == text, "declared {hint} of {exact}");
    }
}

/// A URL serving `bytes` (a `blob:` URL: fetched like the shop's feed).
fn served(bytes: &[u8]) -> String {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

#[wasm_bindgen_test]
async fn the_copy_to_keep_holds_the_body_whole_with_its_length() {
    // Several MB, so the browser hands it over in chunks, each kept as a
    // Blob of its own and the copy made of them.
    let text = format!(
        "{{\"products\":[\"{}\"]}}",
        "Crème brûlée 陶瓷 🎁 ".repeat(150_000)
    );
    let packed = [b"TLRP".as_slice(), &vec![0xc3; 3_000_000]].concat();
    for (name, bytes, how) in [
        ("a JSON feed", text.as_bytes(), Read::Feed),
        ("a packed catalog", packed.as_slice(), Read::Feed),
        ("a model", packed.as_slice(), Read::Bytes),
    ] {
        let url = served(bytes);
        let copy = std::cell::RefCell::new(None);
        let keep = |response: &Response| *copy.borrow_mut() = Some(Clone::clone(response));
        let fetched = get(&url, 30_000, None, how, Some(&keep)).await.unwrap();
        let Fetched::Body { body, .. } = fetched else {
            panic!("{name}: no body");
        };
        assert!(body.into_bytes() == bytes, "{name}: the body read");
        let copy = copy.borrow_mut().take().expect("a copy to keep");
        assert_eq!(
            copy.headers().get("content-length").unwrap(),
            Some(bytes.len().to_string()),
            "{name}: kept with its length"
        );
        let kept = JsFuture::from(copy.array_buffer().unwrap()).await.unwrap();
        assert!(Uint8Array::new(&kept).to_vec() == bytes, "{name}: the copy");
    }
}
