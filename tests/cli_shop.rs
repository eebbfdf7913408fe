//! The demo shop's command-line side, through the real `tailor` binary:
//! `catalog generate` is deterministic and scales, `demo` builds a complete,
//! CSP-clean site, and `serve` answers with the MIME types and security
//! headers browsers need.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const TAILOR: &str = env!("CARGO_BIN_EXE_tailor");

/// A fresh scratch directory under the target dir, per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_shop-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tailor(args: &[&str]) -> std::process::Output {
    let out = Command::new(TAILOR).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tailor {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn generate(dir: &Path, name: &str, count: usize, seed: u64) -> Vec<u8> {
    let path = dir.join(name);
    tailor(&[
        "catalog",
        "generate",
        "--count",
        &count.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        path.to_str().unwrap(),
    ]);
    std::fs::read(path).unwrap()
}

#[test]
fn generate_is_byte_identical_for_a_seed_and_differs_across_seeds() {
    let dir = scratch("determinism");
    let a = generate(&dir, "a.json", 500, 42);
    let b = generate(&dir, "b.json", 500, 42);
    let c = generate(&dir, "c.json", 500, 43);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // A longer catalog with the same seed starts with the same products.
    let longer = generate(&dir, "d.json", 600, 42);
    let first_lines = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .take(400)
            .map(|l| l.trim_end_matches(',').to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(first_lines(&a), first_lines(&longer));
}

#[test]
fn ten_thousand_products_parse_valid_and_unique() {
    let dir = scratch("scale");
    let bytes = generate(&dir, "10k.json", 10_000, 1);
    let parsed = tailor::core::catalog::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
    assert!(
        parsed.skipped.is_empty(),
        "skipped: {:?}",
        &parsed.skipped[..parsed.skipped.len().min(3)]
    );
    assert_eq!(parsed.catalog.len(), 10_000);
    let mut ids = HashSet::new();
    let mut departments = HashSet::new();
    let mut brands = HashSet::new();
    for p in parsed.catalog.products() {
        assert!(ids.insert(p.id().to_string()), "duplicate id {}", p.id());
        assert!(!p.title().trim().is_empty());
        assert_eq!(
            p.url().as_deref(),
            Some(format!("/p/{}.html", p.id()).as_str())
        );
        assert_eq!(
            p.image().as_deref(),
            Some(format!("/img/{}.svg", p.id()).as_str())
        );
        let price = p.price().expect("every generated product has a price");
        assert!(price > 0.0 && price < 1000.0, "{} at {price}", p.id());
        assert_eq!(p.currency(), Some("EUR"));
        assert_eq!(p.category().len(), 2, "{}", p.id());
        assert!(p.description().is_some_and(|d| d.len() > 20));
        assert!(!p.tags().is_empty());
        departments.insert(p.category().first().unwrap().to_string());
        brands.insert(p.brand().unwrap().to_string());
    }
    assert!(departments.len() >= 8, "{departments:?}");
    assert!(brands.len() >= 25, "{} brands", brands.len());
    let sold_out = parsed
        .catalog
        .products()
        .iter()
        .filter(|p| !p.in_stock())
        .count();
    assert!((100..1000).contains(&sold_out), "{sold_out} sold out");
}

#[test]
fn generate_rejects_a_bad_currency() {
    let out = Command::new(TAILOR)
        .args([
            "catalog",
            "generate",
            "--count",
            "3",
            "--currency",
            "euros",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("currency"));
}

/// Patterns that would break the strict CSP (or Trusted Types) in a page:
/// (what it is, a test on the lower-cased HTML).
type HtmlCheck = fn(&str) -> bool;

const FORBIDDEN: &[(&str, HtmlCheck)] = &[
    ("style attribute", |h| h.contains(" style=")),
    ("<style> element", |h| h.contains("<style")),
    ("inline event handler", has_event_handler),
    ("javascript: URL", |h| h.contains("javascript:")),
    ("inline <script> other than JSON-LD", has_inline_script),
    ("script from another origin", |h| {
        h.contains("<script src=\"http") || h.contains("<script src=\"//")
    }),
];

fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}

/// A `<script>` without `src` whose type is not `application/ld+json`.
fn has_inline_script(html: &str) -> bool {
    html.match_indices("<script").any(|(i, _)| {
        let tag_end = html[i..].find('>').map_or(html.len(), |e| i + e);
        let tag = &html[i..tag_end];
        !tag.contains(" src=") && !tag.contains("type=\"application/ld+json\"")
    })
}

#[test]
fn forbidden_pattern_checks_catch_what_they_should() {
    for (html, expected) in [
        ("<div style=\"color:red\">", "style attribute"),
        ("<style>a{}</style>", "<style> element"),
        ("<img src=x onerror=alert(1)>", "inline event handler"),
        ("<button onclick=\"x()\">", "inline event handler"),
        ("<a href=\"javascript:void(0)\">", "javascript: URL"),
        (
            "<script>tailor('view')</script>",
            "inline <script> other than JSON-LD",
        ),
        (
            "<script src=\"https://cdn.example/x.js\"></script>",
            "script from another origin",
        ),
    ] {
        let hits: Vec<&str> = FORBIDDEN
            .iter()
            .filter(|(_, test)| test(html))
            .map(|(what, _)| *what)
            .collect();
        assert_eq!(hits, [expected], "{html}");
    }
    for clean in [
        "<script src=\"/assets/shop.js\" defer></script>",
        "<script type=\"application/ld+json\">{}</script>",
        "<g fill=\"none\" stroke-linejoin=\"round\">",
        "<p>Tap on=the button</p>",
    ] {
        assert!(
            FORBIDDEN.iter().all(|(_, test)| !test(clean)),
            "{clean} flagged"
        );
    }
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// The JSON inside the page's `<script type="application/ld+json">`.
fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("product page has JSON-LD") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn demo_builds_a_complete_csp_clean_shop() {
    let dir = scratch("demo");
    let site = dir.join("site");
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("tailor.js"), "/* widget */").unwrap();
    std::fs::write(pkg.join("tailor_bg.wasm"), b"\0asm").unwrap();
    tailor(&[
        "demo",
        "--out",
        site.to_str().unwrap(),
        "--count",
        "120",
        "--pkg",
        pkg.to_str().unwrap(),
    ]);

    let feed = std::fs::read_to_string(site.join("tailor/catalog.json")).unwrap();
    let parsed = tailor::core::catalog::parse(&feed).unwrap();
    assert_eq!(parsed.catalog.len(), 120);
    assert!(site.join("tailor/tailor.js").is_file());
    assert!(site.join("tailor/tailor_bg.wasm").is_file());
    // The co-purchase model covers the catalog, and each product's closest
    // neighbour is what simulated shoppers buy with it: mostly from the
    // same department (the companion subcategory).
    let model = tailor::core::model::Model::from_bytes(
        &std::fs::read(site.join("tailor/model.bin")).unwrap(),
    )
    .unwrap();
    assert!(
        model.len() >= 100,
        "{} of 120 products in the model",
        model.len()
    );
    let department = |id: &str| {
        parsed
            .catalog
            .get(id)
            .map(|p| p.category().first().unwrap().to_string())
    };
    let (mut same, mut all) = (0, 0);
    for item in 0..model.len() {
        let closest = model
            .neighbours(item)
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(neighbour, _)) = closest {
            all += 1;
            same += usize::from(
                department(&model.ids()[item]) == department(&model.ids()[neighbour as usize]),
            );
        }
    }
    assert!(
        all >= 100 && same * 10 >= all * 7,
        "{same} of {all} closest neighbours in the same department"
    );
    for page in [
        "index.html",
        "cart.html",
        "checkout.html",
        "thank-you.html",
        "404.html",
        "assets/shop.js",
        "assets/shop.css",
        "assets/tailor-queue.js",
    ] {
        assert!(site.join(page).is_file(), "{page} missing");
    }

    let mut pages = Vec::new();
    html_files(&site, &mut pages);
    let product_pages: Vec<_> = pages
        .iter()
        .filter(|p| p.parent().unwrap().ends_with("p"))
        .collect();
    assert_eq!(product_pages.len(), 120);
    let departments: HashSet<_> = parsed
        .catalog
        .products()
        .iter()
        .map(|p| p.category().first().unwrap().to_string())
        .collect();
    let category_pages = pages
        .iter()
        .filter(|p| p.parent().unwrap().ends_with("c"))
        .count();
    assert_eq!(category_pages, departments.len());

    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let lower = html.to_ascii_lowercase();
        let name = page.strip_prefix(&site).unwrap().display().to_string();
        for (what, test) in FORBIDDEN {
            assert!(!test(&lower), "{name} has a {what}");
        }
        assert!(lower.starts_with("<!doctype html>"), "{name}");
        assert!(html.contains("<html lang=\"en\""), "{name}");
        if name.starts_with("gallery/") {
            // The widget gallery loads tailor.js itself, per frame (www/gallery/frame.js).
            continue;
        }
        assert!(
            html.contains(
                "<script src=\"/tailor/tailor.js\" data-catalog=\"/tailor/catalog.json\" data-model=\"/tailor/model.bin\" async></script>"
            ),
            "{name} lacks the embed"
        );
        assert!(
            html.contains("<script src=\"/assets/tailor-queue.js\"></script>"),
            "{name} lacks the command queue"
        );
        assert!(!html.contains("{{"), "{name} has an unfilled placeholder");
    }

    for product in parsed.catalog.products() {
        let html = std::fs::read_to_string(site.join(format!("p/{}.html", product.id()))).unwrap();
        let ld = json_ld(&html);
        assert_eq!(ld["@type"], "Product");
        assert_eq!(ld["sku"], product.id());
        assert_eq!(ld["name"], product.title());
        assert!(html.contains(&format!("data-tailor-product=\"{}\"", product.id())));
        assert!(html.contains("<div data-tailor=\"similar\"></div>"));
        assert_eq!(
            html.contains(&format!("data-tailor-add-to-cart=\"{}\"", product.id())),
            product.in_stock(),
            "{}: add-to-cart only when in stock",
            product.id()
        );
        let svg = std::fs::read_to_string(site.join(format!("img/{}.svg", product.id()))).unwrap();
        assert!(svg.starts_with("<svg") && !svg.contains("<script"));
    }

    // Dated up to the build, some within its last week: "new since your
    // last visit" has something to show a shopper back after a few days.
    let built = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let added: Vec<u64> = parsed
        .catalog
        .products()
        .iter()
        .map(|p| p.added().expect("every demo product has a date"))
        .collect();
    assert!(added.iter().all(|&t| t <= built));
    let this_week = added.iter().filter(|&&t| t + 7 * 86_400 > built).count();
    assert!(
        (5..=40).contains(&this_week),
        "{this_week} of 120 arrived this week"
    );

    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    for slot in ["new-arrivals", "recommendations", "recently-viewed"] {
        assert!(home.contains(&format!("<div data-tailor=\"{slot}\"></div>")));
    }
    let thanks = std::fs::read_to_string(site.join("thank-you.html")).unwrap();
    for slot in ["thank-you", "survey"] {
        assert!(thanks.contains(&format!("<div data-tailor=\"{slot}\"></div>")));
    }
}

#[test]
fn demo_builds_from_a_given_catalog() {
    let dir = scratch("demo-catalog");
    let feed = dir.join("feed.json");
    std::fs::write(
        &feed,
        r#"[{"id": "a/1", "title": "Mug <b>", "price": 9.5, "category": "Home > Kitchen"},
            {"id": "b-2", "title": "Lamp"},
            {"title": "no id"}]"#,
    )
    .unwrap();
    let site = dir.join("site");
    tailor(&[
        "demo",
        "--out",
        site.to_str().unwrap(),
        "--catalog",
        feed.to_str().unwrap(),
        "--pkg",
        dir.join("no-pkg").to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(site.join("tailor/catalog.json")).unwrap(),
        std::fs::read(&feed).unwrap(),
        "the feed is published as given"
    );
    let mug = std::fs::read_to_string(site.join("p/a_1.html")).unwrap();
    assert!(mug.contains("Mug &lt;b&gt;"));
    assert_eq!(json_ld(&mug)["sku"], "a/1");
    assert!(site.join("p/b-2.html").is_file());
    assert!(site.join("c/home.html").is_file());
    assert!(site.join("c/other.html").is_file());
}

/// `tailor serve` on a free port, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(TAILOR)
            .arg("serve")
            .arg(dir)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_suffix('/')
            .and_then(|l| l.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        assert!(line.starts_with("Serving "), "{line}");
        Server { child, port }
    }

    /// Status, lower-cased headers and body of a GET.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (status, headers, raw[split + 4..].to_vec())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'";

#[test]
fn serve_answers_with_mime_types_csp_and_revalidation() {
    let dir = scratch("serve");
    for (name, body) in [
        ("index.html", "<!doctype html><title>home</title>"),
        ("w/tailor_bg.wasm", "\0asm"),
        ("w/tailor.js", "void 0;"),
        ("w/tailor.css", "a{}"),
        ("img/x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("catalog.json", "[]"),
        ("sub/index.html", "<p>sub</p>"),
    ] {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let server = Server::start(&dir, &[]);
    for (path, mime) in [
        ("/", "text/html"),
        ("/w/tailor_bg.wasm", "application/wasm"),
        ("/w/tailor.js", "text/javascript"),
        ("/w/tailor.css", "text/css"),
        ("/img/x.svg", "image/svg+xml"),
        ("/catalog.json", "application/json"),
        ("/sub/", "text/html"),
    ] {
        let (status, headers, _) = server.get(path, &[]);
        assert_eq!(status, 200, "{path}");
        let content_type = header(&headers, "content-type").unwrap();
        assert!(content_type.starts_with(mime), "{path}: {content_type}");
        assert_eq!(
            header(&headers, "content-security-policy"),
            Some(STRICT_CSP)
        );
        assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
        assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
        let etag = header(&headers, "etag").expect("an ETag").to_string();
        let (again, _, body) = server.get(path, &[("If-None-Match", &etag)]);
        assert_eq!(again, 304, "{path} revalidates");
        assert!(body.is_empty());
    }
    let (status, _, body) = server.get("/sub/index.html", &[]);
    assert_eq!((status, body.as_slice()), (200, b"<p>sub</p>".as_slice()));
    let (status, headers, _) = server.get("/nothing-here.js", &[]);
    assert_eq!(status, 404);
    assert_eq!(
        header(&headers, "content-security-policy"),
        Some(STRICT_CSP)
    );
    let (status, _, _) = server.get("/../Cargo.toml", &[]);
    assert_ne!(status, 200, "no escape from the served directory");
}

#[test]
fn serve_csp_options() {
    let dir = scratch("serve-csp");
    std::fs::write(dir.join("index.html"), "hi").unwrap();
    let open = Server::start(&dir, &["--csp", "none"]);
    let (_, headers, _) = open.get("/", &[]);
    assert_eq!(header(&headers, "content-security-policy"), None);
    let trusted = Server::start(&dir, &["--trusted-types"]);
    let (_, headers, _) = trusted.get("/", &[]);
    assert_eq!(
        header(&headers, "content-security-policy"),
        Some(format!("{STRICT_CSP}; require-trusted-types-for 'script'").as_str())
    );
    let (_, headers, _) = trusted.get("/missing", &[]);
    assert!(header(&headers, "content-security-policy").is_some());
}

#[test]
fn serve_isolates_pages_only_when_asked() {
    let dir = scratch("serve-isolated");
    std::fs::write(dir.join("index.html"), "hi").unwrap();
    let isolation = |server: &Server, path: &str| {
        let (_, headers, _) = server.get(path, &[]);
        (
            header(&headers, "cross-origin-opener-policy").map(str::to_string),
            header(&headers, "cross-origin-embedder-policy").map(str::to_string),
        )
    };
    let plain = Server::start(&dir, &[]);
    assert_eq!(isolation(&plain, "/"), (None, None));
    let isolated = Server::start(&dir, &["--isolated"]);
    for path in ["/", "/missing"] {
        assert_eq!(
            isolation(&isolated, path),
            (Some("same-origin".into()), Some("require-corp".into())),
            "{path}"
        );
    }
}

#[test]
fn serve_refuses_a_missing_directory() {
    let out = Command::new(TAILOR)
        .args(["serve", "/definitely/not/here", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a directory"));
}
