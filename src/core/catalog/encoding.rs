//! Feed bytes to text: UTF-8 with or without a byte-order mark, UTF-16
//! (marked, or recognisable from a leading `{` or `[`), and, for files that
//! are not valid UTF-8, Windows-1252 (the usual "Latin-1" export). Also the
//! one repair [`super::parse`] attempts on invalid JSON.

use serde::Serialize;

/// How feed bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8; read as Windows-1252.
    Windows1252,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8WithBom => "UTF-8 with byte-order mark",
            Encoding::Utf16Le => "UTF-16 little-endian",
            Encoding::Utf16Be => "UTF-16 big-endian",
            Encoding::Windows1252 => "Windows-1252 (not valid UTF-8)",
        })
    }
}

/// Decodes feed bytes, never failing: invalid UTF-16 units become U+FFFD.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8WithBom,
        );
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, Encoding::Utf16Le)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, Encoding::Utf16Be)),
        [b'{' | b'[', 0, ..] => Some((bytes, Encoding::Utf16Le)),
        [0, b'{' | b'[', ..] => Some((bytes, Encoding::Utf16Be)),
        _ => None,
    };
    if let Some((rest, encoding)) = utf16 {
        let units = rest.chunks_exact(2).map(|pair| match encoding {
            Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
            _ => u16::from_le_bytes([pair[0], pair[1]]),
        });
        let text = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        return (text, encoding);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => (
            bytes.iter().map(|&b| windows_1252(b)).collect(),
            Encoding::Windows1252,
        ),
    }
}

/// Windows-1252: Latin-1 with printable characters in 0x80..=0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// `text` with raw control characters inside JSON strings replaced by spaces
/// (JSON forbids them; hand-edited feeds have them) and stray ones outside
/// strings removed. `None` when there was nothing to repair.
pub fn escape_raw_controls(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut changed = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c.is_control() {
                out.push(' ');
                changed = true;
                continue;
            }
        } else if c == '"' {
            in_string = true;
        } else if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            changed = true;
            continue;
        }
        out.push(c);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_encoding() {
        let utf16le: Vec<u8> = "\u{feff}[\"é\"]"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "[\"€\"]"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let cases: Vec<(Vec<u8>, &str, Encoding)> = vec![
            (b"[1]".to_vec(), "[1]", Encoding::Utf8),
            (b"\xEF\xBB\xBF[1]".to_vec(), "[1]", Encoding::Utf8WithBom),
            (utf16le, "[\"é\"]", Encoding::Utf16Le),
            (utf16be, "[\"€\"]", Encoding::Utf16Be),
            (
                b"[\"caf\xE9 \x80\"]".to_vec(),
                "[\"café €\"]",
                Encoding::Windows1252,
            ),
            (Vec::new(), "", Encoding::Utf8),
            (vec![0xFF, 0xFE, 0x00, 0xD8], "\u{FFFD}", Encoding::Utf16Le),
        ];
        for (bytes, text, encoding) in cases {
            assert_eq!(decode(&bytes), (text.to_string(), encoding), "{bytes:?}");
        }
    }

    #[test]
    fn repairs_raw_controls_only_when_needed() {
        assert_eq!(escape_raw_controls("{\"a\": \"b\"}\n"), None);
        assert_eq!(
            escape_raw_controls("{\"a\": \"b\nc\\\"\u{0}\"}\u{1}").as_deref(),
            Some("{\"a\": \"b c\\\" \"}")
        );
    }
}
