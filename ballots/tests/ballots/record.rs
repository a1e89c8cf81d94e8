//! The election record end to end: a synthetic election is cast with real
//! codes, credentials and signatures, recorded, signed and verified; then
//! every kind of tampering must be caught, and caught precisely.

use votum_ballots::record::{
    cast_text, count, verify, verify_receipt, ActKind, BallotDefinition, CastBallot, CastError,
    CredentialEntry, CredentialOrigin, ElectionRecord, Electorate, OfficerAct, PostalStatus,
    PostalVote, RecordError, FORMAT, VERSION,
};
use votum_ballots::{
    BallotOption, Choice, MajorityRule, OptionId, Question, QuestionKind, Ratio, SingleVote,
    YesNoVote,
};
use votum_crypto::ballot_box::{ballot_hash, cast_message, chain_genesis, chain_next, BoxKey};
use votum_crypto::{Code, CredentialKey, Receipt};

pub const BALLOT_ID: &str = "b-2025-board";

/// Voters of the synthetic election (index into the codes).
pub const ANNA: usize = 0; // votes online, then changes her vote
pub const BEN: usize = 1; // votes online and also sends a postal slip (void)
pub const CARLA: usize = 2; // votes by post
pub const DAVID: usize = 3; // votes online once
pub const EVA: usize = 4; // abstains
pub const LOST: usize = 5; // Eva's first letter, lost and revoked

pub fn code(voter: usize) -> Code {
    Code::from_bytes([voter as u8 + 1; 16])
}

pub fn key(voter: usize) -> CredentialKey {
    CredentialKey::derive(&code(voter), BALLOT_ID)
}

pub fn single(option: u32) -> Choice {
    Choice::Single(SingleVote::For(OptionId(option)))
}

pub fn yes_no(vote: YesNoVote) -> Choice {
    Choice::YesNo(vote)
}

fn act(act: ActKind, at: &str, confirmed: bool) -> OfficerAct {
    OfficerAct {
        act,
        requested_by: "officer-1".into(),
        confirmed_by: confirmed.then(|| "officer-2".into()),
        at: at.into(),
    }
}

/// A ballot box in the making: the record so far and the key that signs.
pub struct Election {
    pub box_key: BoxKey,
    pub record: ElectionRecord,
    pub receipts: Vec<Receipt>,
}

impl Election {
    /// An opened ballot with two questions and six credentials (one revoked).
    pub fn open() -> Election {
        let box_key = BoxKey::from_seed(&[42; 32]);
        let mut credentials: Vec<CredentialEntry> = [ANNA, BEN, CARLA, DAVID, EVA, LOST]
            .into_iter()
            .map(|voter| CredentialEntry {
                credential: key(voter).public(),
                origin: if voter == CARLA {
                    CredentialOrigin::Authority
                } else {
                    CredentialOrigin::Server
                },
                revoked: voter == LOST,
            })
            .collect();
        credentials.sort_by_key(|entry| entry.credential);
        let record = ElectionRecord {
            format: FORMAT.into(),
            version: VERSION,
            ballot: BallotDefinition {
                id: BALLOT_ID.into(),
                title: "Board 2025".into(),
                questions: vec![
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
                ],
                revoting: true,
            },
            box_key: box_key.public(),
            electorate: Electorate {
                size: 5,
                credentials_issued: 6,
            },
            credentials,
            ballots: vec![],
            chain_head: chain_genesis(BALLOT_ID),
            postal: vec![],
            officer_acts: vec![
                act(ActKind::FreezeElectorate, "2025-05-01T09:00:00Z", false),
                act(ActKind::IssueCredentials, "2025-05-01T09:05:00Z", false),
                act(ActKind::Open, "2025-05-02T08:00:00Z", true),
                act(ActKind::ReissueCredential, "2025-05-03T10:00:00Z", true),
            ],
            lot_seed: b"draw 2025-04-30: 17 23 05 41".to_vec(),
            results: vec![],
            signature: None,
        };
        Election {
            box_key,
            record,
            receipts: vec![],
        }
    }

    /// `voter` casts `choices` online; the box appends and issues a receipt.
    pub fn cast(&mut self, voter: usize, choices: &[Choice]) {
        let key = key(voter);
        let credential = key.public();
        let position = self.record.ballots.len() as u64;
        let mut nonce = [0u8; 16];
        nonce[..8].copy_from_slice(&position.to_be_bytes());
        let text = cast_text(choices, &nonce);
        let signature = key.sign(&cast_message(BALLOT_ID, &credential, &text));
        let hash = ballot_hash(BALLOT_ID, &credential, &text, &signature);
        let head = chain_next(&self.record.chain_head, &hash);
        self.record.ballots.push(CastBallot {
            position,
            credential,
            choices: text,
            signature,
            hash,
            chain: head,
        });
        self.record.chain_head = head;
        let receipt = Receipt::issue(&self.box_key, BALLOT_ID, hash, position, head);
        self.receipts.push(receipt);
    }

    /// Officers enter a postal slip.
    pub fn postal(&mut self, voter: usize, choices: Vec<Choice>, status: PostalStatus) {
        self.record.postal.push(PostalVote {
            credential: key(voter).public(),
            choices,
            status,
        });
        self.record.postal.sort_by_key(|entry| entry.credential);
    }

    /// Close, count, publish and sign.
    pub fn publish(mut self) -> (ElectionRecord, BoxKey, Vec<Receipt>) {
        self.record.officer_acts.extend([
            act(ActKind::Close, "2025-05-09T18:00:00Z", true),
            act(ActKind::EnterPostalVotes, "2025-05-09T19:00:00Z", true),
            act(ActKind::Tally, "2025-05-09T20:00:00Z", true),
            act(ActKind::Publish, "2025-05-09T20:30:00Z", true),
        ]);
        self.record.results = count(&self.record).unwrap();
        self.record.sign(&self.box_key);
        (self.record, self.box_key, self.receipts)
    }
}

/// The standard story: a re-vote, a postal vote voided by an online ballot,
/// a counted postal vote, an abstainer, a revoked credential. Chair: Ute 2
/// (Anna's second vote, David), Jan 2 (Ben, Carla by post): a tie the lot
/// decides.
pub fn election() -> (ElectionRecord, BoxKey, Vec<Receipt>) {
    let mut e = Election::open();
    e.cast(ANNA, &[single(2), yes_no(YesNoVote::No)]);
    e.cast(BEN, &[single(2), yes_no(YesNoVote::Yes)]);
    e.cast(ANNA, &[single(1), yes_no(YesNoVote::Yes)]);
    e.cast(DAVID, &[single(1), yes_no(YesNoVote::Abstain)]);
    e.postal(BEN, vec![], PostalStatus::VoidUsedOnline);
    e.postal(
        CARLA,
        vec![single(2), yes_no(YesNoVote::No)],
        PostalStatus::Counted,
    );
    e.publish()
}

/// Re-signs a tampered record as a dishonest server holding the box key
/// would, so the check under test is reached.
pub fn resign(mut record: ElectionRecord, key: &BoxKey) -> ElectionRecord {
    record.sign(key);
    record
}

#[test]
fn an_honest_election_verifies() {
    let (record, _, receipts) = election();
    let verified = verify(&record).unwrap();
    assert_eq!(verified.ballots_in_chain, 4);
    assert_eq!(verified.counted_online, 3);
    assert_eq!(verified.superseded_online, 1);
    assert_eq!(verified.counted_postal, 1);
    assert_eq!(verified.void_postal, 1);
    assert_eq!(verified.chain_head, record.chain_head);
    let chair = &verified.results[0];
    assert_eq!(chair.ballots.cast, 4);
    // Anna's re-vote counts, not her first ballot: 2 : 2, decided by lot.
    assert_eq!(chair.ties().len(), 1);
    let budget = &verified.results[1];
    assert_eq!((budget.ballots.valid, budget.ballots.abstentions), (4, 1));
    for receipt in &receipts {
        verify_receipt(&record, receipt).unwrap();
    }
    // The file round-trips and is what it hashes.
    let json = record.to_json();
    assert_eq!(ElectionRecord::from_json(json.as_bytes()).unwrap(), record);
    let with_newline = format!("{json}\n");
    assert_eq!(
        ElectionRecord::from_json(with_newline.as_bytes()).unwrap(),
        record
    );
}

/// The key acceptance test: every single-bit change anywhere in the
/// published file is caught, by the parser or by the verifier.
#[test]
fn every_flipped_bit_of_the_record_file_is_detected() {
    let (record, _, _) = election();
    let json = record.to_json().into_bytes();
    assert!(json.len() > 3000, "the record should exercise every part");
    let mut parsed_but_refused = 0;
    for position in 0..json.len() {
        for bit in 0..8 {
            let mut flipped = json.clone();
            flipped[position] ^= 1 << bit;
            match ElectionRecord::from_json(&flipped) {
                Err(_) => {}
                Ok(tampered) => {
                    assert!(
                        verify(&tampered).is_err(),
                        "undetected flip of bit {bit} at byte {position}: {:?}",
                        String::from_utf8_lossy(&flipped[position.saturating_sub(20)..])
                            .chars()
                            .take(40)
                            .collect::<String>()
                    );
                    parsed_but_refused += 1;
                }
            }
        }
    }
    // Many flips give a well-formed record that only the signature catches.
    assert!(parsed_but_refused > 1000, "{parsed_but_refused}");
}

#[test]
fn non_canonical_files_are_refused() {
    let (record, _, _) = election();
    let json = record.to_json();
    let spaced = json.replacen(",", ", ", 1);
    assert_eq!(
        ElectionRecord::from_json(spaced.as_bytes()),
        Err(RecordError::NotCanonical)
    );
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["extra"] = serde_json::json!(1);
    let extra = serde_json::to_string(&value).unwrap();
    assert!(matches!(
        ElectionRecord::from_json(extra.as_bytes()),
        Err(RecordError::Parse(_))
    ));
    assert!(ElectionRecord::from_json(format!("{json}\n\n").as_bytes()).is_err());
}

#[test]
fn a_changed_result_is_a_result_mismatch() {
    let (mut record, key, _) = election();
    record.results[1].ballots.invalid += 1;
    assert_eq!(verify(&record), Err(RecordError::RecordSignature));
    assert_eq!(
        verify(&resign(record, &key)),
        Err(RecordError::ResultMismatch { question: 1 })
    );
}

#[test]
fn a_moved_ballot_breaks_the_chain() {
    let (record, key, receipts) = election();
    let mut moved = record.clone();
    moved.ballots.swap(1, 2);
    assert_eq!(
        verify(&resign(moved.clone(), &key)),
        Err(RecordError::PositionMismatch { index: 1, found: 2 })
    );
    moved.ballots[1].position = 1;
    moved.ballots[2].position = 2;
    assert_eq!(
        verify(&resign(moved.clone(), &key)),
        Err(RecordError::ChainMismatch { position: 1 })
    );
    // Even a server that rewrites the whole chain consistently is caught by
    // the receipts it handed out.
    let rewritten = resign(rechain(moved), &key);
    assert!(verify(&rewritten).is_ok());
    assert_eq!(
        verify_receipt(&rewritten, &receipts[1]),
        Err(RecordError::ReceiptHash { position: 1 })
    );
    assert_eq!(
        verify_receipt(&rewritten, &receipts[3]),
        Err(RecordError::ReceiptChain { position: 3 })
    );
    verify_receipt(&rewritten, &receipts[0]).unwrap();
}

/// Recomputes positions, chain values and head, as a dishonest server would.
pub fn rechain(mut record: ElectionRecord) -> ElectionRecord {
    let mut chain = chain_genesis(&record.ballot.id);
    for (i, entry) in record.ballots.iter_mut().enumerate() {
        entry.position = i as u64;
        chain = chain_next(&chain, &entry.hash);
        entry.chain = chain;
    }
    record.chain_head = chain;
    record
}

#[test]
fn a_dropped_ballot_is_caught_by_its_receipt() {
    let (record, key, receipts) = election();
    let mut dropped = record.clone();
    dropped.ballots.remove(3); // David's ballot
    let mut dropped = rechain(dropped);
    dropped.results = count(&dropped).unwrap();
    let dropped = resign(dropped, &key);
    assert!(verify(&dropped).is_ok());
    assert_eq!(
        verify_receipt(&dropped, &receipts[3]),
        Err(RecordError::ReceiptPosition { position: 3 })
    );
}

#[test]
fn forged_receipts_are_refused() {
    let (record, _, receipts) = election();
    let impostor = BoxKey::from_seed(&[7; 32]);
    let real = &receipts[2];
    let forged = Receipt::issue(
        &impostor,
        BALLOT_ID,
        real.ballot_hash,
        real.position,
        real.chain_head,
    );
    assert_eq!(
        verify_receipt(&record, &forged),
        Err(RecordError::ReceiptSignature)
    );
    let mut altered = real.clone();
    altered.position = 1;
    assert_eq!(
        verify_receipt(&record, &altered),
        Err(RecordError::ReceiptSignature)
    );
    let mut other_ballot = real.clone();
    other_ballot.ballot_id = "b-other".into();
    assert_eq!(
        verify_receipt(&record, &other_ballot),
        Err(RecordError::ReceiptBallot)
    );
    // Receipts travel as JSON.
    let json = serde_json::to_string(real).unwrap();
    let back: Receipt = serde_json::from_str(&json).unwrap();
    verify_receipt(&record, &back).unwrap();
}

#[test]
fn a_credential_not_in_the_list_is_refused() {
    let (mut record, key, _) = election();
    let david = key_of(DAVID);
    record.credentials.retain(|c| c.credential != david);
    record.electorate.credentials_issued -= 1;
    assert_eq!(
        verify(&resign(record, &key)),
        Err(RecordError::UnknownCredential { position: 3 })
    );
}

pub fn key_of(voter: usize) -> votum_crypto::PublicCredential {
    key(voter).public()
}

#[test]
fn credential_list_rules() {
    let (record, key, _) = election();
    let mut duplicated = record.clone();
    let first = duplicated.credentials[0];
    duplicated.credentials.insert(0, first);
    duplicated.electorate.credentials_issued += 1;
    assert_eq!(
        verify(&resign(duplicated, &key)),
        Err(RecordError::CredentialsNotSorted { index: 1 })
    );
    let mut miscounted = record.clone();
    miscounted.electorate.credentials_issued = 7;
    assert_eq!(
        verify(&resign(miscounted, &key)),
        Err(RecordError::CredentialCountMismatch {
            stated: 7,
            listed: 6
        })
    );
    let mut small = record.clone();
    small.electorate.size = 4;
    assert_eq!(
        verify(&resign(small, &key)),
        Err(RecordError::TooManyCredentials {
            active: 5,
            electorate: 4
        })
    );
    let mut unrevoked = record.clone();
    unrevoked
        .credentials
        .iter_mut()
        .for_each(|c| c.revoked = false);
    unrevoked.electorate.size = 6;
    let unrevoked = resign(unrevoked, &key);
    assert!(matches!(
        verify(&unrevoked),
        Err(RecordError::RevocationCount {
            revoked: 0,
            reissue_acts: 1
        }) | Err(RecordError::ResultMismatch { .. })
    ));
}

#[test]
fn revoked_credentials_cannot_vote() {
    let mut e = Election::open();
    e.cast(LOST, &[single(1), yes_no(YesNoVote::Yes)]);
    let (record, _, _) = {
        e.record.results = vec![];
        e.record.officer_acts.clear();
        (e.record, e.box_key, e.receipts)
    };
    assert_eq!(
        count(&record),
        Err(RecordError::RevokedCredential { position: 0 })
    );
}

#[test]
fn a_second_ballot_without_revoting_is_refused() {
    let (mut record, key, _) = election();
    record.ballot.revoting = false;
    assert_eq!(
        verify(&resign(record, &key)),
        Err(RecordError::DuplicateBallot {
            position: 2,
            first: 0
        })
    );
}

#[test]
fn postal_votes_follow_the_void_rules() {
    let (record, key, _) = election();
    // Ben voted online; counting his postal slip too would count him twice.
    let mut twice = record.clone();
    let ben = twice
        .postal
        .iter_mut()
        .find(|p| p.credential == key_of(BEN))
        .unwrap();
    ben.status = PostalStatus::Counted;
    ben.choices = vec![single(1), yes_no(YesNoVote::Yes)];
    let index = twice
        .postal
        .iter()
        .position(|p| p.credential == key_of(BEN))
        .unwrap();
    assert_eq!(
        verify(&resign(twice, &key)),
        Err(RecordError::PostalAndOnline { index })
    );
    // Carla never voted online; voiding her slip would silently drop it.
    let mut voided = record.clone();
    let carla = voided
        .postal
        .iter_mut()
        .find(|p| p.credential == key_of(CARLA))
        .unwrap();
    carla.status = PostalStatus::VoidUsedOnline;
    carla.choices = vec![];
    let index = voided
        .postal
        .iter()
        .position(|p| p.credential == key_of(CARLA))
        .unwrap();
    assert_eq!(
        verify(&resign(voided, &key)),
        Err(RecordError::PostalVoidWithoutOnline { index })
    );
    let mut unknown = record.clone();
    unknown.postal.push(PostalVote {
        credential: CredentialKey::derive(&code(99), BALLOT_ID).public(),
        choices: vec![single(1), yes_no(YesNoVote::Yes)],
        status: PostalStatus::Counted,
    });
    unknown.postal.sort_by_key(|entry| entry.credential);
    assert!(matches!(
        verify(&resign(unknown, &key)),
        Err(RecordError::PostalUnknownCredential { .. })
    ));
}

#[test]
fn a_validly_signed_invalid_choice_is_refused() {
    let mut e = Election::open();
    e.cast(ANNA, &[single(9), yes_no(YesNoVote::Yes)]);
    assert!(matches!(
        count(&e.record),
        Err(RecordError::InvalidChoices {
            position: 0,
            error: CastError::Invalid { question: 0, .. }
        })
    ));
}

#[test]
fn a_forged_ballot_signature_is_refused() {
    let (mut record, key, _) = election();
    // Ben's ballot claimed by Eva's credential: signature no longer matches.
    record.ballots[1].credential = key_of(EVA);
    assert_eq!(
        verify(&resign(record, &key)),
        Err(RecordError::BadBallotSignature { position: 1 })
    );
    let (mut record, key, _) = election();
    record.ballots[1].hash[0] ^= 1;
    assert_eq!(
        verify(&resign(record, &key)),
        Err(RecordError::BallotHashMismatch { position: 1 })
    );
}

#[test]
fn the_record_signature_binds_key_and_content() {
    let (record, _, _) = election();
    let mut unsigned = record.clone();
    unsigned.signature = None;
    assert_eq!(verify(&unsigned), Err(RecordError::RecordSignature));
    let impostor = BoxKey::from_seed(&[9; 32]);
    assert_eq!(
        verify(&resign(record.clone(), &impostor)),
        Err(RecordError::RecordSignature)
    );
    let mut tampered = record.clone();
    tampered.ballot.title.push('!');
    assert_eq!(verify(&tampered), Err(RecordError::RecordSignature));
}

#[test]
fn officer_acts_need_two_officers_and_order() {
    let (record, key, _) = election();
    let tally = record
        .officer_acts
        .iter()
        .position(|a| a.act == ActKind::Tally)
        .unwrap();
    let mut alone = record.clone();
    alone.officer_acts[tally].confirmed_by = Some("officer-1".into());
    assert_eq!(
        verify(&resign(alone, &key)),
        Err(RecordError::ActUnconfirmed { index: tally })
    );
    let mut early = record.clone();
    early.officer_acts[tally].at = "2025-05-01T00:00:00Z".into();
    assert_eq!(
        verify(&resign(early, &key)),
        Err(RecordError::ActsOutOfOrder { index: tally })
    );
    let mut sloppy = record.clone();
    sloppy.officer_acts[tally].at = "2025-05-09 20:00".into();
    assert_eq!(
        verify(&resign(sloppy, &key)),
        Err(RecordError::ActTime { index: tally })
    );
    let mut untallied = record.clone();
    untallied.officer_acts.remove(tally);
    assert_eq!(
        verify(&resign(untallied, &key)),
        Err(RecordError::MissingAct {
            act: ActKind::Tally
        })
    );
}

#[test]
fn the_lot_seed_decides_the_tie_reproducibly() {
    let (record, _, _) = election();
    let winners = |seed: &[u8]| {
        let mut r = record.clone();
        r.lot_seed = seed.to_vec();
        count(&r).unwrap()[0].winners()
    };
    assert_eq!(winners(&record.lot_seed), record.results[0].winners());
    assert_eq!(winners(b"seed-1"), winners(b"seed-1"));
    let outcomes: std::collections::BTreeSet<Vec<OptionId>> =
        (0u8..16).map(|i| winners(&[i])).collect();
    assert_eq!(outcomes.len(), 2, "both candidates win under some seed");
}

/// Writes the sample record for inspection when `VOTUM_WRITE_SAMPLE_RECORD`
/// names a file (used to check the Python sketch of the specification).
#[test]
fn write_sample_record_on_request() {
    if let Ok(path) = std::env::var("VOTUM_WRITE_SAMPLE_RECORD") {
        let (record, _, receipts) = election();
        std::fs::write(&path, record.to_json() + "\n").unwrap();
        let receipt = serde_json::to_string(&receipts[0]).unwrap();
        std::fs::write(format!("{path}.receipt"), receipt).unwrap();
    }
}
