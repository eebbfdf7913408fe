//! `tailor demo`: builds the static demo shop ("Juniper Lane") from a catalog
//! and the templates in `www/shop/` (compiled into the command, so it works
//! from any directory): home, a page per department, a page per product
//! with schema.org JSON-LD, cart, checkout and thank-you pages, the feed at
//! `/tailor/catalog.json`, a co-purchase model at `/tailor/model.bin`
//! (trained on simulated orders, so "often bought with" works as it would
//! for a shop that trained on its real ones), an SVG per product, and the
//! widget from `pkg/`.
//!
//! Every page runs under the strict CSP: scripts are external files, the
//! only inline `<script>` is the JSON-LD data block, and there are no
//! `style` attributes or inline event handlers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use tailor::core::catalog::{self, CatalogError, Product};
use tailor::core::events::{Event, EventKind};
use tailor::core::model::{Model, TrainOptions};
use tailor::core::splitmix::SplitMix64;
use thiserror::Error;

use crate::generate;

#[derive(clap::Args)]
pub struct Args {
    /// Directory to write the site into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Feed to build the shop from; without it a sample catalog is generated.
    #[arg(long, conflicts_with = "count")]
    catalog: Option<PathBuf>,
    /// Size of the generated sample catalog.
    #[arg(long, default_value_t = generate::DEFAULT_COUNT)]
    count: usize,
    /// Seed of the generated sample catalog.
    #[arg(long, default_value_t = generate::DEFAULT_SEED)]
    seed: u64,
    /// Currency of the generated sample catalog.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// The built widget (tailor.js, tailor_bg.wasm, tailor.css) to copy into `/tailor/`.
    #[arg(long, default_value = "pkg")]
    pkg: PathBuf,
}

/// Why the site could not be built.
#[derive(Debug, Error)]
pub enum DemoError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("{path}: {source}")]
    Catalog { path: String, source: CatalogError },
    #[error("{path} has no usable products")]
    EmptyCatalog { path: String },
    #[error("template {template} has no value for {{{{{key}}}}}")]
    MissingValue { template: String, key: String },
    #[error(transparent)]
    Feed(#[from] generate::FeedWriteError),
}

// The templates and assets, compiled in so `tailor demo` needs no checkout.
const LAYOUT: &str = include_str!("../../../www/shop/layout.html");
const CART: &str = include_str!("../../../www/shop/cart.html");
const CHECKOUT: &str = include_str!("../../../www/shop/checkout.html");
const THANK_YOU: &str = include_str!("../../../www/shop/thank-you.html");
const NOT_FOUND: &str = include_str!("../../../www/shop/404.html");
const ASSETS: &[(&str, &str)] = &[
    ("shop.css", include_str!("../../../www/shop/shop.css")),
    ("shop.js", include_str!("../../../www/shop/shop.js")),
    (
        "tailor-queue.js",
        include_str!("../../../www/shop/tailor-queue.js"),
    ),
    ("favicon.svg", include_str!("../../../www/shop/favicon.svg")),
    ("logo.svg", include_str!("../../../www/shop/logo.svg")),
];

/// The widget gallery (every widget state), published at `/gallery/`.
const GALLERY: &[(&str, &str)] = &[
    (
        "index.html",
        include_str!("../../../www/gallery/index.html"),
    ),
    (
        "frame.html",
        include_str!("../../../www/gallery/frame.html"),
    ),
    (
        "gallery.js",
        include_str!("../../../www/gallery/gallery.js"),
    ),
    ("frame.js", include_str!("../../../www/gallery/frame.js")),
    (
        "gallery.css",
        include_str!("../../../www/gallery/gallery.css"),
    ),
];

/// Orders at or above this amount ship free (also in shop.js).
const FREE_DELIVERY_FROM: f64 = 50.0;

pub fn run(args: Args) -> ExitCode {
    match build(&args) {
        Ok(summary) => {
            println!(
                "tailor demo: {} products, {} departments → {}{}",
                summary.products,
                summary.departments,
                args.out.display(),
                if summary.widget_files > 0 {
                    format!(
                        " (widget: {} files from {})",
                        summary.widget_files,
                        args.pkg.display()
                    )
                } else {
                    format!(
                        " (no widget in {}: run scripts/build.sh, then rebuild the site)",
                        args.pkg.display()
                    )
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tailor demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What [`build`] wrote.
pub struct Summary {
    pub products: usize,
    pub departments: usize,
    pub widget_files: usize,
}

/// A department of the shop as its pages show it.
struct Department<'a> {
    name: &'a str,
    slug: String,
    /// Sub-categories in first-seen order, with their products in feed order.
    subs: Vec<(&'a str, Vec<&'a Product>)>,
}

impl Department<'_> {
    fn len(&self) -> usize {
        self.subs.iter().map(|(_, ps)| ps.len()).sum()
    }

    fn first_product(&self) -> Option<&Product> {
        self.subs.iter().find_map(|(_, ps)| ps.first().copied())
    }
}

pub fn build(args: &Args) -> Result<Summary, DemoError> {
    let (products, feed) = load_products(args)?;
    let out = &args.out;
    let departments = departments(&products);
    let site = Site {
        currency: products
            .iter()
            .find_map(|p| p.currency().map(String::from))
            .unwrap_or_else(|| args.currency.to_ascii_uppercase()),
        departments: &departments,
    };

    write(&out.join("tailor/catalog.json"), &feed)?;
    let orders = simulated_orders(&products, args.seed);
    let model = Model::train(orders.iter().map(Vec::as_slice), &TrainOptions::default());
    write(&out.join("tailor/model.bin"), &model.to_bytes())?;
    for (name, text) in ASSETS {
        write(&out.join("assets").join(name), text.as_bytes())?;
    }
    for (name, text) in GALLERY {
        write(&out.join("gallery").join(name), text.as_bytes())?;
    }
    for p in &products {
        write(
            &out.join("img").join(format!("{}.svg", file_stem(p.id()))),
            generate::product_svg(p).as_bytes(),
        )?;
    }

    write(&out.join("index.html"), site.home(&products)?.as_bytes())?;
    for d in &departments {
        write(
            &out.join("c").join(format!("{}.html", d.slug)),
            site.category(d)?.as_bytes(),
        )?;
    }
    for p in &products {
        write(
            &out.join("p").join(format!("{}.html", file_stem(p.id()))),
            site.product(p)?.as_bytes(),
        )?;
    }
    for (file, page, title, body) in [
        ("cart.html", "cart", "Your cart", CART),
        ("checkout.html", "checkout", "Checkout", CHECKOUT),
        ("thank-you.html", "thank-you", "Thank you", THANK_YOU),
        ("404.html", "not-found", "Page not found", NOT_FOUND),
    ] {
        let html = site.page(page, title, "", "", body)?;
        write(&out.join(file), html.as_bytes())?;
    }

    let widget_files = copy_widget(&args.pkg, &out.join("tailor"))?;
    Ok(Summary {
        products: products.len(),
        departments: departments.len(),
        widget_files,
    })
}

/// Shoppers simulated for the demo's co-purchase model: each keeps to one
/// department and places a few orders, each pairing a product of one
/// subcategory with products of its companion subcategory (the next one in
/// the department: pans with utensils, tees with trousers), now and then
/// with something from elsewhere. Deterministic for a seed.
fn simulated_orders(products: &[Product], seed: u64) -> Vec<Vec<Event>> {
    const SHOPPERS: usize = 1_500;
    const ORDER_GAP: u64 = 9 * 86_400;
    const START: u64 = 1_700_000_000;
    let departments = departments(products);
    let subs: Vec<&[&Product]> = departments
        .iter()
        .flat_map(|d| d.subs.iter().map(|(_, list)| list.as_slice()))
        .collect();
    // The companion of subcategory i: the next in its department.
    let mut companion = Vec::with_capacity(subs.len());
    let mut first = 0;
    for d in &departments {
        let n = d.subs.len();
        companion.extend((0..n).map(|i| first + (i + 1) % n));
        first += n;
    }
    if subs.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64::new(seed ^ 0x0DE5_0DE5);
    let pick =
        |list: &[&Product], rng: &mut SplitMix64| list[rng.below(list.len())].id().to_string();
    (0..SHOPPERS)
        .map(|_| {
            let home = rng.below(subs.len());
            let orders = 2 + rng.below(4);
            let mut events = Vec::new();
            for order in 0..orders as u64 {
                let at = START + order * ORDER_GAP + rng.below(86_400) as u64;
                // The shopper's own subcategory or its companion leads.
                let lead = if rng.chance(0.5) {
                    home
                } else {
                    companion[home]
                };
                let mut basket = vec![pick(subs[lead], &mut rng)];
                for _ in 0..1 + rng.below(3) {
                    let from = if rng.chance(0.85) {
                        companion[lead]
                    } else {
                        rng.below(subs.len())
                    };
                    basket.push(pick(subs[from], &mut rng));
                }
                events.extend(
                    basket
                        .into_iter()
                        .map(|id| Event::new(id, EventKind::Purchase, at)),
                );
            }
            events
        })
        .collect()
}

/// The products and the feed bytes to publish: the given file as it is, or
/// a freshly generated sample.
fn load_products(args: &Args) -> Result<(Vec<Product>, Vec<u8>), DemoError> {
    match &args.catalog {
        Some(path) => {
            let shown = path.display().to_string();
            let bytes = fs::read(path).map_err(|source| DemoError::Read {
                path: shown.clone(),
                source,
            })?;
            let parsed = catalog::parse(&String::from_utf8_lossy(&bytes)).map_err(|source| {
                DemoError::Catalog {
                    path: shown.clone(),
                    source,
                }
            })?;
            for skipped in &parsed.skipped {
                eprintln!("tailor demo: {shown}: skipped {skipped}");
            }
            if parsed.catalog.is_empty() {
                return Err(DemoError::EmptyCatalog { path: shown });
            }
            Ok((parsed.catalog.products().to_vec(), bytes))
        }
        None => {
            let mut products = generate::generate(args.count, args.seed, &args.currency);
            // Dated up to the build, so a shopper whose last visit was
            // before it sees "new since your last visit".
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            generate::date_products(&mut products, args.seed, now);
            let mut feed = Vec::new();
            generate::write_feed(&mut feed, &products)?;
            Ok((products, feed))
        }
    }
}

fn departments(products: &[Product]) -> Vec<Department<'_>> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<(&str, Vec<&Product>)>> = BTreeMap::new();
    for p in products {
        let name = p.category().first().unwrap_or("Other");
        let sub = p.category().get(1).unwrap_or("All");
        let subs = by_name.entry(name).or_insert_with(|| {
            order.push(name);
            Vec::new()
        });
        match subs.iter_mut().find(|(s, _)| *s == sub) {
            Some((_, list)) => list.push(p),
            None => subs.push((sub, vec![p])),
        }
    }
    // Departments in the generator's order when they are its own (the
    // nav reads like a shop's), otherwise by first appearance.
    let rank = |name: &str| {
        generate::DEPARTMENTS
            .iter()
            .position(|d| d.name == name)
            .unwrap_or(usize::MAX)
    };
    let mut names = order;
    names.sort_by_key(|n| rank(n));
    names
        .into_iter()
        .map(|name| Department {
            name,
            slug: slug(name),
            subs: by_name.remove(name).unwrap_or_default(),
        })
        .collect()
}

struct Site<'a> {
    currency: String,
    departments: &'a [Department<'a>],
}

impl Site<'_> {
    /// Wraps a page body in the layout (header, nav, footer, the embed).
    fn page(
        &self,
        page: &str,
        title: &str,
        description: &str,
        head: &str,
        main: &str,
    ) -> Result<String, DemoError> {
        let mut nav = String::new();
        let mut footer = String::new();
        for d in self.departments {
            let _ = writeln!(
                nav,
                "      <li><a href=\"/c/{}.html\">{}</a></li>",
                d.slug,
                escape(d.name)
            );
            let _ = writeln!(
                footer,
                "        <li><a href=\"/c/{}.html\">{}</a></li>",
                d.slug,
                escape(d.name)
            );
        }
        let full_title = if page == "home" {
            "Juniper Lane · Goods for everyday living".to_string()
        } else {
            format!("{title} · Juniper Lane")
        };
        let description = if description.is_empty() {
            "Juniper Lane: well-made things for the kitchen, home and outdoors."
        } else {
            description
        };
        fill(
            "layout.html",
            LAYOUT,
            &[
                ("title", &escape(&full_title)),
                ("description", &escape(description)),
                ("currency", &escape(&self.currency)),
                ("head", head),
                ("page", page),
                (
                    "free_delivery",
                    &escape(&money(FREE_DELIVERY_FROM, &self.currency)),
                ),
                ("nav", nav.trim_end()),
                ("footer_departments", footer.trim_end()),
                ("main", main.trim_end()),
            ],
        )
    }

    fn home(&self, products: &[Product]) -> Result<String, DemoError> {
        let in_stock: Vec<&Product> = products.iter().filter(|p| p.in_stock()).collect();
        // One product from each department first, so the home page shows the
        // range of the shop rather than whatever the feed starts with.
        let mut featured: Vec<&Product> = self
            .departments
            .iter()
            .filter_map(|d| d.subs.iter().flat_map(|(_, ps)| ps).find(|p| p.in_stock()))
            .copied()
            .collect();
        for p in &in_stock {
            if featured.len() >= 10 {
                break;
            }
            if !featured.iter().any(|f| f.id() == p.id()) {
                featured.push(p);
            }
        }
        featured.truncate(10);

        let mut main = String::new();
        let lead_department = self
            .departments
            .first()
            .map_or(("Kitchen", "kitchen".to_string()), |d| {
                (d.name, d.slug.clone())
            });
        let _ = write!(
            main,
            "<section class=\"hero\">\n  <div class=\"hero-text\">\n    <p class=\"eyebrow\">New season, new favourites</p>\n    <h1>Well-made things for everyday living</h1>\n    <p class=\"lead\">{} products from independent brands we know and trust, chosen to be used for years.</p>\n    <p class=\"hero-actions\"><a class=\"button\" href=\"/c/{}.html\">Shop {}</a> <a class=\"button button-ghost\" href=\"#departments\">All departments</a></p>\n  </div>\n  <div class=\"hero-art\" aria-hidden=\"true\">\n",
            products.len(),
            lead_department.1,
            escape(lead_department.0)
        );
        for p in featured.iter().take(3) {
            let _ = writeln!(
                main,
                "    <img src=\"{}\" alt=\"\" width=\"400\" height=\"400\">",
                escape(&image_of(p))
            );
        }
        main.push_str("  </div>\n</section>\n");
        // Returning shoppers: what arrived since, in what they like (empty,
        // and no space, on a first visit).
        main.push_str(
            "<section class=\"slot-section\">\n  <div data-tailor=\"new-arrivals\"></div>\n</section>\n",
        );
        main.push_str(
            "<section class=\"slot-section\">\n  <div data-tailor=\"recommendations\"></div>\n</section>\n",
        );
        main.push_str("<section class=\"section\" id=\"departments\">\n  <h2>Shop by department</h2>\n  <ul class=\"dept-grid\">\n");
        for d in self.departments {
            let image = d.first_product().map(image_of).unwrap_or_default();
            let _ = writeln!(
                main,
                "    <li><a class=\"dept-tile\" href=\"/c/{}.html\"><img src=\"{}\" alt=\"\" width=\"400\" height=\"400\" loading=\"lazy\"><span class=\"dept-name\">{}</span><span class=\"dept-count\">{} products</span></a></li>",
                d.slug,
                escape(&image),
                escape(d.name),
                d.len()
            );
        }
        main.push_str("  </ul>\n</section>\n");
        main.push_str("<section class=\"section\">\n  <h2>Featured this week</h2>\n");
        main.push_str(&self.grid(&featured, false));
        main.push_str("</section>\n");
        main.push_str(
            "<section class=\"slot-section\">\n  <div data-tailor=\"recently-viewed\"></div>\n</section>\n",
        );
        main.push_str(
            "<section class=\"promise\">\n  <div><h3>Free delivery</h3><p>On every order over ",
        );
        main.push_str(&escape(&money(FREE_DELIVERY_FROM, &self.currency)));
        main.push_str(", in 1–3 working days.</p></div>\n  <div><h3>30-day returns</h3><p>Changed your mind? Send it back, free.</p></div>\n  <div><h3>Made to last</h3><p>Brands that repair, resole and restock.</p></div>\n</section>\n");
        self.page("home", "Home", "", "", &main)
    }

    fn category(&self, d: &Department) -> Result<String, DemoError> {
        let mut main = String::new();
        let _ = write!(
            main,
            "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">Shop</a></li><li aria-current=\"page\">{}</li></ol></nav>\n<header class=\"page-head\">\n  <h1 class=\"page-title\">{}</h1>\n  <p class=\"muted\">{} products</p>\n  <ul class=\"chips\">\n",
            escape(d.name),
            escape(d.name),
            d.len()
        );
        for (sub, _) in &d.subs {
            let _ = writeln!(
                main,
                "    <li><a href=\"#{}\">{}</a></li>",
                slug(sub),
                escape(sub)
            );
        }
        main.push_str("  </ul>\n</header>\n");
        for (sub, products) in &d.subs {
            let _ = writeln!(
                main,
                "<section class=\"section\" id=\"{}\">\n  <h2>{} <span class=\"muted\">({})</span></h2>",
                slug(sub),
                escape(sub),
                products.len()
            );
            main.push_str(&self.grid(products, true));
            main.push_str("</section>\n");
        }
        self.page(
            "category",
            d.name,
            &format!("{} at Juniper Lane: {} products.", d.name, d.len()),
            "",
            &main,
        )
    }

    /// A grid of product cards; `quick_add` adds an "Add" button per card.
    fn grid(&self, products: &[&Product], quick_add: bool) -> String {
        let mut html = String::from("  <ul class=\"grid\">\n");
        for p in products {
            let url = url_of(p);
            let _ = write!(
                html,
                "    <li class=\"card\">\n      <a class=\"card-link\" href=\"{}\">\n        <img src=\"{}\" alt=\"\" width=\"400\" height=\"400\" loading=\"lazy\">\n        <span class=\"card-brand\">{}</span>\n        <span class=\"card-title\">{}</span>\n      </a>\n      <div class=\"card-foot\">\n        <span class=\"price\">{}</span>\n",
                escape(&url),
                escape(&image_of(p)),
                escape(p.brand().unwrap_or("")),
                escape(p.title()),
                escape(&self.price_of(p)),
            );
            if !p.in_stock() {
                html.push_str("        <span class=\"badge badge-muted\">Sold out</span>\n");
            } else if quick_add {
                let _ = writeln!(
                    html,
                    "        <button class=\"button button-small\" type=\"button\" {} aria-label=\"Add {} to cart\">Add</button>",
                    cart_data(p, &url, &self.currency),
                    escape(p.title())
                );
            } else if p.tags().any(|t| t == "new") {
                html.push_str("        <span class=\"badge\">New</span>\n");
            }
            html.push_str("      </div>\n    </li>\n");
        }
        html.push_str("  </ul>\n");
        html
    }

    fn product(&self, p: &Product) -> Result<String, DemoError> {
        let url = url_of(p);
        let department = p.category().first().unwrap_or("Other");
        let mut main = String::new();
        let _ = write!(
            main,
            "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">Shop</a></li><li><a href=\"/c/{}.html\">{}</a></li>",
            slug(department),
            escape(department)
        );
        if let Some(sub) = p.category().get(1) {
            let _ = write!(
                main,
                "<li><a href=\"/c/{}.html#{}\">{}</a></li>",
                slug(department),
                slug(sub),
                escape(sub)
            );
        }
        let _ = writeln!(
            main,
            "<li aria-current=\"page\">{}</li></ol></nav>",
            escape(p.title())
        );
        let _ = write!(
            main,
            "<article class=\"product\" data-tailor-product=\"{}\">\n  <div class=\"product-media\"><img src=\"{}\" alt=\"{}\" width=\"400\" height=\"400\"></div>\n  <div class=\"product-info\">\n    <p class=\"product-brand\">{}</p>\n    <h1 class=\"product-title\">{}</h1>\n    <p class=\"product-price\">{}</p>\n",
            escape(p.id()),
            escape(&image_of(p)),
            escape(p.title()),
            escape(p.brand().unwrap_or("")),
            escape(p.title()),
            escape(&self.price_of(p)),
        );
        if p.in_stock() {
            main.push_str(
                "    <p class=\"stock stock-in\">In stock · ships in 1–2 working days</p>\n",
            );
            let _ = writeln!(
                main,
                "    <button class=\"button button-large\" type=\"button\" data-tailor-add-to-cart=\"{}\" {}>Add to cart</button>",
                escape(p.id()),
                cart_data(p, &url, &self.currency)
            );
        } else {
            main.push_str("    <p class=\"stock stock-out\">Sold out · back soon</p>\n    <button class=\"button button-large\" type=\"button\" disabled>Sold out</button>\n");
        }
        if let Some(description) = p.description() {
            let _ = writeln!(
                main,
                "    <p class=\"product-description\">{}</p>",
                escape(description)
            );
        }
        main.push_str("    <ul class=\"perks\">\n      <li>Free delivery over ");
        main.push_str(&escape(&money(FREE_DELIVERY_FROM, &self.currency)));
        main.push_str("</li>\n      <li>30-day free returns</li>\n      <li>Secure checkout</li>\n    </ul>\n");
        if !p.tags().is_empty() {
            main.push_str("    <ul class=\"tags\" aria-label=\"Tags\">");
            for t in p.tags() {
                let _ = write!(main, "<li>{}</li>", escape(t));
            }
            main.push_str("</ul>\n");
        }
        let _ = write!(
            main,
            "    <p class=\"muted small\">Item number {}</p>\n  </div>\n</article>\n<section class=\"slot-section\">\n  <div data-tailor=\"similar\"></div>\n</section>\n",
            escape(p.id())
        );
        let head = format!(
            "<script type=\"application/ld+json\">{}</script>",
            json_ld(p, &url, &self.currency)
        );
        self.page(
            "product",
            p.title(),
            p.description().unwrap_or(p.title()),
            &head,
            &main,
        )
    }

    fn price_of(&self, p: &Product) -> String {
        p.price().map_or_else(String::new, |price| {
            money(price, p.currency().unwrap_or(&self.currency))
        })
    }
}

/// The `data-*` attributes shop.js reads to put a product in the cart.
fn cart_data(p: &Product, url: &str, currency: &str) -> String {
    format!(
        "data-add-to-cart data-product-id=\"{}\" data-title=\"{}\" data-price=\"{}\" data-currency=\"{}\" data-image=\"{}\" data-url=\"{}\"",
        escape(p.id()),
        escape(p.title()),
        p.price().unwrap_or(0.0),
        escape(p.currency().unwrap_or(currency)),
        escape(&image_of(p)),
        escape(url)
    )
}

/// schema.org Product JSON-LD; `<` is escaped so no text can close the
/// script element.
fn json_ld(p: &Product, url: &str, currency: &str) -> String {
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "sku": p.id(),
        "productID": p.id(),
        "name": p.title(),
        "image": image_of(p),
        "url": url,
    });
    if let Some(d) = p.description() {
        value["description"] = json!(d);
    }
    if let Some(b) = p.brand() {
        value["brand"] = json!({"@type": "Brand", "name": b});
    }
    if !p.category().is_empty() {
        value["category"] = json!(p.category().collect::<Vec<_>>().join(" > "));
    }
    if let Some(price) = p.price() {
        value["offers"] = json!({
            "@type": "Offer",
            "price": format!("{price:.2}"),
            "priceCurrency": p.currency().unwrap_or(currency),
            "availability": if p.in_stock() { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
            "url": url,
        });
    }
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The demo's own page for a product (the feed's `url` may point elsewhere).
fn url_of(p: &Product) -> String {
    format!("/p/{}.html", file_stem(p.id()))
}

/// The feed's image when it is a site path or an https URL, else the
/// generated SVG.
fn image_of(p: &Product) -> String {
    match p.image() {
        Some(src) if src.starts_with('/') && !src.starts_with("//") => src.into_owned(),
        _ => format!("/img/{}.svg", file_stem(p.id())),
    }
}

/// An id made safe as a file name and URL path segment.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// `"Hair & Body"` → `"hair-body"`.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "other".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A price as shoppers read it: `€24.99`, `$5.49`, `12.00 CHF`.
fn money(amount: f64, currency: &str) -> String {
    match currency {
        "EUR" => format!("€{amount:.2}"),
        "USD" => format!("${amount:.2}"),
        "GBP" => format!("£{amount:.2}"),
        other => format!("{amount:.2} {other}"),
    }
}

/// Text as HTML text or attribute value.
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

/// Replaces every `{{key}}` in a template; a placeholder without a value is
/// an error rather than text left on a page.
fn fill(template_name: &str, template: &str, values: &[(&str, &str)]) -> Result<String, DemoError> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let key = &after[..end];
        let value = values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .ok_or_else(|| DemoError::MissingValue {
                template: template_name.to_string(),
                key: key.to_string(),
            })?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    let wrap = |source| DemoError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(wrap)?;
    }
    fs::write(path, bytes).map_err(wrap)
}

/// Copies the built widget (every file of `pkg`, recursively) into the
/// site; a missing `pkg` is not an error (the shop works without it).
fn copy_widget(pkg: &Path, into: &Path) -> Result<usize, DemoError> {
    if !pkg.is_dir() {
        return Ok(0);
    }
    let mut copied = 0;
    let entries = fs::read_dir(pkg).map_err(|source| DemoError::Read {
        path: pkg.display().to_string(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| DemoError::Read {
            path: pkg.display().to_string(),
            source,
        })?;
        let from = entry.path();
        let to = into.join(entry.file_name());
        if from.is_dir() {
            copied += copy_widget(&from, &to)?;
        } else {
            let bytes = fs::read(&from).map_err(|source| DemoError::Read {
                path: from.display().to_string(),
                source,
            })?;
            write(&to, &bytes)?;
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for (name, expected) in [
            ("Kitchen", "kitchen"),
            ("Hair & Body", "hair-body"),
            ("Phones & Tablets", "phones-tablets"),
            ("  Déco ", "d-co"),
            ("&&", "other"),
        ] {
            assert_eq!(slug(name), expected, "{name}");
        }
    }

    #[test]
    fn file_stems_are_path_safe() {
        for (id, expected) in [
            ("kit-00001", "kit-00001"),
            ("a/b", "a_b"),
            ("../etc", "_etc"),
            ("x y<z>", "x_y_z_"),
        ] {
            assert_eq!(file_stem(id), expected, "{id}");
        }
    }

    #[test]
    fn escaping_and_money() {
        assert_eq!(
            escape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(money(24.99, "EUR"), "€24.99");
        assert_eq!(money(5.0, "USD"), "$5.00");
        assert_eq!(money(12.0, "CHF"), "12.00 CHF");
    }

    #[test]
    fn templates_fill_or_fail() {
        assert_eq!(
            fill("t", "a {{x}} b {{y}}", &[("x", "1"), ("y", "2")]).unwrap(),
            "a 1 b 2"
        );
        assert!(matches!(
            fill("t", "{{x}} {{z}}", &[("x", "1")]),
            Err(DemoError::MissingValue { key, .. }) if key == "z"
        ));
        assert_eq!(fill("t", "no close {{x", &[]).unwrap(), "no close {{x");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let p = Product::from(tailor::core::catalog::ProductFields {
            id: "x-1".into(),
            title: "</script><script>alert(1)</script>".into(),
            price: Some(3.5),
            ..tailor::core::catalog::ProductFields::default()
        });
        let ld = json_ld(&p, "/p/x-1.html", "EUR");
        assert!(!ld.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(back["name"], p.title());
        assert_eq!(back["sku"], "x-1");
        assert_eq!(back["offers"]["price"], "3.50");
    }

    #[test]
    fn every_template_placeholder_has_a_value() {
        // The layout's placeholders are exactly the ones `Site::page` fills.
        let departments = Vec::new();
        let site = Site {
            currency: "EUR".into(),
            departments: &departments,
        };
        for body in [CART, CHECKOUT, THANK_YOU, NOT_FOUND] {
            let html = site.page("x", "X", "", "", body).unwrap();
            assert!(!html.contains("{{"), "{html}");
        }
    }
}
