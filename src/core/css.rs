//! Minifying the widget's stylesheet at compile time (`const fn`), so the
//! readable `ui/style.css` stays the source while the wasm carries it
//! without comments and layout whitespace. Only whitespace and comments
//! change: quoted strings are copied as they are, and a space is kept
//! wherever it separates two tokens (descendant selectors, `calc(a - b)`).

/// Characters around which whitespace never matters in Tailor's CSS.
/// Not `+`, `-`, `~` or `(`: `calc()` and selectors need those spaces.
const fn is_tight(byte: u8) -> bool {
    matches!(byte, b'{' | b'}' | b';' | b',' | b'>')
}

const fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\t' | b'\r' | b'\x0c')
}

/// Writes the minified `css` into the first `N` bytes of the result and
/// returns how many bytes the whole minified text has (call once with
/// `N = 0` to learn the length, then with that length).
pub const fn minify<const N: usize>(css: &[u8]) -> ([u8; N], usize) {
    let mut out = [0u8; N];
    let mut len = 0;
    // The last byte written, and whether whitespace (or a comment) came since.
    let mut last: u8 = b'{';
    let mut pending_space = false;
    let mut i = 0;
    while i < css.len() {
        let byte = css[i];
        if byte == b'/' && i + 1 < css.len() && css[i + 1] == b'*' {
            i += 2;
            while i < css.len() && !(css[i] == b'*' && i + 1 < css.len() && css[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            pending_space = true;
            continue;
        }
        if is_space(byte) {
            pending_space = true;
            i += 1;
            continue;
        }
        if pending_space && !is_tight(last) && last != b':' && !is_tight(byte) {
            if len < N {
                out[len] = b' ';
            }
            len += 1;
        }
        pending_space = false;
        if byte == b'"' || byte == b'\'' {
            // A string, escapes included, exactly as written.
            let quote = byte;
            let mut j = i;
            loop {
                if len < N {
                    out[len] = css[j];
                }
                len += 1;
                j += 1;
                if j >= css.len() {
                    break;
                }
                if css[j] == b'\\' && j + 1 < css.len() {
                    if len < N {
                        out[len] = css[j];
                    }
                    len += 1;
                    j += 1;
                } else if css[j] == quote {
                    if len < N {
                        out[len] = css[j];
                    }
                    len += 1;
                    j += 1;
                    break;
                }
            }
            last = quote;
            i = j;
            continue;
        }
        if len < N {
            out[len] = byte;
        }
        len += 1;
        last = byte;
        i += 1;
    }
    (out, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minified(css: &str) -> String {
        let (_, len) = minify::<0>(css.as_bytes());
        let (out, written) = minify::<16384>(css.as_bytes());
        assert_eq!(len, written);
        String::from_utf8(out[..len].to_vec()).unwrap()
    }

    /// The text without comments, split into tokens at whitespace and at
    /// the characters whitespace may be dropped around.
    fn tokens(css: &str) -> Vec<String> {
        let mut text = String::new();
        let mut rest = css;
        while let Some(start) = rest.find("/*") {
            text.push_str(&rest[..start]);
            text.push(' ');
            rest = rest[start + 2..]
                .find("*/")
                .map_or("", |end| &rest[start + 2 + end + 2..]);
        }
        text.push_str(rest);
        let mut out = Vec::new();
        for word in text.split_whitespace() {
            let mut current = String::new();
            for c in word.chars() {
                if c == ':' {
                    // Glued to what precedes (`.a :is` ≠ `.a:is`), split from what follows.
                    current.push(c);
                    out.push(std::mem::take(&mut current));
                } else if matches!(c, '{' | '}' | ';' | ',' | '>') {
                    if !current.is_empty() {
                        out.push(std::mem::take(&mut current));
                    }
                    out.push(c.to_string());
                } else {
                    current.push(c);
                }
            }
            if !current.is_empty() {
                out.push(current);
            }
        }
        out
    }

    #[test]
    fn minifies() {
        let cases = [
            ("", ""),
            ("a { color: red; }", "a{color:red;}"),
            (
                "/* note */\n.a .b > .c,\n.d { margin: 0 auto; }",
                ".a .b>.c,.d{margin:0 auto;}",
            ),
            (
                ".a :is(.b) { width: calc(100% - 2em); }",
                ".a :is(.b){width:calc(100% - 2em);}",
            ),
            (
                ".a::before { content: \"  /* x */ \"; }",
                ".a::before{content:\"  /* x */ \";}",
            ),
            ("a { content: 'it\\'s  '; }", "a{content:'it\\'s  ';}"),
            (
                "@media (prefers-color-scheme: dark) {\n  .a { b: c }\n}",
                "@media (prefers-color-scheme:dark){.a{b:c}}",
            ),
            ("a/**/b", "a b"),
            ("a { b: c d\n\t e }", "a{b:c d e}"),
            ("x ~ y + z", "x ~ y + z"),
            ("é ü { a: 'ш' }", "é ü{a:'ш'}"),
        ];
        for (css, want) in cases {
            assert_eq!(minified(css), want, "{css}");
        }
    }

    #[test]
    fn the_widget_stylesheet_keeps_every_token() {
        let css = include_str!("../ui/style.css");
        let (_, len) = minify::<0>(css.as_bytes());
        let (out, _) = minify::<16384>(css.as_bytes());
        assert!(len <= out.len(), "style.css grew past the test's buffer");
        let small = std::str::from_utf8(&out[..len]).unwrap();
        assert!(
            small.len() < css.len() * 9 / 10,
            "{} of {}",
            small.len(),
            css.len()
        );
        assert!(!small.contains("/*") && !small.contains('\n'));
        assert_eq!(tokens(small), tokens(css));
        assert_eq!(minified(small), small, "minifying twice changes nothing");
    }
}
