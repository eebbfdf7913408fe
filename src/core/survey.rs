//! The one-tap satisfaction survey: its kinds and scales, and the answer it
//! produces. The answer carries only what the shopper gave and coarse context
//! the owner allows; never browsing history or product ids.

use serde::{Deserialize, Serialize};

/// Which standard question the owner asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    /// Customer satisfaction, 1–5.
    Csat,
    /// Net promoter score, 0–10.
    Nps,
    /// Customer effort score, 1–7.
    Ces,
}

impl SurveyKind {
    /// The lowest and highest score of the scale.
    pub fn range(self) -> (u8, u8) {
        match self {
            Self::Csat => (1, 5),
            Self::Nps => (0, 10),
            Self::Ces => (1, 7),
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csat" => Some(Self::Csat),
            "nps" => Some(Self::Nps),
            "ces" => Some(Self::Ces),
            _ => None,
        }
    }
}

/// One survey answer: what `tailor:survey-answer` carries and, when the
/// owner configured an endpoint, all that is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The owner's survey id.
    pub survey: String,
    pub kind: SurveyKind,
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The shopper's language, e.g. `he`.
    pub locale: String,
    /// Coarse context the owner allows, e.g. `after-purchase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// What sets the survey off, chosen by the owner with `survey-trigger`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// After `tailor('purchase', …)` (the default).
    Purchase,
    /// Once the shopper has viewed this many products.
    Views(u32),
    /// Only on the owner's `tailor('survey', 'id')`.
    Manual,
}

impl Trigger {
    /// `purchase`, `views:N` (N ≥ 1) or `manual`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        match text.as_str() {
            "" | "purchase" => Some(Self::Purchase),
            "manual" => Some(Self::Manual),
            _ => {
                let n: u32 = text.strip_prefix("views:")?.trim().parse().ok()?;
                (n >= 1).then_some(Self::Views(n))
            }
        }
    }
}

/// The owner's survey, from the `survey*` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub id: String,
    pub kind: SurveyKind,
    pub trigger: Trigger,
    /// Share of eligible shoppers asked, 0..=1.
    pub sample: f64,
    /// Seconds that must pass between any two surveys shown to a shopper.
    pub cooldown: u64,
}

impl Plan {
    pub const DEFAULT_ID: &'static str = "satisfaction";
    pub const DEFAULT_COOLDOWN: u64 = 14 * 24 * 3600;
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            id: Self::DEFAULT_ID.to_string(),
            kind: SurveyKind::Csat,
            trigger: Trigger::Purchase,
            sample: 1.0,
            cooldown: Self::DEFAULT_COOLDOWN,
        }
    }
}

/// What just happened that might show the survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Occasion {
    Purchase,
    /// The shopper's distinct product views so far.
    Views(u32),
    /// `tailor('survey', id)`; `None` means the configured survey.
    Command(Option<String>),
}

impl Occasion {
    /// The coarse context an answer carries.
    pub fn context(&self) -> &'static str {
        match self {
            Self::Purchase => "after-purchase",
            Self::Views(_) => "while-browsing",
            Self::Command(_) => "on-request",
        }
    }
}

/// Why the survey is not shown: each one is a promise not to nag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// This occasion is not the owner's trigger.
    NotTheTrigger,
    /// The shopper already saw this survey (answered or not).
    AlreadyShown,
    /// The shopper closed this survey: closed for good.
    Dismissed,
    /// Another survey was shown within the cool-down.
    CoolingDown,
    /// The shopper was not drawn in the sample (decided once, remembered).
    NotSampled,
}

impl Skip {
    /// Why, for the debug log.
    pub fn why(self) -> &'static str {
        match self {
            Self::NotTheTrigger => "survey not shown: not its trigger",
            Self::AlreadyShown => "survey not shown: already shown to this shopper",
            Self::Dismissed => "survey not shown: the shopper closed it",
            Self::CoolingDown => "survey not shown: another survey was shown recently",
            Self::NotSampled => "survey not shown: shopper not in the sample",
        }
    }
}

/// The survey to show now, with the context its answer will carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: String,
    pub kind: SurveyKind,
    pub context: &'static str,
}

/// What Tailor remembers about one survey for this shopper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub id: String,
    /// The sampling draw's outcome, decided once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampled: Option<bool>,
    /// When it was shown (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dismissed: bool,
}

/// Every survey's record for this shopper (a handful; oldest dropped past the cap).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyMemory {
    #[serde(default)]
    pub surveys: Vec<SurveyRecord>,
}

impl SurveyMemory {
    /// More surveys than this and the oldest records go (they are long past their cool-down).
    pub const CAPACITY: usize = 16;

    pub fn get(&self, id: &str) -> Option<&SurveyRecord> {
        self.surveys.iter().find(|r| r.id == id)
    }

    fn entry(&mut self, id: &str) -> &mut SurveyRecord {
        let index = match self.surveys.iter().position(|r| r.id == id) {
            Some(i) => i,
            None => {
                if self.surveys.len() >= Self::CAPACITY {
                    self.surveys.remove(0);
                }
                self.surveys.push(SurveyRecord {
                    id: id.to_string(),
                    ..SurveyRecord::default()
                });
                self.surveys.len() - 1
            }
        };
        &mut self.surveys[index]
    }

    /// The latest time any survey was shown.
    fn last_shown(&self) -> Option<u64> {
        self.surveys.iter().filter_map(|r| r.shown).max()
    }

    /// Decides whether `occasion` shows the survey now. `draw` is a uniform
    /// random number in 0..1, used only the first time this shopper is
    /// eligible for this survey; the outcome is remembered. Showing marks
    /// the survey shown, so the caller must show it.
    pub fn offer(
        &mut self,
        plan: &Plan,
        occasion: &Occasion,
        now: u64,
        draw: f64,
    ) -> Result<Offer, Skip> {
        let id = match occasion {
            Occasion::Command(Some(id)) => id.as_str(),
            Occasion::Command(None) => plan.id.as_str(),
            Occasion::Purchase if plan.trigger == Trigger::Purchase => plan.id.as_str(),
            Occasion::Views(n) if matches!(plan.trigger, Trigger::Views(at) if *n >= at) => {
                plan.id.as_str()
            }
            _ => return Err(Skip::NotTheTrigger),
        };
        if let Some(record) = self.get(id) {
            if record.dismissed {
                return Err(Skip::Dismissed);
            }
            if record.shown.is_some() || record.answered {
                return Err(Skip::AlreadyShown);
            }
        }
        if self
            .last_shown()
            .is_some_and(|t| now.saturating_sub(t) < plan.cooldown)
        {
            return Err(Skip::CoolingDown);
        }
        let sample = if plan.sample.is_finite() {
            plan.sample.clamp(0.0, 1.0)
        } else {
            1.0
        };
        let record = self.entry(id);
        let sampled = *record.sampled.get_or_insert(draw < sample);
        if !sampled {
            return Err(Skip::NotSampled);
        }
        record.shown = Some(now);
        Ok(Offer {
            id: id.to_string(),
            kind: plan.kind,
            context: occasion.context(),
        })
    }

    /// The shopper answered: never asked again.
    pub fn answered(&mut self, id: &str) {
        self.entry(id).answered = true;
    }

    /// The shopper closed the survey: closed for good.
    pub fn dismissed(&mut self, id: &str) {
        self.entry(id).dismissed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_scales() {
        let cases = [
            ("csat", Some((1, 5))),
            ("NPS", Some((0, 10))),
            ("ces", Some((1, 7))),
            ("stars", None),
        ];
        for (name, range) in cases {
            assert_eq!(
                SurveyKind::parse(name).map(SurveyKind::range),
                range,
                "{name}"
            );
        }
    }
    const DAY: u64 = 24 * 3600;

    fn plan(trigger: Trigger, sample: f64) -> Plan {
        Plan {
            trigger,
            sample,
            ..Plan::default()
        }
    }

    #[test]
    fn triggers_parse() {
        let cases = [
            ("purchase", Some(Trigger::Purchase)),
            ("", Some(Trigger::Purchase)),
            ("Manual", Some(Trigger::Manual)),
            ("views:3", Some(Trigger::Views(3))),
            ("views: 12", Some(Trigger::Views(12))),
            ("views:0", None),
            ("views:x", None),
            ("views", None),
            ("later", None),
        ];
        for (text, want) in cases {
            assert_eq!(Trigger::parse(text), want, "{text}");
        }
    }

    /// One occasion on a fresh memory: which triggers show the survey.
    #[test]
    fn occasions_against_triggers() {
        use super::Occasion::*;
        let cases: [(Trigger, Occasion, Result<&str, Skip>); 9] = [
            (Trigger::Purchase, Purchase, Ok("after-purchase")),
            (Trigger::Purchase, Views(50), Err(Skip::NotTheTrigger)),
            (Trigger::Views(3), Views(2), Err(Skip::NotTheTrigger)),
            (Trigger::Views(3), Views(3), Ok("while-browsing")),
            (Trigger::Views(3), Purchase, Err(Skip::NotTheTrigger)),
            (Trigger::Manual, Purchase, Err(Skip::NotTheTrigger)),
            (Trigger::Manual, Command(None), Ok("on-request")),
            (Trigger::Purchase, Command(None), Ok("on-request")),
            (
                Trigger::Manual,
                Command(Some("nps-q4".into())),
                Ok("on-request"),
            ),
        ];
        for (trigger, occasion, want) in cases {
            let mut memory = SurveyMemory::default();
            let got = memory
                .offer(&plan(trigger, 1.0), &occasion, 1000, 0.5)
                .map(|o| o.context);
            assert_eq!(got, want, "{trigger:?} {occasion:?}");
        }
    }

    /// A sequence of (days since start, occasion, draw, expected) against one memory.
    #[test]
    fn never_nagging() {
        use super::Occasion::*;
        type Step = (u64, Occasion, f64, Result<&'static str, Skip>);
        let cases: Vec<(&str, f64, Vec<Step>)> = vec![
            (
                "once per survey",
                1.0,
                vec![
                    (0, Purchase, 0.1, Ok("satisfaction")),
                    (0, Purchase, 0.1, Err(Skip::AlreadyShown)),
                    (400, Purchase, 0.1, Err(Skip::AlreadyShown)),
                    (400, Command(None), 0.1, Err(Skip::AlreadyShown)),
                ],
            ),
            (
                "cool-down between different surveys",
                1.0,
                vec![
                    (0, Purchase, 0.1, Ok("satisfaction")),
                    (13, Command(Some("nps".into())), 0.1, Err(Skip::CoolingDown)),
                    (14, Command(Some("nps".into())), 0.1, Ok("nps")),
                    (15, Command(Some("ces".into())), 0.1, Err(Skip::CoolingDown)),
                ],
            ),
            (
                "sampling decided once: out stays out",
                0.2,
                vec![
                    (0, Purchase, 0.7, Err(Skip::NotSampled)),
                    (1, Purchase, 0.0, Err(Skip::NotSampled)),
                    (90, Purchase, 0.0, Err(Skip::NotSampled)),
                ],
            ),
            (
                "sampling decided once: in stays in",
                0.2,
                vec![
                    (0, Views(1), 0.9, Err(Skip::NotTheTrigger)),
                    (0, Purchase, 0.1, Ok("satisfaction")),
                ],
            ),
            (
                "sample 0 asks nobody",
                0.0,
                vec![(0, Purchase, 0.0, Err(Skip::NotSampled))],
            ),
            (
                "sample 1 asks everyone",
                1.0,
                vec![(0, Purchase, 0.999, Ok("satisfaction"))],
            ),
            (
                "nonsense sample counts as everyone",
                f64::NAN,
                vec![(0, Purchase, 0.5, Ok("satisfaction"))],
            ),
        ];
        for (name, sample, steps) in cases {
            let plan = plan(Trigger::Purchase, sample);
            let mut memory = SurveyMemory::default();
            for (i, (day, occasion, draw, want)) in steps.into_iter().enumerate() {
                let got = memory
                    .offer(&plan, &occasion, 10 + day * DAY, draw)
                    .map(|o| o.id);
                assert_eq!(got.as_deref().map_err(|e| *e), want, "{name}, step {i}");
            }
        }
    }

    #[test]
    fn dismissed_is_closed_for_good_and_answered_is_never_asked_again() {
        let plan = plan(Trigger::Purchase, 1.0);
        let mut memory = SurveyMemory::default();
        memory.dismissed("satisfaction");
        let later = 1000 * DAY;
        assert_eq!(
            memory.offer(&plan, &Occasion::Purchase, later, 0.0),
            Err(Skip::Dismissed)
        );
        assert_eq!(
            memory.offer(&plan, &Occasion::Command(None), later, 0.0),
            Err(Skip::Dismissed)
        );
        let mut memory = SurveyMemory::default();
        memory.answered("satisfaction");
        assert_eq!(
            memory.offer(&plan, &Occasion::Purchase, later, 0.0),
            Err(Skip::AlreadyShown)
        );
    }

    #[test]
    fn memory_is_capped_and_round_trips() {
        let mut memory = SurveyMemory::default();
        for i in 0..(SurveyMemory::CAPACITY + 5) {
            memory.answered(&format!("s{i}"));
        }
        assert_eq!(memory.surveys.len(), SurveyMemory::CAPACITY);
        assert!(memory.get("s0").is_none());
        assert!(memory
            .get(&format!("s{}", SurveyMemory::CAPACITY + 4))
            .is_some());
        let text = serde_json::to_string(&memory).unwrap();
        assert_eq!(serde_json::from_str::<SurveyMemory>(&text).unwrap(), memory);
    }
}
