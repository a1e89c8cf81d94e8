//! The ballot set-up form's question slots, turned into question
//! definitions with a message per slot for every mistake.
//!
//! Slot `n` has the fields `q{n}_text`, `q{n}_kind` (yes_no, single,
//! approval, schulze, stv), `q{n}_options` (one per line), `q{n}_min`,
//! `q{n}_max`, `q{n}_seats`, `q{n}_quorum` (percent of the electorate),
//! `q{n}_majority` (simple, absolute, two_thirds) and `q{n}_runoff`.

use votum_ballots::question::{BallotOption, MajorityRule, QuestionKind, Ratio};
use votum_ballots::Question;

use crate::web::Fields;

/// How many question slots the form offers.
pub const SLOTS: usize = 5;

/// A mistake in one slot: its index and message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotError {
    pub slot: usize,
    pub key: &'static str,
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).unwrap_or("").trim()
}

fn number(text: &str, default: u32) -> Result<u32, &'static str> {
    if text.is_empty() {
        return Ok(default);
    }
    text.parse().map_err(|_| "setup.not_a_number")
}

/// The questions the filled slots describe.
pub fn parse(fields: &Fields) -> Result<Vec<Question>, Vec<SlotError>> {
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    for slot in 0..SLOTS {
        let prefix = format!("q{slot}_");
        let slot_fields = fields
            .0
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .map(|(name, value)| (name.as_str(), value.as_str()));
        if let Some((_, key)) = crate::text::form_problems(slot_fields).first() {
            errors.push(SlotError { slot, key });
            continue;
        }
        let text = field(fields, &format!("q{slot}_text"));
        if text.is_empty() {
            continue;
        }
        match slot_question(text, fields, slot) {
            Ok(question) => match question.check() {
                Ok(()) => questions.push(question),
                Err(_) => errors.push(SlotError {
                    slot,
                    key: "setup.question_invalid",
                }),
            },
            Err(key) => errors.push(SlotError { slot, key }),
        }
    }
    if questions.is_empty() && errors.is_empty() {
        errors.push(SlotError {
            slot: 0,
            key: "setup.no_question",
        });
    }
    if errors.is_empty() {
        Ok(questions)
    } else {
        Err(errors)
    }
}

fn slot_question(text: &str, fields: &Fields, slot: usize) -> Result<Question, &'static str> {
    let get = |name: &str| field(fields, &format!("q{slot}_{name}")).to_owned();
    let options_text = get("options");
    let options: Vec<BallotOption> = options_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(n, label)| BallotOption::new(u32::try_from(n + 1).unwrap_or(u32::MAX), label))
        .collect();
    let kind = get("kind");
    if kind != "yes_no" && options.len() < 2 {
        return Err("setup.two_options");
    }
    let kind = match kind.as_str() {
        "yes_no" => {
            let percent = number(&get("quorum"), 0)?;
            if percent > 100 {
                return Err("setup.quorum_range");
            }
            let quorum = Ratio::new(u64::from(percent), 100).map_err(|_| "setup.quorum_range")?;
            let majority = match get("majority").as_str() {
                "" | "simple" => MajorityRule::Simple,
                "absolute" => MajorityRule::Absolute,
                "two_thirds" => MajorityRule::Qualified {
                    share: Ratio::new(2, 3).map_err(|_| "setup.question_invalid")?,
                },
                _ => return Err("setup.unknown_majority"),
            };
            QuestionKind::YesNoAbstain { quorum, majority }
        }
        "single" => QuestionKind::SingleChoice {
            options,
            runoff: get("runoff") == "on",
        },
        "approval" => {
            let max = u32::try_from(options.len()).unwrap_or(u32::MAX);
            let min_marks = number(&get("min"), 0)?;
            let max_marks = number(&get("max"), max)?;
            if min_marks > max_marks || max_marks > max {
                return Err("setup.marks_range");
            }
            QuestionKind::Approval {
                options,
                min_marks,
                max_marks,
            }
        }
        "schulze" => QuestionKind::RankedSchulze { options },
        "stv" => {
            let seats = number(&get("seats"), 1)?;
            if seats == 0 || seats as usize >= options.len() {
                return Err("setup.seats_range");
            }
            QuestionKind::RankedStv { options, seats }
        }
        _ => return Err("setup.unknown_kind"),
    };
    Ok(Question {
        text: text.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_slots_become_questions() {
        let questions = parse(&Fields::from_pairs(&[
            ("q0_text", "Entlastung?"),
            ("q0_kind", "yes_no"),
            ("q0_quorum", "20"),
            ("q0_majority", "two_thirds"),
            ("q2_text", "Beisitz"),
            ("q2_kind", "stv"),
            ("q2_options", "Anna\n\nBen\r\nCem\n"),
            ("q2_seats", "2"),
        ]))
        .unwrap();
        assert_eq!(questions.len(), 2);
        match &questions[1].kind {
            QuestionKind::RankedStv { options, seats } => {
                assert_eq!(*seats, 2);
                let labels: Vec<_> = options.iter().map(|o| o.label.as_str()).collect();
                assert_eq!(labels, ["Anna", "Ben", "Cem"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mistakes_are_named_per_slot() {
        let errors = parse(&Fields::from_pairs(&[
            ("q0_text", "Wer?"),
            ("q0_kind", "single"),
            ("q0_options", "Nur eine"),
            ("q1_text", "Quorum"),
            ("q1_kind", "yes_no"),
            ("q1_quorum", "150"),
            ("q3_text", "Sitze"),
            ("q3_kind", "stv"),
            ("q3_options", "A\nB"),
            ("q3_seats", "2"),
            ("q4_text", "Art"),
            ("q4_kind", "lottery"),
            ("q4_options", "A\nB"),
        ]))
        .unwrap_err();
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.slot, e.key)).collect();
        assert_eq!(
            got,
            [
                (0, "setup.two_options"),
                (1, "setup.quorum_range"),
                (3, "setup.seats_range"),
                (4, "setup.unknown_kind"),
            ]
        );
        assert_eq!(
            parse(&Fields::from_pairs(&[])).unwrap_err()[0].key,
            "setup.no_question"
        );
    }
}
