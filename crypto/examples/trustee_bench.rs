//! Times the trustee ceremony and the decryption for docs/benchmarks.md.
//!
//! ```sh
//! cargo run --release -p votum-crypto --example trustee_bench -- T N CIPHERTEXTS
//! ```
//!
//! Runs every trustee's steps in one process (as n laptops would, one after
//! the other) and prints the time of each step per trustee, then the
//! partial decryption of CIPHERTEXTS ciphertexts by one trustee and the
//! server's check and combination of t partial decryptions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Instant;

use votum_crypto::group::{generator, Scalar, ScalarSource, SystemScalars};
use votum_crypto::threshold::files::CiphertextPair;
use votum_crypto::threshold::{
    ceremony_keys, check_bundles, combine, decrypt, make_bundle, CeremonyFile, Roster, TallyInput,
    TrusteeIdentity,
};

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("T N CIPHERTEXTS"))
        .collect();
    let (t, n, count) = (args[0], args[1], args[2] as usize);
    let mut source = SystemScalars;
    let ceremony = CeremonyFile::new("bench", t, n).unwrap();

    let start = Instant::now();
    let mut people: Vec<_> = (0..n)
        .map(|k| {
            let identity = TrusteeIdentity::generate(&mut source).unwrap();
            let certificate = identity
                .certificate(&ceremony, &format!("T{k}"), &mut source)
                .unwrap();
            (identity, certificate)
        })
        .collect();
    let step1 = start.elapsed() / n;
    let certificates: Vec<_> = people.iter().map(|p| p.1.clone()).collect();
    let roster = Roster::new(&ceremony, certificates.clone()).unwrap();
    people.sort_by_key(|p| roster.index_of(&p.0.signing_key()).unwrap());

    let start = Instant::now();
    let bundles: Vec<_> = people
        .iter()
        .map(|(identity, _)| {
            let roster = Roster::new(&ceremony, certificates.clone()).unwrap();
            make_bundle(identity, &roster, &mut source).unwrap()
        })
        .collect();
    let step2 = start.elapsed() / n;

    let start = Instant::now();
    let checked: Vec<_> = people
        .iter()
        .map(|(identity, _)| check_bundles(identity, &roster, &bundles, &mut source).unwrap())
        .collect();
    let step3 = start.elapsed() / n;
    let verifications: Vec<_> = checked.iter().map(|c| c.1.clone()).collect();

    let start = Instant::now();
    let keys = ceremony_keys(&ceremony, certificates, &bundles, &verifications).unwrap();
    let server = start.elapsed();

    let ciphertexts = (0..count)
        .map(|_| {
            let r = source.scalar().unwrap();
            CiphertextPair {
                alpha: generator() * r,
                beta: generator() * Scalar::from(7u64) + keys.public_key * r,
            }
        })
        .collect();
    let input = TallyInput::new(
        "bench",
        [0u8; 32],
        keys.ceremony,
        keys.public_key,
        ciphertexts,
    );
    let start = Instant::now();
    let partials: Vec<_> = people
        .iter()
        .zip(&checked)
        .take(t as usize)
        .map(|((identity, _), (share, _))| {
            decrypt::partial_decrypt(identity, share, &input, &mut source).unwrap()
        })
        .collect();
    let step4 = start.elapsed() / t;
    let start = Instant::now();
    combine(&keys, &input, &partials).unwrap();
    let combination = start.elapsed();

    println!("{t} of {n}, {count} ciphertexts");
    println!("  step 1 (certificate)          {step1:>10.2?} per trustee");
    println!(
        "  step 2 (share bundle)         {step2:>10.2?} per trustee (incl. checking the roster)"
    );
    println!("  step 3 (check all bundles)    {step3:>10.2?} per trustee");
    println!("  ceremony keys (server)        {server:>10.2?}");
    println!("  step 4 (partial decryption)   {step4:>10.2?} per trustee");
    println!("  check + combine {t} partials    {combination:>10.2?}");
}
