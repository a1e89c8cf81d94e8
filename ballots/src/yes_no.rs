//! Yes/no/abstain with a participation quorum and a majority rule.

use crate::choice::{Choice, YesNoVote};
use crate::question::{MajorityRule, Ratio};
use crate::result::Outcome;
use serde::{Deserialize, Serialize};

/// Result of a yes/no/abstain question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YesNoResult {
    /// Yes votes.
    pub yes: u64,
    /// No votes.
    pub no: u64,
    /// Explicit abstentions.
    pub abstain: u64,
    /// The quorum applied (share of the electorate).
    pub quorum: Ratio,
    /// Whether valid ballots (yes + no + abstain) reached the quorum.
    pub quorum_reached: bool,
    /// The majority rule applied.
    pub majority: MajorityRule,
    /// Whether the votes met the majority rule.
    pub majority_reached: bool,
    /// Accepted: quorum and majority both reached.
    pub accepted: bool,
}

/// Counts valid yes/no choices. Returns the outcome and the abstentions.
pub(crate) fn count(
    quorum: Ratio,
    majority: MajorityRule,
    electorate: u64,
    valid: &[&Choice],
) -> (Outcome, u64) {
    let (mut yes, mut no, mut abstain) = (0u64, 0u64, 0u64);
    for choice in valid {
        match choice {
            Choice::YesNo(YesNoVote::Yes) => yes += 1,
            Choice::YesNo(YesNoVote::No) => no += 1,
            Choice::YesNo(YesNoVote::Abstain) => abstain += 1,
            _ => {}
        }
    }
    let result = decide(quorum, majority, electorate, yes, no, abstain);
    (Outcome::YesNo(result), abstain)
}

/// Applies the quorum and the majority rule to the counts of yes, no and
/// abstain; shared by the count of plaintext choices and the count from
/// decrypted per-option sums ([`crate::counts`]), so both decide alike.
pub(crate) fn decide(
    quorum: Ratio,
    majority: MajorityRule,
    electorate: u64,
    yes: u64,
    no: u64,
    abstain: u64,
) -> YesNoResult {
    let participation = yes + no + abstain;
    // Abstaining is taking part: members who abstain help reach the quorum.
    let quorum_reached = quorum.is_reached_by(participation, electorate);
    let majority_reached = match majority {
        MajorityRule::Simple => yes > no,
        MajorityRule::Absolute => u128::from(yes) * 2 > u128::from(participation),
        // With no yes and no votes nobody supported the motion; without the
        // guard 0 >= share × 0 would accept it.
        MajorityRule::Qualified { share } => yes + no > 0 && share.is_reached_by(yes, yes + no),
    };
    YesNoResult {
        yes,
        no,
        abstain,
        quorum,
        quorum_reached,
        majority,
        majority_reached,
        accepted: quorum_reached && majority_reached,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{Question, QuestionKind};
    use crate::{tally, TieBreaker};

    fn run(
        quorum: Ratio,
        majority: MajorityRule,
        electorate: u64,
        y: usize,
        n: usize,
        a: usize,
    ) -> YesNoResult {
        let question = Question {
            text: "Motion".into(),
            kind: QuestionKind::YesNoAbstain { quorum, majority },
        };
        let mut choices = vec![Choice::YesNo(YesNoVote::Yes); y];
        choices.extend(vec![Choice::YesNo(YesNoVote::No); n]);
        choices.extend(vec![Choice::YesNo(YesNoVote::Abstain); a]);
        match tally(
            &question,
            electorate,
            &choices,
            &TieBreaker::from_order(vec![]),
        )
        .outcome
        {
            Outcome::YesNo(r) => r,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn simple_majority_ignores_abstentions_and_ties_fail() {
        let r = run(Ratio::ZERO, MajorityRule::Simple, 100, 3, 2, 50);
        assert!(r.accepted);
        let r = run(Ratio::ZERO, MajorityRule::Simple, 100, 3, 3, 0);
        assert!(!r.majority_reached);
    }

    #[test]
    fn absolute_majority_counts_abstentions() {
        // 5 of 10 valid is not more than half.
        let r = run(Ratio::ZERO, MajorityRule::Absolute, 100, 5, 1, 4);
        assert!(!r.majority_reached);
        let r = run(Ratio::ZERO, MajorityRule::Absolute, 100, 6, 1, 4);
        assert!(r.majority_reached);
    }

    #[test]
    fn two_thirds_is_exact() {
        let share = Ratio::new(2, 3).unwrap();
        let rule = MajorityRule::Qualified { share };
        assert!(run(Ratio::ZERO, rule, 100, 20, 10, 9).majority_reached);
        assert!(!run(Ratio::ZERO, rule, 100, 19, 10, 9).majority_reached);
        assert!(!run(Ratio::ZERO, rule, 100, 0, 0, 9).majority_reached);
    }

    #[test]
    fn quorum_counts_abstentions_and_is_inclusive() {
        // Quorum one quarter of 370,000 = 92,500 valid ballots.
        let quarter = Ratio::new(1, 4).unwrap();
        let r = run(
            quarter,
            MajorityRule::Simple,
            370_000,
            50_000,
            30_000,
            12_500,
        );
        assert!(r.quorum_reached && r.accepted);
        let r = run(
            quarter,
            MajorityRule::Simple,
            370_000,
            50_000,
            30_000,
            12_499,
        );
        assert!(!r.quorum_reached && r.majority_reached && !r.accepted);
    }
}
