//! The voter's cast-or-audit check (Benaloh, "Simple verifiable elections",
//! EVT 2006; Helios and Belenios offer the same): after the browser has
//! encrypted a ballot, the voter may either cast it or *audit* it. An audit
//! reveals the randomness r of every ciphertext; anyone can then recompute
//! (G^r, Y^r · G^m) for the choices the voter meant and compare. A device
//! that encrypted other choices is caught with the probability that the
//! voter audits, and it cannot know beforehand which ballots are audited.
//!
//! An audited ballot is *spoiled*: its randomness shows how it was marked,
//! so it must never be cast. The voter's device encrypts again with fresh
//! randomness and the voter chooses again between casting and auditing.

use crate::elgamal::Ciphertext;
use crate::encrypted_ballot::{ElectionParameters, EncryptedBallot};
use crate::group::Scalar;
use serde::{Deserialize, Serialize};

/// The randomness r of one ciphertext, as 32 bytes (a canonical scalar),
/// written in JSON as a base64url string. Wiped when dropped.
#[derive(
    Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop,
)]
pub struct Randomness(#[serde(with = "crate::base64url::array")] pub [u8; 32]);

impl std::fmt::Debug for Randomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Randomness(..)")
    }
}

/// The randomness of every ciphertext of one ballot: per question, per
/// option, in the ballot's order. JSON: `{"answers": [["r", …], …]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotRandomness {
    /// Per question, the randomness of each option's ciphertext.
    pub answers: Vec<Vec<Randomness>>,
}

impl BallotRandomness {
    pub(crate) fn push_question(&mut self, randomness: Vec<[u8; 32]>) {
        self.answers
            .push(randomness.into_iter().map(Randomness).collect());
    }
}

/// Why an audit failed. Every variant names where.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The ballot, the randomness or the claimed choices do not have one
    /// entry per question.
    #[error("the {what} has {found} answers, the election {expected} questions")]
    QuestionCount {
        /// What was counted: "ballot", "randomness" or "choices".
        what: &'static str,
        /// Questions of the election.
        expected: usize,
        /// Entries present.
        found: usize,
    },
    /// Not one entry per option.
    #[error("question {question}: the {what} has {found} entries for {expected} options")]
    OptionCount {
        /// Question index (from 0).
        question: usize,
        /// What was counted: "ballot", "randomness" or "choices".
        what: &'static str,
        /// Options of the question.
        expected: usize,
        /// Entries present.
        found: usize,
    },
    /// A randomness value is not a canonical scalar.
    #[error("question {question}, option {option}: the randomness is not a canonical scalar")]
    Randomness {
        /// Question index (from 0).
        question: usize,
        /// Option index (from 0).
        option: usize,
    },
    /// The ciphertext is not the encryption of the claimed choice with the
    /// revealed randomness: the device encrypted something else.
    #[error("question {question}, option {option}: the ciphertext does not encrypt the choice {claimed}")]
    Mismatch {
        /// Question index (from 0).
        question: usize,
        /// Option index (from 0).
        option: usize,
        /// The claimed choice (marked or not).
        claimed: bool,
    },
}

fn count(what: &'static str, expected: usize, found: usize) -> Result<(), AuditError> {
    if expected == found {
        Ok(())
    } else {
        Err(AuditError::QuestionCount {
            what,
            expected,
            found,
        })
    }
}

/// Checks that every ciphertext of `ballot` is the encryption of the
/// claimed `choices` (per question, one flag per option) under the
/// election key with the revealed `randomness`. Proofs are not looked at
/// (that is [`crate::encrypted_ballot::verify_ballot`]'s job); this check
/// is about what the ciphertexts contain.
pub fn audit_ballot(
    params: &ElectionParameters,
    ballot: &EncryptedBallot,
    randomness: &BallotRandomness,
    choices: &[Vec<bool>],
) -> Result<(), AuditError> {
    let questions = params.questions();
    count("ballot", questions.len(), ballot.answers.len())?;
    count("randomness", questions.len(), randomness.answers.len())?;
    count("choices", questions.len(), choices.len())?;
    let key = params.public_key();
    for (question, (((shape, answer), rs), marks)) in questions
        .iter()
        .zip(&ballot.answers)
        .zip(&randomness.answers)
        .zip(choices)
        .enumerate()
    {
        let options = shape.options as usize;
        for (what, found) in [
            ("ballot", answer.choices.len()),
            ("randomness", rs.len()),
            ("choices", marks.len()),
        ] {
            if found != options {
                return Err(AuditError::OptionCount {
                    question,
                    what,
                    expected: options,
                    found,
                });
            }
        }
        for (option, ((encoded, r), mark)) in answer.choices.iter().zip(rs).zip(marks).enumerate() {
            let r = Option::<Scalar>::from(Scalar::from_canonical_bytes(r.0))
                .ok_or(AuditError::Randomness { question, option })?;
            let expected = Ciphertext::encrypt_with(key, u64::from(*mark), &r).encode();
            if expected != *encoded {
                return Err(AuditError::Mismatch {
                    question,
                    option,
                    claimed: *mark,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encrypted_ballot::tests::{choices, credential, election};
    use crate::encrypted_ballot::{encrypt_ballot_for_audit, verify_ballot};
    use crate::group::SeededScalars;

    #[test]
    fn an_honest_ballot_audits_and_its_randomness_round_trips_through_json() {
        let (_, params) = election(b"audit");
        let cred = credential(1);
        let (ballot, randomness) = encrypt_ballot_for_audit(
            &params,
            &cred,
            &choices(),
            &mut SeededScalars::new(b"audit"),
        )
        .unwrap();
        assert!(verify_ballot(&params, &cred, &ballot).is_ok());
        assert_eq!(
            audit_ballot(&params, &ballot, &randomness, &choices()),
            Ok(())
        );
        let json = serde_json::to_string(&randomness).unwrap();
        let back: BallotRandomness = serde_json::from_str(&json).unwrap();
        assert_eq!(back, randomness);
        assert_eq!(audit_ballot(&params, &ballot, &back, &choices()), Ok(()));
        // The same seed gives the same ballot as `encrypt_ballot`.
        let plain = crate::encrypted_ballot::encrypt_ballot(
            &params,
            &cred,
            &choices(),
            &mut SeededScalars::new(b"audit"),
        )
        .unwrap();
        assert_eq!(plain, ballot);
    }

    #[test]
    fn a_ciphertext_of_another_choice_fails_the_audit_and_names_the_option() {
        let (_, params) = election(b"audit");
        let cred = credential(1);
        let mut source = SeededScalars::new(b"cheat");
        let (ballot, randomness) =
            encrypt_ballot_for_audit(&params, &cred, &choices(), &mut source).unwrap();
        // A cheating device encrypts option 3 of question 0 as 0 although
        // the voter marked it: it swaps in its own ciphertext of 0 with the
        // same randomness.
        let mut cheated = ballot.clone();
        let r = Scalar::from_canonical_bytes(randomness.answers[0][3].0).unwrap();
        cheated.answers[0].choices[3] =
            Ciphertext::encrypt_with(params.public_key(), 0, &r).encode();
        assert_eq!(
            audit_ballot(&params, &cheated, &randomness, &choices()),
            Err(AuditError::Mismatch {
                question: 0,
                option: 3,
                claimed: true
            })
        );
        // The voter claiming another choice than encrypted fails the same way.
        let mut other = choices();
        other[1] = vec![true, false, false];
        assert_eq!(
            audit_ballot(&params, &ballot, &randomness, &other),
            Err(AuditError::Mismatch {
                question: 1,
                option: 0,
                claimed: true
            })
        );
        // Randomness of another ballot, or not a canonical scalar.
        let (_, foreign) =
            encrypt_ballot_for_audit(&params, &cred, &choices(), &mut source).unwrap();
        assert!(matches!(
            audit_ballot(&params, &ballot, &foreign, &choices()),
            Err(AuditError::Mismatch {
                question: 0,
                option: 0,
                ..
            })
        ));
        let mut bad = randomness.clone();
        bad.answers[1][2] = Randomness([0xff; 32]);
        assert_eq!(
            audit_ballot(&params, &ballot, &bad, &choices()),
            Err(AuditError::Randomness {
                question: 1,
                option: 2
            })
        );
        // Missing entries are refused by count.
        let mut short = randomness.clone();
        short.answers[0].pop();
        assert!(matches!(
            audit_ballot(&params, &ballot, &short, &choices()),
            Err(AuditError::OptionCount {
                question: 0,
                what: "randomness",
                ..
            })
        ));
        assert!(matches!(
            audit_ballot(&params, &ballot, &randomness, &choices()[..1]),
            Err(AuditError::QuestionCount {
                what: "choices",
                ..
            })
        ));
    }
}
