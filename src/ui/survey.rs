//! The `survey` slot: one question, one tap (CSAT stars 1–5, NPS 0–10 or
//! CES 1–7), then a thank-you with an optional one-line comment. It shows
//! only when `core::survey` allowed it (`State::survey`); closing it closes
//! it for good. `data-preview="csat|nps|ces"` shows a state for designers
//! without remembering or sending anything.

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::core::i18n::language_of;
use crate::core::survey::{Answer, Offer, SurveyKind};
use crate::platform::{self, State};

/// Where the survey is in its short life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Asking,
    /// Scored; the comment field is open.
    Scored(u8),
    /// Scored and the comment sent (or skipped): a plain thank-you.
    Done,
    /// Closed by the shopper: nothing shows.
    Closed,
}

/// The longest comment kept (one line).
const MAX_COMMENT: usize = 500;

#[component]
pub fn Survey(
    state: State,
    /// A designer's preview: this kind, in this phase, without side effects.
    preview: Option<(SurveyKind, Phase)>,
) -> impl IntoView {
    let phase = RwSignal::new(preview.map_or(Phase::Asking, |(_, p)| p));
    let live = preview.is_none();
    let offer = Memo::new(move |_| match preview {
        Some((kind, _)) => Some(Offer {
            id: "preview".into(),
            kind,
            context: "preview",
        }),
        None => state.survey.get(),
    });
    let answer = move |score: u8, comment: Option<String>| {
        let Some(offer) = offer.get_untracked() else {
            return;
        };
        let info = state.page.get_value();
        let answer = Answer {
            survey: offer.id,
            kind: offer.kind,
            score,
            comment,
            locale: language_of(&info.locale),
            context: Some(offer.context.to_string()),
        };
        if live {
            platform::answer_survey(&answer);
        }
    };
    move || {
        let offer = offer.get()?;
        let info = state.page.get_value();
        let strings = &info.strings;
        let kind_name = match offer.kind {
            SurveyKind::Csat => "csat",
            SurveyKind::Nps => "nps",
            SurveyKind::Ces => "ces",
        };
        let question = strings.get(&format!("survey_{kind_name}_question"));
        let close = {
            let id = offer.id.clone();
            move |_| {
                if live {
                    platform::dismiss_survey(&id);
                }
                phase.set(Phase::Closed);
            }
        };
        let body = match phase.get() {
            Phase::Closed => return None,
            Phase::Asking => EitherOf3::A({
                let (low, high) = offer.kind.range();
                let scale = (low..=high)
                    .map(|score| {
                        let label = match offer.kind {
                            SurveyKind::Csat => strings.fill(
                                "survey_star",
                                &[
                                    ("score", &score.to_string()),
                                    ("label", &strings.get(&format!("csat_{score}"))),
                                ],
                            ),
                            _ => score.to_string(),
                        };
                        let glyph = match offer.kind {
                            SurveyKind::Csat => "★".to_string(),
                            _ => score.to_string(),
                        };
                        view! {
                            <button type="button" class="tailor-score" data-score=score.to_string()
                                aria-label=label
                                on:click=move |_| {
                                    answer(score, None);
                                    phase.set(Phase::Scored(score));
                                }>{glyph}</button>
                        }
                    })
                    .collect_view();
                let ends = (offer.kind != SurveyKind::Csat).then(|| {
                    view! {
                        <div class="tailor-scale-ends" aria-hidden="true">
                            <span>{strings.get(&format!("survey_{kind_name}_low"))}</span>
                            <span>{strings.get(&format!("survey_{kind_name}_high"))}</span>
                        </div>
                    }
                });
                view! {
                    <div class="tailor-scale" role="group" aria-labelledby="tailor-survey-question" data-kind=kind_name>
                        {scale}
                    </div>
                    {ends}
                }
            }),
            Phase::Scored(score) => EitherOf3::B({
                let input: NodeRef<leptos::html::Input> = NodeRef::new();
                let send = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let text: String = input
                        .get()
                        .map(|i| i.value())
                        .unwrap_or_default()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .chars()
                        .take(MAX_COMMENT)
                        .collect();
                    if !text.is_empty() {
                        answer(score, Some(text));
                    }
                    phase.set(Phase::Done);
                };
                view! {
                    <p class="tailor-survey-thanks" role="status">{strings.get("survey_thanks")}</p>
                    <form class="tailor-comment" on:submit=send>
                        <label class="tailor-comment-label" for="tailor-comment">{strings.get("survey_comment")}</label>
                        <div class="tailor-comment-row">
                            <input id="tailor-comment" class="tailor-comment-input" type="text"
                                maxlength=MAX_COMMENT.to_string() autocomplete="off" node_ref=input/>
                            <button type="submit" class="tailor-send">{strings.get("survey_send")}</button>
                        </div>
                    </form>
                }
            }),
            Phase::Done => EitherOf3::C(view! {
                <p class="tailor-survey-thanks" role="status">{strings.get("survey_done")}</p>
            }),
        };
        let asking = phase.get() == Phase::Asking;
        Some(view! {
            <section class="tailor-survey" aria-labelledby="tailor-survey-question" data-kind=kind_name
                data-phase=phase_name(phase.get())>
                <div class="tailor-survey-head">
                    <h2 class="tailor-question" id="tailor-survey-question">
                        {if asking { question } else { strings.get("survey_answered_heading") }}
                    </h2>
                    <button type="button" class="tailor-close" aria-label=strings.get("survey_close") on:click=close>{"×"}</button>
                </div>
                {body}
            </section>
        })
    }
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Asking => "asking",
        Phase::Scored(_) => "scored",
        Phase::Done => "done",
        Phase::Closed => "closed",
    }
}
