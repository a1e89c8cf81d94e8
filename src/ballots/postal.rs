//! Postal votes: officers register returned voting slips by scanning or
//! typing the slip's code and entering its marks. A credential counts once:
//! a slip whose credential was used online is kept as void, unopened, and a
//! credential used by post is refused online.

use diesel::prelude::*;
use rocket::http::Status;
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;
use votum_ballots::Choice;
use votum_crypto::credential::{Code, CredentialKey};

use super::credential::{CredentialUse, PostalUse};
use super::form::choices;
use super::vote::{load, BallotInfo};
use crate::db::models::text_enum;
use crate::db::schema::{credentials, postal_votes};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![postal_form, register_slip]
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
}

impl SlipRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            SlipRefusal::WrongStatus => "postal.wrong_status",
            SlipRefusal::UnknownCode => "postal.unknown_code",
            SlipRefusal::Revoked => "postal.revoked",
            SlipRefusal::AlreadyRegistered => "postal.already_registered",
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
        let outcome = register(conn, ballot, code, marks)?;
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

/// Registers one slip under the ballot box lock, so it and an online cast
/// with the same credential cannot both count.
pub fn register(
    conn: &mut DbConn,
    ballot: &str,
    code: &Code,
    marks: &[Choice],
) -> AppResult<Result<Registered, SlipRefusal>> {
    let credential = CredentialKey::derive(code, ballot).public().to_base64();
    let marks =
        serde_json::to_string(marks).map_err(|e| AppError::Internal(format!("marks: {e}")))?;
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
        let (outcome, stored) = match used.postal() {
            PostalUse::AlreadyRegistered => return Ok(Err(SlipRefusal::AlreadyRegistered)),
            PostalUse::VoidUsedOnline => (Registered::VoidUsedOnline, "[]".to_owned()),
            PostalUse::Count => (Registered::Counted, marks),
        };
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
) -> Template {
    page.render(
        "ballots/postal",
        json!({
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
    _officer: Officer<BallotId>,
    id: String,
) -> AppResult<Template> {
    let (ballot, counts) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            let counts = counts(conn, &id)?;
            Ok((ballot, counts))
        })
        .await?;
    Ok(render(
        &page,
        &ballot,
        &Fields(Vec::new()),
        &[],
        counts,
        None,
    ))
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
                    let counts = counts(conn, &id)?;
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
                Err(errors) => {
                    let counts = counts(conn, &id)?;
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
            let counts = counts(conn, &id)?;
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
                render(&page, &ballot, &fields, &errors, counts, message),
            )
        })?;
    Ok((status, template))
}
