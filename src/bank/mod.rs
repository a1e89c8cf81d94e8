//! Bank details for dues: entered by the member, sealed at rest under the
//! configured key and bound to the member, shown masked; only a treasurer
//! of the member's chapter (or a chapter above) may reveal them in full,
//! and every reveal is in the audit log and the member's own log.

pub mod iban;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde::{Deserialize, Serialize};
use serde_json::json;
use votum_crypto::seal::SealingKey;
use zeroize::Zeroize;

use crate::audit::{self, Action, Event};
use crate::auth::{CurrentUser, Scope};
use crate::db::models::BankAccountRow;
use crate::db::schema::bank_accounts;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::history;
use crate::rights::{MemberId, Treasurer, Tree};
use crate::web::{AppState, CsrfForm, Page};

pub fn routes() -> Vec<Route> {
    routes![own, save_own, reveal]
}

/// A member's bank details in the clear. Never logged (`Debug` shows only
/// the masked IBAN) and wiped from memory when dropped.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BankDetails {
    pub iban: String,
    pub bic: String,
    pub holder: String,
    pub mandate_reference: String,
    pub mandate_date: String,
}

impl std::fmt::Debug for BankDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BankDetails({}, <redacted>)", iban::mask(&self.iban))
    }
}

impl Drop for BankDetails {
    fn drop(&mut self) {
        self.iban.zeroize();
        self.bic.zeroize();
        self.holder.zeroize();
        self.mandate_reference.zeroize();
        self.mandate_date.zeroize();
    }
}

/// The associated data every sealed bank row is bound to: a row copied to
/// another member does not open.
pub fn context(member_id: i64) -> Vec<u8> {
    format!("bank:{member_id}").into_bytes()
}

/// The form as typed.
#[derive(FromForm, Default, Serialize)]
pub struct BankForm {
    pub iban: String,
    pub bic: String,
    pub holder: String,
    pub mandate_reference: String,
    pub mandate_date: String,
}

/// Checks the form; errors are catalogue keys by field.
pub fn validate(
    form: &BankForm,
    today: NaiveDate,
) -> Result<BankDetails, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let iban = iban::parse_iban(&form.iban)
        .map_err(|e| errors.push(("iban", e.message_key())))
        .unwrap_or_default();
    let bic = iban::parse_bic(&form.bic)
        .map_err(|e| errors.push(("bic", e.message_key())))
        .unwrap_or_default();
    let holder = form.holder.trim().to_owned();
    if holder.is_empty() || holder.chars().count() > 70 {
        errors.push(("holder", "bank.holder_invalid"));
    } else if let Some(problem) = crate::text::problem(&holder, crate::text::Shape::Line, 70) {
        errors.push(("holder", problem));
    }
    // SEPA allows these characters in a mandate reference, up to 35.
    let reference = form.mandate_reference.trim().to_owned();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+?/-:().,' ".contains(c);
    if reference.is_empty() || reference.len() > 35 || !reference.chars().all(allowed) {
        errors.push(("mandate_reference", "bank.reference_invalid"));
    }
    let date = NaiveDate::parse_from_str(form.mandate_date.trim(), "%Y-%m-%d");
    match date {
        Ok(d) if d <= today => {}
        _ => errors.push(("mandate_date", "bank.date_invalid")),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BankDetails {
        iban,
        bic,
        holder,
        mandate_reference: reference,
        mandate_date: form.mandate_date.trim().to_owned(),
    })
}

/// Seals and stores `details` for `member_id`, replacing earlier ones, and
/// keeps the change (masked) in the member's history.
pub fn store(
    conn: &mut DbConn,
    sealing: &SealingKey,
    member_id: i64,
    details: &BankDetails,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(details).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let sealed = sealing.seal(&plain, &context(member_id))?;
    let masked = iban::mask(&details.iban);
    conn.transaction(|conn| {
        let old = masked_iban(conn, member_id)?;
        diesel::delete(bank_accounts::table.find(member_id)).execute(conn)?;
        diesel::insert_into(bank_accounts::table)
            .values(BankAccountRow {
                member_id,
                iban_masked: masked.clone(),
                sealed,
                updated_at: now,
            })
            .execute(conn)?;
        history::record(
            conn,
            now,
            member_id,
            actor,
            &[("bank_account", old, Some(masked.clone()))],
        )?;
        audit::record(
            conn,
            now,
            Event {
                actor,
                action: Action::BankDetailsChanged,
                member: Some(member_id),
                group: None,
                detail: "",
            },
        )
    })
}

/// The masked IBAN on file, if any.
pub fn masked_iban(conn: &mut DbConn, member_id: i64) -> AppResult<Option<String>> {
    Ok(bank_accounts::table
        .find(member_id)
        .select(bank_accounts::iban_masked)
        .first(conn)
        .optional()?)
}

/// Opens the stored details. A wrong key, a row moved from another member
/// or any altered byte is an error, never a wrong value.
pub fn open(
    conn: &mut DbConn,
    sealing: &SealingKey,
    member_id: i64,
) -> AppResult<Option<BankDetails>> {
    let Some(sealed) = bank_accounts::table
        .find(member_id)
        .select(bank_accounts::sealed)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let plain = zeroize::Zeroizing::new(sealing.open(&sealed, &context(member_id))?);
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|_| AppError::Internal("bank details: unreadable after opening".into()))
}

/// Whether `user` may reveal the bank details of `member_id`: a treasurer
/// today of the member's home chapter or a chapter above it (never an
/// admin as such, never through a working group). The route takes
/// [`crate::rights::Treasurer`], which asks this.
pub fn may_reveal(conn: &mut DbConn, user: &CurrentUser, member_id: i64) -> AppResult<bool> {
    let scope = Scope::Groups(user.treasurer_groups.clone());
    Tree::Chapters.holds(conn, &scope, member_id)
}

#[get("/profile/bank")]
async fn own(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let masked = app.db.run(move |conn| masked_iban(conn, member_id)).await?;
    Ok(page.render(
        "bank/own",
        json!({"masked": masked, "values": <BankForm as Default>::default()}),
    ))
}

#[post("/profile/bank", data = "<form>")]
async fn save_own(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    form: CsrfForm<BankForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let form = form.0;
    let details = match validate(&form, app.clock.today()) {
        Ok(details) => details,
        Err(errors) => {
            let errors: serde_json::Map<String, serde_json::Value> = errors
                .into_iter()
                .map(|(field, key)| (field.to_owned(), json!(key)))
                .collect();
            let masked = app.db.run(move |conn| masked_iban(conn, member_id)).await?;
            return Ok(Err((
                Status::UnprocessableEntity,
                page.render(
                    "bank/own",
                    json!({"masked": masked, "values": form, "errors": errors, "has_errors": true}),
                ),
            )));
        }
    };
    let sealing = app.sealing.clone();
    let now = app.clock.now();
    let actor = Some(user.account_id);
    app.db
        .run(move |conn| store(conn, &sealing, member_id, &details, actor, now))
        .await?;
    Ok(Ok(Flash::success(
        Redirect::to("/profile/bank"),
        "bank.saved",
    )))
}

/// Reveal is a POST: a deliberate, CSRF-checked act, never a prefetch.
#[post("/members/<id>/bank", data = "<_form>")]
async fn reveal(
    app: AppState<'_>,
    page: Page,
    treasurer: Treasurer<MemberId>,
    id: i64,
    _form: CsrfForm<crate::web::Fields>,
) -> AppResult<Template> {
    let sealing = app.sealing.clone();
    let now = app.clock.now();
    let user = treasurer.user;
    let details = app
        .db
        .run(move |conn| {
            let details = open(conn, &sealing, id)?.ok_or(AppError::NotFound)?;
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::BankDetailsRevealed,
                    member: Some(id),
                    group: None,
                    detail: "",
                },
            )?;
            Ok(details)
        })
        .await?;
    Ok(page.render(
        "bank/reveal",
        json!({
            "member_id": id.to_string(),
            "iban": iban::display(&details.iban),
            "bic": details.bic,
            "holder": details.holder,
            "mandate_reference": details.mandate_reference,
            "mandate_date": details.mandate_date,
        }),
    ))
}
