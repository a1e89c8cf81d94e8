//! Survey questions and answers as plain data, and every check of an answer
//! against its question. No I/O: routes hand in the submitted fields and
//! store what comes back; bad input comes back as one message key per
//! question, so the form can be shown again with the message at the field.
//!
//! Answer fields: `q{n}` holds the answer to question n (an option index,
//! `yes`/`no`, a number or a text; repeated for multiple choice);
//! `q{n}-o{i}` holds the rank of option i (ranking) or the availability
//! `yes`/`maybe`/`no` for date i (scheduling poll).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::web::Fields;

/// The longest free-text limit an owner may set.
pub const TEXT_LIMIT_MAX: u32 = 10_000;

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub text: String,
    pub kind: Kind,
}

/// What a question asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Single {
        options: Vec<String>,
    },
    /// At least `min`, at most `max` marks.
    Multiple {
        options: Vec<String>,
        min: usize,
        max: usize,
    },
    YesNo,
    /// Whole numbers from `low` to `high` (1–5 or 0–10), labelled at both ends.
    Scale {
        low: i32,
        high: i32,
        low_label: String,
        high_label: String,
    },
    /// Options put in order; ranking only some is allowed.
    Ranking {
        options: Vec<String>,
    },
    /// May be left empty; at most `max_len` characters.
    Text {
        max_len: u32,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Dates (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`), each answered with
    /// yes / if need be / no.
    Schedule {
        slots: Vec<String>,
    },
}

impl Kind {
    /// The options or dates the question offers, in order.
    pub fn options(&self) -> &[String] {
        match self {
            Kind::Single { options }
            | Kind::Multiple { options, .. }
            | Kind::Ranking { options } => options,
            Kind::Schedule { slots } => slots,
            _ => &[],
        }
    }

    /// The name used in forms, templates and exports.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Single { .. } => "single",
            Kind::Multiple { .. } => "multiple",
            Kind::YesNo => "yes_no",
            Kind::Scale { .. } => "scale",
            Kind::Ranking { .. } => "ranking",
            Kind::Text { .. } => "text",
            Kind::Number { .. } => "number",
            Kind::Schedule { .. } => "schedule",
        }
    }
}

/// Availability for one date of a scheduling poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Yes,
    Maybe,
    No,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Yes => "yes",
            Availability::Maybe => "maybe",
            Availability::No => "no",
        }
    }
}

/// One answer; option answers hold option indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Single(usize),
    Multiple(Vec<usize>),
    YesNo(bool),
    Scale(i32),
    /// Option indexes, best first.
    Ranking(Vec<usize>),
    Text(String),
    Number(f64),
    Schedule(Vec<Availability>),
    /// A free text left empty.
    Skipped,
}

/// A problem with the answer to one question: its index and message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: usize,
    pub key: &'static str,
}

/// The answers the form encodes, or every question's problem.
pub fn answers(questions: &[Question], fields: &Fields) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut answers = Vec::with_capacity(questions.len());
    let mut errors = Vec::new();
    for (n, question) in questions.iter().enumerate() {
        match answer(n, &question.kind, fields) {
            Ok(answer) => answers.push(answer),
            Err(key) => errors.push(FieldError { question: n, key }),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

fn option(options: &[String], text: &str) -> Result<usize, &'static str> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|i| *i < options.len())
        .ok_or("surveys.unknown_option")
}

/// A decimal number as people type it: `3.5` or `3,5`.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Whether a stored or submitted answer fits its question; also guards
/// answers read back from JSON (exports, paper entry).
pub fn fits(kind: &Kind, answer: &Answer) -> bool {
    match (kind, answer) {
        (Kind::Single { options }, Answer::Single(i)) => *i < options.len(),
        (Kind::Multiple { options, min, max }, Answer::Multiple(marks)) => {
            marks.iter().all(|i| *i < options.len()) && marks.len() >= *min && marks.len() <= *max
        }
        (Kind::YesNo, Answer::YesNo(_)) => true,
        (Kind::Scale { low, high, .. }, Answer::Scale(v)) => low <= v && v <= high,
        (Kind::Ranking { options }, Answer::Ranking(order)) => {
            !order.is_empty() && order.iter().all(|i| *i < options.len())
        }
        (Kind::Text { max_len }, Answer::Text(text)) => {
            text.chars().count() <= usize::try_from(*max_len).unwrap_or(usize::MAX)
        }
        (Kind::Text { .. }, Answer::Skipped) => true,
        (Kind::Number { min, max }, Answer::Number(v)) => {
            min.is_none_or(|m| *v >= m) && max.is_none_or(|m| *v <= m)
        }
        (Kind::Schedule { slots }, Answer::Schedule(marks)) => marks.len() == slots.len(),
        _ => false,
    }
}

fn answer(n: usize, kind: &Kind, fields: &Fields) -> Result<Answer, &'static str> {
    let name = format!("q{n}");
    let values: Vec<&str> = fields
        .all(&name)
        .into_iter()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    match kind {
        Kind::Single { options } => match values.as_slice() {
            [] => Err("surveys.answer_missing"),
            [one] => option(options, one).map(Answer::Single),
            _ => Err("surveys.one_option_only"),
        },
        Kind::Multiple { options, min, max } => {
            let mut marks = Vec::with_capacity(values.len());
            for value in &values {
                let i = option(options, value)?;
                if marks.contains(&i) {
                    return Err("surveys.invalid_answer");
                }
                marks.push(i);
            }
            if marks.len() > *max {
                Err("surveys.too_many_marks")
            } else if marks.len() < *min {
                Err("surveys.too_few_marks")
            } else {
                marks.sort_unstable();
                Ok(Answer::Multiple(marks))
            }
        }
        Kind::YesNo => match values.as_slice() {
            [] => Err("surveys.answer_missing"),
            ["yes"] => Ok(Answer::YesNo(true)),
            ["no"] => Ok(Answer::YesNo(false)),
            _ => Err("surveys.invalid_answer"),
        },
        Kind::Scale { low, high, .. } => match values.as_slice() {
            [] => Err("surveys.answer_missing"),
            [one] => {
                let v: i32 = one.parse().map_err(|_| "surveys.not_a_whole_number")?;
                if v < *low || v > *high {
                    Err("surveys.out_of_range")
                } else {
                    Ok(Answer::Scale(v))
                }
            }
            _ => Err("surveys.invalid_answer"),
        },
        Kind::Ranking { options } => {
            let prefix = format!("q{n}-o");
            let mut ranks: BTreeMap<u32, usize> = BTreeMap::new();
            for (field, value) in &fields.0 {
                let Some(index) = field.strip_prefix(&prefix) else {
                    continue;
                };
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                let i = option(options, index)?;
                let rank: u32 = value.parse().map_err(|_| "surveys.rank_not_a_number")?;
                if rank == 0 || ranks.values().any(|o| *o == i) || ranks.insert(rank, i).is_some() {
                    return Err("surveys.rank_twice");
                }
            }
            if ranks.is_empty() {
                return Err("surveys.answer_missing");
            }
            // Gaps do not matter: only the order of the ranks given counts.
            Ok(Answer::Ranking(ranks.into_values().collect()))
        }
        Kind::Text { max_len } => {
            // Text keeps its inner whitespace; only the form's own value is read.
            let text = fields.get(&name).unwrap_or("").trim();
            if text.is_empty() {
                Ok(Answer::Skipped)
            } else if text.chars().count() > usize::try_from(*max_len).unwrap_or(usize::MAX) {
                Err("surveys.text_too_long")
            } else if let Some(problem) =
                crate::text::problem(text, crate::text::Shape::Lines, crate::text::LONG_TEXT)
            {
                Err(problem)
            } else {
                Ok(Answer::Text(text.to_owned()))
            }
        }
        Kind::Number { min, max } => match values.as_slice() {
            [] => Err("surveys.answer_missing"),
            [one] => {
                let v = parse_number(one).ok_or("surveys.not_a_number")?;
                if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                    Err("surveys.out_of_range")
                } else {
                    Ok(Answer::Number(v))
                }
            }
            _ => Err("surveys.invalid_answer"),
        },
        Kind::Schedule { slots } => {
            let mut marks = Vec::with_capacity(slots.len());
            for i in 0..slots.len() {
                let mark = match fields.get(&format!("q{n}-o{i}")).map(str::trim) {
                    Some("yes") => Availability::Yes,
                    Some("maybe") => Availability::Maybe,
                    Some("no") => Availability::No,
                    None | Some("") => return Err("surveys.schedule_incomplete"),
                    Some(_) => return Err("surveys.invalid_answer"),
                };
                marks.push(mark);
            }
            Ok(Answer::Schedule(marks))
        }
    }
}

/// An answer as text, for exports and the owner's list: option labels,
/// rankings as "A > B", numbers without needless decimals.
pub fn answer_text(kind: &Kind, answer: &Answer) -> String {
    let label = |i: &usize| kind.options().get(*i).cloned().unwrap_or_default();
    match answer {
        Answer::Single(i) => label(i),
        Answer::Multiple(marks) => marks.iter().map(label).collect::<Vec<_>>().join("; "),
        Answer::YesNo(true) => "yes".into(),
        Answer::YesNo(false) => "no".into(),
        Answer::Scale(v) => v.to_string(),
        Answer::Ranking(order) => order.iter().map(label).collect::<Vec<_>>().join(" > "),
        Answer::Text(text) => text.clone(),
        Answer::Number(v) => format_number(*v),
        Answer::Schedule(marks) => marks
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Skipped => String::new(),
    }
}

/// A number without trailing zeros: 3, 3.5, 3.25.
pub fn format_number(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Question> {
        let options = vec!["Bus".to_owned(), "Bahn".to_owned(), "Rad".to_owned()];
        [
            Kind::Single {
                options: options.clone(),
            },
            Kind::Multiple {
                options: options.clone(),
                min: 1,
                max: 2,
            },
            Kind::YesNo,
            Kind::Scale {
                low: 1,
                high: 5,
                low_label: "schlecht".into(),
                high_label: "gut".into(),
            },
            Kind::Ranking { options },
            Kind::Text { max_len: 5 },
            Kind::Number {
                min: Some(0.0),
                max: None,
            },
            Kind::Schedule {
                slots: vec!["2026-12-10 19:00".into(), "2026-12-11".into()],
            },
        ]
        .into_iter()
        .map(|kind| Question {
            text: "?".into(),
            kind,
        })
        .collect()
    }

    #[test]
    fn a_complete_form_gives_one_answer_per_question() {
        let got = answers(
            &questions(),
            &Fields::from_pairs(&[
                ("q0", "1"),
                ("q1", "2"),
                ("q1", "0"),
                ("q2", "no"),
                ("q3", "4"),
                ("q4-o2", "1"),
                ("q4-o0", "3"),
                ("q4-o1", ""),
                ("q5", " Hallo "),
                ("q6", "2,5"),
                ("q7-o0", "maybe"),
                ("q7-o1", "yes"),
            ]),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Answer::Single(1),
                Answer::Multiple(vec![0, 2]),
                Answer::YesNo(false),
                Answer::Scale(4),
                Answer::Ranking(vec![2, 0]),
                Answer::Text("Hallo".into()),
                Answer::Number(2.5),
                Answer::Schedule(vec![Availability::Maybe, Availability::Yes]),
            ]
        );
        for (q, a) in questions().iter().zip(&got) {
            assert!(fits(&q.kind, a), "{a:?}");
        }
    }

    #[test]
    fn every_wrong_answer_is_named() {
        let errors = answers(
            &questions(),
            &Fields::from_pairs(&[
                ("q0", "7"),
                ("q1", "0"),
                ("q1", "1"),
                ("q1", "2"),
                ("q2", "maybe"),
                ("q3", "6"),
                ("q4-o0", "1"),
                ("q4-o1", "1"),
                ("q5", "zu lang"),
                ("q6", "viel"),
                ("q7-o0", "yes"),
            ]),
        )
        .unwrap_err();
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "surveys.unknown_option",
                "surveys.too_many_marks",
                "surveys.invalid_answer",
                "surveys.out_of_range",
                "surveys.rank_twice",
                "surveys.text_too_long",
                "surveys.not_a_number",
                "surveys.schedule_incomplete",
            ]
        );
        let errors = answers(&questions(), &Fields::from_pairs(&[("q3", "x")])).unwrap_err();
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "surveys.answer_missing",
                "surveys.too_few_marks",
                "surveys.answer_missing",
                "surveys.not_a_whole_number",
                "surveys.answer_missing",
                "surveys.answer_missing",
                "surveys.schedule_incomplete",
            ]
        );
    }

    #[test]
    fn answers_round_trip_through_json() {
        let answer = Answer::Schedule(vec![Availability::Yes, Availability::No]);
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(json, r#"{"type":"schedule","value":["yes","no"]}"#);
        assert_eq!(serde_json::from_str::<Answer>(&json).unwrap(), answer);
        assert_eq!(format_number(2.50), "2.5");
        assert_eq!(format_number(3.0), "3");
    }
}
