//! The rules of the encrypted tally, without one Diesel call: which stored
//! ballots count (V2.12), their proofs checked in one batch and added up
//! into the tally input the trustees decrypt, and the decrypted sums read
//! back as per-option counts per question.

use std::collections::HashMap;

use votum_crypto::ballot_batch::{verify_batch, BallotRef};
use votum_crypto::credential::{PublicCredential, Signature};
use votum_crypto::encrypted_ballot::{ElectionParameters, EncryptedBallot};
use votum_crypto::group::ScalarSource;
use votum_crypto::threshold::{CeremonyKeys, CiphertextPair, TallyInput};

/// One ballot cast online, as stored in the box.
pub struct OnlineBallot {
    /// Its place in the chain (the last one of a credential counts).
    pub position: i64,
    pub credential: PublicCredential,
    /// The canonical JSON of the encrypted ballot (E.5).
    pub choices: String,
    /// The credential's signature over the cast message.
    pub signature: Signature,
}

/// One postal entry with status "counted", as stored.
pub struct PostalBallot {
    pub credential: PublicCredential,
    /// The encrypted ballot object (E.5) as JSON.
    pub choices: String,
    /// The slip credential's signature over the entry (V2.7).
    pub signature: Option<Signature>,
}

/// Why the stored votes cannot be summed: something no honest entry makes
/// (a ballot that does not parse, a proof that does not hold). Nothing is
/// stored then, and the message names what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsummable(pub String);

/// The ballots that count (V2.12), in the order the record lists them:
/// for each credential its last online ballot in chain order, then the
/// counted postal entries. A counting online ballot that `genuine` refuses
/// (not signed by an issued credential), a postal entry that
/// `genuine_postal` refuses (given the entry and the canonical JSON of its
/// ballot: not signed by its slip's issued credential) or a stored text
/// that is not an encrypted ballot is refused, naming its place: such a
/// row was not put there by the box or a confirmed batch, and the trustees
/// must not decrypt a sum holding it.
pub fn counting_ballots(
    mut online: Vec<OnlineBallot>,
    postal: Vec<PostalBallot>,
    genuine: impl Fn(&OnlineBallot) -> bool,
    genuine_postal: impl Fn(&PostalBallot, &[u8]) -> bool,
) -> Result<Vec<(PublicCredential, EncryptedBallot)>, Unsummable> {
    online.sort_by_key(|b| b.position);
    let mut last: HashMap<PublicCredential, usize> = HashMap::new();
    for (index, ballot) in online.iter().enumerate() {
        last.insert(ballot.credential, index);
    }
    let mut counted = Vec::with_capacity(last.len() + postal.len());
    for (index, ballot) in online.iter().enumerate() {
        if last.get(&ballot.credential) != Some(&index) {
            continue;
        }
        if !genuine(ballot) {
            return Err(Unsummable(format!(
                "the ballot at position {} is not signed by an issued credential",
                ballot.position
            )));
        }
        let parsed = serde_json::from_str::<EncryptedBallot>(&ballot.choices).map_err(|_| {
            Unsummable(format!(
                "the ballot at position {} is not an encrypted ballot",
                ballot.position
            ))
        })?;
        counted.push((ballot.credential, parsed));
    }
    for (index, entry) in postal.iter().enumerate() {
        let parsed = serde_json::from_str::<EncryptedBallot>(&entry.choices).map_err(|_| {
            Unsummable(format!(
                "counted postal entry {} is not an encrypted ballot",
                index + 1
            ))
        })?;
        if !genuine_postal(entry, &parsed.canonical_json()) {
            return Err(Unsummable(format!(
                "counted postal entry {} is not signed by its slip's issued credential",
                index + 1
            )));
        }
        counted.push((entry.credential, parsed));
    }
    Ok(counted)
}

/// Checks every counting ballot's proofs in one batch (on `threads`
/// threads) and adds them up: the tally input for the trustees, its
/// ciphertexts flattened question by question, option by option.
pub fn tally_input(
    ballot_id: &str,
    params: &ElectionParameters,
    keys: &CeremonyKeys,
    ballots: &[(PublicCredential, EncryptedBallot)],
    threads: usize,
    source: &mut dyn ScalarSource,
) -> Result<TallyInput, Unsummable> {
    let refs: Vec<BallotRef<'_>> = ballots
        .iter()
        .map(|(credential, ballot)| BallotRef { credential, ballot })
        .collect();
    let sums = verify_batch(params, &refs, threads, source)
        .map_err(|e| Unsummable(format!("the stored ballots do not verify: {e}")))?;
    let ciphertexts: Vec<CiphertextPair> = sums
        .sums
        .into_iter()
        .flatten()
        .map(CiphertextPair::from)
        .collect();
    Ok(TallyInput::new(
        ballot_id,
        *params.fingerprint(),
        keys.ceremony,
        keys.public_key,
        ciphertexts,
    ))
}

/// The flat list of decrypted counts cut into one list per question, each
/// with as many counts as the question's shape has options; `None` if a
/// count is missing (a discrete logarithm above the number of ballots) or
/// the lengths disagree.
pub fn per_question(params: &ElectionParameters, flat: &[Option<u64>]) -> Option<Vec<Vec<u64>>> {
    let mut rest = flat;
    let mut counts = Vec::with_capacity(params.questions().len());
    for shape in params.questions() {
        let n = usize::try_from(shape.options).ok()?;
        if rest.len() < n {
            return None;
        }
        let (here, after) = rest.split_at(n);
        counts.push(here.iter().copied().collect::<Option<Vec<u64>>>()?);
        rest = after;
    }
    rest.is_empty().then_some(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use votum_crypto::credential::{Code, CredentialKey};
    use votum_crypto::elgamal::SecretKey;
    use votum_crypto::encrypted_ballot::{encrypt_ballot, QuestionShape};
    use votum_crypto::group::{SeededScalars, SystemScalars};
    use votum_crypto::threshold::files::TrusteeFile;

    fn credential(k: u8) -> PublicCredential {
        CredentialKey::derive_v2(&Code::from_bytes([k; 16]), "b").public()
    }

    fn no_signature() -> Signature {
        Signature([0; 64])
    }

    fn setup() -> (SecretKey, ElectionParameters, CeremonyKeys) {
        let mut source = SeededScalars::new(b"tally-counting");
        let secret = SecretKey::generate(&mut source).unwrap();
        let shape = QuestionShape {
            options: 3,
            min_marks: 1,
            max_marks: 1,
        };
        let params = ElectionParameters::new([9; 32], secret.public(), vec![shape]).unwrap();
        let keys = CeremonyKeys {
            format: CeremonyKeys::FORMAT.into(),
            version: 1,
            ceremony: [4; 32],
            roster: [5; 32],
            threshold: 1,
            public_key: *secret.public().point(),
            trustees: vec![],
        };
        (secret, params, keys)
    }

    fn cast(params: &ElectionParameters, k: u8, marks: Vec<bool>) -> (PublicCredential, String) {
        let credential = credential(k);
        let ballot =
            encrypt_ballot(params, &credential, &[marks], &mut SeededScalars::new(&[k])).unwrap();
        let text = String::from_utf8(ballot.canonical_json()).unwrap();
        (credential, text)
    }

    #[test]
    fn the_last_online_ballot_and_counted_postal_entries_are_summed() {
        let (secret, params, keys) = setup();
        let (a1, first) = cast(&params, 1, vec![true, false, false]);
        let (_, second) = cast(&params, 1, vec![false, true, false]);
        let (b, other) = cast(&params, 2, vec![false, true, false]);
        let (p, by_post) = cast(&params, 3, vec![false, false, true]);
        let online = vec![
            OnlineBallot {
                position: 2,
                credential: a1,
                choices: second,
                signature: no_signature(),
            },
            OnlineBallot {
                position: 0,
                credential: a1,
                choices: first,
                signature: no_signature(),
            },
            OnlineBallot {
                position: 1,
                credential: b,
                choices: other,
                signature: no_signature(),
            },
        ];
        let postal = || {
            vec![PostalBallot {
                credential: p,
                choices: by_post.clone(),
                signature: None,
            }]
        };
        // A postal entry its slip's credential did not sign stops the sum.
        let refused = counting_ballots(vec![], postal(), |_| true, |_, _| false).unwrap_err();
        assert!(refused.0.contains("postal entry 1"), "{}", refused.0);
        let ballots = counting_ballots(online, postal(), |_| true, |_, _| true).unwrap();
        assert_eq!(ballots.len(), 3);
        let input = tally_input("b", &params, &keys, &ballots, 2, &mut SystemScalars).unwrap();
        let flat: Vec<Option<u64>> = input
            .ciphertexts
            .iter()
            .map(|c| secret.decrypt(&c.into(), 3))
            .collect();
        // The superseded first ballot (yes) counts nowhere.
        assert_eq!(per_question(&params, &flat), Some(vec![vec![0, 2, 1]]));
        assert_eq!(input.election, [9; 32]);
        assert_eq!(input.ceremony, [4; 32]);
    }

    #[test]
    fn a_ballot_with_a_bad_proof_or_no_ballot_at_all_is_refused() {
        let (_, params, keys) = setup();
        let (a, text) = cast(&params, 1, vec![true, false, false]);
        let not_a_ballot = vec![OnlineBallot {
            position: 0,
            credential: a,
            choices: "[\"yes\"]".into(),
            signature: no_signature(),
        }];
        assert!(counting_ballots(not_a_ballot, vec![], |_| true, |_, _| true).is_err());
        // Cast under one credential, claimed by another: the proofs'
        // transcripts name the credential, so they no longer hold.
        let stolen = vec![OnlineBallot {
            position: 0,
            credential: credential(7),
            choices: text,
            signature: no_signature(),
        }];
        let unsigned = OnlineBallot {
            position: 0,
            credential: credential(7),
            choices: stolen[0].choices.clone(),
            signature: no_signature(),
        };
        assert!(counting_ballots(vec![unsigned], vec![], |_| false, |_, _| true).is_err());
        let ballots = counting_ballots(stolen, vec![], |_| true, |_, _| true).unwrap();
        let refused = tally_input("b", &params, &keys, &ballots, 1, &mut SystemScalars);
        assert!(refused.is_err());
    }

    #[test]
    fn counts_are_cut_per_question_and_a_missing_count_is_none() {
        let (_, params, _) = setup();
        assert_eq!(
            per_question(&params, &[Some(1), Some(0), Some(2)]),
            Some(vec![vec![1, 0, 2]])
        );
        assert_eq!(per_question(&params, &[Some(1), None, Some(2)]), None);
        assert_eq!(per_question(&params, &[Some(1), Some(2)]), None);
        assert_eq!(per_question(&params, &[Some(1); 4]), None);
    }
}
