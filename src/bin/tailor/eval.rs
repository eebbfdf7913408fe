//! `tailor eval`: the next-basket split of a histories file (the last basket
//! of every shopper with two or more is held out; its new products are the
//! targets), then HR, Recall and NDCG at K for Tailor with and without a
//! model trained on the rest, and for popularity and item-kNN, in one run.
//! `--validation` first sets every shopper's last basket aside and holds out
//! the one before it: a split for tuning that never looks at the test
//! baskets.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tailor::core::eval::{
    next_basket_split, popularity_ranking, top_unseen, ItemKnn, Metrics, TestCase,
};
use tailor::core::model::{Model, TrainOptions};
use tailor::core::rank::{Engine, Weights};

use crate::recommend::{fail, load_catalog, load_histories, parallel_map, recommend_ids};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    catalog: PathBuf,
    /// Full histories (nothing held out): the split is made here.
    #[arg(long)]
    histories: PathBuf,
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Tune on this: leave out every shopper's last basket altogether and
    /// hold out the one before it (the test baskets stay unseen).
    #[arg(long)]
    validation: bool,
    /// Only the with-model row (for tuning: skips the other rankers).
    #[arg(long)]
    only_model: bool,
    /// A variant to rank with a model beside the defaults, as
    /// `name=value,…` over training options and weights (see
    /// [`set_option`]); repeat for several. Variants that train alike share
    /// one model.
    #[arg(long = "variant", value_name = "NAME=VALUE,…")]
    variants: Vec<String>,
}

/// Why a `--variant` could not be read.
#[derive(Debug, thiserror::Error)]
enum VariantError {
    #[error("variant part {0:?} is not name=value")]
    NotAPair(String),
    #[error("variant option {0:?} is not known")]
    UnknownName(String),
    #[error("variant value {value:?} for {name} is not a number or a known word")]
    BadValue { name: String, value: String },
}

/// One tuning variant: training options and ranking weights.
#[derive(Debug, Clone)]
struct Variant {
    label: String,
    train: TrainOptions,
    weights: Weights,
}

fn parse_variant(text: &str) -> Result<Variant, VariantError> {
    let mut variant = Variant {
        label: text.to_string(),
        train: TrainOptions::default(),
        weights: Weights::default(),
    };
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| VariantError::NotAPair(part.to_string()))?;
        set_option(&mut variant, name.trim(), value.trim())?;
    }
    Ok(variant)
}

/// The options a variant can set, by the field's name.
fn set_option(variant: &mut Variant, name: &str, value: &str) -> Result<(), VariantError> {
    let bad = || VariantError::BadValue {
        name: name.to_string(),
        value: value.to_string(),
    };
    let number = || value.parse::<f32>().map_err(|_| bad());
    let t = &mut variant.train;
    let w = &mut variant.weights;
    match name {
        "neighbours" => t.max_neighbours = number()? as usize,
        "min_shared" => t.min_shared_shoppers = number()? as u32,
        "asymmetry" => t.asymmetry = number()?,
        "popularity_half_life_days" => t.popularity_half_life_days = number()?,
        "popularity_adoption" => t.popularity_adoption = number()?,
        "copurchase_seeds" => w.copurchase_seeds = number()? as usize,
        "copurchase" => w.copurchase = number()?,
        "popularity" => w.popularity = number()?,
        "popularity_lift" => w.popularity_lift = number()?,
        "category" => w.category = number()?,
        "affinity_with_model" => w.affinity_with_model = number()?,
        "diversity" => w.diversity = number()?,
        _ => return Err(VariantError::UnknownName(name.to_string())),
    }
    Ok(())
}

pub fn run(args: Args) -> ExitCode {
    let catalog = match load_catalog(&args.catalog) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let histories = match load_histories(&args.histories, "eval") {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    let histories = if args.validation {
        next_basket_split(&histories).0
    } else {
        histories
    };
    let (train, tests) = next_basket_split(&histories);
    if tests.is_empty() {
        return fail(
            "no shopper has two baskets with a new product in the last: nothing to evaluate",
        );
    }
    let k = args.k.max(1);
    if args.validation {
        println!("validation split: last baskets left out, the baskets before them held out");
    }
    println!(
        "{} shoppers, {} test shoppers, {} targets; k = {k}",
        histories.len(),
        tests.len(),
        tests.iter().map(|t| t.targets.len()).sum::<usize>()
    );
    println!(
        "{:<24} {:>8} {:>10} {:>9} {:>8}",
        "ranker", "HR@k", "Recall@k", "NDCG@k", "secs"
    );

    let mut variants = Vec::new();
    for text in &args.variants {
        match parse_variant(text) {
            Ok(v) => variants.push(v),
            Err(e) => return fail(&e.to_string()),
        }
    }
    let plain = Engine::new(catalog.clone());
    if !args.only_model {
        rank_row("tailor (no model)", &plain, &tests, k, 0.0);
    }
    let started = Instant::now();
    let model = Model::train(
        train.iter().map(|h| h.events.as_slice()),
        &TrainOptions::default(),
    );
    let train_secs = started.elapsed().as_secs_f64();
    let modelled = plain.clone().with_model(model);
    rank_row("tailor (model)", &modelled, &tests, k, train_secs);
    let mut trained: Vec<(TrainOptions, Engine)> = Vec::new();
    for variant in &variants {
        let started = Instant::now();
        let engine = match trained.iter().find(|(o, _)| *o == variant.train) {
            Some((_, e)) => e.clone(),
            None if variant.train == TrainOptions::default() => modelled.clone(),
            None => {
                let model = Model::train(train.iter().map(|h| h.events.as_slice()), &variant.train);
                let e = plain.clone().with_model(model);
                trained.push((variant.train.clone(), e.clone()));
                e
            }
        };
        let secs = started.elapsed().as_secs_f64();
        let engine = engine.with_weights(variant.weights.clone());
        rank_row(&variant.label, &engine, &tests, k, secs);
    }
    if args.only_model {
        return ExitCode::SUCCESS;
    }

    let started = Instant::now();
    let ranking = popularity_ranking(&train);
    let m = evaluate(&tests, k, |t| {
        top_unseen(&ranking, &t.history, k)
            .into_iter()
            .map(str::to_string)
            .collect()
    });
    print_row("popularity", &m, started.elapsed().as_secs_f64());

    let started = Instant::now();
    let knn = ItemKnn::train(&train);
    let m = evaluate(&tests, k, |t| {
        knn.recommend(&t.history, k)
            .into_iter()
            .map(str::to_string)
            .collect()
    });
    print_row("item-kNN (cosine)", &m, started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

fn rank_row(name: &str, engine: &Engine, tests: &[TestCase], k: usize, extra_secs: f64) {
    let started = Instant::now();
    let m = evaluate(tests, k, |t| {
        let shopper = tailor::core::eval::ShopperHistory {
            user: t.user.clone(),
            events: t.history.clone(),
        };
        recommend_ids(engine, &shopper, k, true)
    });
    print_row(name, &m, started.elapsed().as_secs_f64() + extra_secs);
}

fn evaluate(
    tests: &[TestCase],
    k: usize,
    rank: impl Fn(&TestCase) -> Vec<String> + Sync,
) -> Metrics {
    let lists = parallel_map(tests, |t| rank(t));
    let mut m = Metrics::default();
    for (t, list) in tests.iter().zip(&lists) {
        let ranked: Vec<&str> = list.iter().map(String::as_str).collect();
        m.add(&ranked, &t.targets, k);
    }
    m
}

fn print_row(name: &str, m: &Metrics, secs: f64) {
    println!(
        "{name:<24} {:>8.4} {:>10.4} {:>9.4} {secs:>8.1}",
        m.hit_rate(),
        m.recall(),
        m.ndcg()
    );
}
