//! Lost letters. One officer requests a re-issue for a member; a second
//! confirms it with the re-issue key of the letter run. Confirming revokes
//! the member's unused letter credential, found by its tag under that key,
//! and returns a new letter. The server never keeps the key, so outside a
//! re-issue it cannot tell whose credential is whose.
//!
//! A letter made by the credential authority carries the authority's tag
//! (of the membership number, under the key of the authority's run). The
//! server cannot make its replacement without seeing a code, so confirming
//! revokes the old credential and puts the member back among the letter
//! electors waiting for a code: the officers export the electorate (now
//! this one member), the authority makes the one new letter, and its
//! public credential comes in through the usual four-eyes import.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Either, Route};
use votum_crypto::credential::ReissueKey;

use super::credential::{CredentialUse, ElectorChannel};
use super::letters::Download;
use super::officer::{self, Act, ActRefusal, PendingRequest};
use super::setup::{self, Origin};
use crate::audit::{self, Action};
use crate::db::schema::{credentials, electors, members, officer_acts};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::i18n::Catalogues;
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, Fields};

pub fn routes() -> Vec<Route> {
    routes![request, confirm_route]
}

/// Why a re-issue cannot be requested, as a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefusal {
    /// No member with that number got a letter for this ballot.
    NotLetterElector,
    /// The ballot is not open.
    NotOpen,
    /// A re-issue for this member waits for confirmation.
    AlreadyRequested,
}

impl RequestRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            RequestRefusal::NotLetterElector => "reissue.not_letter_elector",
            RequestRefusal::NotOpen => "officer.wrong_status",
            RequestRefusal::AlreadyRequested => "officer.already_requested",
        }
    }
}

/// Requests a re-issue for the member with `membership_number`.
pub fn request_reissue(
    conn: &mut DbConn,
    ballot: &str,
    membership_number: &str,
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<Result<i64, RequestRefusal>> {
    if !Act::Reissue.allowed_in(super::lifecycle::status(conn, ballot)?) {
        return Ok(Err(RequestRefusal::NotOpen));
    }
    let member: Option<i64> = electors::table
        .inner_join(members::table)
        .filter(electors::ballot_id.eq(ballot))
        .filter(electors::channel.eq(ElectorChannel::Letter))
        .filter(electors::issued.eq(true))
        .filter(members::membership_number.eq(membership_number.trim()))
        .select(members::id)
        .first(conn)
        .optional()?;
    let Some(member) = member else {
        return Ok(Err(RequestRefusal::NotLetterElector));
    };
    match officer::insert_request(conn, ballot, Act::Reissue, Some(member), officer, now) {
        Ok(id) => Ok(Ok(id)),
        Err(AppError::Conflict(_)) => Ok(Err(RequestRefusal::AlreadyRequested)),
        Err(e) => Err(e),
    }
}

/// A letter elector found by the manage page's search, to pick for a
/// re-issue.
#[derive(Debug, serde::Serialize)]
pub struct Pick {
    pub number: String,
    pub name: String,
    pub place: String,
}

/// The letter electors of `ballot` who have a letter and whose name (as
/// the member list searches it: "Müller", "mueller", "Anna Müller") or
/// membership number matches `text`; at most `limit`, by name. A search
/// that works as a plain form, so the officer needs no number and no
/// JavaScript.
pub fn find_letter_electors(
    conn: &mut DbConn,
    ballot: &str,
    text: &str,
    limit: i64,
) -> AppResult<Vec<Pick>> {
    use crate::members::query::Search;
    let mut query = electors::table
        .inner_join(members::table)
        .filter(electors::ballot_id.eq(ballot))
        .filter(electors::channel.eq(ElectorChannel::Letter))
        .filter(electors::issued.eq(true))
        .select((
            members::membership_number,
            members::first_name,
            members::last_name,
            members::postcode,
            members::city,
        ))
        .order((members::sort_key, members::id))
        .limit(limit)
        .into_boxed();
    match Search::parse(text) {
        Search::Everyone => return Ok(Vec::new()),
        Search::Number(number) => query = query.filter(members::membership_number.eq(number)),
        Search::Prefixes(prefixes) => {
            // Keys starting with a prefix: [prefix, prefix + max char). A
            // search has one prefix, or two for "first last".
            let Some(first) = prefixes.first() else {
                return Ok(Vec::new());
            };
            let second = prefixes.get(1).unwrap_or(first);
            let high = |prefix: &str| format!("{prefix}{}", char::MAX);
            query = query.filter(
                members::sort_key
                    .ge(first.clone())
                    .and(members::sort_key.lt(high(first)))
                    .or(members::sort_key
                        .ge(second.clone())
                        .and(members::sort_key.lt(high(second)))),
            );
        }
    }
    let rows: Vec<(String, String, String, String, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, first, last, postcode, city)| Pick {
            number,
            name: format!("{first} {last}"),
            place: format!("{postcode} {city}").trim().to_owned(),
        })
        .collect())
}

/// What confirming a re-issue gave.
#[derive(Debug)]
pub enum Replacement {
    /// The server's new letter, as PDF.
    Letter(Vec<u8>),
    /// The lost letter was the authority's: its credential is revoked and
    /// the member waits for the authority's new letter.
    ByAuthority,
}

/// Confirms the re-issue request `act_id` with the officers' `key`: revokes
/// the member's letter credential and returns the new letter as PDF (or,
/// for a letter of the credential authority, sends the member back to the
/// authority). The lost letter must be unused: its code may already have
/// voted, and a new code would then be a second vote.
#[allow(clippy::too_many_arguments)]
pub fn confirm(
    conn: &mut DbConn,
    catalogues: &Catalogues,
    public_url: &str,
    ballot: &str,
    act_id: i64,
    officer: i64,
    key: &ReissueKey,
    now: NaiveDateTime,
) -> AppResult<Result<Replacement, ActRefusal>> {
    // One transaction names the member (the act, the audit entry) and
    // writes the replacement credential: on PostgreSQL its xmin pairs them
    // until closing rewrites every credential; on SQLite the checkpoint
    // below empties the WAL that would pair them.
    let outcome = conn.transaction(|conn| {
        // The box lock orders this against casts and postal entries of the
        // old code: after commit it is revoked, before it was unused.
        if !super::ballot_box::lock(conn, ballot)? {
            return Err(AppError::NotFound);
        }
        let member = match officer::pending_request(conn, ballot, act_id, officer)? {
            Ok(PendingRequest {
                act: Act::Reissue,
                member: Some(member),
                ..
            }) => member,
            Ok(_) => return Ok(Err(ActRefusal::NotPending)),
            Err(refusal) => return Ok(Err(refusal)),
        };
        // The n-th replacement carries the n-th tag, never the lost one's:
        // without the key, nothing links a replacement to the letter it
        // replaces (and so to the member named in the act).
        let replaced: i64 = officer_acts::table
            .filter(officer_acts::ballot_id.eq(ballot))
            .filter(officer_acts::act.eq(Act::Reissue.as_str()))
            .filter(officer_acts::member_id.eq(member))
            .filter(officer_acts::confirmed_by.is_not_null())
            .count()
            .get_result(conn)?;
        let replaced = u32::try_from(replaced).unwrap_or(u32::MAX - 1);
        let number: String = members::table
            .find(member)
            .select(members::membership_number)
            .first(conn)?;
        let mut tags: Vec<String> = (0..=replaced)
            .map(|n| key.replacement_tag(ballot, member, n))
            .collect();
        tags.push(key.authority_tag(ballot, &number));
        let tag = key.replacement_tag(ballot, member, replaced + 1);
        let old: Option<(String, CredentialUse, String)> = credentials::table
            .filter(credentials::ballot_id.eq(ballot))
            .filter(credentials::reissue_tag.eq_any(&tags))
            .filter(credentials::revoked.eq(false))
            .select((
                credentials::public_key,
                credentials::used,
                credentials::origin,
            ))
            .first(conn)
            .optional()?;
        let Some((old_key, used, origin)) = old else {
            return Ok(Err(ActRefusal::KeyMismatch));
        };
        if !used.may_replace() {
            return Ok(Err(ActRefusal::LetterUsed));
        }
        diesel::update(
            credentials::table
                .filter(credentials::ballot_id.eq(ballot))
                .filter(credentials::public_key.eq(&old_key)),
        )
        .set(credentials::revoked.eq(true))
        .execute(conn)?;
        if origin == Origin::Authority.as_str() {
            // The member waits for a code again; issued electors and
            // active credentials still agree.
            diesel::update(
                electors::table
                    .filter(electors::ballot_id.eq(ballot))
                    .filter(electors::member_id.eq(member)),
            )
            .set(electors::issued.eq(false))
            .execute(conn)?;
            // No credential is made here: the authority's new letter comes
            // with an import (record count 0).
            officer::mark_confirmed_with_count(conn, act_id, officer, now, Some(0))?;
            audit::record_ballot(
                conn,
                now,
                Some(officer),
                Action::LetterReissued,
                ballot,
                Some(member),
                "",
            )?;
            return Ok(Ok(Replacement::ByAuthority));
        }
        let mut pdf = Vec::new();
        let public = super::letters::replacement(
            conn,
            catalogues,
            public_url,
            ballot,
            member,
            now.date(),
            &mut pdf,
        )?;
        setup::add_tagged_credentials(conn, ballot, vec![(public, Some(tag))], Origin::Server)?;
        // One new credential, the replacement letter's.
        officer::mark_confirmed_with_count(conn, act_id, officer, now, Some(1))?;
        audit::record_ballot(
            conn,
            now,
            Some(officer),
            Action::LetterReissued,
            ballot,
            Some(member),
            "",
        )?;
        Ok(Ok(Replacement::Letter(pdf)))
    });
    crate::db::forget_write_order(conn);
    outcome
}

fn manage(id: &str) -> Redirect {
    Redirect::to(format!("/ballots/{id}/manage"))
}

#[post("/ballots/<id>/reissue", data = "<form>")]
async fn request(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let account = officer.user.account_id;
    let number = form.0.get("member").unwrap_or("").to_owned();
    let now = app.clock.now();
    let target = manage(&id);
    let outcome = app
        .db
        .run(move |conn| request_reissue(conn, &id, &number, account, now))
        .await?;
    Ok(match outcome {
        Ok(_) => Flash::success(target, "officer.requested"),
        Err(refusal) => Flash::error(target, refusal.message_key()),
    })
}

#[post("/ballots/<id>/reissue/<act>", data = "<form>")]
async fn confirm_route(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    act: i64,
    form: CsrfForm<Fields>,
) -> AppResult<Either<Download, Flash<Redirect>>> {
    let target = manage(&id);
    let Ok(key) = ReissueKey::parse(form.0.get("key").unwrap_or("")) else {
        return Ok(Either::Right(Flash::error(target, "letters.key_invalid")));
    };
    let now = app.clock.now();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let name = format!("letter-{id}-reissued.pdf");
    let account = officer.user.account_id;
    let outcome = app
        .db
        .run(move |conn| confirm(conn, &catalogues, &public_url, &id, act, account, &key, now))
        .await;
    // A replacement letter that cannot be printed (an address too wide for
    // the window) is named in the log and answered with a message; the
    // transaction stored nothing.
    let outcome = match outcome {
        Err(AppError::BadRequest(detail)) => {
            log::warn!("replacement letter not issued: {detail}");
            return Ok(Either::Right(Flash::error(target, "letters.cannot_print")));
        }
        other => other?,
    };
    Ok(match outcome {
        Ok(Replacement::Letter(pdf)) => {
            Either::Left(Download::new(rocket::http::ContentType::PDF, name, pdf))
        }
        Ok(Replacement::ByAuthority) => Either::Right(Flash::success(target, "authority.reissued")),
        Err(refusal) => Either::Right(Flash::error(target, refusal.message_key())),
    })
}
