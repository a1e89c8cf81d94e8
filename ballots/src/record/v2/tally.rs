//! The verifier of protocol `"encrypted"` (docs/election-record.md,
//! "Version 2: the record under protocol encrypted"): the trustees object,
//! the encrypted ballots and their proofs (checked in chunks, one
//! multi-scalar multiplication per 128 ballots, on every core), the
//! homomorphic sums, the partial decryptions and their combination, and
//! the results from the decrypted counts.
//!
//! The online ballots are fed in chunks ([`OnlineBallots::push`]), so a
//! caller reading a record file ([`super::stream`]) never holds more than
//! one chunk of them; what stays per ballot is its credential, hash and
//! chain value (for duplicates, replays and receipts), about 100 bytes.

use super::encrypted::question_shape;
use super::messages::{ballot_hash, cast_message, chain_genesis, chain_next, lot_order};
use super::messages::{postal_message_for, postal_void_message};
use super::verify::{
    check_acts, check_credentials, check_election, check_head, check_postal_entry, check_signature,
    check_void_entry, compare_results, find,
};
use super::{PostalChoices, Record};
use crate::counts::tally_counts;
use crate::record::v1::verify::in_parallel;
use crate::record::v1::{CastBallot, PostalStatus};
use crate::record::{RecordError, VerifiedResult};
use crate::result::QuestionResult;
use std::collections::{BTreeMap, HashMap};
use votum_crypto::ballot_batch::{verify_batch, BallotRef, BatchError, EncryptedTally};
use votum_crypto::credential::PublicCredential;
use votum_crypto::elgamal::Ciphertext;
use votum_crypto::encrypted_ballot::{ElectionParameters, EncryptedBallot};
use votum_crypto::group::{generator, Point, Scalar, SystemScalars};
use votum_crypto::threshold::decrypt::{check_partial, combine_factors, plaintexts};
use votum_crypto::threshold::files::{digest, CeremonyKeys, CiphertextPair};
use votum_crypto::threshold::MAX_TRUSTEES;

/// Ballots handed to one batch verification: 16 multi-scalar
/// multiplications of 128 ballots, spread over the cores, while a chunk of
/// record text stays a few megabytes.
pub const CHUNK: usize = 2048;

/// What the proofs and the decryption of an encrypted record established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedSummary {
    /// Online ballots whose proofs were checked (all in the chain).
    pub online_proved: u64,
    /// Counted postal entries whose proofs were checked.
    pub postal_proved: u64,
    /// Ballots in the sums (counting online ballots and counted postal).
    pub summed: u64,
    /// Digest of the tally input (what `votum trustee decrypt` prints).
    pub tally_input: [u8; 32],
    /// The threshold t.
    pub threshold: u32,
    /// All trustees (index, name).
    pub trustees: Vec<(u32, String)>,
    /// The trustees whose partial decryptions were combined (index, name).
    pub decrypted_by: Vec<(u32, String)>,
}

fn bad_trustees(reason: impl Into<String>) -> RecordError {
    RecordError::BadTrustees {
        reason: reason.into(),
    }
}

/// The keys object of an encrypted election (present: checked by
/// [`check_election`] before anything uses it).
fn keys(record: &Record) -> Result<&CeremonyKeys, RecordError> {
    record
        .election
        .trustees
        .as_ref()
        .ok_or(RecordError::TrusteesMember)
}

/// The parameters every ballot is proved against: fingerprint, the
/// trustees' public key, the questions' shapes.
fn parameters(record: &Record, fingerprint: [u8; 32]) -> Result<ElectionParameters, RecordError> {
    let keys = keys(record)?;
    let key = keys
        .election_key()
        .map_err(|e| bad_trustees(e.to_string()))?;
    let mut shapes = Vec::new();
    for (question, definition) in record.election.questions.iter().enumerate() {
        shapes.push(question_shape(definition).ok_or(RecordError::RankedEncrypted { question })?);
    }
    ElectionParameters::new(fingerprint, key, shapes).map_err(|e| bad_trustees(e.to_string()))
}

/// The trustees object (T.1 `votum-trustee-keys`) as far as it can be
/// checked without the ceremony's files: its form, 1 ≤ t ≤ n ≤ 64,
/// trustees 1 … n in order with distinct signing keys, and that Y and the
/// Y_i are one sharing of one key: Y = Σ λ_i·Y_i over the first t
/// trustees, and every further Y_j is the value at j of the polynomial
/// through the first t (so any t of them decrypt alike). No question may
/// be ranked.
pub(super) fn check_trustees(record: &Record) -> Result<(), RecordError> {
    let keys = keys(record)?;
    if keys.format != "votum-trustee-keys" || keys.version != 1 {
        return Err(bad_trustees("not a votum-trustee-keys object of version 1"));
    }
    let n = keys.trustees.len();
    let t = keys.threshold;
    if t == 0 || t as usize > n || n > MAX_TRUSTEES as usize {
        return Err(bad_trustees("not 1 ≤ threshold ≤ trustees ≤ 64"));
    }
    let identity = Point::default();
    if keys.public_key == identity {
        return Err(bad_trustees("the public key is the identity"));
    }
    for (position, entry) in keys.trustees.iter().enumerate() {
        if usize::try_from(entry.index).ok() != Some(position + 1) {
            return Err(bad_trustees("trustees are not numbered 1 … n in order"));
        }
        let chars = entry.name.chars().count();
        if !(1..=200).contains(&chars) || entry.name.chars().any(char::is_control) {
            return Err(bad_trustees(format!(
                "trustee {} has a bad name",
                entry.index
            )));
        }
        if entry.verification_key == identity {
            return Err(bad_trustees(format!(
                "trustee {} has the identity as verification key",
                entry.index
            )));
        }
        if keys
            .trustees
            .iter()
            .take(position)
            .any(|e| e.signing_key == entry.signing_key)
        {
            return Err(bad_trustees(format!(
                "trustee {} repeats a signing key",
                entry.index
            )));
        }
    }
    let base: Vec<(Scalar, Point)> = keys
        .trustees
        .iter()
        .take(t as usize)
        .map(|e| (Scalar::from(u64::from(e.index)), e.verification_key))
        .collect();
    if interpolate(&base, Scalar::ZERO) != keys.public_key {
        return Err(bad_trustees(
            "the public key is not the one the verification keys share",
        ));
    }
    for entry in keys.trustees.iter().skip(t as usize) {
        let at = Scalar::from(u64::from(entry.index));
        if interpolate(&base, at) != entry.verification_key {
            return Err(bad_trustees(format!(
                "the verification key of trustee {} is not on the sharing",
                entry.index
            )));
        }
    }
    for (question, definition) in record.election.questions.iter().enumerate() {
        if question_shape(definition).is_none() {
            return Err(RecordError::RankedEncrypted { question });
        }
    }
    parameters(record, record.fingerprint).map(|_| ())
}

/// Lagrange interpolation in the exponent: the value at `at` of the
/// polynomial through the points (x_i, P_i), distinct x_i.
fn interpolate(points: &[(Scalar, Point)], at: Scalar) -> Point {
    points
        .iter()
        .map(|(xi, pi)| {
            let mut lambda = Scalar::ONE;
            for (xj, _) in points {
                if xj != xi {
                    lambda *= (at - xj) * (xi - xj).invert();
                }
            }
            pi * lambda
        })
        .sum()
}

/// Which chain position of each credential counts (its last ballot).
pub fn last_positions<'a>(
    credentials: impl Iterator<Item = &'a PublicCredential>,
) -> HashMap<PublicCredential, u64> {
    let mut last = HashMap::new();
    for (position, credential) in credentials.enumerate() {
        last.insert(*credential, crate::to_u64(position));
    }
    last
}

/// The online ballots, checked chunk by chunk in chain order (V2.6 with
/// E.8 in place of the choice rules), their counting ones added up.
pub struct OnlineBallots<'r> {
    record: &'r Record,
    fingerprint: [u8; 32],
    params: ElectionParameters,
    last: HashMap<PublicCredential, u64>,
    position: u64,
    chain: [u8; 32],
    seen: HashMap<[u8; 32], u64>,
    voted: HashMap<PublicCredential, u64>,
    sums: EncryptedTally,
    links: Vec<([u8; 32], [u8; 32])>,
    threads: usize,
}

/// What one ballot's text gives on its own.
struct EntryCheck {
    ballot: Option<EncryptedBallot>,
    signed: bool,
    hash: [u8; 32],
}

impl<'r> OnlineBallots<'r> {
    /// Starts the check of `record`'s ballots; `last` is the counting
    /// position of every credential that voted ([`last_positions`]).
    pub(super) fn new(
        record: &'r Record,
        fingerprint: [u8; 32],
        last: HashMap<PublicCredential, u64>,
    ) -> Result<Self, RecordError> {
        let params = parameters(record, fingerprint)?;
        let sums = EncryptedTally::empty(&params);
        Ok(OnlineBallots {
            record,
            fingerprint,
            params,
            seen: HashMap::with_capacity(last.len()),
            voted: HashMap::with_capacity(last.len()),
            last,
            position: 0,
            chain: chain_genesis(&fingerprint),
            sums,
            links: Vec::new(),
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        })
    }

    /// Checks the next ballots of the chain.
    pub(super) fn push(&mut self, chunk: &[CastBallot]) -> Result<(), RecordError> {
        let fingerprint = self.fingerprint;
        let checks = in_parallel(chunk, |entry| {
            let ballot = serde_json::from_str::<EncryptedBallot>(&entry.choices)
                .ok()
                .filter(|b| b.canonical_json() == entry.choices.as_bytes());
            EntryCheck {
                ballot,
                signed: entry.credential.verify(
                    &cast_message(&fingerprint, &entry.credential, &entry.choices),
                    &entry.signature,
                ),
                hash: ballot_hash(
                    &fingerprint,
                    &entry.credential,
                    &entry.choices,
                    &entry.signature,
                ),
            }
        });
        // The proofs: counting ballots in one batch (their sum is the
        // tally's), superseded ones in another (checked, not added).
        let start = self.position;
        let mut counting = Vec::new();
        let mut superseded = Vec::new();
        for (offset, (entry, check)) in chunk.iter().zip(&checks).enumerate() {
            if let Some(ballot) = &check.ballot {
                let position = start + crate::to_u64(offset);
                let reference = (
                    offset,
                    BallotRef {
                        credential: &entry.credential,
                        ballot,
                    },
                );
                if self.last.get(&entry.credential) == Some(&position) {
                    counting.push(reference);
                } else {
                    superseded.push(reference);
                }
            }
        }
        let mut bad: BTreeMap<usize, String> = BTreeMap::new();
        for (group, adds) in [(&counting, true), (&superseded, false)] {
            let refs: Vec<BallotRef<'_>> = group.iter().map(|(_, r)| *r).collect();
            if refs.is_empty() {
                continue;
            }
            match verify_batch(&self.params, &refs, self.threads, &mut SystemScalars) {
                Ok(sum) if adds => self.sums.merge(&sum),
                Ok(_) => {}
                Err(BatchError::Invalid(found)) => {
                    for (index, error) in found {
                        if let Some((offset, _)) = group.get(index) {
                            bad.insert(*offset, error.to_string());
                        }
                    }
                }
                Err(other) => {
                    let offset = group.first().map_or(0, |(offset, _)| *offset);
                    bad.insert(offset, other.to_string());
                }
            }
        }
        for (offset, (entry, check)) in chunk.iter().zip(checks).enumerate() {
            let position = self.position;
            let index = usize::try_from(position).unwrap_or(usize::MAX);
            if entry.position != position {
                return Err(RecordError::PositionMismatch {
                    index,
                    found: entry.position,
                });
            }
            match find(self.record, &entry.credential) {
                None => return Err(RecordError::UnknownCredential { position }),
                Some(listed) if listed.revoked => {
                    return Err(RecordError::RevokedCredential { position })
                }
                Some(_) => {}
            }
            if check.ballot.is_none() {
                return Err(RecordError::BallotNotCanonical { position });
            }
            if let Some(reason) = bad.remove(&offset) {
                return Err(RecordError::BallotProof { position, reason });
            }
            if !check.signed {
                return Err(RecordError::BadBallotSignature { position });
            }
            if check.hash != entry.hash {
                return Err(RecordError::BallotHashMismatch { position });
            }
            if let Some(first) = self.seen.insert(check.hash, position) {
                return Err(RecordError::ReplayedBallot { position, first });
            }
            self.chain = chain_next(&self.chain, &check.hash);
            if self.chain != entry.chain {
                return Err(RecordError::ChainMismatch { position });
            }
            if let Some(&first) = self.voted.get(&entry.credential) {
                if !self.record.election.revoting {
                    return Err(RecordError::DuplicateBallot { position, first });
                }
            } else {
                self.voted.insert(entry.credential, position);
            }
            self.links.push((check.hash, self.chain));
            self.position += 1;
        }
        Ok(())
    }

    /// After the last chunk: the chain head.
    fn finish(self) -> Result<Online, RecordError> {
        if self.chain != self.record.chain_head {
            return Err(RecordError::ChainHeadMismatch);
        }
        Ok(Online {
            counted: self.sums.ballots,
            ballots: self.position,
            sums: self.sums,
            voted: self.voted,
            links: self.links,
            params: self.params,
        })
    }
}

/// The checked online ballots.
struct Online {
    ballots: u64,
    counted: u64,
    sums: EncryptedTally,
    voted: HashMap<PublicCredential, u64>,
    links: Vec<([u8; 32], [u8; 32])>,
    params: ElectionParameters,
}

/// The checked postal entries.
struct Postal {
    counted: u64,
    void: u64,
    batches: BTreeMap<u64, (u64, usize)>,
}

/// Postal entries (V2.7) under protocol "encrypted": a counted entry's
/// `choices` is an encrypted ballot with valid proofs for its credential,
/// added to the sums.
fn check_postal(
    record: &Record,
    fingerprint: &[u8; 32],
    online: &mut Online,
) -> Result<Postal, RecordError> {
    let signed = in_parallel(&record.postal, |entry| {
        let message = match entry.status {
            PostalStatus::Counted => {
                postal_message_for(fingerprint, &entry.credential, &entry.choices)
            }
            PostalStatus::VoidUsedOnline => postal_void_message(fingerprint, &entry.credential),
        };
        entry.credential.verify(&message, &entry.signature)
    });
    let counted_refs: Vec<(usize, BallotRef<'_>)> = record
        .postal
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match (&entry.status, &entry.choices) {
            (PostalStatus::Counted, PostalChoices::Encrypted(ballot)) => Some((
                index,
                BallotRef {
                    credential: &entry.credential,
                    ballot,
                },
            )),
            _ => None,
        })
        .collect();
    let refs: Vec<BallotRef<'_>> = counted_refs.iter().map(|(_, r)| *r).collect();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut bad: BTreeMap<usize, String> = BTreeMap::new();
    if !refs.is_empty() {
        match verify_batch(&online.params, &refs, threads, &mut SystemScalars) {
            Ok(sum) => online.sums.merge(&sum),
            Err(BatchError::Invalid(found)) => {
                for (i, error) in found {
                    if let Some((index, _)) = counted_refs.get(i) {
                        bad.insert(*index, error.to_string());
                    }
                }
            }
            Err(other) => {
                let index = counted_refs.first().map_or(0, |(index, _)| *index);
                bad.insert(index, other.to_string());
            }
        }
    }
    let mut postal = Postal {
        counted: 0,
        void: 0,
        batches: BTreeMap::new(),
    };
    let mut previous: Option<&PublicCredential> = None;
    for (index, (entry, signed)) in record.postal.iter().zip(signed).enumerate() {
        check_postal_entry(record, index, entry, &mut previous, signed)?;
        let voted_online = online.voted.contains_key(&entry.credential);
        match entry.status {
            PostalStatus::Counted => {
                if !matches!(entry.choices, PostalChoices::Encrypted(_)) {
                    return Err(RecordError::PostalChoiceCount { index });
                }
                if voted_online {
                    return Err(RecordError::PostalAndOnline { index });
                }
                if let Some(reason) = bad.remove(&index) {
                    return Err(RecordError::PostalBallotProof { index, reason });
                }
                postal.counted += 1;
            }
            PostalStatus::VoidUsedOnline => {
                check_void_entry(index, entry, voted_online)?;
                postal.void += 1;
            }
        }
        let batch = postal.batches.entry(entry.batch).or_insert((0, index));
        batch.0 += 1;
    }
    Ok(postal)
}

/// The decrypted tally: what it established and the recomputed results.
struct Decrypted {
    results: Vec<QuestionResult>,
    tally_input: [u8; 32],
    decrypted_by: Vec<(u32, String)>,
}

/// The `tally` member: the input is this election's and holds the sums;
/// the partial decryptions are valid, in trustee order, at least t; the
/// counts are what they decrypt; the results are the counts' results.
fn check_tally(
    record: &Record,
    fingerprint: &[u8; 32],
    sums: &EncryptedTally,
) -> Result<Decrypted, RecordError> {
    let keys = keys(record)?;
    let tally = record.tally.as_ref().ok_or(RecordError::TallyMember)?;
    let input = &tally.input;
    let fields = [
        (
            input.format == "votum-tally-input" && input.version == 1,
            "its format",
        ),
        (input.ballot == record.election.ballot_id, "the ballot id"),
        (input.election == *fingerprint, "the election fingerprint"),
        (input.ceremony == keys.ceremony, "the ceremony"),
        (input.public_key == keys.public_key, "the public key"),
    ];
    if let Some((_, reason)) = fields.iter().find(|(ok, _)| !ok) {
        return Err(RecordError::TallyInputFields { reason });
    }
    let expected: Vec<CiphertextPair> = sums
        .sums
        .iter()
        .flatten()
        .map(|c: &Ciphertext| CiphertextPair::from(*c))
        .collect();
    let stated = &input.ciphertexts;
    if let Some(ciphertext) = (0..expected.len().max(stated.len()))
        .find(|&k| expected.get(k).is_none() || expected.get(k) != stated.get(k))
    {
        return Err(RecordError::TallySums { ciphertext });
    }
    let mut checked = Vec::new();
    let mut decrypted_by = Vec::new();
    let mut previous = 0u32;
    for (index, partial) in tally.partial_decryptions.iter().enumerate() {
        if partial.trustee <= previous {
            return Err(RecordError::PartialDecryption {
                index,
                reason: "not in ascending trustee order, or repeated".into(),
            });
        }
        previous = partial.trustee;
        let factors =
            check_partial(keys, input, partial).map_err(|e| RecordError::PartialDecryption {
                index,
                reason: e.to_string(),
            })?;
        let name = keys
            .trustees
            .iter()
            .find(|e| e.index == partial.trustee)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        decrypted_by.push((partial.trustee, name));
        checked.push((partial.trustee, factors));
    }
    if checked.len() < keys.threshold as usize {
        return Err(RecordError::BelowThreshold {
            needed: keys.threshold,
            got: checked.len(),
        });
    }
    let combined =
        combine_factors(keys.threshold, &checked).map_err(|e| RecordError::PartialDecryption {
            index: 0,
            reason: e.to_string(),
        })?;
    let decrypted = plaintexts(input, &combined);
    let questions = &record.election.questions;
    let ballots = sums.ballots;
    let mut results = Vec::with_capacity(questions.len());
    let mut offset = 0usize;
    for (question, (definition, shape)) in questions
        .iter()
        .zip(sums.sums.iter().map(Vec::len))
        .enumerate()
    {
        let counts = tally
            .counts
            .get(question)
            .filter(|c| c.len() == shape)
            .ok_or(RecordError::CountsMismatch { question })?;
        let matches = counts
            .iter()
            .enumerate()
            .all(|(j, n)| decrypted.get(offset + j) == Some(&(generator() * Scalar::from(*n))));
        if !matches {
            return Err(RecordError::CountsMismatch { question });
        }
        offset += shape;
        let lot = lot_order(&record.lot_seed, &definition.option_ids());
        let result = tally_counts(definition, record.electorate.size, ballots, counts, &lot)
            .map_err(|_| RecordError::CountsMismatch { question })?;
        results.push(result);
    }
    if tally.counts.len() != questions.len() {
        return Err(RecordError::CountsMismatch {
            question: questions.len().min(tally.counts.len()),
        });
    }
    Ok(Decrypted {
        results,
        tally_input: digest(input),
        decrypted_by,
    })
}

/// Everything after the record signature, with the online ballots coming
/// from `feed` (chunk by chunk), `last` their counting positions.
pub(super) fn check_rest(
    record: &Record,
    fingerprint: [u8; 32],
    last: HashMap<PublicCredential, u64>,
    feed: impl FnOnce(&mut OnlineBallots<'_>) -> Result<(), RecordError>,
    with_acts: bool,
) -> Result<Checked, RecordError> {
    check_election(record)?;
    let revoked = check_credentials(record)?;
    let mut ballots = OnlineBallots::new(record, fingerprint, last)?;
    feed(&mut ballots)?;
    let mut online = ballots.finish()?;
    let postal = check_postal(record, &fingerprint, &mut online)?;
    if with_acts {
        // The chain's length as read (a streamed record holds no ballots).
        check_acts(record, online.ballots, &postal.batches, revoked)?;
    }
    let decrypted = check_tally(record, &fingerprint, &online.sums)?;
    Ok(Checked {
        online,
        postal,
        decrypted,
    })
}

/// The outcome of [`check_rest`].
pub(super) struct Checked {
    online: Online,
    postal: Postal,
    decrypted: Decrypted,
}

impl Checked {
    /// The recomputed hash and chain value at each chain position.
    pub(super) fn links(&self) -> &[([u8; 32], [u8; 32])] {
        &self.online.links
    }

    /// The verification's result, after comparing the stated results.
    pub(super) fn verified(
        &self,
        record: &Record,
        record_hash: [u8; 32],
    ) -> Result<VerifiedResult, RecordError> {
        let results = compare_results(record, self.decrypted.results.clone())?;
        let keys = keys(record)?;
        let online = &self.online;
        Ok(VerifiedResult {
            ballot_id: record.election.ballot_id.clone(),
            record_hash,
            chain_head: record.chain_head,
            ballots_in_chain: online.ballots,
            counted_online: online.counted,
            superseded_online: online.ballots - online.counted,
            counted_postal: self.postal.counted,
            void_postal: self.postal.void,
            results,
            encrypted: Some(EncryptedSummary {
                online_proved: online.ballots,
                postal_proved: self.postal.counted,
                summed: online.sums.ballots,
                tally_input: self.decrypted.tally_input,
                threshold: keys.threshold,
                trustees: keys
                    .trustees
                    .iter()
                    .map(|e| (e.index, e.name.clone()))
                    .collect(),
                decrypted_by: self.decrypted.decrypted_by.clone(),
            }),
        })
    }
}

/// [`super::verify`] of a record under protocol "encrypted" held in memory.
pub(super) fn verify_in_memory(record: &Record) -> Result<VerifiedResult, RecordError> {
    let fingerprint = check_head(record)?;
    let record_hash = record.record_hash();
    check_signature(record, &fingerprint, &record_hash)?;
    let last = last_positions(record.ballots.iter().map(|b| &b.credential));
    let checked = check_rest(
        record,
        fingerprint,
        last,
        |online| {
            for chunk in record.ballots.chunks(CHUNK) {
                online.push(chunk)?;
            }
            Ok(())
        },
        true,
    )?;
    checked.verified(record, record_hash)
}

/// [`super::count`] under protocol "encrypted": everything but the record
/// signature, the acts and the stated results; the results come from the
/// decrypted counts of the `tally` member.
pub(super) fn count_in_memory(record: &Record) -> Result<Vec<QuestionResult>, RecordError> {
    let fingerprint = check_head(record)?;
    let last = last_positions(record.ballots.iter().map(|b| &b.credential));
    let checked = check_rest(
        record,
        fingerprint,
        last,
        |online| {
            for chunk in record.ballots.chunks(CHUNK) {
                online.push(chunk)?;
            }
            Ok(())
        },
        false,
    )?;
    Ok(checked.decrypted.results)
}
