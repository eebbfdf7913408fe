//! JSON-LD on the host page (`core::signals::json_ld_product_ids`): any text
//! gives ids or none, never a panic; ids are distinct.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::signals;

fuzz_target!(|text: &str| {
    let ids = signals::json_ld_product_ids(text);
    for (i, id) in ids.iter().enumerate() {
        assert!(!ids[..i].contains(id), "duplicate id {id}");
    }
});
