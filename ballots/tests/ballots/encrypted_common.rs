//! Building blocks of a deterministic election under protocol
//! "encrypted": a trustees' ceremony (t of n, real `votum_crypto::threshold`
//! steps), the election object, encrypted and signed ballots, the tally
//! input and partial decryptions. Shared by the test vectors
//! (`record_v2_encrypted.rs`) and the benchmark generator
//! (`examples/encrypted_record.rs`). Every secret comes from
//! `SeededScalars`, never to be used for a real election.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use votum_ballots::record::v2::{
    ballot_hash, cast_message, encrypted::question_shape, lot_commitment, Election,
    PROTOCOL_ENCRYPTED,
};
use votum_ballots::record::{CastBallot, CredentialOrigin};
use votum_ballots::{encryption_marks, Choice, Question};
use votum_crypto::ballot_batch::EncryptedTally;
use votum_crypto::elgamal::Ciphertext;
use votum_crypto::encrypted_ballot::{encrypt_ballot, ElectionParameters, EncryptedBallot};
use votum_crypto::group::SeededScalars;
use votum_crypto::threshold::files::CiphertextPair;
use votum_crypto::threshold::{
    ceremony_keys, check_bundles, decrypt, make_bundle, CeremonyFile, CeremonyKeys, Certificate,
    PartialDecryption, Roster, ShareBundle, TallyInput, TrusteeIdentity, TrusteeShare,
};
use votum_crypto::{BoxKey, CredentialKey, PublicCredential};

/// One trustee, in index order, with what it needs to decrypt.
pub struct Trustee {
    pub identity: TrusteeIdentity,
    pub share: TrusteeShare,
    pub source: SeededScalars,
}

/// A finished ceremony.
pub struct Trustees {
    pub ceremony: CeremonyFile,
    pub keys: CeremonyKeys,
    pub members: Vec<Trustee>,
}

/// The whole ceremony of T.2 for `ballot`; trustee k draws from
/// "{seed}-{k}".
pub fn ceremony(ballot: &str, threshold: u32, n: u32, seed: &str) -> Trustees {
    let ceremony = CeremonyFile::new(ballot, threshold, n).unwrap();
    let mut people: Vec<(TrusteeIdentity, SeededScalars, Certificate)> = (0..n)
        .map(|k| {
            let mut source = SeededScalars::new(format!("{seed}-{k}").as_bytes());
            let identity = TrusteeIdentity::generate(&mut source).unwrap();
            let names = ["Ada", "Bert", "Clara", "Dora", "Emil"];
            let name = names.get(k as usize).copied().unwrap_or("Trustee");
            let certificate = identity.certificate(&ceremony, name, &mut source).unwrap();
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
    let mut members = Vec::new();
    for (identity, mut source, _) in people {
        let (share, verification) =
            check_bundles(&identity, &roster, &bundles, &mut source).unwrap();
        verifications.push(verification);
        members.push(Trustee {
            identity,
            share,
            source,
        });
    }
    let keys = ceremony_keys(&ceremony, certificates, &bundles, &verifications).unwrap();
    Trustees {
        ceremony,
        keys,
        members,
    }
}

/// The election object fixed at opening.
pub fn election(
    ballot_id: &str,
    title: &str,
    questions: Vec<Question>,
    revoting: bool,
    box_key: &BoxKey,
    keys: &CeremonyKeys,
    lot_seed: &[u8; 32],
) -> Election {
    Election {
        ballot_id: ballot_id.into(),
        title: title.into(),
        questions,
        revoting,
        protocol: PROTOCOL_ENCRYPTED.into(),
        trustees: Some(keys.clone()),
        box_key: box_key.public(),
        lot_commitment: lot_commitment(lot_seed),
        credential_origins: vec![CredentialOrigin::Authority, CredentialOrigin::Server],
    }
}

/// What every ballot of `election` is proved against.
pub fn parameters(election: &Election) -> ElectionParameters {
    let keys = election.trustees.as_ref().unwrap();
    let shapes = election
        .questions
        .iter()
        .map(|q| question_shape(q).unwrap())
        .collect();
    ElectionParameters::new(election.fingerprint(), keys.election_key().unwrap(), shapes).unwrap()
}

/// The marks of plaintext choices (E.4).
pub fn marks(questions: &[Question], choices: &[Choice]) -> Vec<Vec<bool>> {
    questions
        .iter()
        .zip(choices)
        .map(|(q, c)| {
            encryption_marks(q, c)
                .expect("a valid choice")
                .into_iter()
                .map(|m| m == 1)
                .collect()
        })
        .collect()
}

/// `choices` encrypted with proofs for `credential`.
pub fn encrypt(
    params: &ElectionParameters,
    questions: &[Question],
    credential: &PublicCredential,
    choices: &[Choice],
    source: &mut SeededScalars,
) -> EncryptedBallot {
    encrypt_ballot(params, credential, &marks(questions, choices), source).unwrap()
}

/// A ballot entry (V2.6) at `position` after chain value `previous`: the
/// cast text is the encrypted ballot's canonical JSON.
pub fn entry(
    fingerprint: &[u8; 32],
    key: &CredentialKey,
    ballot: &EncryptedBallot,
    position: u64,
    previous: &[u8; 32],
) -> CastBallot {
    let credential = key.public();
    let text = String::from_utf8(ballot.canonical_json()).unwrap();
    let signature = key.sign(&cast_message(fingerprint, &credential, &text));
    let hash = ballot_hash(fingerprint, &credential, &text, &signature);
    let chain = votum_ballots::record::v2::chain_next(previous, &hash);
    CastBallot {
        position,
        credential,
        choices: text,
        signature,
        hash,
        chain,
    }
}

/// Adds a ballot's ciphertexts to the sums.
pub fn add(sums: &mut EncryptedTally, ballot: &EncryptedBallot) {
    let ciphertexts: Vec<Vec<Ciphertext>> = ballot
        .answers
        .iter()
        .map(|a| a.choices.iter().map(|c| c.decode().unwrap()).collect())
        .collect();
    sums.add(&ciphertexts);
}

/// The tally input of the sums (T.1).
pub fn tally_input(trustees: &Trustees, election: &Election, sums: &EncryptedTally) -> TallyInput {
    TallyInput::new(
        &election.ballot_id,
        election.fingerprint(),
        trustees.keys.ceremony,
        trustees.keys.public_key,
        sums.sums
            .iter()
            .flatten()
            .map(|c| CiphertextPair::from(*c))
            .collect(),
    )
}

/// The partial decryptions of the trustees at `which` (0-based, in order).
pub fn partials(
    trustees: &mut Trustees,
    input: &TallyInput,
    which: &[usize],
) -> Vec<PartialDecryption> {
    which
        .iter()
        .map(|&k| {
            let t = &mut trustees.members[k];
            decrypt::partial_decrypt(&t.identity, &t.share, input, &mut t.source).unwrap()
        })
        .collect()
}

/// Per question, per encrypted option: the counts of plaintext choices.
pub fn counts(questions: &[Question], votes: &[Vec<Choice>]) -> Vec<Vec<u64>> {
    questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let mut sums = vec![0u64; question_shape(question).unwrap().options as usize];
            for vote in votes {
                for (sum, mark) in sums
                    .iter_mut()
                    .zip(encryption_marks(question, &vote[q]).unwrap())
                {
                    *sum += u64::from(mark);
                }
            }
            sums
        })
        .collect()
}
