//! Test vectors of ranked ballots and the trustees' shuffle
//! (`crypto/tests/vectors/shuffle.json`), specified in
//! `docs/election-record.md`, "Version 2: ranked ballots and the shuffle".
//!
//! The file is made from fixed seeds ([`SeededScalars`]); this test makes it
//! again and compares byte for byte, then checks every case from the file
//! as an independent verifier would. After a deliberate format change,
//! rewrite it with `VOTUM_WRITE_VECTORS=1 cargo test -p votum-crypto --test
//! shuffle_vectors`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde::{Deserialize, Serialize};
use votum_crypto::base64url;
use votum_crypto::elgamal::{Ciphertext, EncodedCiphertext, PublicKey, SecretKey};
use votum_crypto::group::{encode_point, generator, Scalar, ScalarSource, SeededScalars};
use votum_crypto::ranked_ballot::{
    encrypt_ranking, rank_transcript, ranking_order, verify_ranking, EncryptedRanking,
    RankedQuestion,
};
use votum_crypto::shuffle::{
    challenges, generators, prove, shuffle, verify_shuffle, CiphertextRows, List,
    ShuffleParameters, ShuffleProof, ShuffleWitness,
};
use votum_crypto::{Code, CredentialKey, PublicCredential};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/shuffle.json");
const OPTIONS: u32 = 3;
const FINGERPRINT: [u8; 32] = [0x5a; 32];

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Vectors {
    description: String,
    group: String,
    /// The election secret key (test only: lets a verifier decrypt).
    #[serde(with = "base64url::array")]
    secret_key: [u8; 32],
    #[serde(with = "base64url::array")]
    public_key: [u8; 32],
    #[serde(with = "base64url::array")]
    fingerprint: [u8; 32],
    /// The ranked question: its index in the ballot and its options (the
    /// shuffle's width).
    question: u32,
    options: u32,
    /// The ballots cast: credential, ranks, encrypted ranking.
    ballots: Vec<Ballot>,
    /// Challenge of the rank proof of ballot 0, option 0 (debugging aid).
    #[serde(with = "base64url::array")]
    first_rank_challenge: [u8; 32],
    /// h, h_1, …, h_N for this election and N = number of ballots.
    #[serde(with = "base64url::array_list")]
    generators: Vec<[u8; 32]>,
    /// The shuffle's input: the ballots' ciphertexts, one row each.
    input: Vec<Vec<EncodedCiphertext>>,
    /// The first trustee's output and proof.
    output: Vec<Vec<EncodedCiphertext>>,
    proof: ShuffleProof,
    /// What hashing alone gives for the first mix (debugging aids): the
    /// batching seed ρ, the batching challenges u_i, the challenge c.
    #[serde(with = "base64url::array")]
    batching_seed: [u8; 64],
    #[serde(with = "base64url::array_list")]
    batching_challenges: Vec<[u8; 32]>,
    #[serde(with = "base64url::array")]
    challenge: [u8; 32],
    /// The second trustee's mix of `output`.
    output2: Vec<Vec<EncodedCiphertext>>,
    proof2: ShuffleProof,
    /// Decrypted ranks of `output2`, row by row.
    plaintexts: Vec<Vec<u64>>,
    invalid: Vec<InvalidCase>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Ballot {
    #[serde(with = "base64url::array")]
    credential: [u8; 32],
    ranks: Vec<u64>,
    ranking: EncryptedRanking,
}

/// A shuffle of `input` (the vectors' input) that must be refused.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct InvalidCase {
    reason: String,
    /// The error message Votum's verifier gives.
    error: String,
    #[serde(with = "base64url::array")]
    fingerprint: [u8; 32],
    output: Vec<Vec<EncodedCiphertext>>,
    proof: ShuffleProof,
}

fn credential(n: u8) -> PublicCredential {
    CredentialKey::derive(&Code::from_bytes([n; 16]), "vector-ranked").public()
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

fn key() -> SecretKey {
    SecretKey::generate(&mut SeededScalars::new(b"votum shuffle vectors: key")).unwrap()
}

fn rows_of(list: &[Vec<Ciphertext>]) -> Vec<Vec<EncodedCiphertext>> {
    list.iter()
        .map(|row| row.iter().map(Ciphertext::encode).collect())
        .collect()
}

/// The honest witness applied, row `target` changed by `alter`, proved with
/// the honest witness: a forger's best try.
fn forged(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    source: &mut dyn ScalarSource,
    alter: impl Fn(&mut Vec<Vec<Ciphertext>>),
) -> (Vec<Vec<EncodedCiphertext>>, ShuffleProof) {
    let witness = ShuffleWitness::random(input.len(), params.width(), source).unwrap();
    let honest = witness.apply(params, input).unwrap();
    let mut list: Vec<Vec<Ciphertext>> = honest.rows().map(<[Ciphertext]>::to_vec).collect();
    alter(&mut list);
    let output = CiphertextRows::new(params.width(), &list).unwrap();
    let proof = prove(params, input, &output, &witness, source).unwrap();
    (rows_of(&list), proof)
}

fn error_of(params: &ShuffleParameters, input: &CiphertextRows, case: &InvalidCase) -> String {
    let output = match CiphertextRows::decode(params.width(), &case.output, List::Output) {
        Ok(output) => output,
        Err(e) => return e.to_string(),
    };
    let params =
        ShuffleParameters::new(case.fingerprint, *params.public_key(), params.width()).unwrap();
    verify_shuffle(&params, input, &output, &case.proof)
        .expect_err(&case.reason)
        .to_string()
}

fn make_vectors() -> Vectors {
    let secret = key();
    let public = secret.public();
    let question = RankedQuestion::new(FINGERPRINT, public, 1, OPTIONS).unwrap();
    let mut source = SeededScalars::new(b"votum shuffle vectors: ballots");
    // Four ballots: a full ranking, a partial one, a single first choice,
    // and an invalid ranking (rank 1 twice) that the proofs allow and the
    // count spoils after mixing.
    let all_ranks: [[u64; 3]; 4] = [[2, 3, 1], [0, 1, 2], [1, 0, 0], [1, 1, 0]];
    let mut ballots = Vec::new();
    let mut rows = Vec::new();
    for (n, ranks) in all_ranks.iter().enumerate() {
        let cred = credential(n as u8 + 1);
        let ranking = if ranking_order(ranks).is_ok() {
            encrypt_ranking(&question, &cred, ranks, &mut source).unwrap()
        } else {
            invalid_ranking(&question, &cred, ranks, &mut source)
        };
        rows.push(verify_ranking(&question, &cred, &ranking).unwrap());
        ballots.push(Ballot {
            credential: cred.0,
            ranks: ranks.to_vec(),
            ranking,
        });
    }
    let first_rank_challenge = {
        let cred = PublicCredential(ballots[0].credential);
        let mut t = rank_transcript(&question, &cred, 0, &ballots[0].ranking.choices[0]);
        t.append_u64(b"min", 0)
            .append_u64(b"max", u64::from(OPTIONS));
        for b in &ballots[0].ranking.proofs[0].branches {
            t.append_bytes(b"a", &b.a).append_bytes(b"b", &b.b);
        }
        t.challenge().to_bytes()
    };

    let params = ShuffleParameters::new(FINGERPRINT, public, OPTIONS as usize).unwrap();
    let input = CiphertextRows::new(OPTIONS as usize, &rows).unwrap();
    let mut mix = SeededScalars::new(b"votum shuffle vectors: trustee 1");
    let (output, proof) = shuffle(&params, &input, &mut mix).unwrap();
    let hashed = challenges(&params, &input, &output, &proof);
    let mut mix2 = SeededScalars::new(b"votum shuffle vectors: trustee 2");
    let (output2, proof2) = shuffle(&params, &output, &mut mix2).unwrap();
    let plaintexts = output2
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| secret.decrypt(c, u64::from(OPTIONS)).unwrap())
                .collect()
        })
        .collect();

    let mut forger = SeededScalars::new(b"votum shuffle vectors: forger");
    let mut invalid = Vec::new();
    let mut case = |reason: &str, fingerprint, output, proof| {
        let mut c = InvalidCase {
            reason: reason.into(),
            error: String::new(),
            fingerprint,
            output,
            proof,
        };
        c.error = error_of(&params, &input, &c);
        invalid.push(c);
    };
    // A ballot replaced by the mixer's own (first place to option 0).
    let own: Vec<Ciphertext> = [1u64, 2, 3]
        .iter()
        .map(|m| Ciphertext::encrypt(&public, *m, &mut forger).unwrap().0)
        .collect();
    let (out, pr) = forged(&params, &input, &mut forger, |list| list[1] = own.clone());
    case("a ballot replaced by another", FINGERPRINT, out, pr);
    // A ballot dropped: the honest output without its last row.
    let mut out = output.to_encoded();
    out.pop();
    case("a ballot dropped", FINGERPRINT, out, proof.clone());
    // A ballot duplicated (another one dropped), re-encrypted afresh.
    let r = forger.scalar().unwrap();
    let (out, pr) = forged(&params, &input, &mut forger, |list| {
        list[3] = list[0]
            .iter()
            .map(|c| *c + Ciphertext::encrypt_with(&public, 0, &r))
            .collect();
    });
    case("a ballot duplicated, another dropped", FINGERPRINT, out, pr);
    // A proof element changed.
    let mut pr = proof.clone();
    pr.s_prime[2] = (Scalar::from_canonical_bytes(pr.s_prime[2]).unwrap() + Scalar::ONE).to_bytes();
    case(
        "response s'_3 changed by 1",
        FINGERPRINT,
        output.to_encoded(),
        pr,
    );
    // Output reordered after proving.
    let mut out = output.to_encoded();
    out.swap(0, 2);
    case(
        "output rows 1 and 3 swapped after proving",
        FINGERPRINT,
        out,
        proof.clone(),
    );
    // A proof for another election (same input, same key).
    let other = ShuffleParameters::new([0xa5; 32], public, OPTIONS as usize).unwrap();
    let (out, pr) = shuffle(&other, &input, &mut forger).unwrap();
    case(
        "output and proof made for another election",
        FINGERPRINT,
        out.to_encoded(),
        pr,
    );
    // The valid shuffle checked against another election.
    case(
        "the valid shuffle checked in another election",
        [0xa5; 32],
        output.to_encoded(),
        proof.clone(),
    );
    // Encodings: a scalar + ℓ and a non-canonical commitment.
    let mut pr = proof.clone();
    pr.s_hat[1] = add_order(&pr.s_hat[1]);
    case(
        "response ŝ_2 + ℓ (not canonical)",
        FINGERPRINT,
        output.to_encoded(),
        pr,
    );
    let mut pr = proof.clone();
    pr.commitments[0][0] |= 1;
    case(
        "permutation commitment c_1 not canonical (negative)",
        FINGERPRINT,
        output.to_encoded(),
        pr,
    );

    Vectors {
        description: "Ballot protocol v2: ranked ballots and two trustees' shuffles, with invalid shuffles; see docs/election-record.md, Version 2: ranked ballots and the shuffle".into(),
        group: "ristretto255".into(),
        secret_key: secret_scalar(),
        public_key: public.to_bytes(),
        fingerprint: FINGERPRINT,
        question: 1,
        options: OPTIONS,
        ballots,
        first_rank_challenge,
        generators: generators(&FINGERPRINT, all_ranks.len())
            .iter()
            .map(encode_point)
            .collect(),
        input: input.to_encoded(),
        output: output.to_encoded(),
        proof,
        batching_seed: hashed.seed,
        batching_challenges: hashed.batching.iter().map(Scalar::to_bytes).collect(),
        challenge: hashed.challenge.to_bytes(),
        output2: output2.to_encoded(),
        proof2,
        plaintexts,
        invalid,
    }
}

/// The secret scalar of [`key`]: the first scalar of its seed (SecretKey
/// does not show its scalar; SeededScalars gives the same one again).
fn secret_scalar() -> [u8; 32] {
    SeededScalars::new(b"votum shuffle vectors: key")
        .scalar()
        .unwrap()
        .to_bytes()
}

/// An encrypted ranking with ranks that are no ranking, with honest range
/// proofs (every rank is within 0..k).
fn invalid_ranking(
    question: &RankedQuestion,
    cred: &PublicCredential,
    ranks: &[u64],
    source: &mut dyn ScalarSource,
) -> EncryptedRanking {
    let key = question.public_key();
    let mut choices = Vec::new();
    let mut proofs = Vec::new();
    for (option, rank) in ranks.iter().enumerate() {
        let (ct, r) = Ciphertext::encrypt(key, *rank, source).unwrap();
        let t = rank_transcript(question, cred, option, &ct.encode());
        proofs.push(
            votum_crypto::range_proof::RangeProof::prove(
                t,
                key,
                &ct,
                &r,
                *rank,
                0,
                u64::from(question.options()),
                source,
            )
            .unwrap(),
        );
        choices.push(ct.encode());
    }
    EncryptedRanking { choices, proofs }
}

#[test]
fn the_vectors_file_is_reproduced_from_its_seeds() {
    let made = serde_json::to_string_pretty(&make_vectors()).unwrap() + "\n";
    if std::env::var_os("VOTUM_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, &made).unwrap();
    }
    let stored = std::fs::read_to_string(PATH).expect("run with VOTUM_WRITE_VECTORS=1 once");
    assert!(
        stored == made,
        "tests/vectors/shuffle.json differs from what the seeds give"
    );
}

#[test]
fn the_vectors_verify_as_stated() {
    let v: Vectors = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let x = Scalar::from_canonical_bytes(v.secret_key).unwrap();
    assert_eq!(encode_point(&(generator() * x)), v.public_key);
    let public = PublicKey::from_bytes(&v.public_key).unwrap();
    let question = RankedQuestion::new(v.fingerprint, public, v.question, v.options).unwrap();
    let width = v.options as usize;

    // Every ballot verifies and its ciphertexts are the input rows.
    for (ballot, row) in v.ballots.iter().zip(&v.input) {
        let cred = PublicCredential(ballot.credential);
        let cts = verify_ranking(&question, &cred, &ballot.ranking).unwrap();
        assert_eq!(&cts.iter().map(Ciphertext::encode).collect::<Vec<_>>(), row);
        // Copied into another voter's ballot, it fails.
        assert!(verify_ranking(&question, &credential(99), &ballot.ranking).is_err());
    }
    let gens: Vec<[u8; 32]> = generators(&v.fingerprint, v.ballots.len())
        .iter()
        .map(encode_point)
        .collect();
    assert_eq!(gens, v.generators);

    let params = ShuffleParameters::new(v.fingerprint, public, width).unwrap();
    let input = CiphertextRows::decode(width, &v.input, List::Input).unwrap();
    let output = CiphertextRows::decode(width, &v.output, List::Output).unwrap();
    let output2 = CiphertextRows::decode(width, &v.output2, List::Output).unwrap();
    assert_eq!(verify_shuffle(&params, &input, &output, &v.proof), Ok(()));
    let hashed = challenges(&params, &input, &output, &v.proof);
    assert_eq!(hashed.seed, v.batching_seed);
    assert_eq!(hashed.challenge.to_bytes(), v.challenge);
    assert_eq!(
        verify_shuffle(&params, &output, &output2, &v.proof2),
        Ok(())
    );

    // Decryption of the last mix gives the ballots' ranks, in another order.
    let secret = key();
    let decrypted: Vec<Vec<u64>> = output2
        .rows()
        .map(|row| row.iter().map(|c| secret.decrypt(c, 3).unwrap()).collect())
        .collect();
    assert_eq!(decrypted, v.plaintexts);
    let mut cast: Vec<Vec<u64>> = v.ballots.iter().map(|b| b.ranks.clone()).collect();
    let mut mixed = decrypted.clone();
    cast.sort();
    mixed.sort();
    assert_eq!(cast, mixed);
    // Exactly one plaintext is no ranking and is spoiled.
    assert_eq!(
        decrypted
            .iter()
            .filter(|r| ranking_order(r).is_err())
            .count(),
        1
    );

    assert!(v.invalid.len() >= 9);
    for case in &v.invalid {
        assert_eq!(
            error_of(&params, &input, case),
            case.error,
            "{}",
            case.reason
        );
    }
}
