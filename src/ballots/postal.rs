//! Postal votes: officers register returned voting slips by scanning or
//! typing the slip's code and entering its marks. A credential counts once:
//! a slip whose credential was used online is kept as void, unopened, and a
//! credential used by post is refused online.
//!
//! Slips are entered in batches, a four-eyes act (`enter_postal_votes`):
//! the first slip an officer enters opens a batch in that officer's name;
//! a second officer confirms it (only confirmed batches count, each is an
//! act of the election record) or discards it, which frees its slips'
//! credentials. Under record version 2 every entry is signed by the
//! credential the slip's code derives — the server derives the key, signs
//! the entry (fingerprint and marks, or "void") and forgets the code — so
//! no entry can be added without the slip.

use diesel::prelude::*;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;
use votum_ballots::Choice;
use votum_crypto::credential::Code;

use super::credential::{CredentialUse, PostalUse};
use super::form::choices;
use super::lifecycle::Act;
use super::protocol::Protocol;
use super::vote::{load, BallotInfo};
use crate::db::models::text_enum;
use crate::db::schema::{credentials, officer_acts, postal_votes};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![postal_form, register_slip, confirm_batch, discard_batch]
}

text_enum!(
    /// What became of a registered slip (stored in `postal_votes.status`).
    Registered {
        Counted => "counted",
        VoidUsedOnline => "void_used_online",
    }
);

/// Why a slip was not registered, as a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipRefusal {
    WrongStatus,
    UnknownCode,
    Revoked,
    AlreadyRegistered,
    /// Another officer's batch is open: it must be confirmed or discarded
    /// first, so that every batch is one officer's entries.
    BatchOfAnother,
}

impl SlipRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            SlipRefusal::WrongStatus => "postal.wrong_status",
            SlipRefusal::UnknownCode => "postal.unknown_code",
            SlipRefusal::Revoked => "postal.revoked",
            SlipRefusal::AlreadyRegistered => "postal.already_registered",
            SlipRefusal::BatchOfAnother => "postal.batch_of_another",
        }
    }
}

/// [`register`] by `officer`, logged in the same transaction: the entry
/// names the officer and the ballot, never the code, the credential or the
/// marks, and no member (the transaction writes a credential use).
pub fn register_by(
    conn: &mut DbConn,
    ballot: &str,
    code: &Code,
    marks: &[Choice],
    officer: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<Result<Registered, SlipRefusal>> {
    conn.transaction(|conn| {
        let outcome = register(conn, ballot, code, marks, officer, now)?;
        if outcome.is_ok() {
            crate::audit::record_ballot(
                conn,
                now,
                Some(officer),
                crate::audit::Action::PostalSlipEntered,
                ballot,
                None,
                "",
            )?;
        }
        Ok(outcome)
    })
}

/// The open (unconfirmed) postal batch of a ballot: its act id and the
/// officer who opened it.
pub fn open_batch(conn: &mut DbConn, ballot: &str) -> AppResult<Option<(i64, i64)>> {
    Ok(officer_acts::table
        .filter(officer_acts::ballot_id.eq(ballot))
        .filter(officer_acts::act.eq(Act::EnterPostalVotes))
        .filter(officer_acts::confirmed_by.is_null())
        .select((officer_acts::id, officer_acts::requested_by))
        .first(conn)
        .optional()?)
}

/// Whether a postal batch waits for confirmation.
pub fn batch_pending(conn: &mut DbConn, ballot: &str) -> AppResult<bool> {
    Ok(open_batch(conn, ballot)?.is_some())
}

/// The number of slips entered in a batch.
pub fn batch_size(conn: &mut DbConn, batch: i64) -> AppResult<i64> {
    Ok(postal_votes::table
        .filter(postal_votes::batch.eq(batch))
        .count()
        .get_result(conn)?)
}

/// Registers one slip into `officer`'s open batch (opening one if none is
/// open) under the ballot box lock, so it and an online cast with the same
/// credential cannot both count.
pub fn register(
    conn: &mut DbConn,
    ballot: &str,
    code: &Code,
    marks: &[Choice],
    officer: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<Result<Registered, SlipRefusal>> {
    let protocol = Protocol::of(conn, ballot)?;
    let key = protocol.derive(code, ballot);
    let public = key.public();
    let credential = public.to_base64();
    conn.transaction(|conn| {
        if !super::ballot_box::lock(conn, ballot)? {
            return Err(AppError::NotFound);
        }
        if !super::lifecycle::status(conn, ballot)?.accepts_postal() {
            return Ok(Err(SlipRefusal::WrongStatus));
        }
        let row: Option<(bool, CredentialUse)> = credentials::table
            .find((ballot, &credential))
            .select((credentials::revoked, credentials::used))
            .first(conn)
            .optional()?;
        let (revoked, used) = match row {
            None => return Ok(Err(SlipRefusal::UnknownCode)),
            Some(row) => row,
        };
        if revoked {
            return Ok(Err(SlipRefusal::Revoked));
        }
        let outcome = match used.postal() {
            PostalUse::AlreadyRegistered => return Ok(Err(SlipRefusal::AlreadyRegistered)),
            PostalUse::VoidUsedOnline => Registered::VoidUsedOnline,
            PostalUse::Count => Registered::Counted,
        };
        let batch = match open_batch(conn, ballot)? {
            Some((batch, by)) if by == officer => batch,
            Some(_) => return Ok(Err(SlipRefusal::BatchOfAnother)),
            None => super::officer::insert_request(
                conn,
                ballot,
                Act::EnterPostalVotes,
                None,
                officer,
                now,
            )?,
        };
        // A void slip is registered from its code alone: its marks are
        // neither read nor stored. Under "encrypted" a counted slip's marks
        // are encrypted for its credential and only the ciphertexts stored.
        let counted = outcome == Registered::Counted;
        let (stored, signature) = protocol.postal_entry(conn, ballot, &key, counted, marks)?;
        if outcome == Registered::Counted {
            diesel::update(credentials::table.find((ballot, &credential)))
                .set(credentials::used.eq(CredentialUse::Post))
                .execute(conn)?;
        }
        diesel::insert_into(postal_votes::table)
            .values((
                postal_votes::ballot_id.eq(ballot),
                postal_votes::credential.eq(&credential),
                postal_votes::choices.eq(stored),
                postal_votes::status.eq(outcome),
                postal_votes::batch.eq(Some(batch)),
                postal_votes::signature.eq(signature.map(|s| s.to_base64())),
            ))
            .execute(conn)
            .map_err(|e| match AppError::from(e) {
                // A void slip registered twice hits the primary key.
                AppError::Conflict(_) => AppError::Conflict("slip already registered".into()),
                other => other,
            })?;
        Ok(Ok(outcome))
    })
}

/// Whether `code`'s credential was used online (a slip of it is void).
fn voted_online(conn: &mut DbConn, ballot: &str, code: &Code) -> AppResult<bool> {
    let credential = Protocol::of(conn, ballot)?
        .derive(code, ballot)
        .public()
        .to_base64();
    let used: Option<CredentialUse> = credentials::table
        .find((ballot, &credential))
        .select(credentials::used)
        .first(conn)
        .optional()?;
    Ok(used.is_some_and(|used| matches!(used.postal(), PostalUse::VoidUsedOnline)))
}

/// Discards the open batch `batch`: its slips are removed and their
/// credentials freed, so the slips can be entered again. Any officer of
/// the ballot may discard; nothing of a discarded batch counts.
pub fn discard(
    conn: &mut DbConn,
    ballot: &str,
    batch: i64,
    officer: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<bool> {
    conn.transaction(|conn| {
        if !super::ballot_box::lock(conn, ballot)? {
            return Err(AppError::NotFound);
        }
        if open_batch(conn, ballot)?.map(|(id, _)| id) != Some(batch) {
            return Ok(false);
        }
        let counted: Vec<String> = postal_votes::table
            .filter(postal_votes::ballot_id.eq(ballot))
            .filter(postal_votes::batch.eq(batch))
            .filter(postal_votes::status.eq(Registered::Counted))
            .select(postal_votes::credential)
            .load(conn)?;
        diesel::update(
            credentials::table
                .filter(credentials::ballot_id.eq(ballot))
                .filter(credentials::public_key.eq_any(&counted))
                .filter(credentials::used.eq(CredentialUse::Post)),
        )
        .set(credentials::used.eq(CredentialUse::No))
        .execute(conn)?;
        diesel::delete(postal_votes::table.filter(postal_votes::batch.eq(batch))).execute(conn)?;
        diesel::delete(officer_acts::table.find(batch)).execute(conn)?;
        crate::audit::record_ballot(
            conn,
            now,
            Some(officer),
            crate::audit::Action::PostalBatchDiscarded,
            ballot,
            None,
            "",
        )?;
        Ok(true)
    })
}

/// The batches for the page: the open one (whose, how many slips) and
/// the confirmed ones in order.
fn batches_view(conn: &mut DbConn, ballot: &str, account: i64) -> AppResult<serde_json::Value> {
    let open = match open_batch(conn, ballot)? {
        Some((id, by)) => Some(json!({
            "id": id.to_string(),
            "entries": batch_size(conn, id)?,
            "mine": by == account,
        })),
        None => None,
    };
    let confirmed: Vec<serde_json::Value> = super::record::confirmed_batches(conn, ballot)?
        .into_iter()
        .zip(1..)
        .map(|(id, number): (i64, i64)| {
            let at: Option<chrono::NaiveDateTime> = officer_acts::table
                .find(id)
                .select(officer_acts::confirmed_at)
                .first(conn)?;
            Ok(json!({
                "number": number,
                "entries": batch_size(conn, id)?,
                "confirmed_at": at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
            }))
        })
        .collect::<AppResult<_>>()?;
    Ok(json!({"open": open, "confirmed": confirmed}))
}

fn counts(conn: &mut DbConn, ballot: &str) -> AppResult<(i64, i64)> {
    let counted: i64 = postal_votes::table
        .filter(postal_votes::ballot_id.eq(ballot))
        .filter(postal_votes::status.eq(Registered::Counted))
        .count()
        .get_result(conn)?;
    let void: i64 = postal_votes::table
        .filter(postal_votes::ballot_id.eq(ballot))
        .filter(postal_votes::status.eq(Registered::VoidUsedOnline))
        .count()
        .get_result(conn)?;
    Ok((counted, void))
}

fn render(
    page: &Page,
    ballot: &BallotInfo,
    fields: &Fields,
    errors: &[super::form::FieldError],
    counts: (i64, i64),
    message: Option<(&str, &str)>,
    batches: serde_json::Value,
) -> Template {
    page.render(
        "ballots/postal",
        json!({
            "batches": batches,
            "ballot": ballot.summary(),
            "questions": ballot.form_view(fields, errors, page.browser_seed()),
            "code": fields.get("code").unwrap_or(""),
            "counted": counts.0,
            "void": counts.1,
            "message": message.map(|(kind, key)| json!({"kind": kind, "key": key})),
        }),
    )
}

#[get("/ballots/<id>/postal")]
async fn postal_form(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
) -> AppResult<Template> {
    let account = officer.user.account_id;
    let (ballot, counts, batches) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            let counts = counts(conn, &id)?;
            let batches = batches_view(conn, &id, account)?;
            Ok((ballot, counts, batches))
        })
        .await?;
    Ok(render(
        &page,
        &ballot,
        &Fields(Vec::new()),
        &[],
        counts,
        None,
        batches,
    ))
}

/// A second officer confirms an open batch: its slips count from now on
/// and the batch is an `enter_postal_votes` act of the record.
#[post("/ballots/<id>/postal/batches/<batch>/confirm", data = "<_form>")]
async fn confirm_batch(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    batch: i64,
    _form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let account = officer.user.account_id;
    let now = app.clock.now();
    let target = format!("/ballots/{id}/postal");
    let sealing = app.sealing.clone();
    let outcome = app
        .db
        .run(move |conn| {
            // Only a postal batch is confirmed here.
            if open_batch(conn, &id)?.map(|(b, _)| b) != Some(batch) {
                return Ok(Err(super::officer::ActRefusal::NotPending));
            }
            super::officer::confirm_act(conn, &sealing, &id, batch, account, now)
        })
        .await?;
    Ok(match outcome {
        Ok(_) => Flash::success(Redirect::to(target), "postal.batch_confirmed"),
        Err(refusal) => Flash::error(Redirect::to(target), refusal.message_key()),
    })
}

/// Discards an open batch: its slips are removed and can be entered again.
#[post("/ballots/<id>/postal/batches/<batch>/discard", data = "<_form>")]
async fn discard_batch(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    batch: i64,
    _form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let account = officer.user.account_id;
    let now = app.clock.now();
    let target = format!("/ballots/{id}/postal");
    let discarded = app
        .db
        .run(move |conn| discard(conn, &id, batch, account, now))
        .await?;
    Ok(if discarded {
        Flash::success(Redirect::to(target), "postal.batch_discarded")
    } else {
        Flash::error(Redirect::to(target), "officer.not_pending")
    })
}

#[post("/ballots/<id>/postal", data = "<form>")]
async fn register_slip(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<(Status, Template)> {
    let fields = form.0;
    let account = officer.user.account_id;
    let now = app.clock.now();
    let (status, template) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            let code = match Code::parse(fields.get("code").unwrap_or("")) {
                Ok(code) => code,
                Err(_) => {
                    let counts = (counts(conn, &id)?, batches_view(conn, &id, account)?);
                    return Ok((
                        Status::UnprocessableEntity,
                        (
                            ballot,
                            fields,
                            Vec::new(),
                            counts,
                            Some(("error", "postal.code_invalid")),
                        ),
                    ));
                }
            };
            let marks = match choices(&ballot.questions, &fields) {
                Ok(marks) => marks,
                // A slip whose code voted online is void from its code
                // alone: the envelope stays shut, so no marks are typed.
                // (Online use is never undone, so `register` finds it too.)
                Err(_) if voted_online(conn, &id, &code)? => Vec::new(),
                Err(errors) => {
                    let counts = (counts(conn, &id)?, batches_view(conn, &id, account)?);
                    return Ok((
                        Status::UnprocessableEntity,
                        (
                            ballot,
                            fields,
                            errors,
                            counts,
                            Some(("error", "vote.fix_answers")),
                        ),
                    ));
                }
            };
            let outcome = register_by(conn, &id, &code, &marks, account, now)?;
            let counts = (counts(conn, &id)?, batches_view(conn, &id, account)?);
            Ok(match outcome {
                Ok(Registered::Counted) => (
                    Status::Ok,
                    (
                        ballot,
                        Fields(Vec::new()),
                        Vec::new(),
                        counts,
                        Some(("success", "postal.counted")),
                    ),
                ),
                Ok(Registered::VoidUsedOnline) => (
                    Status::Ok,
                    (
                        ballot,
                        Fields(Vec::new()),
                        Vec::new(),
                        counts,
                        Some(("warning", "postal.void_used_online")),
                    ),
                ),
                Err(refusal) => (
                    Status::UnprocessableEntity,
                    (
                        ballot,
                        fields,
                        Vec::new(),
                        counts,
                        Some(("error", refusal.message_key())),
                    ),
                ),
            })
        })
        .await
        .map(|(status, (ballot, fields, errors, counts, message))| {
            (
                status,
                render(
                    &page, &ballot, &fields, &errors, counts.0, message, counts.1,
                ),
            )
        })?;
    Ok((status, template))
}
