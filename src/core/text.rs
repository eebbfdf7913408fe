//! Turning product text into comparable tokens: lower-cased words for
//! alphabetic scripts and character bigrams for Chinese and Japanese, which
//! are written without spaces.

/// Splits `text` into normalised tokens.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk_run: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            cjk_run.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk_run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_cjk(&mut cjk_run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_cjk(&mut cjk_run, &mut out);
    out
}

fn flush_word(word: &mut String, out: &mut Vec<String>) {
    if !word.is_empty() {
        out.push(std::mem::take(word));
    }
}

fn flush_cjk(run: &mut Vec<char>, out: &mut Vec<String>) {
    match run.len() {
        0 => {}
        1 => out.push(run[0].to_string()),
        _ => out.extend(run.windows(2).map(|w| w.iter().collect())),
    }
    run.clear();
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenises_scripts() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Blue Ceramic Mug, 350 ml",
                &["blue", "ceramic", "mug", "350", "ml"],
            ),
            ("", &[]),
            ("  --  ", &[]),
            ("חולצה כחולה", &["חולצה", "כחולה"]),
            ("蓝色杯子", &["蓝色", "色杯", "杯子"]),
            ("Mug 杯", &["mug", "杯"]),
        ];
        for (text, want) in cases {
            assert_eq!(tokens(text), *want, "{text}");
        }
    }
}
