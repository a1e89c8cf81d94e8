//! Record version 2 under protocol "encrypted", end to end: a synthetic
//! election with a real 2-of-3 trustees' ceremony, encrypted ballots with
//! proofs, a re-vote, an encrypted postal ballot and a void slip, the
//! homomorphic sums decrypted by trustees 1 and 3; its published test
//! vectors (valid, and one invalid variant per rule, each re-signed with
//! the box key so only that rule fails); and the streaming file verifier
//! agreeing with the in-memory one on every vector.
//!
//! The vectors live in `ballots/tests/vectors/v2-encrypted/`;
//! `the_published_vectors_are_current` regenerates them from fixed seeds
//! and compares byte for byte; `VOTUM_WRITE_VECTORS=1` rewrites them.

use crate::encrypted_common::{self as common, Trustees};
use crate::record_v2::variant;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;
use votum_ballots::record::v2::{
    self, chain_genesis, chain_next, lot_order, postal_message_for, postal_void_message,
    verify_file, ActKind, OfficerAct, PostalChoices, PostalEntry, Receipt, Record, Tally,
};
use votum_ballots::record::{
    read, AnyRecord, CredentialEntry, CredentialOrigin, Electorate, PostalStatus, RecordError,
    FORMAT,
};
use votum_ballots::{
    tally_counts, BallotOption, Choice, MajorityRule, OptionId, Question, QuestionKind, Ratio,
    SingleVote, YesNoVote,
};
use votum_crypto::ballot_batch::EncryptedTally;
use votum_crypto::encrypted_ballot::{ElectionParameters, EncryptedBallot};
use votum_crypto::group::{generator, SeededScalars};
use votum_crypto::{BoxKey, Code, CredentialKey};

const BALLOT_ID: &str = "b-2026-council";
const LOT_SEED: [u8; 32] = [7; 32];

const ANNA: usize = 0; // votes online, then changes her vote
const BEN: usize = 1; // votes online and sends a slip (void)
const CARLA: usize = 2; // votes by post (encrypted by the officers' server)
const DAVID: usize = 3; // votes online once
const EVA: usize = 4; // abstains (her replacement letter)
const LOST: usize = 5; // Eva's first letter, lost and revoked
const FRANK: usize = 6; // an elector who never votes

fn key(voter: usize) -> CredentialKey {
    CredentialKey::derive_v2(&Code::from_bytes([voter as u8 + 1; 16]), BALLOT_ID)
}

fn act(kind: ActKind, at: &str, count: Option<u64>, batch: Option<u64>) -> OfficerAct {
    OfficerAct {
        act: kind,
        requested_by: "officer-1".into(),
        confirmed_by: Some("officer-2".into()),
        at: at.into(),
        batch,
        count,
    }
}

fn questions() -> Vec<Question> {
    vec![
        Question {
            text: "Chair".into(),
            kind: QuestionKind::SingleChoice {
                options: vec![BallotOption::new(1, "Ute"), BallotOption::new(2, "Jan")],
                runoff: false,
            },
        },
        Question {
            text: "Budget".into(),
            kind: QuestionKind::YesNoAbstain {
                quorum: Ratio::new(1, 2).unwrap(),
                majority: MajorityRule::Simple,
            },
        },
        Question {
            text: "Council".into(),
            kind: QuestionKind::Approval {
                options: (1..=3)
                    .map(|i| BallotOption::new(i, format!("C{i}")))
                    .collect(),
                min_marks: 0,
                max_marks: 2,
            },
        },
    ]
}

fn vote(chair: u32, budget: YesNoVote, council: &[u32]) -> Vec<Choice> {
    vec![
        Choice::Single(SingleVote::For(OptionId(chair))),
        Choice::YesNo(budget),
        Choice::Approval(council.iter().copied().map(OptionId).collect()),
    ]
}

/// An election under way.
struct Election {
    box_key: BoxKey,
    trustees: Trustees,
    params: ElectionParameters,
    record: Record,
    receipts: Vec<Receipt>,
    /// Per voter: the plaintext of the ballot that counts.
    counting: BTreeMap<usize, Vec<Choice>>,
}

impl Election {
    fn open() -> Election {
        let box_key = BoxKey::from_seed(&[42; 32]);
        let trustees = common::ceremony(BALLOT_ID, 2, 3, "vector-trustee");
        let election = common::election(
            BALLOT_ID,
            "Council 2026",
            questions(),
            true,
            &box_key,
            &trustees.keys,
            &LOT_SEED,
        );
        let params = common::parameters(&election);
        let fingerprint = election.fingerprint();
        let mut credentials: Vec<CredentialEntry> = [ANNA, BEN, CARLA, DAVID, EVA, LOST, FRANK]
            .into_iter()
            .map(|voter| CredentialEntry {
                credential: key(voter).public(),
                origin: CredentialOrigin::Authority,
                revoked: voter == LOST,
            })
            .collect();
        credentials.sort_by_key(|entry| entry.credential);
        let record = Record {
            format: FORMAT.into(),
            version: v2::VERSION,
            election,
            fingerprint,
            electorate: Electorate {
                size: 6,
                credentials_issued: 7,
            },
            credentials,
            ballots: vec![],
            chain_head: chain_genesis(&fingerprint),
            postal: vec![],
            officer_acts: vec![
                act(
                    ActKind::ImportCredentials,
                    "2026-05-01T12:00:00Z",
                    Some(6),
                    None,
                ),
                act(ActKind::Open, "2026-05-02T08:00:00Z", Some(0), None),
                act(
                    ActKind::ReissueCredential,
                    "2026-05-03T10:00:00Z",
                    Some(0),
                    None,
                ),
                act(
                    ActKind::ImportCredentials,
                    "2026-05-03T10:05:00Z",
                    Some(1),
                    None,
                ),
            ],
            lot_seed: LOT_SEED,
            results: vec![],
            tally: None,
            signature: None,
        };
        Election {
            box_key,
            trustees,
            params,
            record,
            receipts: vec![],
            counting: BTreeMap::new(),
        }
    }

    fn encrypt(&self, voter: usize, choices: &[Choice], seed: &str) -> EncryptedBallot {
        common::encrypt(
            &self.params,
            &self.record.election.questions,
            &key(voter).public(),
            choices,
            &mut SeededScalars::new(seed.as_bytes()),
        )
    }

    fn cast(&mut self, voter: usize, choices: Vec<Choice>) {
        let position = self.record.ballots.len() as u64;
        let ballot = self.encrypt(voter, &choices, &format!("ballot-{position}"));
        let fingerprint = self.record.fingerprint;
        let entry = common::entry(
            &fingerprint,
            &key(voter),
            &ballot,
            position,
            &self.record.chain_head,
        );
        self.record.chain_head = entry.chain;
        self.receipts.push(Receipt::issue(
            &self.box_key,
            BALLOT_ID,
            fingerprint,
            entry.hash,
            position,
            entry.chain,
        ));
        self.record.ballots.push(entry);
        self.counting.insert(voter, choices);
    }

    fn postal(&mut self, voter: usize, choices: Option<Vec<Choice>>) {
        let fingerprint = self.record.fingerprint;
        let credential = key(voter).public();
        let (status, postal_choices, message) = match &choices {
            Some(choices) => {
                let ballot = self.encrypt(voter, choices, &format!("postal-{voter}"));
                let postal = PostalChoices::Encrypted(Box::new(ballot));
                let message = postal_message_for(&fingerprint, &credential, &postal);
                (PostalStatus::Counted, postal, message)
            }
            None => (
                PostalStatus::VoidUsedOnline,
                PostalChoices::Plain(vec![]),
                postal_void_message(&fingerprint, &credential),
            ),
        };
        self.record.postal.push(PostalEntry {
            batch: 1,
            credential,
            choices: postal_choices,
            status,
            signature: key(voter).sign(&message),
        });
        self.record.postal.sort_by_key(|entry| entry.credential);
        if let Some(choices) = choices {
            self.counting.insert(voter, choices);
        }
    }

    /// Close, the postal batch, the tally (sums, trustees 1 and 3 decrypt),
    /// publish, sign.
    fn publish(mut self) -> Published {
        let ballots = self.record.ballots.len() as u64;
        let batch = self.record.postal.len() as u64;
        self.record.officer_acts.extend([
            act(ActKind::Close, "2026-05-09T18:00:00Z", Some(ballots), None),
            act(
                ActKind::EnterPostalVotes,
                "2026-05-09T19:00:00Z",
                Some(batch),
                Some(1),
            ),
            act(ActKind::Tally, "2026-05-09T20:00:00Z", None, None),
            act(ActKind::Publish, "2026-05-09T20:30:00Z", None, None),
        ]);
        let sums = sums(&self.record);
        let input = common::tally_input(&self.trustees, &self.record.election, &sums);
        let partial_decryptions = common::partials(&mut self.trustees, &input, &[0, 2]);
        let votes: Vec<Vec<Choice>> = self.counting.values().cloned().collect();
        let questions = &self.record.election.questions;
        let counts = common::counts(questions, &votes);
        let results: Vec<_> = questions
            .iter()
            .zip(&counts)
            .map(|(q, c)| {
                let lot = lot_order(&LOT_SEED, &q.option_ids());
                tally_counts(q, 6, votes.len() as u64, c, &lot).unwrap()
            })
            .collect();
        self.record.tally = Some(Tally {
            counts,
            input,
            partial_decryptions,
        });
        // The server's count of the record equals the count of the
        // plaintexts the voters chose.
        assert_eq!(v2::count(&self.record).unwrap(), results);
        self.record.results = results;
        self.record.sign(&self.box_key);
        Published {
            record: self.record,
            box_key: self.box_key,
            receipts: self.receipts,
            trustees: self.trustees,
        }
    }
}

struct Published {
    record: Record,
    box_key: BoxKey,
    receipts: Vec<Receipt>,
    trustees: Trustees,
}

/// The sums of the counting ballots, computed by the test apart from the
/// verifier: last online ballot per credential, then counted postal.
fn sums(record: &Record) -> EncryptedTally {
    let params = common::parameters(&record.election);
    let mut sums = EncryptedTally::empty(&params);
    let mut last = BTreeMap::new();
    for entry in &record.ballots {
        last.insert(entry.credential, entry.choices.clone());
    }
    for text in last.values() {
        common::add(&mut sums, &serde_json::from_str(text).unwrap());
    }
    for entry in &record.postal {
        if let PostalChoices::Encrypted(ballot) = &entry.choices {
            common::add(&mut sums, ballot);
        }
    }
    sums
}

/// The standard story: a re-vote, a void and a counted (encrypted) slip,
/// an abstainer, a revoked credential, a tie in the council decided by lot.
fn election() -> Published {
    let mut e = Election::open();
    e.cast(ANNA, vote(2, YesNoVote::No, &[1]));
    e.cast(BEN, vote(2, YesNoVote::Yes, &[2, 3]));
    e.cast(ANNA, vote(1, YesNoVote::Yes, &[1, 2]));
    e.cast(DAVID, vote(1, YesNoVote::Abstain, &[]));
    e.postal(BEN, None);
    e.postal(CARLA, Some(vote(2, YesNoVote::No, &[3])));
    let _ = (EVA, FRANK);
    e.publish()
}

/// Replaces the ballot text at `position`, signed by `voter`, and re-chains.
fn recast(record: &mut Record, position: usize, voter: usize, text: String) {
    let fingerprint = record.fingerprint;
    let key = key(voter);
    let credential = key.public();
    let signature = key.sign(&v2::cast_message(&fingerprint, &credential, &text));
    let entry = &mut record.ballots[position];
    entry.credential = credential;
    entry.hash = v2::ballot_hash(&fingerprint, &credential, &text, &signature);
    entry.choices = text;
    entry.signature = signature;
    let mut chain = chain_genesis(&fingerprint);
    for entry in &mut record.ballots {
        chain = chain_next(&chain, &entry.hash);
        entry.chain = chain;
    }
    record.chain_head = chain;
}

/// A proof made wrong while staying well-formed: the two challenges of
/// the first mark proof swapped (their sum, and so the transcript check,
/// still holds; the branch equations do not).
fn spoil(ballot: &mut EncryptedBallot) {
    let branches = &mut ballot.answers[0].proofs[0].branches;
    let (first, second) = (branches[0].c, branches[1].c);
    branches[0].c = second;
    branches[1].c = first;
}

/// The election object changed as a server could after opening; the
/// stated fingerprint follows it, so the election object itself is at
/// fault.
fn refingerprint(record: &mut Record) {
    record.fingerprint = record.election.fingerprint();
}

/// One invalid variant: a name, why, and the tampered record.
struct Variant {
    name: &'static str,
    reason: &'static str,
    record: Record,
}

fn invalid_variants() -> Vec<(Variant, &'static str)> {
    let Published {
        record: valid,
        box_key,
        mut trustees,
        ..
    } = election();
    let resigned = |change: &dyn Fn(&mut Record)| {
        let mut record = valid.clone();
        change(&mut record);
        record.sign(&box_key);
        record
    };
    let tally = valid.tally.clone().unwrap();
    // A tally input with the first sum replaced by an encryption of 1.
    let mut other_input = tally.input.clone();
    other_input.ciphertexts[0].beta += generator();
    let for_other_input = common::partials(&mut trustees, &other_input, &[0]);
    let mut forged = tally.partial_decryptions[1].clone();
    forged.factors[0].factor += generator();
    forged.signature = trustees.members[2].identity.sign(&forged);
    let other = common::ceremony(BALLOT_ID, 2, 3, "another-ceremony");
    let v = |name, reason, record, error| {
        (
            Variant {
                name,
                reason,
                record,
            },
            error,
        )
    };
    vec![
        v(
            "ballot_proof_bad",
            "ballot 1's first mark proof has two challenges swapped (the sum still matches the transcript, the equations fail); re-signed by its credential and re-chained",
            resigned(&|r| {
                let mut ballot: EncryptedBallot = serde_json::from_str(&r.ballots[1].choices).unwrap();
                spoil(&mut ballot);
                recast(r, 1, BEN, String::from_utf8(ballot.canonical_json()).unwrap());
            }),
            "BallotProof",
        ),
        v(
            "ballot_under_other_credential",
            "David's ballot replaced by Anna's encrypted ballot, signed by David's credential: the proofs name Anna's credential",
            resigned(&|r| {
                let anna = r.ballots[2].choices.clone();
                recast(r, 3, DAVID, anna);
            }),
            "BallotProof",
        ),
        v(
            "ballot_not_canonical",
            "ballot 3's encrypted ballot written with a space, signed by its credential and re-chained",
            resigned(&|r| {
                let text = r.ballots[3].choices.replacen(':', ": ", 1);
                recast(r, 3, DAVID, text);
            }),
            "BallotNotCanonical",
        ),
        v(
            "postal_proof_bad",
            "Carla's encrypted postal ballot has a spoiled proof; the entry is re-signed by her credential",
            resigned(&|r| {
                for entry in &mut r.postal {
                    if let PostalChoices::Encrypted(ballot) = &mut entry.choices {
                        spoil(ballot);
                        let message =
                            postal_message_for(&r.fingerprint, &entry.credential, &entry.choices);
                        entry.signature = key(CARLA).sign(&message);
                    }
                }
            }),
            "PostalBallotProof",
        ),
        v(
            "sums_tampered",
            "the tally input's first ciphertext is not the sum of the counting ballots (one vote added to it)",
            resigned(&|r| {
                let t = r.tally.as_mut().unwrap();
                t.input.ciphertexts[0].beta += generator();
            }),
            "TallySums",
        ),
        v(
            "tally_input_other_election",
            "the tally input names another election fingerprint",
            resigned(&|r| r.tally.as_mut().unwrap().input.election = [9; 32]),
            "TallyInputFields",
        ),
        v(
            "partial_decryption_forged",
            "trustee 3's first decryption factor changed and the file re-signed with the trustee's key: its proof fails",
            {
                let forged = forged.clone();
                resigned(&move |r| r.tally.as_mut().unwrap().partial_decryptions[1] = forged.clone())
            },
            "PartialDecryption",
        ),
        v(
            "partial_decryption_other_input",
            "trustee 1's partial decryption is of another tally input (validly signed and proved)",
            {
                let other = for_other_input[0].clone();
                resigned(&move |r| r.tally.as_mut().unwrap().partial_decryptions[0] = other.clone())
            },
            "PartialDecryption",
        ),
        v(
            "below_threshold",
            "only trustee 1's partial decryption: the threshold is 2",
            resigned(&|r| {
                r.tally.as_mut().unwrap().partial_decryptions.truncate(1);
            }),
            "BelowThreshold",
        ),
        v(
            "counts_changed",
            "one chair vote moved from Ute to Jan in the stated counts (and the results recomputed from them)",
            resigned(&|r| {
                let t = r.tally.as_mut().unwrap();
                t.counts[0][0] -= 1;
                t.counts[0][1] += 1;
                let q = &r.election.questions[0];
                let lot = lot_order(&LOT_SEED, &q.option_ids());
                r.results[0] = tally_counts(q, 6, 4, &t.counts[0], &lot).unwrap();
            }),
            "CountsMismatch",
        ),
        v(
            "results_changed",
            "the stated budget result has one yes more and one no fewer",
            resigned(&|r| {
                if let votum_ballots::Outcome::YesNo(y) = &mut r.results[1].outcome {
                    y.yes += 1;
                    y.no -= 1;
                }
            }),
            "ResultMismatch",
        ),
        v(
            "tally_missing",
            "the record under protocol encrypted has no tally member",
            resigned(&|r| r.tally = None),
            "TallyMember",
        ),
        v(
            "trustees_changed_after_opening",
            "the trustees object replaced by another ceremony's after opening; the stated fingerprint is the one every ballot and receipt names",
            {
                let keys = other.keys.clone();
                resigned(&move |r| r.election.trustees = Some(keys.clone()))
            },
            "FingerprintMismatch",
        ),
        v(
            "trustees_inconsistent",
            "trustee 3's verification key is not on the sharing of the public key (an election object made up at opening, fingerprint recomputed)",
            resigned(&|r| {
                let keys = r.election.trustees.as_mut().unwrap();
                keys.trustees[2].verification_key += generator();
                refingerprint(r);
            }),
            "BadTrustees",
        ),
        v(
            "trustees_under_signed",
            "protocol signed with a trustees member (fingerprint recomputed)",
            resigned(&|r| {
                r.election.protocol = v2::PROTOCOL_SIGNED.into();
                refingerprint(r);
            }),
            "TrusteesMember",
        ),
        v(
            "ranked_question_encrypted",
            "a ranked question under protocol encrypted (fingerprint recomputed)",
            resigned(&|r| {
                r.election.questions[0].kind = QuestionKind::RankedSchulze {
                    options: vec![BallotOption::new(1, "Ute"), BallotOption::new(2, "Jan")],
                };
                refingerprint(r);
            }),
            "RankedEncrypted",
        ),
    ]
}

fn check(bytes: &[u8]) -> Result<(), RecordError> {
    match read(bytes)? {
        AnyRecord::V2(record) => v2::verify(&record).map(|_| ()),
        AnyRecord::V1(_) => panic!("not version 2"),
    }
}

#[test]
fn an_honest_encrypted_election_verifies() {
    let Published {
        record, receipts, ..
    } = election();
    let verified = v2::verify(&record).unwrap();
    assert_eq!(verified.ballots_in_chain, 4);
    assert_eq!(verified.counted_online, 3);
    assert_eq!(verified.superseded_online, 1);
    assert_eq!(verified.counted_postal, 1);
    assert_eq!(verified.void_postal, 1);
    let summary = verified.encrypted.unwrap();
    assert_eq!(summary.summed, 4);
    assert_eq!(
        summary.decrypted_by.iter().map(|t| t.0).collect::<Vec<_>>(),
        [1, 3]
    );
    // Under encryption every counted ballot is valid.
    for result in &verified.results {
        assert_eq!(result.ballots.invalid, 0);
        assert_eq!(result.ballots.valid, 4);
    }
    // Receipts work unchanged, in memory and from the streamed file.
    for receipt in &receipts {
        v2::verify_receipt(&record, receipt).unwrap();
    }
    let file = verify_file(Cursor::new(record.to_json().into_bytes())).unwrap();
    assert!(file.streamed());
    for (position, receipt) in receipts.iter().enumerate() {
        assert_eq!(
            file.check_receipt(receipt.to_json().as_bytes()),
            votum_ballots::record::ReceiptOutcome::Found {
                position: position as u64
            }
        );
    }
    let mut moved = receipts[1].clone();
    moved.position = 2;
    assert!(!file.check_receipt(moved.to_json().as_bytes()).is_found());
}

#[test]
fn every_invalid_variant_fails_with_its_error_in_memory_and_streamed() {
    for (v, expected) in invalid_variants() {
        let json = v.record.to_json();
        let error = check(json.as_bytes()).unwrap_err();
        assert_eq!(variant(&error), expected, "{}: {error}", v.name);
        let streamed = verify_file(Cursor::new(json.into_bytes())).unwrap_err();
        assert_eq!(streamed, error, "{}", v.name);
    }
}

#[test]
fn the_streamed_verification_equals_the_in_memory_one() {
    let Published { record, .. } = election();
    let json = record.to_json() + "\n";
    let file = verify_file(Cursor::new(json.clone().into_bytes())).unwrap();
    assert!(file.streamed());
    assert_eq!(file.verified, v2::verify(&record).unwrap());
    // A flipped byte anywhere is caught by both.
    let bytes = json.into_bytes();
    for at in (0..bytes.len()).step_by(997) {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x01;
        assert!(check(&flipped).is_err(), "byte {at}");
        assert!(verify_file(Cursor::new(flipped)).is_err(), "byte {at}");
    }
}

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v2-encrypted")
}

fn generated_vectors() -> Vec<(String, String)> {
    let Published {
        record, receipts, ..
    } = election();
    let mut files = vec![("valid.json".to_owned(), record.to_json() + "\n")];
    let mut index = vec![json!({
        "file": "valid.json",
        "valid": true,
        "error": null,
        "reason": "trustees 2 of 3 (trustees 1 and 3 decrypt); a re-vote, an encrypted counted postal ballot and a void slip in one confirmed batch, a revoked and re-imported credential, a tie in the approval decided by the committed lot",
    })];
    files.push((
        "valid.receipt-0.json".to_owned(),
        receipts[0].to_json() + "\n",
    ));
    index.push(json!({
        "file": "valid.receipt-0.json",
        "receipt_for": "valid.json",
        "valid": true,
        "error": null,
        "reason": "the receipt of the first ballot: found at position 0",
    }));
    for (v, expected) in invalid_variants() {
        let file = format!("invalid-{}.json", v.name);
        files.push((file.clone(), v.record.to_json() + "\n"));
        index.push(json!({
            "file": file,
            "valid": false,
            "error": expected,
            "reason": v.reason,
        }));
    }
    let index = json!({
        "format": "votum-record-vectors",
        "record_version": 2,
        "protocol": "encrypted",
        "vectors": index,
    });
    files.push((
        "index.json".to_owned(),
        serde_json::to_string_pretty(&index).unwrap() + "\n",
    ));
    files
}

#[test]
fn the_published_vectors_are_current() {
    let dir = vector_dir();
    let files = generated_vectors();
    if std::env::var_os("VOTUM_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, content) in &files {
            std::fs::write(dir.join(name), content).unwrap();
        }
    }
    for (name, content) in &files {
        let stored = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|_| panic!("{name} missing: run with VOTUM_WRITE_VECTORS=1"));
        assert_eq!(&stored, content, "{name} differs from its generator");
    }
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let valid = std::fs::read(dir.join("valid.json")).unwrap();
    let AnyRecord::V2(valid) = read(&valid).unwrap() else {
        panic!("valid.json is not version 2")
    };
    for entry in index["vectors"].as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        if entry.get("receipt_for").is_some() {
            let receipt: Receipt = serde_json::from_slice(&bytes).unwrap();
            v2::verify_receipt(&valid, &receipt).unwrap();
            continue;
        }
        let outcome = check(&bytes);
        match entry["error"].as_str() {
            None => outcome.unwrap(),
            Some(expected) => assert_eq!(variant(&outcome.unwrap_err()), expected, "{file}"),
        }
    }
}
