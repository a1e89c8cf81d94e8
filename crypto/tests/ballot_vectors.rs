//! Test vectors of ballot protocol version 2's encrypted ballots
//! (`crypto/tests/vectors/ballot-v2.json`), specified in
//! `docs/election-record.md`, "Version 2: encryption and proofs".
//!
//! The file is made from fixed seeds ([`SeededScalars`]); this test makes it
//! again and compares byte for byte, then checks every case from the file
//! as an independent verifier would. After a deliberate format change,
//! rewrite it with `VOTUM_WRITE_VECTORS=1 cargo test -p votum-crypto --test
//! ballot_vectors`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde::{Deserialize, Serialize};
use votum_crypto::ballot_batch::{verify_batch, BallotRef, BatchError};
use votum_crypto::base64url;
use votum_crypto::elgamal::{Ciphertext, SecretKey};
use votum_crypto::encrypted_ballot::{
    count_transcript, encrypt_ballot, mark_transcript, verify_ballot, weighted_sum,
    ElectionParameters, EncryptedAnswer, EncryptedBallot, QuestionShape,
};
use votum_crypto::group::{Scalar, ScalarSource, SeededScalars};
use votum_crypto::range_proof::RangeProof;
use votum_crypto::{Code, CredentialKey, PublicCredential};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/ballot-v2.json");

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Vectors {
    description: String,
    group: String,
    /// The election secret key (test only: lets a verifier check decryption).
    #[serde(with = "base64url::array")]
    secret_key: [u8; 32],
    #[serde(with = "base64url::array")]
    public_key: [u8; 32],
    #[serde(with = "base64url::array")]
    fingerprint: [u8; 32],
    questions: Vec<QuestionShape>,
    #[serde(with = "base64url::array")]
    credential: [u8; 32],
    /// Marks per question and option (1 = marked).
    choices: Vec<Vec<u8>>,
    /// Challenge of the 0-or-1 proof of question 0, option 0 (a debugging
    /// aid for implementers: the hash of that proof's transcript mod ℓ).
    #[serde(with = "base64url::array")]
    first_mark_challenge: [u8; 32],
    ballot: EncryptedBallot,
    invalid: Vec<InvalidCase>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct InvalidCase {
    reason: String,
    /// The error message Votum's verifier gives.
    error: String,
    /// The fingerprint and credential to verify against.
    #[serde(with = "base64url::array")]
    fingerprint: [u8; 32],
    #[serde(with = "base64url::array")]
    credential: [u8; 32],
    ballot: EncryptedBallot,
}

fn credential(n: u8) -> PublicCredential {
    CredentialKey::derive(&Code::from_bytes([n; 16]), "vector-ballot").public()
}

/// s + ℓ in 32 little-endian bytes: the same residue, not canonical.
fn add_order(s: &[u8; 32]) -> [u8; 32] {
    const ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for ((o, a), b) in out.iter_mut().zip(s).zip(ORDER) {
        let v = u16::from(*a) + u16::from(b) + carry;
        *o = v as u8;
        carry = v >> 8;
    }
    out
}

/// An answer whose ciphertexts encrypt `values`, with proofs made as if
/// each value were at most 1 and the count were `claimed`: the challenges
/// add up, the equations of the false branch do not.
fn forged_answer(
    params: &ElectionParameters,
    cred: &PublicCredential,
    question: usize,
    values: &[u64],
    claimed: u64,
    source: &mut dyn ScalarSource,
) -> EncryptedAnswer {
    let shape = params.questions()[question];
    let key = params.public_key();
    let (mut cts, mut proofs, mut r_sum) = (Vec::new(), Vec::new(), Scalar::ZERO);
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
    let sum_proof = RangeProof::prove(t, key, &sum, &r_sum, claimed, lo, hi, source).unwrap();
    EncryptedAnswer {
        choices: encoded,
        proofs,
        sum_proof,
    }
}

fn make_vectors() -> Vectors {
    let mut keys = SeededScalars::new(b"votum ballot vectors: key");
    let secret = SecretKey::generate(&mut keys).unwrap();
    let secret_bytes = SeededScalars::new(b"votum ballot vectors: key")
        .scalar()
        .unwrap()
        .to_bytes();
    let fingerprint = votum_crypto::sha256(b"votum ballot vectors: election");
    let questions = vec![
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
    let params = ElectionParameters::new(fingerprint, secret.public(), questions.clone()).unwrap();
    let cred = credential(1);
    let choices: Vec<Vec<u8>> = vec![vec![1, 0, 1, 1, 0, 0], vec![0, 0, 1]];
    let marks: Vec<Vec<bool>> = choices
        .iter()
        .map(|q| q.iter().map(|m| *m == 1).collect())
        .collect();
    let mut source = SeededScalars::new(b"votum ballot vectors: ballot");
    let ballot = encrypt_ballot(&params, &cred, &marks, &mut source).unwrap();
    let first = &ballot.answers[0];
    let mut t = mark_transcript(&params, &cred, 0, 0, &first.choices[0]);
    t.append_u64(b"min", 0).append_u64(b"max", 1);
    for branch in &first.proofs[0].branches {
        t.append_bytes(b"a", &branch.a)
            .append_bytes(b"b", &branch.b);
    }
    let first_mark_challenge = t.challenge().to_bytes();

    let mut forger = SeededScalars::new(b"votum ballot vectors: forger");
    let mut invalid = Vec::new();
    let mut case = |reason: &str, fp: [u8; 32], c: &PublicCredential, b: EncryptedBallot| {
        let p = ElectionParameters::new(fp, secret.public(), questions.clone()).unwrap();
        let error = verify_ballot(&p, c, &b).expect_err(reason).to_string();
        invalid.push(InvalidCase {
            reason: reason.to_owned(),
            error,
            fingerprint: fp,
            credential: *c.as_bytes(),
            ballot: b,
        });
    };
    let mut b = ballot.clone();
    b.answers[0].choices[2].beta = [0xff; 32];
    case(
        "β of question 0, option 2 is not a canonical encoding (a field element ≥ p)",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[0].choices[1].alpha = [0; 32];
    case(
        "α of question 0, option 1 is the identity (r = 0 shows the mark)",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[1].proofs[0].branches[1].a[0] |= 1;
    case(
        "commitment A of question 1, option 0, branch 1 is not canonical (negative: low bit set)",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    let s = b.answers[0].proofs[1].branches[0].s;
    b.answers[0].proofs[1].branches[0].s = add_order(&s);
    case(
        "response s of question 0, option 1, branch 0 is s + ℓ: the same residue, but ≥ ℓ",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    let c = Scalar::from_canonical_bytes(b.answers[0].sum_proof.branches[0].c).unwrap();
    b.answers[0].sum_proof.branches[0].c = (c + Scalar::ONE).to_bytes();
    case("challenge c of question 0's count proof, branch 0, increased by 1: the challenges no longer add up", fingerprint, &cred, b);
    let mut b = ballot.clone();
    b.answers[0].choices.swap(0, 1);
    case(
        "ciphertexts of question 0, options 0 and 1 swapped (proofs left in place)",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[0] = forged_answer(&params, &cred, 0, &[2, 0, 0, 0, 0, 0], 2, &mut forger);
    case("question 0, option 0 encrypts 2 (count 2 is within 0..=3); its 0-or-1 proof is forged: challenges add up, an equation fails", fingerprint, &cred, b);
    let mut b = ballot.clone();
    b.answers[0] = forged_answer(&params, &cred, 0, &[1, 1, 1, 1, 0, 0], 3, &mut forger);
    case(
        "question 0 has 4 marks, at most 3 are allowed; the count proof claims 3",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[0] = forged_answer(&params, &cred, 0, &[0, 1, 0, 0, 0, 1], 3, &mut forger);
    case(
        "question 0 marks \"none\" (option 5) and option 1: weighted sum 1 + 3·1 = 4, \
         outside 1..=3; the count proof claims 3",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[0] = forged_answer(&params, &cred, 0, &[0, 0, 0, 0, 0, 0], 1, &mut forger);
    case(
        "question 0 marks nothing, not even \"none\": weighted sum 0, outside 1..=3; \
         the count proof claims 1",
        fingerprint,
        &cred,
        b,
    );
    let mut b = ballot.clone();
    b.answers[1] = forged_answer(&params, &cred, 1, &[1, 1, 0], 1, &mut forger);
    case(
        "question 1 (exactly one mark) marks yes and no; the count proof claims 1",
        fingerprint,
        &cred,
        b,
    );
    case(
        "the valid ballot, copied into the ballot of another credential",
        fingerprint,
        &credential(2),
        ballot.clone(),
    );
    let other = votum_crypto::sha256(b"votum ballot vectors: another election");
    case(
        "the valid ballot, presented in another election (other fingerprint)",
        other,
        &cred,
        ballot.clone(),
    );

    Vectors {
        description: "Ballot protocol v2: one encrypted ballot and invalid variants; \
            see docs/election-record.md, Version 2: encryption and proofs"
            .to_owned(),
        group: "ristretto255".to_owned(),
        secret_key: secret_bytes,
        public_key: secret.public().to_bytes(),
        fingerprint,
        questions,
        credential: *cred.as_bytes(),
        choices,
        first_mark_challenge,
        ballot,
        invalid,
    }
}

#[test]
fn the_vectors_file_is_reproduced_from_its_seeds() {
    let made = serde_json::to_string_pretty(&make_vectors()).unwrap() + "\n";
    if std::env::var_os("VOTUM_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors")).unwrap();
        std::fs::write(PATH, &made).unwrap();
    }
    let stored = std::fs::read_to_string(PATH).expect("run with VOTUM_WRITE_VECTORS=1 once");
    assert!(
        stored == made,
        "tests/vectors/ballot-v2.json differs from what the seeds give"
    );
}

#[test]
fn the_vectors_verify_as_stated() {
    let text = std::fs::read_to_string(PATH).unwrap();
    let v: Vectors = serde_json::from_str(&text).unwrap();
    let secret_scalar = Scalar::from_canonical_bytes(v.secret_key).unwrap();
    let public = votum_crypto::elgamal::PublicKey::from_bytes(&v.public_key).unwrap();
    assert_eq!(
        votum_crypto::group::encode_point(&(votum_crypto::group::generator() * secret_scalar)),
        v.public_key
    );
    let params = ElectionParameters::new(v.fingerprint, public, v.questions.clone()).unwrap();
    let cred = PublicCredential(v.credential);
    let cts = verify_ballot(&params, &cred, &v.ballot).unwrap();
    let secret =
        SecretKey::generate(&mut SeededScalars::new(b"votum ballot vectors: key")).unwrap();
    let decrypted: Vec<Vec<u8>> = cts
        .iter()
        .map(|q| {
            q.iter()
                .map(|c| secret.decrypt(c, 1).unwrap() as u8)
                .collect()
        })
        .collect();
    assert_eq!(decrypted, v.choices);

    for case in &v.invalid {
        let p = ElectionParameters::new(case.fingerprint, public, v.questions.clone()).unwrap();
        let error = verify_ballot(&p, &PublicCredential(case.credential), &case.ballot)
            .expect_err(&case.reason);
        assert_eq!(error.to_string(), case.error, "{}", case.reason);
    }

    // In one batch with valid ballots around them, exactly the invalid
    // cases of this election are named.
    let credentials: Vec<PublicCredential> = v
        .invalid
        .iter()
        .map(|case| PublicCredential(case.credential))
        .collect();
    let mut batch: Vec<BallotRef<'_>> = Vec::new();
    let mut expected = Vec::new();
    for (case, credential) in v.invalid.iter().zip(&credentials) {
        if case.fingerprint == v.fingerprint {
            batch.push(BallotRef {
                credential: &cred,
                ballot: &v.ballot,
            });
            expected.push(batch.len());
            batch.push(BallotRef {
                credential,
                ballot: &case.ballot,
            });
        }
    }
    let Err(BatchError::Invalid(bad)) =
        verify_batch(&params, &batch, 2, &mut SeededScalars::new(b"weights"))
    else {
        panic!("the batch passed");
    };
    assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), expected);
}
