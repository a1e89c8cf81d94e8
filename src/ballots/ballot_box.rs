//! The ballot box: checks a signed ballot, appends it to the box's hash
//! chain and returns a receipt, exactly once per credential under any
//! concurrency and across app instances.
//!
//! Appends serialise on the box row in the database: every append (and
//! every status change) begins by updating that row, which takes
//! PostgreSQL's row lock and SQLite's write lock before anything is read.
//! The receipt is made only after the transaction has committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_ballots::{Choice, Question};
use votum_crypto::ballot_box::BoxKey;
use votum_crypto::credential::{PublicCredential, Signature};
use votum_crypto::seal::SealingKey;

use super::credential::CredentialUse;
use super::lifecycle::{self, BallotStatus};
use super::protocol::{AnyReceipt, Protocol};
use super::setup::{b64, box_key_context};
use crate::db::schema::{ballot_boxes, ballot_questions, ballots, box_entries, credentials};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// The text a voter signs for `choices`, with a fresh random nonce (see
/// `votum_ballots::record::CastContent`): a re-vote with the same choices is
/// a new ballot, a replayed one is recognised by its hash.
pub fn cast_text(choices: &[Choice]) -> AppResult<String> {
    let mut nonce = [0u8; 16];
    votum_crypto::fill_random(&mut nonce)?;
    Ok(votum_ballots::record::cast_text(choices, &nonce))
}

/// The cast text for `choices` with the nonce the review form carried
/// (hex of 16 bytes): the same form sent twice makes the same ballot, which
/// the box refuses as a replay, so one form submission is one ballot.
/// Without a valid nonce, a fresh one.
pub fn cast_text_for_form(choices: &[Choice], nonce: Option<&str>) -> AppResult<String> {
    let parsed = nonce.and_then(|text| {
        let text = text.trim();
        if text.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (n, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * n..2 * n + 2)?, 16).ok()?;
        }
        Some(bytes)
    });
    match parsed {
        Some(nonce) => Ok(votum_ballots::record::cast_text(choices, &nonce)),
        None => cast_text(choices),
    }
}

/// A fresh form nonce for [`cast_text_for_form`].
pub fn form_nonce() -> AppResult<String> {
    let mut nonce = [0u8; 16];
    votum_crypto::fill_random(&mut nonce)?;
    Ok(votum_crypto::hex(&nonce))
}

/// The receipt of a ballot already in the box, found by its hash: the
/// same receipt the cast gave (position, chain head after it, box key
/// signature), for a form that was sent again.
pub fn receipt_for(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot: &SignedBallot,
) -> AppResult<Option<AnyReceipt>> {
    let protocol = Protocol::of(conn, &ballot.ballot_id)?;
    let hash = protocol.ballot_hash(
        &ballot.ballot_id,
        &ballot.credential,
        &ballot.choices_json,
        &ballot.signature,
    );
    let entry: Option<(i64, String)> = box_entries::table
        .filter(box_entries::ballot_id.eq(&ballot.ballot_id))
        .filter(box_entries::hash.eq(b64(&hash)))
        .select((box_entries::position, box_entries::chain))
        .first(conn)
        .optional()?;
    let Some((position, chain)) = entry else {
        return Ok(None);
    };
    let definition = super::definition::get(conn, &ballot.ballot_id)?;
    let box_key = open_box_key(sealing, &definition.box_key_sealed, &ballot.ballot_id)?;
    Ok(Some(protocol.receipt(
        &box_key,
        &ballot.ballot_id,
        hash,
        u64::try_from(position).unwrap_or_default(),
        decode32(&chain)?,
    )))
}

/// A ballot as the voter's device sends it.
#[derive(Debug, Clone)]
pub struct SignedBallot {
    pub ballot_id: String,
    pub credential: PublicCredential,
    /// The cast text ([`cast_text`]); signed and stored verbatim.
    pub choices_json: String,
    pub signature: Signature,
}

/// Why a ballot was not put in the box. Each has a message for the voter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownBallot,
    NotYetOpen,
    Closed,
    UnknownCredential,
    RevokedCredential,
    AlreadyVoted,
    /// This very ballot (same signature, same nonce) is already in the box.
    Replayed,
    UsedByPost,
    BadSignature,
    InvalidChoice(String),
    /// Protocol "encrypted": the ballot is no canonical encrypted ballot,
    /// or one of its proofs fails (the reason names where).
    InvalidEncryption(String),
}

impl Refusal {
    /// The catalogue key of the voter's message.
    pub fn message_key(&self) -> &'static str {
        match self {
            Refusal::UnknownBallot => "vote.unknown_ballot",
            Refusal::NotYetOpen => "vote.not_yet_open",
            Refusal::Closed => "vote.closed",
            Refusal::UnknownCredential => "vote.unknown_code",
            Refusal::RevokedCredential => "vote.revoked_code",
            Refusal::AlreadyVoted => "vote.already_voted",
            Refusal::Replayed => "vote.replayed",
            Refusal::UsedByPost => "vote.used_by_post",
            Refusal::BadSignature => "vote.bad_signature",
            Refusal::InvalidChoice(_) => "vote.invalid_choice",
            Refusal::InvalidEncryption(_) => "vote.invalid_encryption",
        }
    }
}

/// The number of ballots in the box.
pub fn length(conn: &mut DbConn, ballot_id: &str) -> AppResult<i64> {
    Ok(ballot_boxes::table
        .find(ballot_id)
        .select(ballot_boxes::length)
        .first(conn)?)
}

/// Takes the box lock for the rest of the transaction.
pub fn lock(conn: &mut DbConn, ballot_id: &str) -> AppResult<bool> {
    let locked = diesel::update(ballot_boxes::table.find(ballot_id))
        .set(ballot_boxes::length.eq(ballot_boxes::length))
        .execute(conn)?;
    Ok(locked == 1)
}

/// Takes the box lock and returns the chain head and length, in one
/// statement; `None` if the ballot has no box.
fn lock_head(conn: &mut DbConn, ballot_id: &str) -> AppResult<Option<(String, i64)>> {
    #[derive(QueryableByName)]
    struct Head {
        #[diesel(sql_type = diesel::sql_types::Text)]
        head: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        length: i64,
    }
    let head: Option<Head> = diesel::sql_query(
        "UPDATE ballot_boxes SET length = length WHERE ballot_id = $1 RETURNING head, length",
    )
    .bind::<diesel::sql_types::Text, _>(ballot_id)
    .get_result(conn)
    .optional()?;
    Ok(head.map(|h| (h.head, h.length)))
}

/// Why a credential could not be claimed for an online ballot (read under
/// the box lock).
fn why_unclaimed(
    conn: &mut DbConn,
    ballot_id: &str,
    credential: &str,
    revote_allowed: bool,
) -> AppResult<Refusal> {
    if let Some(refusal) = lifecycle::status(conn, ballot_id)?.cast_refusal() {
        return Ok(refusal);
    }
    let row: Option<(bool, CredentialUse)> = credentials::table
        .find((ballot_id, credential))
        .select((credentials::revoked, credentials::used))
        .first(conn)
        .optional()?;
    Ok(CredentialUse::online_refusal(row, revote_allowed).unwrap_or(Refusal::AlreadyVoted))
}

/// The questions of a ballot, in order.
pub fn questions(conn: &mut DbConn, ballot_id: &str) -> AppResult<Vec<Question>> {
    ballot_questions::table
        .filter(ballot_questions::ballot_id.eq(ballot_id))
        .order(ballot_questions::position)
        .select(ballot_questions::definition)
        .load::<String>(conn)?
        .iter()
        .map(|json| {
            serde_json::from_str(json)
                .map_err(|e| AppError::Internal(format!("stored question: {e}")))
        })
        .collect()
}

/// Checks a cast text against the questions exactly as the record's
/// verifier will: canonical form, one valid choice per question.
pub fn check_choices(questions: &[Question], text: &str) -> Result<(), Refusal> {
    let definition = votum_ballots::record::BallotDefinition {
        id: String::new(),
        title: String::new(),
        questions: questions.to_vec(),
        revoting: false,
    };
    votum_ballots::record::check_cast(&definition, text)
        .map(|_| ())
        .map_err(|e| Refusal::InvalidChoice(e.to_string()))
}

struct Appended {
    hash: [u8; 32],
    position: u64,
    head: [u8; 32],
}

/// Casts a signed ballot. `Ok(Err(_))` is a refusal the voter is told
/// about; `Err(_)` an internal failure. Nothing is stored on refusal.
pub fn cast(
    conn: &mut DbConn,
    sealing: &SealingKey,
    now: NaiveDateTime,
    ballot: &SignedBallot,
) -> AppResult<Result<AnyReceipt, Refusal>> {
    let definition = match super::definition::get(conn, &ballot.ballot_id) {
        Ok(definition) => definition,
        Err(AppError::NotFound) => return Ok(Err(Refusal::UnknownBallot)),
        Err(e) => return Err(e),
    };
    let protocol = Protocol::of(conn, &ballot.ballot_id)?;
    // The expensive checks run before the lock is taken.
    let message =
        protocol.cast_message(&ballot.ballot_id, &ballot.credential, &ballot.choices_json);
    if !ballot.credential.verify(&message, &ballot.signature) {
        return Ok(Err(Refusal::BadSignature));
    }
    if now < definition.opens_at {
        return Ok(Err(Refusal::NotYetOpen));
    }
    if now >= definition.closes_at {
        return Ok(Err(Refusal::Closed));
    }
    // Under "encrypted" this checks every proof of the ballot (a few
    // milliseconds), still before the lock.
    if let Err(refusal) = protocol.check_cast(
        conn,
        &ballot.ballot_id,
        &definition.questions,
        &ballot.credential,
        &ballot.choices_json,
    )? {
        return Ok(Err(refusal));
    }
    let box_key = open_box_key(sealing, &definition.box_key_sealed, &ballot.ballot_id)?;
    let credential = ballot.credential.to_base64();
    let hash = protocol.ballot_hash(
        &ballot.ballot_id,
        &ballot.credential,
        &ballot.choices_json,
        &ballot.signature,
    );

    // Few statements, because on PostgreSQL each is a round trip while the
    // box is locked: lock and read the head in one, claim the credential in
    // one (it checks the status under the lock too), append, move the head.
    let appended = conn.transaction(|conn| {
        let Some((head, length)) = lock_head(conn, &ballot.ballot_id)? else {
            return Ok(Err(Refusal::UnknownBallot));
        };
        let usable = CredentialUse::claimable_online(definition.revote_allowed);
        let claimed = diesel::update(
            credentials::table
                .find((&ballot.ballot_id, &credential))
                .filter(credentials::revoked.eq(false))
                .filter(credentials::used.eq_any(usable))
                .filter(diesel::dsl::exists(
                    ballots::table
                        .find(&ballot.ballot_id)
                        .filter(ballots::status.eq_any(BallotStatus::accepting_casts())),
                )),
        )
        .set(credentials::used.eq(CredentialUse::Online))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(Err(why_unclaimed(
                conn,
                &ballot.ballot_id,
                &credential,
                definition.revote_allowed,
            )?));
        }
        let previous = decode32(&head)?;
        let next = protocol.chain_next(&previous, &hash);
        // The same ballot twice (a replay) breaks the unique index on its
        // hash; the error rolls the claim back with it.
        diesel::insert_into(box_entries::table)
            .values((
                box_entries::ballot_id.eq(&ballot.ballot_id),
                box_entries::position.eq(length),
                box_entries::credential.eq(&credential),
                box_entries::choices.eq(&ballot.choices_json),
                box_entries::signature.eq(ballot.signature.to_base64()),
                box_entries::hash.eq(b64(&hash)),
                box_entries::chain.eq(b64(&next)),
            ))
            .execute(conn)?;
        diesel::update(ballot_boxes::table.find(&ballot.ballot_id))
            .set((
                ballot_boxes::head.eq(b64(&next)),
                ballot_boxes::length.eq(length + 1),
            ))
            .execute(conn)?;
        Ok::<_, AppError>(Ok(Appended {
            hash,
            position: u64::try_from(length).unwrap_or_default(),
            head: next,
        }))
    });
    let appended = match appended {
        Ok(appended) => appended,
        Err(AppError::Conflict(_)) => Err(Refusal::Replayed),
        Err(e) => return Err(e),
    };
    if appended.is_ok() {
        crate::db::forget_write_order(conn);
    }
    // Committed: only now is there something to give a receipt for.
    Ok(appended.map(|a| protocol.receipt(&box_key, &ballot.ballot_id, a.hash, a.position, a.head)))
}

fn decode32(text: &str) -> AppResult<[u8; 32]> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| AppError::Internal("stored chain value is malformed".into()))
}

/// The ballot box's signing key, unsealed for one receipt or cast.
fn open_box_key(sealing: &SealingKey, sealed: &str, ballot_id: &str) -> AppResult<BoxKey> {
    Ok(BoxKey::from_seed_bytes(
        &sealing.open(sealed, &box_key_context(ballot_id))?,
    )?)
}
