//! The verifier: recomputes everything in a record (§7 of the
//! specification) and compares it with what the record states.

use super::{
    check_cast, signed_message, ActKind, CredentialEntry, ElectionRecord, PostalStatus,
    RecordError, FORMAT, VERSION,
};
use crate::choice::Choice;
use crate::question::OptionId;
use crate::record::canonical::to_canonical;
use crate::result::QuestionResult;
use crate::tie::TieBreaker;
use std::collections::{BTreeMap, HashMap};
use votum_crypto::ballot_box::{ballot_hash, cast_message, chain_genesis, chain_next, lot_order};
use votum_crypto::credential::PublicCredential;
use votum_crypto::Receipt;

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedResult {
    /// The ballot id.
    pub ballot_id: String,
    /// SHA-256 of the record's canonical form without signature.
    pub record_hash: [u8; 32],
    /// The chain head, recomputed.
    pub chain_head: [u8; 32],
    /// Ballots in the chain.
    pub ballots_in_chain: u64,
    /// Online ballots counted (one per credential that voted online).
    pub counted_online: u64,
    /// Online ballots replaced by a later ballot of the same credential.
    pub superseded_online: u64,
    /// Postal votes counted.
    pub counted_postal: u64,
    /// Postal votes void because the credential voted online.
    pub void_postal: u64,
    /// The recounted results, equal to the stated ones.
    pub results: Vec<QuestionResult>,
    /// Under record version 2 protocol "encrypted": what the proofs and
    /// the decryption established.
    pub encrypted: Option<crate::record::v2::EncryptedSummary>,
}

/// Verifies a record completely: signature, definitions, credentials, every
/// ballot, the chain, postal votes, officer acts, and the results by
/// recount. Returns the first failure found, in the order of §7.
pub fn verify(record: &ElectionRecord) -> Result<VerifiedResult, RecordError> {
    if record.format != FORMAT || record.version != VERSION {
        return Err(RecordError::UnsupportedFormat {
            format: record.format.clone(),
            version: record.version,
        });
    }
    let record_hash = record.record_hash();
    let signed = record.signature.as_ref().is_some_and(|signature| {
        record
            .box_key
            .verify(&signed_message(&record_hash), signature)
    });
    if !signed {
        return Err(RecordError::RecordSignature);
    }
    check_definition(record)?;
    let revoked = check_credentials(record)?;
    let online = check_ballots(record)?;
    let postal = check_postal(record, &online)?;
    check_acts(record, revoked)?;
    let results = recount(record, &online, &postal.counted)?;
    Ok(VerifiedResult {
        ballot_id: record.ballot.id.clone(),
        record_hash,
        chain_head: online.head,
        ballots_in_chain: crate::to_u64(record.ballots.len()),
        counted_online: crate::to_u64(online.counted.len()),
        superseded_online: crate::to_u64(record.ballots.len() - online.counted.len()),
        counted_postal: crate::to_u64(postal.counted.len()),
        void_postal: postal.void,
        results,
        encrypted: None,
    })
}

/// Checks a voter's receipt against a record (§4.4): the receipt is for this
/// ballot, signed by the record's box key, and the ballot at its position
/// has its hash, with the recomputed chain up to there ending in its head.
pub fn verify_receipt(record: &ElectionRecord, receipt: &Receipt) -> Result<(), RecordError> {
    let id = &record.ballot.id;
    if receipt.ballot_id != *id {
        return Err(RecordError::ReceiptBallot);
    }
    if !receipt.verify(&record.box_key) {
        return Err(RecordError::ReceiptSignature);
    }
    let position = receipt.position;
    let end = usize::try_from(position)
        .ok()
        .filter(|&p| p < record.ballots.len())
        .ok_or(RecordError::ReceiptPosition { position })?;
    let mut chain = chain_genesis(id);
    for (index, entry) in record.ballots.iter().enumerate().take(end + 1) {
        let hash = ballot_hash(id, &entry.credential, &entry.choices, &entry.signature);
        chain = chain_next(&chain, &hash);
        if index == end {
            if hash != receipt.ballot_hash {
                return Err(RecordError::ReceiptHash { position });
            }
            if chain != receipt.chain_head {
                return Err(RecordError::ReceiptChain { position });
            }
        }
    }
    Ok(())
}

fn check_definition(record: &ElectionRecord) -> Result<(), RecordError> {
    let id = &record.ballot.id;
    if id.is_empty() || id.contains('\0') {
        return Err(RecordError::BadBallotId);
    }
    for (question, definition) in record.ballot.questions.iter().enumerate() {
        definition
            .check()
            .map_err(|error| RecordError::BadQuestion { question, error })?;
    }
    Ok(())
}

/// Checks the credential list; returns the number of revoked credentials.
fn check_credentials(record: &ElectionRecord) -> Result<u64, RecordError> {
    let list = &record.credentials;
    for (index, pair) in list.windows(2).enumerate() {
        if let [a, b] = pair {
            if a.credential >= b.credential {
                return Err(RecordError::CredentialsNotSorted { index: index + 1 });
            }
        }
    }
    let not_points = in_parallel(list, |entry| entry.credential.is_point());
    if let Some(index) = not_points.iter().position(|is_point| !is_point) {
        return Err(RecordError::InvalidCredential { index });
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

/// A credential's entry in the (sorted, checked) list.
fn find<'a>(
    record: &'a ElectionRecord,
    credential: &PublicCredential,
) -> Option<&'a CredentialEntry> {
    let list = &record.credentials;
    list.binary_search_by(|entry| entry.credential.cmp(credential))
        .ok()
        .and_then(|index| list.get(index))
}

/// The online ballots that count, by credential: (position, choices).
struct Online {
    counted: BTreeMap<PublicCredential, (u64, Vec<Choice>)>,
    head: [u8; 32],
}

/// `check` applied to every item, in order, on every core. Signatures,
/// point decompression and choice parsing dominate the cost of verifying a
/// record (a few hundred thousand ballots); they are independent per item,
/// so they run here, and the checks that depend on order stay sequential.
pub(crate) fn in_parallel<T: Sync, R: Send>(items: &[T], check: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 16);
    let chunk = items.len().div_ceil(threads).max(1);
    let check = &check;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(check).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(results) => results,
                // The checks are total functions; a panic is a bug worth
                // propagating, not a verification result.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// What can be checked of one ballot on its own.
struct BallotCheck {
    choices: Result<Vec<Choice>, crate::record::CastError>,
    signed: bool,
    hash: [u8; 32],
}

fn check_ballots(record: &ElectionRecord) -> Result<Online, RecordError> {
    let id = &record.ballot.id;
    let checks = in_parallel(&record.ballots, |entry| BallotCheck {
        choices: check_cast(&record.ballot, &entry.choices),
        signed: entry.credential.verify(
            &cast_message(id, &entry.credential, &entry.choices),
            &entry.signature,
        ),
        hash: ballot_hash(id, &entry.credential, &entry.choices, &entry.signature),
    });
    let mut chain = chain_genesis(id);
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
        let hash = check.hash;
        if hash != entry.hash {
            return Err(RecordError::BallotHashMismatch { position });
        }
        if let Some(first) = seen.insert(hash, position) {
            return Err(RecordError::ReplayedBallot { position, first });
        }
        chain = chain_next(&chain, &hash);
        if chain != entry.chain {
            return Err(RecordError::ChainMismatch { position });
        }
        let earlier = counted.insert(entry.credential, (position, choices));
        if let Some((first, _)) = earlier {
            if !record.ballot.revoting {
                return Err(RecordError::DuplicateBallot { position, first });
            }
        }
    }
    if chain != record.chain_head {
        return Err(RecordError::ChainHeadMismatch);
    }
    Ok(Online {
        counted,
        head: chain,
    })
}

/// Counted postal choices in list order, and the number of void ones.
struct Postal<'a> {
    counted: Vec<&'a [Choice]>,
    void: u64,
}

fn check_postal<'a>(
    record: &'a ElectionRecord,
    online: &Online,
) -> Result<Postal<'a>, RecordError> {
    let mut postal = Postal {
        counted: Vec::new(),
        void: 0,
    };
    let mut previous: Option<&PublicCredential> = None;
    for (index, vote) in record.postal.iter().enumerate() {
        if previous.is_some_and(|p| *p >= vote.credential) {
            return Err(RecordError::PostalNotSorted { index });
        }
        previous = Some(&vote.credential);
        match find(record, &vote.credential) {
            None => return Err(RecordError::PostalUnknownCredential { index }),
            Some(listed) if listed.revoked => {
                return Err(RecordError::PostalRevokedCredential { index })
            }
            Some(_) => {}
        }
        let voted_online = online.counted.contains_key(&vote.credential);
        match vote.status {
            PostalStatus::Counted => {
                if vote.choices.len() != record.ballot.questions.len() {
                    return Err(RecordError::PostalChoiceCount { index });
                }
                if voted_online {
                    return Err(RecordError::PostalAndOnline { index });
                }
                postal.counted.push(&vote.choices);
            }
            PostalStatus::VoidUsedOnline => {
                if !vote.choices.is_empty() {
                    return Err(RecordError::PostalChoiceCount { index });
                }
                if !voted_online {
                    return Err(RecordError::PostalVoidWithoutOnline { index });
                }
                postal.void += 1;
            }
        }
    }
    Ok(postal)
}

fn check_acts(record: &ElectionRecord, revoked: u64) -> Result<(), RecordError> {
    let mut previous: Option<&str> = None;
    let mut reissue_acts = 0u64;
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
        if act.act == ActKind::ReissueCredential {
            reissue_acts += 1;
        }
    }
    for required in [ActKind::Open, ActKind::Close, ActKind::Tally] {
        if !record.officer_acts.iter().any(|a| a.act == required) {
            return Err(RecordError::MissingAct { act: required });
        }
    }
    if reissue_acts != revoked {
        return Err(RecordError::RevocationCount {
            revoked,
            reissue_acts,
        });
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ` with digits where digits belong. (Calendar
/// validity is not checked; the order of acts is what matters.)
fn is_utc_time(text: &str) -> bool {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    text.len() == SHAPE.len()
        && text.bytes().zip(SHAPE.iter()).all(|(c, &s)| match s {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        })
}

/// The tie-break lot of a question's options under the record's seed
/// (§6): [`lot_order`] of the option ids.
pub fn lot_for(seed: &[u8], ids: &[OptionId]) -> TieBreaker {
    let raw: Vec<u32> = ids.iter().map(|id| id.0).collect();
    TieBreaker::from_order(lot_order(seed, &raw).into_iter().map(OptionId).collect())
}

/// Checks the parts of a record that decide what counts (definition,
/// credentials, ballots, chain, postal votes) and counts them, as [`verify`]
/// does, but without the record signature, the officer acts or the stated
/// results. The server uses it to fill [`ElectionRecord::results`] before
/// signing, so what it publishes is exactly what verifiers recompute.
pub fn count(record: &ElectionRecord) -> Result<Vec<QuestionResult>, RecordError> {
    check_definition(record)?;
    check_credentials(record)?;
    let online = check_ballots(record)?;
    let postal = check_postal(record, &online)?;
    Ok(tally_all(record, &online, &postal.counted))
}

fn tally_all(
    record: &ElectionRecord,
    online: &Online,
    postal: &[&[Choice]],
) -> Vec<QuestionResult> {
    // Online ballots in chain order, then postal votes in list order.
    let mut online_votes: Vec<&(u64, Vec<Choice>)> = online.counted.values().collect();
    online_votes.sort_by_key(|(position, _)| *position);
    let votes: Vec<&[Choice]> = online_votes
        .iter()
        .map(|(_, choices)| choices.as_slice())
        .chain(postal.iter().copied())
        .collect();
    record
        .ballot
        .questions
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let choices: Vec<Choice> = votes
                .iter()
                .filter_map(|choices| choices.get(index).cloned())
                .collect();
            let lot = lot_for(&record.lot_seed, &question.option_ids());
            crate::tally(question, record.electorate.size, &choices, &lot)
        })
        .collect()
}

fn recount(
    record: &ElectionRecord,
    online: &Online,
    postal: &[&[Choice]],
) -> Result<Vec<QuestionResult>, RecordError> {
    let expected = record.ballot.questions.len();
    if record.results.len() != expected {
        return Err(RecordError::ResultCount {
            expected,
            found: record.results.len(),
        });
    }
    let results = tally_all(record, online, postal);
    for (question, (recounted, stated)) in results.iter().zip(&record.results).enumerate() {
        if to_canonical(recounted) != to_canonical(stated) {
            return Err(RecordError::ResultMismatch { question });
        }
    }
    Ok(results)
}
