//! The trustees' key ceremony of a ballot (issue 11): pages for the
//! officers (name the trustees, fix the threshold, follow the ceremony,
//! remove a trustee and start again) and one page per trustee, reached by
//! the trustee's secret link, with the files to download and the one file
//! to upload for the current step. Thin handlers over [`ceremony`], which
//! holds the rules and the SQL; the cryptography is
//! `votum_crypto::threshold`, the trustee's tool `votum trustee`
//! (`docs/trustees.md`). After the ballot closes and the officers confirm
//! the tally, the same pages carry step 4, the partial decryption
//! ([`crate::ballots::tally`]).

pub mod ceremony;
pub mod local;

use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;

use self::ceremony::{CeremonyStage, Refusal};
use super::letters::Download;
use crate::ballots::tally::store as tally_store;
use crate::error::{AppError, AppResult};
use crate::rights::{BallotId, Officer, Trustee};
use crate::web::{AppState, CsrfForm, CsrfUpload, Page};
use votum_crypto::threshold::files::TrusteeFile;

pub fn routes() -> Vec<Route> {
    routes![
        officer_page,
        add,
        start,
        remove,
        trustee_page,
        trustee_file,
        trustee_upload
    ]
}

/// One trustee on the officers' page.
#[derive(Serialize)]
struct TrusteeLine {
    id: i64,
    name: String,
    email: Option<String>,
    certificate: bool,
    shares: bool,
    verification: bool,
    /// Uploaded a partial decryption that passed the checks.
    decrypted: bool,
}

/// The decryption on the officers' page.
#[derive(Serialize)]
struct TallyView {
    state_key: &'static str,
    /// The tally input fingerprint the trustees compare.
    digest: String,
    ballots: u64,
    have: u32,
    need: u32,
    /// How many partial decryptions are still missing.
    missing: u32,
}

/// The officers' ceremony page.
#[derive(Serialize)]
struct OfficerView {
    ballot_id: String,
    title: String,
    /// Trustees may be added or removed, the ceremony started.
    editable: bool,
    /// The threshold may be fixed (set-up, at least one trustee).
    startable: bool,
    stage_key: String,
    trustees: Vec<TrusteeLine>,
    count: usize,
    recommended: u32,
    threshold: Option<u32>,
    ceremony_fingerprint: Option<String>,
    public_key: Option<String>,
    /// A new trustee's link, shown once.
    new_link: Option<String>,
    new_name: Option<String>,
    tally: Option<TallyView>,
    error: Option<String>,
}

fn refusal_text(app: &AppState<'_>, page: &Page, refusal: &Refusal) -> String {
    let (key, args) = refusal.message();
    app.catalogues.format(page.lang, key, &args)
}

async fn officer_view(
    app: &AppState<'_>,
    page: &Page,
    id: String,
    new: Option<(String, String)>,
    error: Option<Refusal>,
) -> AppResult<Template> {
    let error = error.map(|r| refusal_text(app, page, &r));
    let view = app
        .db
        .run(move |conn| {
            use crate::db::schema::ballots;
            use diesel::prelude::*;
            let title: String = ballots::table
                .find(&id)
                .select(ballots::title)
                .first(conn)?;
            let editable =
                super::lifecycle::Act::Open.allowed_in(super::lifecycle::status(conn, &id)?);
            let ceremony = ceremony::load(conn, &id)?;
            let stored_tally = tally_store::load(conn, &id)?;
            let tally = match &stored_tally {
                Some(t) => {
                    let state = tally_store::state(conn, &id)?;
                    let need = ceremony.keys.as_ref().map_or(0, |k| k.threshold);
                    let have = u32::try_from(t.partials.len()).unwrap_or(u32::MAX);
                    Some(TallyView {
                        state_key: state.message_key(),
                        digest: t.digest.clone(),
                        ballots: t.ballots,
                        have,
                        need,
                        missing: need.saturating_sub(have),
                    })
                }
                None => None,
            };
            let decrypted_ids: Vec<i64> = stored_tally
                .map(|t| t.partials.into_iter().map(|(id, _)| id).collect())
                .unwrap_or_default();
            let count = ceremony.trustees.len();
            let n = u32::try_from(count).unwrap_or(u32::MAX);
            let (new_name, new_link) = new.unzip();
            Ok::<_, AppError>(OfficerView {
                startable: editable && ceremony.stage == CeremonyStage::Setup && count > 0,
                stage_key: ceremony.stage.message_key(),
                trustees: ceremony
                    .trustees
                    .iter()
                    .map(|t| TrusteeLine {
                        id: t.id,
                        name: t.name.clone(),
                        email: t.email.clone(),
                        certificate: t.certificate.is_some(),
                        shares: t.bundle.is_some(),
                        verification: t.verification.is_some(),
                        decrypted: decrypted_ids.contains(&t.id),
                    })
                    .collect(),
                count,
                recommended: ceremony::recommended_threshold(n),
                threshold: ceremony.file.as_ref().map(|f| f.threshold),
                ceremony_fingerprint: ceremony
                    .file
                    .as_ref()
                    .map(|f| ceremony::fingerprint(&f.fingerprint())),
                public_key: ceremony.keys.as_ref().map(ceremony::public_key_text),
                editable,
                ballot_id: id,
                title,
                new_link,
                new_name,
                tally,
                error,
            })
        })
        .await?;
    let context = serde_json::to_value(view)
        .map_err(|e| AppError::Internal(format!("trustees view: {e}")))?;
    Ok(page.render("ballots/trustees", context))
}

/// The officers' page of the key ceremony.
#[get("/ballots/<id>/trustees")]
async fn officer_page(
    app: AppState<'_>,
    page: Page,
    _officer: Officer<BallotId>,
    id: String,
) -> AppResult<Template> {
    officer_view(&app, &page, id, None, None).await
}

#[derive(FromForm)]
struct AddForm {
    name: String,
    email: String,
}

/// Names a trustee; the page shows the trustee's link once.
#[post("/ballots/<id>/trustees", data = "<form>")]
async fn add(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<AddForm>,
) -> AppResult<(Status, Template)> {
    let by = officer.user.account_id;
    let now = app.clock.now();
    let ballot = id.clone();
    let name = form.0.name.trim().to_owned();
    let email = form.0.email;
    let shown_name = name.clone();
    let outcome = app
        .db
        .run(move |conn| ceremony::add_trustee(conn, &ballot, &name, &email, by, now))
        .await?;
    Ok(match outcome {
        Ok(token) => {
            let link = format!("{}/trustee/{}", app.settings.public_url, token.expose());
            (
                Status::Ok,
                officer_view(&app, &page, id, Some((shown_name, link)), None).await?,
            )
        }
        Err(refusal) => (
            Status::UnprocessableEntity,
            officer_view(&app, &page, id, None, Some(refusal)).await?,
        ),
    })
}

#[derive(FromForm)]
struct StartForm {
    threshold: String,
}

/// Fixes the threshold and starts the ceremony.
#[post("/ballots/<id>/trustees/start", data = "<form>")]
async fn start(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<StartForm>,
) -> AppResult<Either<Flash<Redirect>, (Status, Template)>> {
    let by = officer.user.account_id;
    let now = app.clock.now();
    let ballot = id.clone();
    let outcome = app
        .db
        .run(move |conn| ceremony::start(conn, &ballot, &form.0.threshold, by, now))
        .await?;
    Ok(match outcome {
        Ok(()) => Either::Left(Flash::success(
            Redirect::to(format!("/ballots/{id}/trustees")),
            "trustees.started",
        )),
        Err(refusal) => Either::Right((
            Status::UnprocessableEntity,
            officer_view(&app, &page, id, None, Some(refusal)).await?,
        )),
    })
}

/// Removes a trustee; a ceremony under way starts again without them.
#[post("/ballots/<id>/trustees/<trustee>/remove", data = "<_form>")]
async fn remove(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    trustee: i64,
    _form: CsrfForm<crate::web::Fields>,
) -> AppResult<Either<Flash<Redirect>, (Status, Template)>> {
    let by = officer.user.account_id;
    let now = app.clock.now();
    let ballot = id.clone();
    let outcome = app
        .db
        .run(move |conn| ceremony::remove_trustee(conn, &ballot, trustee, by, now))
        .await?;
    Ok(match outcome {
        Ok(()) => Either::Left(Flash::success(
            Redirect::to(format!("/ballots/{id}/trustees")),
            "trustees.removed",
        )),
        Err(refusal) => Either::Right((
            Status::UnprocessableEntity,
            officer_view(&app, &page, id, None, Some(refusal)).await?,
        )),
    })
}

/// A file to download on the trustee page.
#[derive(Serialize)]
struct FileLink {
    name: String,
}

/// A trustee's page: the current step in plain words.
#[derive(Serialize)]
struct TrusteeView {
    /// The page's own path (with the secret token): links and the form.
    base: String,
    name: String,
    title: String,
    stage_key: String,
    /// 1–3 while a step waits for this trustee.
    step: Option<u8>,
    /// The step's name in the catalogue (`trustee.step_<slug>`, as
    /// `votum trustee` and docs/trustees.md name it).
    slug: &'static str,
    /// `trustee.download_<download>`.
    download: &'static str,
    /// `trustee.upload_<upload>`.
    upload: &'static str,
    /// This trustee did the current step and waits for the others.
    waiting: bool,
    done: usize,
    count: usize,
    threshold: Option<u32>,
    downloads: Vec<FileLink>,
    ceremony_fingerprint: Option<String>,
    public_key: Option<String>,
    /// The ballot has opened (or moved on) without a complete ceremony.
    closed: bool,
    /// Step 4, once the officers have started the tally.
    decryption: Option<DecryptionView>,
    error: Option<String>,
}

/// Step 4 on a trustee's page.
#[derive(Serialize)]
struct DecryptionView {
    /// The tally input fingerprint, shown large: the trustee compares it
    /// with what `votum trustee decrypt` prints and with the record.
    digest: String,
    /// The election fingerprint.
    election: String,
    ballots: u64,
    have: u32,
    need: u32,
    /// This trustee's partial decryption is stored.
    uploaded: bool,
    /// This trustee can upload now.
    open: bool,
    /// Enough trustees have decrypted: the result is counted.
    decrypted: bool,
}

async fn trustee_view(
    app: &AppState<'_>,
    page: &Page,
    trustee: &Trustee,
    token: &str,
    error: Option<String>,
) -> AppResult<Template> {
    let base = format!("/trustee/{token}");
    let (id, ballot) = (trustee.id, trustee.ballot_id.clone());
    let view = app
        .db
        .run(move |conn| {
            use crate::db::schema::ballots;
            use diesel::prelude::*;
            let title: String = ballots::table
                .find(&ballot)
                .select(ballots::title)
                .first(conn)?;
            let setup =
                super::lifecycle::Act::Open.allowed_in(super::lifecycle::status(conn, &ballot)?);
            let ceremony = ceremony::load(conn, &ballot)?;
            let decryption = match tally_store::load(conn, &ballot)? {
                Some(t) => {
                    let state = tally_store::state(conn, &ballot)?;
                    let uploaded = t.partials.iter().any(|(who, _)| *who == id);
                    Some(DecryptionView {
                        election: ceremony::fingerprint(&t.input.election),
                        digest: t.digest,
                        ballots: t.ballots,
                        have: u32::try_from(t.partials.len()).unwrap_or(u32::MAX),
                        need: ceremony.keys.as_ref().map_or(0, |k| k.threshold),
                        uploaded,
                        open: state.takes_partials() && !uploaded,
                        decrypted: state.has_result(),
                    })
                }
                None => None,
            };
            let me = ceremony
                .trustees
                .iter()
                .find(|t| t.id == id)
                .ok_or(AppError::NotFound)?;
            let waiting = ceremony.stage.step().is_some() && me.done(ceremony.stage);
            let step = ceremony.stage.step().filter(|_| !waiting && setup);
            let downloads = if step.is_some() || ceremony.stage == CeremonyStage::Complete {
                ceremony::downloads_for_step(&ceremony)
                    .into_iter()
                    .map(|name| FileLink { name })
                    .collect()
            } else {
                Vec::new()
            };
            let (slug, download, upload) = match step {
                Some(1) => ("init", "ceremony", "certificate"),
                Some(2) => ("share", "certificates", "shares"),
                _ => ("check", "all", "verification"),
            };
            Ok::<_, AppError>(TrusteeView {
                slug,
                download,
                upload,
                name: me.name.clone(),
                stage_key: ceremony.stage.message_key(),
                waiting,
                done: ceremony.done_count(),
                count: ceremony.trustees.len(),
                threshold: ceremony.file.as_ref().map(|f| f.threshold),
                downloads,
                ceremony_fingerprint: ceremony
                    .file
                    .as_ref()
                    .map(|f| ceremony::fingerprint(&f.fingerprint())),
                public_key: ceremony.keys.as_ref().map(ceremony::public_key_text),
                closed: !setup && ceremony.stage != CeremonyStage::Complete,
                decryption,
                step,
                title,
                base,
                error,
            })
        })
        .await?;
    let context =
        serde_json::to_value(view).map_err(|e| AppError::Internal(format!("trustee view: {e}")))?;
    Ok(page.render("trustee", context))
}

/// The trustee's page.
#[get("/trustee/<token>")]
async fn trustee_page(
    app: AppState<'_>,
    page: Page,
    trustee: Trustee,
    token: String,
) -> AppResult<Template> {
    trustee_view(&app, &page, &trustee, &token, None).await
}

/// A file of the ceremony for the trustee to download.
#[get("/trustee/<token>/<file>")]
async fn trustee_file(
    app: AppState<'_>,
    trustee: Trustee,
    token: String,
    file: String,
) -> AppResult<Download> {
    let _ = token;
    let ballot = trustee.ballot_id.clone();
    let name = file.clone();
    let body = app
        .db
        .run(move |conn| {
            if name == TALLY_INPUT {
                return Ok::<_, AppError>(
                    tally_store::load(conn, &ballot)?
                        .map(|t| votum_crypto::threshold::files::to_json(&t.input)),
                );
            }
            let ceremony = ceremony::load(conn, &ballot)?;
            Ok::<_, AppError>(ceremony::download(&ceremony, &name))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Download::new(ContentType::JSON, file, body.into_bytes()))
}

/// The name the tally input is downloaded under (as docs/trustees.md
/// and the page's command call it).
const TALLY_INPUT: &str = "tally-input.json";

/// What an upload through the trustee link came to.
enum Uploaded {
    Ceremony(Result<ceremony::Accepted, Refusal>),
    Partial(Result<tally_store::Accepted, tally_store::Refusal>),
}

/// The trustee uploads the file of the current step: a ceremony file
/// until the election key is fixed, a partial decryption after.
#[post("/trustee/<token>", data = "<upload>")]
async fn trustee_upload(
    app: AppState<'_>,
    page: Page,
    trustee: Trustee,
    token: String,
    upload: CsrfUpload,
) -> AppResult<Either<Flash<Redirect>, (Status, Template)>> {
    let now = app.clock.now();
    let id = trustee.id;
    let ballot = trustee.ballot_id.clone();
    let sealing = app.sealing.clone();
    let outcome = app
        .db
        .run(move |conn| {
            // A partial decryption, or anything once the tally has begun,
            // goes to the tally; ceremony files to the ceremony.
            let partial = votum_crypto::threshold::files::format_of(&upload.file).as_deref()
                == Some(<votum_crypto::threshold::PartialDecryption as TrusteeFile>::FORMAT);
            if partial || tally_store::load(conn, &ballot)?.is_some() {
                let outcome = tally_store::upload_partial(conn, &sealing, id, &upload.file, now)?;
                Ok::<_, AppError>(Uploaded::Partial(outcome))
            } else {
                Ok(Uploaded::Ceremony(ceremony::upload(
                    conn,
                    id,
                    &upload.file,
                    now,
                )?))
            }
        })
        .await?;
    let (status, error) = match outcome {
        Uploaded::Ceremony(Ok(_)) | Uploaded::Partial(Ok(_)) => {
            return Ok(Either::Left(Flash::success(
                Redirect::to(format!("/trustee/{token}")),
                "trustees.accepted",
            )))
        }
        Uploaded::Ceremony(Err(refusal)) => (
            Status::UnprocessableEntity,
            refusal_text(&app, &page, &refusal),
        ),
        Uploaded::Partial(Err(refusal)) => {
            let (key, args) = refusal.message();
            (
                refusal.status(),
                app.catalogues.format(page.lang, key, &args),
            )
        }
    };
    Ok(Either::Right((
        status,
        trustee_view(&app, &page, &trustee, &token, Some(error)).await?,
    )))
}
