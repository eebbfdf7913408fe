//! `tailor catalog check`: what a feed gives Tailor, what it skips and why,
//! what it had to clean, and a short summary of the products read.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use tailor::core::catalog::{self, CatalogError, Encoding, Parsed};

/// Lines of skipped records and warnings shown unless `--all` is given.
const SHOWN: usize = 20;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Path of the feed (Tailor JSON, Shopify, WooCommerce or schema.org).
    catalog: PathBuf,
    /// List every skipped record and warning, not only the first 20 of each.
    #[arg(long)]
    all: bool,
}

pub fn check(args: CheckArgs) -> ExitCode {
    let path = &args.catalog;
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("tailor: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let checked = match check_bytes(&path.display().to_string(), bytes, args.all) {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("tailor: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    print!("{}", checked.report);
    if checked.products == 0 {
        eprintln!("tailor: {}: no usable products", path.display());
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// What `tailor catalog check` found in a feed (also shown by `tailor setup`).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The report as printed.
    pub report: String,
    pub products: usize,
    pub skipped: usize,
    pub warnings: usize,
    /// The first product read, for a preview of its `similar` slot.
    pub first_product: Option<String>,
}

/// Checks a feed given as bytes in any encoding Tailor reads; `name` heads
/// the report. An unreadable feed is an error; one with no usable product
/// is a report with `products == 0`.
pub fn check_bytes(name: &str, bytes: Vec<u8>, all: bool) -> Result<Checked, CatalogError> {
    // Plain UTF-8 (the usual case) is used in place; anything else is decoded.
    let (text, encoding) = match String::from_utf8(bytes) {
        Ok(text)
            if !text.starts_with('\u{feff}')
                && !text.as_bytes().iter().take(2).any(|&b| b == 0) =>
        {
            (text, Encoding::Utf8)
        }
        Ok(text) => catalog::decode(text.as_bytes()),
        Err(e) => catalog::decode(e.as_bytes()),
    };
    let parsed = catalog::parse(&text)?;
    // Line numbers only when the list scanned is the list of records (for
    // schema.org, a plain array of products; not an ItemList or a graph).
    let records = parsed.catalog.len() + parsed.skipped.len();
    let lines = Some(record_lines(&text))
        .filter(|lines| lines.len() == records)
        .unwrap_or_default();
    Ok(Checked {
        report: report(name, encoding, &parsed, &lines, all),
        products: parsed.catalog.len(),
        skipped: parsed.skipped.len(),
        warnings: parsed.warnings.len(),
        first_product: parsed
            .catalog
            .products()
            .first()
            .map(|p| p.id().to_string()),
    })
}

/// The whole report as text. `lines[i]` is the line record `i` starts on,
/// when known.
fn report(name: &str, encoding: Encoding, parsed: &Parsed, lines: &[usize], all: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let products = parsed.catalog.products();
    let _ = writeln!(out, "{name}: {}", parsed.format);
    if encoding != Encoding::Utf8 {
        let _ = writeln!(out, "  encoding: {encoding}");
    }
    let _ = writeln!(
        out,
        "  {} products read, {} skipped, {} warnings",
        products.len(),
        parsed.skipped.len(),
        parsed.warnings.len()
    );
    let at = |index: usize| match lines.get(index) {
        Some(line) => format!("record {index} (line {line})"),
        None => format!("record {index}"),
    };
    let limit = if all { usize::MAX } else { SHOWN };
    if !parsed.skipped.is_empty() {
        let _ = writeln!(out, "skipped:");
        for s in parsed.skipped.iter().take(limit) {
            let id =
                s.id.as_ref()
                    .map(|id| format!(" id `{id}`"))
                    .unwrap_or_default();
            let _ = writeln!(out, "  {}{id}: {}", at(s.index), s.reason);
        }
        more(&mut out, parsed.skipped.len(), limit);
    }
    if !parsed.warnings.is_empty() {
        let _ = writeln!(out, "warnings (records kept):");
        for w in parsed.warnings.iter().take(limit) {
            let place = w.index.map_or_else(|| "feed".to_string(), at);
            let id =
                w.id.as_ref()
                    .map(|id| format!(" id `{id}`"))
                    .unwrap_or_default();
            let _ = writeln!(out, "  {place}{id}, field `{}`: {}", w.field, w.problem);
        }
        more(&mut out, parsed.warnings.len(), limit);
    }
    if products.is_empty() {
        return out;
    }
    let percent = |n: usize| 100.0 * n as f64 / products.len() as f64;
    let priced = products.iter().filter(|p| p.price().is_some()).count();
    let in_stock = products.iter().filter(|p| p.in_stock()).count();
    let described = products
        .iter()
        .filter(|p| p.description().is_some())
        .count();
    let imaged = products.iter().filter(|p| p.image().is_some()).count();
    let _ = writeln!(out, "summary:");
    let _ = writeln!(
        out,
        "  with price {:.1} %, in stock {:.1} %, with image {:.1} %, with description {:.1} %",
        percent(priced),
        percent(in_stock),
        percent(imaged),
        percent(described)
    );
    let top = |values: Vec<&str>| -> (usize, String) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
        let distinct = counts.len();
        let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = counts
            .iter()
            .take(5)
            .map(|(v, n)| format!("{v} ({n})"))
            .collect();
        (distinct, shown.join(", "))
    };
    let lines_for = |label: &str, values: Vec<&str>, with: usize, out: &mut String| {
        let (distinct, shown) = top(values);
        if distinct == 0 {
            let _ = writeln!(out, "  {label}: none given");
            return;
        }
        let _ = writeln!(
            out,
            "  {label}: {distinct} distinct on {:.1} % of products{}{shown}",
            percent(with),
            if shown.is_empty() { "" } else { "; most: " }
        );
    };
    let top_categories: Vec<&str> = products
        .iter()
        .filter_map(|p| p.category().first())
        .collect();
    let with_category = top_categories.len();
    lines_for(
        "top-level categories",
        top_categories,
        with_category,
        &mut out,
    );
    let brands: Vec<&str> = products.iter().filter_map(|p| p.brand()).collect();
    let with_brand = brands.len();
    lines_for("brands", brands, with_brand, &mut out);
    let currencies: Vec<&str> = products.iter().filter_map(|p| p.currency()).collect();
    let with_currency = currencies.len();
    lines_for("currencies", currencies, with_currency, &mut out);
    let prices: Vec<f64> = products.iter().filter_map(|p| p.price()).collect();
    if let (Some(low), Some(high)) = (
        prices.iter().copied().reduce(f64::min),
        prices.iter().copied().reduce(f64::max),
    ) {
        let _ = writeln!(out, "  prices from {low} to {high}");
    }
    out
}

fn more(out: &mut String, total: usize, limit: usize) {
    if total > limit {
        use std::fmt::Write;
        let _ = writeln!(out, "  … and {} more (--all lists them)", total - limit);
    }
}

/// The line each element of the feed's product list starts on: the root
/// array, or the array under a top-level `"products"` key. Empty when the
/// feed has neither (the report then gives indexes only).
fn record_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line = 1;
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut string = String::new();
    let mut last_string = String::new();
    let mut key = String::new();
    let mut list_depth: Option<usize> = None;
    let mut expecting = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if depth == 1 {
                    last_string = std::mem::take(&mut string);
                }
            } else if depth == 1 && string.len() < 16 {
                string.push(c);
            }
            continue;
        }
        let starts_value = !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | ':' | '\u{feff}');
        if expecting && starts_value {
            lines.push(line);
            expecting = false;
        }
        match c {
            '"' => {
                in_string = true;
                string.clear();
            }
            '[' | '{' => {
                depth += 1;
                let is_list = c == '['
                    && list_depth.is_none()
                    && (depth == 1 || (depth == 2 && key == "products"));
                if is_list {
                    list_depth = Some(depth);
                    expecting = true;
                }
            }
            ']' | '}' => {
                if list_depth == Some(depth) {
                    return lines;
                }
                depth = depth.saturating_sub(1);
            }
            ',' if list_depth == Some(depth) => expecting = true,
            ':' if depth == 1 => key = std::mem::take(&mut last_string),
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_each_record() {
        let cases: &[(&str, &[usize])] = &[
            ("[\n{\"a\": [1,\n2]},\n\"x\",\n3\n]", &[2, 4, 5]),
            (
                "{\"meta\": [9, 9],\n \"products\": [\n  {\"id\": \"a,]\"},\n  {\"id\": \"b\"}\n]}",
                &[3, 4],
            ),
            ("{\"items\": [1, 2]}", &[]),
            ("[]", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(record_lines(text), *want, "{text}");
        }
    }
}
