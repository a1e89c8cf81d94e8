//! Property tests: invariants every count must keep, on random ballots.

use crate::common::options;
use proptest::prelude::*;
use votum_ballots::{
    tally, validate, Choice, MajorityRule, OptionId, Outcome, Question, QuestionKind, Ratio,
    SingleVote, TieBreaker, VoteValue, YesNoVote,
};

/// A ranking of some of the options `1..=n`, without repeats.
fn ranking(n: u32) -> impl Strategy<Value = Vec<OptionId>> {
    (
        Just((1..=n).map(OptionId).collect::<Vec<_>>()).prop_shuffle(),
        1..=n as usize,
    )
        .prop_map(|(all, len)| all.into_iter().take(len).collect())
}

/// Mostly valid rankings, with some empty, repeating or unknown ones mixed in.
fn ranked_choice(n: u32) -> impl Strategy<Value = Choice> {
    prop_oneof![
        8 => ranking(n).prop_map(Choice::Ranked),
        1 => Just(Choice::Ranked(vec![])),
        1 => (1..=n).prop_map(|i| Choice::Ranked(vec![OptionId(i), OptionId(i)])),
        1 => Just(Choice::Ranked(vec![OptionId(n + 1)])),
    ]
}

/// Any list of marks over ids `1..=n+1` (so some unknown), repeats allowed.
fn approval_choice(n: u32) -> impl Strategy<Value = Choice> {
    prop::collection::vec((1..=n + 1).prop_map(OptionId), 0..=(n as usize + 1))
        .prop_map(Choice::Approval)
}

fn single_choice(n: u32) -> impl Strategy<Value = Choice> {
    prop_oneof![
        (1..=n + 1).prop_map(|i| Choice::Single(SingleVote::For(OptionId(i)))),
        Just(Choice::Single(SingleVote::Abstain)),
        Just(Choice::YesNo(YesNoVote::Yes)),
    ]
}

fn yes_no_choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::YesNo(YesNoVote::Yes)),
        Just(Choice::YesNo(YesNoVote::No)),
        Just(Choice::YesNo(YesNoVote::Abstain)),
        Just(Choice::Ranked(vec![OptionId(1)])),
    ]
}

/// A lot: a random permutation of `1..=n`.
fn lot(n: u32) -> impl Strategy<Value = TieBreaker> {
    Just((1..=n).map(OptionId).collect::<Vec<_>>())
        .prop_shuffle()
        .prop_map(TieBreaker::from_order)
}

/// One question of every kind over `n` options, with matching choices.
fn any_question() -> impl Strategy<Value = (Question, Vec<Choice>, TieBreaker)> {
    (2u32..=6).prop_flat_map(|n| {
        let opts = options(n);
        let kinds = prop_oneof![
            (
                0u64..=3,
                prop_oneof![
                    Just(MajorityRule::Simple),
                    Just(MajorityRule::Absolute),
                    Just(MajorityRule::Qualified {
                        share: Ratio::new(2, 3).unwrap()
                    }),
                ]
            )
                .prop_map(|(q, majority)| QuestionKind::YesNoAbstain {
                    quorum: Ratio::new(q, 4).unwrap(),
                    majority,
                }),
            any::<bool>().prop_map({
                let opts = opts.clone();
                move |runoff| QuestionKind::SingleChoice {
                    options: opts.clone(),
                    runoff,
                }
            }),
            (0..=n, 1..=n).prop_map({
                let opts = opts.clone();
                move |(min, max)| QuestionKind::Approval {
                    options: opts.clone(),
                    min_marks: min.min(max),
                    max_marks: max,
                }
            }),
            Just(QuestionKind::RankedSchulze {
                options: opts.clone()
            }),
            (1..=n + 1).prop_map({
                let opts = opts.clone();
                move |seats| QuestionKind::RankedStv {
                    options: opts.clone(),
                    seats,
                }
            }),
        ];
        (kinds, lot(n)).prop_flat_map(move |(kind, lot)| {
            let choice = match kind {
                QuestionKind::YesNoAbstain { .. } => yes_no_choice().boxed(),
                QuestionKind::SingleChoice { .. } => single_choice(n).boxed(),
                QuestionKind::Approval { .. } => approval_choice(n).boxed(),
                _ => ranked_choice(n).boxed(),
            };
            let question = Question {
                text: "Q".into(),
                kind,
            };
            (
                Just(question),
                prop::collection::vec(choice, 0..60),
                Just(lot),
            )
        })
    })
}

fn stv_case() -> impl Strategy<Value = (u32, u32, Vec<Choice>, TieBreaker)> {
    (1u32..=7).prop_flat_map(|n| {
        (
            Just(n),
            1..=n + 2,
            prop::collection::vec(ranked_choice(n), 0..80),
            lot(n),
        )
    })
}

fn stv_question(n: u32, seats: u32) -> Question {
    Question {
        text: "Board".into(),
        kind: QuestionKind::RankedStv {
            options: options(n),
            seats,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The count does not depend on the order in which ballots arrive.
    #[test]
    fn tally_is_independent_of_ballot_order(
        (question, choices, lot) in any_question(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = choices.clone();
        // A deterministic Fisher-Yates from the seed; proptest shrinks the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        prop_assert_eq!(
            tally(&question, 100, &choices, &lot),
            tally(&question, 100, &shuffled, &lot)
        );
    }

    /// Valid, invalid and abstention counts agree with `validate`.
    #[test]
    fn ballot_counts_agree_with_validate((question, choices, lot) in any_question()) {
        let result = tally(&question, 100, &choices, &lot);
        let valid = choices.iter().filter(|c| validate(&question, c).is_ok()).count() as u64;
        prop_assert_eq!(result.ballots.cast, choices.len() as u64);
        prop_assert_eq!(result.ballots.valid, valid);
        prop_assert_eq!(result.ballots.valid + result.ballots.invalid, result.ballots.cast);
        prop_assert!(result.ballots.abstentions <= result.ballots.valid);
    }

    /// Yes, no and abstain add up to the valid ballots.
    #[test]
    fn yes_no_counts_sum_to_valid(
        choices in prop::collection::vec(yes_no_choice(), 0..100),
        q in 0u64..=4,
    ) {
        let question = Question {
            text: "Motion".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::new(q, 4).unwrap(),
                majority: MajorityRule::Simple,
            },
        };
        let result = tally(&question, 100, &choices, &TieBreaker::from_order(vec![]));
        let Outcome::YesNo(r) = result.outcome else { panic!("wrong outcome") };
        prop_assert_eq!(r.yes + r.no + r.abstain, result.ballots.valid);
        prop_assert_eq!(r.abstain, result.ballots.abstentions);
        prop_assert_eq!(r.quorum_reached, result.ballots.valid * 4 >= q * 100);
        prop_assert_eq!(r.accepted, r.quorum_reached && r.yes > r.no);
    }

    /// Approval counts exactly the marks of ballots within the limits.
    #[test]
    fn approval_never_counts_a_ballot_outside_the_limits(
        choices in prop::collection::vec(approval_choice(4), 0..60),
        min in 0u32..=4,
        extra in 0u32..=3,
    ) {
        let max = (min + extra).max(1);
        let question = Question {
            text: "Board".into(),
            kind: QuestionKind::Approval { options: options(4), min_marks: min, max_marks: max },
        };
        let result = tally(&question, 100, &choices, &TieBreaker::from_order(vec![]));
        let Outcome::Approval(r) = result.outcome else { panic!("wrong outcome") };
        let mut expected = [0u64; 4];
        let mut valid = 0u64;
        for choice in &choices {
            let Choice::Approval(marks) = choice else { unreachable!() };
            let mut sorted = marks.clone();
            sorted.sort();
            sorted.dedup();
            let ok = sorted.len() == marks.len()
                && marks.iter().all(|m| (1..=4).contains(&m.0))
                && marks.len() >= min as usize
                && marks.len() <= max as usize;
            if ok {
                valid += 1;
                for m in marks {
                    expected[m.0 as usize - 1] += 1;
                }
            }
        }
        let counted: Vec<u64> = r.counts.iter().map(|c| c.votes).collect();
        prop_assert_eq!(counted, expected.to_vec());
        prop_assert_eq!(result.ballots.valid, valid);
    }

    /// Schulze elects the Condorcet winner whenever there is one.
    #[test]
    fn schulze_elects_the_condorcet_winner(
        (n, choices, lot) in (2u32..=5).prop_flat_map(|n| (
            Just(n),
            prop::collection::vec(ranking(n).prop_map(Choice::Ranked), 1..40),
            lot(n),
        )),
    ) {
        let question = Question {
            text: "Chair".into(),
            kind: QuestionKind::RankedSchulze { options: options(n) },
        };
        let Outcome::Schulze(r) = tally(&question, 100, &choices, &lot).outcome else {
            panic!("wrong outcome")
        };
        let d = &r.pairwise;
        let size = n as usize;
        let condorcet = (0..size).find(|&i| (0..size).all(|j| i == j || d[i][j] > d[j][i]));
        if let Some(i) = condorcet {
            prop_assert_eq!(r.winner, Some(r.options[i]));
            prop_assert_eq!(&r.potential_winners, &vec![r.options[i]]);
        }
        prop_assert_eq!(r.ranking.len(), size);
        // The ranking never puts an option above one that beats it.
        for (a, &x) in r.ranking.iter().enumerate() {
            for &y in &r.ranking[a + 1..] {
                let (xi, yi) = (x.0 as usize - 1, y.0 as usize - 1);
                let p = &r.strongest_paths;
                prop_assert!(p[xi][yi] >= p[yi][xi]);
            }
        }
    }

    /// STV fills exactly min(seats, candidates) seats, never elects twice,
    /// and accounts for every vote.
    #[test]
    fn stv_elects_exactly_the_seats((n, seats, choices, lot) in stv_case()) {
        let question = stv_question(n, seats);
        let result = tally(&question, 100, &choices, &lot);
        let Outcome::Stv(r) = result.outcome else { panic!("wrong outcome") };
        prop_assert_eq!(r.elected.len(), seats.min(n) as usize);
        let mut unique = r.elected.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), r.elected.len());
        let last = r.stages.last().unwrap();
        let held: u64 = last.candidates.iter().map(|c| c.votes.0).sum();
        prop_assert_eq!(
            held + r.non_transferable.0 + r.rounding_loss.0,
            VoteValue::whole(result.ballots.valid).0
        );
        let elected_states = last
            .candidates
            .iter()
            .filter(|c| c.state == votum_ballots::CandidateState::Elected)
            .count();
        prop_assert_eq!(elected_states, r.elected.len());
    }

    /// A candidate with at least a quota of first preferences is elected.
    #[test]
    fn stv_elects_whoever_has_a_quota_of_first_preferences(
        (n, seats, choices, lot) in stv_case(),
    ) {
        let question = stv_question(n, seats);
        let Outcome::Stv(r) = tally(&question, 100, &choices, &lot).outcome else {
            panic!("wrong outcome")
        };
        for fp in &r.first_preferences {
            if fp.votes >= r.quota {
                prop_assert!(r.elected.contains(&fp.option));
            }
        }
    }

    /// Single choice: votes for options plus abstentions are the valid ballots.
    #[test]
    fn single_choice_counts_sum_to_valid(
        choices in prop::collection::vec(single_choice(4), 0..60),
        runoff in any::<bool>(),
    ) {
        let question = Question {
            text: "Chair".into(),
            kind: QuestionKind::SingleChoice { options: options(4), runoff },
        };
        let result = tally(&question, 100, &choices, &TieBreaker::from_order(vec![]));
        let Outcome::Single(r) = result.outcome else { panic!("wrong outcome") };
        prop_assert_eq!(r.votes_for_options + result.ballots.abstentions, result.ballots.valid);
        if r.runoff.is_some() {
            prop_assert!(runoff && r.winner.is_none() && r.absolute_majority.is_none());
        }
    }
}

/// Only valid choices, as protocol "encrypted" counts (every counted
/// ballot carries proofs that it is valid).
fn countable_question() -> impl Strategy<Value = (Question, Vec<Choice>, TieBreaker, u64)> {
    any_question()
        .prop_filter("not ranked", |(q, _, _)| {
            votum_ballots::encrypted_options(q).is_some()
        })
        .prop_map(|(q, choices, lot)| {
            let valid = choices
                .into_iter()
                .filter(|c| validate(&q, c).is_ok())
                .collect();
            (q, valid, lot)
        })
        .prop_flat_map(|(q, c, lot)| (Just(q), Just(c), Just(lot), 0u64..200))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The result from decrypted per-option sums (protocol "encrypted") is
    /// the result of counting the same choices in clear.
    #[test]
    fn result_from_counts_equals_the_count_of_the_choices(
        (question, choices, lot, electorate) in countable_question(),
    ) {
        let options = votum_ballots::encrypted_options(&question).unwrap();
        let mut sums = vec![0u64; options];
        for choice in &choices {
            let marks = votum_ballots::encryption_marks(&question, choice).unwrap();
            prop_assert_eq!(marks.len(), options);
            for (sum, mark) in sums.iter_mut().zip(marks) {
                *sum += u64::from(mark);
            }
        }
        let from_counts = votum_ballots::tally_counts(
            &question, electorate, choices.len() as u64, &sums, &lot,
        );
        prop_assert_eq!(from_counts, Ok(tally(&question, electorate, &choices, &lot)));
    }
}
