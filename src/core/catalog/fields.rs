//! Lenient readers for the loosely typed values feeds contain. Each reader
//! takes what it can, cleans it (HTML, control characters, whitespace,
//! absurd sizes) and notes what it had to drop in [`Notes`], which the
//! parser turns into warnings for the record.

use serde_json::Value;

use crate::core::number::parse_f64;

use super::{html, Problem, SkipReason};

/// Longest title kept, in characters.
pub const TITLE_CHARS: usize = 300;
/// Longest description kept, in characters.
pub const DESCRIPTION_CHARS: usize = 2000;
/// Longest brand, category level or tag kept, in characters.
pub const NAME_CHARS: usize = 120;
/// Longest URL kept; a longer one is dropped, since a cut URL is broken.
pub const URL_CHARS: usize = 2048;
/// Longest id accepted; a record with a longer one is skipped.
pub const ID_CHARS: usize = 200;
/// Most tags kept per product.
pub const MAX_TAGS: usize = 64;
/// Deepest category path kept.
pub const MAX_CATEGORY_DEPTH: usize = 8;

/// What one record's readers had to drop or clean.
#[derive(Debug, Default)]
pub struct Notes {
    pub problems: Vec<(&'static str, Problem)>,
}

impl Notes {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        self.problems.push((field, problem));
    }
}

/// Whether a text field may hold HTML to strip.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    Html,
}

/// The JSON type of a value, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An id from a string or a number, trimmed, without control characters.
pub fn plain_id(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && !s.chars().any(char::is_control)).then_some(s)
}

/// The record's id, or why it has none Tailor can use.
pub fn id(value: Option<&Value>) -> Result<String, SkipReason> {
    let value = value.ok_or(SkipReason::MissingId)?;
    let id = plain_id(value).ok_or(SkipReason::MissingId)?;
    if id.chars().count() > ID_CHARS {
        return Err(SkipReason::BadField {
            field: "id".into(),
            why: format!("longer than {ID_CHARS} characters"),
        });
    }
    Ok(id)
}

/// Cleaned text from a string (or a number), `None` when empty. HTML is
/// stripped when `markup` says so; control characters are removed and
/// whitespace collapsed; the result is cut to `limit` characters.
pub fn text(
    notes: &mut Notes,
    field: &'static str,
    value: Option<&Value>,
    limit: usize,
    markup: Markup,
) -> Option<String> {
    let raw = match value? {
        Value::Null => return None,
        Value::String(s) => s.as_str(),
        Value::Number(n) => return Some(n.to_string()),
        other => {
            notes.add(
                field,
                Problem::WrongType {
                    expected: "a string",
                    found: kind(other),
                },
            );
            return None;
        }
    };
    clean(notes, field, raw, limit, markup)
}

/// [`text`] for a string already in hand.
pub fn clean(
    notes: &mut Notes,
    field: &'static str,
    raw: &str,
    limit: usize,
    markup: Markup,
) -> Option<String> {
    let stripped;
    let raw = if markup == Markup::Html && (raw.contains('<') || raw.contains('&')) {
        stripped = html::to_text(raw);
        stripped.as_str()
    } else {
        raw
    };
    let mut out = String::with_capacity(raw.len().min(limit * 4));
    let mut had_controls = false;
    let mut pending_space = false;
    for c in raw.chars() {
        let is_space = c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}');
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            had_controls = true;
            pending_space = !out.is_empty();
        } else if is_space {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    if had_controls {
        notes.add(field, Problem::ControlCharacters);
    }
    if let Some((cut, _)) = out.char_indices().nth(limit) {
        out.truncate(cut);
        out.truncate(out.trim_end().len());
        notes.add(field, Problem::Truncated(limit));
    }
    (!out.is_empty()).then_some(out)
}

/// A URL or image address: trimmed, kept whole or dropped (never cut).
pub fn link(notes: &mut Notes, field: &'static str, value: Option<&Value>) -> Option<String> {
    let raw = match value? {
        Value::Null => return None,
        Value::String(s) => s.trim(),
        other => {
            notes.add(
                field,
                Problem::WrongType {
                    expected: "a URL string",
                    found: kind(other),
                },
            );
            return None;
        }
    };
    if raw.is_empty() {
        return None;
    }
    if raw.chars().any(char::is_control) {
        notes.add(field, Problem::ControlCharacters);
        return None;
    }
    if raw.chars().count() > URL_CHARS {
        notes.add(field, Problem::TooLong(URL_CHARS));
        return None;
    }
    Some(raw.to_string())
}

/// A price read leniently; a value that is not a price is noted and gives
/// `None` so the product is kept without one.
pub fn price(notes: &mut Notes, field: &'static str, value: Option<&Value>) -> Option<f64> {
    let value = value?;
    match parse_price(value) {
        Ok(p) => p,
        Err(()) => {
            notes.add(field, Problem::NotAPrice(short(value)));
            None
        }
    }
}

/// A finite, non-negative price from a number or a string like `"19.90"`,
/// `"1,299.00"`, `"1.299,00"`, `"19,90 €"` or `"$5"`. `Ok(None)` for null or
/// an empty string.
pub fn parse_price(value: &Value) -> Result<Option<f64>, ()> {
    let n = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => price_text(s),
        _ => None,
    };
    match n {
        Some(p) if p.is_finite() && p >= 0.0 => Ok(Some(p)),
        _ => Err(()),
    }
}

/// Reads the number in a price string, with `,` or `.` as the decimal
/// separator and `,` `.` `'` or spaces grouping thousands (groups of three
/// digits only, so `"1.2.3"` is not a price). A currency sign or an
/// upper-case code may come before or after (`"US$ 5"`, `"5 EUR"`).
fn price_text(s: &str) -> Option<f64> {
    let is_decoration = |c: char| {
        c.is_whitespace()
            || c.is_ascii_uppercase()
            || matches!(
                c,
                '$' | '€' | '£' | '¥' | '₪' | '₹' | '₩' | '₽' | '₺' | '¢' | '฿' | '₫'
            )
    };
    let core = s.trim_matches(is_decoration);
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    if letters > 3 || !core.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let is_group = |c: char| matches!(c, ',' | '.' | '\'' | ' ' | '\u{a0}' | '\u{202f}');
    let commas = core.matches(',').count();
    let dots = core.matches('.').count();
    let decimal = match (core.rfind(','), core.rfind('.')) {
        (Some(c), Some(d)) => Some(c.max(d)),
        // "19,90" is a decimal comma; "1,299" and "1,299,000" group thousands.
        (Some(c), None) if commas == 1 && core.len() - c - 1 != 3 => Some(c),
        (None, Some(d)) if dots == 1 => Some(d),
        _ => None,
    };
    let (whole, fraction) = match decimal {
        Some(d) => (&core[..d], Some(&core[d + 1..])),
        None => (core, None),
    };
    let mut digits = String::with_capacity(core.len());
    for (i, group) in whole.split(is_group).enumerate() {
        let ok = group.bytes().all(|b| b.is_ascii_digit())
            && if i == 0 {
                !group.is_empty()
            } else {
                group.len() == 3
            };
        if !ok {
            return None;
        }
        digits.push_str(group);
    }
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push('.');
        digits.push_str(fraction);
    }
    parse_f64(&digits)
}

/// A currency as an upper-case ISO 4217 code; a few unambiguous symbols are
/// mapped, anything else is noted and dropped.
pub fn currency(notes: &mut Notes, field: &'static str, value: Option<&Value>) -> Option<String> {
    let raw = match value? {
        Value::Null => return None,
        Value::String(s) => s.trim(),
        other => {
            notes.add(
                field,
                Problem::WrongType {
                    expected: "a currency code",
                    found: kind(other),
                },
            );
            return None;
        }
    };
    if raw.is_empty() {
        return None;
    }
    let code = match raw {
        "€" => "EUR".to_string(),
        "£" => "GBP".to_string(),
        "₪" => "ILS".to_string(),
        "₹" => "INR".to_string(),
        _ => raw.to_ascii_uppercase(),
    };
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Some(code)
    } else {
        notes.add(field, Problem::NotACurrency(raw.chars().take(20).collect()));
        None
    }
}

/// A list of names from an array (of strings, or of objects with `name`) or
/// a string split on `separators`; each entry cleaned, at most `max` kept.
pub fn list(
    notes: &mut Notes,
    field: &'static str,
    value: Option<&Value>,
    separators: &[char],
    max: usize,
) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    // Sized to the list (a growing `Vec` leaves room for four, twice what
    // most category paths and tag lists hold, in every product).
    let mut out = match value {
        Value::Array(items) => Vec::with_capacity(items.len().min(max)),
        _ => Vec::new(),
    };
    let mut push = |notes: &mut Notes, raw: &str| -> bool {
        if out.len() == max {
            notes.add(field, Problem::TooMany(max));
            return false;
        }
        if let Some(s) = clean(notes, field, raw, NAME_CHARS, Markup::Html) {
            out.push(s);
        }
        true
    };
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                let keep_going = match item {
                    Value::String(s) => push(notes, s),
                    Value::Number(n) => push(notes, &n.to_string()),
                    Value::Object(map) => match map.get("name") {
                        Some(Value::String(s)) => push(notes, s),
                        _ => true,
                    },
                    _ => true,
                };
                if !keep_going {
                    break;
                }
            }
        }
        Value::String(s) => {
            for part in s.split(|c| separators.contains(&c)) {
                if !part.trim().is_empty() && !push(notes, part) {
                    break;
                }
            }
        }
        other => notes.add(
            field,
            Problem::WrongType {
                expected: "a list or a string",
                found: kind(other),
            },
        ),
    }
    out.shrink_to_fit();
    out
}

/// A yes/no from a boolean, a number or words like `"instock"`.
pub fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "instock" | "in_stock" | "in stock" | "onbackorder" => {
                Some(true)
            }
            "false" | "no" | "0" | "outofstock" | "out_of_stock" | "out of stock" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_f64().map(|n| n != 0.0),
        _ => None,
    }
}

/// When a product was added, as Unix seconds: from a number of seconds (or
/// milliseconds, told apart by size) or an ISO 8601 / RFC 3339 text
/// (`2024-03-01`, `2024-03-01T10:00:00-05:00`, `2024-03-01 10:00:00`; no
/// zone means UTC). Anything else is noted and dropped; `null` is absent.
pub fn date(notes: &mut Notes, field: &'static str, value: Option<&Value>) -> Option<u64> {
    let value = value?;
    let seconds = match value {
        Value::Null => return None,
        Value::Number(n) => n.as_f64().and_then(unix_seconds),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => {
            let s = s.trim();
            match parse_f64(s) {
                Some(n) => unix_seconds(n),
                None => iso_date(s),
            }
        }
        _ => None,
    };
    if seconds.is_none() {
        notes.add(field, Problem::NotADate(short(value)));
    }
    seconds
}

/// Seconds since 1970 from a count that may be in milliseconds (after
/// 5138 AD in seconds, so milliseconds); negative or absurd gives `None`.
fn unix_seconds(n: f64) -> Option<u64> {
    let seconds = if n >= 1e11 { n / 1000.0 } else { n };
    (seconds.is_finite() && (0.0..1e11).contains(&seconds)).then_some(seconds as u64)
}

/// `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.f]]`
/// and a zone (`Z`, `±HH:MM`, `±HHMM`, `±HH`).
fn iso_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = 0i64;
    let mut rest = &b[10..];
    if let Some((&sep, time)) = rest.split_first() {
        if sep != b'T' && sep != b't' && sep != b' ' {
            return None;
        }
        let at = b.len() - time.len();
        let (hour, minute) = (digits(at, 2)?, digits(at + 3, 2)?);
        if time.get(2) != Some(&b':') || hour > 23 || minute > 59 {
            return None;
        }
        seconds = hour * 3600 + minute * 60;
        rest = &time[5..];
        if rest.first() == Some(&b':') {
            let at = b.len() - rest.len() + 1;
            let second = digits(at, 2)?;
            if second > 60 {
                return None;
            }
            seconds += second;
            rest = &rest[3..];
            if let Some(fraction) = rest.strip_prefix(b".").or_else(|| rest.strip_prefix(b",")) {
                let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
                if n == 0 {
                    return None;
                }
                rest = &fraction[n..];
            }
        }
        match rest {
            [] | [b'Z' | b'z'] => {}
            [sign @ (b'+' | b'-'), zone @ ..] => {
                let at = b.len() - zone.len();
                let hours = digits(at, 2)?;
                let minutes = match zone.len() {
                    2 => 0,
                    4 => digits(at + 2, 2)?,
                    5 if zone[2] == b':' => digits(at + 3, 2)?,
                    _ => return None,
                };
                let offset = hours * 3600 + minutes * 60;
                // Local time minus its offset east of UTC is UTC.
                seconds -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    let total = days_from_civil(year, month, day) * 86_400 + seconds;
    u64::try_from(total).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A value shortened for a message.
pub fn short(value: &Value) -> String {
    let s = value.to_string();
    match s.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dates_in_feed_spellings() {
        // (value, Unix seconds or None with a note)
        let cases = [
            (json!("2024-03-01T10:00:00-05:00"), Some(1_709_305_200)),
            (json!("2024-03-01T15:00:00Z"), Some(1_709_305_200)),
            (json!("2024-03-01T15:00:00.123+00:00"), Some(1_709_305_200)),
            (json!("2024-03-01 15:00:00"), Some(1_709_305_200)),
            (json!("2024-03-01T15:00"), Some(1_709_305_200)),
            (json!("2024-03-01T20:30:00+0530"), Some(1_709_305_200)),
            (json!("2024-03-01T17:00:00+02"), Some(1_709_305_200)),
            (json!("2024-03-01"), Some(1_709_251_200)),
            (json!("2000-02-29"), Some(951_782_400)),
            (json!("1970-01-01T00:00:00Z"), Some(0)),
            (json!(1_709_305_200), Some(1_709_305_200)),
            (json!(1_709_305_200_000u64), Some(1_709_305_200)),
            (json!("1709305200"), Some(1_709_305_200)),
            (json!("2024-13-01"), None),
            (json!("2024-03-01T25:00:00Z"), None),
            (json!("2024-03-01T10:00:00 EST"), None),
            (json!("01/03/2024"), None),
            (json!("1969-12-31T23:00:00Z"), None),
            (json!(-5), None),
            (json!("yesterday"), None),
            (json!(true), None),
            (json!("2024-03-01T10:00:00-05:00x"), None),
            (json!("２０２４-03-01"), None),
        ];
        for (value, want) in cases {
            let mut notes = Notes::default();
            assert_eq!(date(&mut notes, "added", Some(&value)), want, "{value}");
            assert_eq!(notes.problems.len(), usize::from(want.is_none()), "{value}");
        }
        let mut notes = Notes::default();
        assert_eq!(date(&mut notes, "added", Some(&json!(null))), None);
        assert_eq!(date(&mut notes, "added", Some(&json!(" "))), None);
        assert_eq!(date(&mut notes, "added", None), None);
        assert!(notes.problems.is_empty(), "absent is not a problem");
    }

    #[test]
    fn prices_in_many_spellings() {
        let cases = [
            (json!(19.9), Ok(Some(19.9))),
            (json!("19.90"), Ok(Some(19.9))),
            (json!("19,90"), Ok(Some(19.9))),
            (json!("1,299.00"), Ok(Some(1299.0))),
            (json!("1.299,00"), Ok(Some(1299.0))),
            (json!("1,299"), Ok(Some(1299.0))),
            (json!("1 299,50"), Ok(Some(1299.5))),
            (json!("1'299.50"), Ok(Some(1299.5))),
            (json!("$5"), Ok(Some(5.0))),
            (json!("19,90 €"), Ok(Some(19.9))),
            (json!("EUR 12.5"), Ok(Some(12.5))),
            (json!("0"), Ok(Some(0.0))),
            (json!(""), Ok(None)),
            (json!(null), Ok(None)),
            (json!("-5"), Err(())),
            (json!(-5), Err(())),
            (json!("NaN"), Err(())),
            (json!("Infinity"), Err(())),
            (json!("inf"), Err(())),
            (json!("1e999"), Err(())),
            (json!("free"), Err(())),
            (json!("call us"), Err(())),
            (json!("12abc"), Err(())),
            (json!(true), Err(())),
            (json!([1]), Err(())),
            (json!({"amount": 1}), Err(())),
            (json!("1.2.3"), Err(())),
            (json!("1,2.5"), Err(())),
            (json!("12 eur"), Err(())),
            (json!("US$ 5"), Ok(Some(5.0))),
            (json!("0,5"), Ok(Some(0.5))),
            (json!("1.299.000"), Ok(Some(1299000.0))),
            (json!("19."), Err(())),
            (json!("..."), Err(())),
        ];
        for (value, want) in cases {
            assert_eq!(parse_price(&value), want, "{value}");
        }
    }

    #[test]
    fn currencies_normalised_or_dropped() {
        let cases = [
            (json!("usd"), Some("USD")),
            (json!(" EUR "), Some("EUR")),
            (json!("€"), Some("EUR")),
            (json!("₪"), Some("ILS")),
            (json!("$"), None),
            (json!("euro"), None),
            (json!("US"), None),
            (json!("ÉUR"), None),
            (json!(""), None),
            (json!(840), None),
        ];
        for (value, want) in cases {
            let mut notes = Notes::default();
            let got = currency(&mut notes, "currency", Some(&value));
            assert_eq!(got.as_deref(), want, "{value}");
            let dropped = want.is_none() && value != json!("");
            assert_eq!(notes.problems.len(), usize::from(dropped), "{value}");
        }
    }

    #[test]
    fn text_is_cleaned_and_capped_at_char_boundaries() {
        let mut notes = Notes::default();
        let long = "é".repeat(400);
        let got = clean(&mut notes, "title", &long, TITLE_CHARS, Markup::Plain).unwrap();
        assert_eq!(got.chars().count(), TITLE_CHARS);
        assert_eq!(notes.problems, [("title", Problem::Truncated(TITLE_CHARS))]);

        let mut notes = Notes::default();
        let got = clean(
            &mut notes,
            "title",
            "  Mug\u{0}\u{1b}  blue\n\tbig\u{200b} ",
            100,
            Markup::Plain,
        );
        assert_eq!(got.as_deref(), Some("Mug blue big"));
        assert_eq!(notes.problems, [("title", Problem::ControlCharacters)]);

        let mut notes = Notes::default();
        let got = clean(
            &mut notes,
            "description",
            "<p>Fish &amp; chips</p><p>Hot</p>",
            100,
            Markup::Html,
        );
        assert_eq!(got.as_deref(), Some("Fish & chips Hot"));
        assert!(notes.problems.is_empty());
        assert_eq!(clean(&mut notes, "x", " \n ", 10, Markup::Plain), None);
    }

    #[test]
    fn lists_from_strings_arrays_and_objects() {
        let mut notes = Notes::default();
        let cases = [
            (json!("a, b ,,c"), vec!["a", "b", "c"]),
            (
                json!(["a", 7, null, {"name": "b"}, {"id": 1}]),
                vec!["a", "7", "b"],
            ),
            (json!(null), vec![]),
            (json!("Home > Kitchen"), vec!["Home > Kitchen"]),
        ];
        for (value, want) in cases {
            assert_eq!(list(&mut notes, "tags", Some(&value), &[','], 10), want);
        }
        assert!(notes.problems.is_empty());
        let many: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        let got = list(&mut notes, "tags", Some(&json!(many)), &[','], MAX_TAGS);
        assert_eq!(got.len(), MAX_TAGS);
        assert_eq!(notes.problems, [("tags", Problem::TooMany(MAX_TAGS))]);
        let mut notes = Notes::default();
        assert!(list(&mut notes, "tags", Some(&json!(5)), &[','], 10).is_empty());
        assert_eq!(notes.problems.len(), 1);
    }

    #[test]
    fn ids() {
        assert_eq!(id(Some(&json!(" a "))), Ok("a".into()));
        assert_eq!(
            id(Some(&json!(7982301806782u64))),
            Ok("7982301806782".into())
        );
        assert_eq!(id(Some(&json!(""))), Err(SkipReason::MissingId));
        assert_eq!(id(Some(&json!({"x": 1}))), Err(SkipReason::MissingId));
        assert_eq!(id(None), Err(SkipReason::MissingId));
        assert_eq!(id(Some(&json!("a\u{0}b"))), Err(SkipReason::MissingId));
        assert!(matches!(
            id(Some(&json!("x".repeat(201)))),
            Err(SkipReason::BadField { .. })
        ));
    }
}
