//! Results from per-option counts, for protocol "encrypted".
//!
//! Under protocol "encrypted" nobody sees a single choice: the trustees
//! decrypt only the sums of all counting ballots, one number per encrypted
//! option (`docs/election-record.md`, E.4). [`tally_counts`] turns those
//! numbers into the same [`QuestionResult`] that [`crate::tally`] gives for
//! the plaintext choices; both go through the same decision code (quorum,
//! majority, runoff, ranking, lot), and a property test checks that they
//! agree on every valid set of choices.
//!
//! Every counted encrypted ballot carries proofs that it is valid, so
//! `invalid` is 0 and `valid` = `cast` = the number of counting ballots.

use crate::choice::{validate, Choice, SingleVote, YesNoVote};
use crate::question::{Question, QuestionKind};
use crate::result::{BallotCounts, Outcome, QuestionResult};
use crate::tie::TieBreaker;
use crate::{approval, single, yes_no, Counter};
use std::fmt;

/// Number of encrypted options of a question (E.4): yes, no, abstain for
/// yes/no; the options and "abstain" for single choice; the options, and a
/// last "none" option when `min_marks` is 0, for approval. `None` for
/// ranked questions, which protocol "encrypted" does not carry.
pub fn encrypted_options(question: &Question) -> Option<usize> {
    match &question.kind {
        QuestionKind::YesNoAbstain { .. } => Some(3),
        QuestionKind::SingleChoice { options, .. } => Some(options.len() + 1),
        QuestionKind::Approval {
            options, min_marks, ..
        } => Some(options.len() + usize::from(*min_marks == 0)),
        QuestionKind::RankedSchulze { .. } | QuestionKind::RankedStv { .. } => None,
    }
}

/// The marks (0 or 1 per encrypted option, E.4) that encrypt `choice`;
/// `None` if the choice is not valid for the question or the question is
/// ranked. The "none" option of an approval with `min_marks` 0 is marked
/// exactly when no other option is.
pub fn encryption_marks(question: &Question, choice: &Choice) -> Option<Vec<u8>> {
    validate(question, choice).ok()?;
    let mut marks = vec![0u8; encrypted_options(question)?];
    let order = question.option_ids();
    let position = |id| order.iter().position(|o| *o == id);
    let marked: Vec<usize> = match choice {
        Choice::YesNo(YesNoVote::Yes) => vec![0],
        Choice::YesNo(YesNoVote::No) => vec![1],
        Choice::YesNo(YesNoVote::Abstain) => vec![2],
        Choice::Single(SingleVote::For(id)) => vec![position(*id)?],
        Choice::Single(SingleVote::Abstain) => vec![order.len()],
        Choice::Approval(ids) if ids.is_empty() => vec![order.len()],
        Choice::Approval(ids) => ids.iter().map(|id| position(*id)).collect::<Option<_>>()?,
        Choice::Ranked(_) => return None,
    };
    for i in marked {
        *marks.get_mut(i)? = 1;
    }
    Some(marks)
}

/// Why per-option counts cannot be a question's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountsError {
    /// Ranked questions are not counted from sums.
    Ranked,
    /// Not one count per encrypted option (E.4).
    WrongLength {
        /// Encrypted options of the question.
        expected: usize,
        /// Counts given.
        given: usize,
    },
    /// The counts cannot come from `ballots` valid ballots: for yes/no and
    /// single choice they must add up to it (one mark per ballot), for
    /// approval no option can have more marks than there are ballots.
    Inconsistent {
        /// Counting ballots.
        ballots: u64,
    },
}

impl fmt::Display for CountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ranked => write!(f, "a ranked question is not counted from sums"),
            Self::WrongLength { expected, given } => {
                write!(f, "{given} counts for {expected} encrypted options")
            }
            Self::Inconsistent { ballots } => {
                write!(f, "the counts cannot come from {ballots} valid ballots")
            }
        }
    }
}

impl std::error::Error for CountsError {}

/// The result of `question` from its per-option counts (E.4 order:
/// abstain or "none" last), `ballots` counting ballots (all valid),
/// the electorate and the lot. Equal to [`crate::tally`] of any list of
/// `ballots` valid choices whose marks add up to `counts`.
pub fn tally_counts(
    question: &Question,
    electorate: u64,
    ballots: u64,
    counts: &[u64],
    lot: &TieBreaker,
) -> Result<QuestionResult, CountsError> {
    let expected = encrypted_options(question).ok_or(CountsError::Ranked)?;
    if counts.len() != expected {
        return Err(CountsError::WrongLength {
            expected,
            given: counts.len(),
        });
    }
    let inconsistent = CountsError::Inconsistent { ballots };
    let one_mark_each = || {
        let sum = counts
            .iter()
            .try_fold(0u64, |acc, n| acc.checked_add(*n))
            .ok_or(inconsistent.clone())?;
        if sum == ballots {
            Ok(())
        } else {
            Err(inconsistent.clone())
        }
    };
    let order = question.option_ids();
    let counter = |n: usize| {
        let mut counter = Counter::new(&order);
        for (id, votes) in order.iter().zip(counts.iter().take(n)) {
            counter.add(*id, *votes);
        }
        counter
    };
    let (outcome, abstentions) = match (&question.kind, counts) {
        (QuestionKind::YesNoAbstain { quorum, majority }, [yes, no, abstain]) => {
            one_mark_each()?;
            let result = yes_no::decide(*quorum, *majority, electorate, *yes, *no, *abstain);
            (Outcome::YesNo(result), *abstain)
        }
        (QuestionKind::SingleChoice { runoff, .. }, [.., abstain]) => {
            one_mark_each()?;
            let counter = counter(order.len());
            let result = single::decide(&order, *runoff, &counter, lot);
            (Outcome::Single(result), *abstain)
        }
        (QuestionKind::Approval { min_marks, .. }, _) => {
            if counts.iter().any(|n| *n > ballots) {
                return Err(inconsistent);
            }
            // The "none" option exists only when an empty ballot is valid.
            let none = if *min_marks == 0 {
                counts.last().copied().unwrap_or(0)
            } else {
                0
            };
            let result = approval::decide(&order, &counter(order.len()), lot);
            (Outcome::Approval(result), none)
        }
        _ => {
            return Err(CountsError::WrongLength {
                expected,
                given: counts.len(),
            })
        }
    };
    Ok(QuestionResult {
        electorate,
        ballots: BallotCounts {
            cast: ballots,
            valid: ballots,
            invalid: 0,
            abstentions,
        },
        outcome,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, MajorityRule, OptionId, Ratio};

    fn approval(min: u32, max: u32) -> Question {
        Question {
            text: "Board".into(),
            kind: QuestionKind::Approval {
                options: (1..=3).map(|i| BallotOption::new(i, "x")).collect(),
                min_marks: min,
                max_marks: max,
            },
        }
    }

    #[test]
    fn marks_follow_e4() {
        let yes_no = Question {
            text: "Motion".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::ZERO,
                majority: MajorityRule::Simple,
            },
        };
        let abstain = Choice::YesNo(YesNoVote::Abstain);
        assert_eq!(encryption_marks(&yes_no, &abstain), Some(vec![0, 0, 1]));
        let q = approval(0, 2);
        let empty = Choice::Approval(vec![]);
        assert_eq!(encryption_marks(&q, &empty), Some(vec![0, 0, 0, 1]));
        let two = Choice::Approval(vec![OptionId(3), OptionId(1)]);
        assert_eq!(encryption_marks(&q, &two), Some(vec![1, 0, 1, 0]));
        let three = Choice::Approval(vec![OptionId(1), OptionId(2), OptionId(3)]);
        assert_eq!(encryption_marks(&q, &three), None);
        assert_eq!(encrypted_options(&approval(1, 2)), Some(3));
    }

    #[test]
    fn counts_that_no_ballots_give_are_refused() {
        let lot = TieBreaker::from_order(vec![]);
        let q = approval(1, 2);
        assert_eq!(
            tally_counts(&q, 10, 2, &[1, 2], &lot),
            Err(CountsError::WrongLength {
                expected: 3,
                given: 2
            })
        );
        assert_eq!(
            tally_counts(&q, 10, 2, &[1, 3, 0], &lot),
            Err(CountsError::Inconsistent { ballots: 2 })
        );
        let yes_no = Question {
            text: "Motion".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::ZERO,
                majority: MajorityRule::Simple,
            },
        };
        assert_eq!(
            tally_counts(&yes_no, 10, 2, &[1, 1, 1], &lot),
            Err(CountsError::Inconsistent { ballots: 2 })
        );
        assert_eq!(
            tally_counts(&yes_no, 10, 2, &[u64::MAX, 1, 1], &lot),
            Err(CountsError::Inconsistent { ballots: 2 })
        );
    }
}
