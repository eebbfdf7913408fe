//! Unicode lower-casing exactly as the standard library does it
//! (`str::to_lowercase`, `char::to_lowercase`: same Unicode version, the
//! Greek final sigma included), from tables a quarter of the size.
//!
//! The standard library keeps 1,462 lower-case pairs as 8-byte entries
//! (11.7 KB) plus a separate `str` routine; here they are 185 runs (same
//! step, same offset), and the two character classes the final-sigma rule
//! needs are kept as varint-coded range boundaries. The widget lower-cases
//! brands, tags, categories, survey comments and non-ASCII words, so this
//! ships in the browser build. The tests compare every character (and every
//! character around a `Σ`) with the standard library.

/// `text` lower-cased, the same `String` as `text.to_lowercase()`.
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        // Most brands, tags and categories: no table to consult.
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c == 'Σ' {
            // Final sigma (Unicode ch. 3, `Final_Sigma`): after a cased letter
            // and not before one, case-ignorable characters skipped.
            let after_cased = ignorable_then_cased(text[..at].chars().rev());
            let before_cased = ignorable_then_cased(text[at + 'Σ'.len_utf8()..].chars());
            out.push(if after_cased && !before_cased {
                'ς'
            } else {
                'σ'
            });
        } else {
            push_lowercase(c, &mut out);
        }
    }
    out
}

/// Appends `c` lower-cased to `out`, as `out.extend(c.to_lowercase())`.
pub fn push_lowercase(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if c == '\u{130}' {
        // The one character whose lower case is two: İ → i + combining dot.
        out.push_str("i\u{307}");
        return;
    }
    let code = u32::from(c);
    let next = LOWER_RUNS.partition_point(|&(packed, _)| packed & 0x1f_ffff <= code);
    if let Some(&(packed, delta)) = next.checked_sub(1).and_then(|i| LOWER_RUNS.get(i)) {
        let start = packed & 0x1f_ffff;
        let length = ((packed >> 21) & 0x3ff) + 1;
        let stride = (packed >> 31) + 1;
        let offset = code - start;
        if offset % stride == 0 && offset / stride < length {
            if let Some(lower) = code.checked_add_signed(delta).and_then(char::from_u32) {
                out.push(lower);
                return;
            }
        }
    }
    out.push(c);
}

/// Whether the first character of `chars` that is not case-ignorable is
/// cased (false when there is none).
fn ignorable_then_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| !in_set(&CASE_IGNORABLE, c))
        .is_some_and(|c| in_set(&CASED, c))
}

/// Whether `c` is in the set whose range boundaries (first in, first out,
/// alternately) are coded in `boundaries` as LEB128 gaps from the previous.
fn in_set(boundaries: &[u8], c: char) -> bool {
    let code = u32::from(c);
    let mut inside = false;
    let mut boundary = 0u32;
    let mut gap = 0u32;
    let mut shift = 0;
    for &byte in boundaries {
        gap |= u32::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            boundary += gap;
            if boundary > code {
                break;
            }
            inside = !inside;
            gap = 0;
            shift = 0;
        }
    }
    inside
}

/// Lower-case mappings (generated from the standard library, checked by the tests)
/// as runs: `start | (length - 1) << 21 | (stride - 1) << 31`, then the offset.
const LOWER_RUNS: [(u32, i32); 185] = [
    (0x3200041, 32),
    (0x2c000c0, 32),
    (0xc000d8, 32),
    (0x82e00100, 1),
    (0x80400132, 1),
    (0x80e00139, 1),
    (0x82c0014a, 1),
    (0x178, -121),
    (0x80400179, 1),
    (0x181, 210),
    (0x80200182, 1),
    (0x186, 206),
    (0x187, 1),
    (0x200189, 205),
    (0x18b, 1),
    (0x18e, 79),
    (0x18f, 202),
    (0x190, 203),
    (0x191, 1),
    (0x193, 205),
    (0x194, 207),
    (0x196, 211),
    (0x197, 209),
    (0x198, 1),
    (0x19c, 211),
    (0x19d, 213),
    (0x19f, 214),
    (0x804001a0, 1),
    (0x1a6, 218),
    (0x1a7, 1),
    (0x1a9, 218),
    (0x1ac, 1),
    (0x1ae, 218),
    (0x1af, 1),
    (0x2001b1, 217),
    (0x802001b3, 1),
    (0x1b7, 219),
    (0x1b8, 1),
    (0x1bc, 1),
    (0x1c4, 2),
    (0x1c5, 1),
    (0x1c7, 2),
    (0x1c8, 1),
    (0x1ca, 2),
    (0x810001cb, 1),
    (0x810001de, 1),
    (0x1f1, 2),
    (0x802001f2, 1),
    (0x1f6, -97),
    (0x1f7, -56),
    (0x826001f8, 1),
    (0x220, -130),
    (0x81000222, 1),
    (0x23a, 10795),
    (0x23b, 1),
    (0x23d, -163),
    (0x23e, 10792),
    (0x241, 1),
    (0x243, -195),
    (0x244, 69),
    (0x245, 71),
    (0x80800246, 1),
    (0x80200370, 1),
    (0x376, 1),
    (0x37f, 116),
    (0x386, 38),
    (0x400388, 37),
    (0x38c, 64),
    (0x20038e, 63),
    (0x2000391, 32),
    (0x10003a3, 32),
    (0x3cf, 8),
    (0x816003d8, 1),
    (0x3f4, -60),
    (0x3f7, 1),
    (0x3f9, -7),
    (0x3fa, 1),
    (0x4003fd, -130),
    (0x1e00400, 80),
    (0x3e00410, 32),
    (0x82000460, 1),
    (0x8340048a, 1),
    (0x4c0, 15),
    (0x80c004c1, 1),
    (0x85e004d0, 1),
    (0x4a00531, 48),
    (0x4a010a0, 7264),
    (0x10c7, 7264),
    (0x10cd, 7264),
    (0x9e013a0, 38864),
    (0xa013f0, 8),
    (0x1c89, 1),
    (0x5401c90, -3008),
    (0x401cbd, -3008),
    (0x89401e00, 1),
    (0x1e9e, -7615),
    (0x85e01ea0, 1),
    (0xe01f08, -8),
    (0xa01f18, -8),
    (0xe01f28, -8),
    (0xe01f38, -8),
    (0xa01f48, -8),
    (0x80601f59, -8),
    (0xe01f68, -8),
    (0xe01f88, -8),
    (0xe01f98, -8),
    (0xe01fa8, -8),
    (0x201fb8, -8),
    (0x201fba, -74),
    (0x1fbc, -9),
    (0x601fc8, -86),
    (0x1fcc, -9),
    (0x201fd8, -8),
    (0x201fda, -100),
    (0x201fe8, -8),
    (0x201fea, -112),
    (0x1fec, -7),
    (0x201ff8, -128),
    (0x201ffa, -126),
    (0x1ffc, -9),
    (0x2126, -7517),
    (0x212a, -8383),
    (0x212b, -8262),
    (0x2132, 28),
    (0x1e02160, 16),
    (0x2183, 1),
    (0x32024b6, 26),
    (0x5e02c00, 48),
    (0x2c60, 1),
    (0x2c62, -10743),
    (0x2c63, -3814),
    (0x2c64, -10727),
    (0x80402c67, 1),
    (0x2c6d, -10780),
    (0x2c6e, -10749),
    (0x2c6f, -10783),
    (0x2c70, -10782),
    (0x2c72, 1),
    (0x2c75, 1),
    (0x202c7e, -10815),
    (0x86202c80, 1),
    (0x80202ceb, 1),
    (0x2cf2, 1),
    (0x82c0a640, 1),
    (0x81a0a680, 1),
    (0x80c0a722, 1),
    (0x83c0a732, 1),
    (0x8020a779, 1),
    (0xa77d, -35332),
    (0x8080a77e, 1),
    (0xa78b, 1),
    (0xa78d, -42280),
    (0x8020a790, 1),
    (0x8120a796, 1),
    (0xa7aa, -42308),
    (0xa7ab, -42319),
    (0xa7ac, -42315),
    (0xa7ad, -42305),
    (0xa7ae, -42308),
    (0xa7b0, -42258),
    (0xa7b1, -42282),
    (0xa7b2, -42261),
    (0xa7b3, 928),
    (0x80e0a7b4, 1),
    (0xa7c4, -48),
    (0xa7c5, -42307),
    (0xa7c6, -35384),
    (0x8020a7c7, 1),
    (0xa7cb, -42343),
    (0x80e0a7cc, 1),
    (0xa7dc, -42561),
    (0xa7f5, 1),
    (0x320ff21, 32),
    (0x4e10400, 40),
    (0x46104b0, 40),
    (0x1410570, 39),
    (0x1c1057c, 39),
    (0xc1058c, 39),
    (0x210594, 39),
    (0x6410c80, 64),
    (0x2a10d50, 32),
    (0x3e118a0, 32),
    (0x3e16e40, 32),
    (0x3016ea0, 27),
    (0x421e900, 34),
];

/// Boundaries of Unicode's `Case_Ignorable`, as [`in_set`] reads them.
const CASE_IGNORABLE: [u8; 987] = [
    39, 1, 6, 1, 11, 1, 35, 1, 1, 1, 71, 1, 4, 1, 1, 1, 4, 1, 2, 2, 247, 3, 192, 1, 4, 2, 4, 1, 9,
    2, 1, 1, 251, 1, 7, 207, 1, 1, 5, 1, 49, 45, 1, 1, 1, 2, 1, 2, 1, 1, 44, 1, 11, 6, 10, 11, 1,
    1, 35, 1, 10, 21, 16, 1, 101, 8, 1, 10, 1, 4, 33, 1, 1, 1, 30, 27, 91, 11, 58, 11, 4, 1, 2, 1,
    24, 24, 43, 3, 44, 1, 7, 2, 5, 9, 41, 58, 55, 1, 1, 1, 4, 8, 4, 1, 3, 7, 10, 2, 13, 1, 15, 1,
    58, 1, 4, 4, 8, 1, 20, 2, 26, 1, 2, 2, 57, 1, 4, 2, 4, 2, 2, 3, 3, 1, 30, 2, 3, 1, 11, 2, 57,
    1, 4, 5, 1, 2, 4, 1, 20, 2, 22, 6, 1, 1, 58, 1, 2, 1, 1, 4, 8, 1, 7, 2, 11, 2, 30, 1, 61, 1,
    12, 1, 50, 1, 3, 1, 55, 1, 1, 3, 5, 3, 1, 4, 7, 2, 11, 2, 29, 1, 58, 1, 2, 1, 6, 1, 5, 2, 20,
    2, 28, 2, 57, 2, 4, 4, 8, 1, 20, 2, 29, 1, 72, 1, 7, 3, 1, 1, 90, 1, 2, 7, 11, 9, 98, 1, 2, 9,
    9, 1, 1, 7, 73, 2, 27, 1, 1, 1, 1, 1, 55, 14, 1, 5, 1, 2, 5, 11, 1, 36, 9, 1, 102, 4, 1, 6, 1,
    2, 2, 2, 25, 2, 4, 3, 16, 4, 13, 1, 2, 2, 6, 1, 15, 1, 94, 1, 224, 4, 3, 178, 7, 3, 29, 2, 30,
    2, 30, 2, 64, 2, 1, 7, 8, 1, 2, 11, 3, 1, 5, 1, 45, 5, 51, 1, 65, 2, 34, 1, 118, 3, 4, 2, 9, 1,
    6, 3, 219, 1, 2, 2, 1, 58, 1, 1, 7, 1, 1, 1, 1, 2, 8, 6, 10, 2, 1, 39, 1, 8, 46, 2, 12, 20, 4,
    48, 1, 1, 5, 1, 1, 5, 1, 40, 9, 12, 2, 32, 4, 2, 2, 1, 3, 56, 1, 1, 2, 3, 1, 1, 3, 58, 8, 2, 2,
    64, 6, 82, 3, 1, 13, 1, 7, 4, 1, 6, 1, 3, 2, 50, 63, 13, 1, 34, 101, 189, 3, 1, 1, 3, 11, 3,
    13, 3, 13, 3, 13, 2, 12, 5, 8, 2, 10, 1, 2, 1, 2, 5, 49, 5, 1, 10, 1, 1, 13, 1, 16, 13, 51, 33,
    139, 23, 2, 113, 3, 125, 1, 15, 1, 96, 32, 47, 1, 213, 3, 1, 36, 4, 3, 5, 5, 1, 93, 6, 93, 3,
    150, 222, 1, 1, 226, 9, 6, 142, 2, 1, 98, 4, 1, 10, 1, 1, 28, 4, 80, 2, 14, 34, 78, 1, 23, 3,
    102, 4, 3, 2, 8, 1, 3, 1, 4, 1, 25, 2, 5, 1, 151, 1, 2, 26, 18, 13, 1, 38, 8, 25, 11, 46, 3,
    48, 1, 2, 4, 2, 2, 17, 1, 21, 2, 66, 6, 2, 2, 2, 2, 12, 1, 8, 1, 35, 1, 11, 1, 51, 1, 1, 3, 2,
    2, 5, 2, 1, 1, 27, 1, 14, 2, 5, 2, 1, 1, 100, 5, 9, 3, 121, 1, 2, 1, 4, 1, 176, 158, 1, 1, 147,
    1, 17, 189, 4, 16, 3, 1, 12, 16, 34, 1, 2, 1, 169, 1, 1, 7, 1, 6, 1, 11, 1, 35, 1, 1, 1, 47, 1,
    45, 2, 67, 1, 21, 3, 129, 4, 1, 226, 1, 1, 149, 1, 5, 133, 8, 6, 1, 42, 1, 9, 198, 4, 3, 1, 2,
    5, 4, 40, 3, 4, 1, 165, 1, 2, 189, 4, 4, 38, 1, 26, 5, 1, 1, 187, 2, 2, 24, 1, 52, 6, 70, 11,
    49, 4, 123, 1, 54, 15, 41, 1, 2, 2, 10, 3, 49, 4, 2, 2, 2, 1, 4, 1, 10, 1, 50, 3, 36, 5, 1, 8,
    62, 1, 12, 2, 52, 9, 10, 4, 2, 1, 95, 3, 2, 1, 1, 2, 6, 1, 2, 1, 157, 1, 1, 3, 8, 21, 2, 57, 2,
    3, 1, 37, 7, 3, 5, 70, 6, 13, 1, 1, 1, 1, 1, 14, 2, 85, 8, 2, 3, 1, 1, 23, 1, 84, 6, 1, 1, 4,
    2, 1, 2, 238, 1, 4, 6, 2, 1, 2, 27, 2, 85, 8, 2, 1, 1, 2, 106, 1, 1, 1, 2, 6, 1, 1, 101, 1, 1,
    1, 2, 4, 1, 5, 131, 2, 9, 1, 2, 128, 2, 2, 1, 1, 4, 1, 144, 1, 4, 2, 2, 4, 1, 32, 10, 40, 6, 2,
    4, 8, 1, 9, 6, 2, 3, 46, 13, 1, 2, 198, 1, 1, 1, 3, 1, 1, 201, 1, 7, 1, 6, 1, 1, 82, 22, 2, 7,
    1, 2, 1, 2, 122, 6, 3, 1, 1, 2, 1, 7, 1, 1, 72, 2, 3, 1, 1, 1, 65, 1, 153, 2, 2, 11, 2, 52, 5,
    5, 1, 1, 1, 23, 1, 213, 41, 17, 6, 15, 200, 89, 12, 3, 3, 192, 19, 5, 59, 7, 9, 4, 252, 3, 3,
    40, 2, 226, 3, 1, 63, 17, 64, 2, 1, 2, 13, 2, 252, 127, 4, 1, 7, 1, 2, 158, 25, 2, 1, 4, 220,
    36, 46, 2, 23, 160, 4, 3, 9, 16, 2, 7, 30, 4, 148, 1, 3, 187, 15, 55, 4, 50, 8, 1, 14, 1, 22,
    5, 1, 15, 208, 10, 7, 1, 17, 2, 7, 1, 2, 1, 5, 5, 62, 33, 1, 160, 1, 14, 240, 2, 1, 61, 4, 251,
    3, 5, 254, 1, 2, 243, 1, 1, 2, 1, 7, 2, 5, 1, 9, 1, 208, 3, 7, 109, 8, 175, 21, 5, 129, 152,
    48, 1, 30, 96, 128, 1, 240, 1,
];

/// Boundaries of Unicode's `Cased`, as [`in_set`] reads them (characters that
/// are also case-ignorable are left out: the final-sigma rule skips them).
const CASED: [u8; 332] = [
    65, 26, 6, 26, 47, 1, 10, 1, 4, 1, 5, 23, 1, 31, 1, 195, 1, 1, 4, 4, 208, 1, 2, 26, 192, 1, 4,
    2, 2, 3, 3, 1, 1, 6, 1, 1, 3, 1, 1, 1, 20, 1, 83, 1, 139, 1, 8, 166, 1, 1, 38, 9, 41, 151, 22,
    38, 1, 1, 5, 1, 2, 43, 2, 3, 160, 5, 86, 2, 6, 130, 17, 11, 5, 43, 2, 3, 64, 44, 63, 13, 1, 34,
    101, 150, 2, 2, 6, 2, 38, 2, 6, 2, 8, 1, 1, 1, 1, 1, 1, 1, 31, 2, 53, 1, 7, 1, 1, 3, 3, 1, 7,
    3, 4, 2, 6, 4, 13, 5, 3, 1, 7, 133, 2, 1, 4, 1, 2, 10, 1, 1, 3, 5, 6, 1, 1, 1, 1, 1, 1, 4, 1,
    6, 4, 1, 2, 4, 5, 5, 4, 1, 17, 32, 3, 2, 177, 6, 52, 150, 14, 124, 2, 103, 6, 4, 3, 2, 12, 38,
    1, 1, 5, 1, 146, 242, 1, 46, 18, 28, 134, 1, 78, 1, 23, 3, 4, 1, 77, 24, 2, 3, 1, 181, 6, 43,
    5, 9, 7, 80, 192, 158, 1, 7, 12, 5, 137, 8, 26, 6, 26, 165, 9, 80, 96, 36, 4, 36, 116, 11, 1,
    15, 1, 7, 1, 2, 1, 11, 1, 15, 1, 7, 1, 2, 195, 13, 51, 13, 51, 93, 22, 10, 22, 154, 22, 64,
    224, 170, 1, 64, 32, 25, 2, 25, 172, 202, 1, 85, 1, 71, 1, 2, 2, 1, 2, 2, 2, 4, 1, 12, 1, 1, 1,
    7, 1, 65, 1, 4, 2, 8, 1, 7, 1, 28, 1, 4, 1, 5, 1, 1, 3, 7, 1, 212, 2, 2, 25, 1, 25, 1, 31, 1,
    25, 1, 31, 1, 25, 1, 31, 1, 25, 1, 31, 1, 25, 1, 8, 180, 14, 10, 1, 20, 6, 6, 213, 19, 68, 236,
    15, 26, 6, 26, 6, 26,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::splitmix::SplitMix64;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=u32::from(char::MAX)).filter_map(char::from_u32)
    }

    #[test]
    fn every_char_lower_cases_like_the_standard_library() {
        let mut got = String::new();
        for c in every_char() {
            got.clear();
            push_lowercase(c, &mut got);
            let want: String = c.to_lowercase().collect();
            assert_eq!(got, want, "U+{:04X}", u32::from(c));
        }
    }

    /// What the standard library's final-sigma rule shows of a character:
    /// (case-ignorable, cased when not case-ignorable). After a cased `A`, a
    /// sigma is final when nothing cased follows once ignorables are skipped.
    fn classes_seen_by_std(c: char) -> (bool, bool) {
        let sigma = |text: String| text.to_lowercase().chars().nth(1);
        let alone = sigma(format!("AΣ{c}"));
        let before_b = sigma(format!("AΣ{c}B"));
        let ignorable = alone == Some('ς') && before_b == Some('σ');
        (ignorable, !ignorable && alone == Some('σ'))
    }

    /// A table's boundaries, decoded independently of [`in_set`].
    fn boundaries(table: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut at, mut gap, mut shift) = (0, 0, 0);
        for &byte in table {
            gap += u32::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                at += gap;
                out.push(at);
                (gap, shift) = (0, 0);
            }
        }
        out
    }

    #[test]
    fn the_final_sigma_tables_agree_with_the_standard_library_on_every_char() {
        let ignorable = boundaries(&CASE_IGNORABLE);
        let cased = boundaries(&CASED);
        let inside =
            |bounds: &[u32], c: char| bounds.partition_point(|&b| b <= u32::from(c)) % 2 == 1;
        for c in every_char() {
            let (want_ignorable, want_cased) = classes_seen_by_std(c);
            assert_eq!(
                inside(&ignorable, c),
                want_ignorable,
                "ignorable U+{:04X}",
                u32::from(c)
            );
            if !want_ignorable {
                assert_eq!(
                    inside(&cased, c),
                    want_cased,
                    "cased U+{:04X}",
                    u32::from(c)
                );
            }
        }
        // `in_set` reads them the same way at and next to every boundary.
        for (table, bounds) in [(&CASE_IGNORABLE[..], &ignorable), (&CASED[..], &cased)] {
            for &b in bounds.iter() {
                for code in [b.saturating_sub(1), b, b + 1] {
                    if let Some(c) = char::from_u32(code) {
                        assert_eq!(in_set(table, c), inside(bounds, c), "U+{code:04X}");
                    }
                }
            }
            assert_eq!(in_set(table, char::MAX), inside(bounds, char::MAX));
        }
    }

    #[test]
    fn texts_around_a_capital_sigma_lower_case_like_the_standard_library() {
        // Every character of the alphabetic scripts near the start of
        // Unicode, and every character at a table boundary, on both sides.
        let near_boundaries = boundaries(&CASE_IGNORABLE)
            .into_iter()
            .chain(boundaries(&CASED))
            .flat_map(|b| [b.saturating_sub(1), b]);
        for code in (0..0x800).chain(near_boundaries) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for text in [
                format!("AΣ{c}"),
                format!("AΣ{c}B"),
                format!("{c}Σ"),
                format!("{c}Σ{c}"),
            ] {
                assert_eq!(lowercase(&text), text.to_lowercase(), "U+{code:04X}");
            }
        }
    }

    #[test]
    fn words_lower_case_like_the_standard_library() {
        for text in [
            "",
            "ΟΔΟΣ",
            "ΟΔΟΣ ΟΔΟΣ.",
            "Σ",
            "ΣΣ",
            "ΑΣ'",
            "ΑΣ'Α",
            "ΑΣ\u{301}",
            "Α\u{301}Σ",
            "ΟΔΥΣΣΕΥΣ",
            "'Σ",
            "1Σ",
            "ΑΣ1",
            "İstanbul",
            "İİ",
            "Crème BRÛLÉE",
            "ПРИВЕТ МИР",
            "ǅemal Ǆ ǆ",
            "ΩK Å",
            "𐐀𐐁 𞤀",
            "ẞ",
            "東京 Tokyo",
            "שָׁלוֹם",
            "ⅯⅭⅭ Ⓐ",
        ] {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text:?}");
        }
    }

    #[test]
    fn random_texts_lower_case_like_the_standard_library() {
        let pool: Vec<char> = "aAzZ Σσς.'’-\u{301}\u{345}\u{200d}ͅΑΩωİıK0ǅ𐐀ᾼῼ\u{fe0f}ªʰˆ^`¨"
            .chars()
            .collect();
        let mut random = SplitMix64::new(4);
        for _ in 0..20_000 {
            let length = random.below(8);
            let text: String = (0..length)
                .map(|_| pool[random.below(pool.len())])
                .collect();
            assert_eq!(lowercase(&text), text.to_lowercase(), "{text:?}");
        }
    }
}
