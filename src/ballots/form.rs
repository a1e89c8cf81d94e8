//! Turning the voting form's fields into choices, one per question, with a
//! message for every question that was answered wrongly.
//!
//! Field names: `q{n}` holds the answer to question n (yes/no/abstain, an
//! option id or `abstain`; repeated for approval marks); `q{n}-o{id}` holds
//! the rank given to option `id` in a ranked question.

use std::collections::BTreeMap;

use votum_ballots::question::{OptionId, QuestionKind};
use votum_ballots::{Choice, Question, SingleVote, YesNoVote};

use crate::web::Fields;

/// A problem with the answer to one question: its index and message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: usize,
    pub key: &'static str,
}

fn option(question: &Question, text: &str) -> Option<OptionId> {
    let id: u32 = text.parse().ok()?;
    question
        .options()
        .iter()
        .find(|o| o.id.0 == id)
        .map(|o| o.id)
}

/// The choices the form encodes, or every question's problem.
pub fn choices(questions: &[Question], fields: &Fields) -> Result<Vec<Choice>, Vec<FieldError>> {
    let mut choices = Vec::with_capacity(questions.len());
    let mut errors = Vec::new();
    for (n, question) in questions.iter().enumerate() {
        let values = fields.all(&format!("q{n}"));
        match answer(n, question, &values, fields) {
            Ok(choice) => match votum_ballots::validate(question, &choice) {
                Ok(()) => choices.push(choice),
                Err(e) => errors.push(FieldError {
                    question: n,
                    key: match e {
                        votum_ballots::ChoiceError::TooManyMarks { .. } => "vote.too_many_marks",
                        votum_ballots::ChoiceError::TooFewMarks { .. } => "vote.too_few_marks",
                        votum_ballots::ChoiceError::EmptyRanking => "vote.empty_ranking",
                        _ => "vote.invalid_answer",
                    },
                }),
            },
            Err(key) => errors.push(FieldError { question: n, key }),
        }
    }
    if errors.is_empty() {
        Ok(choices)
    } else {
        Err(errors)
    }
}

fn answer(
    n: usize,
    question: &Question,
    values: &[&str],
    fields: &Fields,
) -> Result<Choice, &'static str> {
    match &question.kind {
        QuestionKind::YesNoAbstain { .. } => match values {
            ["yes"] => Ok(Choice::YesNo(YesNoVote::Yes)),
            ["no"] => Ok(Choice::YesNo(YesNoVote::No)),
            ["abstain"] => Ok(Choice::YesNo(YesNoVote::Abstain)),
            [] => Err("vote.answer_missing"),
            _ => Err("vote.invalid_answer"),
        },
        QuestionKind::SingleChoice { .. } => match values {
            ["abstain"] => Ok(Choice::Single(SingleVote::Abstain)),
            [one] => option(question, one)
                .map(|id| Choice::Single(SingleVote::For(id)))
                .ok_or("vote.unknown_option"),
            [] => Err("vote.answer_missing"),
            _ => Err("vote.invalid_answer"),
        },
        QuestionKind::Approval { .. } => values
            .iter()
            .map(|v| option(question, v).ok_or("vote.unknown_option"))
            .collect::<Result<Vec<_>, _>>()
            .map(Choice::Approval),
        QuestionKind::RankedSchulze { .. } | QuestionKind::RankedStv { .. } => {
            let prefix = format!("q{n}-o");
            let mut ranks: BTreeMap<u32, OptionId> = BTreeMap::new();
            for (name, value) in &fields.0 {
                let Some(id) = name.strip_prefix(&prefix) else {
                    continue;
                };
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                let id = option(question, id).ok_or("vote.unknown_option")?;
                let rank: u32 = value.parse().map_err(|_| "vote.rank_not_a_number")?;
                if rank == 0 || ranks.insert(rank, id).is_some() {
                    return Err("vote.rank_twice");
                }
            }
            // Gaps do not matter: only the order of the ranks given counts.
            Ok(Choice::Ranked(ranks.into_values().collect()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use votum_ballots::question::{BallotOption, MajorityRule, Ratio};

    fn questions() -> Vec<Question> {
        let options = vec![
            BallotOption::new(1, "Anna"),
            BallotOption::new(2, "Ben"),
            BallotOption::new(3, "Cem"),
        ];
        vec![
            Question {
                text: "Entlastung?".into(),
                kind: QuestionKind::YesNoAbstain {
                    quorum: Ratio::ZERO,
                    majority: MajorityRule::Simple,
                },
            },
            Question {
                text: "Beisitz".into(),
                kind: QuestionKind::Approval {
                    options: options.clone(),
                    min_marks: 0,
                    max_marks: 2,
                },
            },
            Question {
                text: "Vorsitz".into(),
                kind: QuestionKind::RankedSchulze { options },
            },
        ]
    }

    #[test]
    fn a_complete_form_gives_one_choice_per_question() {
        let got = choices(
            &questions(),
            &Fields::from_pairs(&[
                ("q0", "no"),
                ("q1", "1"),
                ("q1", "3"),
                ("q2-o2", "1"),
                ("q2-o3", "5"),
                ("q2-o1", ""),
            ]),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Choice::YesNo(YesNoVote::No),
                Choice::Approval(vec![OptionId(1), OptionId(3)]),
                Choice::Ranked(vec![OptionId(2), OptionId(3)]),
            ]
        );
    }

    #[test]
    fn every_wrong_answer_is_named() {
        let errors = choices(
            &questions(),
            &Fields::from_pairs(&[
                ("q1", "1"),
                ("q1", "2"),
                ("q1", "3"),
                ("q2-o1", "1"),
                ("q2-o2", "1"),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                FieldError {
                    question: 0,
                    key: "vote.answer_missing"
                },
                FieldError {
                    question: 1,
                    key: "vote.too_many_marks"
                },
                FieldError {
                    question: 2,
                    key: "vote.rank_twice"
                },
            ]
        );
        let errors = choices(
            &questions(),
            &Fields::from_pairs(&[("q0", "maybe"), ("q1", "9"), ("q2-o1", "x")]),
        )
        .unwrap_err();
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "vote.invalid_answer",
                "vote.unknown_option",
                "vote.rank_not_a_number"
            ]
        );
        let errors = choices(&questions(), &Fields::from_pairs(&[("q0", "yes")])).unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError {
                question: 2,
                key: "vote.empty_ranking"
            }]
        );
    }
}
