//! Encrypted ballots of protocol version 2: one ElGamal ciphertext per
//! option, a proof per option that it encrypts 0 or 1, and a proof per
//! question that the number of marks lies between the question's minimum
//! and maximum (the "individual proofs" and the "overall proof" of
//! Belenios' specification, §4.9–§4.11).
//!
//! How the app's question kinds map onto marks (the caller's job, written
//! down here so the tally reads them back the same way):
//!
//! * yes/no/abstain: 3 options (yes, no, abstain), exactly 1 mark
//!   (min = max = 1);
//! * single choice among k options: k + 1 options (the last one is
//!   "abstain"), exactly 1 mark;
//! * approval among k options with min_marks ≥ 1: k options, the same
//!   bounds;
//! * approval among k options with min_marks = 0: k + 1 options, the last
//!   one "none" (marked exactly when no other option is), min_marks = 0 and
//!   max_marks as defined. Its count proof is about the *weighted* sum
//!   Σ options + max_marks·none with range 1..=max_marks: none = 1 leaves
//!   room for no other mark, none = 0 forces 1..=max_marks marks. So an
//!   abstention is a proved mark the tally counts, and "none" together with
//!   a mark is refused ([`QuestionShape::has_none`]).
//!
//! Every proof's transcript ([`Transcript`]) starts with its domain tag and
//! the election fingerprint, then the election public key and the voter's
//! public credential — so a proof copied into another voter's ballot or
//! another election fails (Cortier and Smyth, "Attacking ballot privacy in
//! Helios", 2011: replayed ballots; Bernhard, Pereira, Warinschi 2012 on
//! weak Fiat-Shamir) — then the question (and option) index, the
//! ciphertexts, the bounds and the commitments. The exact byte order is in
//! `docs/election-record.md`, "Version 2: encryption and proofs".

use crate::credential::PublicCredential;
use crate::elgamal::{Ciphertext, EncodedCiphertext, PublicKey};
use crate::group::{Scalar, ScalarSource, Transcript};
use crate::range_proof::{verify_equations, CheckedBranch, ProofFault, RangeProof};
use crate::CryptoError;
use serde::{Deserialize, Serialize};

/// Domain tag of the proof that one option's ciphertext encrypts 0 or 1.
pub const MARK_PROOF_DOMAIN: &[u8] = b"ballot-mark";
/// Domain tag of the proof that a question's number of marks is in range.
pub const COUNT_PROOF_DOMAIN: &[u8] = b"ballot-mark-count";

/// The shape of one question as the encryption sees it: how many options
/// (ciphertexts) and how many of them a valid ballot marks.
///
/// A shape with `min_marks = 0` has a "none" option as its last option
/// (see the module documentation): `options` counts it, `min_marks` and
/// `max_marks` bound the marks among the other options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionShape {
    /// Number of options (ciphertexts), including "none" where there is one.
    pub options: u32,
    /// Fewest marks (0: the last option is "none").
    pub min_marks: u32,
    /// Most marks (at least `min_marks` and 1, at most the options other
    /// than "none").
    pub max_marks: u32,
}

impl QuestionShape {
    /// Whether the last option is "none" (exactly when `min_marks` is 0).
    pub fn has_none(&self) -> bool {
        self.min_marks == 0
    }

    /// The options other than "none".
    pub fn real_options(&self) -> u32 {
        self.options - u32::from(self.has_none())
    }

    /// The weight of option `option` in the count proof's sum: `max_marks`
    /// for "none", 1 for every other option.
    pub fn weight(&self, option: usize) -> u64 {
        if self.has_none() && option + 1 == self.options as usize {
            u64::from(self.max_marks)
        } else {
            1
        }
    }

    /// The range lo..=hi the count proof proves for the weighted sum:
    /// 1..=max_marks with "none", min_marks..=max_marks without.
    pub fn count_range(&self) -> (u64, u64) {
        let lo = if self.has_none() { 1 } else { self.min_marks };
        (u64::from(lo), u64::from(self.max_marks))
    }

    /// The marks of one answer with "none" added last where the shape has
    /// it: `marks` are the other options' marks. A form without a "none"
    /// field reads as "none" exactly when nothing is marked.
    pub fn with_none(&self, mut marks: Vec<bool>) -> Vec<bool> {
        if self.has_none() {
            let none = !marks.iter().any(|m| *m);
            marks.push(none);
        }
        marks
    }

    fn check(&self) -> Result<(), BallotError> {
        let fits = if self.has_none() {
            self.options >= 2 && self.max_marks >= 1 && self.max_marks < self.options
        } else {
            self.min_marks <= self.max_marks && self.max_marks <= self.options
        };
        if fits {
            Ok(())
        } else {
            Err(BallotError::Parameters(
                "a question needs 1 ≤ min_marks ≤ max_marks ≤ options, or min_marks = 0, \
                 1 ≤ max_marks and a \"none\" option besides max_marks others",
            ))
        }
    }
}

/// What every ballot of one election is encrypted and proved against: the
/// election fingerprint, its public key and the questions' shapes.
///
/// JSON (what the server hands the voter's browser):
/// `{"fingerprint": base64url, "public_key": base64url, "questions":
/// [{"options": n, "min_marks": n, "max_marks": n}, …]}`; reading it checks
/// the shapes as [`ElectionParameters::new`] does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ParametersJson", into = "ParametersJson")]
pub struct ElectionParameters {
    fingerprint: [u8; 32],
    public_key: PublicKey,
    questions: Vec<QuestionShape>,
}

/// The JSON form of [`ElectionParameters`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParametersJson {
    #[serde(with = "crate::base64url::array")]
    fingerprint: [u8; 32],
    public_key: PublicKey,
    questions: Vec<QuestionShape>,
}

impl TryFrom<ParametersJson> for ElectionParameters {
    type Error = BallotError;

    fn try_from(json: ParametersJson) -> Result<Self, BallotError> {
        ElectionParameters::new(json.fingerprint, json.public_key, json.questions)
    }
}

impl From<ElectionParameters> for ParametersJson {
    fn from(params: ElectionParameters) -> Self {
        ParametersJson {
            fingerprint: params.fingerprint,
            public_key: params.public_key,
            questions: params.questions,
        }
    }
}

impl ElectionParameters {
    /// Checks the shapes: `1 ≤ min_marks ≤ max_marks ≤ options`, or
    /// `min_marks = 0` with `1 ≤ max_marks < options` (the last option is
    /// "none"); there is at least one question.
    pub fn new(
        fingerprint: [u8; 32],
        public_key: PublicKey,
        questions: Vec<QuestionShape>,
    ) -> Result<Self, BallotError> {
        if questions.is_empty() {
            return Err(BallotError::Parameters(
                "an election has at least one question",
            ));
        }
        for q in &questions {
            q.check()?;
        }
        Ok(ElectionParameters {
            fingerprint,
            public_key,
            questions,
        })
    }

    /// The election fingerprint.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// The election public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The questions' shapes.
    pub fn questions(&self) -> &[QuestionShape] {
        &self.questions
    }
}

/// The encrypted answer to one question: a ciphertext per option, a 0-or-1
/// proof per option, and the proof for the number of marks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedAnswer {
    /// One ciphertext per option, in option order.
    pub choices: Vec<EncodedCiphertext>,
    /// One proof per option that its ciphertext encrypts 0 or 1.
    pub proofs: Vec<RangeProof>,
    /// Proof that the (weighted) sum of `choices` encrypts a value in the
    /// question's range ([`QuestionShape::count_range`]).
    pub sum_proof: RangeProof,
}

/// An encrypted ballot: one answer per question, in question order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptedBallot {
    /// The answers.
    pub answers: Vec<EncryptedAnswer>,
}

impl EncryptedBallot {
    /// The ballot's canonical JSON (election record §2): the one byte form
    /// to hash or sign.
    pub fn canonical_json(&self) -> Vec<u8> {
        crate::canonical::to_canonical(self)
    }

    /// The ballot's tracking code: base64url of SHA-256 of its canonical
    /// JSON. It shows only ciphertexts, so it reveals nothing of the vote
    /// (Belenios' "smart ballot tracker").
    pub fn tracking_code(&self) -> String {
        crate::base64url::encode(&crate::sha256(&self.canonical_json()))
    }
}

/// Why a ballot could not be encrypted or was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// The election parameters are inconsistent.
    #[error("invalid election parameters: {0}")]
    Parameters(&'static str),
    /// Not one answer per question.
    #[error("the ballot has {found} answers, the election {expected} questions")]
    QuestionCount {
        /// Questions of the election.
        expected: usize,
        /// Answers in the ballot.
        found: usize,
    },
    /// Not one ciphertext (or mark, or proof) per option.
    #[error("question {question}: {found} {what} for {expected} options")]
    OptionCount {
        /// Question index (from 0).
        question: usize,
        /// What was counted: "ciphertexts", "proofs" or "marks".
        what: &'static str,
        /// Options of the question.
        expected: usize,
        /// Items present.
        found: usize,
    },
    /// A ciphertext is not two canonical points (or α is the identity).
    #[error("question {question}, option {option}: the ciphertext is not two canonical points")]
    Ciphertext {
        /// Question index (from 0).
        question: usize,
        /// Option index (from 0).
        option: usize,
    },
    /// An option's 0-or-1 proof was refused.
    #[error("question {question}, option {option}: the proof that it is 0 or 1 fails: {fault}")]
    MarkProof {
        /// Question index (from 0).
        question: usize,
        /// Option index (from 0).
        option: usize,
        /// What is wrong.
        fault: ProofFault,
    },
    /// A question's proof for the number of marks was refused.
    #[error("question {question}: the proof of the number of marks fails: {fault}")]
    CountProof {
        /// Question index (from 0).
        question: usize,
        /// What is wrong.
        fault: ProofFault,
    },
    /// Encrypting: the choices mark too few or too many options.
    #[error("question {question}: {marks} marks, allowed are {min} to {max}")]
    MarksOutOfRange {
        /// Question index (from 0).
        question: usize,
        /// Marks given.
        marks: usize,
        /// Fewest allowed.
        min: u32,
        /// Most allowed.
        max: u32,
    },
    /// Encrypting: "none" is not marked exactly when no other option is
    /// (marked beside another option, or nothing marked at all).
    #[error("question {question}: \"none\" must be marked exactly when no other option is")]
    NoneMismatch {
        /// Question index (from 0).
        question: usize,
    },
    /// The random source failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The sum the count proof of a question of shape `shape` is about:
/// Σ weight_j · c_j ([`QuestionShape::weight`]).
pub fn weighted_sum(shape: &QuestionShape, ciphertexts: &[Ciphertext]) -> Ciphertext {
    ciphertexts
        .iter()
        .enumerate()
        .map(|(option, c)| match shape.weight(option) {
            1 => *c,
            w => {
                let w = Scalar::from(w);
                Ciphertext {
                    alpha: c.alpha * w,
                    beta: c.beta * w,
                }
            }
        })
        .sum()
}

/// Checks that `marks` (one per option, "none" included) fit `shape`;
/// returns the weighted count the count proof proves.
fn weighted_count(
    question: usize,
    shape: &QuestionShape,
    marks: &[bool],
) -> Result<u64, BallotError> {
    let real = shape.real_options() as usize;
    let count = marks.iter().take(real).filter(|m| **m).count();
    let none = shape.has_none() && marks.get(real).copied().unwrap_or(false);
    if shape.has_none() && none == (count > 0) {
        return Err(BallotError::NoneMismatch { question });
    }
    let (lo, hi) = (u64::from(shape.min_marks), u64::from(shape.max_marks));
    if !none && (count as u64) < lo || count as u64 > hi {
        return Err(BallotError::MarksOutOfRange {
            question,
            marks: count,
            min: shape.min_marks,
            max: shape.max_marks,
        });
    }
    Ok(if none { hi } else { count as u64 })
}

/// The transcript of the 0-or-1 proof of option `option` of question
/// `question`, up to (not including) the bounds.
pub fn mark_transcript(
    params: &ElectionParameters,
    credential: &PublicCredential,
    question: usize,
    option: usize,
    ciphertext: &EncodedCiphertext,
) -> Transcript {
    let mut t = Transcript::new(MARK_PROOF_DOMAIN);
    t.append_bytes(b"election", &params.fingerprint)
        .append_bytes(b"public-key", &params.public_key.to_bytes())
        .append_bytes(b"credential", credential.as_bytes())
        .append_u64(b"question", question as u64)
        .append_u64(b"option", option as u64)
        .append_bytes(b"alpha", &ciphertext.alpha)
        .append_bytes(b"beta", &ciphertext.beta);
    t
}

/// The transcript of the mark-count proof of question `question`, up to
/// (not including) the bounds.
pub fn count_transcript(
    params: &ElectionParameters,
    credential: &PublicCredential,
    question: usize,
    ciphertexts: &[EncodedCiphertext],
) -> Transcript {
    let mut t = Transcript::new(COUNT_PROOF_DOMAIN);
    t.append_bytes(b"election", &params.fingerprint)
        .append_bytes(b"public-key", &params.public_key.to_bytes())
        .append_bytes(b"credential", credential.as_bytes())
        .append_u64(b"question", question as u64)
        .append_u64(b"options", ciphertexts.len() as u64);
    for c in ciphertexts {
        t.append_bytes(b"alpha", &c.alpha)
            .append_bytes(b"beta", &c.beta);
    }
    t
}

/// Encrypts `choices` (per question, one flag per option: marked or not)
/// for the voter with public credential `credential`, with proofs.
///
/// Refuses choices that do not fit the questions' shapes, so no ballot that
/// would be rejected is ever produced.
pub fn encrypt_ballot(
    params: &ElectionParameters,
    credential: &PublicCredential,
    choices: &[Vec<bool>],
    source: &mut dyn ScalarSource,
) -> Result<EncryptedBallot, BallotError> {
    // The randomness is wiped when it goes out of scope here.
    encrypt_ballot_for_audit(params, credential, choices, source).map(|(ballot, _)| ballot)
}

/// Like [`encrypt_ballot`], and also returns the randomness of every
/// ciphertext, for a cast-or-audit check ([`crate::audit`], Benaloh 2006).
/// Revealing the randomness spoils the ballot: it must then never be cast.
pub fn encrypt_ballot_for_audit(
    params: &ElectionParameters,
    credential: &PublicCredential,
    choices: &[Vec<bool>],
    source: &mut dyn ScalarSource,
) -> Result<(EncryptedBallot, crate::audit::BallotRandomness), BallotError> {
    if choices.len() != params.questions.len() {
        return Err(BallotError::QuestionCount {
            expected: params.questions.len(),
            found: choices.len(),
        });
    }
    let key = &params.public_key;
    let mut answers = Vec::with_capacity(choices.len());
    let mut randomness = crate::audit::BallotRandomness::default();
    for (question, (shape, marks)) in params.questions.iter().zip(choices).enumerate() {
        if marks.len() != shape.options as usize {
            return Err(BallotError::OptionCount {
                question,
                what: "marks",
                expected: shape.options as usize,
                found: marks.len(),
            });
        }
        let count = weighted_count(question, shape, marks)?;
        let mut ciphertexts = Vec::with_capacity(marks.len());
        let mut encoded = Vec::with_capacity(marks.len());
        let mut proofs = Vec::with_capacity(marks.len());
        let mut r_sum = Scalar::ZERO;
        let mut question_randomness = Vec::with_capacity(marks.len());
        for (option, mark) in marks.iter().enumerate() {
            let m = u64::from(*mark);
            let (ciphertext, mut r) = Ciphertext::encrypt(key, m, source)?;
            let enc = ciphertext.encode();
            let transcript = mark_transcript(params, credential, question, option, &enc);
            proofs.push(RangeProof::prove(
                transcript,
                key,
                &ciphertext,
                &r,
                m,
                0,
                1,
                source,
            )?);
            r_sum += r * Scalar::from(shape.weight(option));
            question_randomness.push(r.to_bytes());
            zeroize::Zeroize::zeroize(&mut r);
            ciphertexts.push(ciphertext);
            encoded.push(enc);
        }
        let sum = weighted_sum(shape, &ciphertexts);
        let transcript = count_transcript(params, credential, question, &encoded);
        let (lo, hi) = shape.count_range();
        let sum_proof = RangeProof::prove(transcript, key, &sum, &r_sum, count, lo, hi, source)?;
        zeroize::Zeroize::zeroize(&mut r_sum);
        answers.push(EncryptedAnswer {
            choices: encoded,
            proofs,
            sum_proof,
        });
        randomness.push_question(question_randomness);
    }
    Ok((EncryptedBallot { answers }, randomness))
}

/// A ballot whose encodings, shape and challenges were checked; only the
/// proof equations remain.
pub(crate) struct DecodedBallot {
    pub(crate) answers: Vec<DecodedAnswer>,
}

/// One decoded answer.
pub(crate) struct DecodedAnswer {
    pub(crate) ciphertexts: Vec<Ciphertext>,
    pub(crate) proofs: Vec<Vec<CheckedBranch>>,
    pub(crate) count_proof: Vec<CheckedBranch>,
}

/// Decodes `ballot` strictly and checks every challenge (hashing only).
pub(crate) fn decode_ballot(
    params: &ElectionParameters,
    credential: &PublicCredential,
    ballot: &EncryptedBallot,
) -> Result<DecodedBallot, BallotError> {
    if ballot.answers.len() != params.questions.len() {
        return Err(BallotError::QuestionCount {
            expected: params.questions.len(),
            found: ballot.answers.len(),
        });
    }
    let mut answers = Vec::with_capacity(ballot.answers.len());
    for (question, (shape, answer)) in params.questions.iter().zip(&ballot.answers).enumerate() {
        let options = shape.options as usize;
        for (what, found) in [
            ("ciphertexts", answer.choices.len()),
            ("proofs", answer.proofs.len()),
        ] {
            if found != options {
                return Err(BallotError::OptionCount {
                    question,
                    what,
                    expected: options,
                    found,
                });
            }
        }
        let mut ciphertexts = Vec::with_capacity(options);
        let mut proofs = Vec::with_capacity(options);
        for (option, (encoded, proof)) in answer.choices.iter().zip(&answer.proofs).enumerate() {
            let ciphertext = encoded
                .decode()
                .map_err(|_| BallotError::Ciphertext { question, option })?;
            let transcript = mark_transcript(params, credential, question, option, encoded);
            let branches = proof.check_challenges(transcript, 0, 1).map_err(|fault| {
                BallotError::MarkProof {
                    question,
                    option,
                    fault,
                }
            })?;
            ciphertexts.push(ciphertext);
            proofs.push(branches);
        }
        let transcript = count_transcript(params, credential, question, &answer.choices);
        let (lo, hi) = shape.count_range();
        let count_proof = answer
            .sum_proof
            .check_challenges(transcript, lo, hi)
            .map_err(|fault| BallotError::CountProof { question, fault })?;
        answers.push(DecodedAnswer {
            ciphertexts,
            proofs,
            count_proof,
        });
    }
    Ok(DecodedBallot { answers })
}

/// Checks every proof equation of a decoded ballot exactly, naming the
/// first proof that fails.
pub(crate) fn check_equations(
    params: &ElectionParameters,
    ballot: &DecodedBallot,
) -> Result<(), BallotError> {
    let key = &params.public_key;
    for (question, (shape, answer)) in params.questions.iter().zip(&ballot.answers).enumerate() {
        for (option, (ciphertext, branches)) in
            answer.ciphertexts.iter().zip(&answer.proofs).enumerate()
        {
            verify_equations(branches, key, ciphertext).map_err(|fault| {
                BallotError::MarkProof {
                    question,
                    option,
                    fault,
                }
            })?;
        }
        let sum = weighted_sum(shape, &answer.ciphertexts);
        verify_equations(&answer.count_proof, key, &sum)
            .map_err(|fault| BallotError::CountProof { question, fault })?;
    }
    Ok(())
}

/// Verifies one ballot cast with `credential`: strict encodings, shape,
/// every challenge and every equation. The error names the question, the
/// option and what failed. Returns the decoded ciphertexts (per question,
/// per option) for the caller to add up.
///
/// Checks each equation on its own (no randomness needed);
/// [`crate::ballot_batch::verify_one`] gives the same answers several times
/// faster, and [`crate::ballot_batch::verify_batch`] is faster still for
/// many ballots.
pub fn verify_ballot(
    params: &ElectionParameters,
    credential: &PublicCredential,
    ballot: &EncryptedBallot,
) -> Result<Vec<Vec<Ciphertext>>, BallotError> {
    let decoded = decode_ballot(params, credential, ballot)?;
    check_equations(params, &decoded)?;
    Ok(decoded
        .answers
        .into_iter()
        .map(|answer| answer.ciphertexts)
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::credential::{Code, CredentialKey};
    use crate::elgamal::SecretKey;
    use crate::group::SeededScalars;

    pub(crate) fn credential(n: u8) -> PublicCredential {
        CredentialKey::derive(&Code::from_bytes([n; 16]), "test-ballot").public()
    }

    /// Two questions: approval of 5 with 0..=3 marks (and "none" as a
    /// sixth option), yes/no/abstain.
    pub(crate) fn election(seed: &[u8]) -> (SecretKey, ElectionParameters) {
        let key = SecretKey::generate(&mut SeededScalars::new(seed)).unwrap();
        let shapes = vec![
            QuestionShape {
                options: 6,
                min_marks: 0,
                max_marks: 3,
            },
            QuestionShape {
                options: 3,
                min_marks: 1,
                max_marks: 1,
            },
        ];
        let params = ElectionParameters::new([7; 32], key.public(), shapes).unwrap();
        (key, params)
    }

    fn marks(bits: &[u8]) -> Vec<bool> {
        bits.iter().map(|b| *b == 1).collect()
    }

    pub(crate) fn choices() -> Vec<Vec<bool>> {
        vec![marks(&[1, 0, 1, 1, 0, 0]), marks(&[0, 0, 1])]
    }

    /// Encrypts `values` as the answer to `question` with proofs made as if
    /// each value were `claimed` (a forger's best try: the challenges add
    /// up, the equations do not).
    pub(crate) fn forged_answer(
        params: &ElectionParameters,
        cred: &PublicCredential,
        question: usize,
        values: &[u64],
        claimed_count: u64,
        source: &mut dyn ScalarSource,
    ) -> EncryptedAnswer {
        let shape = params.questions()[question];
        let key = params.public_key();
        let mut cts = Vec::new();
        let mut proofs = Vec::new();
        let mut r_sum = Scalar::ZERO;
        for (option, value) in values.iter().enumerate() {
            let (ct, r) = Ciphertext::encrypt(key, *value, source).unwrap();
            let t = mark_transcript(params, cred, question, option, &ct.encode());
            proofs.push(RangeProof::prove(t, key, &ct, &r, (*value).min(1), 0, 1, source).unwrap());
            r_sum += r * Scalar::from(shape.weight(option));
            cts.push(ct);
        }
        let encoded: Vec<_> = cts.iter().map(Ciphertext::encode).collect();
        let sum = weighted_sum(&shape, &cts);
        let t = count_transcript(params, cred, question, &encoded);
        let (lo, hi) = shape.count_range();
        let sum_proof =
            RangeProof::prove(t, key, &sum, &r_sum, claimed_count, lo, hi, source).unwrap();
        EncryptedAnswer {
            choices: encoded,
            proofs,
            sum_proof,
        }
    }

    #[test]
    fn a_ballot_encrypts_verifies_and_decrypts_to_its_marks() {
        let (key, params) = election(b"key");
        let cred = credential(1);
        let mut source = SeededScalars::new(b"ballot");
        let ballot = encrypt_ballot(&params, &cred, &choices(), &mut source).unwrap();
        let cts = verify_ballot(&params, &cred, &ballot).unwrap();
        let decrypted: Vec<Vec<bool>> = cts
            .iter()
            .map(|q| q.iter().map(|c| key.decrypt(c, 1) == Some(1)).collect())
            .collect();
        assert_eq!(decrypted, choices());
        // JSON round trip, and the same seed gives the same ballot.
        let json = serde_json::to_string(&ballot).unwrap();
        assert_eq!(
            serde_json::from_str::<EncryptedBallot>(&json).unwrap(),
            ballot
        );
        // Members are declared in key order, so serde's output is canonical.
        assert_eq!(ballot.canonical_json(), json.into_bytes());
        let again = encrypt_ballot(
            &params,
            &cred,
            &choices(),
            &mut SeededScalars::new(b"ballot"),
        )
        .unwrap();
        assert_eq!(again, ballot);
        // Abstaining on the approval question ("none" alone) is allowed
        // there, and decrypts to "none".
        let empty = vec![marks(&[0, 0, 0, 0, 0, 1]), marks(&[1, 0, 0])];
        let ballot = encrypt_ballot(&params, &cred, &empty, &mut source).unwrap();
        let cts = verify_ballot(&params, &cred, &ballot).unwrap();
        assert_eq!(key.decrypt(&cts[0][5], 1), Some(1));
        assert_eq!(key.decrypt(&cts[0].iter().sum(), 6), Some(1));
    }

    #[test]
    fn every_mark_pattern_round_trips_or_is_refused_by_its_count() {
        let (key, params) = election(b"patterns");
        let cred = credential(3);
        let mut source = SeededScalars::new(b"patterns");
        // Every pattern of the five options and "none".
        for pattern in 0u32..64 {
            let first: Vec<bool> = (0..6).map(|j| (pattern >> j) & 1 == 1).collect();
            let count = (pattern & 31).count_ones();
            let none = pattern & 32 != 0;
            let valid = if none {
                count == 0
            } else {
                (1..=3).contains(&count)
            };
            for yes_no in 0..3 {
                let second: Vec<bool> = (0..3).map(|j| j == yes_no).collect();
                let choices = vec![first.clone(), second];
                match encrypt_ballot(&params, &cred, &choices, &mut source) {
                    Ok(ballot) => {
                        assert!(valid, "{pattern:06b} was encrypted");
                        let cts = verify_ballot(&params, &cred, &ballot).unwrap();
                        let marks: Vec<Vec<bool>> = cts
                            .iter()
                            .map(|q| q.iter().map(|c| key.decrypt(c, 1) == Some(1)).collect())
                            .collect();
                        assert_eq!(marks, choices);
                    }
                    Err(e) => {
                        assert!(!valid, "{pattern:06b}: {e}");
                        assert!(matches!(
                            e,
                            BallotError::MarksOutOfRange { question: 0, .. }
                                | BallotError::NoneMismatch { question: 0 }
                        ));
                    }
                }
            }
        }
    }

    #[test]
    fn parameters_round_trip_through_json_and_bad_shapes_are_refused() {
        let (_, params) = election(b"key");
        let json = serde_json::to_string(&params).unwrap();
        assert!(json.starts_with("{\"fingerprint\":\"BwcH"));
        assert_eq!(
            serde_json::from_str::<ElectionParameters>(&json).unwrap(),
            params
        );
        let bad = json.replace("\"max_marks\":3", "\"max_marks\":6");
        assert!(serde_json::from_str::<ElectionParameters>(&bad).is_err());
    }

    #[test]
    fn choices_that_do_not_fit_the_questions_are_not_encrypted() {
        let (_, params) = election(b"key");
        let cred = credential(1);
        let mut source = SeededScalars::new(b"ballot");
        let too_many = vec![marks(&[1, 1, 1, 1, 0, 0]), marks(&[0, 0, 1])];
        assert!(matches!(
            encrypt_ballot(&params, &cred, &too_many, &mut source),
            Err(BallotError::MarksOutOfRange {
                question: 0,
                marks: 4,
                ..
            })
        ));
        let none = vec![marks(&[1, 0, 0, 0, 0, 0]), marks(&[0, 0, 0])];
        assert!(matches!(
            encrypt_ballot(&params, &cred, &none, &mut source),
            Err(BallotError::MarksOutOfRange {
                question: 1,
                marks: 0,
                ..
            })
        ));
        let short = vec![marks(&[1, 0, 0, 0, 0]), marks(&[0, 0, 1])];
        assert!(matches!(
            encrypt_ballot(&params, &cred, &short, &mut source),
            Err(BallotError::OptionCount { question: 0, .. })
        ));
        assert!(matches!(
            encrypt_ballot(&params, &cred, &choices()[..1], &mut source),
            Err(BallotError::QuestionCount { .. })
        ));
        let bad_shape = QuestionShape {
            options: 2,
            min_marks: 0,
            max_marks: 3,
        };
        assert!(ElectionParameters::new([0; 32], *params.public_key(), vec![bad_shape]).is_err());
        assert!(ElectionParameters::new([0; 32], *params.public_key(), vec![]).is_err());
    }

    #[test]
    fn every_kind_of_tampering_is_refused_and_named() {
        let (_, params) = election(b"key");
        let cred = credential(1);
        let mut source = SeededScalars::new(b"ballot");
        let ballot = encrypt_ballot(&params, &cred, &choices(), &mut source).unwrap();
        let check = |b: &EncryptedBallot| verify_ballot(&params, &cred, b).map(|_| ());

        // Non-canonical point in a ciphertext.
        let mut bad = ballot.clone();
        bad.answers[0].choices[2].beta = [0xff; 32];
        assert_eq!(
            check(&bad),
            Err(BallotError::Ciphertext {
                question: 0,
                option: 2
            })
        );
        // Non-canonical commitment.
        let mut bad = ballot.clone();
        bad.answers[1].proofs[0].branches[1].a[0] |= 1;
        assert!(matches!(
            check(&bad),
            Err(BallotError::MarkProof {
                question: 1,
                option: 0,
                fault: ProofFault::Point
            })
        ));
        // A response ≥ ℓ (s + ℓ encodes the same residue, but is refused).
        let mut bad = ballot.clone();
        let s = bad.answers[0].proofs[1].branches[0].s;
        bad.answers[0].proofs[1].branches[0].s = add_order(&s);
        assert!(matches!(
            check(&bad),
            Err(BallotError::MarkProof {
                question: 0,
                option: 1,
                fault: ProofFault::Scalar
            })
        ));
        // Wrong challenge: shift challenge between branches keeps the sum
        // but breaks the equations; changing one breaks the sum.
        let mut bad = ballot.clone();
        let branches = &mut bad.answers[0].sum_proof.branches;
        let c0 = Scalar::from_canonical_bytes(branches[0].c).unwrap();
        let c1 = Scalar::from_canonical_bytes(branches[1].c).unwrap();
        branches[0].c = (c0 + Scalar::ONE).to_bytes();
        branches[1].c = (c1 - Scalar::ONE).to_bytes();
        assert!(matches!(
            check(&bad),
            Err(BallotError::CountProof {
                question: 0,
                fault: ProofFault::Equation
            })
        ));
        let mut bad = ballot.clone();
        bad.answers[0].sum_proof.branches[0].c = (c0 + Scalar::ONE).to_bytes();
        assert!(matches!(
            check(&bad),
            Err(BallotError::CountProof {
                question: 0,
                fault: ProofFault::Challenge
            })
        ));
        // Swapped ciphertexts (proofs left in place).
        let mut bad = ballot.clone();
        bad.answers[0].choices.swap(0, 1);
        assert!(matches!(
            check(&bad),
            Err(BallotError::MarkProof {
                question: 0,
                option: 0,
                fault: ProofFault::Challenge
            })
        ));
        // Swapped ciphertexts together with their proofs: the option index
        // is in the transcript.
        let mut bad = ballot.clone();
        bad.answers[0].choices.swap(0, 1);
        bad.answers[0].proofs.swap(0, 1);
        assert!(matches!(
            check(&bad),
            Err(BallotError::MarkProof {
                question: 0,
                option: 0,
                fault: ProofFault::Challenge
            })
        ));
        // A branch missing, a proof missing, an answer missing.
        let mut bad = ballot.clone();
        let first = bad.answers[1].sum_proof.branches[0];
        bad.answers[1].sum_proof.branches.push(first);
        assert!(matches!(
            check(&bad),
            Err(BallotError::CountProof {
                question: 1,
                fault: ProofFault::BranchCount {
                    expected: 1,
                    found: 2
                }
            })
        ));
        let mut bad = ballot.clone();
        bad.answers[0].proofs.pop();
        assert!(matches!(
            check(&bad),
            Err(BallotError::OptionCount { question: 0, .. })
        ));
        let mut bad = ballot.clone();
        bad.answers.pop();
        assert!(matches!(
            check(&bad),
            Err(BallotError::QuestionCount { .. })
        ));

        // Copied into another voter's ballot, or into another election.
        assert!(matches!(
            verify_ballot(&params, &credential(2), &ballot),
            Err(BallotError::MarkProof {
                question: 0,
                option: 0,
                fault: ProofFault::Challenge
            })
        ));
        let other =
            ElectionParameters::new([8; 32], *params.public_key(), params.questions().to_vec())
                .unwrap();
        assert!(verify_ballot(&other, &cred, &ballot).is_err());
    }

    #[test]
    fn forged_proofs_for_a_two_or_too_many_marks_are_refused() {
        let (key, params) = election(b"key");
        let cred = credential(1);
        let mut source = SeededScalars::new(b"forger");
        let honest = encrypt_ballot(&params, &cred, &choices(), &mut source).unwrap();

        // A 2 in one option; the count (2) is within 0..=3.
        let mut bad = honest.clone();
        bad.answers[0] = forged_answer(&params, &cred, 0, &[2, 0, 0, 0, 0, 0], 2, &mut source);
        assert!(matches!(
            verify_ballot(&params, &cred, &bad),
            Err(BallotError::MarkProof {
                question: 0,
                option: 0,
                fault: ProofFault::Equation
            })
        ));
        // Four marks where at most 3 are allowed (each mark a proper 0/1).
        let mut bad = honest.clone();
        bad.answers[0] = forged_answer(&params, &cred, 0, &[1, 1, 1, 1, 0, 0], 3, &mut source);
        assert!(matches!(
            verify_ballot(&params, &cred, &bad),
            Err(BallotError::CountProof {
                question: 0,
                fault: ProofFault::Equation
            })
        ));
        // Yes and no together in a yes/no/abstain question.
        let mut bad = honest.clone();
        bad.answers[1] = forged_answer(&params, &cred, 1, &[1, 1, 0], 1, &mut source);
        assert!(matches!(
            verify_ballot(&params, &cred, &bad),
            Err(BallotError::CountProof {
                question: 1,
                fault: ProofFault::Equation
            })
        ));
        // The forger's helper is honest when the values are: sanity check.
        let mut fine = honest.clone();
        fine.answers[0] = forged_answer(&params, &cred, 0, &[0, 1, 0, 0, 0, 0], 1, &mut source);
        let cts = verify_ballot(&params, &cred, &fine).unwrap();
        assert_eq!(key.decrypt(&cts[0].iter().sum(), 5), Some(1));
    }

    #[test]
    fn none_with_a_mark_or_nothing_at_all_is_refused_and_none_alone_is_accepted() {
        let (key, params) = election(b"none");
        let cred = credential(4);
        let mut source = SeededScalars::new(b"none");
        let honest = encrypt_ballot(&params, &cred, &choices(), &mut source).unwrap();
        let yes = marks(&[1, 0, 0]);
        // The encryptor refuses both wrong patterns.
        for wrong in [marks(&[0, 1, 0, 0, 0, 1]), marks(&[0, 0, 0, 0, 0, 0])] {
            assert_eq!(
                encrypt_ballot(&params, &cred, &[wrong, yes.clone()], &mut source),
                Err(BallotError::NoneMismatch { question: 0 })
            );
        }
        // A forger's "none" beside a mark: weighted sum 3 + 1 = 4 > 3.
        let mut bad = honest.clone();
        bad.answers[0] = forged_answer(&params, &cred, 0, &[0, 1, 0, 0, 0, 1], 3, &mut source);
        assert!(matches!(
            verify_ballot(&params, &cred, &bad),
            Err(BallotError::CountProof {
                question: 0,
                fault: ProofFault::Equation
            })
        ));
        // Nothing marked at all, not even "none": weighted sum 0 < 1.
        let mut bad = honest.clone();
        bad.answers[0] = forged_answer(&params, &cred, 0, &[0, 0, 0, 0, 0, 0], 1, &mut source);
        assert!(matches!(
            verify_ballot(&params, &cred, &bad),
            Err(BallotError::CountProof {
                question: 0,
                fault: ProofFault::Equation
            })
        ));
        // The same two refusals through the batch check.
        assert!(crate::ballot_batch::verify_one(
            &params,
            &cred,
            &bad,
            &mut SeededScalars::new(b"w")
        )
        .is_err());
        // "none" alone is accepted, with max_marks = 3 as its weight.
        let alone = vec![marks(&[0, 0, 0, 0, 0, 1]), yes.clone()];
        let ballot = encrypt_ballot(&params, &cred, &alone, &mut source).unwrap();
        let cts = crate::ballot_batch::verify_one(&params, &cred, &ballot, &mut source).unwrap();
        let decrypted: Vec<bool> = cts[0]
            .iter()
            .map(|c| key.decrypt(c, 1) == Some(1))
            .collect();
        assert_eq!(decrypted, alone[0]);
        // with_none adds "none" exactly when nothing is marked.
        let shape = params.questions()[0];
        assert_eq!(shape.with_none(marks(&[0, 0, 0, 0, 0])), alone[0]);
        assert_eq!(
            shape.with_none(marks(&[1, 0, 0, 0, 0])),
            marks(&[1, 0, 0, 0, 0, 0])
        );
        assert_eq!(params.questions()[1].with_none(yes.clone()), yes);
        // A "none" shape needs a real option and max_marks ≥ 1.
        for (options, max_marks) in [(1, 0), (3, 0), (3, 3)] {
            let shape = QuestionShape {
                options,
                min_marks: 0,
                max_marks,
            };
            assert!(ElectionParameters::new([0; 32], *params.public_key(), vec![shape]).is_err());
        }
    }

    /// s + ℓ as 32 little-endian bytes (still < 2^256 for every canonical s
    /// here, since s < ℓ < 2^253).
    pub(crate) fn add_order(s: &[u8; 32]) -> [u8; 32] {
        const ORDER: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut out = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(s[i]) + u16::from(ORDER[i]) + carry;
            out[i] = v as u8;
            carry = v >> 8;
        }
        out
    }
}
