//! Link and image sanitizing (`core::present`): whatever URL a feed holds,
//! what reaches `href` never runs script or leaves, protocol-relative, for
//! another host, and what reaches `src` is never script or a non-image
//! `data:` URL. Checked the way a browser reads a URL: leading C0 controls
//! and spaces dropped, tabs and newlines removed anywhere, scheme in any case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tailor::core::present;

fn as_browser_reads(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

fn scheme(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let s = &url[..end];
    (!s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(s)
}

fuzz_target!(|input: (&str, &str)| {
    let (url, page_host) = input;
    if let Some(link) = present::safe_link(url, page_host) {
        let read = as_browser_reads(&link);
        if let Some(s) = scheme(&read) {
            assert!(s == "http" || s == "https", "link {url:?} kept as {link:?}");
        }
        // `\` is read as `/` in http(s) URLs: `/\host` is protocol-relative too.
        let slashes = read.replace('\\', "/");
        if let Some(rest) = slashes.strip_prefix("//") {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            assert!(
                host.eq_ignore_ascii_case(page_host.trim()),
                "link {url:?} leaves for {host:?}"
            );
        }
    }
    if let Some(image) = present::safe_image(url) {
        let read = as_browser_reads(&image);
        if let Some(s) = scheme(&read) {
            assert!(
                s == "http"
                    || s == "https"
                    || (s == "data" && read[5..].trim_start().starts_with("image/")),
                "image {url:?} kept as {image:?}"
            );
        }
    }
});
