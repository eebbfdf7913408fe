//! `tailor collect`: the site owner's own collector for survey answers and
//! the widget's daily measurement reports, with a dashboard.
//!
//! - `POST /v1/answers`, `POST /v1/aggregates`: JSON bodies of at most
//!   4 KB, every field checked (`wire`), stored once per idempotency key in
//!   SQLite (`db`). Refused posts get a 4xx with the reason and store nothing.
//! - Cross-origin posts only from the shop origins given with `--origin`
//!   (CORS preflight answered for them; any other `Origin` is refused).
//! - A token bucket per client, keyed by a salted hash of its address that
//!   lives in memory only; no address is ever written anywhere.
//! - `GET /` dashboard, `/v1/summary` (its data), `/v1/export.csv`: only to
//!   clients on this machine (loopback), since they show what shoppers wrote.
//!   Reach them remotely through an SSH tunnel.

mod db;
mod summary;
mod wire;

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ORIGIN,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use thiserror::Error;
use tower_http::cors::{AllowOrigin, CorsLayer};

use db::{Db, DbError, Stored};

#[derive(clap::Args)]
pub struct Args {
    /// SQLite database file (created if missing).
    #[arg(long, default_value = "answers.sqlite")]
    db: PathBuf,
    /// Port to listen on; 0 picks a free one (printed on start).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Address to bind. Loopback by default; use 0.0.0.0 (behind your HTTPS
    /// proxy) to receive answers from shoppers.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// A shop origin allowed to post (repeat for several), e.g. https://shop.example
    #[arg(long = "origin")]
    origins: Vec<String>,
    /// Breakdowns with fewer answers or reports than this are not shown.
    #[arg(long, default_value_t = 10)]
    k: u64,
    /// Posts a client may make in a burst.
    #[arg(long, default_value_t = 30)]
    burst: u32,
    /// Posts a client may make per minute once its burst is spent.
    #[arg(long, default_value_t = 30)]
    per_minute: u32,
}

#[derive(Debug, Error)]
pub enum CollectError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("`{0}` is not an origin like https://shop.example")]
    BadOrigin(String),
    #[error(transparent)]
    Server(#[from] crate::serve::ServerError),
}

pub fn run(args: Args) -> ExitCode {
    match collect(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tailor collect: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Token buckets per client. The key is a hash of the address with a salt
/// drawn at start and never stored, so even this in-memory table cannot be
/// turned back into addresses after a restart.
struct RateLimit {
    salt: RandomState,
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<u64, (f64, Instant)>>,
}

impl RateLimit {
    const MAX_CLIENTS: usize = 100_000;

    fn allow(&self, ip: IpAddr) -> bool {
        let key = self.salt.hash_one(ip);
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() >= Self::MAX_CLIENTS {
            // Forget clients whose bucket has refilled: they lose nothing.
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct App {
    db: Mutex<Db>,
    origins: Vec<HeaderValue>,
    k: u64,
    limit: RateLimit,
}

type Shared = Arc<App>;

/// Today in UTC as `YYYY-MM-DD` (civil-from-days, Howard Hinnant's algorithm).
fn utc_day(unix_seconds: u64) -> String {
    let z = (unix_seconds / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn today() -> String {
    utc_day(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

fn parse_origin(origin: &str) -> Result<HeaderValue, CollectError> {
    let trimmed = origin.trim().trim_end_matches('/');
    let ok = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
        && !trimmed["https://".len().min(trimmed.len())..].contains('/');
    if !ok {
        return Err(CollectError::BadOrigin(origin.to_string()));
    }
    HeaderValue::from_str(trimmed).map_err(|_| CollectError::BadOrigin(origin.to_string()))
}

fn router(app: Shared) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(app.origins.clone()))
        .allow_methods([Method::POST])
        .allow_headers([CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(86_400));
    let api = Router::new()
        .route("/v1/answers", post(post_answer))
        .route("/v1/aggregates", post(post_report))
        .layer(DefaultBodyLimit::max(wire::MAX_BODY_BYTES))
        .layer(cors);
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", DASHBOARD_HTML) }),
        )
        .route(
            "/dashboard.js",
            get(|| async { asset("text/javascript; charset=utf-8", DASHBOARD_JS) }),
        )
        .route(
            "/dashboard.css",
            get(|| async { asset("text/css; charset=utf-8", DASHBOARD_CSS) }),
        )
        .route(
            "/vendor/uPlot.iife.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", UPLOT_JS) }),
        )
        .route(
            "/vendor/uPlot.min.css",
            get(|| async { asset("text/css; charset=utf-8", UPLOT_CSS) }),
        )
        .route("/v1/summary", get(get_summary))
        .route("/v1/export.csv", get(get_export))
        .layer(axum::middleware::from_fn(owner_only))
        .merge(api)
        .with_state(app)
}

const DASHBOARD_HTML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/collect/index.html"
));
const DASHBOARD_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/collect/dashboard.js"
));
const DASHBOARD_CSS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/collect/dashboard.css"
));
const UPLOT_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/collect/vendor/uPlot.iife.min.js"
));
const UPLOT_CSS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/collect/vendor/uPlot.min.css"
));

/// The dashboard's policy: its own files only, no inline code.
const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The dashboard and exports show what shoppers wrote: only for this machine.
async fn owner_only(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if peer.ip().is_loopback() {
        next.run(request).await
    } else {
        refuse(
            StatusCode::FORBIDDEN,
            "the dashboard is served to this machine only; use an SSH tunnel",
        )
    }
}

/// A JSON response (axum's `Json` needs a feature the rest of the command does not).
fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => (status, [(CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    json(status, &serde_json::json!({ "error": reason }))
}

/// Checks common to both posts: rate, origin, content type.
fn admit(
    app: &App,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<(), (StatusCode, &'static str)> {
    if !app.limit.allow(peer.ip()) {
        return Err((StatusCode::TOO_MANY_REQUESTS, "too many posts; try later"));
    }
    if let Some(origin) = headers.get(ORIGIN) {
        if !app.origins.contains(origin) {
            return Err((
                StatusCode::FORBIDDEN,
                "this origin is not one of the shop origins given with --origin",
            ));
        }
    }
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, "send application/json"));
    }
    Ok(())
}

fn stored(result: Result<Stored, DbError>) -> Response {
    match result {
        Ok(Stored::New) => json(StatusCode::CREATED, &serde_json::json!({ "stored": true })),
        Ok(Stored::Duplicate) => json(
            StatusCode::OK,
            &serde_json::json!({ "stored": false, "duplicate": true }),
        ),
        Err(e) => {
            eprintln!("tailor collect: {e}");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "could not store; send again later",
            )
        }
    }
}

async fn post_answer(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, reason)) = admit(&app, peer, &headers) {
        return refuse(status, reason);
    }
    let answer = match wire::parse_answer(&body) {
        Ok(answer) => answer,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let Ok(db) = app.db.lock() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    };
    stored(db.insert_answer(&answer, &today()))
}

async fn post_report(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, reason)) = admit(&app, peer, &headers) {
        return refuse(status, reason);
    }
    let report = match wire::parse_report(&body) {
        Ok(report) => report,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let Ok(mut db) = app.db.lock() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    };
    stored(db.insert_report(&report, &today()))
}

async fn get_summary(State(app): State<Shared>) -> Response {
    let Ok(db) = app.db.lock() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    };
    let rows = db
        .answers()
        .and_then(|a| Ok((a, db.reports()?, db.report_count()?)));
    match rows {
        Ok((answers, reports, count)) => {
            let mut response = json(
                StatusCode::OK,
                &summary::summarize(&answers, &reports, count, app.k),
            );
            response
                .headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => refuse(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

/// One CSV cell: quoted when needed, and defused when a spreadsheet would
/// read it as a formula (a shopper's comment starting with `=`).
fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

async fn get_export(State(app): State<Shared>) -> Response {
    let Ok(db) = app.db.lock() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    };
    let answers = match db.answers() {
        Ok(answers) => answers,
        Err(e) => return refuse(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let mut csv = String::from("day,survey,kind,score,randomized,topic,locale,context,comment\n");
    for a in answers {
        let cells = [
            a.day,
            a.survey,
            wire::kind_name(a.kind).to_string(),
            a.score.to_string(),
            a.randomized.to_string(),
            a.topic.map_or(String::new(), |t| t.name().to_string()),
            a.locale,
            a.context.unwrap_or_default(),
            a.comment.unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"tailor-answers.csv\"",
            ),
            (CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response()
}

fn collect(args: Args) -> Result<(), CollectError> {
    let origins = args
        .origins
        .iter()
        .map(|o| parse_origin(o))
        .collect::<Result<Vec<_>, _>>()?;
    let db = Db::open(&args.db)?;
    let app = Arc::new(App {
        db: Mutex::new(db),
        origins,
        k: args.k.max(1),
        limit: RateLimit {
            salt: RandomState::new(),
            burst: f64::from(args.burst.max(1)),
            per_second: f64::from(args.per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        },
    });
    let addr = SocketAddr::new(args.host, args.port);
    let db = args.db.display().to_string();
    crate::serve::run_server(addr, router(app), true, |url| {
        format!("Collecting into {db} at {url}")
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_days() {
        let cases = [
            (0, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (1_700_000_000, "2023-11-14"),
            (1_795_000_000, "2026-11-18"),
        ];
        for (t, day) in cases {
            assert_eq!(utc_day(t), day, "{t}");
        }
    }

    #[test]
    fn origins() {
        assert!(parse_origin("https://shop.example").is_ok());
        assert!(parse_origin("http://127.0.0.1:8080/").is_ok());
        for bad in ["shop.example", "https://shop.example/path", "ftp://x", ""] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_cells() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("-1", "'-1"),
            ("line\nbreak", "\"line\nbreak\""),
        ];
        for (raw, cell) in cases {
            assert_eq!(csv_cell(raw), cell, "{raw}");
        }
    }

    #[test]
    fn rate_limit_spends_and_refills() {
        let limit = RateLimit {
            salt: RandomState::new(),
            burst: 3.0,
            per_second: 0.0,
            buckets: Mutex::new(HashMap::new()),
        };
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let allowed: Vec<bool> = (0..5).map(|_| limit.allow(a)).collect();
        assert_eq!(allowed, [true, true, true, false, false]);
        assert!(limit.allow(b), "another client has its own bucket");
    }
}
