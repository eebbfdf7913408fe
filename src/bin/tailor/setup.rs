//! `tailor setup`: the owner's setup page (`www/setup/`), served on this
//! machine with the widget from `--pkg`. It writes the script tag and
//! settings as the owner fills the form, checks their feed with the same
//! code and report as `tailor catalog check` (`POST /check`), and shows a
//! live preview of the widget on that feed (`/preview`) with their settings.
//!
//! Loopback only: the page is a tool for the owner, not for shoppers. The
//! feed checked is kept in memory for the preview and never written.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use thiserror::Error;
use tower_http::services::ServeDir;

use crate::catalog::check_bytes;
use crate::serve::STRICT_CSP;

/// Largest feed the page accepts: the widget's own limit.
const MAX_FEED_BYTES: usize = 64 * 1024 * 1024;

#[derive(clap::Args)]
pub struct Args {
    /// The built widget (tailor.js, tailor_bg.wasm, …), served at /tailor/ for the preview.
    #[arg(long, default_value = "pkg")]
    pkg: PathBuf,
    /// A copy of your shop's static files, served for whatever else the
    /// preview asks (images a feed names by a path like `/img/x.jpg`).
    #[arg(long)]
    site: Option<PathBuf>,
    /// Port to listen on (on 127.0.0.1); 0 picks a free one (printed on start).
    #[arg(long, default_value_t = 8790)]
    port: u16,
}

#[derive(Debug, Error)]
pub enum SetupError {
    #[error("{0} has no tailor.js: build the widget first (bash scripts/build.sh) or pass --pkg")]
    NoWidget(String),
    #[error(transparent)]
    Server(#[from] crate::serve::ServerError),
}

pub fn run(args: Args) -> ExitCode {
    match setup(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tailor setup: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The feed last checked, served to the preview.
#[derive(Default)]
struct Preview {
    feed: Option<Bytes>,
    first_product: Option<String>,
}

type Shared = Arc<Mutex<Preview>>;

const PAGE_HTML: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/www/setup/index.html"));
const PAGE_JS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/www/setup/setup.js"));
const PAGE_CSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/www/setup/setup.css"));

/// The widget's policy, and frames from this origin only (the preview).
fn policy() -> String {
    format!("{STRICT_CSP}; frame-ancestors 'self'; base-uri 'none'")
}

fn page(content_type: &'static str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_SECURITY_POLICY, policy()),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// The settings the preview honours, each checked against what the widget
/// accepts; anything else is left out (the widget's default applies).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PreviewSettings {
    pub locale: Option<String>,
    pub currency: Option<String>,
    pub limit: Option<u8>,
    pub theme: Option<&'static str>,
}

impl PreviewSettings {
    /// From a query string such as `locale=de&limit=4&theme=dark`. Valid
    /// values never need percent-encoding, so encoded ones are invalid.
    pub fn from_query(query: &str) -> Self {
        let mut settings = Self::default();
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "locale"
                    if (2..=35).contains(&value.len())
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
                {
                    settings.locale = Some(value.to_string());
                }
                "currency"
                    if value.len() == 3 && value.bytes().all(|b| b.is_ascii_alphabetic()) =>
                {
                    settings.currency = Some(value.to_ascii_uppercase());
                }
                "limit" => settings.limit = value.parse().ok().filter(|n| (1..=48).contains(n)),
                "theme" => {
                    settings.theme = ["auto", "light", "dark"].into_iter().find(|t| *t == value);
                }
                _ => {}
            }
        }
        settings
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities, for attribute values and text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The preview page: the widget on the checked feed with the owner's
/// settings, a recommendations slot and a `similar` slot for the first
/// product, as a shopper's first visit would show them.
pub fn preview_page(settings: &PreviewSettings, first_product: Option<&str>) -> String {
    let mut attributes = String::from(r#" data-catalog="/preview/catalog.json""#);
    let mut add = |name: &str, value: &str| {
        attributes.push_str(&format!(r#" data-{name}="{}""#, escape(value)));
    };
    if let Some(locale) = &settings.locale {
        add("locale", locale);
    }
    if let Some(currency) = &settings.currency {
        add("currency", currency);
    }
    if let Some(limit) = settings.limit {
        add("limit", &limit.to_string());
    }
    if let Some(theme) = settings.theme {
        add("theme", theme);
    }
    let lang = escape(settings.locale.as_deref().unwrap_or("en"));
    let similar = first_product.map_or(String::new(), |id| {
        format!(
            "<h2>Similar to product {id}</h2>\n<div data-tailor=\"similar\" data-product=\"{id}\"></div>\n",
            id = escape(id)
        )
    });
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Tailor preview</title>\n<link rel=\"stylesheet\" href=\"/setup.css\">\n\
         <script src=\"/tailor/tailor.js\"{attributes} async></script>\n</head>\n\
         <body class=\"preview\">\n<h2>Recommendations (a first visit)</h2>\n\
         <div data-tailor=\"recommendations\"></div>\n{similar}</body>\n</html>\n"
    )
}

async fn check(State(preview): State<Shared>, body: Bytes) -> Response {
    if body.is_empty() {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &serde_json::json!({ "error": "the feed is empty" }),
        );
    }
    // Parsing a large feed takes a while: off the async workers.
    let bytes = body.clone();
    let checked =
        tokio::task::spawn_blocking(move || check_bytes("your catalog", bytes.to_vec(), false))
            .await;
    let checked = match checked {
        Ok(Ok(checked)) => checked,
        Ok(Err(e)) => {
            return json(
                StatusCode::UNPROCESSABLE_ENTITY,
                &serde_json::json!({ "error": e.to_string() }),
            )
        }
        Err(_) => {
            return json(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({ "error": "the check stopped unexpectedly" }),
            )
        }
    };
    if checked.products > 0 {
        if let Ok(mut preview) = preview.lock() {
            preview.feed = Some(body);
            preview.first_product.clone_from(&checked.first_product);
        }
    }
    json(
        StatusCode::OK,
        &serde_json::json!({
            "report": checked.report,
            "products": checked.products,
            "skipped": checked.skipped,
            "warnings": checked.warnings,
        }),
    )
}

async fn preview_feed(State(preview): State<Shared>) -> Response {
    let feed = preview.lock().ok().and_then(|p| p.feed.clone());
    match feed {
        Some(feed) => (
            [
                (CONTENT_TYPE, "application/json"),
                (CACHE_CONTROL, "no-store"),
            ],
            feed,
        )
            .into_response(),
        None => json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({ "error": "check a catalog first" }),
        ),
    }
}

async fn preview(State(preview): State<Shared>, uri: Uri) -> Response {
    let first = preview.lock().ok().and_then(|p| p.first_product.clone());
    let settings = PreviewSettings::from_query(uri.query().unwrap_or(""));
    page(
        "text/html; charset=utf-8",
        preview_page(&settings, first.as_deref()),
    )
}

fn router(pkg: PathBuf, site: Option<PathBuf>) -> Router {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route(
            "/",
            get(|| async { page("text/html; charset=utf-8", PAGE_HTML.into()) }),
        )
        .route(
            "/setup.js",
            get(|| async { page("text/javascript; charset=utf-8", PAGE_JS.into()) }),
        )
        .route(
            "/setup.css",
            get(|| async { page("text/css; charset=utf-8", PAGE_CSS.into()) }),
        )
        .route(
            "/check",
            post(check).layer(DefaultBodyLimit::max(MAX_FEED_BYTES)),
        )
        // No icon, and no 404 in the console for the one browsers ask for.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/preview", get(preview))
        .route("/preview/catalog.json", get(preview_feed))
        .nest_service("/tailor", ServeDir::new(pkg));
    match site {
        Some(site) => app.fallback_service(ServeDir::new(site)),
        None => app,
    }
    .with_state(state)
}

fn setup(args: Args) -> Result<(), SetupError> {
    if !args.pkg.join("tailor.js").is_file() {
        return Err(SetupError::NoWidget(args.pkg.display().to_string()));
    }
    let app = router(args.pkg, args.site);
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), args.port);
    crate::serve::run_server(addr, app, false, |url| format!("Setup page at {url}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_settings_take_only_valid_values() {
        let cases = [
            ("", PreviewSettings::default()),
            (
                "locale=pt-BR&currency=eur&limit=4&theme=dark",
                PreviewSettings {
                    locale: Some("pt-BR".into()),
                    currency: Some("EUR".into()),
                    limit: Some(4),
                    theme: Some("dark"),
                },
            ),
            (
                "locale=%22%3E&currency=EURO&limit=0&theme=neon&x=1",
                PreviewSettings::default(),
            ),
            ("limit=49&locale=e&theme=", PreviewSettings::default()),
            (
                "limit=48&theme=light",
                PreviewSettings {
                    limit: Some(48),
                    theme: Some("light"),
                    ..PreviewSettings::default()
                },
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(PreviewSettings::from_query(query), expected, "{query}");
        }
    }

    #[test]
    fn preview_page_carries_settings_and_escapes_ids() {
        let settings = PreviewSettings::from_query("locale=de&limit=4&theme=dark");
        let html = preview_page(&settings, Some(r#"sku"><script>x</script>"#));
        for part in [
            r#"data-catalog="/preview/catalog.json""#,
            r#"data-locale="de""#,
            r#"data-limit="4""#,
            r#"data-theme="dark""#,
            r#"<html lang="de">"#,
            r#"data-tailor="recommendations""#,
            r#"data-product="sku&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#,
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert_eq!(
            html.matches("<script").count(),
            1,
            "only the widget's script"
        );
        let bare = preview_page(&PreviewSettings::default(), None);
        assert!(!bare.contains("similar") && !bare.contains("data-theme"));
    }
}
