//! `tailor train`, `tailor recommend` and `tailor eval` end to end on a tiny
//! shop, through the real binary (CONTRACT.md §3).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CATALOG: &str = r#"{"products": [
  {"id": "milk", "title": "Whole Milk 1 L", "category": ["Dairy", "Milk"], "price": 1.2},
  {"id": "bread", "title": "Sourdough Bread", "category": ["Bakery", "Bread"], "price": 3.5},
  {"id": "butter", "title": "Salted Butter", "category": ["Dairy", "Butter"], "price": 2.5},
  {"id": "jam", "title": "Strawberry Jam", "category": ["Pantry", "Spreads"], "price": 4.0},
  {"id": "eggs", "title": "Free Range Eggs", "category": ["Dairy", "Eggs"], "price": 3.0},
  {"id": "tea", "title": "Green Tea", "category": ["Pantry", "Tea"], "price": 5.0}
]}"#;

/// Shoppers who buy bread also buy butter and jam, in a later basket.
const HISTORIES: &str = r#"{"user": "u1", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "milk", "type": "purchase", "t": 10}, {"id": "butter", "type": "purchase", "t": 20}]}
{"user": "u2", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "butter", "type": "purchase", "t": 10}, {"id": "jam", "type": "purchase", "t": 30}]}
{"user": "u3", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "jam", "type": "purchase", "t": 10}, {"id": "butter", "type": "purchase", "t": 40}]}
{"user": "u4", "events": [{"id": "tea", "type": "view", "t": 5}, {"id": "eggs", "type": "cart", "t": 6}]}
"#;

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_ranking_{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn tailor(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tailor"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn train_then_recommend_with_and_without_model() {
    let d = dir("train");
    let catalog = write(&d, "catalog.json", CATALOG);
    let histories = write(&d, "h.jsonl", HISTORIES);
    let model = d.join("model.bin");
    let out = tailor(
        &[
            "train",
            "--catalog",
            catalog.to_str().unwrap(),
            "--histories",
            histories.to_str().unwrap(),
            "--out",
            model.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("bytes per product"));
    let bytes = std::fs::read(&model).unwrap();
    assert_eq!(&bytes[..4], b"TLRM");

    let input = concat!(
        r#"{"user": "new", "events": [{"id": "bread", "type": "purchase", "t": 1}]}"#,
        "\n",
        "not json\n",
        r#"{"user": 42, "events": []}"#,
        "\n",
        r#"{"user": "v", "events": [{"id": "jam", "type": "wink"}, {"id": "bread", "type": "purchase", "t": 2}]}"#,
        "\n",
    );
    for with_model in [false, true] {
        let mut args = vec![
            "recommend",
            "--catalog",
            catalog.to_str().unwrap(),
            "--k",
            "3",
            "--exclude-seen",
        ];
        if with_model {
            args.extend(["--model", model.to_str().unwrap()]);
        }
        let out = tailor(&args, input);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = lines(&out);
        assert_eq!(got.len(), 4, "one line out per line in");
        assert_eq!(got[0]["user"], "new");
        let items: Vec<&str> = got[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(items.len(), 3);
        assert!(!items.contains(&"bread"), "--exclude-seen");
        if with_model {
            assert!(
                items[..2].contains(&"butter") && items[..2].contains(&"jam"),
                "{items:?}"
            );
        }
        assert_eq!(got[1]["items"], serde_json::json!([]));
        assert!(got[1]["error"].as_str().unwrap().contains("JSON"));
        assert_eq!(got[2]["user"], "42");
        assert_eq!(
            got[2]["items"].as_array().unwrap().len(),
            3,
            "cold start still recommends"
        );
        // A bad event costs that event only: the shopper's purchase still
        // counts (bread is seen, so left out).
        assert_eq!(got[3]["user"], "v");
        assert!(got[3].get("error").is_none(), "{}", got[3]);
        let items = got[3]["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert!(!items.contains(&serde_json::json!("bread")), "{items:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("line 2: not valid JSON")
                && stderr.contains("line 4: event 0: unknown `type` \"wink\""),
            "{stderr}"
        );
    }
}

#[test]
fn recommend_fails_only_when_nothing_can_be_done() {
    let d = dir("fail");
    let catalog = write(&d, "catalog.json", CATALOG);
    let bad_model = write(&d, "bad.bin", "JUNK");
    let cases: &[(&[&str], &str, bool, &str)] = &[
        (
            &["--catalog", "/nonexistent/catalog.json"],
            "",
            false,
            "cannot read",
        ),
        (
            &["--model", bad_model.to_str().unwrap()],
            "",
            false,
            "not a Tailor model",
        ),
        (&[], "garbage\n{also bad\n", false, "no line could be used"),
        (&[], "", true, ""),
    ];
    for (extra, stdin, ok, message) in cases {
        let mut args = vec!["recommend", "--k", "2"];
        if !extra.contains(&"--catalog") {
            args.extend(["--catalog", catalog.to_str().unwrap()]);
        }
        args.extend(extra.iter());
        let out = tailor(&args, stdin);
        assert_eq!(out.status.success(), *ok, "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(message),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn eval_prints_every_ranker() {
    let d = dir("eval");
    let catalog = write(&d, "catalog.json", CATALOG);
    let histories = write(&d, "h.jsonl", HISTORIES);
    let out = tailor(
        &[
            "eval",
            "--catalog",
            catalog.to_str().unwrap(),
            "--histories",
            histories.to_str().unwrap(),
            "--k",
            "2",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4 test shoppers"), "{text}");
    for ranker in [
        "tailor (no model)",
        "tailor (model)",
        "popularity",
        "item-kNN",
    ] {
        let row = text
            .lines()
            .find(|l| l.starts_with(ranker))
            .unwrap_or_else(|| panic!("{ranker}: {text}"));
        let hr: f64 = row[24..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=1.0).contains(&hr), "{row}");
    }
}

#[test]
fn train_min_shared_keeps_only_pairs_enough_shoppers_bought() {
    let d = dir("min_shared");
    let catalog = write(&d, "catalog.json", CATALOG);
    let histories = write(&d, "h.jsonl", HISTORIES);
    let model = d.join("model.bin");
    // Shared shoppers in HISTORIES: bread–butter 3, bread–jam 2,
    // butter–jam 2, bread–milk 1, tea–eggs 1.
    // (--min-shared, products left with neighbours)
    let cases: &[(Option<&str>, usize)] = &[
        (None, 3),
        (Some("1"), 6),
        (Some("2"), 3),
        (Some("3"), 2),
        (Some("4"), 0),
    ];
    for (min_shared, want) in cases {
        let mut args = vec![
            "train",
            "--catalog",
            catalog.to_str().unwrap(),
            "--histories",
            histories.to_str().unwrap(),
            "--out",
            model.to_str().unwrap(),
        ];
        if let Some(n) = min_shared {
            args.extend(["--min-shared", n]);
        }
        let out = tailor(&args, "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("({want} with neighbours)")),
            "{min_shared:?}: {stderr}"
        );
    }
}

#[test]
fn eval_validation_never_looks_at_the_last_baskets() {
    let d = dir("eval_validation");
    let catalog = write(&d, "catalog.json", CATALOG);
    // u1 and u2 have three baskets, u3 two: the validation split sets the
    // last basket aside, so only u1 and u2 have a held-out basket, and the
    // tea in u1's last basket is never a target.
    let histories = write(
        &d,
        "h.jsonl",
        concat!(
            r#"{"user": "u1", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "butter", "type": "purchase", "t": 20}, {"id": "tea", "type": "purchase", "t": 30}]}"#,
            "\n",
            r#"{"user": "u2", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "jam", "type": "purchase", "t": 20}, {"id": "milk", "type": "purchase", "t": 30}]}"#,
            "\n",
            r#"{"user": "u3", "events": [{"id": "bread", "type": "purchase", "t": 10}, {"id": "eggs", "type": "purchase", "t": 20}]}"#,
            "\n",
        ),
    );
    // (extra arguments, expected summary)
    let cases: &[(&[&str], &str)] = &[
        (&[], "3 test shoppers, 3 targets"),
        (&["--validation"], "2 test shoppers, 2 targets"),
    ];
    for (extra, want) in cases {
        let mut args = vec![
            "eval",
            "--catalog",
            catalog.to_str().unwrap(),
            "--histories",
            histories.to_str().unwrap(),
            "--k",
            "2",
        ];
        args.extend(extra.iter());
        let out = tailor(&args, "");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(want), "{args:?}: {text}");
        assert_eq!(
            text.contains("validation split"),
            !extra.is_empty(),
            "{text}"
        );
    }
}
