//! Counts at the reference size (370,000 members) finish quickly and the
//! results survive a round trip through JSON, as the election record needs.

use crate::common::{lot, options, stv_question};
use votum_ballots::{tally, Choice, OptionId, Outcome, Question, QuestionKind, QuestionResult};

/// 370,000 partial rankings of 12 candidates from a fixed pseudo-random
/// sequence, mildly biased so that candidates differ in strength.
fn electorate_rankings(n: u32) -> Vec<Choice> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..370_000)
        .map(|_| {
            let mut all: Vec<u32> = (1..=n).collect();
            for i in 0..all.len() {
                let span = (all.len() - i) as u64;
                let j = i + (next() % span).min(next() % span) as usize;
                all.swap(i, j);
            }
            let len = 1 + (next() % u64::from(n)) as usize;
            Choice::Ranked(all.into_iter().take(len).map(OptionId).collect())
        })
        .collect()
}

#[test]
fn reference_size_stv_and_schulze() {
    let choices = electorate_rankings(12);
    let stv_q = stv_question(12, 5);
    let result = tally(&stv_q, 370_000, &choices, &lot("ABCDEFGHIJKL"));
    let Outcome::Stv(r) = &result.outcome else {
        panic!("wrong outcome")
    };
    assert_eq!(r.elected.len(), 5);
    assert_eq!(r.quota, 370_000 / 6 + 1);
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(
        serde_json::from_str::<QuestionResult>(&json).unwrap(),
        result
    );

    let schulze_q = Question {
        text: "Chair".into(),
        kind: QuestionKind::RankedSchulze {
            options: options(12),
        },
    };
    let result = tally(&schulze_q, 370_000, &choices, &lot("ABCDEFGHIJKL"));
    let Outcome::Schulze(r) = &result.outcome else {
        panic!("wrong outcome")
    };
    assert!(r.winner.is_some());
    assert_eq!(r.ranking.len(), 12);
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(
        serde_json::from_str::<QuestionResult>(&json).unwrap(),
        result
    );
}
