//! The credential authority (issue 11, as Belenios' credential authority):
//! letter codes made on a machine apart from the server.
//!
//! The officers download the electorate file of the letter electors
//! ([`store::export`]), the authority runs `votum credentials` on it
//! ([`run`], no database), the print shop gets the letters PDF, and the
//! officers upload the public-credentials file here: one stages it, a
//! second confirms, and only then are the credentials stored, with
//! `origin: "authority"` in the record. The server never sees a letter
//! code. Lost letters go through the usual re-issue (`reissue`), which
//! sends an authority letter's member back to the authority.

pub mod run;
pub mod store;

use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;

use self::store::Refusal;
use super::letters::Download;
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, CsrfUpload, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![page, export, upload]
}

/// The authority page of one ballot.
#[derive(Serialize)]
struct AuthorityView {
    ballot_id: String,
    title: String,
    /// The definition hash in groups of eight, as the CLI prints it.
    definition_hash: String,
    exports: bool,
    imports: bool,
    /// Letter electors without a credential (frozen: open ballots only).
    pending: Option<i64>,
    error: Option<String>,
}

/// A hash in groups of eight hex digits, easy to compare by eye.
pub fn grouped(hash: &str) -> String {
    hash.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn view(
    app: &AppState<'_>,
    page: &Page,
    id: String,
    error: Option<Refusal>,
) -> crate::error::AppResult<Template> {
    let lang = page.lang;
    let catalogues = app.catalogues.clone();
    let view = app
        .db
        .run(move |conn| {
            use crate::ballots::credential::ElectorChannel;
            use crate::db::schema::electors;
            use diesel::prelude::*;
            let facts = store::ballot_facts(conn, &id)?;
            let imports = super::lifecycle::Act::ImportCredentials.allowed_in(facts.status);
            let pending = if imports {
                Some(
                    electors::table
                        .filter(electors::ballot_id.eq(&id))
                        .filter(electors::channel.eq(ElectorChannel::Letter))
                        .filter(electors::issued.eq(false))
                        .count()
                        .get_result(conn)?,
                )
            } else {
                None
            };
            Ok::<_, crate::error::AppError>(AuthorityView {
                definition_hash: grouped(&facts.letter.definition_hash()),
                title: facts.letter.title,
                ballot_id: id,
                exports: store::exports_in(facts.status),
                imports,
                pending,
                error: error.map(|refusal| {
                    let (key, args) = refusal.message();
                    catalogues.format(lang, key, &args)
                }),
            })
        })
        .await?;
    let context = serde_json::to_value(view)
        .map_err(|e| crate::error::AppError::Internal(format!("authority view: {e}")))?;
    Ok(page.render("ballots/authority", context))
}

/// What the officers do for a credential authority: export, upload.
#[get("/ballots/<id>/authority")]
async fn page(
    app: AppState<'_>,
    page: Page,
    _officer: Officer<BallotId>,
    id: String,
) -> crate::error::AppResult<Template> {
    view(&app, &page, id, None).await
}

/// The electorate file, for the authority.
#[post("/ballots/<id>/electorate", data = "<_form>")]
async fn export(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    _form: CsrfForm<Fields>,
) -> crate::error::AppResult<Either<Download, (Status, Template)>> {
    let public_url = app.settings.public_url.clone();
    let by = officer.user.account_id;
    let now = app.clock.now();
    let ballot = id.clone();
    let file = app
        .db
        .run(move |conn| store::export(conn, &public_url, &ballot, by, now))
        .await?;
    Ok(match file {
        Ok(file) => Either::Left(Download::new(
            ContentType::JSON,
            format!("electorate-{id}.json"),
            file.to_canonical_json(),
        )),
        Err(refusal) => Either::Right((
            Status::UnprocessableEntity,
            view(&app, &page, id, Some(refusal)).await?,
        )),
    })
}

/// A public-credentials file, staged for a second officer's confirmation.
#[post("/ballots/<id>/credentials", data = "<upload>")]
async fn upload(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    upload: CsrfUpload,
) -> crate::error::AppResult<Either<Flash<Redirect>, (Status, Template)>> {
    let by = officer.user.account_id;
    let now = app.clock.now();
    let ballot = id.clone();
    let outcome = app
        .db
        .run(move |conn| store::stage(conn, &ballot, &upload.file, by, now))
        .await?;
    Ok(match outcome {
        Ok(_) => Either::Left(Flash::success(
            Redirect::to(format!("/ballots/{id}/manage")),
            "authority.staged",
        )),
        Err(refusal) => Either::Right((
            Status::UnprocessableEntity,
            view(&app, &page, id, Some(refusal)).await?,
        )),
    })
}
