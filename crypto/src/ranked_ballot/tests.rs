#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::elgamal::SecretKey;
use crate::encrypted_ballot::tests::credential;
use crate::group::SeededScalars;
use crate::shuffle::{shuffle, verify_shuffle, CiphertextRows, ShuffleParameters};

fn question(options: u32) -> (SecretKey, RankedQuestion) {
    let key = SecretKey::generate(&mut SeededScalars::new(b"ranked key")).unwrap();
    let q = RankedQuestion::new([9; 32], key.public(), 2, options).unwrap();
    (key, q)
}

#[test]
fn rankings_and_their_ranks_convert_both_ways() {
    assert_eq!(ranking_order(&[2, 0, 1, 3]), Ok(vec![2, 0, 3]));
    assert_eq!(ranking_order(&[0, 0, 0]), Ok(vec![]));
    assert_eq!(ranks_of(&[2, 0, 3], 4), Ok(vec![2, 0, 1, 3]));
    assert_eq!(
        ranking_order(&[1, 1, 0]),
        Err(RankingError::Repeated { rank: 1 })
    );
    assert_eq!(
        ranking_order(&[1, 3, 0]),
        Err(RankingError::Gap { rank: 2 })
    );
    assert_eq!(
        ranking_order(&[4, 1, 2]),
        Err(RankingError::OutOfRange {
            option: 0,
            rank: 4,
            options: 3
        })
    );
    assert_eq!(
        ranks_of(&[1, 1], 3),
        Err(RankingError::Repeated { rank: 1 })
    );
    assert!(ranks_of(&[3], 3).is_err());
}

#[test]
fn every_ranking_of_four_options_encrypts_verifies_and_decrypts() {
    let (key, q) = question(4);
    let cred = credential(1);
    let mut source = SeededScalars::new(b"rankings");
    let mut seen = 0;
    // All 5^4 rank vectors: the valid ones round-trip, the others are
    // refused before encryption.
    for code in 0..625u32 {
        let ranks: Vec<u64> = (0..4).map(|j| u64::from(code / 5u32.pow(j) % 5)).collect();
        match encrypt_ranking(&q, &cred, &ranks, &mut source) {
            Ok(enc) => {
                seen += 1;
                let cts = verify_ranking(&q, &cred, &enc).unwrap();
                let back: Vec<u64> = cts.iter().map(|c| key.decrypt(c, 4).unwrap()).collect();
                assert_eq!(back, ranks);
            }
            Err(e) => {
                assert!(ranking_order(&ranks).is_err());
                assert!(matches!(e, RankedError::NotARanking(_)));
            }
        }
    }
    // 1 + 4 + 12 + 24 + 24 partial and full rankings of 4 options.
    assert_eq!(seen, 65);
}

#[test]
fn tampered_or_copied_rankings_are_refused_and_named() {
    let (key, q) = question(3);
    let cred = credential(1);
    let mut source = SeededScalars::new(b"tamper");
    let enc = encrypt_ranking(&q, &cred, &[3, 1, 2], &mut source).unwrap();
    assert!(verify_ranking(&q, &cred, &enc).is_ok());
    // JSON: the shape of a mark answer without sum_proof.
    let json = serde_json::to_string(&enc).unwrap();
    assert!(json.starts_with("{\"choices\":[{\"alpha\""));
    assert_eq!(crate::canonical::to_canonical(&enc), json.into_bytes());

    // Another voter, another question, another election.
    assert!(matches!(
        verify_ranking(&q, &credential(2), &enc),
        Err(RankedError::RankProof {
            option: 0,
            fault: ProofFault::Challenge,
            ..
        })
    ));
    let other_question = RankedQuestion::new([9; 32], key.public(), 3, 3).unwrap();
    assert!(verify_ranking(&other_question, &cred, &enc).is_err());
    let other_election = RankedQuestion::new([8; 32], key.public(), 2, 3).unwrap();
    assert!(verify_ranking(&other_election, &cred, &enc).is_err());
    // Ciphertexts swapped with their proofs: the option is in the transcript.
    let mut bad = enc.clone();
    bad.choices.swap(0, 1);
    bad.proofs.swap(0, 1);
    assert!(matches!(
        verify_ranking(&q, &cred, &bad),
        Err(RankedError::RankProof { option: 0, .. })
    ));
    // Missing proof, bad point.
    let mut bad = enc.clone();
    bad.proofs.pop();
    assert!(matches!(
        verify_ranking(&q, &cred, &bad),
        Err(RankedError::OptionCount { what: "proofs", .. })
    ));
    let mut bad = enc.clone();
    bad.choices[2].alpha = [0; 32];
    assert_eq!(
        verify_ranking(&q, &cred, &bad),
        Err(RankedError::Ciphertext { option: 2 })
    );
    // A rank of 7 with a proof made as if it were 0: the equations fail.
    let (ct, r) = Ciphertext::encrypt(q.public_key(), 7, &mut source).unwrap();
    let t = rank_transcript(&q, &cred, 1, &ct.encode());
    let forged = RangeProof::prove(t, q.public_key(), &ct, &r, 0, 0, 3, &mut source).unwrap();
    let mut bad = enc.clone();
    bad.choices[1] = ct.encode();
    bad.proofs[1] = forged;
    assert!(matches!(
        verify_ranking(&q, &cred, &bad),
        Err(RankedError::RankProof {
            option: 1,
            max: 3,
            fault: ProofFault::Equation
        })
    ));
    assert!(RankedQuestion::new([0; 32], key.public(), 0, 0).is_err());
}

#[test]
fn ranked_ballots_mixed_by_two_trustees_decrypt_to_the_same_rankings() {
    let (key, q) = question(5);
    let mut source = SeededScalars::new(b"election");
    let cast: Vec<Vec<u64>> = vec![
        vec![1, 2, 3, 4, 5],
        vec![0, 0, 1, 0, 2],
        vec![5, 4, 3, 2, 1],
        vec![0, 1, 0, 0, 0],
        vec![1, 2, 3, 4, 5],
        vec![2, 1, 0, 0, 0],
    ];
    let rows: Vec<Vec<Ciphertext>> = cast
        .iter()
        .enumerate()
        .map(|(i, ranks)| {
            let cred = credential(i as u8 + 1);
            let enc = encrypt_ranking(&q, &cred, ranks, &mut source).unwrap();
            verify_ranking(&q, &cred, &enc).unwrap()
        })
        .collect();
    let params = ShuffleParameters::new(*q.fingerprint(), *q.public_key(), 5).unwrap();
    let input = CiphertextRows::new(5, &rows).unwrap();
    let (first, p1) = shuffle(&params, &input, &mut source).unwrap();
    let (second, p2) = shuffle(&params, &first, &mut source).unwrap();
    assert!(verify_shuffle(&params, &input, &first, &p1).is_ok());
    assert!(verify_shuffle(&params, &first, &second, &p2).is_ok());
    let mut mixed: Vec<Vec<usize>> = second
        .rows()
        .map(|row| {
            let ranks: Vec<u64> = row.iter().map(|c| key.decrypt(c, 5).unwrap()).collect();
            ranking_order(&ranks).unwrap()
        })
        .collect();
    let mut expected: Vec<Vec<usize>> = cast.iter().map(|r| ranking_order(r).unwrap()).collect();
    mixed.sort();
    expected.sort();
    assert_eq!(mixed, expected);
}

#[test]
fn a_batch_of_rankings_verifies_like_one_by_one_and_names_the_bad_ones() {
    use crate::group::SystemScalars;
    let (_, q) = question(4);
    let mut source = SeededScalars::new(b"batch");
    let creds: Vec<PublicCredential> = (0..150u8).map(credential).collect();
    let rankings: Vec<EncryptedRanking> = creds
        .iter()
        .enumerate()
        .map(|(i, cred)| {
            let ranks = ranks_of(&[i % 4, (i + 1) % 4], 4).unwrap();
            encrypt_ranking(&q, cred, &ranks, &mut source).unwrap()
        })
        .collect();
    let refs: Vec<RankingRef<'_>> = creds
        .iter()
        .zip(&rankings)
        .map(|(credential, ranking)| RankingRef {
            credential,
            ranking,
        })
        .collect();
    let rows = verify_rankings(&q, &refs, &mut SystemScalars).unwrap();
    for (row, r) in rows.iter().zip(&refs) {
        assert_eq!(row, &verify_ranking(&q, r.credential, r.ranking).unwrap());
    }
    assert_eq!(verify_rankings(&q, &[], &mut SystemScalars), Ok(vec![]));

    // A forged rank (7 proved as 0) in the second chunk, a ballot under
    // another credential in the first.
    let (ct, r) = Ciphertext::encrypt(q.public_key(), 7, &mut source).unwrap();
    let t = rank_transcript(&q, &creds[140], 2, &ct.encode());
    let forged_proof = RangeProof::prove(t, q.public_key(), &ct, &r, 0, 0, 4, &mut source).unwrap();
    let mut forged = rankings[140].clone();
    forged.choices[2] = ct.encode();
    forged.proofs[2] = forged_proof;
    let mut bad_refs = refs.clone();
    bad_refs[140].ranking = &forged;
    bad_refs[3].credential = &creds[4];
    match verify_rankings(&q, &bad_refs, &mut SystemScalars) {
        Err(RankingsError::Invalid(bad)) => {
            assert_eq!(bad.len(), 2);
            assert!(matches!(
                bad[0],
                (
                    3,
                    RankedError::RankProof {
                        option: 0,
                        fault: ProofFault::Challenge,
                        ..
                    }
                )
            ));
            assert!(matches!(
                bad[1],
                (
                    140,
                    RankedError::RankProof {
                        option: 2,
                        fault: ProofFault::Equation,
                        ..
                    }
                )
            ));
        }
        other => panic!("{other:?}"),
    }
}
