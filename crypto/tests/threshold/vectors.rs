//! The published test vectors `crypto/tests/vectors/trustees.json`: a
//! 2-of-3 ceremony from `SeededScalars`, a tally input, all three partial
//! decryptions, and invalid variants with the reason a verifier must give.
//!
//! The test checks the stored file as an independent verifier would (the
//! ceremony keys follow from the files, any two partial decryptions give
//! the counts, every invalid variant is refused for its reason) and that
//! the code still produces it byte for byte. After a deliberate change of
//! the formats, rewrite it with
//! `VOTUM_WRITE_VECTORS=1 cargo test -p votum-crypto --test threshold vectors`.

use crate::common::{input, partials, run_for};
use serde_json::{json, Value};
use votum_crypto::group::{generator, Scalar};
use votum_crypto::threshold::{
    ceremony_keys, combine, decrypt, CeremonyFile, CeremonyKeys, Certificate, PartialDecryption,
    ShareBundle, TallyInput, Verification,
};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/trustees.json");
const COUNTS: [u64; 3] = [2, 0, 1];

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn generate() -> Value {
    let election = votum_crypto::sha256(b"votum test vector election");
    let mut run = run_for("vector-ballot", 2, 3, "vectors");
    let input = input(&run, election, &COUNTS);
    let good = partials(&mut run, &input);

    let mut forged = good[1].clone();
    forged.factors[0].factor += generator();
    forged.signature = run.trustees[1].identity.sign(&forged);

    let elsewhere = TallyInput {
        election: votum_crypto::sha256(b"another election"),
        ..input.clone()
    };
    let t = &mut run.trustees[1];
    let other_election =
        decrypt::partial_decrypt(&t.identity, &t.share, &elsewhere, &mut t.source).unwrap();

    let mut impostor = good[0].clone();
    impostor.trustee = 3;
    impostor.signature = run.trustees[0].identity.sign(&impostor);

    let mut lying = run.verifications.clone();
    lying[2].public_key += generator();
    lying[2].signature = run.trustees[2].identity.sign(&lying[2]);

    let mut altered = run.bundles.clone();
    altered[0].commitments[1] += generator();

    let combine_case = |partials: Vec<&PartialDecryption>, error: &str| json!({"check": "combine", "partial_decryptions": partials.iter().map(|p| to_value(*p)).collect::<Vec<_>>(), "error": error});
    let invalid = vec![
        combine_case(
            vec![&good[0], &forged],
            "the partial decryption of trustee 2 (Trustee 0) has a wrong proof for ciphertext 1",
        ),
        combine_case(vec![&good[0], &other_election], "is for another election"),
        combine_case(vec![&good[2], &good[2]], "trustee 3 occurs twice"),
        combine_case(vec![&good[1], &impostor], "is not signed by that trustee"),
        combine_case(vec![&good[2]], "2 trustees must decrypt, but only 1"),
        json!({"check": "ceremony_keys", "bundles": to_value(&run.bundles), "verifications": to_value(&lying),
               "error": "it states another election public key"}),
        json!({"check": "ceremony_keys", "bundles": to_value(&altered), "verifications": to_value(&run.verifications),
               "error": "the share bundle of trustee 1 (Trustee 2) is not signed by that trustee"}),
    ];
    json!({
        "description": "Votum trustees, protocol version 2: a 2-of-3 ceremony made with SeededScalars (trustee k draws from the seed \"vectors-k\"; certificates in the order the trustees made them; the roster orders them by signing key), a tally input of three ciphertexts under the election key, the three partial decryptions, and invalid variants. See docs/election-record.md, Version 2: trustees.",
        "ceremony": to_value(&run.ceremony),
        "certificates": to_value(&run.certificates),
        "bundles": to_value(&run.bundles),
        "verifications": to_value(&run.verifications),
        "keys": to_value(&run.keys),
        "tally_input": to_value(&input),
        "partial_decryptions": to_value(&good),
        "counts": COUNTS,
        "invalid": invalid,
    })
}

fn from<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap()
}

#[test]
fn published_vectors_verify_and_are_reproduced() {
    let generated = generate();
    if std::env::var_os("VOTUM_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(PATH, text).unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();

    // As a verifier: the keys follow from the published files ...
    let ceremony: CeremonyFile = from(&stored["ceremony"]);
    let certificates: Vec<Certificate> = from(&stored["certificates"]);
    let bundles: Vec<ShareBundle> = from(&stored["bundles"]);
    let verifications: Vec<Verification> = from(&stored["verifications"]);
    let keys: CeremonyKeys = from(&stored["keys"]);
    assert_eq!(
        ceremony_keys(&ceremony, certificates.clone(), &bundles, &verifications).unwrap(),
        keys
    );
    // ... any two partial decryptions give the counts ...
    let input: TallyInput = from(&stored["tally_input"]);
    let partials: Vec<PartialDecryption> = from(&stored["partial_decryptions"]);
    let counts: Vec<u64> = from(&stored["counts"]);
    for pair in [[0, 1], [0, 2], [1, 2]] {
        let chosen = [partials[pair[0]].clone(), partials[pair[1]].clone()];
        let combined = combine(&keys, &input, &chosen).unwrap();
        let expected: Vec<_> = counts
            .iter()
            .map(|&m| generator() * Scalar::from(m))
            .collect();
        assert_eq!(decrypt::plaintexts(&input, &combined), expected);
    }
    // ... and every invalid variant is refused for its reason.
    let invalid = stored["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 7);
    for case in invalid {
        let error = match case["check"].as_str().unwrap() {
            "combine" => {
                let chosen: Vec<PartialDecryption> = from(&case["partial_decryptions"]);
                combine(&keys, &input, &chosen).unwrap_err()
            }
            "ceremony_keys" => ceremony_keys(
                &ceremony,
                certificates.clone(),
                &from::<Vec<ShareBundle>>(&case["bundles"]),
                &from::<Vec<Verification>>(&case["verifications"]),
            )
            .unwrap_err(),
            other => panic!("unknown check {other}"),
        };
        let reason = case["error"].as_str().unwrap();
        assert!(error.to_string().contains(reason), "{error} / {reason}");
    }

    // The code still makes exactly these vectors.
    assert_eq!(generated, stored, "rewrite with VOTUM_WRITE_VECTORS=1");
}
