//! What a voter casts for one question, and the check that it fits the
//! question. The server runs [`validate`] before accepting a ballot; the
//! count runs it again and counts failures as invalid, so a record that
//! somehow holds a bad choice is still counted the same way by everyone.

use crate::question::{OptionId, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Answer to a yes/no/abstain question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNoVote {
    /// For the motion.
    Yes,
    /// Against the motion.
    No,
    /// Explicit abstention: counts for the quorum, not for yes or no.
    Abstain,
}

/// Answer to a single-choice question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SingleVote {
    /// A vote for one option.
    For(OptionId),
    /// Explicit abstention: a valid ballot that supports no option.
    Abstain,
}

/// A cast choice for one question.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Choice {
    /// For [`QuestionKind::YesNoAbstain`].
    YesNo(YesNoVote),
    /// For [`QuestionKind::SingleChoice`].
    Single(SingleVote),
    /// For [`QuestionKind::Approval`]: the marked options, each at most once,
    /// order irrelevant. No marks is an abstention where `min_marks` is 0.
    Approval(Vec<OptionId>),
    /// For [`QuestionKind::RankedSchulze`] and [`QuestionKind::RankedStv`]:
    /// options from most to least preferred. It may stop early (unranked
    /// options count as equally least preferred) but never ranks two options
    /// equal and never repeats one.
    Ranked(Vec<OptionId>),
}

/// The shape of a choice or of the choice a question expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceKind {
    /// [`Choice::YesNo`].
    YesNo,
    /// [`Choice::Single`].
    Single,
    /// [`Choice::Approval`].
    Approval,
    /// [`Choice::Ranked`].
    Ranked,
}

impl Choice {
    /// The shape of this choice.
    pub fn kind(&self) -> ChoiceKind {
        match self {
            Choice::YesNo(_) => ChoiceKind::YesNo,
            Choice::Single(_) => ChoiceKind::Single,
            Choice::Approval(_) => ChoiceKind::Approval,
            Choice::Ranked(_) => ChoiceKind::Ranked,
        }
    }
}

impl QuestionKind {
    /// The shape of choice this question accepts.
    pub fn choice_kind(&self) -> ChoiceKind {
        match self {
            QuestionKind::YesNoAbstain { .. } => ChoiceKind::YesNo,
            QuestionKind::SingleChoice { .. } => ChoiceKind::Single,
            QuestionKind::Approval { .. } => ChoiceKind::Approval,
            QuestionKind::RankedSchulze { .. } | QuestionKind::RankedStv { .. } => {
                ChoiceKind::Ranked
            }
        }
    }
}

/// Why a cast choice is not valid for a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ChoiceError {
    /// The choice has another shape than the question expects.
    WrongKind {
        /// What the question expects.
        expected: ChoiceKind,
        /// What was cast.
        found: ChoiceKind,
    },
    /// The choice names an option the question does not have.
    UnknownOption {
        /// The unknown id.
        option: OptionId,
    },
    /// An option is marked or ranked twice.
    DuplicateOption {
        /// The repeated id.
        option: OptionId,
    },
    /// More approval marks than `max_marks`.
    TooManyMarks {
        /// Allowed maximum.
        max: u32,
        /// Marks given.
        given: usize,
    },
    /// Fewer approval marks than `min_marks`.
    TooFewMarks {
        /// Required minimum.
        min: u32,
        /// Marks given.
        given: usize,
    },
    /// A ranking with no option in it.
    EmptyRanking,
}

impl fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongKind { expected, found } => {
                write!(f, "expected a {expected:?} choice, got {found:?}")
            }
            Self::UnknownOption { option } => write!(f, "unknown option {option}"),
            Self::DuplicateOption { option } => write!(f, "option {option} given twice"),
            Self::TooManyMarks { max, given } => {
                write!(f, "{given} marks given, at most {max} allowed")
            }
            Self::TooFewMarks { min, given } => {
                write!(f, "{given} marks given, at least {min} required")
            }
            Self::EmptyRanking => write!(f, "the ranking is empty"),
        }
    }
}

impl std::error::Error for ChoiceError {}

/// Checks that `choice` is a valid answer to `question`.
///
/// Checks run in a fixed order (kind, empty ranking, unknown option,
/// duplicate, mark limits) so that the same bad choice always yields the
/// same error.
pub fn validate(question: &Question, choice: &Choice) -> Result<(), ChoiceError> {
    let expected = question.kind.choice_kind();
    match (&question.kind, choice) {
        (QuestionKind::YesNoAbstain { .. }, Choice::YesNo(_)) => Ok(()),
        (QuestionKind::SingleChoice { .. }, Choice::Single(vote)) => match vote {
            SingleVote::For(option) => known(question, std::slice::from_ref(option)),
            SingleVote::Abstain => Ok(()),
        },
        (
            QuestionKind::Approval {
                min_marks,
                max_marks,
                ..
            },
            Choice::Approval(marks),
        ) => {
            known_and_distinct(question, marks)?;
            if usize::try_from(*max_marks).is_ok_and(|max| marks.len() > max) {
                return Err(ChoiceError::TooManyMarks {
                    max: *max_marks,
                    given: marks.len(),
                });
            }
            if usize::try_from(*min_marks).map_or(true, |min| marks.len() < min) {
                return Err(ChoiceError::TooFewMarks {
                    min: *min_marks,
                    given: marks.len(),
                });
            }
            Ok(())
        }
        (
            QuestionKind::RankedSchulze { .. } | QuestionKind::RankedStv { .. },
            Choice::Ranked(ranking),
        ) => {
            if ranking.is_empty() {
                return Err(ChoiceError::EmptyRanking);
            }
            known_and_distinct(question, ranking)
        }
        _ => Err(ChoiceError::WrongKind {
            expected,
            found: choice.kind(),
        }),
    }
}

fn known(question: &Question, ids: &[OptionId]) -> Result<(), ChoiceError> {
    for id in ids {
        if !question.options().iter().any(|o| o.id == *id) {
            return Err(ChoiceError::UnknownOption { option: *id });
        }
    }
    Ok(())
}

fn known_and_distinct(question: &Question, ids: &[OptionId]) -> Result<(), ChoiceError> {
    known(question, ids)?;
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(*id) {
            return Err(ChoiceError::DuplicateOption { option: *id });
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, MajorityRule, Ratio};

    fn opts() -> Vec<BallotOption> {
        (1..=4)
            .map(|i| BallotOption::new(i, format!("O{i}")))
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            text: "Q".into(),
            kind,
        }
    }

    fn ids(v: &[u32]) -> Vec<OptionId> {
        v.iter().copied().map(OptionId).collect()
    }

    #[test]
    fn every_choice_error_is_produced_and_named() {
        let yes_no = question(QuestionKind::YesNoAbstain {
            quorum: Ratio::ZERO,
            majority: MajorityRule::Simple,
        });
        let single = question(QuestionKind::SingleChoice {
            options: opts(),
            runoff: false,
        });
        let approval = question(QuestionKind::Approval {
            options: opts(),
            min_marks: 1,
            max_marks: 2,
        });
        let stv = question(QuestionKind::RankedStv {
            options: opts(),
            seats: 2,
        });
        let cases = [
            (
                validate(&yes_no, &Choice::Ranked(ids(&[1]))),
                ChoiceError::WrongKind {
                    expected: ChoiceKind::YesNo,
                    found: ChoiceKind::Ranked,
                },
            ),
            (
                validate(&single, &Choice::Single(SingleVote::For(OptionId(9)))),
                ChoiceError::UnknownOption {
                    option: OptionId(9),
                },
            ),
            (
                validate(&stv, &Choice::Ranked(ids(&[2, 1, 2]))),
                ChoiceError::DuplicateOption {
                    option: OptionId(2),
                },
            ),
            (
                validate(&approval, &Choice::Approval(ids(&[1, 2, 3]))),
                ChoiceError::TooManyMarks { max: 2, given: 3 },
            ),
            (
                validate(&approval, &Choice::Approval(vec![])),
                ChoiceError::TooFewMarks { min: 1, given: 0 },
            ),
            (
                validate(&stv, &Choice::Ranked(vec![])),
                ChoiceError::EmptyRanking,
            ),
        ];
        let mut seen = BTreeSet::new();
        for (got, want) in cases {
            assert_eq!(got, Err(want.clone()));
            assert!(!want.to_string().is_empty());
            // Exhaustive: a new variant does not compile until it has a case.
            seen.insert(match want {
                ChoiceError::WrongKind { .. } => 0,
                ChoiceError::UnknownOption { .. } => 1,
                ChoiceError::DuplicateOption { .. } => 2,
                ChoiceError::TooManyMarks { .. } => 3,
                ChoiceError::TooFewMarks { .. } => 4,
                ChoiceError::EmptyRanking => 5,
            });
        }
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn valid_choices_pass() {
        let schulze = question(QuestionKind::RankedSchulze { options: opts() });
        assert_eq!(validate(&schulze, &Choice::Ranked(ids(&[3]))), Ok(()));
        assert_eq!(
            validate(&schulze, &Choice::Ranked(ids(&[4, 3, 2, 1]))),
            Ok(())
        );
        let single = question(QuestionKind::SingleChoice {
            options: opts(),
            runoff: true,
        });
        assert_eq!(
            validate(&single, &Choice::Single(SingleVote::Abstain)),
            Ok(())
        );
        assert_eq!(
            validate(&single, &Choice::YesNo(YesNoVote::Yes)),
            Err(ChoiceError::WrongKind {
                expected: ChoiceKind::Single,
                found: ChoiceKind::YesNo
            })
        );
        let open_approval = question(QuestionKind::Approval {
            options: opts(),
            min_marks: 0,
            max_marks: 4,
        });
        assert_eq!(validate(&open_approval, &Choice::Approval(vec![])), Ok(()));
        // Unknown is reported before duplicate, whatever the order in the list.
        assert_eq!(
            validate(&open_approval, &Choice::Approval(ids(&[1, 1, 7]))),
            Err(ChoiceError::UnknownOption {
                option: OptionId(7)
            })
        );
    }

    #[test]
    fn choice_json_shape_is_stable() {
        let json = serde_json::to_string(&Choice::Ranked(ids(&[2, 1]))).unwrap();
        assert_eq!(json, r#"{"kind":"ranked","value":[2,1]}"#);
        let json = serde_json::to_string(&Choice::Single(SingleVote::For(OptionId(3)))).unwrap();
        assert_eq!(json, r#"{"kind":"single","value":{"for":3}}"#);
    }
}
