//! [`FeedReader`]: reads a JSON feed a few records at a time, so the widget
//! can give the browser its main thread back between steps (a 100k-product
//! feed read at once is a task of most of a second).
//!
//! A small structural scanner finds the product list (a root array, or the
//! `products` array of a root object) and the byte range of each record;
//! records are parsed one by one with serde_json and converted by the same
//! code as [`super::parse`]. The format is decided from the first 100
//! records as [`super::parse_value`] decides it. Anything the scanner is
//! not sure reads exactly like the whole document (JSON-LD, a single
//! Shopify product, a repeated `products` key, invalid or repairable JSON,
//! very deep nesting) is read by [`super::parse`] instead, in one step:
//! the result is always the same as [`super::parse`]'s.

use serde::de::IgnoredAny;
use serde_json::Value;

use super::{
    convert, parse, schema_org, tailor_json, vote, Assembler, CatalogError, Format, Parsed,
};

/// Records read to decide the format (as `parse_value` looks at).
const DETECT_RECORDS: usize = 100;
/// Fewest bytes per record assumed when making room for the records.
const MIN_RECORD_BYTES: usize = 24;
/// Nesting, counted from the record, beyond which the whole document is
/// handed to [`parse`] (serde_json refuses nesting deeper than 128, counted
/// from the document's root).
const MAX_RECORD_DEPTH: usize = 100;

/// Reads a JSON feed in steps of a given number of records; see the module
/// documentation.
pub struct FeedReader<'a> {
    text: &'a str,
    /// The scanner's position in `text`.
    at: usize,
    /// Just past the list's `[`: no `,` before the next record.
    list_opened: bool,
    state: State,
    assembler: Assembler,
}

enum State {
    /// Nothing read yet.
    Start,
    /// Inside the product list, `format` decided; `root_object` when the
    /// list is the value of a root object's `products`.
    Records { format: Format, root_object: bool },
    /// Read to the end.
    Done(Result<Parsed, CatalogError>),
    /// The result handed out (a reader is not used after [`FeedReader::finish`]).
    Taken,
}

/// Why the scanner hands the document to [`parse`].
struct Unsure;

impl<'a> FeedReader<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text: text.trim_start_matches('\u{feff}'),
            at: 0,
            list_opened: false,
            state: State::Start,
            assembler: Assembler::default(),
        }
    }

    /// Reads about `budget` more records (at least one; the first step reads up to 100 to
    /// decide the format; a document handed to [`parse`] is read in one
    /// step); true once the feed is read.
    pub fn step(&mut self, budget: usize) -> bool {
        let outcome = match self.state {
            State::Start => self.begin(),
            State::Records {
                format,
                root_object,
            } => self.records(format, root_object, budget.max(1)),
            State::Done(_) | State::Taken => return true,
        };
        match outcome {
            Ok(Some(parsed)) => self.state = State::Done(Ok(parsed)),
            Ok(None) => {}
            Err(Unsure) => self.state = State::Done(parse(self.text)),
        }
        matches!(self.state, State::Done(_))
    }

    /// What [`parse`] gives for the feed, reading whatever [`Self::step`]
    /// has not read yet.
    pub fn finish(mut self) -> Result<Parsed, CatalogError> {
        while !self.step(usize::MAX) {}
        match std::mem::replace(&mut self.state, State::Taken) {
            State::Done(result) => result,
            // `step` returns true only once done.
            _ => Err(CatalogError::UnknownFormat),
        }
    }

    /// Finds the product list and reads the records that decide the format.
    fn begin(&mut self) -> Result<Option<Parsed>, Unsure> {
        self.skip_space();
        let root_object = match self.peek() {
            Some(b'[') => false,
            Some(b'{') => {
                self.at += 1;
                self.root_keys(false)?;
                true
            }
            _ => return Err(Unsure),
        };
        // At the list's `[`.
        self.at += 1;
        self.list_opened = true;
        let list_start = self.at;
        let mut first = Vec::new();
        while first.len() < DETECT_RECORDS {
            match self.next_record()? {
                Some(range) => first
                    .push(serde_json::from_str::<Value>(&self.text[range]).map_err(|_| Unsure)?),
                None => break,
            }
        }
        if first.iter().any(schema_org::is_json_ld) {
            return Err(Unsure);
        }
        let format = vote(&first);
        if first.len() == DETECT_RECORDS {
            // Room for about as many more records as the rest of the text
            // holds at the first ones' length, so the product list is not
            // regrown (and its old copies left as holes) while reading.
            let length = ((self.at - list_start) / DETECT_RECORDS).max(MIN_RECORD_BYTES);
            let left = (self.text.len() - self.at) / length;
            self.assembler.reserve(DETECT_RECORDS + left + left / 16);
        }
        for record in &first {
            self.assembler.push(convert(format, record));
        }
        self.state = State::Records {
            format,
            root_object,
        };
        if first.len() < DETECT_RECORDS {
            // The list ended within the first records.
            return self.end(format, root_object).map(Some);
        }
        Ok(None)
    }

    fn records(
        &mut self,
        format: Format,
        root_object: bool,
        budget: usize,
    ) -> Result<Option<Parsed>, Unsure> {
        for _ in 0..budget {
            let Some(range) = self.next_record()? else {
                return self.end(format, root_object).map(Some);
            };
            let text = &self.text[range];
            let typed = match format {
                Format::Tailor => tailor_json::convert_text(text),
                _ => None,
            };
            let converted = match typed {
                Some(converted) => converted,
                None => {
                    let record = serde_json::from_str::<Value>(text).map_err(|_| Unsure)?;
                    convert(format, &record)
                }
            };
            self.assembler.push(converted);
        }
        Ok(None)
    }

    /// After the list's `]`: the rest of the root object, then nothing.
    fn end(&mut self, format: Format, root_object: bool) -> Result<Parsed, Unsure> {
        if root_object {
            self.skip_space();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.root_keys(true)?;
                }
                Some(b'}') => self.at += 1,
                _ => return Err(Unsure),
            }
        }
        self.skip_space();
        if self.at != self.text.len() {
            return Err(Unsure);
        }
        Ok(std::mem::take(&mut self.assembler).finish(format))
    }

    /// Reads a root object's keys after its `{` (or after the `,` that
    /// follows the list, `after_list`), each value checked as JSON, up to
    /// the `[` of `products` or, after the list, through the closing `}`.
    fn root_keys(&mut self, after_list: bool) -> Result<(), Unsure> {
        let mut first = !after_list;
        loop {
            self.skip_space();
            if first && self.peek() == Some(b'}') {
                // `{}`: no product list.
                return Err(Unsure);
            }
            first = false;
            let start = self.at;
            let end = self.value_end().ok_or(Unsure)?;
            let key: String = serde_json::from_str(&self.text[start..end]).map_err(|_| Unsure)?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(Unsure);
            }
            self.at += 1;
            self.skip_space();
            match key.as_str() {
                // `products` twice keeps the last, and JSON-LD keys make
                // the feed schema.org: both are `parse`'s to decide.
                "products" if !after_list && self.peek() == Some(b'[') => return Ok(()),
                "products" | "@type" | "@context" | "@graph" => return Err(Unsure),
                _ => {
                    let start = self.at;
                    let end = self.value_end().ok_or(Unsure)?;
                    serde_json::from_str::<IgnoredAny>(&self.text[start..end])
                        .map_err(|_| Unsure)?;
                }
            }
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') if after_list => {
                    self.at += 1;
                    return Ok(());
                }
                // The root object ends without a product list.
                _ => return Err(Unsure),
            }
        }
    }

    /// The byte range of the next record in the list, `None` at its `]`.
    fn next_record(&mut self) -> Result<Option<std::ops::Range<usize>>, Unsure> {
        self.skip_space();
        // After `[` (the list's first record) or after the previous record.
        if !std::mem::take(&mut self.list_opened) {
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_space();
                }
                Some(b']') => {
                    self.at += 1;
                    return Ok(None);
                }
                _ => return Err(Unsure),
            }
        } else if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(None);
        }
        let start = self.at;
        let end = self.value_end().ok_or(Unsure)?;
        Ok(Some(start..end))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// JSON whitespace (a BOM or other spaces are not).
    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// Moves past the value starting here and returns where it ends; `None`
    /// when it is cut off, empty or nested too deep. The value itself is
    /// checked by serde_json afterwards, so this only has to find its end.
    fn value_end(&mut self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let end = match *bytes.get(start)? {
            b'"' => string_end(bytes, start)?,
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = start;
                loop {
                    match *bytes.get(i)? {
                        b'"' => {
                            i = string_end(bytes, i)?;
                            continue;
                        }
                        b'{' | b'[' => {
                            depth += 1;
                            if depth > MAX_RECORD_DEPTH {
                                return None;
                            }
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break i + 1;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => {
                let len = bytes[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                    .unwrap_or(bytes.len() - start);
                if len == 0 {
                    return None;
                }
                start + len
            }
        };
        self.at = end;
        Some(end)
    }
}

/// The end (just past the closing quote) of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same products (in order, field by field), skipped records,
    /// warnings and format, or the same error.
    fn same(a: &Result<Parsed, CatalogError>, b: &Result<Parsed, CatalogError>) -> bool {
        match (a, b) {
            (Ok(a), Ok(b)) => {
                a.catalog.products() == b.catalog.products()
                    && a.catalog
                        .products()
                        .iter()
                        .enumerate()
                        .all(|(i, p)| b.catalog.position(p.id()) == Some(i))
                    && a.skipped == b.skipped
                    && a.warnings == b.warnings
                    && a.format == b.format
            }
            (Err(a), Err(b)) => a == b,
            _ => false,
        }
    }

    fn sliced(text: &str, budget: usize) -> Result<Parsed, CatalogError> {
        let mut reader = FeedReader::new(text);
        let mut steps = 0;
        while !reader.step(budget) {
            steps += 1;
            assert!(steps < 1_000_000, "the reader must end");
        }
        reader.finish()
    }

    /// A Tailor feed of `n` records, some skipped, duplicated or warned about.
    fn tailor_feed(n: usize) -> String {
        let records: Vec<String> = (0..n)
            .map(|i| match i % 9 {
                0 => format!(r#"{{"id": "p{i}", "title": "Mug {i}", "price": "1{i}.50", "tags": "a, b"}}"#),
                1 => format!(r#"{{"id": "p{}", "title": "Duplicate"}}"#, i - 1),
                2 => r#"{"title": "no id"}"#.to_string(),
                3 => "\"not an object\"".to_string(),
                4 => format!(r#"{{"id": {i}, "name": "Numbered", "price": "cheap", "in_stock": false}}"#),
                5 => format!(r#"{{"id": "p{i}", "title": "<b>Bold</b> \u0007", "category": ["A", "B"], "x": {{"y": [1, {{}}]}}}}"#),
                6 => format!(r#"{{"id": "p{i}", "title": "Other", "variants": []}}"#),
                7 => format!("{{\"id\":\"p{i}\",\"title\":\"tight\",\"added\":\"soon\"}}"),
                _ => format!(r#"  {{ "id" : "p{i}" , "title" : "spaced \"quoted\" \\ ]}}" , "brand": null }}  "#),
            })
            .collect();
        format!("[{}]", records.join(",\n"))
    }

    #[test]
    fn sliced_reading_gives_what_parse_gives() {
        let big = tailor_feed(450);
        let wrapped =
            format!("{{\"shop\": {{\"name\": \"x\"}}, \"products\": {big}, \"page\": 1}}");
        let shopify: String = {
            let records: Vec<String> = (0..230)
                .map(|i| format!(r#"{{"id": {i}, "title": "T{i}", "handle": "h{i}", "variants": [{{"price": "{i}.00", "available": {}}}], "tags": ["x"]}}"#, i % 2 == 0))
                .collect();
            format!("{{\"products\": [{}]}}", records.join(","))
        };
        let woo: String = {
            let records: Vec<String> = (0..150)
                .map(|i| format!(r#"{{"id": {}, "name": "W{i}", "permalink": "https://x/{i}", "prices": {{"price": "{i}99", "currency_code": "EUR", "currency_minor_unit": 2}}}}"#, i % 140))
                .collect();
            format!("[{}]", records.join(","))
        };
        let deep = format!(
            "[{{\"id\": \"a\", \"title\": \"A\", \"x\": {}1{}}}]",
            "[".repeat(126),
            "]".repeat(126)
        );
        let cases: Vec<String> = vec![
            big.clone(),
            wrapped.clone(),
            shopify,
            woo,
            tailor_feed(5),
            tailor_feed(100),
            tailor_feed(101),
            "[]".into(),
            " \u{feff}[]".into(),
            "\u{feff}[{\"id\": \"a\", \"title\": \"A\"}]".into(),
            "{\"products\": []}".into(),
            "{\"products\": [], \"products\": [{\"id\": \"a\", \"title\": \"A\"}]}".into(),
            "{\"products\": [{\"id\": \"a\", \"title\": \"A\"}], \"@context\": \"https://schema.org\"}".into(),
            "{\"@graph\": [{\"@type\": \"Product\", \"sku\": \"a\", \"name\": \"A\"}]}".into(),
            "[{\"@context\": \"https://schema.org\", \"@type\": \"Product\", \"sku\": \"a\", \"name\": \"A\"}]".into(),
            "{\"product\": {\"id\": 1, \"title\": \"A\", \"handle\": \"a\", \"body_html\": \"\"}}".into(),
            "{\"products\": {\"id\": 1}}".into(),
            "{\"pro\\u0064ucts\": [{\"id\": \"a\", \"title\": \"A\"}]}".into(),
            "{\"items\": 3}".into(),
            "{}".into(),
            "7".into(),
            "".into(),
            "   ".into(),
            "[1, 2, null, true, \"x\", [], {}]".into(),
            "[{\"id\": \"a\", \"title\": \"Two\nlines\u{7}\"}]".into(),
            "[{\"id\": \"a\", \"title\": \"A\"},]".into(),
            "[{\"id\": \"a\", \"title\": \"A\"},,{}]".into(),
            "[{\"id\": \"a\", \"title\": \"A\"}] x".into(),
            "[{\"id\": \"a\", \"title\": \"A\"}]]".into(),
            "[{\"id\": \"a\", \"title\": \"A\"]}".into(),
            "[1 2]".into(),
            "[01]".into(),
            "[\"unterminated]".into(),
            "[\"bad escape \\q\"]".into(),
            "{\"products\": [{\"id\": \"a\", \"title\": \"A\"}] \"more\": 1}".into(),
            "{\"products\": [{\"id\": \"a\", \"title\": \"A\"}], \"more\": tru}".into(),
            "{\"products\": [{\"id\": \"a\", \"title\": \"A\"}], }".into(),
            "{\"x\": [}, \"products\": []}".into(),
            deep,
            big[..big.len() / 2].to_string(),
            wrapped[..wrapped.len() - 1].to_string(),
            format!("{big}{{"),
            big.replace("Mug 18", "Mug\u{1} 18"),
        ];
        for text in &cases {
            let whole = parse(text);
            for budget in [0, 1, 2, 7, 64, usize::MAX] {
                let got = sliced(text, budget);
                assert!(
                    same(&got, &whole),
                    "budget {budget}, feed {:?}: {:?} vs {:?}",
                    &text[..text.len().min(120)],
                    got.as_ref().map(|p| (p.catalog.len(), p.skipped.len())),
                    whole.as_ref().map(|p| (p.catalog.len(), p.skipped.len()))
                );
            }
        }
    }

    #[test]
    fn large_feeds_are_read_in_many_steps() {
        let text = tailor_feed(1000);
        let mut reader = FeedReader::new(&text);
        let mut steps = 1;
        while !reader.step(50) {
            steps += 1;
        }
        // 100 records to decide the format, then 50 a step, then the end.
        assert_eq!(steps, 1 + 900 / 50 + 1);
        let parsed = reader.finish().unwrap();
        assert!(parsed.catalog.len() > 500);
    }
}
