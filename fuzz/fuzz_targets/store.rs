//! Stored state (`core::store::decode`): whatever localStorage holds, reading
//! it never panics, and what it reads survives an encode/decode round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::store;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(memory) = store::decode(Some(&text)) {
        let again = store::decode(Some(&store::encode(&memory)));
        assert_eq!(again, Ok(memory));
    }
});
