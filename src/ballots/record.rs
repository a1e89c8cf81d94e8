//! Tally and publication: the election record built from the database
//! (docs/election-record.md), counted by votum-ballots, signed by the box
//! key; the result page and the record download.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::http::ContentType;
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;
use votum_ballots::record::v2;
use votum_ballots::record::{
    count, ActKind, BallotDefinition, CastBallot, CredentialEntry, CredentialOrigin,
    ElectionRecord, Electorate, OfficerAct, PostalStatus, PostalVote, FORMAT, VERSION,
};
use votum_ballots::QuestionResult;
use votum_crypto::ballot_box::{BoxKey, BoxPublicKey};
use votum_crypto::credential::{PublicCredential, Signature};
use votum_crypto::seal::SealingKey;

use super::lifecycle::{Act, BallotStatus};
use super::postal::Registered;
use super::setup::{b64, box_key_context};
use crate::db::schema::{
    act_details, ballot_boxes, ballot_results, ballots, box_entries, credentials, electors,
    officer_acts, postal_votes,
};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, Page};

pub fn routes() -> Vec<Route> {
    routes![
        result_page,
        record_download,
        receipt_check_form,
        receipt_check
    ]
}

fn bad(what: &str) -> AppError {
    AppError::Internal(format!("stored {what} is malformed"))
}

fn bytes32(text: &str, what: &str) -> AppResult<[u8; 32]> {
    votum_crypto::base64url::decode_array::<32>(text).map_err(|_| bad(what))
}

/// An act about to be confirmed, to include in the record it produces.
pub struct PendingAct {
    pub act: Act,
    pub requested_by: i64,
    pub confirmed_by: i64,
    pub at: NaiveDateTime,
}

/// The record's name for an officer act.
pub fn act_kind(act: Act) -> ActKind {
    match act {
        Act::Open => ActKind::Open,
        Act::Close => ActKind::Close,
        Act::Tally => ActKind::Tally,
        Act::Publish => ActKind::Publish,
        Act::Reissue => ActKind::ReissueCredential,
        Act::ImportCredentials => ActKind::ImportCredentials,
        Act::IssueCredentials => ActKind::IssueCredentials,
        Act::EnterPostalVotes => ActKind::EnterPostalVotes,
    }
}

/// The version 2 record's name for an officer act.
pub fn act_kind_v2(act: Act) -> v2::ActKind {
    match act {
        Act::Open => v2::ActKind::Open,
        Act::Close => v2::ActKind::Close,
        Act::Tally => v2::ActKind::Tally,
        Act::Publish => v2::ActKind::Publish,
        Act::Reissue => v2::ActKind::ReissueCredential,
        Act::IssueCredentials => v2::ActKind::IssueCredentials,
        Act::EnterPostalVotes => v2::ActKind::EnterPostalVotes,
        Act::ImportCredentials => v2::ActKind::ImportCredentials,
    }
}

/// The record of a ballot as stored, without results and signature.
/// Officers appear as "officer-1", "officer-2", … in order of first act.
pub fn build(
    conn: &mut DbConn,
    ballot_id: &str,
    lot_seed: &[u8],
    pending: Option<&PendingAct>,
) -> AppResult<ElectionRecord> {
    let (title, revoting, box_key): (String, bool, String) = ballots::table
        .find(ballot_id)
        .select((
            ballots::title,
            ballots::revote_allowed,
            ballots::box_public_key,
        ))
        .first(conn)?;
    let questions = super::ballot_box::questions(conn, ballot_id)?;
    let size: i64 = electors::table
        .filter(electors::ballot_id.eq(ballot_id))
        .count()
        .get_result(conn)?;
    let mut credential_list: Vec<CredentialEntry> = credentials::table
        .filter(credentials::ballot_id.eq(ballot_id))
        .select((
            credentials::public_key,
            credentials::origin,
            credentials::revoked,
        ))
        .load::<(String, String, bool)>(conn)?
        .into_iter()
        .map(|(key, origin, revoked)| {
            Ok(CredentialEntry {
                credential: PublicCredential::from_base64(&key).map_err(|_| bad("credential"))?,
                origin: if origin == "authority" {
                    CredentialOrigin::Authority
                } else {
                    CredentialOrigin::Server
                },
                revoked,
            })
        })
        .collect::<AppResult<_>>()?;
    credential_list.sort_by_key(|c| c.credential);
    let cast: Vec<CastBallot> = box_entries::table
        .filter(box_entries::ballot_id.eq(ballot_id))
        .order(box_entries::position)
        .select((
            box_entries::position,
            box_entries::credential,
            box_entries::choices,
            box_entries::signature,
            box_entries::hash,
            box_entries::chain,
        ))
        .load::<(i64, String, String, String, String, String)>(conn)?
        .into_iter()
        .map(|(position, credential, choices, signature, hash, chain)| {
            Ok(CastBallot {
                position: u64::try_from(position).map_err(|_| bad("position"))?,
                credential: PublicCredential::from_base64(&credential)
                    .map_err(|_| bad("credential"))?,
                choices,
                signature: Signature::from_base64(&signature).map_err(|_| bad("signature"))?,
                hash: bytes32(&hash, "ballot hash")?,
                chain: bytes32(&chain, "chain")?,
            })
        })
        .collect::<AppResult<_>>()?;
    let head: String = ballot_boxes::table
        .find(ballot_id)
        .select(ballot_boxes::head)
        .first(conn)?;
    let confirmed = confirmed_batches(conn, ballot_id)?;
    let mut postal: Vec<PostalVote> = postal_votes::table
        .filter(postal_votes::ballot_id.eq(ballot_id))
        .filter(
            postal_votes::batch
                .is_null()
                .or(postal_votes::batch.eq_any(confirmed)),
        )
        .select((
            postal_votes::credential,
            postal_votes::choices,
            postal_votes::status,
        ))
        .load::<(String, String, Registered)>(conn)?
        .into_iter()
        .map(|(credential, choices, status)| {
            Ok(PostalVote {
                credential: PublicCredential::from_base64(&credential)
                    .map_err(|_| bad("credential"))?,
                choices: serde_json::from_str(&choices).map_err(|_| bad("postal choices"))?,
                status: match status {
                    Registered::Counted => PostalStatus::Counted,
                    Registered::VoidUsedOnline => PostalStatus::VoidUsedOnline,
                },
            })
        })
        .collect::<AppResult<_>>()?;
    postal.sort_by_key(|p| p.credential);
    let mut acts: Vec<(Act, i64, i64, NaiveDateTime)> = officer_acts::table
        .filter(officer_acts::ballot_id.eq(ballot_id))
        .filter(officer_acts::confirmed_by.is_not_null())
        .select((
            officer_acts::act,
            officer_acts::requested_by,
            officer_acts::confirmed_by.assume_not_null(),
            officer_acts::confirmed_at.assume_not_null(),
        ))
        .load(conn)?;
    if let Some(p) = pending {
        acts.push((p.act, p.requested_by, p.confirmed_by, p.at));
    }
    acts.sort_by_key(|a| a.3);
    let mut officers: Vec<i64> = Vec::new();
    let mut label = |account: i64| {
        let n = officers
            .iter()
            .position(|&o| o == account)
            .unwrap_or_else(|| {
                officers.push(account);
                officers.len() - 1
            });
        format!("officer-{}", n + 1)
    };
    let officer_acts = acts
        .into_iter()
        .map(|(act, by, confirmed, at)| {
            Ok(OfficerAct {
                act: act_kind(act),
                requested_by: label(by),
                confirmed_by: Some(label(confirmed)),
                at: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(ElectionRecord {
        format: FORMAT.into(),
        version: VERSION,
        ballot: BallotDefinition {
            id: ballot_id.to_owned(),
            title,
            questions,
            revoting,
        },
        box_key: BoxPublicKey::from_base64(&box_key).map_err(|_| bad("box key"))?,
        electorate: Electorate {
            size: u64::try_from(size).unwrap_or_default(),
            credentials_issued: credential_list.len() as u64,
        },
        credentials: credential_list,
        ballots: cast,
        chain_head: bytes32(&head, "chain head")?,
        postal,
        officer_acts,
        lot_seed: lot_seed.to_vec(),
        results: Vec::new(),
        signature: None,
    })
}

/// The postal batches (their `enter_postal_votes` act ids) that a second
/// officer confirmed, in order of confirmation.
pub fn confirmed_batches(conn: &mut DbConn, ballot_id: &str) -> AppResult<Vec<i64>> {
    Ok(officer_acts::table
        .left_join(act_details::table.on(act_details::act_id.eq(officer_acts::id)))
        .filter(officer_acts::ballot_id.eq(ballot_id))
        .filter(officer_acts::act.eq(Act::EnterPostalVotes))
        .filter(officer_acts::confirmed_by.is_not_null())
        .order((act_details::seq.asc(), officer_acts::confirmed_at.asc()))
        .select(officer_acts::id)
        .load(conn)?)
}

/// The place of every confirmed act in the order of confirmations, and
/// its count: written when the act is confirmed (record version 2).
pub fn note_confirmed(
    conn: &mut DbConn,
    ballot_id: &str,
    act_id: i64,
    count: Option<i64>,
) -> AppResult<()> {
    let last: Option<i64> = act_details::table
        .filter(act_details::ballot_id.eq(ballot_id))
        .select(diesel::dsl::max(act_details::seq))
        .first(conn)?;
    diesel::insert_into(act_details::table)
        .values((
            act_details::act_id.eq(act_id),
            act_details::ballot_id.eq(ballot_id),
            act_details::seq.eq(last.unwrap_or(0) + 1),
            act_details::count.eq(count),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the count of a confirmed act (e.g. the letters of a run, written
/// after the act is noted).
pub fn set_act_count(conn: &mut DbConn, act_id: i64, count: i64) -> AppResult<()> {
    diesel::update(act_details::table.find(act_id))
        .set(act_details::count.eq(Some(count)))
        .execute(conn)?;
    Ok(())
}

/// The context the lot seed is sealed under.
pub fn lot_seed_context(ballot_id: &str) -> Vec<u8> {
    format!("votum-lot-seed:{ballot_id}").into_bytes()
}

/// Fixes the election object of a version 2 ballot in the opening
/// transaction: draws the lot seed (sealed; its commitment goes into the
/// object), stores the object (under protocol "encrypted" with the
/// trustees' keys, which the fingerprint then covers) and its fingerprint,
/// and starts the chain from the fingerprint. Returns the fingerprint.
pub fn fix_election(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
) -> AppResult<[u8; 32]> {
    let (title, revoting, box_key): (String, bool, String) = ballots::table
        .find(ballot_id)
        .select((
            ballots::title,
            ballots::revote_allowed,
            ballots::box_public_key,
        ))
        .first(conn)?;
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    votum_crypto::fill_random(seed.as_mut())?;
    let sealed = sealing.seal(seed.as_ref(), &lot_seed_context(ballot_id))?;
    // The app lets officers import an authority's credentials while the
    // ballot is open and makes server credentials (portal, letter runs),
    // so both origins are allowed; each credential states its own.
    let credential_origins = vec![CredentialOrigin::Authority, CredentialOrigin::Server];
    let protocol = super::protocol::Protocol::of(conn, ballot_id)?;
    let election = v2::Election {
        ballot_id: ballot_id.to_owned(),
        title,
        questions: super::ballot_box::questions(conn, ballot_id)?,
        revoting,
        protocol: protocol.name().unwrap_or(v2::PROTOCOL_SIGNED).into(),
        trustees: protocol.trustees_at_opening(conn, ballot_id)?,
        box_key: BoxPublicKey::from_base64(&box_key).map_err(|_| bad("box key"))?,
        lot_commitment: v2::lot_commitment(&seed),
        credential_origins,
    };
    let fingerprint = election.fingerprint();
    diesel::update(ballots::table.find(ballot_id))
        .set((
            ballots::election.eq(Some(election.to_json())),
            ballots::fingerprint.eq(Some(b64(&fingerprint))),
            ballots::lot_seed_sealed.eq(Some(sealed)),
        ))
        .execute(conn)?;
    diesel::update(ballot_boxes::table.find(ballot_id))
        .set(ballot_boxes::head.eq(b64(&v2::chain_genesis(&fingerprint))))
        .execute(conn)?;
    Ok(fingerprint)
}

/// The lot seed of a version 2 ballot, unsealed (revealed at the tally).
pub fn opened_lot_seed(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
) -> AppResult<[u8; 32]> {
    let sealed: Option<String> = ballots::table
        .find(ballot_id)
        .select(ballots::lot_seed_sealed)
        .first(conn)?;
    let sealed = sealed.ok_or_else(|| bad("lot seed"))?;
    let seed = sealing.open(&sealed, &lot_seed_context(ballot_id))?;
    <[u8; 32]>::try_from(seed.as_slice()).map_err(|_| bad("lot seed"))
}

/// The version 2 record of a ballot as stored (results empty, unsigned),
/// with `pending` as its last act.
pub fn build_v2(
    conn: &mut DbConn,
    ballot_id: &str,
    lot_seed: [u8; 32],
    pending: Option<&PendingAct>,
) -> AppResult<v2::Record> {
    let election: Option<String> = ballots::table
        .find(ballot_id)
        .select(ballots::election)
        .first(conn)?;
    let election: v2::Election = election
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|_| bad("election"))?
        .ok_or_else(|| bad("election"))?;
    let fingerprint = election.fingerprint();
    // The parts shared with version 1.
    let common = build(conn, ballot_id, &lot_seed, None)?;
    let batches = confirmed_batches(conn, ballot_id)?;
    let numbers: std::collections::HashMap<i64, u64> =
        batches.iter().zip(1u64..).map(|(id, n)| (*id, n)).collect();
    let mut postal: Vec<v2::PostalEntry> = postal_votes::table
        .filter(postal_votes::ballot_id.eq(ballot_id))
        .filter(postal_votes::batch.eq_any(&batches))
        .select((
            postal_votes::credential,
            postal_votes::choices,
            postal_votes::status,
            postal_votes::batch,
            postal_votes::signature,
        ))
        .load::<(String, String, Registered, Option<i64>, Option<String>)>(conn)?
        .into_iter()
        .map(|(credential, choices, status, batch, signature)| {
            Ok(v2::PostalEntry {
                batch: batch.and_then(|b| numbers.get(&b).copied()).unwrap_or(0),
                credential: PublicCredential::from_base64(&credential)
                    .map_err(|_| bad("credential"))?,
                choices: serde_json::from_str(&choices).map_err(|_| bad("postal choices"))?,
                status: match status {
                    Registered::Counted => PostalStatus::Counted,
                    Registered::VoidUsedOnline => PostalStatus::VoidUsedOnline,
                },
                // A row without a signature cannot have come from a slip;
                // it goes into the record as it is and fails verification.
                signature: signature
                    .as_deref()
                    .map(Signature::from_base64)
                    .transpose()
                    .map_err(|_| bad("postal signature"))?
                    .unwrap_or(Signature([0; 64])),
            })
        })
        .collect::<AppResult<_>>()?;
    postal.sort_by_key(|p| p.credential);
    #[allow(clippy::type_complexity)]
    let mut acts: Vec<(Act, i64, i64, NaiveDateTime, Option<i64>, Option<i64>, i64)> =
        officer_acts::table
            .left_join(act_details::table.on(act_details::act_id.eq(officer_acts::id)))
            .filter(officer_acts::ballot_id.eq(ballot_id))
            .filter(officer_acts::confirmed_by.is_not_null())
            .select((
                officer_acts::act,
                officer_acts::requested_by,
                officer_acts::confirmed_by.assume_not_null(),
                officer_acts::confirmed_at.assume_not_null(),
                act_details::seq.nullable(),
                act_details::count.nullable(),
                officer_acts::id,
            ))
            .load(conn)?;
    acts.sort_by_key(|a| (a.4.unwrap_or(i64::MAX), a.3));
    if let Some(p) = pending {
        acts.push((p.act, p.requested_by, p.confirmed_by, p.at, None, None, 0));
    }
    let mut officers: Vec<i64> = Vec::new();
    let mut label = |account: i64| {
        let n = officers
            .iter()
            .position(|&o| o == account)
            .unwrap_or_else(|| {
                officers.push(account);
                officers.len() - 1
            });
        format!("officer-{}", n + 1)
    };
    let officer_acts = acts
        .into_iter()
        .map(|(act, by, confirmed, at, _, count, id)| {
            let kind = act_kind_v2(act);
            v2::OfficerAct {
                act: kind,
                requested_by: label(by),
                confirmed_by: Some(label(confirmed)),
                at: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                batch: numbers.get(&id).copied(),
                count: if kind.has_count() {
                    Some(count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
                } else {
                    None
                },
            }
        })
        .collect();
    Ok(v2::Record {
        format: FORMAT.into(),
        version: v2::VERSION,
        fingerprint,
        election,
        electorate: common.electorate,
        credentials: common.credentials,
        ballots: common.ballots,
        chain_head: common.chain_head,
        postal,
        officer_acts,
        lot_seed,
        results: Vec::new(),
        tally: None,
        signature: None,
    })
}

/// Why the stored votes could not be counted: the database holds
/// something no honest entry makes (e.g. a postal row without its slip's
/// signature). Nothing is counted then.
#[derive(Debug)]
pub struct StoredVotesInvalid(pub String);

/// Counts a version 2 ballot at the tally: reveals the lot seed committed
/// at opening and stores the result. Refuses (nothing stored) when the
/// stored votes do not verify.
pub fn tally_v2(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
    act: &PendingAct,
) -> AppResult<Result<Vec<QuestionResult>, StoredVotesInvalid>> {
    let seed = opened_lot_seed(conn, sealing, ballot_id)?;
    let record = build_v2(conn, ballot_id, seed, Some(act))?;
    let results = match v2::count(&record) {
        Ok(results) => results,
        Err(e) => return Ok(Err(StoredVotesInvalid(e.to_string()))),
    };
    let json = serde_json::to_string(&results)
        .map_err(|e| AppError::Internal(format!("result json: {e}")))?;
    diesel::insert_into(ballot_results::table)
        .values((
            ballot_results::ballot_id.eq(ballot_id),
            ballot_results::lot_seed.eq(b64(&seed)),
            ballot_results::result.eq(json),
        ))
        .execute(conn)?;
    Ok(Ok(results))
}

/// Builds, counts and signs the version 2 record and stores it.
pub fn publish_v2(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
    act: &PendingAct,
) -> AppResult<Result<v2::Record, StoredVotesInvalid>> {
    let seed = opened_lot_seed(conn, sealing, ballot_id)?;
    let mut record = build_v2(conn, ballot_id, seed, Some(act))?;
    record.results = match v2::count(&record) {
        Ok(results) => results,
        Err(e) => return Ok(Err(StoredVotesInvalid(e.to_string()))),
    };
    let sealed: String = ballots::table
        .find(ballot_id)
        .select(ballots::box_key_sealed)
        .first(conn)?;
    let box_key = BoxKey::from_seed_bytes(&sealing.open(&sealed, &box_key_context(ballot_id))?)?;
    record.sign(&box_key);
    diesel::update(ballot_results::table.find(ballot_id))
        .set(ballot_results::record.eq(record.to_json()))
        .execute(conn)?;
    Ok(Ok(record))
}

/// Builds and signs the record of an encrypted ballot whose trustees have
/// decrypted the tally, and stores it: the version 2 record with the
/// stored result and the `tally` member (counts, tally input, the partial
/// decryptions used). The record is checked with the verifier anyone runs
/// before it is stored; one it refuses is not published.
pub fn publish_encrypted(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
    act: &PendingAct,
) -> AppResult<Result<v2::Record, StoredVotesInvalid>> {
    let seed = opened_lot_seed(conn, sealing, ballot_id)?;
    let mut record = build_v2(conn, ballot_id, seed, Some(act))?;
    let Some((tally, partial_decryptions)) = super::tally::store::used(conn, ballot_id)? else {
        return Ok(Err(StoredVotesInvalid("the tally is not decrypted".into())));
    };
    let result: String = ballot_results::table
        .find(ballot_id)
        .select(ballot_results::result)
        .first(conn)?;
    record.results = serde_json::from_str(&result).map_err(|_| bad("result"))?;
    record.tally = Some(v2::Tally {
        counts: tally.counts.ok_or_else(|| bad("counts"))?,
        input: tally.input,
        partial_decryptions,
    });
    let sealed: String = ballots::table
        .find(ballot_id)
        .select(ballots::box_key_sealed)
        .first(conn)?;
    let box_key = BoxKey::from_seed_bytes(&sealing.open(&sealed, &box_key_context(ballot_id))?)?;
    record.sign(&box_key);
    if let Err(e) = v2::verify(&record) {
        return Ok(Err(StoredVotesInvalid(e.to_string())));
    }
    diesel::update(ballot_results::table.find(ballot_id))
        .set(ballot_results::record.eq(record.to_json()))
        .execute(conn)?;
    Ok(Ok(record))
}

/// Counts the ballot (within the confirming transaction) and stores the
/// result with a fresh lot seed.
pub fn tally(
    conn: &mut DbConn,
    ballot_id: &str,
    act: &PendingAct,
) -> AppResult<Vec<QuestionResult>> {
    let mut seed = [0u8; 32];
    votum_crypto::fill_random(&mut seed)?;
    let record = build(conn, ballot_id, &seed, Some(act))?;
    let results = count(&record)
        .map_err(|e| AppError::Internal(format!("the stored ballots do not verify: {e}")))?;
    let json = serde_json::to_string(&results)
        .map_err(|e| AppError::Internal(format!("result json: {e}")))?;
    diesel::insert_into(ballot_results::table)
        .values((
            ballot_results::ballot_id.eq(ballot_id),
            ballot_results::lot_seed.eq(b64(&seed)),
            ballot_results::result.eq(json),
        ))
        .execute(conn)?;
    Ok(results)
}

/// Builds, counts and signs the full record and stores it for download.
pub fn publish(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
    act: &PendingAct,
) -> AppResult<ElectionRecord> {
    let (seed, sealed): (String, String) = ballot_results::table
        .inner_join(ballots::table)
        .filter(ballot_results::ballot_id.eq(ballot_id))
        .select((ballot_results::lot_seed, ballots::box_key_sealed))
        .first(conn)?;
    let seed = votum_crypto::base64url::decode(&seed).map_err(|_| bad("lot seed"))?;
    let mut record = build(conn, ballot_id, &seed, Some(act))?;
    record.results = count(&record)
        .map_err(|e| AppError::Internal(format!("the stored ballots do not verify: {e}")))?;
    let box_key = BoxKey::from_seed_bytes(&sealing.open(&sealed, &box_key_context(ballot_id))?)?;
    record.sign(&box_key);
    diesel::update(ballot_results::table.find(ballot_id))
        .set(ballot_results::record.eq(record.to_json()))
        .execute(conn)?;
    Ok(record)
}

/// The result of a published ballot, for members; a tallied one only for
/// the ballot's officers, who check it before they publish it.
#[get("/ballots/<id>/result")]
async fn result_page(
    app: AppState<'_>,
    page: Page,
    _user: crate::auth::CurrentUser,
    officer: Option<crate::rights::Officer<crate::rights::BallotId>>,
    id: String,
) -> AppResult<Template> {
    let lang = page.lang;
    let context = app
        .db
        .run(move |conn| {
            let (title, status): (String, BallotStatus) = ballots::table
                .find(&id)
                .select((ballots::title, ballots::status))
                .first(conn)?;
            let stored: Option<(String, Option<String>)> = ballot_results::table
                .find(&id)
                .select((ballot_results::result, ballot_results::record))
                .first(conn)
                .optional()?;
            let Some((result, record)) = stored else {
                return Err(AppError::NotFound);
            };
            // Until publication the count is the officers' alone: a member
            // must not learn a result the officers may still correct.
            if record.is_none() && officer.is_none() {
                return Err(AppError::NotFound);
            }
            let results: Vec<QuestionResult> =
                serde_json::from_str(&result).map_err(|_| bad("result"))?;
            let questions = super::ballot_box::questions(conn, &id)?;
            Ok(json!({
                "ballot": {"id": id, "title": title, "status_key": status.message_key()},
                "questions": super::result_view::questions(lang, &questions, &results),
                "published": record.is_some(),
            }))
        })
        .await?;
    Ok(page.render("ballots/result", context))
}

/// The signed election record, public once published.
#[get("/ballots/<id>/record.json")]
async fn record_download(app: AppState<'_>, id: String) -> AppResult<(ContentType, String)> {
    let record: Option<String> = app
        .db
        .run(move |conn| {
            Ok(ballot_results::table
                .find(&id)
                .select(ballot_results::record)
                .first::<Option<String>>(conn)
                .optional()?
                .flatten())
        })
        .await?;
    record
        .map(|r| (ContentType::JSON, r))
        .ok_or(AppError::NotFound)
}

/// The published record of a ballot, if published.
fn published_record(conn: &mut DbConn, id: &str) -> AppResult<Option<String>> {
    Ok(ballot_results::table
        .find(id)
        .select(ballot_results::record)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The receipt check: a voter pastes the receipt kept after voting; the
/// server runs on the record it publishes exactly the check `votum verify
/// RECORD --receipt FILE` runs offline (specification V2.10). Works
/// without JavaScript.
#[get("/ballots/<id>/receipt-check")]
async fn receipt_check_form(app: AppState<'_>, page: Page, id: String) -> AppResult<Template> {
    let lookup = id.clone();
    let (title, published) = app
        .db
        .run(move |conn| {
            let title: String = ballots::table
                .find(&lookup)
                .select(ballots::title)
                .first(conn)?;
            Ok((title, published_record(conn, &lookup)?.is_some()))
        })
        .await?;
    Ok(page.render(
        "ballots/receipt_check",
        json!({"ballot": {"id": id, "title": title}, "published": published}),
    ))
}

/// What the receipt check found, as a message key and its kind.
fn receipt_message(
    outcome: &votum_ballots::record::ReceiptOutcome,
) -> (&'static str, &'static str) {
    use votum_ballots::record::ReceiptOutcome;
    match outcome {
        ReceiptOutcome::Found { .. } => ("success", "receipt_check.found"),
        ReceiptOutcome::NotFound => ("error", "receipt_check.not_found"),
        ReceiptOutcome::OtherBallot => ("error", "receipt_check.other_ballot"),
        ReceiptOutcome::BadSignature => ("error", "receipt_check.bad_signature"),
        ReceiptOutcome::NotAReceipt(_) => ("error", "receipt_check.not_a_receipt"),
    }
}

#[post("/ballots/<id>/receipt-check", data = "<form>")]
async fn receipt_check(
    app: AppState<'_>,
    page: Page,
    id: String,
    form: crate::web::CsrfForm<crate::web::Fields>,
) -> AppResult<(rocket::http::Status, Template)> {
    let receipt = form.0.get("receipt").unwrap_or("").trim().to_owned();
    let lookup = id.clone();
    let (title, record) = app
        .db
        .run(move |conn| {
            let title: String = ballots::table
                .find(&lookup)
                .select(ballots::title)
                .first(conn)?;
            Ok((title, published_record(conn, &lookup)?))
        })
        .await?;
    let Some(record) = record else {
        return Err(AppError::NotFound);
    };
    let record = votum_ballots::record::read(record.as_bytes())
        .map_err(|e| AppError::Internal(format!("published record: {e}")))?;
    let outcome = record.check_receipt(receipt.as_bytes());
    let (kind, key) = receipt_message(&outcome);
    let position = match outcome {
        votum_ballots::record::ReceiptOutcome::Found { position } => Some(position),
        _ => None,
    };
    // The chain counts from 0; people count from 1.
    let shown = position.map(|p| p + 1);
    let status = if position.is_some() {
        rocket::http::Status::Ok
    } else {
        rocket::http::Status::UnprocessableEntity
    };
    Ok((
        status,
        page.render(
            "ballots/receipt_check",
            json!({
                "ballot": {"id": id, "title": title},
                "published": true,
                "receipt": receipt,
                "outcome": {"kind": kind, "key": key, "position": shown},
            }),
        ),
    ))
}
