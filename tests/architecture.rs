//! Keeps ARCHITECTURE.md's invariants true: which layer may name which
//! crates and APIs. A line that breaks a rule fails with its file and line.

use std::fs;
use std::path::{Path, PathBuf};

/// (layer directory, forbidden text, why)
const RULES: &[(&str, &str, &str)] = &[
    ("src/core", "web_sys", "core never sees a browser type"),
    ("src/core", "js_sys", "core never sees a browser type"),
    ("src/core", "wasm_bindgen", "core never sees a browser type"),
    ("src/core", "gloo", "core never sees a browser type"),
    ("src/core", "leptos", "core is not UI"),
    (
        "src/core",
        "crate::platform",
        "core depends on nothing above it",
    ),
    ("src/core", "crate::ui", "core depends on nothing above it"),
    ("src/core", "std::fs", "core does no I/O"),
    ("src/core", "std::net", "core does no I/O"),
    ("src/core", "std::io", "core does no I/O"),
    ("src/core", "std::process", "core does no I/O"),
    ("src/core", "std::env", "core reads no environment"),
    (
        "src/core",
        "SystemTime",
        "core reads no clock: time is passed in",
    ),
    (
        "src/core",
        "Instant::now",
        "core reads no clock: time is passed in",
    ),
    ("src/core", "println!", "core prints nothing"),
    (
        "src/ui",
        "local_storage",
        "ui never talks to storage directly (it goes through platform)",
    ),
    (
        "src/ui",
        "platform::storage",
        "ui never talks to storage directly (it goes through platform)",
    ),
    (
        "src/ui",
        "inner_html",
        "catalog and shopper text reaches the DOM as text, never as HTML",
    ),
    (
        "src/ui",
        "inner_html=",
        "catalog and shopper text reaches the DOM as text, never as HTML",
    ),
    (
        "src/platform",
        "set_inner_html",
        "catalog and shopper text reaches the DOM as text, never as HTML",
    ),
    (
        "src/platform",
        "crate::ui::rail",
        "platform hands state to ui; it does not build views",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments, so docs may name what code may not.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split("//").next().unwrap_or("")))
}

#[test]
fn layers_only_use_what_they_may() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (layer, forbidden, why) in RULES {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        assert!(
            !files.is_empty(),
            "{layer} has no Rust files: is the rule table stale?"
        );
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            // Tests inside a core module may use std freely.
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for (n, line) in code_lines(text) {
                if line.contains(forbidden) {
                    broken.push(format!(
                        "{}:{n}: `{forbidden}`: {why}",
                        file.strip_prefix(root).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "architecture rules broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_rules_catch_what_they_forbid() {
    let bad = "use web_sys::Window; // a browser type\nlet t = std::time::SystemTime::now();";
    let hits: Vec<usize> = code_lines(bad)
        .filter(|(_, line)| line.contains("web_sys") || line.contains("SystemTime"))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(hits, [1, 2]);
    let doc_only = "//! core never names web_sys";
    assert_eq!(
        code_lines(doc_only)
            .filter(|(_, l)| l.contains("web_sys"))
            .count(),
        0
    );
}

#[test]
fn core_dependencies_are_pure() {
    // The crates core may use: they do no I/O and know no browser.
    let allowed = ["serde", "serde_json", "thiserror", "rustc_hash"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/core"), &mut files);
    let mut used = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for (_, line) in code_lines(&text) {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("use ") {
                let krate = rest.split("::").next().unwrap_or("").trim_end_matches(';');
                if !["crate", "super", "self", "std", "core", "alloc"].contains(&krate)
                    && !used.contains(&krate.to_string())
                {
                    used.push(krate.to_string());
                }
            }
        }
    }
    let foreign: Vec<_> = used
        .iter()
        .filter(|k| !allowed.contains(&k.as_str()))
        .collect();
    assert!(
        foreign.is_empty(),
        "core uses crates beyond {allowed:?}: {foreign:?}"
    );
}
