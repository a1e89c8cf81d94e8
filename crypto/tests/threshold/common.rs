//! A deterministic test ceremony, shared by the tests.

use votum_crypto::group::{generator, Point, Scalar, ScalarSource, SeededScalars};
use votum_crypto::threshold::files::CiphertextPair;
use votum_crypto::threshold::{
    ceremony_keys, check_bundles, decrypt, make_bundle, CeremonyFile, CeremonyKeys, Certificate,
    PartialDecryption, Roster, ShareBundle, TallyInput, TrusteeIdentity, TrusteeShare,
    Verification,
};

/// One trustee of a test ceremony, in index order.
pub struct Trustee {
    pub identity: TrusteeIdentity,
    pub source: SeededScalars,
    pub share: TrusteeShare,
}

pub struct Run {
    pub ceremony: CeremonyFile,
    pub certificates: Vec<Certificate>,
    pub bundles: Vec<ShareBundle>,
    pub verifications: Vec<Verification>,
    pub keys: CeremonyKeys,
    pub trustees: Vec<Trustee>,
}

pub fn run(threshold: u32, n: u32, seed: &str) -> Run {
    run_for("ballot-7", threshold, n, seed)
}

/// A whole ceremony for `ballot`; trustee k draws from the seed "{seed}-{k}".
pub fn run_for(ballot: &str, threshold: u32, n: u32, seed: &str) -> Run {
    let ceremony = CeremonyFile::new(ballot, threshold, n).unwrap();
    let mut people: Vec<(TrusteeIdentity, SeededScalars, Certificate)> = (0..n)
        .map(|k| {
            let mut source = SeededScalars::new(format!("{seed}-{k}").as_bytes());
            let identity = TrusteeIdentity::generate(&mut source).unwrap();
            let certificate = identity
                .certificate(&ceremony, &format!("Trustee {k}"), &mut source)
                .unwrap();
            (identity, source, certificate)
        })
        .collect();
    let certificates: Vec<Certificate> = people.iter().map(|p| p.2.clone()).collect();
    let roster = Roster::new(&ceremony, certificates.clone()).unwrap();
    people.sort_by_key(|p| roster.index_of(&p.0.signing_key()).unwrap());
    let bundles: Vec<ShareBundle> = people
        .iter_mut()
        .map(|(identity, source, _)| make_bundle(identity, &roster, source).unwrap())
        .collect();
    let mut verifications = Vec::new();
    let mut trustees = Vec::new();
    for (identity, mut source, _) in people {
        let (share, verification) =
            check_bundles(&identity, &roster, &bundles, &mut source).unwrap();
        verifications.push(verification);
        trustees.push(Trustee {
            identity,
            source,
            share,
        });
    }
    let keys = ceremony_keys(&ceremony, certificates.clone(), &bundles, &verifications).unwrap();
    Run {
        ceremony,
        certificates,
        bundles,
        verifications,
        keys,
        trustees,
    }
}

/// Exponential ElGamal under the election key: (G^r, G^m · Y^r).
pub fn encrypt(public_key: &Point, m: u64, source: &mut dyn ScalarSource) -> CiphertextPair {
    let r = source.scalar().unwrap();
    CiphertextPair {
        alpha: generator() * r,
        beta: generator() * Scalar::from(m) + public_key * r,
    }
}

pub fn input(run: &Run, election: [u8; 32], counts: &[u64]) -> TallyInput {
    let mut source = SeededScalars::new(b"ballots");
    // Homomorphic sums: encrypt each count as the sum of single votes.
    let ciphertexts = counts
        .iter()
        .map(|&m| {
            let mut sum = encrypt(&run.keys.public_key, 0, &mut source);
            for _ in 0..m {
                let one = encrypt(&run.keys.public_key, 1, &mut source);
                sum = CiphertextPair {
                    alpha: sum.alpha + one.alpha,
                    beta: sum.beta + one.beta,
                };
            }
            sum
        })
        .collect();
    TallyInput::new(
        &run.ceremony.ballot,
        election,
        run.ceremony.fingerprint(),
        run.keys.public_key,
        ciphertexts,
    )
}

pub fn partials(run: &mut Run, input: &TallyInput) -> Vec<PartialDecryption> {
    run.trustees
        .iter_mut()
        .map(|t| decrypt::partial_decrypt(&t.identity, &t.share, input, &mut t.source).unwrap())
        .collect()
}

pub fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![vec![]];
    }
    if n < k {
        return vec![];
    }
    let mut with_last = subsets(n - 1, k - 1);
    for s in &mut with_last {
        s.push(n - 1);
    }
    let mut all = subsets(n - 1, k);
    all.extend(with_last);
    all
}
