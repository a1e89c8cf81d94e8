//! The Schulze method (Markus Schulze, "A new monotonic, clone-independent,
//! reversal symmetric, and Condorcet-consistent single-winner election
//! method", Social Choice and Welfare 36, 2011) with winning votes as the
//! strength of a link.
//!
//! * `d[i][j]`: number of voters who strictly prefer `i` to `j`. A partial
//!   ranking prefers every ranked option to every unranked one and expresses
//!   no preference among the unranked.
//! * A link `i → j` exists if `d[i][j] > d[j][i]` and has strength
//!   `d[i][j]` (winning votes); otherwise its strength is 0.
//! * `p[i][j]`: strength of the strongest path from `i` to `j` (widest path,
//!   Floyd–Warshall).
//! * `i` beats `j` if `p[i][j] > p[j][i]`. This relation is transitive
//!   (Schulze 2011, §4.1), so options fall into layers: each layer holds the
//!   remaining options beaten by no other remaining option. The ranking lists
//!   the layers in turn, each ordered by lot; the first layer are the
//!   potential winners and the first of it wins.

use crate::choice::Choice;
use crate::question::OptionId;
use crate::result::Outcome;
use crate::tie::{in_question_order, TieBreak, TieBreaker, TiePurpose, TieResolution};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Result of a Schulze question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchulzeResult {
    /// Row and column order of the matrices: the question's option order.
    pub options: Vec<OptionId>,
    /// `pairwise[i][j]`: voters preferring option `i` to option `j`.
    pub pairwise: Vec<Vec<u64>>,
    /// `strongest_paths[i][j]`: strength of the strongest path from `i` to `j`.
    pub strongest_paths: Vec<Vec<u64>>,
    /// Options beaten by no other option (more than one only on a tie).
    pub potential_winners: Vec<OptionId>,
    /// The winner; `None` if there was no valid ballot.
    pub winner: Option<OptionId>,
    /// All options, best first.
    pub ranking: Vec<OptionId>,
    /// Lots drawn between options of equal standing.
    pub ties: Vec<TieBreak>,
}

/// Counts valid ranked ballots with Schulze. Returns the outcome and the
/// abstentions (always 0: a ranked ballot ranks at least one option).
pub(crate) fn count(order: &[OptionId], valid: &[&Choice], lot: &TieBreaker) -> (Outcome, u64) {
    let n = order.len();
    let index: BTreeMap<OptionId, usize> =
        order.iter().enumerate().map(|(i, id)| (*id, i)).collect();

    // Identical rankings are common; folding them keeps the O(n²) per
    // ballot pass proportional to the distinct rankings.
    let mut distinct: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
    for choice in valid {
        if let Choice::Ranked(ranking) = choice {
            let positions: Vec<usize> = ranking
                .iter()
                .filter_map(|id| index.get(id).copied())
                .collect();
            *distinct.entry(positions).or_insert(0) += 1;
        }
    }

    let mut d = vec![vec![0u64; n]; n];
    for (ranking, voters) in &distinct {
        let mut rank = vec![usize::MAX; n];
        for (place, option) in ranking.iter().enumerate() {
            if let Some(slot) = rank.get_mut(*option) {
                *slot = place;
            }
        }
        for (i, row) in d.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                let (ri, rj) = (at(&rank, i), at(&rank, j));
                if ri < rj {
                    *cell += voters;
                }
            }
        }
    }

    let p = strongest_paths(&d);
    let beats = |i: usize, j: usize| at2(&p, i, j) > at2(&p, j, i);

    let mut ties = Vec::new();
    let mut ranking = Vec::with_capacity(n);
    let mut potential_winners = Vec::new();
    let mut remaining: Vec<usize> = (0..n).collect();
    while !remaining.is_empty() {
        let mut layer: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&i| !remaining.iter().any(|&j| beats(j, i)))
            .collect();
        if layer.is_empty() {
            // Unreachable by transitivity; kept so the count stays total.
            layer.clone_from(&remaining);
        }
        let ids: Vec<OptionId> = layer
            .iter()
            .filter_map(|i| order.get(*i).copied())
            .collect();
        let drawn = lot.sorted(&ids);
        if ranking.is_empty() {
            potential_winners = in_question_order(&ids, order);
        }
        if drawn.len() > 1 {
            let first_layer = ranking.is_empty();
            ties.push(TieBreak {
                purpose: if first_layer {
                    TiePurpose::Winner
                } else {
                    TiePurpose::RankingOrder {
                        position: u32::try_from(ranking.len() + 1).unwrap_or(u32::MAX),
                    }
                },
                tied: in_question_order(&ids, order),
                resolution: TieResolution::Lot,
                decided: if first_layer {
                    drawn.iter().copied().take(1).collect()
                } else {
                    drawn.clone()
                },
            });
        }
        ranking.extend(drawn);
        remaining.retain(|i| !layer.contains(i));
    }

    let result = SchulzeResult {
        options: order.to_vec(),
        pairwise: d,
        strongest_paths: p,
        potential_winners,
        winner: if valid.is_empty() {
            None
        } else {
            ranking.first().copied()
        },
        ranking,
        ties: if valid.is_empty() { Vec::new() } else { ties },
    };
    (Outcome::Schulze(result), 0)
}

fn at(v: &[usize], i: usize) -> usize {
    v.get(i).copied().unwrap_or(usize::MAX)
}

fn at2(m: &[Vec<u64>], i: usize, j: usize) -> u64 {
    m.get(i).and_then(|row| row.get(j)).copied().unwrap_or(0)
}

/// Widest paths with winning-votes link strengths (Schulze 2011, §2.3).
fn strongest_paths(d: &[Vec<u64>]) -> Vec<Vec<u64>> {
    let n = d.len();
    let mut p = vec![vec![0u64; n]; n];
    for (i, row) in p.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            if i != j && at2(d, i, j) > at2(d, j, i) {
                *cell = at2(d, i, j);
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            if i == k {
                continue;
            }
            for j in 0..n {
                if j == i || j == k {
                    continue;
                }
                let via = at2(&p, i, k).min(at2(&p, k, j));
                if let Some(cell) = p.get_mut(i).and_then(|row| row.get_mut(j)) {
                    if via > *cell {
                        *cell = via;
                    }
                }
            }
        }
    }
    p
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::question::{BallotOption, Question, QuestionKind};
    use crate::tally;

    /// Wikipedia, "Schulze method", worked example: 45 voters, A–E.
    #[test]
    fn wikipedia_example_45_voters() {
        let (a, b, c, d, e) = (1, 2, 3, 4, 5);
        let question = Question {
            text: "Example".into(),
            kind: QuestionKind::RankedSchulze {
                options: ["A", "B", "C", "D", "E"]
                    .iter()
                    .zip(1..)
                    .map(|(l, i)| BallotOption::new(i, *l))
                    .collect(),
            },
        };
        let groups: [(usize, [u32; 5]); 8] = [
            (5, [a, c, b, e, d]),
            (5, [a, d, e, c, b]),
            (8, [b, e, d, a, c]),
            (3, [c, a, b, e, d]),
            (7, [c, a, e, b, d]),
            (2, [c, b, a, d, e]),
            (7, [d, c, e, b, a]),
            (8, [e, b, a, d, c]),
        ];
        let mut choices = vec![];
        for (n, r) in groups {
            choices.extend(vec![
                Choice::Ranked(
                    r.iter().copied().map(OptionId).collect()
                );
                n
            ]);
        }
        let lot = TieBreaker::in_option_order(&question);
        let Outcome::Schulze(r) = tally(&question, 45, &choices, &lot).outcome else {
            panic!("wrong outcome")
        };
        assert_eq!(
            r.pairwise,
            vec![
                vec![0, 20, 26, 30, 22],
                vec![25, 0, 16, 33, 18],
                vec![19, 29, 0, 17, 24],
                vec![15, 12, 28, 0, 14],
                vec![23, 27, 21, 31, 0],
            ]
        );
        assert_eq!(
            r.strongest_paths,
            vec![
                vec![0, 28, 28, 30, 24],
                vec![25, 0, 28, 33, 24],
                vec![25, 29, 0, 29, 24],
                vec![25, 28, 28, 0, 24],
                vec![25, 28, 28, 31, 0],
            ]
        );
        assert_eq!(r.winner, Some(OptionId(e)));
        assert_eq!(r.potential_winners, vec![OptionId(e)]);
        let ranking: Vec<u32> = r.ranking.iter().map(|o| o.0).collect();
        assert_eq!(ranking, vec![e, a, c, b, d]);
        assert!(r.ties.is_empty());
    }

    #[test]
    fn partial_rankings_and_ties_by_lot() {
        let question = Question {
            text: "T".into(),
            kind: QuestionKind::RankedSchulze {
                options: (1..=3)
                    .map(|i| BallotOption::new(i, format!("O{i}")))
                    .collect(),
            },
        };
        // One voter for 1 only, one for 2 only: 1 and 2 tie, both beat 3.
        let choices = vec![
            Choice::Ranked(vec![OptionId(1)]),
            Choice::Ranked(vec![OptionId(2)]),
        ];
        let lot = TieBreaker::from_order(vec![OptionId(2), OptionId(3), OptionId(1)]);
        let Outcome::Schulze(r) = tally(&question, 2, &choices, &lot).outcome else {
            panic!("wrong outcome")
        };
        assert_eq!(r.pairwise[0], vec![0, 1, 1]);
        assert_eq!(r.potential_winners, vec![OptionId(1), OptionId(2)]);
        assert_eq!(r.winner, Some(OptionId(2)));
        assert_eq!(r.ranking, vec![OptionId(2), OptionId(1), OptionId(3)]);
        assert_eq!(r.ties.len(), 1);
        assert_eq!(r.ties[0].decided, vec![OptionId(2)]);
    }
}
