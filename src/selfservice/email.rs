//! A new e-mail address counts only once the link mailed to it is opened
//! and confirmed: the address is the member's login name and where their
//! online mail goes, so a typo must not lock them out.

use chrono::Duration;
use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::edit_page;
use crate::audit::{self, Action, Event};
use crate::auth::CurrentUser;
use crate::db::models::EmailConfirmation;
use crate::db::schema::{email_confirmations, members};
use crate::error::{AppError, AppResult};
use crate::history;
use crate::mail::Mail;
use crate::web::{AppState, CsrfForm, Page};

const EMAIL_LINK_HOURS: i64 = 48;

#[derive(FromForm)]
pub struct EmailForm {
    email: String,
}

/// A plausible address: one `@`, something on both sides, a dot in the
/// domain, no spaces. Whether it works shows when the link arrives.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && crate::text::problem(email, crate::text::Shape::Line, crate::text::EMAIL).is_none()
        && !email.chars().any(char::is_whitespace)
}

#[post("/profile/email", data = "<form>")]
pub async fn request_email(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    form: CsrfForm<EmailForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let email = form.0.email.trim().to_lowercase();
    if !plausible_email(&email) {
        let errors = json!({"email": "selfservice.email_invalid"});
        return Ok(Err((
            Status::UnprocessableEntity,
            edit_page(app, &page, member_id, None, errors).await?,
        )));
    }
    let now = app.clock.now();
    let lang = page.lang;
    let catalogues = app.catalogues.clone();
    let mailer = app.mailer.clone();
    let base = app.settings.public_url.clone();
    let actor = user.account_id;
    app.db
        .run(move |conn| {
            let token = votum_crypto::Token::generate()?;
            diesel::insert_into(email_confirmations::table)
                .values(EmailConfirmation {
                    token_digest: token.digest,
                    member_id,
                    email: email.clone(),
                    expires_at: now + Duration::hours(EMAIL_LINK_HOURS),
                })
                .execute(conn)?;
            let link = format!(
                "{base}/profile/email/confirm?token={}",
                token.secret.expose()
            );
            mailer.send(
                conn,
                now,
                Mail {
                    to: email,
                    subject: catalogues.get(lang, "selfservice.email_subject").to_owned(),
                    body: catalogues.format(
                        lang,
                        "selfservice.email_body",
                        &[("link", link), ("hours", EMAIL_LINK_HOURS.to_string())],
                    ),
                },
            )?;
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(actor),
                    action: Action::EmailChangeRequested,
                    member: Some(member_id),
                    group: None,
                    detail: "",
                },
            )
        })
        .await?;
    Ok(Ok(Flash::success(
        Redirect::to("/profile/edit"),
        "selfservice.email_sent",
    )))
}

/// The link only shows a button: mail scanners that follow links must not
/// change an address.
#[get("/profile/email/confirm?<token>")]
pub async fn confirm_email_page(page: Page, token: String) -> Template {
    page.render("selfservice/email_confirm", json!({"token": token}))
}

#[derive(FromForm)]
pub struct ConfirmForm {
    token: String,
}

#[post("/profile/email/confirm", data = "<form>")]
pub async fn confirm_email(
    app: AppState<'_>,
    page: Page,
    form: CsrfForm<ConfirmForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let digest = votum_crypto::token::digest(form.0.token.trim());
    let now = app.clock.now();
    let done = app
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                // Deleting first makes the link single-use even when
                // opened twice at once.
                let found: Option<EmailConfirmation> = email_confirmations::table
                    .find(&digest)
                    .select(EmailConfirmation::as_select())
                    .first(conn)
                    .optional()?;
                let Some(found) = found else {
                    return Ok(false);
                };
                let deleted =
                    diesel::delete(email_confirmations::table.find(&digest)).execute(conn)?;
                if deleted != 1 || found.expires_at <= now {
                    return Ok(false);
                }
                let old: Option<String> = members::table
                    .find(found.member_id)
                    .select(members::email)
                    .first(conn)?;
                diesel::update(members::table.find(found.member_id))
                    .set(members::email.eq(&found.email))
                    .execute(conn)?;
                history::record(
                    conn,
                    now,
                    found.member_id,
                    None,
                    &[("email", old, Some(found.email.clone()))],
                )?;
                audit::record(
                    conn,
                    now,
                    Event {
                        actor: None,
                        action: Action::EmailConfirmed,
                        member: Some(found.member_id),
                        group: None,
                        detail: "",
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if done {
        Ok(Ok(Flash::success(
            Redirect::to("/"),
            "selfservice.email_confirmed",
        )))
    } else {
        Ok(Err((
            Status::UnprocessableEntity,
            page.render("selfservice/email_confirm", json!({"invalid": true})),
        )))
    }
}
