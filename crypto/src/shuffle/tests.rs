#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::elgamal::SecretKey;
use crate::group::{ScalarSource, SeededScalars};
use proptest::prelude::*;

fn setup(seed: &[u8], width: usize) -> (SecretKey, ShuffleParameters) {
    let key = SecretKey::generate(&mut SeededScalars::new(seed)).unwrap();
    let params = ShuffleParameters::new([3; 32], key.public(), width).unwrap();
    (key, params)
}

/// `rows` rows whose ciphertext (i, j) encrypts i·width + j + 1 mod 50.
fn rows(params: &ShuffleParameters, n: usize, source: &mut dyn ScalarSource) -> CiphertextRows {
    let w = params.width();
    let list: Vec<Vec<Ciphertext>> = (0..n)
        .map(|i| {
            (0..w)
                .map(|j| {
                    let m = ((i * w + j) % 50) as u64 + 1;
                    Ciphertext::encrypt(params.public_key(), m, source)
                        .unwrap()
                        .0
                })
                .collect()
        })
        .collect();
    CiphertextRows::new(w, &list).unwrap()
}

fn plaintexts(key: &SecretKey, list: &CiphertextRows) -> Vec<Vec<u64>> {
    let mut out: Vec<Vec<u64>> = list
        .rows()
        .map(|row| row.iter().map(|c| key.decrypt(c, 60).unwrap()).collect())
        .collect();
    out.sort();
    out
}

#[test]
fn a_shuffle_verifies_and_decrypts_to_the_same_multiset_of_rows() {
    let (key, params) = setup(b"key", 3);
    let mut source = SeededScalars::new(b"shuffle");
    let input = rows(&params, 9, &mut source);
    let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
    assert_eq!(verify_shuffle(&params, &input, &output, &proof), Ok(()));
    assert_eq!(plaintexts(&key, &input), plaintexts(&key, &output));
    // Every ciphertext was re-encrypted: no output equals an input.
    for out in output.flat() {
        assert!(!input.flat().contains(out));
    }
    // JSON round trip of the proof; the decoded published rows verify too.
    let json = serde_json::to_string(&proof).unwrap();
    assert_eq!(serde_json::from_str::<ShuffleProof>(&json).unwrap(), proof);
    assert_eq!(crate::canonical::to_canonical(&proof), json.into_bytes());
    let decoded = CiphertextRows::decode(3, &output.to_encoded(), List::Output).unwrap();
    assert_eq!(decoded, output);
    // Reproducible from the seed.
    let mut again = SeededScalars::new(b"shuffle");
    let input2 = rows(&params, 9, &mut again);
    assert_eq!(
        shuffle(&params, &input2, &mut again).unwrap(),
        (output, proof)
    );
}

#[test]
fn two_mixes_in_a_row_verify_and_keep_the_plaintexts() {
    let (key, params) = setup(b"key", 5);
    let mut source = SeededScalars::new(b"chain");
    let input = rows(&params, 12, &mut source);
    let (first, proof1) = shuffle(&params, &input, &mut source).unwrap();
    let (second, proof2) = shuffle(&params, &first, &mut source).unwrap();
    assert_eq!(verify_shuffle(&params, &input, &first, &proof1), Ok(()));
    assert_eq!(verify_shuffle(&params, &first, &second, &proof2), Ok(()));
    assert!(verify_shuffle(&params, &input, &second, &proof2).is_err());
    assert_eq!(plaintexts(&key, &input), plaintexts(&key, &second));
}

#[test]
fn empty_and_single_row_shuffles_verify() {
    for n in [0, 1, 2] {
        let (_, params) = setup(b"key", 2);
        let mut source = SeededScalars::new(b"small");
        let input = rows(&params, n, &mut source);
        let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
        assert_eq!(output.len(), n);
        assert_eq!(
            verify_shuffle(&params, &input, &output, &proof),
            Ok(()),
            "{n}"
        );
    }
}

#[test]
fn random_permutations_are_permutations_and_not_always_the_identity() {
    let mut source = SeededScalars::new(b"perm");
    let mut moved = false;
    for n in [0, 1, 2, 5, 40] {
        let w = ShuffleWitness::random(n, 1, &mut source).unwrap();
        let mut sorted = w.permutation().to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        moved |= w.permutation().iter().enumerate().any(|(i, p)| i != *p);
    }
    assert!(moved);
    assert!(ShuffleWitness::new(vec![0, 0], vec![Scalar::ONE; 2], 1).is_err());
    assert!(ShuffleWitness::new(vec![1, 0], vec![Scalar::ONE; 3], 1).is_err());
    assert!(ShuffleParameters::new([0; 32], setup(b"k", 1).1.public_key().to_owned(), 0).is_err());
}

/// A forger's output: the honest shuffle with row `target` altered by
/// `alter`, proved with the honest witness.
fn forged(
    params: &ShuffleParameters,
    input: &CiphertextRows,
    source: &mut dyn ScalarSource,
    alter: impl Fn(&mut Vec<Vec<Ciphertext>>, &ShuffleWitness),
) -> (CiphertextRows, ShuffleProof) {
    let witness = ShuffleWitness::random(input.len(), params.width(), source).unwrap();
    let honest = witness.apply(params, input).unwrap();
    let mut list: Vec<Vec<Ciphertext>> = honest.rows().map(<[Ciphertext]>::to_vec).collect();
    alter(&mut list, &witness);
    let output = CiphertextRows::new(params.width(), &list).unwrap();
    let proof = prove(params, input, &output, &witness, source).unwrap();
    (output, proof)
}

#[test]
fn replaced_duplicated_dropped_and_reordered_rows_are_refused() {
    let (_, params) = setup(b"key", 2);
    let mut source = SeededScalars::new(b"forge");
    let input = rows(&params, 6, &mut source);
    let key = *params.public_key();

    // A row replaced by a fresh encryption of other ranks.
    let fresh = Ciphertext::encrypt(&key, 1, &mut source).unwrap().0;
    let (output, proof) = forged(&params, &input, &mut source, |list, _| {
        list[2] = vec![fresh, fresh];
    });
    assert_eq!(
        verify_shuffle(&params, &input, &output, &proof),
        Err(ShuffleError::Equation(ShuffleEquation::Reencryption {
            column: 0
        }))
    );
    // A row duplicated (so another one dropped), re-encrypted afresh.
    let r = source.scalar().unwrap();
    let (output, proof) = forged(&params, &input, &mut source, |list, _| {
        let copy: Vec<Ciphertext> = list[1]
            .iter()
            .map(|c| *c + Ciphertext::encrypt_with(&key, 0, &r))
            .collect();
        list[4] = copy;
    });
    assert!(matches!(
        verify_shuffle(&params, &input, &output, &proof),
        Err(ShuffleError::Equation(ShuffleEquation::Reencryption { .. }))
    ));
    // A row dropped from the honest output.
    let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
    let mut short = output.to_encoded();
    short.pop();
    let short = CiphertextRows::decode(2, &short, List::Output).unwrap();
    assert_eq!(
        verify_shuffle(&params, &input, &short, &proof),
        Err(ShuffleError::RowCount {
            expected: 6,
            found: 5
        })
    );
    // Output rows swapped after proving.
    let mut swapped = output.to_encoded();
    swapped.swap(0, 3);
    let swapped = CiphertextRows::decode(2, &swapped, List::Output).unwrap();
    assert!(matches!(
        verify_shuffle(&params, &input, &swapped, &proof),
        Err(ShuffleError::Equation(_))
    ));
    // Another election, another key.
    let other = ShuffleParameters::new([4; 32], key, 2).unwrap();
    assert!(verify_shuffle(&other, &input, &output, &proof).is_err());
    // The honest one still passes.
    assert_eq!(verify_shuffle(&params, &input, &output, &proof), Ok(()));
}

#[test]
fn every_proof_member_is_checked() {
    let (_, params) = setup(b"key", 2);
    let mut source = SeededScalars::new(b"members");
    let input = rows(&params, 4, &mut source);
    let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
    let check = |p: &ShuffleProof| verify_shuffle(&params, &input, &output, p);
    let bump = |s: &[u8; 32]| (Scalar::from_canonical_bytes(*s).unwrap() + Scalar::ONE).to_bytes();

    let mut bad = proof.clone();
    bad.s_prime[1] = bump(&bad.s_prime[1]);
    assert!(matches!(check(&bad), Err(ShuffleError::Equation(_))));
    let mut bad = proof.clone();
    bad.s_hat[3] = bump(&bad.s_hat[3]);
    assert_eq!(
        check(&bad),
        Err(ShuffleError::Equation(ShuffleEquation::ChainStep {
            row: 3
        }))
    );
    let mut bad = proof.clone();
    bad.s1 = bump(&bad.s1);
    assert_eq!(
        check(&bad),
        Err(ShuffleError::Equation(ShuffleEquation::PermutationSum))
    );
    let mut bad = proof.clone();
    bad.s2 = bump(&bad.s2);
    assert_eq!(
        check(&bad),
        Err(ShuffleError::Equation(ShuffleEquation::ChainEnd))
    );
    let mut bad = proof.clone();
    bad.s3 = bump(&bad.s3);
    assert_eq!(
        check(&bad),
        Err(ShuffleError::Equation(ShuffleEquation::PermutationBatch))
    );
    let mut bad = proof.clone();
    bad.s4[1] = bump(&bad.s4[1]);
    assert_eq!(
        check(&bad),
        Err(ShuffleError::Equation(ShuffleEquation::Reencryption {
            column: 1
        }))
    );
    let mut bad = proof.clone();
    bad.t_hat[0][0] ^= 1;
    assert!(matches!(
        check(&bad),
        Err(ShuffleError::ProofPoint {
            what: "t_hat",
            index: 0
        })
    ));
    let mut bad = proof.clone();
    bad.s_hat[2] = [0xff; 32];
    assert_eq!(
        check(&bad),
        Err(ShuffleError::ProofScalar {
            what: "s_hat",
            index: 2
        })
    );
    let mut bad = proof.clone();
    bad.commitments.pop();
    assert!(matches!(
        check(&bad),
        Err(ShuffleError::ProofLength {
            what: "commitments",
            ..
        })
    ));
    let mut bad = proof.clone();
    bad.t4[0].beta = [0; 32];
    assert!(matches!(
        check(&bad),
        Err(ShuffleError::ProofPoint {
            what: "t4",
            index: 0
        })
    ));
    // A commitment swapped with another: the challenges change.
    let mut bad = proof.clone();
    bad.commitments.swap(0, 1);
    assert!(matches!(check(&bad), Err(ShuffleError::Equation(_))));
    assert_eq!(check(&proof), Ok(()));
}

#[test]
fn malformed_rows_are_named_by_list_row_and_column() {
    let (_, params) = setup(b"key", 2);
    let mut source = SeededScalars::new(b"rows");
    let input = rows(&params, 3, &mut source);
    let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
    let mut bad = output.to_encoded();
    bad[2][1].beta = [0xff; 32];
    assert_eq!(
        CiphertextRows::decode(2, &bad, List::Output),
        Err(ShuffleError::Ciphertext {
            list: List::Output,
            row: 2,
            column: 1
        })
    );
    let mut short = output.to_encoded();
    short[1].pop();
    assert_eq!(
        CiphertextRows::decode(2, &short, List::Output),
        Err(ShuffleError::Width {
            list: List::Output,
            row: 1,
            expected: 2,
            found: 1
        })
    );
    assert!(CiphertextRows::decode(0, &[], List::Input).is_err());
    // Rows of another width than the parameters'.
    let wide = ShuffleParameters::new([3; 32], *params.public_key(), 3).unwrap();
    assert!(matches!(
        verify_shuffle(&wide, &input, &output, &proof),
        Err(ShuffleError::Parameters(_))
    ));
    assert_eq!(
        ShuffleError::Ciphertext {
            list: List::Input,
            row: 4,
            column: 0
        }
        .to_string(),
        "input row 4, column 0: the ciphertext is not two canonical points"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn shuffles_of_any_size_and_width_verify_and_keep_the_plaintexts(
        n in 0usize..12, width in 1usize..=6, seed in any::<[u8; 8]>()
    ) {
        let (key, params) = setup(&seed, width);
        let mut source = SeededScalars::new(&seed);
        let input = rows(&params, n, &mut source);
        let (output, proof) = shuffle(&params, &input, &mut source).unwrap();
        prop_assert_eq!(verify_shuffle(&params, &input, &output, &proof), Ok(()));
        prop_assert_eq!(plaintexts(&key, &input), plaintexts(&key, &output));
        if n > 0 {
            // Any single changed output ciphertext is refused.
            let mut bad = output.to_encoded();
            let row = seed[0] as usize % n;
            let column = seed[1] as usize % width;
            bad[row][column] = input.to_encoded()[row][column];
            let bad = CiphertextRows::decode(width, &bad, List::Output).unwrap();
            prop_assert!(verify_shuffle(&params, &input, &bad, &proof).is_err());
        }
    }
}
