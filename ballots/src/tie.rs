//! Breaking ties by lot.
//!
//! The lot is not drawn here. The caller derives a permutation of the option
//! ids from a seed published before the count (the `votum-crypto` crate does
//! this) and passes it in; anybody holding the seed re-derives the same
//! permutation and so the same result. Keeping randomness out of this crate
//! keeps the count a pure function of the record.

use crate::question::{OptionId, Question, QuestionError};
use serde::{Deserialize, Serialize};

/// The lot: a published order of option ids. Earlier means favoured: it
/// wins a tie for a win or a place, ranks higher, is excluded later in STV
/// and has its STV surplus transferred first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TieBreaker {
    order: Vec<OptionId>,
}

/// What a tie was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "snake_case")]
pub enum TiePurpose {
    /// Options tied for first place; one wins.
    Winner,
    /// Options tied for a place in a runoff.
    RunoffPlaces,
    /// Options with equal standing in a published ranking, from `position`
    /// (1-based) on; the lot fixes their order.
    RankingOrder {
        /// First ranking position the tied group occupies.
        position: u32,
    },
    /// STV: equal surpluses; one is transferred first (rule 49(2), (3)).
    StvSurplusOrder {
        /// Stage whose transfer was decided.
        stage: u32,
    },
    /// STV: equal lowest candidates; one is excluded (rule 51).
    StvExclusion {
        /// Stage whose exclusion was decided.
        stage: u32,
    },
}

/// How a tie was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum TieResolution {
    /// By the lot, i.e. the [`TieBreaker`] order.
    Lot,
    /// STV: by the votes at the end of an earlier stage, the most recent one
    /// at which the tied candidates had unequal votes.
    PrecedingStage {
        /// The stage consulted.
        stage: u32,
    },
}

/// Record of one tie that had to be resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieBreak {
    /// What was at stake.
    pub purpose: TiePurpose,
    /// The tied options, in question order.
    pub tied: Vec<OptionId>,
    /// How it was resolved.
    pub resolution: TieResolution,
    /// The decision: for `Winner` the winner; for `RunoffPlaces` the options
    /// that got the places; for `RankingOrder` all tied options in their
    /// final order; for `StvSurplusOrder` the candidate whose surplus goes
    /// first; for `StvExclusion` the excluded candidate.
    pub decided: Vec<OptionId>,
}

impl TieBreaker {
    /// Uses `order` (favoured first) as the lot. It should be a permutation
    /// of the question's option ids (see [`TieBreaker::check_against`]);
    /// counting still works if it is not: ids missing from it rank after all
    /// listed ones, in ascending id order.
    pub fn from_order(order: Vec<OptionId>) -> Self {
        Self { order }
    }

    /// The order, favoured first.
    pub fn order(&self) -> &[OptionId] {
        &self.order
    }

    /// Checks that the order is a permutation of the question's option ids.
    pub fn check_against(&self, question: &Question) -> Result<(), QuestionError> {
        let mut mine = self.order.clone();
        let mut theirs = question.option_ids();
        mine.sort_unstable();
        theirs.sort_unstable();
        if mine == theirs {
            Ok(())
        } else {
            Err(QuestionError::TieOrderMismatch)
        }
    }

    /// Sort key: position in the lot, unknown ids after, by id.
    fn key(&self, id: OptionId) -> (usize, OptionId) {
        let position = self
            .order
            .iter()
            .position(|o| *o == id)
            .unwrap_or(usize::MAX);
        (position, id)
    }

    /// Sorts `ids` favoured first.
    pub fn sort(&self, ids: &mut [OptionId]) {
        ids.sort_by_key(|id| self.key(*id));
    }

    /// Sorts `ids` with a clone, favoured first.
    pub(crate) fn sorted(&self, ids: &[OptionId]) -> Vec<OptionId> {
        let mut v = ids.to_vec();
        self.sort(&mut v);
        v
    }

    /// The lot in question order, for tests that need any fixed lot.
    #[cfg(test)]
    pub(crate) fn in_option_order(question: &Question) -> Self {
        Self::from_order(question.option_ids())
    }
}

/// Groups `(option, score)` pairs by descending score; inside a group the
/// options stand in lot order. Options with equal score keep that order
/// only for display unless the caller records a [`TieBreak`] for them.
pub(crate) fn groups_by_score(
    scores: &[(OptionId, u64)],
    lot: &TieBreaker,
) -> Vec<(u64, Vec<OptionId>)> {
    let mut sorted: Vec<(OptionId, u64)> = scores.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| lot.key(a.0).cmp(&lot.key(b.0))));
    let mut groups: Vec<(u64, Vec<OptionId>)> = Vec::new();
    for (id, score) in sorted {
        match groups.last_mut() {
            Some((s, ids)) if *s == score => ids.push(id),
            _ => groups.push((score, vec![id])),
        }
    }
    groups
}

/// Puts ids into question order, so records list tied options the same
/// way regardless of how the tie arose.
pub(crate) fn in_question_order(ids: &[OptionId], question_order: &[OptionId]) -> Vec<OptionId> {
    question_order
        .iter()
        .copied()
        .filter(|id| ids.contains(id))
        .collect()
}

/// Picks the first `places` options from score groups, recording a lot
/// wherever a group straddles the cut.
pub(crate) fn top_places(
    groups: &[(u64, Vec<OptionId>)],
    places: usize,
    purpose: TiePurpose,
    question_order: &[OptionId],
    ties: &mut Vec<TieBreak>,
) -> Vec<OptionId> {
    let mut chosen = Vec::new();
    for (_, group) in groups {
        let free = places.saturating_sub(chosen.len());
        if free == 0 {
            break;
        }
        if group.len() > free {
            let decided: Vec<OptionId> = group.iter().copied().take(free).collect();
            ties.push(TieBreak {
                purpose,
                tied: in_question_order(group, question_order),
                resolution: TieResolution::Lot,
                decided: decided.clone(),
            });
            chosen.extend(decided);
        } else {
            chosen.extend(group.iter().copied());
        }
    }
    chosen
}

/// Flattens score groups into a ranking and records a lot for every group
/// of more than one option: first place as [`TiePurpose::Winner`], the rest
/// as [`TiePurpose::RankingOrder`].
pub(crate) fn ranking_from_groups(
    groups: &[(u64, Vec<OptionId>)],
    question_order: &[OptionId],
    ties: &mut Vec<TieBreak>,
) -> Vec<OptionId> {
    let mut ranking = Vec::new();
    for (_, group) in groups {
        if group.len() > 1 {
            let position = u32::try_from(ranking.len() + 1).unwrap_or(u32::MAX);
            let purpose = if ranking.is_empty() {
                TiePurpose::Winner
            } else {
                TiePurpose::RankingOrder { position }
            };
            let decided = if ranking.is_empty() {
                group.iter().copied().take(1).collect()
            } else {
                group.clone()
            };
            ties.push(TieBreak {
                purpose,
                tied: in_question_order(group, question_order),
                resolution: TieResolution::Lot,
                decided,
            });
        }
        ranking.extend(group.iter().copied());
    }
    ranking
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> Vec<OptionId> {
        v.iter().copied().map(OptionId).collect()
    }

    #[test]
    fn sorts_by_lot_then_unknown_by_id() {
        let lot = TieBreaker::from_order(ids(&[3, 1]));
        let mut v = ids(&[5, 1, 4, 3]);
        lot.sort(&mut v);
        assert_eq!(v, ids(&[3, 1, 4, 5]));
    }

    #[test]
    fn top_places_records_only_straddling_groups() {
        let lot = TieBreaker::from_order(ids(&[4, 3, 2, 1]));
        let scores = [
            (OptionId(1), 5),
            (OptionId(2), 3),
            (OptionId(3), 3),
            (OptionId(4), 3),
        ];
        let groups = groups_by_score(&scores, &lot);
        let mut ties = vec![];
        let top = top_places(
            &groups,
            2,
            TiePurpose::RunoffPlaces,
            &ids(&[1, 2, 3, 4]),
            &mut ties,
        );
        assert_eq!(top, ids(&[1, 4]));
        assert_eq!(ties.len(), 1);
        assert_eq!(ties[0].tied, ids(&[2, 3, 4]));
        assert_eq!(ties[0].decided, ids(&[4]));

        let mut ties = vec![];
        let top = top_places(
            &groups,
            1,
            TiePurpose::Winner,
            &ids(&[1, 2, 3, 4]),
            &mut ties,
        );
        assert_eq!(top, ids(&[1]));
        assert!(ties.is_empty());
    }
}
