//! Question definitions and the checks an officer's definition must pass
//! before a ballot opens.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Stable identifier of an option within one question.
///
/// A `u32` rather than a string: ids are assigned by the ballot editor, never
/// typed by people, and a small integer keeps the election record compact
/// (a ranked ballot of a 370,000-member vote repeats them millions of times)
/// and gives a total order for free. Labels carry the human-readable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptionId(pub u32);

impl fmt::Display for OptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One option (candidate, motion variant, …) that a voter can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotOption {
    /// Stable id; choices and results refer to the option only by this.
    pub id: OptionId,
    /// Text shown to voters; never used for counting.
    pub label: String,
}

impl BallotOption {
    /// Convenience constructor.
    pub fn new(id: u32, label: impl Into<String>) -> Self {
        Self {
            id: OptionId(id),
            label: label.into(),
        }
    }
}

/// A non-negative rational number `numerator / denominator`.
///
/// Quorums and qualified majorities are rationals so that every decision is
/// an exact integer comparison (cross-multiplied in `u128`); a float could
/// turn a two-thirds majority by one vote into a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRatio", into = "RawRatio")]
pub struct Ratio {
    numerator: u64,
    denominator: u64,
}

/// Unchecked wire form of [`Ratio`]; deserialising goes through
/// [`Ratio::new`] so a record can never carry a zero denominator.
#[derive(Serialize, Deserialize)]
struct RawRatio {
    numerator: u64,
    denominator: u64,
}

impl TryFrom<RawRatio> for Ratio {
    type Error = QuestionError;
    fn try_from(raw: RawRatio) -> Result<Self, Self::Error> {
        Ratio::new(raw.numerator, raw.denominator)
    }
}

impl From<Ratio> for RawRatio {
    fn from(r: Ratio) -> Self {
        RawRatio {
            numerator: r.numerator,
            denominator: r.denominator,
        }
    }
}

impl Ratio {
    /// Zero: used as "no quorum".
    pub const ZERO: Ratio = Ratio {
        numerator: 0,
        denominator: 1,
    };

    /// Builds `numerator / denominator`; fails on a zero denominator.
    pub fn new(numerator: u64, denominator: u64) -> Result<Self, QuestionError> {
        if denominator == 0 {
            return Err(QuestionError::ZeroDenominator);
        }
        Ok(Self {
            numerator,
            denominator,
        })
    }

    /// The numerator as given (not reduced).
    pub fn numerator(&self) -> u64 {
        self.numerator
    }

    /// The denominator as given (not reduced), never zero.
    pub fn denominator(&self) -> u64 {
        self.denominator
    }

    /// Whether `part >= self × whole`, exactly.
    pub fn is_reached_by(&self, part: u64, whole: u64) -> bool {
        u128::from(part) * u128::from(self.denominator)
            >= u128::from(self.numerator) * u128::from(whole)
    }

    fn exceeds_one(&self) -> bool {
        self.numerator > self.denominator
    }

    fn at_most_half(&self) -> bool {
        u128::from(self.numerator) * 2 <= u128::from(self.denominator)
    }
}

/// When a yes/no question is accepted, given that the quorum is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum MajorityRule {
    /// More yes than no votes; abstentions do not count.
    Simple,
    /// More yes votes than half of all valid votes, abstentions included
    /// (so an abstention acts like a no).
    Absolute,
    /// Yes votes are at least `share` of yes + no votes (abstentions do not
    /// count), e.g. 2/3 for statute changes. `share` must lie in (1/2, 1] so
    /// that a tie can never pass.
    Qualified {
        /// Required share of yes among yes + no.
        share: Ratio,
    },
}

/// The counting method and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// A motion answered yes, no or abstain.
    YesNoAbstain {
        /// Participation quorum: valid ballots (abstentions included) must
        /// be at least this share of the electorate. [`Ratio::ZERO`] means
        /// no quorum.
        quorum: Ratio,
        /// Majority needed for acceptance.
        majority: MajorityRule,
    },
    /// Pick one option (or abstain); plurality, or majority with runoff.
    SingleChoice {
        /// The options.
        options: Vec<BallotOption>,
        /// If set, a winner needs more than half of the votes for options;
        /// otherwise the result names the two options for a runoff.
        runoff: bool,
    },
    /// Mark any number of options between `min_marks` and `max_marks`.
    Approval {
        /// The options.
        options: Vec<BallotOption>,
        /// Fewest marks a valid ballot has (0 allows an empty, abstaining ballot).
        min_marks: u32,
        /// Most marks a valid ballot has.
        max_marks: u32,
    },
    /// Ranked ballot, one winner by the Schulze method.
    RankedSchulze {
        /// The options.
        options: Vec<BallotOption>,
    },
    /// Ranked ballot, `seats` winners by single transferable vote under the
    /// Scottish rules (see [`crate::stv`]).
    RankedStv {
        /// The candidates.
        options: Vec<BallotOption>,
        /// Number of seats to fill.
        seats: u32,
    },
}

/// A question on a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The question as shown to voters.
    pub text: String,
    /// Counting method and its parameters.
    pub kind: QuestionKind,
}

/// Why a question definition is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum QuestionError {
    /// A ratio was given a zero denominator.
    ZeroDenominator,
    /// A question with options has none.
    NoOptions,
    /// Two options share one id, so choices could not say which is meant.
    DuplicateOptionId {
        /// The repeated id.
        option: OptionId,
    },
    /// The quorum is more than the whole electorate and could never be met.
    QuorumAboveOne,
    /// A qualified majority share outside (1/2, 1]: at or below one half a
    /// tied vote would pass, above one it could never pass.
    QualifiedShareOutOfRange,
    /// Approval limits admit no ballot: `max_marks` is zero, `min_marks`
    /// exceeds `max_marks`, or `min_marks` exceeds the number of options.
    InvalidMarkLimits {
        /// Given minimum.
        min_marks: u32,
        /// Given maximum.
        max_marks: u32,
    },
    /// An STV question with zero seats.
    NoSeats,
    /// A tie-break order that is not a permutation of the question's option ids.
    TieOrderMismatch,
}

impl fmt::Display for QuestionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroDenominator => write!(f, "a ratio has denominator zero"),
            Self::NoOptions => write!(f, "the question has no options"),
            Self::DuplicateOptionId { option } => write!(f, "option id {option} is used twice"),
            Self::QuorumAboveOne => write!(f, "the quorum exceeds the whole electorate"),
            Self::QualifiedShareOutOfRange => {
                write!(
                    f,
                    "a qualified majority must lie above one half and at most one"
                )
            }
            Self::InvalidMarkLimits {
                min_marks,
                max_marks,
            } => write!(
                f,
                "approval limits {min_marks}..={max_marks} admit no valid ballot"
            ),
            Self::NoSeats => write!(f, "an STV question needs at least one seat"),
            Self::TieOrderMismatch => {
                write!(
                    f,
                    "the tie-break order is not a permutation of the option ids"
                )
            }
        }
    }
}

impl std::error::Error for QuestionError {}

impl Question {
    /// The options of the question; empty for yes/no questions.
    pub fn options(&self) -> &[BallotOption] {
        match &self.kind {
            QuestionKind::YesNoAbstain { .. } => &[],
            QuestionKind::SingleChoice { options, .. }
            | QuestionKind::Approval { options, .. }
            | QuestionKind::RankedSchulze { options }
            | QuestionKind::RankedStv { options, .. } => options,
        }
    }

    /// The option ids in definition order.
    pub fn option_ids(&self) -> Vec<OptionId> {
        self.options().iter().map(|o| o.id).collect()
    }

    /// Checks that the definition can be voted on and counted.
    ///
    /// [`crate::tally`] is total and counts even a question that fails this
    /// check (so a verifier can recompute any published record), but a ballot
    /// must not open with such a question.
    pub fn check(&self) -> Result<(), QuestionError> {
        match &self.kind {
            QuestionKind::YesNoAbstain { quorum, majority } => {
                if quorum.exceeds_one() {
                    return Err(QuestionError::QuorumAboveOne);
                }
                if let MajorityRule::Qualified { share } = majority {
                    if share.at_most_half() || share.exceeds_one() {
                        return Err(QuestionError::QualifiedShareOutOfRange);
                    }
                }
                Ok(())
            }
            QuestionKind::SingleChoice { options, .. }
            | QuestionKind::RankedSchulze { options } => check_options(options),
            QuestionKind::Approval {
                options,
                min_marks,
                max_marks,
            } => {
                check_options(options)?;
                let too_many_required =
                    usize::try_from(*min_marks).map_or(true, |min| min > options.len());
                if *max_marks == 0 || min_marks > max_marks || too_many_required {
                    return Err(QuestionError::InvalidMarkLimits {
                        min_marks: *min_marks,
                        max_marks: *max_marks,
                    });
                }
                Ok(())
            }
            QuestionKind::RankedStv { options, seats } => {
                check_options(options)?;
                if *seats == 0 {
                    return Err(QuestionError::NoSeats);
                }
                Ok(())
            }
        }
    }
}

fn check_options(options: &[BallotOption]) -> Result<(), QuestionError> {
    if options.is_empty() {
        return Err(QuestionError::NoOptions);
    }
    let mut seen = BTreeSet::new();
    for option in options {
        if !seen.insert(option.id) {
            return Err(QuestionError::DuplicateOptionId { option: option.id });
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn opts(n: u32) -> Vec<BallotOption> {
        (1..=n)
            .map(|i| BallotOption::new(i, format!("O{i}")))
            .collect()
    }

    fn q(kind: QuestionKind) -> Question {
        Question {
            text: "Q".into(),
            kind,
        }
    }

    #[test]
    fn ratio_compares_exactly() {
        let two_thirds = Ratio::new(2, 3).unwrap();
        assert!(two_thirds.is_reached_by(2, 3));
        assert!(!two_thirds.is_reached_by(199_999, 300_000));
        assert!(two_thirds.is_reached_by(u64::MAX, u64::MAX));
        assert_eq!(Ratio::new(1, 0), Err(QuestionError::ZeroDenominator));
    }

    #[test]
    fn ratio_with_zero_denominator_does_not_deserialise() {
        let bad: Result<Ratio, _> = serde_json::from_str(r#"{"numerator":1,"denominator":0}"#);
        assert!(bad.is_err());
        let good: Ratio = serde_json::from_str(r#"{"numerator":1,"denominator":4}"#).unwrap();
        assert_eq!(good, Ratio::new(1, 4).unwrap());
    }

    #[test]
    fn question_round_trips_through_json() {
        let question = q(QuestionKind::YesNoAbstain {
            quorum: Ratio::new(1, 10).unwrap(),
            majority: MajorityRule::Qualified {
                share: Ratio::new(2, 3).unwrap(),
            },
        });
        let json = serde_json::to_string(&question).unwrap();
        assert_eq!(serde_json::from_str::<Question>(&json).unwrap(), question);
    }

    #[test]
    fn every_question_error_is_produced() {
        let cases = [
            (
                q(QuestionKind::SingleChoice {
                    options: vec![],
                    runoff: false,
                })
                .check(),
                QuestionError::NoOptions,
            ),
            (
                q(QuestionKind::RankedSchulze {
                    options: vec![BallotOption::new(1, "a"), BallotOption::new(1, "b")],
                })
                .check(),
                QuestionError::DuplicateOptionId {
                    option: OptionId(1),
                },
            ),
            (
                q(QuestionKind::YesNoAbstain {
                    quorum: Ratio::new(3, 2).unwrap(),
                    majority: MajorityRule::Simple,
                })
                .check(),
                QuestionError::QuorumAboveOne,
            ),
            (
                q(QuestionKind::YesNoAbstain {
                    quorum: Ratio::ZERO,
                    majority: MajorityRule::Qualified {
                        share: Ratio::new(1, 2).unwrap(),
                    },
                })
                .check(),
                QuestionError::QualifiedShareOutOfRange,
            ),
            (
                q(QuestionKind::Approval {
                    options: opts(3),
                    min_marks: 4,
                    max_marks: 5,
                })
                .check(),
                QuestionError::InvalidMarkLimits {
                    min_marks: 4,
                    max_marks: 5,
                },
            ),
            (
                q(QuestionKind::RankedStv {
                    options: opts(3),
                    seats: 0,
                })
                .check(),
                QuestionError::NoSeats,
            ),
            (Ratio::new(1, 0).map(|_| ()), QuestionError::ZeroDenominator),
            (
                crate::TieBreaker::from_order(vec![OptionId(1)])
                    .check_against(&q(QuestionKind::RankedSchulze { options: opts(2) })),
                QuestionError::TieOrderMismatch,
            ),
        ];
        let mut seen = BTreeSet::new();
        for (got, want) in cases {
            assert_eq!(got, Err(want.clone()));
            // Exhaustive match: a new variant fails to compile here until a
            // case for it is added above.
            let name = match want {
                QuestionError::ZeroDenominator => "zero_denominator",
                QuestionError::NoOptions => "no_options",
                QuestionError::DuplicateOptionId { .. } => "duplicate_option_id",
                QuestionError::QuorumAboveOne => "quorum_above_one",
                QuestionError::QualifiedShareOutOfRange => "qualified_share",
                QuestionError::InvalidMarkLimits { .. } => "invalid_mark_limits",
                QuestionError::NoSeats => "no_seats",
                QuestionError::TieOrderMismatch => "tie_order_mismatch",
            };
            seen.insert(name);
        }
        assert_eq!(seen.len(), 8);
    }

    #[test]
    fn sound_definitions_pass() {
        let good = [
            q(QuestionKind::YesNoAbstain {
                quorum: Ratio::new(1, 4).unwrap(),
                majority: MajorityRule::Qualified {
                    share: Ratio::new(2, 3).unwrap(),
                },
            }),
            q(QuestionKind::Approval {
                options: opts(3),
                min_marks: 0,
                max_marks: 3,
            }),
            q(QuestionKind::RankedStv {
                options: opts(3),
                seats: 5,
            }),
        ];
        for question in good {
            assert_eq!(question.check(), Ok(()));
        }
        let high_share = q(QuestionKind::YesNoAbstain {
            quorum: Ratio::ZERO,
            majority: MajorityRule::Qualified {
                share: Ratio::new(5, 4).unwrap(),
            },
        });
        assert_eq!(
            high_share.check(),
            Err(QuestionError::QualifiedShareOutOfRange)
        );
    }
}
