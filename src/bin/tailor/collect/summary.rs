//! What the dashboard shows, computed from the stored rows: satisfaction
//! scores over time, score distributions, comment topics with examples and
//! per-slot measurement. Randomized reports are turned into unbiased
//! estimates (`core::dp`). Any breakdown resting on fewer than `k` answers
//! or reports is suppressed: its figures are `null` and `suppressed` is true,
//! so no small group (one day, one topic) can single out a shopper.

use std::collections::BTreeMap;

use serde::Serialize;
use tailor::core::survey::SurveyKind;
use tailor::core::topics::Topic;
use tailor::core::{dp, revenue};

use super::db::{AnswerRow, ReportRow};
use super::wire::kind_name;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub k: u64,
    pub answers: u64,
    pub reports: u64,
    pub surveys: Vec<KindSummary>,
    pub topics: Vec<TopicSummary>,
    pub slots: Vec<SlotSummary>,
    /// Answers per device-day that saw the survey (estimated), when known.
    pub response_rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct KindSummary {
    pub kind: &'static str,
    /// What `value` means.
    pub metric: &'static str,
    pub answers: u64,
    pub randomized: u64,
    pub suppressed: bool,
    pub value: Option<f64>,
    /// (score, estimated count), lowest score first.
    pub distribution: Option<Vec<(u8, f64)>>,
    pub days: Vec<DaySummary>,
}

#[derive(Debug, Serialize)]
pub struct DaySummary {
    pub day: String,
    pub answers: Option<u64>,
    pub value: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Serialize)]
pub struct TopicSummary {
    pub topic: &'static str,
    pub count: Option<u64>,
    pub suppressed: bool,
    pub examples: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SlotSummary {
    pub slot: String,
    pub reports: Option<u64>,
    pub suppressed: bool,
    /// Estimated share of device-days on which the slot showed products.
    pub shown: Option<f64>,
    /// Estimated share of device-days with a click on the slot.
    pub clicked: Option<f64>,
    /// Estimated share of device-days with a purchase of a product it showed.
    pub bought: Option<f64>,
    /// Estimated clicks per showing device-day.
    pub click_through: Option<f64>,
    /// Device-days whose report carried a revenue value (`None` below k).
    pub revenue_reports: Option<u64>,
    /// Estimated device-days with a priced purchase.
    pub buying: Option<f64>,
    /// Estimated average share of a buying device-day's revenue spent on
    /// products clicked in this slot (`core::revenue`).
    pub revenue_share: Option<f64>,
}

fn metric_name(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::Csat => "CSAT: % of answers 4 or 5",
        SurveyKind::Nps => "NPS: % promoters (9–10) − % detractors (0–6)",
        SurveyKind::Ces => "CES: mean effort score (1–7, higher is easier)",
    }
}

/// Estimated count per score: exact counts of plain answers plus unbiased
/// estimates from randomized ones, clamped at zero for display.
pub fn distribution(kind: SurveyKind, rows: &[&AnswerRow]) -> Vec<(u8, f64)> {
    let (low, high) = kind.range();
    let k = usize::from(high - low) + 1;
    let mut plain = vec![0u64; k];
    let mut randomized = vec![0u64; k];
    for row in rows {
        let index = usize::from(row.score.clamp(low, high) - low);
        if row.randomized {
            randomized[index] += 1;
        } else {
            plain[index] += 1;
        }
    }
    let estimated = dp::estimate(&randomized, dp::EPSILON);
    (low..=high)
        .zip(plain.iter().zip(estimated))
        .map(|(score, (&p, e))| (score, (p as f64 + e).max(0.0)))
        .collect()
}

/// The headline figure of a distribution; `None` when it is empty.
pub fn metric(kind: SurveyKind, distribution: &[(u8, f64)]) -> Option<f64> {
    let total: f64 = distribution.iter().map(|(_, c)| c).sum();
    if total <= 0.0 {
        return None;
    }
    let share = |pred: &dyn Fn(u8) -> bool| {
        distribution
            .iter()
            .filter(|(s, _)| pred(*s))
            .map(|(_, c)| c)
            .sum::<f64>()
            / total
    };
    Some(match kind {
        SurveyKind::Csat => 100.0 * share(&|s| s >= 4),
        SurveyKind::Nps => 100.0 * (share(&|s| s >= 9) - share(&|s| s <= 6)),
        SurveyKind::Ces => {
            distribution
                .iter()
                .map(|(s, c)| f64::from(*s) * c)
                .sum::<f64>()
                / total
        }
    })
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Estimated share of reports with the bit set (randomized response, ε = ln 3).
fn bit_share(bits: impl Iterator<Item = bool>) -> Option<f64> {
    let (mut yes, mut n) = (0u64, 0u64);
    for bit in bits {
        n += 1;
        yes += u64::from(bit);
    }
    if n == 0 {
        return None;
    }
    let est = dp::estimate(&[n - yes, yes], dp::EPSILON);
    Some((est[1] / n as f64).clamp(0.0, 1.0))
}

pub fn summarize(
    answers: &[AnswerRow],
    reports: &[ReportRow],
    report_count: u64,
    k: u64,
) -> Summary {
    let mut surveys = Vec::new();
    for kind in [SurveyKind::Csat, SurveyKind::Nps, SurveyKind::Ces] {
        let rows: Vec<&AnswerRow> = answers.iter().filter(|a| a.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        let n = rows.len() as u64;
        let suppressed = n < k;
        let dist = distribution(kind, &rows);
        let mut by_day: BTreeMap<&str, Vec<&AnswerRow>> = BTreeMap::new();
        for row in &rows {
            by_day.entry(row.day.as_str()).or_default().push(row);
        }
        let days = by_day
            .into_iter()
            .map(|(day, rows)| {
                let n = rows.len() as u64;
                let suppressed = n < k;
                DaySummary {
                    day: day.to_string(),
                    answers: (!suppressed).then_some(n),
                    value: if suppressed {
                        None
                    } else {
                        metric(kind, &distribution(kind, &rows)).map(round)
                    },
                    suppressed,
                }
            })
            .collect();
        surveys.push(KindSummary {
            kind: kind_name(kind),
            metric: metric_name(kind),
            answers: n,
            randomized: rows.iter().filter(|r| r.randomized).count() as u64,
            suppressed,
            value: if suppressed {
                None
            } else {
                metric(kind, &dist).map(round)
            },
            distribution: (!suppressed)
                .then(|| dist.into_iter().map(|(s, c)| (s, round(c))).collect()),
            days,
        });
    }

    let topics = Topic::ALL
        .into_iter()
        .filter_map(|topic| {
            let rows: Vec<&AnswerRow> = answers.iter().filter(|a| a.topic == Some(topic)).collect();
            if rows.is_empty() {
                return None;
            }
            let n = rows.len() as u64;
            let suppressed = n < k;
            let examples = if suppressed {
                Vec::new()
            } else {
                rows.iter()
                    .rev()
                    .filter_map(|r| r.comment.clone())
                    .take(3)
                    .collect()
            };
            Some(TopicSummary {
                topic: topic.name(),
                count: (!suppressed).then_some(n),
                suppressed,
                examples,
            })
        })
        .collect();

    let mut by_slot: BTreeMap<&str, Vec<&ReportRow>> = BTreeMap::new();
    for row in reports {
        by_slot.entry(row.slot.as_str()).or_default().push(row);
    }
    let mut survey_shown = None;
    let slots = by_slot
        .into_iter()
        .map(|(slot, rows)| {
            let n = rows.len() as u64;
            let suppressed = n < k;
            let figure = |f: fn(&ReportRow) -> bool| {
                if suppressed {
                    None
                } else {
                    bit_share(rows.iter().map(|r| f(r)))
                }
            };
            let shown = figure(|r| r.bits.shown);
            let clicked = figure(|r| r.bits.clicked);
            if slot == "survey" {
                survey_shown = shown.map(|s| s * n as f64);
            }
            let levels: Vec<u8> = rows.iter().filter_map(|r| r.bits.revenue).collect();
            let revenue_suppressed = suppressed || (levels.len() as u64) < k;
            let estimate = (!revenue_suppressed).then(|| {
                let mut counts = [0u64; revenue::VALUES];
                for level in levels.iter().map(|&l| usize::from(l)) {
                    if let Some(count) = counts.get_mut(level) {
                        *count += 1;
                    }
                }
                revenue::estimate(&counts)
            });
            SlotSummary {
                revenue_reports: (!revenue_suppressed).then_some(levels.len() as u64),
                buying: estimate.map(|e| round(e.buying.max(0.0))),
                revenue_share: estimate.and_then(|e| e.share()),
                slot: slot.to_string(),
                reports: (!suppressed).then_some(n),
                suppressed,
                shown,
                clicked,
                bought: figure(|r| r.bits.bought),
                click_through: match (shown, clicked) {
                    (Some(s), Some(c)) if s > 0.0 => Some((c / s).min(1.0)),
                    _ => None,
                },
            }
        })
        .collect();

    let response_rate = survey_shown
        .filter(|&shown| shown >= 1.0)
        .map(|shown| (answers.len() as f64 / shown).min(1.0));

    Summary {
        k,
        answers: answers.len() as u64,
        reports: report_count,
        surveys,
        topics,
        slots,
        response_rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: SurveyKind, score: u8, day: &str, topic: Option<Topic>) -> AnswerRow {
        AnswerRow {
            day: day.into(),
            survey: "s".into(),
            kind,
            score,
            randomized: false,
            topic,
            comment: topic.map(|t| format!("about {}", t.name())),
            locale: "en".into(),
            context: None,
        }
    }

    #[test]
    fn metrics_from_distributions() {
        use SurveyKind::*;
        let cases: [(SurveyKind, &[u8], f64); 5] = [
            (Csat, &[5, 4, 3, 1], 50.0),
            (Csat, &[5, 5], 100.0),
            (Nps, &[10, 9, 8, 0], 25.0),
            (Nps, &[0, 6, 7], -66.7),
            (Ces, &[7, 5, 3], 5.0),
        ];
        for (kind, scores, expected) in cases {
            let rows: Vec<AnswerRow> = scores.iter().map(|&s| row(kind, s, "d", None)).collect();
            let refs: Vec<&AnswerRow> = rows.iter().collect();
            let value = metric(kind, &distribution(kind, &refs)).map(round);
            assert_eq!(value, Some(expected), "{kind:?} {scores:?}");
        }
        assert_eq!(metric(Csat, &[]), None);
    }

    #[test]
    fn small_groups_are_suppressed() {
        let mut rows: Vec<AnswerRow> = (0..12)
            .map(|i| {
                row(
                    SurveyKind::Csat,
                    5,
                    "2026-11-02",
                    (i < 10).then_some(Topic::Price),
                )
            })
            .collect();
        rows.extend((0..3).map(|_| row(SurveyKind::Csat, 1, "2026-11-03", Some(Topic::Delivery))));
        rows.push(row(SurveyKind::Nps, 9, "2026-11-03", None));
        let s = summarize(&rows, &[], 0, 10);
        let csat = &s.surveys[0];
        assert_eq!((csat.answers, csat.suppressed), (15, false));
        assert_eq!(csat.value, Some(80.0));
        assert_eq!(csat.days.len(), 2);
        assert_eq!(csat.days[0].answers, Some(12));
        assert!(
            csat.days[1].suppressed
                && csat.days[1].value.is_none()
                && csat.days[1].answers.is_none()
        );
        let nps = &s.surveys[1];
        assert!(nps.suppressed && nps.value.is_none() && nps.distribution.is_none());
        let price = s.topics.iter().find(|t| t.topic == "price").unwrap();
        assert_eq!((price.count, price.examples.len()), (Some(10), 3));
        let delivery = s.topics.iter().find(|t| t.topic == "delivery").unwrap();
        assert!(delivery.suppressed && delivery.examples.is_empty() && delivery.count.is_none());
    }

    fn report(slot: &str, revenue: Option<u8>) -> ReportRow {
        ReportRow {
            slot: slot.into(),
            bits: crate::collect::wire::SlotBits {
                shown: true,
                clicked: true,
                bought: revenue.is_some_and(|r| r > 1),
                revenue,
            },
        }
    }

    #[test]
    fn slot_breakdowns_are_suppressed_below_k_and_revenue_is_estimated() {
        let mut rows = Vec::new();
        // 42 reports spread evenly over the six revenue values.
        rows.extend((0..42u8).map(|i| report("recommendations", Some(i % 6))));
        // Enough reports, but most from widgets without revenue values.
        rows.extend((0..12).map(|i| report("similar", (i < 4).then_some(3))));
        rows.extend((0..3).map(|_| report("thank-you", Some(5))));
        let s = summarize(&[], &rows, 55, 10);
        let slot = |name: &str| s.slots.iter().find(|x| x.slot == name).unwrap();
        // (slot, reports shown, click figures shown, revenue reports shown)
        let cases = [
            ("recommendations", Some(42), true, Some(42)),
            ("similar", Some(12), true, None),
            ("thank-you", None, false, None),
        ];
        for (name, reports, figures, revenue_reports) in cases {
            let x = slot(name);
            assert_eq!(x.reports, reports, "{name}");
            assert_eq!(x.clicked.is_some(), figures, "{name}");
            assert_eq!(x.revenue_reports, revenue_reports, "{name}");
            assert_eq!(
                x.revenue_share.is_some(),
                revenue_reports.is_some(),
                "{name}"
            );
            assert_eq!(x.buying.is_some(), revenue_reports.is_some(), "{name}");
        }
        // Uniform reports are what pure noise looks like: the estimate is
        // then n/6 per value, so the share is the middle level, ½.
        let share = slot("recommendations").revenue_share.unwrap();
        assert!((share - 0.5).abs() < 0.05, "{share}");
    }

    #[test]
    fn randomized_scores_are_estimated_back_to_the_true_metric() {
        // Reproducible draws for the devices' randomized responses.
        let mut rng = tailor::core::splitmix::SplitMix64::new(99);
        let mut uniform = move || rng.unit();
        // (kind, true scores repeated evenly, the true metric)
        let cases: [(SurveyKind, &[u8], f64); 3] = [
            (SurveyKind::Csat, &[5, 5, 4, 3, 1], 60.0),
            (SurveyKind::Nps, &[10, 9, 9, 8, 7, 3, 0, 10], 25.0),
            (SurveyKind::Ces, &[7, 6, 6, 2], 5.25),
        ];
        for (kind, scores, truth) in cases {
            let (low, high) = kind.range();
            let k = usize::from(high - low) + 1;
            let rows: Vec<AnswerRow> = (0..40_000)
                .map(|i| {
                    let score = scores[i % scores.len()];
                    let noisy = dp::randomize(usize::from(score - low), k, dp::EPSILON, uniform());
                    AnswerRow {
                        randomized: true,
                        ..row(kind, low + noisy as u8, "d", None)
                    }
                })
                .collect();
            let s = summarize(&rows, &[], 0, 10);
            let value = s.surveys[0].value.unwrap();
            let raw = metric(
                kind,
                &rows
                    .iter()
                    .fold(vec![0.0; k], |mut counts, r| {
                        counts[usize::from(r.score - low)] += 1.0;
                        counts
                    })
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (low + i as u8, c))
                    .collect::<Vec<_>>(),
            )
            .unwrap();
            let tolerance = if kind == SurveyKind::Ces { 0.15 } else { 3.0 };
            assert!(
                (value - truth).abs() < tolerance,
                "{kind:?}: estimated {value}, true {truth}, raw randomized {raw:.1}"
            );
            assert!(
                (raw - truth).abs() > tolerance,
                "{kind:?}: the raw figure is biased, the estimate is not"
            );
        }
    }
}
