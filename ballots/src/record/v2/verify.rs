//! The version 2 verifier: recomputes everything in a record and compares
//! it with what the record states, in the order of the specification's
//! "Version 2: verification, step by step", naming the first failure.

use super::messages::{
    ballot_hash, cast_message, chain_genesis, chain_next, lot_commitment, lot_order,
    postal_message, postal_void_message, record_message, Receipt,
};
use super::time::is_utc_time;
use super::{
    ActKind, PostalChoices, PostalEntry, Record, PROTOCOL_ENCRYPTED, PROTOCOL_SIGNED, VERSION,
};
use crate::choice::Choice;
use crate::record::canonical::to_canonical;
use crate::record::v1::verify::in_parallel;
use crate::record::v1::{
    check_cast, BallotDefinition, CredentialEntry, CredentialOrigin, PostalStatus, FORMAT,
};
use crate::record::{RecordError, VerifiedResult};
use crate::result::QuestionResult;
use std::collections::{BTreeMap, HashMap};
use votum_crypto::credential::PublicCredential;

/// Verifies a version 2 record completely; returns the first failure.
pub fn verify(record: &Record) -> Result<VerifiedResult, RecordError> {
    if record.election.protocol == PROTOCOL_ENCRYPTED {
        return super::tally::verify_in_memory(record);
    }
    let fingerprint = check_head(record)?;
    let record_hash = record.record_hash();
    check_signature(record, &fingerprint, &record_hash)?;
    let counted = check_counted_parts(record, &fingerprint)?;
    let ballots = crate::to_u64(record.ballots.len());
    check_acts(record, ballots, &counted.batches, counted.revoked)?;
    let results = recount(record, &counted)?;
    Ok(VerifiedResult {
        ballot_id: record.election.ballot_id.clone(),
        record_hash,
        chain_head: record.chain_head,
        ballots_in_chain: crate::to_u64(record.ballots.len()),
        counted_online: crate::to_u64(counted.online.len()),
        superseded_online: crate::to_u64(record.ballots.len() - counted.online.len()),
        counted_postal: crate::to_u64(counted.postal.len()),
        void_postal: counted.void_postal,
        results,
        encrypted: None,
    })
}

/// The record signature (V2.9) over `record_hash`.
pub(super) fn check_signature(
    record: &Record,
    fingerprint: &[u8; 32],
    record_hash: &[u8; 32],
) -> Result<(), RecordError> {
    let signed = record.signature.as_ref().is_some_and(|signature| {
        record
            .election
            .box_key
            .verify(&record_message(fingerprint, record_hash), signature)
    });
    if signed {
        Ok(())
    } else {
        Err(RecordError::RecordSignature)
    }
}

/// Checks the parts that decide what counts and counts them, without the
/// record signature, the acts or the stated results: the server fills the
/// results with it before signing.
pub fn count(record: &Record) -> Result<Vec<QuestionResult>, RecordError> {
    if record.election.protocol == PROTOCOL_ENCRYPTED {
        return super::tally::count_in_memory(record);
    }
    let fingerprint = check_head(record)?;
    let counted = check_counted_parts(record, &fingerprint)?;
    Ok(tally_all(record, &counted))
}

/// What a receipt check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptCheck {
    /// The receipted ballot's place in the chain.
    pub position: u64,
}

/// Checks a voter's receipt against a record: same election (fingerprint
/// and ballot id), signed by the record's box key, and the ballot at its
/// position has its hash, with the recomputed chain up to there ending in
/// its head.
pub fn verify_receipt(record: &Record, receipt: &Receipt) -> Result<ReceiptCheck, RecordError> {
    let fingerprint = record.election.fingerprint();
    let ballots = crate::to_u64(record.ballots.len());
    verify_receipt_with(record, receipt, ballots, |end| {
        let mut chain = chain_genesis(&fingerprint);
        let mut last = None;
        for entry in record.ballots.iter().take(end + 1) {
            let hash = ballot_hash(
                &fingerprint,
                &entry.credential,
                &entry.choices,
                &entry.signature,
            );
            chain = chain_next(&chain, &hash);
            last = Some((hash, chain));
        }
        last
    })
}

/// [`verify_receipt`] for a record whose ballots are not in memory: `at`
/// gives the recomputed (ballot hash, chain value) at a position below
/// `ballots`, the number of ballots in the chain.
pub fn verify_receipt_with(
    record: &Record,
    receipt: &Receipt,
    ballots: u64,
    at: impl Fn(usize) -> Option<([u8; 32], [u8; 32])>,
) -> Result<ReceiptCheck, RecordError> {
    let fingerprint = record.election.fingerprint();
    if receipt.ballot_id != record.election.ballot_id {
        return Err(RecordError::ReceiptBallot);
    }
    if receipt.fingerprint != fingerprint {
        return Err(RecordError::ReceiptFingerprint);
    }
    if !receipt.verify(&record.election.box_key) {
        return Err(RecordError::ReceiptSignature);
    }
    let position = receipt.position;
    let (hash, chain) = usize::try_from(position)
        .ok()
        .filter(|_| position < ballots)
        .and_then(at)
        .ok_or(RecordError::ReceiptPosition { position })?;
    if hash != receipt.ballot_hash {
        return Err(RecordError::ReceiptHash { position });
    }
    if chain != receipt.chain_head {
        return Err(RecordError::ReceiptChain { position });
    }
    Ok(ReceiptCheck { position })
}

/// Format, version, protocol, fingerprint; returns the fingerprint.
pub(super) fn check_head(record: &Record) -> Result<[u8; 32], RecordError> {
    if record.format != FORMAT || record.version != VERSION {
        return Err(RecordError::UnsupportedFormat {
            format: record.format.clone(),
            version: record.version,
        });
    }
    if record.election.protocol != PROTOCOL_SIGNED && record.election.protocol != PROTOCOL_ENCRYPTED
    {
        return Err(RecordError::UnsupportedProtocol {
            protocol: record.election.protocol.clone(),
        });
    }
    let fingerprint = record.election.fingerprint();
    if fingerprint != record.fingerprint {
        return Err(RecordError::FingerprintMismatch);
    }
    Ok(fingerprint)
}

/// The online ballots and postal entries that count.
struct Counted<'a> {
    /// By credential: (position, choices) of its last ballot.
    online: BTreeMap<PublicCredential, (u64, Vec<Choice>)>,
    /// Counted postal choices, in list order.
    postal: Vec<&'a [Choice]>,
    void_postal: u64,
    /// Entries per batch number, and the first entry of each batch.
    batches: BTreeMap<u64, (u64, usize)>,
    revoked: u64,
}

fn origin_name(origin: CredentialOrigin) -> &'static str {
    match origin {
        CredentialOrigin::Server => "server",
        CredentialOrigin::Authority => "authority",
    }
}

fn check_counted_parts<'a>(
    record: &'a Record,
    fingerprint: &[u8; 32],
) -> Result<Counted<'a>, RecordError> {
    check_election(record)?;
    let revoked = check_credentials(record)?;
    let online = check_ballots(record, fingerprint)?;
    let mut counted = check_postal(record, fingerprint, online)?;
    counted.revoked = revoked;
    Ok(counted)
}

/// Ballot id, questions, credential origins, lot commitment (V2.13 step 3),
/// and under protocol "encrypted" the trustees (the `trustees` member is
/// there exactly under "encrypted").
pub(super) fn check_election(record: &Record) -> Result<(), RecordError> {
    let election = &record.election;
    let id = &election.ballot_id;
    if id.is_empty() || id.contains('\0') {
        return Err(RecordError::BadBallotId);
    }
    for (question, definition) in election.questions.iter().enumerate() {
        definition
            .check()
            .map_err(|error| RecordError::BadQuestion { question, error })?;
    }
    let origins = &election.credential_origins;
    let sorted = origins
        .windows(2)
        .all(|pair| matches!(pair, [a, b] if origin_name(*a) < origin_name(*b)));
    if origins.is_empty() || !sorted {
        return Err(RecordError::BadCredentialOrigins);
    }
    if lot_commitment(&record.lot_seed) != election.lot_commitment {
        return Err(RecordError::LotCommitment);
    }
    let encrypted = election.protocol == PROTOCOL_ENCRYPTED;
    if election.trustees.is_some() != encrypted {
        return Err(RecordError::TrusteesMember);
    }
    if encrypted {
        super::tally::check_trustees(record)?;
    }
    Ok(())
}

pub(super) fn check_credentials(record: &Record) -> Result<u64, RecordError> {
    let list = &record.credentials;
    for (index, pair) in list.windows(2).enumerate() {
        if let [a, b] = pair {
            if a.credential >= b.credential {
                return Err(RecordError::CredentialsNotSorted { index: index + 1 });
            }
        }
    }
    let canonical = in_parallel(list, |entry| entry.credential.is_canonical_point());
    if let Some(index) = canonical.iter().position(|ok| !ok) {
        return Err(RecordError::InvalidCredential { index });
    }
    if let Some(index) = list
        .iter()
        .position(|entry| !record.election.credential_origins.contains(&entry.origin))
    {
        return Err(RecordError::CredentialOrigin { index });
    }
    let listed = crate::to_u64(list.len());
    if record.electorate.credentials_issued != listed {
        return Err(RecordError::CredentialCountMismatch {
            stated: record.electorate.credentials_issued,
            listed,
        });
    }
    let revoked = crate::to_u64(list.iter().filter(|c| c.revoked).count());
    let active = listed - revoked;
    if active > record.electorate.size {
        return Err(RecordError::TooManyCredentials {
            active,
            electorate: record.electorate.size,
        });
    }
    Ok(revoked)
}

pub(super) fn find<'a>(
    record: &'a Record,
    credential: &PublicCredential,
) -> Option<&'a CredentialEntry> {
    let list = &record.credentials;
    list.binary_search_by(|entry| entry.credential.cmp(credential))
        .ok()
        .and_then(|index| list.get(index))
}

/// The rules every postal entry obeys under both protocols (V2.7), in
/// this order: sorted by credential (one entry each), credential listed
/// and not revoked, signed by it (`signed`, checked beforehand in
/// parallel).
pub(super) fn check_postal_entry<'a>(
    record: &Record,
    index: usize,
    entry: &'a PostalEntry,
    previous: &mut Option<&'a PublicCredential>,
    signed: bool,
) -> Result<(), RecordError> {
    if previous.is_some_and(|p| *p >= entry.credential) {
        return Err(RecordError::PostalNotSorted { index });
    }
    *previous = Some(&entry.credential);
    match find(record, &entry.credential) {
        None => return Err(RecordError::PostalUnknownCredential { index }),
        Some(listed) if listed.revoked => {
            return Err(RecordError::PostalRevokedCredential { index })
        }
        Some(_) => {}
    }
    if !signed {
        return Err(RecordError::PostalSignature { index });
    }
    Ok(())
}

/// A void slip (V2.7, both protocols): no choices, and its credential
/// voted online.
pub(super) fn check_void_entry(
    index: usize,
    entry: &PostalEntry,
    voted_online: bool,
) -> Result<(), RecordError> {
    if !entry.choices.is_empty() {
        return Err(RecordError::PostalChoiceCount { index });
    }
    if !voted_online {
        return Err(RecordError::PostalVoidWithoutOnline { index });
    }
    Ok(())
}

struct BallotCheck {
    choices: Result<Vec<Choice>, crate::record::CastError>,
    signed: bool,
    hash: [u8; 32],
}

fn check_ballots(
    record: &Record,
    fingerprint: &[u8; 32],
) -> Result<BTreeMap<PublicCredential, (u64, Vec<Choice>)>, RecordError> {
    let definition = BallotDefinition {
        id: record.election.ballot_id.clone(),
        title: String::new(),
        questions: record.election.questions.clone(),
        revoting: record.election.revoting,
    };
    let checks = in_parallel(&record.ballots, |entry| BallotCheck {
        choices: check_cast(&definition, &entry.choices),
        signed: entry.credential.verify(
            &cast_message(fingerprint, &entry.credential, &entry.choices),
            &entry.signature,
        ),
        hash: ballot_hash(
            fingerprint,
            &entry.credential,
            &entry.choices,
            &entry.signature,
        ),
    });
    let mut chain = chain_genesis(fingerprint);
    let mut counted: BTreeMap<PublicCredential, (u64, Vec<Choice>)> = BTreeMap::new();
    let mut seen: HashMap<[u8; 32], u64> = HashMap::with_capacity(record.ballots.len());
    for (index, (entry, check)) in record.ballots.iter().zip(checks).enumerate() {
        let position = crate::to_u64(index);
        if entry.position != position {
            return Err(RecordError::PositionMismatch {
                index,
                found: entry.position,
            });
        }
        match find(record, &entry.credential) {
            None => return Err(RecordError::UnknownCredential { position }),
            Some(listed) if listed.revoked => {
                return Err(RecordError::RevokedCredential { position })
            }
            Some(_) => {}
        }
        let choices = check
            .choices
            .map_err(|error| RecordError::InvalidChoices { position, error })?;
        if !check.signed {
            return Err(RecordError::BadBallotSignature { position });
        }
        if check.hash != entry.hash {
            return Err(RecordError::BallotHashMismatch { position });
        }
        if let Some(first) = seen.insert(check.hash, position) {
            return Err(RecordError::ReplayedBallot { position, first });
        }
        chain = chain_next(&chain, &check.hash);
        if chain != entry.chain {
            return Err(RecordError::ChainMismatch { position });
        }
        if let Some((first, _)) = counted.insert(entry.credential, (position, choices)) {
            if !record.election.revoting {
                return Err(RecordError::DuplicateBallot { position, first });
            }
        }
    }
    if chain != record.chain_head {
        return Err(RecordError::ChainHeadMismatch);
    }
    Ok(counted)
}

fn check_postal<'a>(
    record: &'a Record,
    fingerprint: &[u8; 32],
    online: BTreeMap<PublicCredential, (u64, Vec<Choice>)>,
) -> Result<Counted<'a>, RecordError> {
    let signed = in_parallel(&record.postal, |entry| {
        let message = match entry.status {
            PostalStatus::Counted => match &entry.choices {
                PostalChoices::Plain(choices) => {
                    postal_message(fingerprint, &entry.credential, choices)
                }
                // Not a signed-protocol entry: refused below by its shape.
                PostalChoices::Encrypted(_) => return false,
            },
            PostalStatus::VoidUsedOnline => postal_void_message(fingerprint, &entry.credential),
        };
        entry.credential.verify(&message, &entry.signature)
    });
    let mut counted = Counted {
        online,
        postal: Vec::new(),
        void_postal: 0,
        batches: BTreeMap::new(),
        revoked: 0,
    };
    let mut previous: Option<&PublicCredential> = None;
    for (index, (entry, signed)) in record.postal.iter().zip(signed).enumerate() {
        check_postal_entry(record, index, entry, &mut previous, signed)?;
        let voted_online = counted.online.contains_key(&entry.credential);
        match entry.status {
            PostalStatus::Counted => {
                let PostalChoices::Plain(choices) = &entry.choices else {
                    return Err(RecordError::PostalChoiceCount { index });
                };
                if choices.len() != record.election.questions.len() {
                    return Err(RecordError::PostalChoiceCount { index });
                }
                if voted_online {
                    return Err(RecordError::PostalAndOnline { index });
                }
                counted.postal.push(choices);
            }
            PostalStatus::VoidUsedOnline => {
                check_void_entry(index, entry, voted_online)?;
                counted.void_postal += 1;
            }
        }
        let batch = counted.batches.entry(entry.batch).or_insert((0, index));
        batch.0 += 1;
    }
    Ok(counted)
}

/// Where the acts have brought the ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    SetUp,
    Open,
    Closed,
    Tallied,
    Published,
}

/// The order rules: in which stage an act may come, and the stage after.
fn next_stage(act: ActKind, stage: Stage) -> Option<Stage> {
    use ActKind::*;
    match (act, stage) {
        (FreezeElectorate, Stage::SetUp) => Some(Stage::SetUp),
        (ImportCredentials, Stage::SetUp | Stage::Open) => Some(stage),
        (IssueCredentials | ReissueCredential, Stage::Open) => Some(Stage::Open),
        (EnterPostalVotes, Stage::Open | Stage::Closed) => Some(stage),
        (Open, Stage::SetUp) => Some(Stage::Open),
        (Close, Stage::Open) => Some(Stage::Closed),
        (Tally, Stage::Closed) => Some(Stage::Tallied),
        (Publish, Stage::Tallied) => Some(Stage::Published),
        _ => None,
    }
}

/// The officer acts (V2.8), given the postal entries per batch (count and
/// first index) and the number of revoked credentials.
pub(super) fn check_acts(
    record: &Record,
    ballots: u64,
    batches: &BTreeMap<u64, (u64, usize)>,
    revoked: u64,
) -> Result<(), RecordError> {
    let mut stage = Stage::SetUp;
    let mut previous: Option<&str> = None;
    let mut made = 0u64;
    let mut next_batch = 1u64;
    for (index, act) in record.officer_acts.iter().enumerate() {
        let confirmed = match &act.confirmed_by {
            Some(second) => !second.is_empty() && *second != act.requested_by,
            None => !act.act.needs_two_officers(),
        };
        if act.requested_by.is_empty() || !confirmed {
            return Err(RecordError::ActUnconfirmed { index });
        }
        if !is_utc_time(&act.at) {
            return Err(RecordError::ActTime { index });
        }
        if previous.is_some_and(|p| p > act.at.as_str()) {
            return Err(RecordError::ActsOutOfOrder { index });
        }
        previous = Some(&act.at);
        stage = next_stage(act.act, stage).ok_or(RecordError::ActOrder {
            index,
            act: act.act,
        })?;
        let is_batch = act.act == ActKind::EnterPostalVotes;
        let fields_ok = act.count.is_some() == act.act.has_count()
            && act.batch.is_some() == is_batch
            && act.batch.is_none_or(|batch| batch == next_batch);
        if !fields_ok {
            return Err(RecordError::ActFields { index });
        }
        match (act.act, act.count) {
            (
                ActKind::Open
                | ActKind::IssueCredentials
                | ActKind::ImportCredentials
                | ActKind::ReissueCredential,
                Some(n),
            ) => {
                made = made.saturating_add(n);
            }
            (ActKind::Close, Some(at_close)) if at_close != ballots => {
                return Err(RecordError::CastAfterClose { at_close, ballots });
            }
            (ActKind::EnterPostalVotes, Some(stated)) => {
                let found = batches.get(&next_batch).map_or(0, |b| b.0);
                if found != stated {
                    return Err(RecordError::BatchCount {
                        batch: next_batch,
                        stated,
                        found,
                    });
                }
                next_batch += 1;
            }
            _ => {}
        }
    }
    if stage != Stage::Published {
        return Err(RecordError::ActsIncomplete);
    }
    let unconfirmed = batches
        .iter()
        .filter(|(batch, _)| !(1..next_batch).contains(*batch))
        .map(|(_, (_, first))| *first)
        .min();
    if let Some(index) = unconfirmed {
        return Err(RecordError::PostalUnknownBatch { index });
    }
    let reissue_acts = crate::to_u64(
        record
            .officer_acts
            .iter()
            .filter(|a| a.act == ActKind::ReissueCredential)
            .count(),
    );
    if reissue_acts != revoked {
        return Err(RecordError::RevocationCount {
            revoked,
            reissue_acts,
        });
    }
    let listed = crate::to_u64(record.credentials.len());
    if made != listed {
        return Err(RecordError::CredentialTotal { made, listed });
    }
    Ok(())
}

fn tally_all(record: &Record, counted: &Counted<'_>) -> Vec<QuestionResult> {
    let mut online: Vec<&(u64, Vec<Choice>)> = counted.online.values().collect();
    online.sort_by_key(|(position, _)| *position);
    let votes: Vec<&[Choice]> = online
        .iter()
        .map(|(_, choices)| choices.as_slice())
        .chain(counted.postal.iter().copied())
        .collect();
    record
        .election
        .questions
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let choices: Vec<Choice> = votes
                .iter()
                .filter_map(|choices| choices.get(index).cloned())
                .collect();
            let lot = lot_order(&record.lot_seed, &question.option_ids());
            crate::tally(question, record.electorate.size, &choices, &lot)
        })
        .collect()
}

fn recount(record: &Record, counted: &Counted<'_>) -> Result<Vec<QuestionResult>, RecordError> {
    if record.tally.is_some() {
        return Err(RecordError::TallyMember);
    }
    compare_results(record, tally_all(record, counted))
}

/// The stated results against the recomputed ones (V2.11).
pub(super) fn compare_results(
    record: &Record,
    results: Vec<QuestionResult>,
) -> Result<Vec<QuestionResult>, RecordError> {
    let expected = record.election.questions.len();
    if record.results.len() != expected {
        return Err(RecordError::ResultCount {
            expected,
            found: record.results.len(),
        });
    }
    for (question, (recounted, stated)) in results.iter().zip(&record.results).enumerate() {
        if to_canonical(recounted) != to_canonical(stated) {
            return Err(RecordError::ResultMismatch { question });
        }
    }
    Ok(results)
}
