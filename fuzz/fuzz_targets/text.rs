//! Text analysis (`core::text`): tokens, words, folding and stemming of any
//! text never panic, and tokens are never empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::text;

fuzz_target!(|input: &str| {
    for token in text::tokens(input) {
        assert!(!token.is_empty());
    }
    for word in text::words(input) {
        let _ = text::stem(word);
    }
    let _ = text::fold(input);
    let _ = tailor::core::catalog::html_to_text(input);
});
