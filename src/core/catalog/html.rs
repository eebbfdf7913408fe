//! HTML in feed text (Shopify `body_html`, WooCommerce descriptions and
//! names, JSON-LD copied from pages) turned into plain text: tags removed,
//! `script`/`style` contents and comments dropped, entities decoded. The
//! result is text for the DOM, never markup.

/// Plain text of an HTML fragment. Block-level tags become spaces so words
/// on either side stay apart; inline tags vanish. A `<` that does not start a
/// tag (`5 < 10`, `<3`) is kept as text. Whitespace is left for the caller
/// to collapse.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('&') {
            let (decoded, used) = entity(rest);
            match decoded {
                Some(c) => out.push(c),
                None => out.push('&'),
            }
            rest = &rest[used..];
            continue;
        }
        // `rest` starts with '<'.
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let starts_tag = rest[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !starts_tag {
            out.push('<');
            rest = &rest[1..];
            continue;
        }
        let Some(end) = tag_end(rest) else {
            // Never closed: the rest is text. (Giving up here, rather than
            // trying each later `<`, keeps stripping linear in the input.)
            break;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let name = tag_name(tag);
        if !tag.starts_with('/')
            && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style"))
        {
            rest = skip_raw_text(rest, name);
            out.push(' ');
        } else if !is_inline(name) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

/// The byte index of the `>` closing the tag at the start of `s`, skipping
/// quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn tag_name(tag: &str) -> &str {
    let tag = tag.trim_start_matches('/');
    let end = tag
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len());
    &tag[..end]
}

fn is_inline(name: &str) -> bool {
    const INLINE: &[&str] = &[
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "em", "font", "i", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "u", "var",
        "wbr",
    ];
    INLINE.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// What follows the closing tag of a `script` or `style` element.
fn skip_raw_text<'a>(s: &'a str, name: &str) -> &'a str {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(pos) = s[i..].find("</") {
        let start = i + pos + 2;
        let candidate = bytes.get(start..start + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return match s[start..].find('>') {
                Some(end) => &s[start + end + 1..],
                None => "",
            };
        }
        i = start;
    }
    ""
}

/// The character an entity at the start of `s` stands for, and how many
/// bytes it took; `(None, 1)` when `s` does not start with a known entity.
fn entity(s: &str) -> (Option<char>, usize) {
    // `;` is ASCII, so its byte position is a character boundary.
    let Some(semi) = s.bytes().take(12).position(|b| b == b';') else {
        return (None, 1);
    };
    let name = &s[1..semi];
    let used = semi + 1;
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        match code {
            Some(0) => Some('\u{FFFD}'),
            Some(code) => Some(char::from_u32(code).unwrap_or('\u{FFFD}')),
            None => None,
        }
    } else {
        named(name)
    };
    match c {
        Some(c) => (Some(c), used),
        None => (None, 1),
    }
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "times" => '×',
        "euro" => '€',
        "pound" => '£',
        "shy" => '\u{ad}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_decodes_entities() {
        let cases = [
            (
                "<p>Soft <strong>cotton</strong> tee</p>",
                " Soft cotton tee ",
            ),
            ("Line<br>break<br/>here", "Line break here"),
            ("Fish &amp; Chips &lt;3", "Fish & Chips <3"),
            ("&quot;Quoted&quot; &#39;single&#39;", "\"Quoted\" 'single'"),
            ("caf&#233; &#xE9;t&#XE9;", "café été"),
            ("a&nbsp;b", "a\u{a0}b"),
            ("R&D and AT&T; &unknown; &", "R&D and AT&T; &unknown; &"),
            ("5 < 10 and 3 > 2", "5 < 10 and 3 > 2"),
            ("<!-- hidden -->shown", "shown"),
            ("<!-- never closed", ""),
            ("<script>alert('x')</script>after", " after"),
            ("<STYLE>p{}</STYLE>after", " after"),
            ("<script>never closed", " "),
            ("<a href=\"x>y\" title='>'>link</a>", "link"),
            ("<unclosed tag", "<unclosed tag"),
            ("ok <i don't close <b>x</b>", "ok <i don't close <b>x</b>"),
            ("&hellip;中文字", "…中文字"),
            ("&#0;&#xD800;&#1114112;", "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("&#99999999999999;", "&#99999999999999;"),
            ("<li>one</li><li>two</li>", " one  two "),
            ("", ""),
            ("שלום &amp; 你好", "שלום & 你好"),
        ];
        for (html, want) in cases {
            assert_eq!(to_text(html), want, "{html}");
        }
    }
}
