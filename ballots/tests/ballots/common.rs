//! Builders shared by the integration tests.

use votum_ballots::{
    BallotOption, Choice, OptionId, Outcome, Question, QuestionKind, StvResult, TieBreaker,
};

/// Options `1..=n` labelled A, B, C, …
pub fn options(n: u32) -> Vec<BallotOption> {
    (1..=n)
        .map(|i| {
            let label = char::from_u32(u32::from(b'A') + i - 1).unwrap_or('?');
            BallotOption::new(i, label.to_string())
        })
        .collect()
}

/// Option id of a candidate letter: A = 1, B = 2, …
pub fn id(letter: char) -> OptionId {
    OptionId(u32::from(letter) - u32::from('A') + 1)
}

/// Ids of a string of candidate letters.
pub fn ids(letters: &str) -> Vec<OptionId> {
    letters.chars().map(id).collect()
}

/// An STV question over `n` candidates.
pub fn stv_question(n: u32, seats: u32) -> Question {
    Question {
        text: "Board election".into(),
        kind: QuestionKind::RankedStv {
            options: options(n),
            seats,
        },
    }
}

/// Ranked ballots from `(count, "ABC")` groups.
pub fn ranked(groups: &[(usize, &str)]) -> Vec<Choice> {
    let mut out = vec![];
    for (n, letters) in groups {
        out.extend(vec![Choice::Ranked(ids(letters)); *n]);
    }
    out
}

/// Lot from a string of letters, favoured first.
pub fn lot(letters: &str) -> TieBreaker {
    TieBreaker::from_order(ids(letters))
}

/// Runs an STV count and unwraps the STV detail.
pub fn stv(question: &Question, choices: &[Choice], lot: &TieBreaker) -> StvResult {
    match votum_ballots::tally(question, 1000, choices, lot).outcome {
        Outcome::Stv(r) => r,
        other => panic!("not an STV outcome: {other:?}"),
    }
}
