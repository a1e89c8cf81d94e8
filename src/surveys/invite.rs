//! Invitations: an e-mail through the outbox for members who get mail, and
//! a printed letter (PDF with a QR code, like the ballot letters) for
//! members who chose paper. A letter carries a one-time code; the database
//! keeps only its digest, and for anonymous surveys no member beside it.
//! The member is marked as reached by letter, so the same person cannot
//! also answer online.

use std::io::Write;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Route};
use votum_crypto::credential::Code;
use votum_letters::{Letter, LetterWriter};

use super::results::public_link;
use super::setup::Audience;
use super::store::code_digest;
use super::Survey;
use crate::addresses::Addressee;
use crate::ballots::letters::Download;
use crate::db::models::Language;
use crate::db::schema::{member_scopes, members, survey_codes, survey_participants, surveys};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::i18n::Catalogues;
use crate::mail::{Mail, Mailer};
use crate::web::{AppState, CsrfForm, Fields};

pub fn routes() -> Vec<Route> {
    routes![invite, letters]
}

/// Ids of the active members the survey is for, with their channel.
fn audience(conn: &mut DbConn, survey: &Survey, channel: &str) -> AppResult<Vec<i64>> {
    let base = members::table
        .filter(members::status.eq("active"))
        .filter(members::channel.eq(channel))
        .select(members::id)
        .order(members::id)
        .into_boxed();
    Ok(match (survey.audience, survey.group_id) {
        (Audience::Group, Some(group)) => base
            .filter(
                members::id.eq_any(
                    member_scopes::table
                        .filter(member_scopes::group_id.eq(group))
                        .select(member_scopes::member_id),
                ),
            )
            .load(conn)?,
        (Audience::Link, _) => Vec::new(),
        _ => base.load(conn)?,
    })
}

/// Mails the invitation to every member of the audience who chose online
/// delivery and has an address; returns how many went out.
pub fn send_invitations(
    conn: &mut DbConn,
    mailer: &Mailer,
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let ids = audience(conn, survey, "online")?;
    let link = public_link(public_url, &survey.id);
    let closes = survey.closes_at.format("%d.%m.%Y %H:%M").to_string();
    let mut sent = 0;
    for chunk in ids.chunks(1000) {
        let rows: Vec<(Option<String>, String, String)> = members::table
            .filter(members::id.eq_any(chunk))
            .select((members::email, members::first_name, members::language))
            .load(conn)?;
        for (email, first_name, language) in rows {
            let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
                continue;
            };
            let lang = Language::parse(&language).unwrap_or(Language::De);
            let args = [
                ("title", survey.title.clone()),
                ("link", link.clone()),
                ("closes", closes.clone()),
                ("name", first_name),
            ];
            mailer.send(
                conn,
                now,
                Mail {
                    to: email,
                    subject: catalogues.format(lang, "surveys.mail_subject", &args),
                    body: catalogues.format(lang, "surveys.mail_body", &args),
                },
            )?;
            sent += 1;
        }
    }
    Ok(sent)
}

#[post("/surveys/<id>/invite", data = "<_form>")]
async fn invite(
    app: AppState<'_>,
    user: crate::auth::CurrentUser,
    id: String,
    _form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let now = app.clock.now();
    let mailer = app.mailer.clone();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let target = format!("/surveys/{id}");
    let sent = app
        .db
        .run(move |conn| {
            let survey = super::owned(conn, &user, &id)?;
            // Claimed in the database first: of two clicks, one mails.
            let claimed = diesel::update(
                surveys::table
                    .find(&survey.id)
                    .filter(surveys::mailed_at.is_null()),
            )
            .set(surveys::mailed_at.eq(Some(now)))
            .execute(conn)?;
            if claimed != 1 {
                return Ok(None);
            }
            send_invitations(conn, &mailer, &catalogues, &public_url, &survey, now).map(Some)
        })
        .await?;
    Ok(match sent {
        Some(sent) => {
            log::info!("survey invitations sent: {sent}");
            Flash::success(Redirect::to(target), "surveys.invitations_sent")
        }
        None => Flash::error(Redirect::to(target), "surveys.invitations_already_sent"),
    })
}

#[post("/surveys/<id>/letters", data = "<_form>")]
async fn letters(
    app: AppState<'_>,
    user: crate::auth::CurrentUser,
    id: String,
    _form: CsrfForm<Fields>,
) -> AppResult<Result<Download, Flash<Redirect>>> {
    let now = app.clock.now();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let name = format!("survey-letters-{id}.pdf");
    let target = format!("/surveys/{id}");
    let (written, pdf) = app
        .db
        .run(move |conn| {
            let survey = super::owned(conn, &user, &id)?;
            if survey.phase(now) == super::Phase::Closed {
                return Err(AppError::BadRequest("the survey has closed".into()));
            }
            let mut pdf = Vec::new();
            let written = issue_letters(conn, &catalogues, &public_url, &survey, &mut pdf)?;
            Ok((written, pdf))
        })
        .await?;
    // A PDF without pages helps nobody; say why there is none.
    if written == 0 {
        return Ok(Err(Flash::error(
            Redirect::to(target),
            "surveys.no_letters",
        )));
    }
    Ok(Ok(Download::new(rocket::http::ContentType::PDF, name, pdf)))
}

/// Writes a letter with a fresh code to every paper member of the audience
/// not yet reached, and records them in one transaction after the PDF is
/// complete. Returns how many letters were written.
pub fn issue_letters(
    conn: &mut DbConn,
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    out: impl Write,
) -> AppResult<usize> {
    let reached: std::collections::HashSet<i64> = survey_participants::table
        .filter(survey_participants::survey_id.eq(&survey.id))
        .select(survey_participants::member_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = audience(conn, survey, "paper")?
        .into_iter()
        .filter(|id| !reached.contains(id))
        .collect();
    let letter_error = |e: votum_letters::LetterError| AppError::Internal(format!("letters: {e}"));
    let mut writer = LetterWriter::new(out, &survey.title).map_err(letter_error)?;
    let mut issued: Vec<(i64, String)> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(2000) {
        let mut rows: Vec<Addressee> = crate::addresses::load(conn, chunk)?.into_values().collect();
        rows.sort_by(|a, b| (&a.postcode, a.id).cmp(&(&b.postcode, b.id)));
        for member in rows {
            let code = Code::generate()?;
            writer
                .write(&letter(catalogues, public_url, survey, &member, &code))
                .map_err(|e| {
                    AppError::BadRequest(format!("letter for member {}: {e}", member.id))
                })?;
            issued.push((member.id, code_digest(&survey.id, &code)));
        }
    }
    let mut out = writer.finish().map_err(letter_error)?;
    out.flush()
        .map_err(|e| AppError::Internal(format!("letters: {e}")))?;
    let count = issued.len();
    // Codes sorted by digest, a random order unrelated to the members'.
    let mut codes: Vec<(String, Option<i64>)> = issued
        .iter()
        .map(|(member, digest)| (digest.clone(), (!survey.anonymous).then_some(*member)))
        .collect();
    codes.sort_unstable();
    conn.transaction(|conn| {
        for chunk in issued.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(member, _)| {
                    (
                        survey_participants::survey_id.eq(&survey.id),
                        survey_participants::member_id.eq(*member),
                        survey_participants::channel.eq("letter"),
                    )
                })
                .collect();
            // A member who answered online meanwhile makes this a conflict:
            // nothing of this run counts, and the PDF is discarded.
            crate::insert_batch!(conn, survey_participants::table, &rows)?;
        }
        for chunk in codes.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(digest, member)| {
                    (
                        survey_codes::survey_id.eq(&survey.id),
                        survey_codes::code_digest.eq(digest),
                        survey_codes::member_id.eq(*member),
                        survey_codes::used.eq(false),
                    )
                })
                .collect();
            crate::insert_batch!(conn, survey_codes::table, &rows)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(count)
}

fn letter(
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    member: &Addressee,
    code: &Code,
) -> Letter {
    let lang = member.language();
    let t = |key: &str| catalogues.get(lang, key).to_owned();
    let shown = code.display();
    let link = public_link(public_url, &survey.id);
    let url = format!(
        "{link}?code={}",
        rocket::http::RawStr::new(&shown).percent_encode()
    );
    let recipient = member.window_lines();
    let args = [
        ("title", survey.title.clone()),
        (
            "closes",
            survey.closes_at.format("%d.%m.%Y %H:%M").to_string(),
        ),
        ("link", link),
        ("name", member.name()),
    ];
    Letter {
        recipient,
        return_address: t("surveys.letter_sender"),
        sender_block: vec![t("surveys.letter_sender")],
        date: String::new(),
        subject: catalogues.format(lang, "surveys.letter_subject", &args),
        body: [
            "surveys.letter_greeting",
            "surveys.letter_scan",
            "surveys.letter_type",
            "surveys.letter_deadline",
        ]
        .iter()
        .map(|key| catalogues.format(lang, key, &args))
        .collect(),
        vote_url: url,
        code: shown,
        code_label: t("surveys.letter_code_label"),
        footer: t("surveys.letter_footer"),
        // Surveys answer online; the owner types in paper answers from the
        // printable version.
        slip: None,
    }
}
