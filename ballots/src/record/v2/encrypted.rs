//! Protocol `"encrypted"`: how the questions of an election object become
//! the shapes the encryption proves (docs/election-record.md, E.4), and
//! how a plaintext choice becomes the marks to encrypt. The server uses
//! [`marks`] when it encrypts for a voter without JavaScript and for postal
//! slips; verifiers use [`parameters`] to check the cast ballots.

use super::{Election, PROTOCOL_ENCRYPTED};
use crate::choice::{validate, Choice, ChoiceError, SingleVote, YesNoVote};
use crate::question::{Question, QuestionKind};
use votum_crypto::encrypted_ballot::{ElectionParameters, QuestionShape};

/// The shape of `question` under encryption (E.4), or `None` for a ranked
/// question (those stay on protocol `"signed"`).
///
/// * yes/no/abstain: 3 options (yes, no, abstain), exactly one mark;
/// * single choice among k: k + 1 options (abstain last), exactly one mark;
/// * approval among k with min_marks ≥ 1: k options, the same bounds;
/// * approval among k with min_marks = 0: k + 1 options ("none" last),
///   min 0, max_marks; the count proof is weighted
///   ([`QuestionShape::has_none`]).
pub fn question_shape(question: &Question) -> Option<QuestionShape> {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match &question.kind {
        QuestionKind::YesNoAbstain { .. } => Some(QuestionShape {
            options: 3,
            min_marks: 1,
            max_marks: 1,
        }),
        QuestionKind::SingleChoice { options, .. } => Some(QuestionShape {
            options: count(options.len()).saturating_add(1),
            min_marks: 1,
            max_marks: 1,
        }),
        QuestionKind::Approval {
            options,
            min_marks,
            max_marks,
        } => Some(QuestionShape {
            options: count(options.len()).saturating_add(u32::from(*min_marks == 0)),
            min_marks: *min_marks,
            max_marks: *max_marks,
        }),
        QuestionKind::RankedSchulze { .. } | QuestionKind::RankedStv { .. } => None,
    }
}

/// Whether every question can be encrypted (no ranked question): such a
/// ballot uses protocol `"encrypted"`.
pub fn encryptable(questions: &[Question]) -> bool {
    questions.iter().all(|q| question_shape(q).is_some())
}

/// Why an election object gives no encryption parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParametersError {
    /// The protocol is not `"encrypted"`.
    #[error("the election's protocol is not \"encrypted\"")]
    NotEncrypted,
    /// No `trustees` member.
    #[error("the election object has no trustees")]
    NoTrustees,
    /// A ranked question, or a shape the encryption cannot prove.
    #[error("question {0} cannot be encrypted")]
    Question(usize),
    /// The trustees' public key is unusable.
    #[error("the trustees' public key is unusable")]
    Key,
}

/// The parameters every ballot of `election` is encrypted and proved
/// against: its fingerprint, the trustees' public key and the shapes of its
/// questions.
pub fn parameters(election: &Election) -> Result<ElectionParameters, ParametersError> {
    if election.protocol != PROTOCOL_ENCRYPTED {
        return Err(ParametersError::NotEncrypted);
    }
    let trustees = election
        .trustees
        .as_ref()
        .ok_or(ParametersError::NoTrustees)?;
    let key = trustees.election_key().map_err(|_| ParametersError::Key)?;
    let shapes = election
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| question_shape(q).ok_or(ParametersError::Question(i)))
        .collect::<Result<Vec<_>, _>>()?;
    ElectionParameters::new(election.fingerprint(), key, shapes).map_err(|_| {
        // new() only refuses shapes; name the first bad one.
        let bad = election
            .questions
            .iter()
            .position(|q| {
                question_shape(q)
                    .is_none_or(|s| ElectionParameters::new([0; 32], key, vec![s]).is_err())
            })
            .unwrap_or(0);
        ParametersError::Question(bad)
    })
}

/// The marks (one per option of the shape, E.4 order) that encrypt
/// `choice` for `question`, after checking the choice as the signed
/// protocol does ([`validate`]). A ranked question has none.
pub fn marks(question: &Question, choice: &Choice) -> Result<Vec<bool>, ChoiceError> {
    validate(question, choice)?;
    let one = |n: usize, at: usize| (0..n).map(|i| i == at).collect::<Vec<bool>>();
    Ok(match (&question.kind, choice) {
        (QuestionKind::YesNoAbstain { .. }, Choice::YesNo(vote)) => one(
            3,
            match vote {
                YesNoVote::Yes => 0,
                YesNoVote::No => 1,
                YesNoVote::Abstain => 2,
            },
        ),
        (QuestionKind::SingleChoice { options, .. }, Choice::Single(vote)) => {
            let at = match vote {
                SingleVote::For(id) => options.iter().position(|o| o.id == *id),
                SingleVote::Abstain => None,
            };
            one(options.len() + 1, at.unwrap_or(options.len()))
        }
        (
            QuestionKind::Approval {
                options, min_marks, ..
            },
            Choice::Approval(marked),
        ) => {
            let mut marks: Vec<bool> = options.iter().map(|o| marked.contains(&o.id)).collect();
            if *min_marks == 0 {
                marks.push(marked.is_empty());
            }
            marks
        }
        _ => {
            return Err(ChoiceError::WrongKind {
                expected: question.kind.choice_kind(),
                found: choice.kind(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, MajorityRule, OptionId, Ratio};

    fn approval(min_marks: u32, max_marks: u32) -> Question {
        Question {
            text: "Board".into(),
            kind: QuestionKind::Approval {
                options: (1..=4)
                    .map(|i| BallotOption::new(i, format!("O{i}")))
                    .collect(),
                min_marks,
                max_marks,
            },
        }
    }

    #[test]
    fn shapes_and_marks_follow_e4() {
        let yes_no = Question {
            text: "Motion".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::ZERO,
                majority: MajorityRule::Simple,
            },
        };
        assert_eq!(question_shape(&yes_no).map(|s| s.options), Some(3));
        assert_eq!(
            marks(&yes_no, &Choice::YesNo(YesNoVote::No)).unwrap(),
            [false, true, false]
        );
        let single = Question {
            text: "Chair".into(),
            kind: QuestionKind::SingleChoice {
                options: vec![BallotOption::new(7, "A"), BallotOption::new(9, "B")],
                runoff: false,
            },
        };
        assert_eq!(
            marks(&single, &Choice::Single(SingleVote::For(OptionId(9)))).unwrap(),
            [false, true, false]
        );
        assert_eq!(
            marks(&single, &Choice::Single(SingleVote::Abstain)).unwrap(),
            [false, false, true]
        );
        // Approval that may be left empty: "none" is the fifth option.
        let open = approval(0, 2);
        let shape = question_shape(&open).unwrap();
        assert_eq!((shape.options, shape.has_none()), (5, true));
        assert_eq!(
            marks(&open, &Choice::Approval(vec![])).unwrap(),
            [false, false, false, false, true]
        );
        assert_eq!(
            marks(&open, &Choice::Approval(vec![OptionId(2), OptionId(4)])).unwrap(),
            [false, true, false, true, false]
        );
        assert!(marks(
            &open,
            &Choice::Approval(vec![OptionId(1), OptionId(2), OptionId(3)])
        )
        .is_err());
        // Approval with at least one mark: no "none".
        let strict = approval(1, 2);
        assert_eq!(question_shape(&strict).map(|s| s.options), Some(4));
        assert_eq!(
            marks(&strict, &Choice::Approval(vec![OptionId(3)])).unwrap(),
            [false, false, true, false]
        );
        assert!(marks(&strict, &Choice::Approval(vec![])).is_err());
        assert!(marks(&strict, &Choice::YesNo(YesNoVote::Yes)).is_err());
        let ranked = Question {
            text: "Rank".into(),
            kind: QuestionKind::RankedSchulze {
                options: vec![BallotOption::new(1, "A"), BallotOption::new(2, "B")],
            },
        };
        assert!(question_shape(&ranked).is_none());
        assert!(!encryptable(&[open, ranked]));
    }
}
