//! The packed catalog: a compact binary form of a parsed [`Catalog`] made
//! offline by `tailor catalog pack`, which the widget fetches, caches and
//! reads many times faster than JSON, and which compresses far better.
//!
//! It keeps what the widget uses: id, title, url, image, price, currency,
//! brand, category path, tags, stock, and of the description only its
//! keywords for content similarity (see [`for_widget`]): the widget never
//! shows a description; and the date each product was added.
//!
//! Layout (integers LEB128 varints, strings length-prefixed UTF-8): `TLRP`,
//! version, product count, then one column per field, each laid out so that
//! similar bytes sit together, which is what brotli feeds on:
//! - ids: `prefix` + zero-padded number, as a prefix dictionary and number
//!   deltas (`sku-00017` after `sku-00016` is two small bytes);
//! - titles: a word dictionary (most frequent first), the brand left out
//!   when the title starts with it;
//! - urls and images: one `prefix{id}suffix` pattern when they follow one;
//! - prices: whole units and cents in two streams (cents repeat: .99, .95);
//! - brand and tags: what was recently used in the same category
//!   (move-to-front), a tag that is a word of the title by position,
//!   otherwise a dictionary index; currency and category path: dictionaries;
//! - description keywords: a dictionary of tokens;
//! - dates added: the earliest, then each as seconds after it + 1 (0: none).
//!
//! Version 3; versions 1 and 2 (a plainer layout) are refused with a
//! message to pack again.

use thiserror::Error;

use super::product::{Field, List, ProductWriter};
use super::{Catalog, IdIndex, Product, ProductFields};
use crate::core::text;

const MAGIC: &[u8; 4] = b"TLRP";
const VERSION: u8 = 3;

/// The content index reads this many tokens of a description
/// (`rank::content`; `tests::packed_catalog_ranks_like_the_feed` checks
/// the two agree).
const DESCRIPTION_TOKENS: usize = 40;
/// Values remembered per category for brands and tags.
const RECENT: usize = 64;

/// Why packed bytes could not be read.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PackError {
    #[error("not a packed Tailor catalog")]
    NotPacked,
    #[error("packed catalog version {0}: this Tailor reads version {VERSION}; pack the feed again with `tailor catalog pack`")]
    Version(u8),
    #[error("the packed catalog is truncated or damaged at byte {0}")]
    Damaged(usize),
}

/// True when `bytes` start like a packed catalog (for format detection:
/// the content decides, whatever the file is called or served as).
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// The product as the packed form keeps it: the description reduced to
/// the keywords the content index would read from it that the title does
/// not already give (a title word outweighs the same description word, so
/// ranking is unchanged), at most [`DESCRIPTION_TOKENS`], joined by spaces.
/// When the keywords would not read back as themselves (a stem that stems
/// again), the description is kept whole.
pub fn for_widget(product: &Product) -> Product {
    ProductFields {
        description: description_keywords(product),
        ..product.to_fields()
    }
    .into()
}

fn description_keywords(product: &Product) -> Option<String> {
    let description = product.description()?;
    let title = text::tokens(product.title());
    let mut kept: Vec<String> = Vec::new();
    for token in text::tokens(description)
        .into_iter()
        .take(DESCRIPTION_TOKENS)
    {
        if !title.contains(&token) && !kept.contains(&token) {
            kept.push(token);
        }
    }
    if kept.is_empty() {
        return None;
    }
    let joined = kept.join(" ");
    if text::tokens(&joined) == kept {
        Some(joined)
    } else {
        Some(description.to_string())
    }
}

/// Packs a catalog. Product order is kept (it is the cold-start prior).
/// [`decode`] gives back `for_widget` of every product.
pub fn encode(catalog: &Catalog) -> Vec<u8> {
    let products = catalog.products();
    let mut out = Writer(Vec::with_capacity(products.len() * 24));
    out.0.extend_from_slice(MAGIC);
    out.0.push(VERSION);
    out.uint(products.len() as u64);
    out.id_column(products);
    let categories: Vec<Option<String>> = products.iter().map(category_key).collect();
    let category_index = out.dictionary_column(&categories);
    let brands: Vec<Option<String>> = products
        .iter()
        .map(|p| p.brand().map(String::from))
        .collect();
    out.recent_column(&brands, &category_index);
    out.title_column(products);
    out.pattern_column(products, Product::url);
    out.pattern_column(products, Product::image);
    out.price_column(products);
    let currencies: Vec<Option<String>> = products
        .iter()
        .map(|p| p.currency().map(String::from))
        .collect();
    out.dictionary_column(&currencies);
    out.tag_column(products, &category_index);
    let keywords: Vec<Vec<String>> = products
        .iter()
        .map(|p| match description_keywords(p) {
            Some(k) if p.description() == Some(k.as_str()) => vec![k],
            Some(k) => k.split(' ').map(String::from).collect(),
            None => Vec::new(),
        })
        .collect();
    out.list_column(&keywords);
    out.bits(products.iter().map(Product::in_stock));
    let earliest = products.iter().filter_map(Product::added).min();
    out.uint(earliest.map_or(0, |t| t.saturating_add(1)));
    if let Some(earliest) = earliest {
        for p in products {
            out.uint(p.added().map_or(0, |t| (t - earliest).saturating_add(1)));
        }
    }
    out.0
}

fn category_key(p: &Product) -> Option<String> {
    (!p.category().is_empty()).then(|| p.category().collect::<Vec<_>>().join("\u{1f}"))
}

/// Reads packed bytes back into a catalog, all at once.
pub fn decode(bytes: &[u8]) -> Result<Catalog, PackError> {
    let mut reader = PackReader::new(bytes)?;
    while !reader.step(usize::MAX)? {}
    reader.finish()
}

/// Reads a packed catalog a few cells at a time, so the widget can give
/// the browser its main thread back between steps (a 100k catalog read at
/// once is a task of hundreds of milliseconds); [`decode`] is this reader
/// run to the end in one step.
///
/// Two passes, so each product's strings go straight from the bytes (and
/// the column dictionaries, which borrow them) into the product's single
/// allocation, with no string per field in between: first the columns are
/// skimmed in file order, which finds where each column's rows start and
/// checks the file's structure; then the products are read row by row, one
/// cursor per column.
pub struct PackReader<'a> {
    /// The skimming pass's position.
    r: Reader<'a>,
    n: usize,
    /// The column being skimmed, or [`Column::Rows`] once all are.
    column: Column,
    /// The next row of `column` to skim (or to read, in [`Column::Rows`]).
    row: usize,
    /// Each column's row cursor and header, filled in while skimming.
    rows: Rows<'a>,
    products: Vec<Product>,
    /// The id lookup, built as products are read (spreading its cost over
    /// the steps); `None` once a repeated id is met (only in a damaged file).
    by_id: Option<IdIndex>,
    writer: ProductWriter,
    /// The id of the product being read (url and image patterns repeat
    /// it), then a tag being made from a word of the title.
    id: String,
    /// Every column's dictionary, one after another.
    dictionaries: Vec<&'a str>,
    /// Each category path's levels (`levels[from..to]`), split once: every
    /// product names one of a few paths.
    path_levels: Vec<(u32, u32)>,
    levels: Vec<&'a str>,
    /// The byte ranges of the current product's title words.
    title_words: Vec<(usize, usize)>,
}

/// The column being skimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Ids,
    Categories,
    Brands,
    Titles,
    /// Url (`image` false) or image: spelled out row by row, or
    /// following a pattern (nothing per row).
    Links {
        image: bool,
    },
    /// Whole units + 1 (0: no price), then a byte of cents per price.
    PriceUnits,
    PriceBits,
    Currencies,
    Tags,
    Keywords,
    Added,
    /// All skimmed: the products are read row by row.
    Rows,
    Done,
}

/// Per column: where its rows start (then the next row), and what its
/// header said.
#[derive(Default)]
struct Rows<'a> {
    ids: Reader<'a>,
    id_prefixes: Vec<(usize, &'a str)>,
    previous_id: i64,
    categories: Reader<'a>,
    paths: Dictionary,
    brands: Reader<'a>,
    brand_names: Dictionary,
    recent_brands: Recent,
    titles: Reader<'a>,
    title_words: Dictionary,
    /// Url and image: the cursor of spelled-out values, or
    /// `(prefix, suffix, presence bits)`.
    links: [Link<'a>; 2],
    price_units: Reader<'a>,
    /// The cents of priced products (`None`: prices as f64 bits in `price_units`).
    price_cents: Option<Reader<'a>>,
    currencies: Reader<'a>,
    currency_codes: Dictionary,
    tags: Reader<'a>,
    tag_names: Dictionary,
    recent_tags: Recent,
    keywords: Reader<'a>,
    keyword_words: Dictionary,
    stock: &'a [u8],
    /// The dates' cursor and the earliest date.
    added: Option<(Reader<'a>, u64)>,
    /// Products with a price (the cents bytes to skip).
    priced: usize,
}

/// Where a column's dictionary is in [`PackReader::dictionaries`].
#[derive(Debug, Default, Clone, Copy)]
struct Dictionary {
    start: usize,
    end: usize,
}

impl Dictionary {
    fn of<'d, 'a>(self, all: &'d [&'a str]) -> &'d [&'a str] {
        all.get(self.start..self.end).unwrap_or_default()
    }
}

#[derive(Default)]
enum Link<'a> {
    #[default]
    Absent,
    Spelled(Reader<'a>),
    #[allow(clippy::type_complexity)]
    Pattern(&'a str, &'a str, &'a [u8]),
}

/// Cells a product's row counts as in a step's budget (one per column).
const ROW_CELLS: usize = 12;

impl<'a> PackReader<'a> {
    /// Checks the magic bytes and version and reads the product count.
    #[inline(never)]
    pub fn new(bytes: &'a [u8]) -> Result<Self, PackError> {
        if !is_packed(bytes) {
            return Err(PackError::NotPacked);
        }
        let mut r = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let version = r.byte()?;
        if version != VERSION {
            return Err(PackError::Version(version));
        }
        let n = r.count(1)?;
        let id_prefixes = r.id_prefixes()?;
        let rows = Rows {
            ids: r.clone(),
            id_prefixes,
            ..Rows::default()
        };
        Ok(Self {
            r,
            n,
            column: Column::Ids,
            row: 0,
            rows,
            products: Vec::with_capacity(n),
            by_id: Some(IdIndex::with_capacity(n)),
            writer: ProductWriter::default(),
            id: String::new(),
            dictionaries: Vec::new(),
            path_levels: Vec::new(),
            levels: Vec::new(),
            title_words: Vec::new(),
        })
    }

    /// How many products the catalog has (some may turn out duplicates).
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Reads up to `budget` more cells (one field of one product each,
    /// skimmed or read; at least one); true once the whole catalog is read.
    pub fn step(&mut self, budget: usize) -> Result<bool, PackError> {
        let mut left = budget.max(1);
        loop {
            if self.column == Column::Done {
                return Ok(true);
            }
            if self.row == self.n {
                self.next_column()?;
                continue;
            }
            if left == 0 {
                return Ok(false);
            }
            if self.column == Column::Rows {
                let end = self
                    .n
                    .min(self.row.saturating_add(left.div_ceil(ROW_CELLS)));
                for i in self.row..end {
                    self.read_row(i)?;
                }
                left = left.saturating_sub((end - self.row) * ROW_CELLS);
                self.row = end;
            } else {
                let end = self.n.min(self.row.saturating_add(left));
                for _ in self.row..end {
                    self.skim_cell()?;
                }
                left -= end - self.row;
                self.row = end;
            }
        }
    }

    /// The catalog, reading whatever [`Self::step`] has not read yet.
    pub fn finish(mut self) -> Result<Catalog, PackError> {
        while !self.step(usize::MAX)? {}
        match self.by_id {
            Some(by_id) => Ok(Catalog {
                products: self.products,
                by_id,
            }),
            // Ids were unique when packed; a damaged file with repeats keeps the first.
            None => Ok(Catalog::from_products(self.products).0),
        }
    }

    /// Reads the header of the column after the current one (and where
    /// its rows start).
    fn next_column(&mut self) -> Result<(), PackError> {
        let r = &mut self.r;
        let rows = &mut self.rows;
        let n = self.n;
        self.column = match self.column {
            Column::Ids => {
                rows.paths = r.dictionary(&mut self.dictionaries)?;
                for path in rows.paths.of(&self.dictionaries) {
                    let from = self.levels.len() as u32;
                    self.levels.extend(path.split('\u{1f}'));
                    self.path_levels.push((from, self.levels.len() as u32));
                }
                rows.categories = r.clone();
                Column::Categories
            }
            Column::Categories => {
                rows.brand_names = r.dictionary(&mut self.dictionaries)?;
                rows.brands = r.clone();
                Column::Brands
            }
            Column::Brands => {
                rows.title_words = r.dictionary(&mut self.dictionaries)?;
                rows.titles = r.clone();
                Column::Titles
            }
            Column::Titles | Column::Links { image: false } => {
                let image = self.column != Column::Titles;
                rows.links[usize::from(image)] = match r.link_pattern(n)? {
                    Some((prefix, suffix, present)) => {
                        self.writer.set_pattern(usize::from(image), prefix, suffix);
                        Link::Pattern(prefix, suffix, present)
                    }
                    None => Link::Spelled(r.clone()),
                };
                Column::Links { image }
            }
            Column::Links { image: true } => {
                let mode = r.uint()?;
                rows.price_units = r.clone();
                match mode {
                    0 => Column::PriceUnits,
                    1 => Column::PriceBits,
                    _ => return Err(r.damaged()),
                }
            }
            Column::PriceUnits | Column::PriceBits => {
                if self.column == Column::PriceUnits {
                    rows.price_cents = Some(r.clone());
                    r.take(rows.priced)?;
                }
                rows.currency_codes = r.dictionary(&mut self.dictionaries)?;
                rows.currencies = r.clone();
                Column::Currencies
            }
            Column::Currencies => {
                rows.tag_names = r.dictionary(&mut self.dictionaries)?;
                rows.tags = r.clone();
                Column::Tags
            }
            Column::Tags => {
                rows.keyword_words = r.dictionary(&mut self.dictionaries)?;
                rows.keywords = r.clone();
                Column::Keywords
            }
            Column::Keywords => {
                rows.stock = r.take(n.div_ceil(8))?;
                match r.uint()?.checked_sub(1) {
                    Some(earliest) => {
                        rows.added = Some((r.clone(), earliest));
                        Column::Added
                    }
                    None => r.end()?,
                }
            }
            Column::Added => r.end()?,
            Column::Rows | Column::Done => Column::Done,
        };
        self.row = 0;
        Ok(())
    }

    /// Skims row `self.row` of the current column: only its length.
    fn skim_cell(&mut self) -> Result<(), PackError> {
        let r = &mut self.r;
        match self.column {
            Column::Ids => {
                if r.uint()? == 0 {
                    r.str()?;
                } else {
                    r.uint()?;
                }
            }
            Column::Categories | Column::Currencies | Column::Added => {
                r.uint()?;
            }
            Column::Brands => {
                if r.uint()? == 1 {
                    r.uint()?;
                }
            }
            Column::Titles => {
                let head = r.uint()?;
                for _ in 0..r.count_of(head / 2)? {
                    r.uint()?;
                }
            }
            Column::Links { image } => {
                if let Link::Spelled(_) = self.rows.links[usize::from(image)] {
                    r.str()?;
                }
            }
            Column::Rows | Column::Done => {}
            Column::PriceUnits => {
                if r.uint()? != 0 {
                    self.rows.priced += 1;
                }
            }
            Column::PriceBits => {
                r.take(8)?;
            }
            Column::Tags => {
                for _ in 0..r.count(1)? {
                    if r.uint()? == 0 {
                        r.uint()?;
                    }
                }
            }
            Column::Keywords => {
                for _ in 0..r.count(1)? {
                    r.uint()?;
                }
            }
        }
        Ok(())
    }

    /// Reads product `i` from every column's cursor into its one allocation.
    fn read_row(&mut self, i: usize) -> Result<(), PackError> {
        let rows = &mut self.rows;
        let w = &mut self.writer;
        let all = &self.dictionaries;
        let paths = &self.path_levels;
        let levels = &self.levels;
        let brand_names = rows.brand_names.of(all);
        let title_words = rows.title_words.of(all);
        let currency_codes = rows.currency_codes.of(all);
        let tag_names = rows.tag_names.of(all);
        let keyword_words = rows.keyword_words.of(all);
        w.clear();
        // Id.
        let r = &mut rows.ids;
        r.id(&rows.id_prefixes, &mut rows.previous_id, &mut self.id)?;
        w.field(Field::Id, Some(&self.id));
        // Category path: the levels joined by U+001F in the dictionary.
        let r = &mut rows.categories;
        let category = r.index(paths.len() + 1)?.checked_sub(1);
        w.list(List::Category);
        if let Some(&(from, to)) = category.and_then(|c| paths.get(c as usize)) {
            for level in levels.get(from as usize..to as usize).unwrap_or_default() {
                w.item(level);
            }
        }
        // Brand: new in its category, or one of the category's recent ones.
        let r = &mut rows.brands;
        let brand = match r.uint()? {
            0 => None,
            1 => {
                let b = r.index(brand_names.len())?;
                rows.recent_brands.add(category, b);
                Some(b)
            }
            k => Some(
                rows.recent_brands
                    .take(category, k as usize - 2)
                    .ok_or(r.damaged())?,
            ),
        };
        let brand_number = brand.map_or(0, |b| u64::from(b) + 1);
        let brand = match brand {
            Some(b) => Some(*brand_names.get(b as usize).ok_or(r.damaged())?),
            None => None,
        };
        w.field(Field::Brand, brand);
        // Title: the brand when it starts it, then words of the dictionary.
        let r = &mut rows.titles;
        let head = r.uint()?;
        let count = r.count_of(head / 2)?;
        let mark = w.mark();
        if head & 1 == 1 {
            w.buffer().push_str(brand.ok_or(r.damaged())?);
        }
        for k in 0..count {
            let word = title_words[r.index(title_words.len())? as usize];
            let buffer = w.buffer();
            if k > 0 || head & 1 == 1 {
                buffer.push(' ');
            }
            buffer.push_str(word);
        }
        w.end(Field::Title, mark);
        let title = mark..w.mark();
        // Url and image.
        for (link, field) in rows.links.iter_mut().zip([Field::Url, Field::Image]) {
            match link {
                Link::Absent => w.field(field, None),
                Link::Spelled(r) => w.field(field, Some(r.str()?).filter(|v| !v.is_empty())),
                Link::Pattern(prefix, suffix, present) => {
                    if present[i / 8] & (1 << (i % 8)) != 0 {
                        let mark = w.mark();
                        let buffer = w.buffer();
                        buffer.push_str(prefix);
                        buffer.push_str(&self.id);
                        buffer.push_str(suffix);
                        w.end(field, mark);
                    } else {
                        w.field(field, None);
                    }
                }
            }
        }
        // Price.
        let r = &mut rows.price_units;
        match &mut rows.price_cents {
            Some(cents) => {
                if let Some(u) = r.uint()?.checked_sub(1) {
                    let c = cents.byte()?;
                    if c >= 100 {
                        return Err(cents.damaged());
                    }
                    w.set_price(Some((u as f64 * 100.0 + f64::from(c)) / 100.0));
                }
            }
            None => {
                let mut b = [0u8; 8];
                b.copy_from_slice(r.take(8)?);
                let p = f64::from_le_bytes(b);
                w.set_price((p.is_finite() && p >= 0.0).then_some(p));
            }
        }
        // Currency.
        let r = &mut rows.currencies;
        let c = r.index(currency_codes.len() + 1)?.checked_sub(1);
        w.field(Field::Currency, c.map(|c| currency_codes[c as usize]));
        // Path, brand and currency by their numbers in the dictionaries
        // (20 bits each; a catalog with more leaves the writer to compare).
        let numbers = [
            category.map_or(0, |c| u64::from(c) + 1),
            brand_number,
            c.map_or(0, |c| u64::from(c) + 1),
        ];
        if numbers.iter().all(|&n| n < 1 << 20) {
            w.set_shared_key(numbers[0] << 40 | numbers[1] << 20 | numbers[2]);
        }
        // Tags: a word of the title, new in the category, or a recent one.
        let r = &mut rows.tags;
        let k = r.count(1)?;
        w.list(List::Tags);
        // The title's words (split at each space), found once a tag needs them.
        let words = &mut self.title_words;
        words.clear();
        for _ in 0..k {
            let code = r.uint()?;
            let mark = w.mark();
            if code % 2 == 1 {
                let title_text = w.buffer().get(title.clone()).unwrap_or_default();
                if words.is_empty() {
                    // As `split(' ')` splits, in one plain pass over the bytes.
                    let mut from = title.start;
                    for (i, byte) in title_text.bytes().enumerate() {
                        if byte == b' ' {
                            words.push((from, title.start + i));
                            from = title.start + i + 1;
                        }
                    }
                    words.push((from, title.end));
                }
                let &(from, to) = words.get(code as usize / 2).ok_or(r.damaged())?;
                let word = w.buffer().get(from..to).unwrap_or_default();
                let tag = &mut self.id;
                tag.clear();
                tag.push_str(word.trim_matches(|c: char| !c.is_ascii_alphanumeric()));
                tag.make_ascii_lowercase();
                w.buffer().push_str(tag);
            } else {
                let t = if code == 0 {
                    let t = r.index(tag_names.len())?;
                    rows.recent_tags.add(category, t);
                    t
                } else {
                    rows.recent_tags
                        .take(category, code as usize / 2 - 1)
                        .ok_or(r.damaged())?
                };
                w.buffer()
                    .push_str(tag_names.get(t as usize).ok_or(r.damaged())?);
            }
            w.end_item(mark);
        }
        // Description keywords.
        let r = &mut rows.keywords;
        let k = r.count(1)?;
        if k > 0 {
            let mark = w.mark();
            for j in 0..k {
                let word = keyword_words[r.index(keyword_words.len())? as usize];
                let buffer = w.buffer();
                if j > 0 {
                    buffer.push(' ');
                }
                buffer.push_str(word);
            }
            w.end(Field::Description, mark);
        } else {
            w.field(Field::Description, None);
        }
        // Stock and date added.
        w.set_in_stock(rows.stock[i / 8] & (1 << (i % 8)) != 0);
        if let Some((r, earliest)) = &mut rows.added {
            w.set_added(match r.uint()? {
                0 => None,
                after => Some(earliest.checked_add(after - 1).ok_or(r.damaged())?),
            });
        }
        self.products.push(w.product());
        if let Some(by_id) = &mut self.by_id {
            if !by_id.insert(&self.products, i as u32) {
                self.by_id = None;
            }
        }
        Ok(())
    }
}

/// `(prefix, number, digits)` of an id ending in 1 to 18 digits.
fn split_id(id: &str) -> Option<(&str, u64, usize)> {
    let digits = id
        .bytes()
        .rev()
        .take_while(u8::is_ascii_digit)
        .take(18)
        .count();
    if digits == 0 {
        return None;
    }
    let (prefix, number) = id.split_at(id.len() - digits);
    Some((prefix, number.parse().ok()?, digits))
}

/// A word of a title as a tag may repeat it: ASCII-lower-cased, outer
/// punctuation off.
fn title_word(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_ascii_lowercase()
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Per category, the values lately used in it, most recent first.
#[derive(Default)]
struct Recent(Vec<Vec<u32>>);

impl Recent {
    fn list(&mut self, context: Option<u32>) -> &mut Vec<u32> {
        let at = context.map_or(0, |c| c as usize + 1);
        while self.0.len() <= at {
            self.0.push(Vec::new());
        }
        &mut self.0[at]
    }

    /// Moves `value` to the front, returning where it was.
    fn find(&mut self, context: Option<u32>, value: u32) -> Option<usize> {
        let list = self.list(context);
        let at = list.iter().position(|&v| v == value);
        let at_or_end = at.unwrap_or(list.len());
        Self::to_front(list, at_or_end, value);
        at
    }

    /// The value at `position` (moved to the front).
    fn take(&mut self, context: Option<u32>, position: usize) -> Option<u32> {
        let list = self.list(context);
        let value = *list.get(position)?;
        Self::to_front(list, position, value);
        Some(value)
    }

    fn add(&mut self, context: Option<u32>, value: u32) {
        let list = self.list(context);
        let end = list.len();
        Self::to_front(list, end, value);
    }

    fn to_front(list: &mut Vec<u32>, at: usize, value: u32) {
        if at < list.len() {
            list.remove(at);
        }
        list.insert(0, value);
        list.truncate(RECENT);
    }
}

/// Distinct values, most frequent first (ties by first appearance), and
/// each value's index.
fn dictionary<'a>(
    values: impl Iterator<Item = &'a str>,
) -> (Vec<&'a str>, std::collections::HashMap<&'a str, u32>) {
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for v in values {
        let next = counts.len();
        counts.entry(v).or_insert((0, next)).0 += 1;
    }
    let mut order: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    order.sort_by_key(|&(_, (count, first))| (std::cmp::Reverse(count), first));
    let index = order
        .iter()
        .enumerate()
        .map(|(i, (v, _))| (*v, i as u32))
        .collect();
    (order.into_iter().map(|(v, _)| v).collect(), index)
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn strings<'a>(&mut self, values: impl ExactSizeIterator<Item = &'a str>) {
        self.uint(values.len() as u64);
        for v in values {
            self.str(v);
        }
    }

    fn bits(&mut self, values: impl Iterator<Item = bool>) {
        let mut byte = 0u8;
        let mut i = 0;
        for v in values {
            byte |= u8::from(v) << (i % 8);
            i += 1;
            if i % 8 == 0 {
                self.0.push(byte);
                byte = 0;
            }
        }
        if i % 8 != 0 {
            self.0.push(byte);
        }
    }

    /// A prefix dictionary (with the digit count), then per product 0 and
    /// the id spelled out, or the prefix's index + 1 and the zigzagged
    /// difference from the previous number.
    fn id_column(&mut self, products: &[Product]) {
        let keys: Vec<Option<String>> = products
            .iter()
            .map(|p| split_id(p.id()).map(|(prefix, _, digits)| format!("{digits}:{prefix}")))
            .collect();
        let (prefixes, index) = dictionary(keys.iter().flatten().map(String::as_str));
        self.strings(prefixes.iter().copied());
        let mut previous = 0i64;
        for (p, key) in products.iter().zip(&keys) {
            match (key, split_id(p.id())) {
                (Some(key), Some((_, number, _))) => {
                    self.uint(u64::from(index[key.as_str()]) + 1);
                    let number = number as i64;
                    self.uint(zigzag(number.wrapping_sub(previous)));
                    previous = number;
                }
                _ => {
                    self.uint(0);
                    self.str(p.id());
                }
            }
        }
    }

    /// A dictionary, then per product its index + 1 (0: none). Returns the indices.
    fn dictionary_column(&mut self, values: &[Option<String>]) -> Vec<Option<u32>> {
        let (dictionary, index) = dictionary(values.iter().flatten().map(String::as_str));
        self.strings(dictionary.iter().copied());
        values
            .iter()
            .map(|v| {
                let i = v.as_deref().map(|v| index[v]);
                self.uint(i.map_or(0, |i| u64::from(i) + 1));
                i
            })
            .collect()
    }

    /// A dictionary, then per product a count and indices.
    fn list_column(&mut self, values: &[Vec<String>]) {
        let (dictionary, index) = dictionary(values.iter().flatten().map(String::as_str));
        self.strings(dictionary.iter().copied());
        for v in values {
            self.uint(v.len() as u64);
            for s in v {
                self.uint(u64::from(index[s.as_str()]));
            }
        }
    }

    /// Per product 0 (none), 1 and a dictionary index (new in its
    /// category), or 2 + its place among the category's recent values.
    fn recent_column(&mut self, values: &[Option<String>], categories: &[Option<u32>]) {
        let (dictionary, index) = dictionary(values.iter().flatten().map(String::as_str));
        self.strings(dictionary.iter().copied());
        let mut recent = Recent::default();
        for (v, &category) in values.iter().zip(categories) {
            let Some(v) = v else {
                self.uint(0);
                continue;
            };
            let i = index[v.as_str()];
            match recent.find(category, i) {
                Some(at) => self.uint(at as u64 + 2),
                None => {
                    self.uint(1);
                    self.uint(u64::from(i));
                }
            }
        }
    }

    /// Per product: the word count × 2 + 1 when the title starts with the
    /// brand (left out), then word indices into a dictionary of title words.
    fn title_column(&mut self, products: &[Product]) {
        let words: Vec<(bool, Vec<&str>)> = products
            .iter()
            .map(|p| {
                let rest = p
                    .brand()
                    .filter(|b| !b.is_empty())
                    .and_then(|b| p.title().strip_prefix(b)?.strip_prefix(' '));
                match rest {
                    Some(rest) => (true, rest.split(' ').collect()),
                    None => (false, p.title().split(' ').collect()),
                }
            })
            .collect();
        let (dictionary, index) = dictionary(words.iter().flat_map(|(_, w)| w.iter().copied()));
        self.strings(dictionary.iter().copied());
        for (branded, w) in &words {
            self.uint(w.len() as u64 * 2 + u64::from(*branded));
            for word in w {
                self.uint(u64::from(index[word]));
            }
        }
    }

    /// Mode 0: one `prefix{id}suffix` pattern (absent values marked in a
    /// presence list); mode 1: every value spelled out ("" for absent).
    fn pattern_column<'p>(
        &mut self,
        products: &'p [Product],
        field: impl Fn(&'p Product) -> Option<std::borrow::Cow<'p, str>>,
    ) {
        let values: Vec<_> = products.iter().map(|p| (p.id(), field(p))).collect();
        let pattern = values.iter().find_map(|(id, value)| {
            let value = value.as_deref()?;
            let at = value.find(id)?;
            Some((&value[..at], &value[at + id.len()..]))
        });
        let fits = pattern.is_some_and(|(prefix, suffix)| {
            values.iter().all(|(id, v)| {
                v.as_deref().is_none_or(|v| {
                    v.len() == prefix.len() + id.len() + suffix.len()
                        && v.starts_with(prefix)
                        && v.ends_with(suffix)
                        && v[prefix.len()..v.len() - suffix.len()] == **id
                })
            })
        });
        match pattern {
            Some((prefix, suffix)) if fits => {
                self.uint(0);
                self.str(prefix);
                self.str(suffix);
                self.bits(values.iter().map(|(_, v)| v.is_some()));
            }
            _ => {
                self.uint(1);
                for (_, v) in &values {
                    self.str(v.as_deref().unwrap_or(""));
                }
            }
        }
    }

    /// Mode 0: whole units + 1 (0 = no price), then the cents of each
    /// price as one byte; mode 1: f64 bits (NaN = none).
    fn price_column(&mut self, products: &[Product]) {
        let cents = |p: f64| (p * 100.0).round();
        let whole = products
            .iter()
            .filter_map(Product::price)
            .all(|p| (cents(p) / 100.0 - p).abs() < 1e-9 && cents(p) < 1e15);
        if whole {
            self.uint(0);
            for p in products {
                self.uint(p.price().map_or(0, |p| cents(p) as u64 / 100 + 1));
            }
            for p in products.iter().filter_map(Product::price) {
                self.0.push((cents(p) as u64 % 100) as u8);
            }
        } else {
            self.uint(1);
            for p in products {
                self.0
                    .extend_from_slice(&p.price().unwrap_or(f64::NAN).to_le_bytes());
            }
        }
    }

    /// Per product a count, then per tag 0 and a dictionary index, 2 × the
    /// position + 1 of the title word it repeats, or 2 × (its place among
    /// the category's recent tags + 1).
    fn tag_column(&mut self, products: &[Product], categories: &[Option<u32>]) {
        let (dictionary, index) = dictionary(products.iter().flat_map(Product::tags));
        self.strings(dictionary.iter().copied());
        let mut recent = Recent::default();
        for (p, &category) in products.iter().zip(categories) {
            self.uint(p.tags().len() as u64);
            let words: Vec<String> = if p.tags().is_empty() {
                Vec::new()
            } else {
                p.title().split(' ').map(title_word).collect()
            };
            for tag in p.tags() {
                if let Some(at) = words.iter().position(|w| w == tag) {
                    self.uint(at as u64 * 2 + 1);
                    continue;
                }
                let i = index[tag];
                match recent.find(category, i) {
                    Some(at) => self.uint((at as u64 + 1) * 2),
                    None => {
                        self.uint(0);
                        self.uint(u64::from(i));
                    }
                }
            }
        }
    }
}

#[derive(Clone, Default)]
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn damaged(&self) -> PackError {
        PackError::Damaged(self.at)
    }

    fn byte(&mut self) -> Result<u8, PackError> {
        let b = *self.bytes.get(self.at).ok_or(PackError::Damaged(self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, PackError> {
        // Most numbers are one byte: read it without the loop.
        if let Some(&b) = self.bytes.get(self.at) {
            if b < 0x80 {
                self.at += 1;
                return Ok(u64::from(b));
            }
        }
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.damaged())
    }

    /// A count of items each at least `min_bytes` long, checked against
    /// what is left so a damaged count cannot ask for a huge allocation.
    fn count(&mut self, min_bytes: usize) -> Result<usize, PackError> {
        let n = self.uint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_bytes as u64) > left {
            return Err(self.damaged());
        }
        Ok(n as usize)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], PackError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(self.damaged())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn str(&mut self) -> Result<&'a str, PackError> {
        let len = self.count(1)?;
        let at = self.at;
        let raw = self.take(len)?;
        std::str::from_utf8(raw).map_err(|_| PackError::Damaged(at))
    }

    /// A column's dictionary, added to `all`.
    fn dictionary(&mut self, all: &mut Vec<&'a str>) -> Result<Dictionary, PackError> {
        let n = self.count(1)?;
        let start = all.len();
        all.reserve(n);
        for _ in 0..n {
            all.push(self.str()?);
        }
        Ok(Dictionary {
            start,
            end: all.len(),
        })
    }

    /// An index below `len`.
    fn index(&mut self, len: usize) -> Result<u32, PackError> {
        let i = self.uint()?;
        if i >= len as u64 {
            return Err(self.damaged());
        }
        Ok(i as u32)
    }

    /// The id column's header: its `digits:prefix` keys.
    fn id_prefixes(&mut self) -> Result<Vec<(usize, &'a str)>, PackError> {
        let n = self.count(1)?;
        let mut prefixes = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.str()?;
            let (digits, prefix) = key.split_once(':').ok_or(self.damaged())?;
            let digits: usize = digits.parse().map_err(|_| self.damaged())?;
            prefixes.push((digits.min(18), prefix));
        }
        Ok(prefixes)
    }

    /// One id, written into `out`: spelled out, or a prefix and a number
    /// after the previous one.
    fn id(
        &mut self,
        prefixes: &[(usize, &str)],
        previous: &mut i64,
        out: &mut String,
    ) -> Result<(), PackError> {
        out.clear();
        match self.uint()? {
            0 => out.push_str(self.str()?),
            k => {
                let (digits, prefix) = *prefixes.get(k as usize - 1).ok_or(self.damaged())?;
                let number = previous.wrapping_add(unzigzag(self.uint()?));
                *previous = number;
                // Written by hand: `format!` is several times slower here.
                let mut buffer = [b'0'; 20];
                let mut at = buffer.len();
                let mut rest = u64::try_from(number).map_err(|_| self.damaged())?;
                while rest > 0 || buffer.len() - at < digits {
                    at -= 1;
                    buffer[at] = b'0' + (rest % 10) as u8;
                    rest /= 10;
                }
                out.push_str(prefix);
                out.extend(buffer[at..].iter().map(|&b| char::from(b)));
            }
        }
        Ok(())
    }

    /// `n` items of at least a byte each, checked against what is left.
    fn count_of(&self, n: u64) -> Result<usize, PackError> {
        if n > (self.bytes.len() - self.at) as u64 {
            return Err(self.damaged());
        }
        Ok(n as usize)
    }

    /// A url or image column's header: mode 0 is a `prefix{id}suffix`
    /// pattern and presence bits, mode 1 spelled-out values (read per row).
    #[allow(clippy::type_complexity)]
    fn link_pattern(
        &mut self,
        n: usize,
    ) -> Result<Option<(&'a str, &'a str, &'a [u8])>, PackError> {
        match self.uint()? {
            0 => {
                let prefix = self.str()?;
                let suffix = self.str()?;
                let present = self.take(n.div_ceil(8))?;
                Ok(Some((prefix, suffix, present)))
            }
            1 => Ok(None),
            _ => Err(self.damaged()),
        }
    }

    /// The end of the file: nothing may follow; the rows are read next.
    fn end(&self) -> Result<Column, PackError> {
        if self.at != self.bytes.len() {
            return Err(self.damaged());
        }
        Ok(Column::Rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(i: usize) -> ProductFields {
        ProductFields {
            id: format!("sku-{i}"),
            title: format!("Brand {} Product {i} – ünïcode ✓, Linen", i % 6),
            url: (i % 5 != 0).then(|| format!("/p/sku-{i}.html")),
            image: Some(format!("/img/sku-{i}.svg")),
            price: (i % 7 != 0).then_some(i as f64 * 1.25),
            currency: Some(if i % 2 == 0 { "EUR" } else { "USD" }.into()),
            category: vec!["Home".into(), format!("Sub {}", i % 3)],
            brand: (i % 4 != 0).then(|| format!("Brand {}", i % 6)),
            tags: (0..i % 4)
                .map(|t| {
                    if t == 2 {
                        "linen".into()
                    } else {
                        format!("tag-{t}")
                    }
                })
                .collect(),
            description: (i % 2 == 1).then(|| format!("Description of {i}, linen and wool blend.")),
            in_stock: i % 9 != 0,
            added: (i % 4 != 1).then_some(1_700_000_000 + i as u64 * 3_600),
        }
    }

    fn catalog(products: Vec<ProductFields>) -> Catalog {
        Catalog::from_products(products.into_iter().map(Product::from).collect()).0
    }

    fn widget_view(catalog: &Catalog) -> Vec<Product> {
        catalog.products().iter().map(for_widget).collect()
    }

    #[test]
    fn round_trips_what_the_widget_uses() {
        let cases: Vec<Vec<ProductFields>> = vec![
            vec![],
            vec![product(1)],
            (0..200).map(product).collect(),
            // URLs that follow no pattern, prices that are not whole cents,
            // ids without digits, with leading zeros, huge and repeated numbers.
            (0..20)
                .map(|i| ProductFields {
                    id: match i % 5 {
                        0 => format!("x{i}y"),
                        1 => format!("00{i}"),
                        2 => format!("a-{}", u64::MAX - i as u64),
                        3 => format!("{}", 10_000_000 - i),
                        _ => format!("ß{i}"),
                    },
                    url: Some(format!("https://shop.example/{}/x", i * 3)),
                    price: Some(i as f64 / 3.0),
                    brand: Some(String::new()),
                    title: format!("  double  spaces {i} "),
                    ..product(i)
                })
                .collect(),
            // No dates at all.
            (0..10)
                .map(|i| ProductFields {
                    added: None,
                    ..product(i)
                })
                .collect(),
            // Prices with cents, large prices, no category.
            (0..30)
                .map(|i| ProductFields {
                    price: Some([0.0, 0.01, 0.99, 19.95, 1e12 + 0.5][i % 5]),
                    category: Vec::new(),
                    ..product(i)
                })
                .collect(),
        ];
        for products in cases {
            let original = catalog(products);
            let bytes = encode(&original);
            let back = decode(&bytes).unwrap();
            assert_eq!(back.products(), widget_view(&original));
        }
    }

    #[test]
    fn packed_products_share_their_parts_as_a_feed_s_do() {
        // Repeating paths, brands and currencies; links that follow the
        // pattern and links that do not (every fifth has none, every
        // seventh a link of its own).
        let fields: Vec<ProductFields> = (0..120)
            .map(|i| ProductFields {
                url: match i % 7 {
                    0 => Some(format!("https://elsewhere.example/{i}")),
                    _ => product(i).url,
                },
                currency: (i % 11 != 0).then(|| ["EUR", "USD"][i % 2].into()),
                ..product(i)
            })
            .collect();
        let feed = catalog(fields);
        let packed = decode(&encode(&feed)).unwrap();
        // The feed as the widget reads it: one writer, parts shared by content.
        let text = serde_json::to_string(&widget_view(&feed)).unwrap();
        let read = crate::core::catalog::parse(&text).unwrap().catalog;
        let (a, b) = (read.products(), packed.products());
        assert_eq!(b, a);
        let mut shared = 0;
        for i in 0..a.len() {
            for j in 0..i {
                let same = a[i].shares_parts_with(&a[j]);
                assert_eq!(b[i].shares_parts_with(&b[j]), same, "{i} {j}");
                shared += usize::from(same);
            }
        }
        assert!(shared > 300, "{shared} pairs share");
    }

    #[test]
    fn description_keeps_only_keywords_the_title_lacks() {
        let cases = [
            // (title, description, kept)
            (
                "Linen Shirt",
                Some("A linen shirt, soft and breathable."),
                Some("soft breathable"),
            ),
            ("Linen Shirt", Some("Linen shirt."), None),
            ("Mug", None, None),
            ("Mug", Some("The the the"), Some("the")),
            ("Mug", Some(""), None),
        ];
        for (title, description, kept) in cases {
            let p = ProductFields {
                id: "1".into(),
                title: title.into(),
                description: description.map(String::from),
                ..ProductFields::default()
            };
            let got = for_widget(&p.into()).description().map(String::from);
            assert_eq!(
                got.as_deref().map(text::tokens),
                kept.map(text::tokens),
                "{title} / {description:?}"
            );
        }
        // At most DESCRIPTION_TOKENS keywords.
        let long = (0..200)
            .map(|i| format!("word{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let p = ProductFields {
            description: Some(long),
            ..product(0)
        };
        assert_eq!(
            text::tokens(for_widget(&p.into()).description().unwrap()).len(),
            DESCRIPTION_TOKENS
        );
    }

    #[test]
    fn packed_catalog_ranks_like_the_feed() {
        use crate::core::events::{Event, EventKind};
        use crate::core::rank::{Context, Engine, Request};
        let words = [
            "linen", "wool", "cotton", "oak", "steel", "glass", "soft", "warm", "light", "heavy",
        ];
        let products: Vec<ProductFields> = (0..400)
            .map(|i| ProductFields {
                title: format!(
                    "{} {} thing {}",
                    words[i % 10],
                    words[(i / 10) % 10],
                    i % 13
                ),
                // Long descriptions: more words than the index reads.
                description: Some(
                    (0..60)
                        .map(|k| {
                            words[(i * 7 + k * 3) % 10].to_string() + &format!(" x{}", (i + k) % 17)
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                ..product(i)
            })
            .collect();
        let original = catalog(products);
        let packed = decode(&encode(&original)).unwrap();
        let (a, b) = (Engine::new(original.clone()), Engine::new(packed));
        for seed in (0..400).step_by(37) {
            let history = [Event::new(
                original.products()[seed].id().to_string(),
                EventKind::View,
                1000,
            )];
            let on_screen = original.products()[seed].id().to_string();
            for context in [
                Context::ForYou,
                Context::Similar {
                    product: &on_screen,
                },
            ] {
                let request = Request::new(&history, context, 10);
                let ids = |e: &Engine| -> Vec<String> {
                    e.recommend(&request)
                        .iter()
                        .map(|p| e.catalog().products()[p.product].id().to_string())
                        .collect()
                };
                assert_eq!(ids(&a), ids(&b), "seed {seed}");
            }
        }
    }

    /// Reads `bytes` with a [`PackReader`] in steps of `budget` cells.
    fn read_in_steps(bytes: &[u8], budget: usize) -> Result<(Vec<Product>, usize), PackError> {
        let mut reader = PackReader::new(bytes)?;
        let mut steps = 1;
        while !reader.step(budget)? {
            steps += 1;
        }
        Ok((reader.finish()?.products().to_vec(), steps))
    }

    #[test]
    fn reading_in_steps_gives_what_decode_gives() {
        let odd: Vec<ProductFields> = (0..30)
            .map(|i| ProductFields {
                id: if i % 3 == 0 {
                    format!("x{i}y")
                } else {
                    format!("{i}")
                },
                url: Some(format!("https://shop.example/{}/x", i * 3)),
                price: Some(i as f64 / 3.0),
                ..product(i)
            })
            .collect();
        let catalogs = [
            encode(&catalog(vec![])),
            encode(&catalog(vec![product(1)])),
            encode(&catalog((0..300).map(product).collect())),
            encode(&catalog(odd)),
            encode(&catalog(
                (0..40)
                    .map(|i| ProductFields {
                        added: None,
                        ..product(i)
                    })
                    .collect(),
            )),
        ];
        let mut cases: Vec<Vec<u8>> = catalogs.to_vec();
        // Truncated and damaged copies: the same error at the same byte.
        let whole = &catalogs[2];
        for cut in (0..whole.len()).step_by(37) {
            cases.push(whole[..cut].to_vec());
        }
        for i in (5..whole.len()).step_by(23) {
            let mut flipped = whole.clone();
            flipped[i] ^= 0x55;
            cases.push(flipped);
        }
        let mut trailing = whole.clone();
        trailing.push(0);
        cases.push(trailing);
        for bytes in &cases {
            let at_once = decode(bytes).map(|c| c.products().to_vec());
            for budget in [1, 3, 64, 1000, usize::MAX] {
                let stepped = read_in_steps(bytes, budget).map(|(products, _)| products);
                assert_eq!(stepped, at_once, "budget {budget}, {} bytes", bytes.len());
            }
        }
        // 300 products × 12 row-by-row columns in steps of 64 cells.
        let (products, steps) = read_in_steps(&catalogs[2], 64).unwrap();
        assert_eq!(products.len(), 300);
        assert!(steps >= 300 * 12 / 64, "{steps} steps");
    }

    #[test]
    fn damaged_bytes_are_errors_never_panics() {
        let bytes = encode(&catalog((0..50).map(product).collect()));
        assert_eq!(
            decode(b"{\"products\":[]}").unwrap_err(),
            PackError::NotPacked
        );
        assert_eq!(decode(b"TLRP\x09").unwrap_err(), PackError::Version(9));
        assert_eq!(decode(b"TLRP\x01").unwrap_err(), PackError::Version(1));
        assert_eq!(decode(b"TLRP\x02").unwrap_err(), PackError::Version(2));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 5..bytes.len() {
            for flip in [0xff, 0x01, 0x80] {
                let mut flipped = bytes.clone();
                flipped[i] ^= flip;
                let _ = decode(&flipped);
            }
        }
        let mut huge = b"TLRP\x03".to_vec();
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert!(matches!(decode(&huge), Err(PackError::Damaged(_))));
    }
}
