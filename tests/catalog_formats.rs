//! Every feed format read from real-shaped samples (tests/fixtures/feeds/,
//! written from each format's public documentation), a table of hostile
//! inputs that must come back as `Ok` or `Err` and never a panic, and the
//! `tailor catalog check` command run as a user would.

use std::path::Path;
use std::process::Command;

use tailor::core::catalog::{parse, Format, Parsed, Problem, Product, SkipReason};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Parsed {
    parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn product<'a>(parsed: &'a Parsed, id: &str) -> &'a Product {
    parsed
        .catalog
        .get(id)
        .unwrap_or_else(|| panic!("no product `{id}`"))
}

fn skipped(parsed: &Parsed) -> Vec<(usize, Option<&str>, SkipReason)> {
    parsed
        .skipped
        .iter()
        .map(|s| (s.index, s.id.as_deref(), s.reason.clone()))
        .collect()
}

fn warnings(parsed: &Parsed) -> Vec<(Option<usize>, &str, Problem)> {
    parsed
        .warnings
        .iter()
        .map(|w| (w.index, w.field, w.problem.clone()))
        .collect()
}

#[test]
fn shopify_storefront_products_json() {
    let parsed = read("shopify_products.json");
    assert_eq!(parsed.format, Format::Shopify);
    assert_eq!(parsed.catalog.len(), 4);

    let tee = product(&parsed, "7982301806782");
    assert_eq!(tee.title(), "Classic Organic Tee");
    assert_eq!(tee.url().as_deref(), Some("/products/classic-organic-tee"));
    assert_eq!(tee.price(), Some(25.0), "lowest variant price");
    assert_eq!(tee.currency(), None, "products.json carries no currency");
    assert!(tee.in_stock(), "one variant of three is available");
    assert_eq!(tee.category(), ["T-Shirts"]);
    assert_eq!(tee.brand(), Some("Northwind Apparel"));
    assert_eq!(tee.tags(), ["cotton", "organic", "summer"]);
    assert_eq!(
        tee.description(),
        Some("Soft organic cotton tee & everyday staple. 100% cotton Machine wash")
    );
    assert!(tee.image().unwrap().starts_with("https://cdn.shopify.com/"));

    let pour = product(&parsed, "7982301839550");
    assert!(!pour.in_stock(), "its only variant is unavailable");
    assert_eq!(pour.category(), ["Kitchen", "Coffee"]);
    assert_eq!(pour.brand(), Some("Kiln & Co"));
    assert_eq!(pour.image(), None);
    assert_eq!(
        pour.description(),
        Some("Brew slowly Hand-glazed dripper – fits mugs < 9 cm."),
        "script dropped, entities decoded"
    );

    let gift = product(&parsed, "7982301872318");
    assert_eq!(
        gift.price(),
        Some(10.0),
        "the unreadable variant price is ignored"
    );
    assert!(gift.category().is_empty() && gift.description().is_none());

    let beanie = product(&parsed, "7982301905086");
    assert_eq!(beanie.title(), "Wool Beanie — Charcoal");
    assert_eq!(beanie.price(), None);
    assert!(beanie.in_stock(), "no variants: availability unknown");

    assert_eq!(
        skipped(&parsed),
        [
            (
                4,
                Some("7982301806782"),
                SkipReason::DuplicateId("7982301806782".into())
            ),
            (5, None, SkipReason::MissingId),
        ]
    );
    assert_eq!(
        warnings(&parsed),
        [(
            Some(2),
            "variants.price",
            Problem::NotAPrice("\"free\"".into())
        )]
    );
}

#[test]
fn shopify_admin_api_products() {
    let parsed = read("shopify_admin_products.json");
    assert_eq!(parsed.format, Format::Shopify);
    let nano = product(&parsed, "632910392");
    assert_eq!(nano.tags(), ["Emotive", "Flash Memory", "MP3", "Music"]);
    assert_eq!(nano.price(), Some(199.0));
    assert!(nano.in_stock(), "the red variant has 20 in stock");
    assert_eq!(
        nano.description(),
        Some("It's the small iPod with one very big idea: Video.")
    );
    assert!(nano.image().is_some());
    assert_eq!(
        skipped(&parsed),
        [(
            1,
            Some("921728736"),
            SkipReason::BadField {
                field: "status".into(),
                why: "`draft`: not for sale".into()
            }
        )]
    );
}

#[test]
fn woocommerce_store_api() {
    let parsed = read("woocommerce_store_api.json");
    assert_eq!(parsed.format, Format::WooCommerce);
    assert_eq!(parsed.catalog.len(), 4);

    let pennant = product(&parsed, "wp-pennant");
    assert_eq!(pennant.price(), Some(11.05), "1105 minor units, 2 decimals");
    assert_eq!(pennant.currency(), Some("USD"));
    assert_eq!(
        pennant.url().as_deref(),
        Some("https://shop.example.com/product/wordpress-pennant/")
    );
    assert_eq!(pennant.category(), ["Decor"]);
    assert_eq!(
        pennant.description(),
        Some("Pellentesque habitant morbi tristique senectus et netus et malesuada fames ac turpis egestas.")
    );

    let hoodie = product(&parsed, "woo-hoodie");
    assert_eq!(hoodie.title(), "Hoodie – Zip & Pocket");
    assert_eq!(hoodie.price(), Some(42.0), "low end of the price range");
    assert_eq!(hoodie.currency(), Some("EUR"));
    assert_eq!(hoodie.category(), ["Hoodies"]);
    assert_eq!(
        hoodie.tags(),
        ["Winter", "Sale"],
        "extra categories become tags"
    );
    assert_eq!(hoodie.brand(), Some("Woo & Co"));
    assert!(hoodie.image().unwrap().ends_with("hoodie-2.jpg"));

    let matcha = product(&parsed, "77");
    assert_eq!(matcha.title(), "抹茶 Matcha Tin", "no sku: the numeric id");
    assert_eq!(matcha.price(), Some(2480.0), "yen have no minor unit");
    assert!(!matcha.in_stock());
    assert_eq!(matcha.brand(), Some("Uji Farm"));
    assert_eq!(matcha.description(), Some("宇治抹茶 40g"));

    let beanie = product(&parsed, "woo-beanie");
    assert_eq!(beanie.price(), None);
    assert_eq!(beanie.currency(), None);

    assert_eq!(
        skipped(&parsed),
        [(4, Some("woo-untitled"), SkipReason::MissingTitle)]
    );
    assert_eq!(
        warnings(&parsed),
        [
            (
                Some(3),
                "prices.currency_code",
                Problem::NotACurrency("euro".into())
            ),
            (
                Some(3),
                "prices.price",
                Problem::NotAPrice("\"18.00\"".into())
            ),
        ]
    );
}

#[test]
fn schema_org_item_list() {
    let parsed = read("schema_org_itemlist.json");
    assert_eq!(parsed.format, Format::SchemaOrg);
    assert_eq!(parsed.catalog.len(), 3);

    let trail = product(&parsed, "TR-GTX-42");
    assert_eq!(trail.title(), "Trail Runner GTX");
    assert_eq!(trail.price(), Some(119.95), "AggregateOffer lowPrice");
    assert_eq!(trail.currency(), Some("EUR"));
    assert_eq!(trail.brand(), Some("Summit"));
    assert_eq!(
        trail.category(),
        ["Apparel & Accessories", "Shoes", "Running Shoes"]
    );
    assert!(trail.image().unwrap().ends_with("trail-runner-1x1.jpg"));
    assert!(trail.in_stock());

    let road = product(&parsed, "RR-7");
    assert_eq!(road.title(), "Road Racer & Tempo");
    assert_eq!(road.price(), Some(79.0), "lowest of two offers");
    assert!(!road.in_stock(), "out of stock and sold out");
    assert_eq!(
        road.image().as_deref(),
        Some("https://shop.example.com/img/road-racer.jpg")
    );
    assert_eq!(road.category(), ["Shoes", "Running Shoes"]);
    assert_eq!(
        road.url().as_deref(),
        Some("https://shop.example.com/p/road-racer?size=41"),
        "the offer's url when the product has none"
    );

    let slide = product(&parsed, "SLIDE-1");
    assert_eq!(slide.price(), Some(35.0), "from a priceSpecification");
    assert!(slide.in_stock());

    let reasons = skipped(&parsed);
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].0, 2);
    assert!(matches!(&reasons[0].2, SkipReason::BadField { field, .. } if field == "item"));
    assert_eq!(reasons[1], (4, Some("NONAME-1"), SkipReason::MissingTitle));
}

#[test]
fn schema_org_graph_with_product_group() {
    let parsed = read("schema_org_graph.json");
    assert_eq!(parsed.format, Format::SchemaOrg);
    assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
    assert_eq!(
        parsed.catalog.len(),
        2,
        "WebSite and breadcrumbs are not products"
    );

    let shirt = product(&parsed, "101");
    assert_eq!(shirt.title(), "חולצה כחולה");
    assert_eq!(shirt.price(), Some(89.9));
    assert_eq!(shirt.currency(), Some("ILS"));
    assert_eq!(shirt.category(), ["ביגוד", "חולצות"]);
    assert_eq!(shirt.brand(), Some("כחול לבן"));
    assert_eq!(shirt.tags(), ["כותנה", "קיץ"]);
    assert_eq!(shirt.description(), Some("חולצת כותנה נוחה"));

    let shorts = product(&parsed, "https://shop.example.co.il/p/200#group");
    assert_eq!(shorts.price(), Some(110.0), "lowest variant offer");
    assert!(shorts.in_stock(), "size M is in stock");
}

#[test]
fn schema_org_array_of_products() {
    let parsed = read("schema_org_array.json");
    assert_eq!(parsed.format, Format::SchemaOrg);
    let mug = product(&parsed, "MUG-350-BLU");
    assert_eq!(mug.price(), Some(12.5));
    assert_eq!(mug.currency(), Some("USD"));
    assert_eq!(mug.category(), ["Home", "Kitchen", "Mugs"]);
    assert_eq!(
        mug.url().as_deref(),
        Some("https://shop.example.com/p/mug-blue")
    );
    let torch = product(&parsed, "90210");
    assert_eq!(torch.title(), "Crème Brûlée Torch");
    assert_eq!(torch.price(), None);
    assert_eq!(torch.currency(), None);
    assert_eq!(
        warnings(&parsed),
        [
            (
                Some(1),
                "offers.price",
                Problem::NotAPrice("\"NaN\"".into())
            ),
            (
                Some(1),
                "offers.priceCurrency",
                Problem::NotACurrency("US Dollar".into())
            ),
        ]
    );
    let reasons: Vec<_> = skipped(&parsed)
        .into_iter()
        .map(|(i, _, r)| (i, r))
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(matches!(&reasons[0], (2, SkipReason::BadField { field, .. }) if field == "@type"));
    assert_eq!(
        reasons[1],
        (3, SkipReason::DuplicateId("MUG-350-BLU".into()))
    );
    assert_eq!(reasons[2], (4, SkipReason::MissingId));
}

#[test]
fn tailor_json_sample() {
    let parsed = read("tailor.json");
    assert_eq!(parsed.format, Format::Tailor);
    assert_eq!(parsed.catalog.len(), 6);
    assert!(parsed.skipped.is_empty() && parsed.warnings.is_empty());
    let torch = product(&parsed, "sku-2");
    assert_eq!(torch.price(), Some(24.9));
    assert_eq!(torch.currency(), Some("EUR"));
    assert_eq!(torch.category(), ["Home", "Kitchen", "Tools"]);
    assert_eq!(torch.tags(), ["kitchen", "gift"]);
    let shirt = product(&parsed, "sku-3");
    assert_eq!(shirt.description(), Some("כותנה & פשתן"));
    assert!(!shirt.in_stock());
    assert_eq!(product(&parsed, "sku-4").price(), Some(1480.0));
    let shoes = product(&parsed, "5");
    assert_eq!(
        shoes.title(),
        "Trail Running Shoes",
        "`name` when there is no `title`"
    );
    assert_eq!((shoes.price(), shoes.in_stock()), (None, true));
    assert!(!product(&parsed, "sku-6").in_stock());
}

#[test]
fn tailor_json_edge_cases() {
    let parsed = read("tailor_edge_cases.json");
    assert_eq!(parsed.format, Format::Tailor);
    let ids: Vec<&str> = parsed.catalog.products().iter().map(|p| p.id()).collect();
    assert_eq!(ids, ["sku-1", "sku-2", "sku-3", "sku-4", "sku-7", "sku-8"]);

    let mug = product(&parsed, "sku-1");
    assert_eq!(mug.currency(), Some("EUR"));
    assert_eq!(mug.description(), Some("Hand-made & glazed."));
    let towel = product(&parsed, "sku-2");
    assert_eq!(towel.title(), "Tea Towel (control char)");
    assert_eq!(towel.price(), Some(4.5));
    assert_eq!(towel.currency(), Some("EUR"));
    assert_eq!(towel.category(), ["Home", "Textiles"]);
    let mystery = product(&parsed, "sku-3");
    assert_eq!((mystery.price(), mystery.in_stock()), (None, false));
    assert_eq!(product(&parsed, "sku-4").tags(), ["a", "b", "c"]);
    let numeric = product(&parsed, "sku-7");
    assert_eq!(numeric.title(), "12345");
    assert_eq!((numeric.brand(), numeric.url()), (None, None));
    assert_eq!(product(&parsed, "sku-8").price(), None);

    let reasons: Vec<_> = skipped(&parsed)
        .into_iter()
        .map(|(i, _, r)| (i, r))
        .collect();
    assert_eq!(
        reasons,
        [
            (4, SkipReason::DuplicateId("sku-1".into())),
            (5, SkipReason::MissingId),
            (6, SkipReason::MissingId),
            (7, SkipReason::MissingTitle),
            (8, SkipReason::MissingId),
            (10, SkipReason::NotAnObject),
            (11, SkipReason::NotAnObject),
        ]
    );
    let fields: Vec<_> = warnings(&parsed)
        .into_iter()
        .map(|(i, field, _)| (i.unwrap(), field))
        .collect();
    assert_eq!(
        fields,
        [
            (1, "title"),
            (2, "price"),
            (2, "currency"),
            (9, "url"),
            (9, "brand"),
            (12, "price"),
        ]
    );
}

/// Every one of these must come back as `Ok` or `Err`; a panic fails the test.
#[test]
fn hostile_inputs_never_panic() {
    let deep_array = "[".repeat(100_000);
    let deep_object = "{\"products\":".repeat(5_000) + "[]" + &"}".repeat(5_000);
    let deep_valid = "[".repeat(120) + &"]".repeat(120);
    let deep_graph = "{\"@graph\":".repeat(100) + "[]" + &"}".repeat(100);
    let long_title = format!(r#"[{{"id":"a","title":"{}"}}]"#, "x".repeat(1_000_000));
    let many_tags = format!(
        r#"[{{"id":"a","title":"t","tags":"{}"}}]"#,
        "t,".repeat(100_000)
    );
    let nested_html = format!(
        r#"[{{"id":"a","title":"t","description":"{}"}}]"#,
        "<a '".repeat(50_000)
    );
    let cases: Vec<&str> = vec![
        "",
        " ",
        "\u{feff}",
        "null",
        "true",
        "\"products\"",
        "{",
        "[",
        "[{\"id\": \"a\", \"title\": \"t\"",
        "{\"products\": [1, 2",
        "{\"products\": {}}",
        "{\"products\": null}",
        "{\"product\": []}",
        "[[], [[]], {}]",
        &deep_array,
        &deep_object,
        &deep_valid,
        &deep_graph,
        &long_title,
        &many_tags,
        &nested_html,
        r#"[{"id": 1e308, "title": 1e308, "price": 1e308}]"#,
        r#"[{"id": "a", "title": "t", "price": 1e999}]"#,
        r#"[{"id": 18446744073709551616, "title": "big"}]"#,
        r#"[{"id": -0, "title": "neg zero", "price": -0.0}]"#,
        r#"[{"id": "a", "title": "t", "price": "NaN"}, {"id": "b", "title": "t", "price": "-Infinity"}]"#,
        r#"[{"id": "a", "title": "t", "price": {"$numberDecimal": "1"}}]"#,
        r#"[{"id": "a", "title": "\ud800"}]"#,
        r#"[{"id": "\u0000", "title": "nul"}]"#,
        r#"[{"id": "😀", "title": "👩‍👩‍👧 ﷽ \u202e reversed", "category": "🏠 > 🍳"}]"#,
        r#"[{"id": "a", "title": "t", "description": "<script>", "tags": [[], {}, 1, true]}]"#,
        r#"[{"id": "a", "title": "t", "currency": "€€€", "category": {"a": 1}}]"#,
        r#"{"products": [{"id": 1, "title": "s", "variants": "many", "images": 7, "handle": {}}]}"#,
        r#"{"products": [{"id": 1, "title": "s", "variants": [null, 1, {"price": []}, {"price": {"amount": null}}]}]}"#,
        r#"[{"id": 1, "name": "w", "prices": {"price": "99999999999999999999999", "currency_minor_unit": 400}, "permalink": 1}]"#,
        r#"[{"id": 1, "name": "w", "prices": {"price": "-5", "currency_minor_unit": -2}, "is_in_stock": "maybe"}]"#,
        r#"[{"@type": "Product", "sku": "a", "name": "n", "offers": {"offers": {"offers": {"price": "1"}}}}]"#,
        r#"[{"@type": [], "name": "n"}, {"@type": 5}, {"@type": "Product", "sku": {}, "name": []}]"#,
        r#"{"@type": "ItemList", "itemListElement": "nope"}"#,
        r#"{"@type": "ItemList", "itemListElement": [{"item": []}, {"item": null}, null, 3]}"#,
        r#"{"@graph": {"@graph": {"@type": "Product", "sku": "g", "name": "n"}}}"#,
        r#"[{"@type": "Product", "sku": "a", "name": "n", "image": [[["x"]]], "brand": [[]], "category": [[">"]]}]"#,
        "[{\"id\": \"a\", \"title\": \"tab\there\"}]",
        "\u{0}\u{1}[]",
    ];
    for (i, text) in cases.iter().enumerate() {
        let result = std::panic::catch_unwind(|| parse(text));
        assert!(
            result.is_ok(),
            "case {i} panicked: {:?}",
            text.chars().take(80).collect::<String>()
        );
    }
    // Spot checks that these came back sensibly, not just without a panic.
    let long = parse(&long_title).unwrap();
    assert_eq!(long.catalog.products()[0].title().chars().count(), 300);
    let tags = parse(&many_tags).unwrap();
    assert_eq!(tags.catalog.products()[0].tags().len(), 64);
    assert!(parse(&deep_array).is_err());
    assert!(parse(r#"[{"id": "a", "title": "t", "price": 1e999}]"#).is_err());
}

fn run_check(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tailor"))
        .arg("catalog")
        .arg("check")
        .args(args)
        .output()
        .expect("run tailor");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_command_reports_what_was_read_and_skipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let feed = dir.join("tailor_edge_cases.json");
    let (ok, stdout, _) = run_check(&[feed.to_str().unwrap()]);
    assert!(ok, "{stdout}");
    for expected in [
        "Tailor JSON",
        "6 products read, 7 skipped, 6 warnings",
        "record 4 (line 6) id `sku-1`: duplicate id `sku-1`",
        "record 7 (line 9) id `sku-5`: no usable `title`",
        "record 2 (line 4) id `sku-3`, field `price`: not a price (\"ask us\")",
        "field `currency`: `dollars` is not a three-letter currency code",
        "with price 50.0 %, in stock 83.3 %",
        "brands: 1 distinct",
        "top-level categories: 1 distinct on 33.3 % of products; most: Home (2)",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }

    for (name, format, read) in [
        (
            "shopify_products.json",
            "Shopify products.json",
            "4 products read",
        ),
        (
            "woocommerce_store_api.json",
            "WooCommerce Store API",
            "4 products read",
        ),
        (
            "schema_org_itemlist.json",
            "schema.org Product JSON-LD",
            "3 products read",
        ),
    ] {
        let (ok, stdout, _) = run_check(&[dir.join(name).to_str().unwrap()]);
        assert!(
            ok && stdout.contains(format) && stdout.contains(read),
            "{name}:\n{stdout}"
        );
    }
}

#[test]
fn check_command_fails_only_when_nothing_is_usable() {
    let dir = std::env::temp_dir().join(format!("tailor-catalog-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };

    let all_bad = write("all-bad.json", br#"[{"id": "a"}, 3]"#);
    let (ok, stdout, stderr) = run_check(&[&all_bad]);
    assert!(!ok);
    assert!(stdout.contains("0 products read, 2 skipped"), "{stdout}");
    assert!(stderr.contains("no usable products"), "{stderr}");

    let not_json = write("not-json.json", b"<html>");
    let (ok, _, stderr) = run_check(&[&not_json]);
    assert!(!ok && stderr.contains("not valid JSON"), "{stderr}");

    let (ok, _, stderr) = run_check(&[dir.join("missing.json").to_str().unwrap()]);
    assert!(!ok && stderr.contains("cannot read"), "{stderr}");

    // Windows-1252 bytes and a UTF-16 file with a byte-order mark still read.
    let latin1 = write("latin1.json", b"[{\"id\": \"a\", \"title\": \"Caf\xE9\"}]");
    let (ok, stdout, _) = run_check(&[&latin1]);
    assert!(ok && stdout.contains("Windows-1252"), "{stdout}");
    let utf16: Vec<u8> = "\u{feff}[{\"id\": \"a\", \"title\": \"שלום\"}]"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf16 = write("utf16.json", &utf16);
    let (ok, stdout, _) = run_check(&[&utf16]);
    assert!(
        ok && stdout.contains("UTF-16") && stdout.contains("1 products read"),
        "{stdout}"
    );

    // More than 20 skipped records: the rest are counted, `--all` lists them.
    let many: String = format!("[{{\"id\": \"ok\", \"title\": \"t\"}}{}]", ", 1".repeat(30));
    let many = write("many.json", many.as_bytes());
    let (ok, stdout, _) = run_check(&[&many]);
    assert!(ok && stdout.contains("… and 10 more"), "{stdout}");
    let (_, stdout, _) = run_check(&[&many, "--all"]);
    assert!(
        stdout.contains("record 30") && !stdout.contains("more"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Deterministic structure-aware fuzzing: every fixture, with one node at a
/// time (and then several) replaced by a hostile value, must parse to `Ok`
/// or `Err` without panicking, and every product read must respect the caps.
#[test]
fn mutated_fixtures_never_panic() {
    use serde_json::{json, Value};

    let hostile = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(1e308),
        json!(u64::MAX),
        json!(""),
        json!("  "),
        json!("NaN"),
        json!("<b>&amp;&#xD800;&#0;<script>x"),
        json!("\u{0}\u{7}\u{202e}\u{feff}"),
        json!("x".repeat(5000)),
        json!([]),
        json!([null, 1, "a", {}]),
        json!({}),
        json!({"@type": "Product"}),
        json!({"price": "1,2.3", "amount": "9"}),
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut runs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        let nodes = count_nodes(&original);
        for round in 0..400 {
            let mut value = original.clone();
            for _ in 0..1 + round % 4 {
                let target = next(nodes);
                let replacement = hostile[next(hostile.len())].clone();
                replace_nth(&mut value, target, replacement);
            }
            let result = std::panic::catch_unwind(|| tailor::core::catalog::parse_value(&value));
            let Ok(result) = result else {
                panic!("panicked on {value}");
            };
            // The same feed as text may take the typed fast path: same result.
            let text = value.to_string();
            let Ok(from_text) = std::panic::catch_unwind(|| parse(&text)) else {
                panic!("parse panicked on {text}");
            };
            assert_same(&result, &from_text, &text);
            if let Ok(parsed) = result {
                for p in parsed.catalog.products() {
                    assert!(!p.id().is_empty() && !p.title().is_empty());
                    assert!(p.title().chars().count() <= 300);
                    assert!(p.description().is_none_or(|d| d.chars().count() <= 2000));
                    assert!(p.price().is_none_or(|x| x.is_finite() && x >= 0.0));
                    assert!(p.currency().is_none_or(|c| c.len() == 3));
                    assert!(!p.title().chars().any(char::is_control));
                }
            }
            runs += 1;
        }
    }
    assert!(runs >= 400 * 7, "{runs}");
}

fn count_nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Replaces the `n`th node of `value` in depth-first order (the root is 0).
fn replace_nth(value: &mut serde_json::Value, n: usize, with: serde_json::Value) {
    fn walk(
        value: &mut serde_json::Value,
        n: &mut usize,
        with: &mut Option<serde_json::Value>,
    ) -> bool {
        if *n == 0 {
            if let Some(w) = with.take() {
                *value = w;
            }
            return true;
        }
        *n -= 1;
        match value {
            serde_json::Value::Array(items) => items.iter_mut().any(|v| walk(v, n, with)),
            serde_json::Value::Object(map) => map.values_mut().any(|v| walk(v, n, with)),
            _ => false,
        }
    }
    walk(value, &mut { n }, &mut Some(with));
}

/// Whether two parse results agree in every detail.
fn assert_same(
    a: &Result<Parsed, tailor::core::catalog::CatalogError>,
    b: &Result<Parsed, tailor::core::catalog::CatalogError>,
    input: &str,
) {
    let input: String = input.chars().take(200).collect();
    match (a, b) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.format, b.format, "{input}");
            assert_eq!(a.catalog.products(), b.catalog.products(), "{input}");
            assert_eq!(a.skipped, b.skipped, "{input}");
            assert_eq!(a.warnings, b.warnings, "{input}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "{input}"),
        _ => panic!("one path failed, the other did not: {input}"),
    }
}

/// The typed fast path for plain Tailor feeds and the general `Value` path
/// agree on every input where both apply.
#[test]
fn fast_path_matches_general_path() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    texts.extend(
        [
            r#"[]"#,
            r#"{"products": []}"#,
            r#"{"products": [], "products": [{"id": "a", "title": "t"}]}"#,
            r#"{"meta": {"x": [1, {"y": null}]}, "products": [{"id": "a", "title": "t", "extra": {"deep": [1, 2, 3]}}]}"#,
            r#"[{"id": "a", "title": "t", "id": "b"}]"#,
            r#"[{"id": "a", "title": null, "name": "from name"}]"#,
            r#"[{"id": "a", "title": "t"}, ["b", "t"]]"#,
            r#"[{"id": "a", "title": "t", "handle": "h"}]"#,
            r#"[{"id": "a", "title": "t", "vendor": "v"}]"#,
            r#"[{"id": "a", "title": "t", "@type": "Product"}]"#,
            r#"{"@context": "https://schema.org", "products": [{"id": "a", "title": "t"}]}"#,
            r#"{"product": {"id": 1, "title": "s", "handle": "h", "body_html": ""}, "products": [{"id": "a", "title": "t"}]}"#,
            r#"{"products": {"id": "a"}}"#,
            r#"[{"id": "a", "title": "t", "price": "1.299,50", "currency": "eur", "in_stock": "no", "tags": "x, y", "category": "A > B / C"}]"#,
            r#"[{"id": "a", "title": "t"}] trailing"#,
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for text in &texts {
        let general = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => tailor::core::catalog::parse_value(&value),
            Err(_) => continue,
        };
        assert_same(&general, &parse(text), text);
    }
}

/// Reading a feed in steps (as the widget does, yielding between them)
/// gives exactly what reading it at once gives: products, skipped records
/// and their reasons, warnings, format, or the same error; over every
/// fixture, cut short at many places and with bytes garbled.
#[test]
fn reading_in_steps_matches_reading_at_once() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    // Enough records that the format is decided before the list ends.
    let long_list = format!(
        "{{\"products\": [{}], \"next\": null}}",
        (0..250)
            .map(|i| format!(
                r#"{{"id": "p{}", "title": "T {i}", "tags": "a, b"}}"#,
                i % 240
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut texts = Vec::new();
    for text in fixtures.iter().chain([&long_list]) {
        texts.push(text.clone());
        let bytes = text.as_bytes();
        for cut in (0..bytes.len()).step_by((bytes.len() / 23).max(1)) {
            texts.push(String::from_utf8_lossy(&bytes[..cut]).into_owned());
        }
        for (i, garbage) in [
            (7, "]"),
            (3, "}"),
            (5, ","),
            (11, "\""),
            (13, "\u{1}"),
            (17, "[{"),
        ] {
            let at = bytes.len() * i / 19;
            let mut garbled = bytes.to_vec();
            garbled.splice(at..at, garbage.bytes());
            texts.push(String::from_utf8_lossy(&garbled).into_owned());
        }
    }
    for text in &texts {
        let at_once = parse(text);
        for budget in [1, 3, 100, usize::MAX] {
            let mut reader = tailor::core::catalog::FeedReader::new(text);
            while !reader.step(budget) {}
            assert_same(&reader.finish(), &at_once, text);
        }
    }
}

/// Every feed format's products through the one-allocation storage: each
/// field reads back the same through the accessors, `parts`, a rebuild
/// from the owned fields, JSON and the packed form; and the samples
/// between them give every field a value, so none goes unchecked.
#[test]
fn every_format_keeps_every_field_through_the_compact_storage() {
    use tailor::core::catalog::{pack, ProductFields};
    // (sample, format, optional fields no product of it has)
    let cases: [(&str, Format, &[&str]); 8] = [
        ("shopify_products.json", Format::Shopify, &["currency"]),
        (
            "shopify_admin_products.json",
            Format::Shopify,
            &["currency"],
        ),
        ("woocommerce_store_api.json", Format::WooCommerce, &[]),
        ("schema_org_itemlist.json", Format::SchemaOrg, &["tags"]),
        ("schema_org_graph.json", Format::SchemaOrg, &[]),
        (
            "schema_org_array.json",
            Format::SchemaOrg,
            &["tags", "description"],
        ),
        ("tailor.json", Format::Tailor, &[]),
        ("tailor_edge_cases.json", Format::Tailor, &[]),
    ];
    let optional = [
        "url",
        "image",
        "price",
        "currency",
        "category",
        "brand",
        "tags",
        "description",
    ];
    for (name, format, unset) in cases {
        let parsed = read(name);
        assert_eq!(parsed.format, format, "{name}");
        // Which optional fields some product of this feed has.
        let mut seen = [false; 8];
        for p in parsed.catalog.products() {
            let fields: ProductFields = p.to_fields();
            let parts = p.parts();
            assert_eq!((parts.id, parts.title), (p.id(), p.title()), "{name}");
            assert_eq!(
                (parts.currency, parts.brand, parts.description),
                (p.currency(), p.brand(), p.description()),
                "{name}"
            );
            assert_eq!(parts.category, fields.category, "{name}");
            assert_eq!(parts.tags, fields.tags, "{name}");
            assert_eq!(Product::from(&fields), *p, "{name} {}", p.id());
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(json, serde_json::to_string(&fields).unwrap(), "{name}");
            assert_eq!(
                serde_json::from_str::<Product>(&json).unwrap(),
                *p,
                "{name}"
            );
            for (k, has) in [
                fields.url.is_some(),
                fields.image.is_some(),
                fields.price.is_some(),
                fields.currency.is_some(),
                !fields.category.is_empty(),
                fields.brand.is_some(),
                !fields.tags.is_empty(),
                fields.description.is_some(),
            ]
            .into_iter()
            .enumerate()
            {
                seen[k] |= has;
            }
        }
        let packed = pack::decode(&pack::encode(&parsed.catalog)).unwrap();
        let widget: Vec<Product> = parsed
            .catalog
            .products()
            .iter()
            .map(pack::for_widget)
            .collect();
        assert_eq!(packed.products(), widget.as_slice(), "{name}: packed");
        let never: Vec<&str> = (0..8).filter(|&k| !seen[k]).map(|k| optional[k]).collect();
        assert_eq!(never, unset, "{name}: optional fields no product has");
    }
}
