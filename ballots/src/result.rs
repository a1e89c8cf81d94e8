//! The result of counting one question, detailed enough to display it and
//! for anybody to re-check it from the election record.

use crate::approval::ApprovalResult;
use crate::question::OptionId;
use crate::schulze::SchulzeResult;
use crate::single::SingleResult;
use crate::stv::StvResult;
use crate::tie::TieBreak;
use crate::yes_no::YesNoResult;
use serde::{Deserialize, Serialize};

/// How many ballots were counted and how they split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotCounts {
    /// All choices handed to the count.
    pub cast: u64,
    /// Choices that passed [`crate::validate`]; abstentions included.
    pub valid: u64,
    /// Choices that failed [`crate::validate`]; they count for nothing.
    pub invalid: u64,
    /// Valid choices that support no option: explicit abstentions, or empty
    /// approval ballots. Ranked ballots have no abstention.
    pub abstentions: u64,
}

/// Votes (or marks, or first preferences) for one option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    /// The option.
    pub option: OptionId,
    /// Its count.
    pub votes: u64,
}

/// Method-specific part of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Outcome {
    /// Yes/no/abstain.
    YesNo(YesNoResult),
    /// Single choice.
    Single(SingleResult),
    /// Approval.
    Approval(ApprovalResult),
    /// Schulze.
    Schulze(SchulzeResult),
    /// Scottish STV.
    Stv(StvResult),
}

/// The result of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    /// Size of the frozen electorate the count was told.
    pub electorate: u64,
    /// Ballot totals.
    pub ballots: BallotCounts,
    /// Method-specific detail.
    pub outcome: Outcome,
}

impl QuestionResult {
    /// Options that won (STV: in order of election). Empty for yes/no
    /// questions, for a single choice going to a runoff, and when no valid
    /// ballot supports any option.
    pub fn winners(&self) -> Vec<OptionId> {
        match &self.outcome {
            Outcome::YesNo(_) => vec![],
            Outcome::Single(r) => r.winner.into_iter().collect(),
            Outcome::Approval(r) => r.winner.into_iter().collect(),
            Outcome::Schulze(r) => r.winner.into_iter().collect(),
            Outcome::Stv(r) => r.elected.clone(),
        }
    }

    /// Every tie resolved during the count.
    pub fn ties(&self) -> &[TieBreak] {
        match &self.outcome {
            Outcome::YesNo(_) => &[],
            Outcome::Single(r) => &r.ties,
            Outcome::Approval(r) => &r.ties,
            Outcome::Schulze(r) => &r.ties,
            Outcome::Stv(r) => &r.ties,
        }
    }
}
