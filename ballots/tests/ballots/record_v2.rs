//! Record version 2 end to end: a synthetic election under protocol
//! "signed" with real codes, credentials and signatures, its published
//! test vectors (one valid record, invalid variants each with the error a
//! verifier must name), and every attack of the v1 audit refused.
//!
//! The vectors live in `ballots/tests/vectors/v2/`; `index.json` names each
//! file, whether it is valid and, if not, the expected `RecordError`
//! variant and why. `the_published_vectors_are_current` regenerates them
//! deterministically and compares byte for byte; with
//! `VOTUM_WRITE_VECTORS=1` it rewrites them instead.

use serde_json::json;
use std::path::PathBuf;
use votum_ballots::record::v2::{
    self, ballot_hash, cast_message, chain_genesis, chain_next, lot_commitment, postal_message,
    postal_void_message, record_message, ActKind, Election, OfficerAct, PostalEntry, Receipt,
    Record,
};
use votum_ballots::record::{
    cast_text, read, AnyRecord, CastBallot, CredentialEntry, CredentialOrigin, Electorate,
    PostalStatus, RecordError, FORMAT,
};
use votum_ballots::{
    BallotOption, Choice, MajorityRule, OptionId, Question, QuestionKind, Ratio, SingleVote,
    YesNoVote,
};
use votum_crypto::{BoxKey, Code, CredentialKey, PublicCredential};

pub const BALLOT_ID: &str = "b-2026-board";

pub const ANNA: usize = 0; // votes online, then changes her vote
pub const BEN: usize = 1; // votes online and sends a slip (void)
pub const CARLA: usize = 2; // votes by post
pub const DAVID: usize = 3; // votes online once
pub const EVA: usize = 4; // abstains (her replacement letter)
pub const LOST: usize = 5; // Eva's first letter, lost and revoked
pub const FRANK: usize = 6; // an elector who never votes

fn code(voter: usize) -> Code {
    Code::from_bytes([voter as u8 + 1; 16])
}

pub fn key(voter: usize) -> CredentialKey {
    CredentialKey::derive_v2(&code(voter), BALLOT_ID)
}

fn single(option: u32) -> Choice {
    Choice::Single(SingleVote::For(OptionId(option)))
}

fn yes_no(vote: YesNoVote) -> Choice {
    Choice::YesNo(vote)
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

const LOT_SEED: [u8; 32] = [7; 32];

/// A ballot box in the making.
pub struct Box2 {
    pub box_key: BoxKey,
    pub record: Record,
    pub receipts: Vec<Receipt>,
}

impl Box2 {
    /// Opened: two questions, seven credentials (one revoked).
    pub fn open() -> Box2 {
        let box_key = BoxKey::from_seed(&[42; 32]);
        let election = Election {
            ballot_id: BALLOT_ID.into(),
            title: "Board 2026".into(),
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
            protocol: v2::PROTOCOL_SIGNED.into(),
            trustees: None,
            box_key: box_key.public(),
            lot_commitment: lot_commitment(&LOT_SEED),
            credential_origins: vec![CredentialOrigin::Server],
        };
        let fingerprint = election.fingerprint();
        let mut credentials: Vec<CredentialEntry> = [ANNA, BEN, CARLA, DAVID, EVA, LOST, FRANK]
            .into_iter()
            .map(|voter| CredentialEntry {
                credential: key(voter).public(),
                origin: CredentialOrigin::Server,
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
                // Portal voters' credentials at opening, then a letter run
                // and a re-issue while open.
                act(ActKind::Open, "2026-05-02T08:00:00Z", Some(3), None),
                act(
                    ActKind::IssueCredentials,
                    "2026-05-02T09:00:00Z",
                    Some(3),
                    None,
                ),
                act(
                    ActKind::ReissueCredential,
                    "2026-05-03T10:00:00Z",
                    Some(1),
                    None,
                ),
            ],
            lot_seed: LOT_SEED,
            results: vec![],
            tally: None,
            signature: None,
        };
        Box2 {
            box_key,
            record,
            receipts: vec![],
        }
    }

    fn fingerprint(&self) -> [u8; 32] {
        self.record.fingerprint
    }

    /// `voter` casts online; the box appends and gives a receipt.
    pub fn cast(&mut self, voter: usize, choices: &[Choice]) {
        let fingerprint = self.fingerprint();
        let key = key(voter);
        let credential = key.public();
        let position = self.record.ballots.len() as u64;
        let mut nonce = [0u8; 16];
        nonce[..8].copy_from_slice(&position.to_be_bytes());
        let text = cast_text(choices, &nonce);
        let signature = key.sign(&cast_message(&fingerprint, &credential, &text));
        let hash = ballot_hash(&fingerprint, &credential, &text, &signature);
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
        self.receipts.push(Receipt::issue(
            &self.box_key,
            BALLOT_ID,
            fingerprint,
            hash,
            position,
            head,
        ));
    }

    /// A slip entered in `batch`, signed by the key of its code.
    pub fn postal(&mut self, voter: usize, batch: u64, choices: Vec<Choice>, status: PostalStatus) {
        let entry = postal_entry(self.fingerprint(), &key(voter), batch, choices, status);
        self.record.postal.push(entry);
        self.record.postal.sort_by_key(|entry| entry.credential);
    }

    /// Close, the postal batch, count, publish and sign.
    pub fn publish(mut self) -> (Record, BoxKey, Vec<Receipt>) {
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
        self.record.results = v2::count(&self.record).unwrap();
        self.record.sign(&self.box_key);
        (self.record, self.box_key, self.receipts)
    }
}

pub fn postal_entry(
    fingerprint: [u8; 32],
    key: &CredentialKey,
    batch: u64,
    choices: Vec<Choice>,
    status: PostalStatus,
) -> PostalEntry {
    let credential = key.public();
    let message = match status {
        PostalStatus::Counted => postal_message(&fingerprint, &credential, &choices),
        PostalStatus::VoidUsedOnline => postal_void_message(&fingerprint, &credential),
    };
    PostalEntry {
        batch,
        credential,
        choices: choices.into(),
        status,
        signature: key.sign(&message),
    }
}

/// The standard story (as in v1): a re-vote, a void slip, a counted slip,
/// an abstainer, a revoked credential; the chair's tie goes to the lot.
pub fn election() -> (Record, BoxKey, Vec<Receipt>) {
    let mut e = Box2::open();
    e.cast(ANNA, &[single(2), yes_no(YesNoVote::No)]);
    e.cast(BEN, &[single(2), yes_no(YesNoVote::Yes)]);
    e.cast(ANNA, &[single(1), yes_no(YesNoVote::Yes)]);
    e.cast(DAVID, &[single(1), yes_no(YesNoVote::Abstain)]);
    e.postal(BEN, 1, vec![], PostalStatus::VoidUsedOnline);
    e.postal(
        CARLA,
        1,
        vec![single(2), yes_no(YesNoVote::No)],
        PostalStatus::Counted,
    );
    e.publish()
}

/// A dishonest server holding the box key re-signs what it changed.
pub fn resign(mut record: Record, key: &BoxKey) -> Record {
    record.sign(key);
    record
}

/// The name of an error's variant, as in the vector index.
pub fn variant(error: &RecordError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A non-canonical encoding (y + p ≥ p) of a curve point of large order,
/// which `VerifyingKey::from_bytes` accepts.
fn non_canonical_point() -> PublicCredential {
    for y in 2u8..19 {
        let mut canonical = [0u8; 32];
        canonical[0] = y;
        if !PublicCredential(canonical).is_canonical_point() {
            continue;
        }
        let mut shifted = [0xffu8; 32];
        shifted[0] = 0xed + y;
        shifted[31] = 0x7f;
        return PublicCredential(shifted);
    }
    panic!("no small y on the curve")
}

/// One invalid variant: a name, why, and the tampered record.
pub struct Variant {
    pub name: &'static str,
    pub reason: &'static str,
    pub record: Record,
}

/// The invalid variants of the valid record, each re-signed by the box key
/// unless the signature is what is wrong, and the error each must give.
pub fn invalid_variants() -> Vec<(Variant, &'static str)> {
    let (valid, box_key, _) = election();
    let fingerprint = valid.fingerprint;
    let mut out = Vec::new();
    let mut add = |name, reason, expected, record: Record| {
        out.push((
            Variant {
                name,
                reason,
                record,
            },
            expected,
        ))
    };

    let mut r = valid.clone();
    let inserted = PostalEntry {
        batch: 1,
        credential: key(FRANK).public(),
        choices: vec![single(1), yes_no(YesNoVote::Yes)].into(),
        status: PostalStatus::Counted,
        signature: box_key.sign(b"not the slip's credential"),
    };
    r.postal.push(inserted);
    r.postal.sort_by_key(|entry| entry.credential);
    for act in &mut r.officer_acts {
        if act.act == ActKind::EnterPostalVotes {
            act.count = Some(3);
        }
    }
    r.results = count_unchecked(&r);
    add(
        "postal_inserted_unsigned",
        "a counted postal vote inserted for a credential that never voted, without its credential's signature (the audit's attack on postal_votes)",
        "PostalSignature",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.lot_seed = [8; 32];
    add(
        "lot_seed_changed",
        "the revealed lot seed is not the one committed in the election object at opening",
        "LotCommitment",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.credentials.push(CredentialEntry {
        credential: non_canonical_point(),
        origin: CredentialOrigin::Server,
        revoked: false,
    });
    r.credentials.sort_by_key(|entry| entry.credential);
    r.electorate.credentials_issued += 1;
    add(
        "credential_not_canonical",
        "a credential encoded with y >= p (non-canonical, though ed25519-dalek's from_bytes accepts it)",
        "InvalidCredential",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    if let Some(last) = r.officer_acts.last_mut() {
        last.at = "2099-13-45T25:61:61Z".into();
    }
    add(
        "act_time_not_a_date",
        "an act time with month 13, day 45, hour 25",
        "ActTime",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.officer_acts[0].confirmed_by = Some("officer-1".into());
    add(
        "open_by_one_officer",
        "the open act confirmed by the officer who requested it",
        "ActUnconfirmed",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    for act in &mut r.officer_acts {
        if act.act == ActKind::Close {
            act.count = Some(3);
        }
    }
    add(
        "cast_after_close",
        "the chain has a ballot beyond the length stated when the ballot closed",
        "CastAfterClose",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.postal.push(postal_entry(
        fingerprint,
        &key(FRANK),
        2,
        vec![single(1), yes_no(YesNoVote::Yes)],
        PostalStatus::Counted,
    ));
    r.postal.sort_by_key(|entry| entry.credential);
    add(
        "postal_batch_unconfirmed",
        "a correctly signed postal entry of a batch no enter_postal_votes act confirmed",
        "PostalUnknownBatch",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    let issue = r.officer_acts.remove(1);
    r.officer_acts.insert(
        0,
        OfficerAct {
            at: "2026-05-01T09:00:00Z".into(),
            ..issue
        },
    );
    add(
        "letters_before_open",
        "a letter run (issue_credentials) before the ballot opened",
        "ActOrder",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.officer_acts.retain(|act| act.act != ActKind::Publish);
    add(
        "no_publish_act",
        "the acts end with tally: the record was not published by two officers",
        "ActsIncomplete",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.fingerprint[0] ^= 1;
    add(
        "fingerprint_wrong",
        "the stated fingerprint is not the SHA-256 of the election object",
        "FingerprintMismatch",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    let hash = r.record_hash();
    let mut v1_message = b"votum-record-v1\0".to_vec();
    v1_message.extend_from_slice(&hash);
    r.signature = Some(box_key.sign(&v1_message));
    add(
        "record_signed_with_v1_tag",
        "the record signature uses version 1's domain tag and no fingerprint",
        "RecordSignature",
        r,
    );

    let mut r = valid.clone();
    let message = record_message(&[0; 32], &r.record_hash());
    r.signature = Some(box_key.sign(&message));
    add(
        "record_signed_for_another_election",
        "the record signature covers another fingerprint",
        "RecordSignature",
        r,
    );

    let mut r = valid.clone();
    let first = &mut r.ballots[0];
    let v1 = votum_crypto::ballot_box::cast_message(BALLOT_ID, &first.credential, &first.choices);
    first.signature = key(ANNA).sign(&v1);
    add(
        "ballot_signed_under_v1",
        "a ballot signed over the version 1 cast message (no fingerprint)",
        "BadBallotSignature",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.election.protocol = "mixnet".into();
    r.fingerprint = r.election.fingerprint();
    add(
        "protocol_unknown",
        "a protocol this verifier does not implement",
        "UnsupportedProtocol",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.credentials[0].origin = CredentialOrigin::Authority;
    add(
        "credential_origin_not_allowed",
        "a credential of origin authority in an election that allows only server",
        "CredentialOrigin",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    if let votum_ballots::Outcome::YesNo(result) = &mut r.results[1].outcome {
        result.yes += 1;
    }
    add(
        "result_changed",
        "a stated count differs from the recount",
        "ResultMismatch",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    r.election.credential_origins = vec![];
    r.fingerprint = r.election.fingerprint();
    add(
        "credential_origins_empty",
        "the election object allows no credential origin",
        "BadCredentialOrigins",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    for act in &mut r.officer_acts {
        if act.act == ActKind::Tally {
            act.count = Some(0);
        }
    }
    add(
        "tally_with_count",
        "a count on an act that states none (tally)",
        "ActFields",
        resign(r, &box_key),
    );

    let mut r = valid.clone();
    for act in &mut r.officer_acts {
        if act.act == ActKind::EnterPostalVotes {
            act.count = Some(1);
        }
    }
    add(
        "postal_batch_count_wrong",
        "the confirmed batch states 1 entry, the record has 2 naming it",
        "BatchCount",
        resign(r, &box_key),
    );

    let mut r = valid;
    r.officer_acts[1].count = Some(4);
    add(
        "credentials_not_accounted",
        "the acts made more credentials than are listed",
        "CredentialTotal",
        resign(r, &box_key),
    );
    out
}

/// Results recounted ignoring signatures, so a tampered record states what
/// its own (bad) entries would give and only the check under test fails.
fn count_unchecked(record: &Record) -> Vec<votum_ballots::QuestionResult> {
    let mut copy = record.clone();
    for entry in &mut copy.postal {
        if entry.batch == 1 && entry.credential == key(FRANK).public() {
            *entry = postal_entry(
                copy.fingerprint,
                &key(FRANK),
                1,
                match &entry.choices {
                    v2::PostalChoices::Plain(choices) => choices.clone(),
                    v2::PostalChoices::Encrypted(_) => unreachable!("a signed record"),
                },
                entry.status,
            );
        }
    }
    v2::count(&copy).unwrap()
}

#[test]
fn an_honest_v2_election_verifies() {
    let (record, _, receipts) = election();
    let text = record.to_json();
    let AnyRecord::V2(read) = read(text.as_bytes()).unwrap() else {
        panic!("not read as version 2");
    };
    let verified = v2::verify(&read).unwrap();
    assert_eq!(verified.ballots_in_chain, 4);
    assert_eq!(verified.counted_online, 3);
    assert_eq!(verified.counted_postal, 1);
    assert_eq!(verified.void_postal, 1);
    for (position, receipt) in receipts.iter().enumerate() {
        assert_eq!(
            v2::verify_receipt(&read, receipt).unwrap().position,
            position as u64
        );
    }
    // The chair's tie (2 : 2) went to the lot of the committed seed.
    assert!(!verified.results[0].ties().is_empty());
}

#[test]
fn every_invalid_variant_fails_with_its_error() {
    for (variant_, expected) in invalid_variants() {
        let text = variant_.record.to_json();
        let record = Record::from_json(text.as_bytes()).unwrap();
        let error = v2::verify(&record).expect_err(variant_.name);
        assert_eq!(variant(&error), expected, "{}: {error}", variant_.name);
    }
}

#[test]
fn a_v1_record_is_still_read_and_verified_by_the_v1_rules() {
    let (record, _, _) = super::record::election();
    let AnyRecord::V1(read) = read(record.to_json().as_bytes()).unwrap() else {
        panic!("not read as version 1");
    };
    votum_ballots::record::verify(&read).unwrap();
}

#[test]
fn receipts_name_their_election() {
    let (record, key, receipts) = election();
    let mut other = receipts[1].clone();
    other.fingerprint = [1; 32];
    assert_eq!(
        v2::verify_receipt(&record, &other),
        Err(RecordError::ReceiptFingerprint)
    );
    let mut moved = receipts[1].clone();
    moved.position = 2;
    let moved = Receipt::issue(
        &key,
        BALLOT_ID,
        moved.fingerprint,
        moved.ballot_hash,
        2,
        moved.chain_head,
    );
    assert_eq!(
        v2::verify_receipt(&record, &moved),
        Err(RecordError::ReceiptHash { position: 2 })
    );
    let mut forged = receipts[0].clone();
    forged.signature.0[3] ^= 1;
    assert_eq!(
        v2::verify_receipt(&record, &forged),
        Err(RecordError::ReceiptSignature)
    );
    let mut elsewhere = receipts[0].clone();
    elsewhere.ballot_id = "b-other".into();
    assert_eq!(
        v2::verify_receipt(&record, &elsewhere),
        Err(RecordError::ReceiptBallot)
    );
    let mut beyond = receipts[0].clone();
    beyond.position = 9;
    let beyond = Receipt::issue(
        &key,
        BALLOT_ID,
        beyond.fingerprint,
        beyond.ballot_hash,
        9,
        beyond.chain_head,
    );
    assert_eq!(
        v2::verify_receipt(&record, &beyond),
        Err(RecordError::ReceiptPosition { position: 9 })
    );
}

#[test]
fn every_flipped_bit_of_a_v2_record_is_detected() {
    let (record, _, _) = election();
    let text = record.to_json().into_bytes();
    let step = 7;
    for index in (0..text.len()).step_by(step) {
        for bit in [0u8, 5] {
            let mut flipped = text.clone();
            flipped[index] ^= 1 << bit;
            let ok = match read(&flipped) {
                Ok(AnyRecord::V2(record)) => v2::verify(&record).is_ok(),
                Ok(AnyRecord::V1(_)) | Err(_) => false,
            };
            assert!(!ok, "bit {bit} of byte {index} flipped and still valid");
        }
    }
}

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v2")
}

/// Every vector file and the index, as generated now.
fn generated_vectors() -> Vec<(String, String)> {
    let (record, _, receipts) = election();
    let mut files = vec![("valid.json".to_owned(), record.to_json() + "\n")];
    let mut index = vec![json!({
        "file": "valid.json",
        "valid": true,
        "error": null,
        "reason": "a re-vote, a void and a counted postal vote in one confirmed batch, a revoked credential, a tie decided by the committed lot",
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
    for (variant_, expected) in invalid_variants() {
        let file = format!("invalid-{}.json", variant_.name);
        files.push((file.clone(), variant_.record.to_json() + "\n"));
        index.push(json!({
            "file": file,
            "valid": false,
            "error": expected,
            "reason": variant_.reason,
        }));
    }
    let index = json!({
        "format": "votum-record-vectors",
        "record_version": 2,
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
    // And the files say what the index says, read back from disk.
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
        let outcome = match read(&bytes).unwrap() {
            AnyRecord::V2(record) => v2::verify(&record).map(|_| ()),
            AnyRecord::V1(_) => panic!("{file} is not version 2"),
        };
        match entry["error"].as_str() {
            None => outcome.unwrap(),
            Some(expected) => assert_eq!(variant(&outcome.unwrap_err()), expected, "{file}"),
        }
    }
}
