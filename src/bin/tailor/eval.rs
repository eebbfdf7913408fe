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
use tailor::core::rank::Engine;

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

    let started = Instant::now();
    let model = Model::train(
        train.iter().map(|h| h.events.as_slice()),
        &TrainOptions::default(),
    );
    let train_secs = started.elapsed().as_secs_f64();
    let plain = Engine::new(catalog.clone());
    let modelled = Engine::new(catalog).with_model(model);
    let rows: [(&str, &Engine); 2] = [("tailor (no model)", &plain), ("tailor (model)", &modelled)];
    for (name, engine) in rows {
        let started = Instant::now();
        let m = evaluate(&tests, k, |t| {
            let shopper = tailor::core::eval::ShopperHistory {
                user: t.user.clone(),
                events: t.history.clone(),
            };
            recommend_ids(engine, &shopper, k, true)
        });
        let extra = if engine.has_model() { train_secs } else { 0.0 };
        print_row(name, &m, started.elapsed().as_secs_f64() + extra);
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
