//! Single transferable vote under the Scottish rules: The Scottish Local
//! Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45–52.
//!
//! * Quota (rule 46): `floor(valid ballots / (seats + 1)) + 1` (Droop).
//! * A candidate whose votes equal or exceed the quota is elected (rule 47).
//! * Surpluses (rules 48, 49): while seats remain, the largest surplus is
//!   transferred first, one per stage. All papers the candidate holds move
//!   on to their next continuing preference, each at the transfer value
//!   `surplus × value of the paper / total votes of the candidate`, truncated
//!   to five decimal places (weighted inclusive Gregory). Papers without a
//!   further preference are non-transferable. The candidate keeps the quota.
//!   Equal surpluses: the candidate with more votes at the most recent
//!   preceding stage at which they differed goes first, else by lot.
//! * Exclusion (rules 50, 51): with no surplus left to transfer, the
//!   continuing candidate with fewest votes is excluded and all papers move
//!   on at their current value, in one stage. Equal lowest: the one with
//!   fewest votes at the most recent preceding stage at which they differed,
//!   else by lot.
//! * Last vacancies (rule 52): once the continuing candidates are no more
//!   than the vacancies, they are all elected and nothing more is
//!   transferred. So the count always elects `min(seats, candidates)`.
//!
//! Values are integers in units of 1/100,000 ([`VoteValue`]), so truncation
//! to five decimals is exact integer division. Where the Order leaves room,
//! this implementation decides as follows: candidates elected in the same
//! stage are listed by votes, then question order (the order of election
//! has no effect on the count); the lot order ([`crate::TieBreaker`]) favours
//! earlier ids, so on a lot the latest is excluded and the earliest
//! surplus goes first.

use crate::choice::Choice;
use crate::question::OptionId;
use crate::result::Outcome;
use crate::tie::{in_question_order, TieBreak, TieBreaker, TiePurpose, TieResolution};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A number of votes with five decimal places, stored as an integer count
/// of 1/100,000 votes (rule 48(3): "to five decimal places").
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct VoteValue(pub u64);

impl VoteValue {
    /// Units per whole vote.
    pub const SCALE: u64 = 100_000;

    /// `votes` whole votes.
    pub fn whole(votes: u64) -> Self {
        Self(votes.saturating_mul(Self::SCALE))
    }
}

impl fmt::Display for VoteValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:05}", self.0 / Self::SCALE, self.0 % Self::SCALE)
    }
}

/// The STV rule applied; carried in the result so a record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StvRule {
    /// The Scottish Local Government Elections Order 2007 (SSI 2007/42),
    /// Schedule 1, rules 45–52.
    ScottishLocalGovernment2007,
}

impl StvRule {
    /// Citation of the rule, for display.
    pub fn citation(&self) -> &'static str {
        match self {
            StvRule::ScottishLocalGovernment2007 => {
                "Scottish STV: The Scottish Local Government Elections Order 2007 \
                 (SSI 2007/42), Schedule 1, rules 45-52"
            }
        }
    }
}

/// Where a candidate stands after a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateState {
    /// Neither elected nor excluded.
    Continuing,
    /// Deemed elected.
    Elected,
    /// Excluded.
    Excluded,
}

/// What a stage did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StvAction {
    /// Stage 1: first preferences counted (rule 45).
    FirstPreferences,
    /// A surplus transferred (rules 48, 49).
    SurplusTransfer {
        /// Candidate whose surplus moved.
        from: OptionId,
        /// The surplus transferred.
        surplus: VoteValue,
    },
    /// A candidate excluded and the papers moved on (rules 50, 51).
    Exclusion {
        /// The excluded candidate.
        excluded: OptionId,
    },
    /// The remaining continuing candidates filled the last vacancies
    /// (rule 52); nothing was transferred.
    LastVacancies,
}

/// One candidate's line in a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StvCandidateLine {
    /// The candidate.
    pub option: OptionId,
    /// Value received in this stage (stage 1: first preferences).
    pub received: VoteValue,
    /// Total at the end of the stage.
    pub votes: VoteValue,
    /// State at the end of the stage.
    pub state: CandidateState,
}

/// One stage of the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StvStage {
    /// 1-based stage number.
    pub number: u32,
    /// What happened.
    pub action: StvAction,
    /// Every candidate, in question order.
    pub candidates: Vec<StvCandidateLine>,
    /// Value on papers that had no further continuing preference.
    pub non_transferable: VoteValue,
    /// Value lost by truncating transfer values to five decimals.
    pub rounding_loss: VoteValue,
    /// Candidates deemed elected at the end of this stage.
    pub elected: Vec<OptionId>,
}

/// Result of an STV question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StvResult {
    /// The rule applied.
    pub rule: StvRule,
    /// Seats to fill.
    pub seats: u32,
    /// Valid ballots (the basis of the quota).
    pub valid_ballots: u64,
    /// The quota in whole votes.
    pub quota: u64,
    /// First preferences per candidate, in question order.
    pub first_preferences: Vec<crate::OptionCount>,
    /// Stage-by-stage record.
    pub stages: Vec<StvStage>,
    /// Elected candidates in order of election.
    pub elected: Vec<OptionId>,
    /// Total value on non-transferable papers.
    pub non_transferable: VoteValue,
    /// Total value lost to truncation.
    pub rounding_loss: VoteValue,
    /// Ties resolved by an earlier stage or by lot.
    pub ties: Vec<TieBreak>,
}

/// Papers with the same ranking: they move together and always carry the
/// same value, so a parcel stands for `count` papers.
struct Parcel {
    prefs: Vec<usize>,
    next: usize,
    count: u64,
    value: u64,
}

struct Count<'a> {
    order: &'a [OptionId],
    lot: &'a TieBreaker,
    quota: u64,
    seats: usize,
    parcels: Vec<Parcel>,
    votes: Vec<u64>,
    state: Vec<CandidateState>,
    holdings: Vec<Vec<usize>>,
    /// Candidates elected with a surplus not yet transferred.
    pending: Vec<usize>,
    elected: Vec<usize>,
    /// Totals at the end of each stage, for rules 49(2) and 51(2).
    history: Vec<Vec<u64>>,
    stages: Vec<StvStage>,
    ties: Vec<TieBreak>,
    // Per-stage accumulators.
    received: Vec<u64>,
    non_transferable: u64,
    rounding_loss: u64,
}

/// Counts valid ranked ballots with Scottish STV. Returns the outcome and
/// the abstentions (always 0).
pub(crate) fn count(
    order: &[OptionId],
    seats: u32,
    valid: &[&Choice],
    lot: &TieBreaker,
) -> (Outcome, u64) {
    let n = order.len();
    let index: BTreeMap<OptionId, usize> =
        order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut distinct: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
    for choice in valid {
        if let Choice::Ranked(ranking) = choice {
            let prefs: Vec<usize> = ranking
                .iter()
                .filter_map(|id| index.get(id).copied())
                .collect();
            if !prefs.is_empty() {
                *distinct.entry(prefs).or_insert(0) += 1;
            }
        }
    }
    let valid_ballots: u64 = distinct.values().sum();
    let quota_whole = valid_ballots / (u64::from(seats) + 1) + 1;

    let mut count = Count {
        order,
        lot,
        quota: VoteValue::whole(quota_whole).0,
        seats: usize::try_from(seats).unwrap_or(usize::MAX),
        parcels: distinct
            .into_iter()
            .map(|(prefs, count)| Parcel {
                prefs,
                next: 0,
                count,
                value: VoteValue::SCALE,
            })
            .collect(),
        votes: vec![0; n],
        state: vec![CandidateState::Continuing; n],
        holdings: vec![Vec::new(); n],
        pending: Vec::new(),
        elected: Vec::new(),
        history: Vec::new(),
        stages: Vec::new(),
        ties: Vec::new(),
        received: vec![0; n],
        non_transferable: 0,
        rounding_loss: 0,
    };
    count.run();

    let first_preferences = count
        .stages
        .first()
        .map(|s| {
            s.candidates
                .iter()
                .map(|c| crate::OptionCount {
                    option: c.option,
                    votes: c.received.0 / VoteValue::SCALE,
                })
                .collect()
        })
        .unwrap_or_default();
    let result = StvResult {
        rule: StvRule::ScottishLocalGovernment2007,
        seats,
        valid_ballots,
        quota: quota_whole,
        first_preferences,
        non_transferable: VoteValue(count.stages.iter().map(|s| s.non_transferable.0).sum()),
        rounding_loss: VoteValue(count.stages.iter().map(|s| s.rounding_loss.0).sum()),
        elected: count.elected.iter().map(|&c| count.id(c)).collect(),
        stages: count.stages,
        ties: count.ties,
    };
    (Outcome::Stv(result), 0)
}

impl Count<'_> {
    fn id(&self, c: usize) -> OptionId {
        self.order.get(c).copied().unwrap_or(OptionId(u32::MAX))
    }

    fn votes_of(&self, c: usize) -> u64 {
        self.votes.get(c).copied().unwrap_or(0)
    }

    fn continuing(&self) -> Vec<usize> {
        (0..self.order.len())
            .filter(|&c| self.state.get(c) == Some(&CandidateState::Continuing))
            .collect()
    }

    fn run(&mut self) {
        // Rule 45: first preferences.
        for p in 0..self.parcels.len() {
            self.place(p);
        }
        let mut elected_now = self.elect_with_quota();
        self.close_stage(StvAction::FirstPreferences, &elected_now);
        loop {
            let remaining = self.seats.saturating_sub(self.elected.len());
            if remaining == 0 {
                break;
            }
            let continuing = self.continuing();
            if continuing.len() <= remaining {
                // Rule 52.
                elected_now = self.by_votes(continuing);
                for &c in &elected_now {
                    self.mark_elected(c);
                }
                self.close_stage(StvAction::LastVacancies, &elected_now);
                break;
            }
            let stage = self.next_stage_number();
            let action = if let Some(c) = self.pick_surplus(stage) {
                self.transfer_surplus(c)
            } else {
                self.exclude_lowest(stage)
            };
            elected_now = self.elect_with_quota();
            self.close_stage(action, &elected_now);
        }
    }

    fn next_stage_number(&self) -> u32 {
        u32::try_from(self.stages.len() + 1).unwrap_or(u32::MAX)
    }

    /// Moves a parcel to its next continuing preference, or sets it aside
    /// as non-transferable.
    fn place(&mut self, p: usize) {
        let Some(parcel) = self.parcels.get_mut(p) else {
            return;
        };
        while let Some(&c) = parcel.prefs.get(parcel.next) {
            if self.state.get(c) == Some(&CandidateState::Continuing) {
                let value = parcel.count.saturating_mul(parcel.value);
                if let (Some(v), Some(r), Some(h)) = (
                    self.votes.get_mut(c),
                    self.received.get_mut(c),
                    self.holdings.get_mut(c),
                ) {
                    *v += value;
                    *r += value;
                    h.push(p);
                }
                return;
            }
            parcel.next += 1;
        }
        self.non_transferable += parcel.count.saturating_mul(parcel.value);
    }

    /// Continuing candidates sorted by votes (most first), then question order.
    fn by_votes(&self, mut candidates: Vec<usize>) -> Vec<usize> {
        candidates.sort_by(|&a, &b| self.votes_of(b).cmp(&self.votes_of(a)).then(a.cmp(&b)));
        candidates
    }

    /// Rule 47: elects continuing candidates at or above the quota.
    fn elect_with_quota(&mut self) -> Vec<usize> {
        let reached: Vec<usize> = self
            .continuing()
            .into_iter()
            .filter(|&c| self.votes_of(c) >= self.quota)
            .collect();
        let remaining = self.seats.saturating_sub(self.elected.len());
        // The Droop quota lets at most `remaining` reach it; the cap only
        // keeps the seat count exact should that ever fail.
        let elected: Vec<usize> = self.by_votes(reached).into_iter().take(remaining).collect();
        for &c in &elected {
            self.mark_elected(c);
            if self.votes_of(c) > self.quota {
                self.pending.push(c);
            }
        }
        elected
    }

    fn mark_elected(&mut self, c: usize) {
        if let Some(s) = self.state.get_mut(c) {
            *s = CandidateState::Elected;
        }
        self.elected.push(c);
    }

    /// Rule 49: the largest pending surplus, ties by preceding stages, then lot.
    fn pick_surplus(&mut self, stage: u32) -> Option<usize> {
        let top = self.pending.iter().map(|&c| self.votes_of(c)).max()?;
        let tied: Vec<usize> = self
            .pending
            .iter()
            .copied()
            .filter(|&c| self.votes_of(c) == top)
            .collect();
        let chosen = self.break_tie(tied, true, TiePurpose::StvSurplusOrder { stage })?;
        self.pending.retain(|&c| c != chosen);
        Some(chosen)
    }

    /// Rules 48, 49: transfers the whole surplus of `c`.
    fn transfer_surplus(&mut self, c: usize) -> StvAction {
        let total = self.votes_of(c);
        let surplus = total.saturating_sub(self.quota);
        let held = self
            .holdings
            .get_mut(c)
            .map(std::mem::take)
            .unwrap_or_default();
        let mut moved = 0u64;
        for &p in &held {
            if let Some(parcel) = self.parcels.get_mut(p) {
                // Rule 48(3): (surplus × value) / total, truncated to 5 d.p.
                let value =
                    u128::from(surplus) * u128::from(parcel.value) / u128::from(total.max(1));
                parcel.value = u64::try_from(value).unwrap_or(u64::MAX);
                parcel.next += 1;
                moved += parcel.count.saturating_mul(parcel.value);
            }
            self.place(p);
        }
        self.rounding_loss += surplus.saturating_sub(moved);
        if let Some(v) = self.votes.get_mut(c) {
            *v = self.quota;
        }
        StvAction::SurplusTransfer {
            from: self.id(c),
            surplus: VoteValue(surplus),
        }
    }

    /// Rules 50, 51: excludes the lowest continuing candidate.
    fn exclude_lowest(&mut self, stage: u32) -> StvAction {
        let continuing = self.continuing();
        let low = continuing
            .iter()
            .map(|&c| self.votes_of(c))
            .min()
            .unwrap_or(0);
        let tied: Vec<usize> = continuing
            .into_iter()
            .filter(|&c| self.votes_of(c) == low)
            .collect();
        let Some(c) = self.break_tie(tied, false, TiePurpose::StvExclusion { stage }) else {
            return StvAction::LastVacancies;
        };
        if let Some(s) = self.state.get_mut(c) {
            *s = CandidateState::Excluded;
        }
        let held = self
            .holdings
            .get_mut(c)
            .map(std::mem::take)
            .unwrap_or_default();
        for &p in &held {
            if let Some(parcel) = self.parcels.get_mut(p) {
                parcel.next += 1;
            }
            self.place(p);
        }
        if let Some(v) = self.votes.get_mut(c) {
            *v = 0;
        }
        StvAction::Exclusion {
            excluded: self.id(c),
        }
    }

    /// Picks one of `tied`: the highest (`highest`) or lowest at the most
    /// recent preceding stage where they differed, narrowing as it goes
    /// back; then by lot. Records the tie unless only one candidate was tied.
    fn break_tie(
        &mut self,
        mut tied: Vec<usize>,
        highest: bool,
        purpose: TiePurpose,
    ) -> Option<usize> {
        if tied.len() <= 1 {
            return tied.first().copied();
        }
        let all: Vec<OptionId> = tied.iter().map(|&c| self.id(c)).collect();
        let all = in_question_order(&all, self.order);
        let mut resolution = TieResolution::Lot;
        for (k, totals) in self.history.iter().enumerate().rev() {
            let at = |c: usize| totals.get(c).copied().unwrap_or(0);
            let best = if highest {
                tied.iter().map(|&c| at(c)).max()
            } else {
                tied.iter().map(|&c| at(c)).min()
            };
            let Some(best) = best else { break };
            if tied.iter().any(|&c| at(c) != best) {
                tied.retain(|&c| at(c) == best);
                resolution = TieResolution::PrecedingStage {
                    stage: u32::try_from(k + 1).unwrap_or(u32::MAX),
                };
                if tied.len() == 1 {
                    break;
                }
            }
        }
        let chosen = if tied.len() == 1 {
            tied.first().copied()
        } else {
            resolution = TieResolution::Lot;
            let ids: Vec<OptionId> = tied.iter().map(|&c| self.id(c)).collect();
            let drawn = self.lot.sorted(&ids);
            // Favoured first: a surplus goes first, an exclusion hits the last.
            let pick = if highest { drawn.first() } else { drawn.last() };
            pick.and_then(|id| self.order.iter().position(|o| o == id))
        };
        if let Some(c) = chosen {
            self.ties.push(TieBreak {
                purpose,
                tied: all,
                resolution,
                decided: vec![self.id(c)],
            });
        }
        chosen
    }

    fn close_stage(&mut self, action: StvAction, elected_now: &[usize]) {
        let candidates = (0..self.order.len())
            .map(|c| StvCandidateLine {
                option: self.id(c),
                received: VoteValue(self.received.get(c).copied().unwrap_or(0)),
                votes: VoteValue(self.votes_of(c)),
                state: self
                    .state
                    .get(c)
                    .copied()
                    .unwrap_or(CandidateState::Continuing),
            })
            .collect();
        let stage = StvStage {
            number: self.next_stage_number(),
            action,
            candidates,
            non_transferable: VoteValue(self.non_transferable),
            rounding_loss: VoteValue(self.rounding_loss),
            elected: elected_now.iter().map(|&c| self.id(c)).collect(),
        };
        self.stages.push(stage);
        self.history.push(self.votes.clone());
        self.received.iter_mut().for_each(|r| *r = 0);
        self.non_transferable = 0;
        self.rounding_loss = 0;
    }
}
