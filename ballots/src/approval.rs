//! Approval voting: each valid ballot gives one mark to each option it
//! marks; options are ranked by marks.

use crate::choice::Choice;
use crate::question::OptionId;
use crate::result::{OptionCount, Outcome};
use crate::tie::{groups_by_score, ranking_from_groups, TieBreak, TieBreaker};
use crate::Counter;
use serde::{Deserialize, Serialize};

/// Result of an approval question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalResult {
    /// Marks per option, in question order.
    pub counts: Vec<OptionCount>,
    /// All options by marks, most first; equal marks ordered by lot.
    pub ranking: Vec<OptionId>,
    /// The option with most marks; `None` if no valid ballot marked anything.
    pub winner: Option<OptionId>,
    /// Every lot drawn for the ranking (first place recorded as a winner tie).
    pub ties: Vec<TieBreak>,
}

/// Counts valid approval ballots. Returns the outcome and the abstentions
/// (valid ballots without marks).
pub(crate) fn count(order: &[OptionId], valid: &[&Choice], lot: &TieBreaker) -> (Outcome, u64) {
    let mut counter = Counter::new(order);
    let mut abstentions = 0u64;
    for choice in valid {
        if let Choice::Approval(marks) = choice {
            if marks.is_empty() {
                abstentions += 1;
            }
            for id in marks {
                counter.add(*id, 1);
            }
        }
    }
    (Outcome::Approval(decide(order, &counter, lot)), abstentions)
}

/// Ranks approval marks per option; shared by the count of plaintext
/// choices and the count from decrypted per-option sums
/// ([`crate::counts`]), so both decide alike.
pub(crate) fn decide(order: &[OptionId], counter: &Counter, lot: &TieBreaker) -> ApprovalResult {
    let groups = groups_by_score(counter.pairs(), lot);
    let mut ties = Vec::new();
    let ranking = ranking_from_groups(&groups, order, &mut ties);
    let any_marks = counter.pairs().iter().any(|(_, v)| *v > 0);
    ApprovalResult {
        counts: counter.to_option_counts(),
        winner: ranking.first().copied().filter(|_| any_marks),
        ranking,
        ties,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, Question, QuestionKind};
    use crate::tie::TiePurpose;
    use crate::{tally, TieBreaker};

    fn ids(v: &[u32]) -> Vec<OptionId> {
        v.iter().copied().map(OptionId).collect()
    }

    #[test]
    fn counts_marks_and_skips_invalid_ballots() {
        let question = Question {
            text: "Board".into(),
            kind: QuestionKind::Approval {
                options: (1..=3)
                    .map(|i| BallotOption::new(i, format!("C{i}")))
                    .collect(),
                min_marks: 0,
                max_marks: 2,
            },
        };
        let choices = vec![
            Choice::Approval(ids(&[1, 2])),
            Choice::Approval(ids(&[2])),
            Choice::Approval(ids(&[3, 2])),
            Choice::Approval(vec![]),
            Choice::Approval(ids(&[1, 2, 3])), // too many: invalid
            Choice::Approval(ids(&[1, 1])),    // duplicate: invalid
        ];
        let lot = TieBreaker::in_option_order(&question);
        let result = tally(&question, 10, &choices, &lot);
        assert_eq!(result.ballots.valid, 4);
        assert_eq!(result.ballots.invalid, 2);
        assert_eq!(result.ballots.abstentions, 1);
        let Outcome::Approval(r) = result.outcome else {
            panic!("wrong outcome")
        };
        let marks: Vec<u64> = r.counts.iter().map(|c| c.votes).collect();
        assert_eq!(marks, vec![1, 3, 1]);
        assert_eq!(r.winner, Some(OptionId(2)));
        assert_eq!(r.ranking, ids(&[2, 1, 3]));
        assert_eq!(r.ties.len(), 1);
        assert_eq!(r.ties[0].purpose, TiePurpose::RankingOrder { position: 2 });
        assert_eq!(r.ties[0].decided, ids(&[1, 3]));
    }
}
