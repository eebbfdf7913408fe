//! `tailor serve DIR`: a small static server for the demo shop (or any
//! `pkg/` to try), with the MIME types browsers insist on (`application/wasm`
//! for streaming compilation, `text/javascript`), the strict Content Security
//! Policy the widget must run under, and `no-cache` + ETag so a rebuilt widget
//! is picked up on reload without stale copies.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH, LAST_MODIFIED,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use thiserror::Error;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy the demo shop and the widget must work under (issue 3): no
/// inline script or style, wasm compilation allowed, nothing from elsewhere.
pub const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'";

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CspMode {
    /// `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'`
    Strict,
    /// No Content-Security-Policy header.
    None,
}

#[derive(clap::Args)]
pub struct Args {
    /// Directory to serve (e.g. the site `tailor demo` built).
    dir: PathBuf,
    /// Port to listen on; 0 picks a free one (printed on start).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to bind; loopback by default so nothing is exposed by accident.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Content Security Policy sent with every response.
    #[arg(long, value_enum, default_value = "strict")]
    csp: CspMode,
    /// Also require Trusted Types for script sinks (`require-trusted-types-for 'script'`).
    #[arg(long)]
    trusted_types: bool,
    /// Make pages cross-origin isolated (`Cross-Origin-Opener-Policy:
    /// same-origin`, `Cross-Origin-Embedder-Policy: require-corp`), which
    /// gives `performance.now()` 5 µs steps instead of 100 µs: the browser
    /// benchmark uses it to time sub-millisecond ranking.
    #[arg(long)]
    isolated: bool,
}

/// Why the server could not start or stopped.
#[derive(Debug, Error)]
pub enum ServeError {
    #[error("{0} is not a directory")]
    NotADirectory(String),
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error("the Content-Security-Policy is not a valid header value")]
    BadPolicy,
}

/// Why one of the command's HTTP servers (`serve`, `collect`, `setup`) stopped.
#[derive(Debug, Error)]
pub enum ServerError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped: {0}")]
    Serve(std::io::Error),
}

/// Runs `app` on `addr` until Ctrl-C, on a small runtime of its own.
/// Once listening it prints `banner(url)`: tests and scripts read that line
/// to find the port. With `connect_info` the handlers can read the peer's
/// address (the collector's rate limit needs it).
pub fn run_server(
    addr: SocketAddr,
    app: Router,
    connect_info: bool,
    banner: impl FnOnce(&str) -> String,
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServerError::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { addr, source })?;
        println!("{}", banner(&url_of(local)));
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        let served = if connect_info {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, service)
                .with_graceful_shutdown(stop)
                .await
        } else {
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
        };
        served.map_err(ServerError::Serve)
    })
}

pub fn run(args: Args) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tailor serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The Content-Security-Policy value for the chosen options, if any.
pub fn policy(csp: CspMode, trusted_types: bool) -> Option<String> {
    let mut parts = Vec::new();
    if csp == CspMode::Strict {
        parts.push(STRICT_CSP.to_string());
    }
    if trusted_types {
        parts.push("require-trusted-types-for 'script'".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `http://127.0.0.1:8080/` for a bound address (IPv6 hosts bracketed):
/// the URL the servers print, which tests and scripts read.
pub fn url_of(local: SocketAddr) -> String {
    match local.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
    }
}

fn serve(args: Args) -> Result<(), ServeError> {
    if !args.dir.is_dir() {
        return Err(ServeError::NotADirectory(args.dir.display().to_string()));
    }
    let app = router(&args)?;
    let addr = SocketAddr::new(args.host, args.port);
    let dir = args.dir.display().to_string();
    run_server(addr, app, false, |url| format!("Serving {dir} at {url}"))?;
    Ok(())
}

fn router(args: &Args) -> Result<Router, ServeError> {
    // A missing path answers 404, with the site's own 404 page when it has one.
    let files = ServeDir::new(&args.dir)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(args.dir.join("404.html")));
    let mut app = Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(revalidate_with_etag))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    if args.isolated {
        app = app
            .layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static("cross-origin-embedder-policy"),
                HeaderValue::from_static("require-corp"),
            ));
    }
    if let Some(policy) = policy(args.csp, args.trusted_types) {
        let value = HeaderValue::from_str(&policy).map_err(|_| ServeError::BadPolicy)?;
        app = app.layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            value,
        ));
    }
    Ok(app)
}

/// Adds an ETag made from the file's length and modification time (what
/// `ServeDir` reports), and answers `If-None-Match` with 304 so a browser
/// with `no-cache` revalidates cheaply instead of downloading again.
async fn revalidate_with_etag(request: Request<Body>, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    if !is_read || response.status() != StatusCode::OK {
        return response;
    }
    let headers = response.headers();
    let (Some(length), Some(modified)) = (headers.get(CONTENT_LENGTH), headers.get(LAST_MODIFIED))
    else {
        return response;
    };
    let etag = etag_for(length.as_bytes(), modified.as_bytes());
    let Ok(etag_value) = HeaderValue::from_str(&etag) else {
        return response;
    };
    if if_none_match.is_some_and(|v| etag_matches(v.as_bytes(), &etag)) {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        not_modified.headers_mut().insert(ETAG, etag_value);
        return not_modified;
    }
    response.headers_mut().insert(ETAG, etag_value);
    response
}

/// A strong-enough validator for static files: FNV-1a of length and
/// modification time, quoted.
fn etag_for(length: &[u8], modified: &[u8]) -> String {
    let hash = length
        .iter()
        .chain(b"|")
        .chain(modified)
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` header (a list, or `*`) names this ETag; weak
/// comparison, as RFC 9110 asks for `If-None-Match`.
fn etag_matches(header: &[u8], etag: &str) -> bool {
    let Ok(header) = std::str::from_utf8(header) else {
        return false;
    };
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.trim_start_matches("W/") == etag.trim_start_matches("W/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        assert_eq!(policy(CspMode::Strict, false).as_deref(), Some(STRICT_CSP));
        assert_eq!(policy(CspMode::None, false), None);
        assert_eq!(
            policy(CspMode::None, true).as_deref(),
            Some("require-trusted-types-for 'script'")
        );
        assert!(policy(CspMode::Strict, true)
            .unwrap()
            .ends_with("; require-trusted-types-for 'script'"));
    }

    #[test]
    fn etag_changes_with_file_and_matches_lists() {
        let a = etag_for(b"100", b"Mon, 23 Nov 2026 10:00:00 GMT");
        let b = etag_for(b"101", b"Mon, 23 Nov 2026 10:00:00 GMT");
        let c = etag_for(b"100", b"Mon, 23 Nov 2026 10:00:01 GMT");
        assert_ne!(a, b);
        assert_ne!(a, c);
        for (header, expected) in [
            (a.clone(), true),
            (format!("W/{a}"), true),
            (format!("{b}, {a}"), true),
            ("*".to_string(), true),
            (b.clone(), false),
            (String::new(), false),
        ] {
            assert_eq!(etag_matches(header.as_bytes(), &a), expected, "{header}");
        }
    }
}
