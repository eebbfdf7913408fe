//! `tailor collect` end to end through the real binary on a loopback port
//! with a temporary database: answers are stored once per idempotency key,
//! bad and oversized posts are refused with 4xx and leave nothing behind,
//! daily reports arrive, the dashboard and CSV show what was stored, CORS
//! admits only the shop's origin, clients are rate-limited, and a restart
//! loses nothing.

#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const TAILOR: &str = env!("CARGO_BIN_EXE_tailor");
const SHOP: &str = "http://shop.test:8080";

struct Collector {
    child: Child,
    port: u16,
}

impl Collector {
    fn start(db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(TAILOR)
            .args([
                "collect", "--port", "0", "--k", "2", "--origin", SHOP, "--db",
            ])
            .arg(db)
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
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        Self { child, port }
    }

    /// One HTTP/1.1 request; returns (status, headers, body).
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading a large body: ignore write errors then.
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    fn post(&self, path: &str, body: &str) -> u16 {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json"), ("Origin", SHOP)],
            body.as_bytes(),
        )
        .0
    }

    fn summary(&self) -> serde_json::Value {
        let (status, _, body) = self.request("GET", "/v1/summary", &[], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    fn export(&self) -> String {
        let (status, head, body) = self.request("GET", "/v1/export.csv", &[], b"");
        assert_eq!(status, 200);
        assert!(head.contains("content-type: text/csv"), "{head}");
        body
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answer(key: &str, kind: &str, score: u8, comment: &str) -> String {
    serde_json::json!({
        "key": key,
        "answer": {"survey": "post-purchase", "kind": kind, "score": score, "comment": comment, "locale": "en", "context": "after-purchase"}
    })
    .to_string()
}

#[test]
fn answers_and_reports_end_to_end_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("answers.sqlite");
    let collector = Collector::start(&db, &[]);

    // Stored once per key, however often it is sent.
    assert_eq!(
        collector.post(
            "/v1/answers",
            &answer("key-00000001", "csat", 5, "Parcel arrived late")
        ),
        201
    );
    assert_eq!(
        collector.post(
            "/v1/answers",
            &answer("key-00000001", "csat", 5, "Parcel arrived late")
        ),
        200
    );
    assert_eq!(
        collector.post(
            "/v1/answers",
            &answer("key-00000002", "csat", 2, "Too expensive")
        ),
        201
    );
    assert_eq!(
        collector.post("/v1/answers", &answer("key-00000003", "csat", 4, "")),
        201
    );

    // The comment added after the one-tap score comes with the same key: it
    // completes that answer (still one answer), and nothing overwrites it.
    for comment in ["Lovely website", "changed my mind"] {
        assert_eq!(
            collector.post("/v1/answers", &answer("key-00000003", "csat", 4, comment)),
            200
        );
    }

    // Refused whole, with a 4xx, nothing stored.
    let oversized = answer("key-00000009", "csat", 3, &"x".repeat(5_000));
    let refused: Vec<(String, u16)> = vec![
        ("not json".into(), 422),
        ("{}".into(), 422),
        (
            answer("key-00000010", "csat", 9, "score off the scale"),
            422,
        ),
        (answer("key-00000011", "nps", 11, ""), 422),
        (answer("key-00000012", "csat", 3, &"y".repeat(501)), 422),
        (answer("short", "csat", 3, ""), 422),
        (oversized, 413),
    ];
    for (body, status) in &refused {
        assert_eq!(
            collector.post("/v1/answers", body),
            *status,
            "{}",
            &body[..body.len().min(80)]
        );
    }
    let (status, _, _) = collector.request(
        "POST",
        "/v1/answers",
        &[("Content-Type", "text/plain")],
        answer("key-00000013", "csat", 3, "").as_bytes(),
    );
    assert_eq!(status, 415);
    let (status, _, _) = collector.request(
        "POST",
        "/v1/answers",
        &[
            ("Content-Type", "application/json"),
            ("Origin", "https://evil.example"),
        ],
        answer("key-00000014", "csat", 3, "").as_bytes(),
    );
    assert_eq!(status, 403, "another site cannot post");

    // A daily report, sent twice.
    let report = r#"{"key":"report-0001","slots":{"recommendations":{"shown":true,"clicked":true,"bought":false},"similar":{"shown":true,"clicked":false,"bought":false}}}"#;
    assert_eq!(collector.post("/v1/aggregates", report), 201);
    assert_eq!(collector.post("/v1/aggregates", report), 200);
    assert_eq!(collector.post("/v1/aggregates", r#"{"key":"report-0002","slots":{"sidebar":{"shown":true,"clicked":true,"bought":true}}}"#), 422);
    // Reports with the randomized revenue level of each slot (`core::revenue`).
    for (key, level) in [("report-0003", 5), ("report-0004", 1)] {
        let report = format!(
            r#"{{"key":"{key}","slots":{{"recommendations":{{"shown":true,"clicked":true,"bought":true,"revenue":{level}}}}}}}"#
        );
        assert_eq!(collector.post("/v1/aggregates", &report), 201);
    }
    // A level off the scale or an amount is refused, and nothing of it stored.
    for revenue in ["6", "49.9", "\"EUR 49.90\""] {
        let report = format!(
            r#"{{"key":"report-0005","slots":{{"recommendations":{{"shown":true,"clicked":true,"bought":true,"revenue":{revenue}}}}}}}"#
        );
        assert_eq!(collector.post("/v1/aggregates", &report), 422, "{report}");
    }

    let check = |collector: &Collector| {
        let summary = collector.summary();
        assert_eq!(summary["answers"], 3, "{summary}");
        assert_eq!(summary["reports"], 3, "{summary}");
        let recommendations = summary["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["slot"] == "recommendations")
            .unwrap();
        assert_eq!(recommendations["reports"], 3, "{recommendations}");
        assert_eq!(recommendations["revenue_reports"], 2, "{recommendations}");
        assert!(
            recommendations["revenue_share"].is_number(),
            "{recommendations}"
        );
        let csat = &summary["surveys"][0];
        assert_eq!(csat["kind"], "csat");
        // 2 of 3 answers are 4 or 5.
        assert_eq!(csat["value"], 66.7, "{csat}");
        let csv = collector.export();
        assert_eq!(csv.lines().count(), 4, "{csv}");
        assert!(
            csv.contains(",delivery,en,after-purchase,Parcel arrived late"),
            "{csv}"
        );
        assert!(csv.contains(",price,"), "{csv}");
        assert!(
            csv.contains(",website,en,after-purchase,Lovely website"),
            "{csv}"
        );
        assert!(!csv.contains("changed my mind"), "{csv}");
    };
    check(&collector);
    drop(collector);

    // Restart on the same file: nothing lost, keys still deduplicate.
    let collector = Collector::start(&db, &[]);
    check(&collector);
    assert_eq!(
        collector.post(
            "/v1/answers",
            &answer("key-00000001", "csat", 5, "Parcel arrived late")
        ),
        200
    );
    check(&collector);

    // No address anywhere in the file.
    drop(collector);
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("answers.sqlite-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(!String::from_utf8_lossy(file).contains("127.0.0.1"));
    }
}

#[test]
fn cors_preflight_only_for_the_shop() {
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start(&dir.path().join("a.sqlite"), &[]);
    let preflight = |origin: &str| {
        collector.request(
            "OPTIONS",
            "/v1/answers",
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        )
    };
    let (_, head, _) = preflight(SHOP);
    assert!(
        head.contains(&format!("access-control-allow-origin: {SHOP}")),
        "{head}"
    );
    let (_, head, _) = preflight("https://evil.example");
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}

#[test]
fn dashboard_is_csp_clean_and_clients_are_rate_limited() {
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start(
        &dir.path().join("a.sqlite"),
        &["--burst", "3", "--per-minute", "1"],
    );
    let (status, head, body) = collector.request("GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-security-policy: default-src 'none'; script-src 'self'"),
        "{head}"
    );
    assert!(
        !body.contains("<script>") && !body.contains("style="),
        "no inline code"
    );
    for asset in [
        "/dashboard.js",
        "/dashboard.css",
        "/vendor/uPlot.iife.min.js",
        "/vendor/uPlot.min.css",
    ] {
        assert_eq!(collector.request("GET", asset, &[], b"").0, 200, "{asset}");
    }
    let statuses: Vec<u16> = (0..5)
        .map(|i| {
            collector.post(
                "/v1/answers",
                &answer(&format!("rate-key-{i:04}"), "nps", 9, ""),
            )
        })
        .collect();
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
    assert_eq!(collector.summary()["answers"], 3);
}
