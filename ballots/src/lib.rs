//! Votum's ballot domain: questions, validation of cast choices, counting
//! methods and results. Pure logic, no I/O.
//!
//! Every decision is made in integer arithmetic (`u64`/`u128`, rationals
//! compared by cross-multiplication, STV values in fixed point with five
//! decimals), so that any independent implementation following the
//! published rules reaches the very same result. Ties are broken by a lot
//! the caller passes in ([`TieBreaker`]); every lot used is recorded.
//!
//! The entry points are [`Question::check`] (before a ballot opens),
//! [`validate`] (for each cast choice) and [`tally`] (after close), or
//! [`tally_counts`] for the decrypted sums of protocol "encrypted".
//! [`record`] holds the public election record and its verifier
//! ([`verify`], [`verify_receipt`]), specified in
//! `docs/election-record.md`.

#![warn(missing_docs)]

pub mod approval;
pub mod authority;
pub mod choice;
pub mod counts;
pub mod question;
pub mod record;
pub mod result;
pub mod schulze;
pub mod single;
pub mod stv;
pub mod tie;
pub mod yes_no;

pub use approval::ApprovalResult;
pub use choice::{validate, Choice, ChoiceError, ChoiceKind, SingleVote, YesNoVote};
pub use counts::{encrypted_options, encryption_marks, tally_counts, CountsError};
pub use question::{
    BallotOption, MajorityRule, OptionId, Question, QuestionError, QuestionKind, Ratio,
};
pub use record::{verify, verify_receipt, ElectionRecord, RecordError, VerifiedResult};
pub use result::{BallotCounts, OptionCount, Outcome, QuestionResult};
pub use schulze::SchulzeResult;
pub use single::{Runoff, SingleResult};
pub use stv::{
    CandidateState, StvAction, StvCandidateLine, StvResult, StvRule, StvStage, VoteValue,
};
pub use tie::{TieBreak, TieBreaker, TiePurpose, TieResolution};
pub use yes_no::YesNoResult;

/// Counts `choices` for `question`.
///
/// `electorate_size` is the frozen electorate (for quorums); `lot` is the
/// published tie-break order. Choices failing [`validate`] are counted as
/// invalid and otherwise ignored. The function is total: it never panics and
/// gives a result even for a question failing [`Question::check`], and the
/// result does not depend on the order of `choices`.
pub fn tally(
    question: &Question,
    electorate_size: u64,
    choices: &[Choice],
    lot: &TieBreaker,
) -> QuestionResult {
    let valid: Vec<&Choice> = choices
        .iter()
        .filter(|c| validate(question, c).is_ok())
        .collect();
    let order = question.option_ids();
    let (outcome, abstentions) = match &question.kind {
        QuestionKind::YesNoAbstain { quorum, majority } => {
            yes_no::count(*quorum, *majority, electorate_size, &valid)
        }
        QuestionKind::SingleChoice { runoff, .. } => single::count(&order, *runoff, &valid, lot),
        QuestionKind::Approval { .. } => approval::count(&order, &valid, lot),
        QuestionKind::RankedSchulze { .. } => schulze::count(&order, &valid, lot),
        QuestionKind::RankedStv { seats, .. } => stv::count(&order, *seats, &valid, lot),
    };
    QuestionResult {
        electorate: electorate_size,
        ballots: BallotCounts {
            cast: to_u64(choices.len()),
            valid: to_u64(valid.len()),
            invalid: to_u64(choices.len() - valid.len()),
            abstentions,
        },
        outcome,
    }
}

/// `usize` to `u64`; lossless on every platform Rust supports today.
pub(crate) fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Per-option counters in question order, addressed by id.
pub(crate) struct Counter {
    counts: Vec<(OptionId, u64)>,
    index: std::collections::BTreeMap<OptionId, usize>,
}

impl Counter {
    pub(crate) fn new(order: &[OptionId]) -> Self {
        Self {
            counts: order.iter().map(|id| (*id, 0)).collect(),
            index: order.iter().enumerate().map(|(i, id)| (*id, i)).collect(),
        }
    }

    /// Adds `n` to option `id`; unknown ids are ignored (validation has
    /// already rejected them).
    pub(crate) fn add(&mut self, id: OptionId, n: u64) {
        let slot = self.index.get(&id).and_then(|&i| self.counts.get_mut(i));
        if let Some(slot) = slot {
            slot.1 += n;
        }
    }

    pub(crate) fn pairs(&self) -> &[(OptionId, u64)] {
        &self.counts
    }

    pub(crate) fn to_option_counts(&self) -> Vec<OptionCount> {
        self.counts
            .iter()
            .map(|(option, votes)| OptionCount {
                option: *option,
                votes: *votes,
            })
            .collect()
    }
}
