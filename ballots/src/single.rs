//! Single choice: plurality, or absolute majority with a runoff.
//!
//! The absolute majority is taken over the votes for options; abstentions
//! are not votes cast. This follows the German association-law reading of
//! "majority of the votes cast" that party statutes build on. (Yes/no
//! questions offer [`crate::MajorityRule::Absolute`] where abstentions
//! should count against.)

use crate::choice::{Choice, SingleVote};
use crate::question::OptionId;
use crate::result::{OptionCount, Outcome};
use crate::tie::{groups_by_score, top_places, TieBreak, TieBreaker, TiePurpose};
use crate::Counter;
use serde::{Deserialize, Serialize};

/// The two options that go to a runoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runoff {
    /// The option placed first.
    pub first: OptionId,
    /// The option placed second.
    pub second: OptionId,
}

/// Result of a single-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleResult {
    /// Votes per option, in question order.
    pub counts: Vec<OptionCount>,
    /// Sum of votes for options (abstentions excluded).
    pub votes_for_options: u64,
    /// Whether the question asked for a runoff when no absolute majority.
    pub runoff_rule: bool,
    /// The option with more than half of `votes_for_options`, if any.
    pub absolute_majority: Option<OptionId>,
    /// The winner: the absolute-majority option, or without the runoff rule
    /// the option with most votes. `None` if nobody voted for any option or
    /// a runoff is needed.
    pub winner: Option<OptionId>,
    /// The two options for the runoff, when the runoff rule applies and no
    /// option has an absolute majority.
    pub runoff: Option<Runoff>,
    /// Lots drawn (for first place or the runoff places).
    pub ties: Vec<TieBreak>,
}

/// Counts valid single choices. Returns the outcome and the abstentions.
pub(crate) fn count(
    order: &[OptionId],
    runoff_rule: bool,
    valid: &[&Choice],
    lot: &TieBreaker,
) -> (Outcome, u64) {
    let mut counter = Counter::new(order);
    let mut abstentions = 0u64;
    for choice in valid {
        match choice {
            Choice::Single(SingleVote::For(id)) => counter.add(*id, 1),
            Choice::Single(SingleVote::Abstain) => abstentions += 1,
            _ => {}
        }
    }
    (
        Outcome::Single(decide(order, runoff_rule, &counter, lot)),
        abstentions,
    )
}

/// Decides a single-choice question from its votes per option; shared by
/// the count of plaintext choices and the count from decrypted per-option
/// sums ([`crate::counts`]), so both decide alike.
pub(crate) fn decide(
    order: &[OptionId],
    runoff_rule: bool,
    counter: &Counter,
    lot: &TieBreaker,
) -> SingleResult {
    let votes_for_options: u64 = counter.pairs().iter().map(|(_, v)| v).sum();
    let groups = groups_by_score(counter.pairs(), lot);
    let absolute_majority = groups
        .first()
        .filter(|(votes, ids)| {
            ids.len() == 1 && u128::from(*votes) * 2 > u128::from(votes_for_options)
        })
        .and_then(|(_, ids)| ids.first().copied());

    let mut ties = Vec::new();
    let mut winner = None;
    let mut runoff = None;
    if votes_for_options > 0 {
        if let Some(id) = absolute_majority {
            winner = Some(id);
        } else if runoff_rule {
            let places = top_places(&groups, 2, TiePurpose::RunoffPlaces, order, &mut ties);
            if let [first, second] = places.as_slice() {
                runoff = Some(Runoff {
                    first: *first,
                    second: *second,
                });
            }
        } else {
            winner = top_places(&groups, 1, TiePurpose::Winner, order, &mut ties)
                .first()
                .copied();
        }
    }
    SingleResult {
        counts: counter.to_option_counts(),
        votes_for_options,
        runoff_rule,
        absolute_majority,
        winner,
        runoff,
        ties,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, Question, QuestionKind};
    use crate::tally;
    use crate::tie::TieResolution;

    fn run(
        votes: &[(u32, usize)],
        abstain: usize,
        runoff: bool,
        lot: &[u32],
    ) -> (SingleResult, crate::BallotCounts) {
        let question = Question {
            text: "Chair".into(),
            kind: QuestionKind::SingleChoice {
                options: (1..=4)
                    .map(|i| BallotOption::new(i, format!("C{i}")))
                    .collect(),
                runoff,
            },
        };
        let mut choices = vec![];
        for (id, n) in votes {
            choices.extend(vec![Choice::Single(SingleVote::For(OptionId(*id))); *n]);
        }
        choices.extend(vec![Choice::Single(SingleVote::Abstain); abstain]);
        choices.push(Choice::Single(SingleVote::For(OptionId(99))));
        let lot = TieBreaker::from_order(lot.iter().copied().map(OptionId).collect());
        let result = tally(&question, 1000, &choices, &lot);
        match result.outcome {
            Outcome::Single(r) => (r, result.ballots),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn absolute_majority_ignores_abstentions() {
        let (r, ballots) = run(&[(1, 6), (2, 5)], 20, true, &[1, 2, 3, 4]);
        assert_eq!(r.winner, Some(OptionId(1)));
        assert_eq!(r.runoff, None);
        assert_eq!(ballots.invalid, 1);
        assert_eq!(ballots.abstentions, 20);
        assert_eq!(ballots.valid, 31);
    }

    #[test]
    fn runoff_between_top_two_with_lot_for_second_place() {
        let (r, _) = run(&[(1, 5), (2, 3), (3, 3), (4, 1)], 0, true, &[4, 3, 2, 1]);
        assert_eq!(r.winner, None);
        assert_eq!(
            r.runoff,
            Some(Runoff {
                first: OptionId(1),
                second: OptionId(3)
            })
        );
        assert_eq!(r.ties.len(), 1);
        assert_eq!(r.ties[0].tied, vec![OptionId(2), OptionId(3)]);
        assert_eq!(r.ties[0].resolution, TieResolution::Lot);
    }

    #[test]
    fn two_tied_leaders_go_to_runoff_without_lot() {
        let (r, _) = run(&[(1, 4), (2, 4), (3, 1)], 0, true, &[4, 3, 2, 1]);
        assert_eq!(
            r.runoff,
            Some(Runoff {
                first: OptionId(2),
                second: OptionId(1)
            })
        );
        assert!(r.ties.is_empty());
    }

    #[test]
    fn plurality_tie_is_drawn_and_recorded() {
        let (r, _) = run(&[(1, 4), (2, 4), (3, 1)], 0, false, &[2, 1, 3, 4]);
        assert_eq!(r.winner, Some(OptionId(2)));
        assert_eq!(r.ties[0].purpose, TiePurpose::Winner);
        assert_eq!(r.ties[0].decided, vec![OptionId(2)]);
    }

    #[test]
    fn no_votes_no_winner() {
        let (r, _) = run(&[], 3, false, &[1, 2, 3, 4]);
        assert_eq!(r.winner, None);
        assert!(r.ties.is_empty());
    }
}
