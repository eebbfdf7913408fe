//! The benchmark's data, shared by `benches/rank.rs` (native, criterion)
//! and `tests/rank_speed_wasm.rs` (the same figures in the browser), so
//! both rank exactly the same catalogs and shopper.
//!
//! Catalogs are generated deterministically (a small LCG), so the
//! benchmarks depend on nothing else.

use tailor::core::events::{Event, EventKind};

/// Deterministic pseudo-random numbers (Knuth's MMIX LCG).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() as usize) % words.len()]
    }
}

const ADJECTIVES: &[&str] = &[
    "Classic", "Organic", "Premium", "Compact", "Deluxe", "Light", "Heavy", "Soft", "Smart",
    "Vintage", "Modern", "Rustic", "Eco", "Ultra", "Mini", "Large", "Slim", "Bold", "Warm", "Cool",
];
const COLOURS: &[&str] = &[
    "Red", "Blue", "Green", "Black", "White", "Grey", "Navy", "Olive", "Sand", "Rose",
];
const NOUNS: &[&str] = &[
    "Mug",
    "Kettle",
    "Lamp",
    "Chair",
    "Desk",
    "Shirt",
    "Jacket",
    "Sneaker",
    "Backpack",
    "Bottle",
    "Pan",
    "Pot",
    "Knife",
    "Towel",
    "Pillow",
    "Blanket",
    "Candle",
    "Vase",
    "Clock",
    "Speaker",
    "Headphones",
    "Charger",
    "Cable",
    "Notebook",
    "Pen",
    "Wallet",
    "Belt",
    "Scarf",
    "Hat",
    "Sock",
];
const DEPARTMENTS: &[&str] = &[
    "Home",
    "Kitchen",
    "Office",
    "Clothing",
    "Shoes",
    "Bags",
    "Electronics",
    "Garden",
    "Sport",
    "Beauty",
    "Toys",
    "Books",
    "Food",
    "Pets",
    "Outdoor",
    "Bath",
    "Lighting",
    "Decor",
    "Travel",
    "Music",
];

/// A Tailor JSON feed of `n` products with 20 × 10 categories, 300
/// brands, 50 tags, prices and short descriptions.
pub fn feed(n: usize) -> String {
    let mut rng = Lcg(42);
    let mut out = String::with_capacity(n * 300);
    out.push_str("{\"products\":[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let (adj, colour, noun) = (rng.pick(ADJECTIVES), rng.pick(COLOURS), rng.pick(NOUNS));
        let dept = rng.pick(DEPARTMENTS);
        let sub = rng.next() % 10;
        let brand = rng.next() % 300;
        let (tag1, tag2) = (rng.next() % 50, rng.next() % 50);
        let price = 2.0 + (rng.next() % 20_000) as f64 / 100.0;
        out.push_str(&format!(
            "{{\"id\":\"sku-{i}\",\"title\":\"{adj} {colour} {noun} {size}\",\"price\":{price},\
             \"category\":[\"{dept}\",\"{dept} {sub}\"],\"brand\":\"Brand {brand}\",\
             \"tags\":[\"tag-{tag1}\",\"tag-{tag2}\"],\
             \"description\":\"A {adj_l} {noun_l} in {colour_l}, made for everyday use.\",\"in_stock\":{stock}}}",
            size = rng.next() % 5,
            adj_l = adj.to_lowercase(),
            noun_l = noun.to_lowercase(),
            colour_l = colour.to_lowercase(),
            stock = rng.next() % 20 != 0,
        ));
    }
    out.push_str("]}");
    out
}

/// 50 events: views, carts and purchases over the catalog, in time order.
pub fn history(n: usize, seed: u64) -> Vec<Event> {
    let mut rng = Lcg(seed);
    (0..50)
        .map(|t| {
            let kind = match rng.next() % 10 {
                0 => EventKind::Purchase,
                1 | 2 => EventKind::Cart,
                _ => EventKind::View,
            };
            Event::new(
                format!("sku-{}", rng.next() as usize % n),
                kind,
                1_700_000_000 + t * 600,
            )
        })
        .collect()
}
