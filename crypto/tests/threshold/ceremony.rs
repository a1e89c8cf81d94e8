//! Ceremonies, decryptions and refusals.

use crate::common::{input, partials, run, subsets};
use votum_crypto::group::{generator, Point, Scalar, SeededScalars};
use votum_crypto::threshold::files::{self, TrusteeFile};
use votum_crypto::threshold::private::{open_private, seal_private, PrivateState};
use votum_crypto::threshold::{
    ceremony_keys, check_bundles, combine, decrypt, CeremonyFile, PartialDecryption, Roster,
    ShareBundle, TallyInput, ThresholdError, Verification,
};
use votum_crypto::SecretString;

fn every_subset_decrypts(threshold: u32, n: u32) {
    let mut run = run(threshold, n, &format!("{threshold}-of-{n}"));
    // Anyone computes the trustees' verification keys from the commitments.
    for (entry, trustee) in run.keys.trustees.iter().zip(&run.trustees) {
        assert_eq!(entry.verification_key, trustee.share.verification_key);
        assert_eq!(trustee.share.public_key, run.keys.public_key);
    }
    let counts = [3u64, 0, 5];
    let input = input(&run, [9u8; 32], &counts);
    let partials = partials(&mut run, &input);
    let expected: Vec<Point> = counts
        .iter()
        .map(|&m| generator() * Scalar::from(m))
        .collect();
    for size in threshold as usize..=n as usize {
        for subset in subsets(n as usize, size) {
            let chosen: Vec<PartialDecryption> =
                subset.iter().map(|&i| partials[i].clone()).collect();
            let combined = combine(&run.keys, &input, &chosen).unwrap();
            assert_eq!(
                decrypt::plaintexts(&input, &combined),
                expected,
                "{subset:?}"
            );
        }
    }
    for subset in subsets(n as usize, threshold as usize - 1) {
        let chosen: Vec<PartialDecryption> = subset.iter().map(|&i| partials[i].clone()).collect();
        assert_eq!(
            combine(&run.keys, &input, &chosen),
            Err(ThresholdError::TooFewPartials {
                needed: threshold,
                got: threshold as usize - 1
            })
        );
    }
}

#[test]
fn two_of_three_every_pair_decrypts_the_same_sums_and_one_cannot() {
    every_subset_decrypts(2, 3);
}

#[test]
fn three_of_five_every_triple_decrypts_the_same_sums_and_two_cannot() {
    every_subset_decrypts(3, 5);
}

#[test]
fn one_of_one_and_five_of_five_work() {
    every_subset_decrypts(1, 1);
    every_subset_decrypts(5, 5);
}

#[test]
fn ballots_encrypted_with_elgamal_under_the_ceremony_key_are_counted() {
    use votum_crypto::elgamal::Ciphertext;
    let mut run = run(3, 5, "elgamal");
    let key = run.keys.election_key().unwrap();
    let mut source = SeededScalars::new(b"voters");
    // 40 voters, one option each of three: option k gets the voters v with v % 3 == k ... and
    // one empty option (the sum of no ballots is the identity pair).
    let mut sums = vec![Ciphertext::zero(); 4];
    for voter in 0..40u64 {
        for (option, sum) in sums.iter_mut().enumerate() {
            let mark = u64::from(voter % 3 == option as u64);
            let (c, _) = Ciphertext::encrypt(&key, mark, &mut source).unwrap();
            *sum = *sum + c;
        }
    }
    let input = TallyInput::new(
        "ballot-7",
        [3u8; 32],
        run.ceremony.fingerprint(),
        run.keys.public_key,
        sums.iter().map(|&c| c.into()).collect(),
    );
    let empty = Ciphertext::zero();
    let empty_input = TallyInput {
        ciphertexts: vec![empty.into()],
        ..input.clone()
    };
    // The files keep the identity pair of an empty sum.
    let text = files::to_json(&empty_input);
    assert_eq!(
        files::from_json::<TallyInput>(text.as_bytes()).unwrap(),
        empty_input
    );
    let partials = partials(&mut run, &input);
    let combined = combine(&run.keys, &input, &partials[2..]).unwrap();
    assert_eq!(
        decrypt::counts(&input, &combined, 1000),
        vec![Some(14), Some(13), Some(13), Some(0)]
    );
}

#[test]
fn a_bad_share_is_detected_and_names_its_sender() {
    let run = run(2, 3, "bad-share");
    let roster = Roster::new(&run.ceremony, run.certificates.clone()).unwrap();
    // Trustee 2 lies: its commitments do not match the shares it sent.
    let mut bad = run.bundles.clone();
    let liar = &run.trustees[1];
    bad[1].commitments[1] += generator();
    bad[1].signature = liar.identity.sign(&bad[1]);
    let victim = &run.trustees[0];
    let error = check_bundles(
        &victim.identity,
        &roster,
        &bad,
        &mut SeededScalars::new(b"x"),
    )
    .unwrap_err();
    assert_eq!(
        error,
        ThresholdError::BadShare {
            sender: roster.label(2)
        }
    );
    assert!(error.to_string().contains("trustee 2 (Trustee"), "{error}");

    // Trustee 3 sends trustee 1 a share that does not open (another's).
    let mut bad = run.bundles.clone();
    bad[2].shares[0].ciphertext = bad[2].shares[1].ciphertext.clone();
    bad[2].signature = run.trustees[2].identity.sign(&bad[2]);
    let error = check_bundles(
        &victim.identity,
        &roster,
        &bad,
        &mut SeededScalars::new(b"x"),
    )
    .unwrap_err();
    assert_eq!(
        error,
        ThresholdError::BadShare {
            sender: roster.label(3)
        }
    );

    // The server cannot alter a bundle: the signature breaks.
    let mut altered = run.bundles.clone();
    altered[1].commitments[1] += generator();
    assert!(matches!(
        check_bundles(
            &victim.identity,
            &roster,
            &altered,
            &mut SeededScalars::new(b"x")
        ),
        Err(ThresholdError::BadSignature { .. })
    ));
}

#[test]
fn missing_and_duplicated_bundles_and_verifications_are_refused() {
    let run = run(2, 3, "duplicates");
    let roster = Roster::new(&run.ceremony, run.certificates.clone()).unwrap();
    let me = &run.trustees[0];
    let mut twice = run.bundles.clone();
    twice[2] = twice[1].clone();
    assert_eq!(
        check_bundles(&me.identity, &roster, &twice, &mut SeededScalars::new(b"x")).unwrap_err(),
        ThresholdError::DuplicateTrustee {
            what: "share bundle",
            index: 2
        }
    );
    assert!(matches!(
        check_bundles(
            &me.identity,
            &roster,
            &run.bundles[..2],
            &mut SeededScalars::new(b"x")
        ),
        Err(ThresholdError::Missing { .. })
    ));
    let mut verifications = run.verifications.clone();
    verifications[0] = verifications[1].clone();
    assert!(matches!(
        ceremony_keys(
            &run.ceremony,
            run.certificates.clone(),
            &run.bundles,
            &verifications
        ),
        Err(ThresholdError::DuplicateTrustee { index: 2, .. })
    ));
    // Two certificates with the same key.
    let mut certificates = run.certificates.clone();
    certificates[1] = certificates[0].clone();
    assert!(matches!(
        Roster::new(&run.ceremony, certificates),
        Err(ThresholdError::DuplicateKey(_))
    ));
    assert!(matches!(
        Roster::new(&run.ceremony, run.certificates[..2].to_vec()),
        Err(ThresholdError::CertificateCount { .. })
    ));
}

#[test]
fn inconsistent_verifications_are_refused_by_the_ceremony_keys() {
    let run = run(2, 3, "verifications");
    // A verification stating another public key, re-signed by its trustee.
    let mut verifications = run.verifications.clone();
    verifications[1].public_key += generator();
    verifications[1].signature = run.trustees[1].identity.sign(&verifications[1]);
    let error = ceremony_keys(
        &run.ceremony,
        run.certificates.clone(),
        &run.bundles,
        &verifications,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("another election public key"),
        "{error}"
    );
    // Signed by another trustee.
    let mut verifications = run.verifications.clone();
    verifications[1].signature = run.trustees[0].identity.sign(&verifications[1]);
    assert!(matches!(
        ceremony_keys(
            &run.ceremony,
            run.certificates.clone(),
            &run.bundles,
            &verifications
        ),
        Err(ThresholdError::BadSignature {
            what: "verification",
            ..
        })
    ));
    // A certificate for another ceremony.
    let other = CeremonyFile::new("ballot-8", 2, 3).unwrap();
    assert!(matches!(
        Roster::new(&other, run.certificates.clone()),
        Err(ThresholdError::WrongCeremony { .. })
    ));
}

#[test]
fn forged_proofs_other_elections_duplicates_and_wrong_signers_are_refused() {
    let mut run = run(2, 3, "partials");
    let input = input(&run, [1u8; 32], &[2, 1]);
    let good = partials(&mut run, &input);

    // A factor that is not α^{x_i}, re-signed by its trustee: the proof fails.
    let mut forged = good[1].clone();
    forged.factors[1].factor += generator();
    forged.signature = run.trustees[1].identity.sign(&forged);
    let error = combine(&run.keys, &input, &[good[0].clone(), forged]).unwrap_err();
    assert_eq!(
        error,
        ThresholdError::BadDecryptionProof {
            trustee: "trustee 2 (".to_owned() + &run.keys.trustees[1].name + ")",
            ciphertext: 2
        }
    );
    // Another trustee's proof copied in.
    let mut copied = good[1].clone();
    copied.factors[0].proof = good[0].factors[0].proof;
    copied.signature = run.trustees[1].identity.sign(&copied);
    assert!(matches!(
        combine(&run.keys, &input, &[good[0].clone(), copied]),
        Err(ThresholdError::BadDecryptionProof { ciphertext: 1, .. })
    ));

    // A partial decryption made for another election's tally input.
    let elsewhere = TallyInput {
        election: [2u8; 32],
        ..input.clone()
    };
    let t = &mut run.trustees[2];
    let other = decrypt::partial_decrypt(&t.identity, &t.share, &elsewhere, &mut t.source).unwrap();
    assert_eq!(
        combine(&run.keys, &input, &[good[0].clone(), other]).unwrap_err(),
        ThresholdError::WrongInput {
            trustee: format!("trustee 3 ({})", run.keys.trustees[2].name),
            reason: "another election"
        }
    );
    // And for other ciphertexts of the same election.
    let mut shuffled = input.clone();
    shuffled.ciphertexts.reverse();
    let t = &mut run.trustees[2];
    let other = decrypt::partial_decrypt(&t.identity, &t.share, &shuffled, &mut t.source).unwrap();
    assert!(matches!(
        combine(&run.keys, &input, &[good[0].clone(), other]),
        Err(ThresholdError::WrongInput {
            reason: "another tally input",
            ..
        })
    ));

    // The same trustee twice does not make two.
    assert_eq!(
        combine(&run.keys, &input, &[good[0].clone(), good[0].clone()]).unwrap_err(),
        ThresholdError::DuplicateTrustee {
            what: "partial decryption",
            index: 1
        }
    );
    // Trustee 1 passes its factors off as trustee 3's.
    let mut impostor = good[0].clone();
    impostor.trustee = 3;
    impostor.signature = run.trustees[0].identity.sign(&impostor);
    assert!(matches!(
        combine(&run.keys, &input, &[good[1].clone(), impostor]),
        Err(ThresholdError::BadSignature {
            what: "partial decryption",
            ..
        })
    ));
    // An index outside the ceremony.
    let mut stranger = good[0].clone();
    stranger.trustee = 4;
    assert_eq!(
        combine(&run.keys, &input, &[good[1].clone(), stranger]).unwrap_err(),
        ThresholdError::UnknownTrustee { index: 4 }
    );
    // A trustee refuses to decrypt a tally input of another key.
    let mut foreign = input.clone();
    foreign.public_key += generator();
    let t = &mut run.trustees[0];
    assert!(matches!(
        decrypt::partial_decrypt(&t.identity, &t.share, &foreign, &mut t.source),
        Err(ThresholdError::BadCeremony(_))
    ));
    // The good ones still combine.
    assert!(combine(&run.keys, &input, &good[1..]).is_ok());
}

#[test]
fn files_are_canonical_signed_and_typed() {
    let run = run(2, 3, "files");
    let text = files::to_json(&run.bundles[0]);
    let back: ShareBundle = files::from_json(text.as_bytes()).unwrap();
    assert_eq!(back, run.bundles[0]);
    // Keys sorted, no whitespace: the canonical form of the parsed value.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        votum_crypto::canonical::value_to_canonical(&value),
        text.trim_end().as_bytes()
    );
    assert!(text.starts_with("{\"ceremony\":"), "{text}");
    // Pretty-printed is refused; so is another kind of file.
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(
        files::from_json::<ShareBundle>(pretty.as_bytes()).unwrap_err(),
        ThresholdError::NotCanonical {
            what: "share bundle"
        }
    );
    assert!(matches!(
        files::from_json::<Verification>(text.as_bytes()),
        Err(ThresholdError::WrongFormat { .. })
    ));
    assert_eq!(
        files::format_of(text.as_bytes()).as_deref(),
        Some(ShareBundle::FORMAT)
    );
    // An unknown member is refused (the canonical form of the edited value).
    let mut extra = value.clone();
    extra["extra"] = serde_json::json!(1);
    let extra = votum_crypto::canonical::value_to_canonical(&extra);
    assert!(matches!(
        files::from_json::<ShareBundle>(&extra),
        Err(ThresholdError::Malformed { .. })
    ));
    // A point that is not canonical is refused.
    let mut bad_point = value.clone();
    bad_point["commitments"][0] = serde_json::json!(votum_crypto::base64url::encode(&[0xff; 32]));
    let bad_point = votum_crypto::canonical::value_to_canonical(&bad_point);
    assert!(matches!(
        files::from_json::<ShareBundle>(&bad_point),
        Err(ThresholdError::Malformed { .. })
    ));
    // A certificate signed by another trustee's key is refused.
    let mut certificates = run.certificates.clone();
    let other = run
        .trustees
        .iter()
        .find(|t| t.identity.signing_key() != certificates[0].signing_key)
        .unwrap();
    certificates[0].signature = other.identity.sign(&certificates[0]);
    assert!(matches!(
        Roster::new(&run.ceremony, certificates),
        Err(ThresholdError::BadSignature {
            what: "certificate",
            ..
        })
    ));
}

#[test]
fn the_private_file_opens_only_with_its_passphrase() {
    let mut run = run(2, 3, "private");
    let trustee = run.trustees.remove(0);
    let state = PrivateState {
        ceremony: run.ceremony.clone(),
        name: "Anna".into(),
        identity: trustee.identity,
        share: Some(trustee.share),
    };
    let passphrase = SecretString::new("correct horse battery".into());
    let text = seal_private(&state, &passphrase).unwrap();
    assert!(!text.contains(&votum_crypto::base64url::encode(
        &votum_crypto::group::encode_point(&state.share().unwrap().verification_key)
    )));
    let opened = open_private(text.as_bytes(), &passphrase).unwrap();
    assert_eq!(opened.identity.signing_key(), state.identity.signing_key());
    assert_eq!(opened.share().unwrap().index, 1);
    assert_eq!(
        opened.share().unwrap().verification_key,
        state.share().unwrap().verification_key
    );
    assert_eq!(
        open_private(text.as_bytes(), &SecretString::new("wrong".into())).unwrap_err(),
        ThresholdError::Passphrase
    );
    // Before the check step there is no share.
    let fresh = PrivateState {
        share: None,
        ..opened
    };
    let text = seal_private(&fresh, &passphrase).unwrap();
    assert_eq!(
        open_private(text.as_bytes(), &passphrase)
            .unwrap()
            .share()
            .unwrap_err(),
        ThresholdError::NoShareYet
    );
}
