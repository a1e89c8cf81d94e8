//! What comes out of a survey: the result page (live on request: it then
//! reloads itself through `<meta http-equiv="refresh">` while open, since
//! the CSP allows no inline script; only on request, because a page that
//! reloads by itself disturbs screen readers and keyboard users, WCAG
//! 2.2.1), CSV and JSON exports for owners, and the meeting
//! material: a display page with a large QR code and the short URL, and a
//! printable paper version.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::http::ContentType;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;

use super::answer::{form_view, results_visible_now};
use super::questions::{answer_text, format_number, Answer, Availability, Kind};
use super::setup::Audience;
use super::store::{self, Response};
use super::{tally, Phase, Survey};
use crate::auth::CurrentUser;
use crate::ballots::letters::Download;
use crate::db::schema::members;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::i18n::{Catalogues, Language};
use crate::rights::{SurveyId, SurveyOwner};
use crate::spreadsheet::{CsvFor, CsvSheet};
use crate::web::{AppState, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![
        results,
        export_csv,
        export_json,
        display,
        qr_png_route,
        print
    ]
}

/// Seconds between reloads of the live result page.
const REFRESH_SECONDS: u32 = 15;

/// Whether the viewer may see the results now: owners always; others when
/// the survey shows results to them at this time and they may answer it.
fn may_see(
    conn: &mut DbConn,
    user: Option<&CurrentUser>,
    survey: &Survey,
    now: NaiveDateTime,
) -> AppResult<(bool, bool)> {
    let owner = match user {
        Some(user) => super::is_owner(conn, user, survey)?,
        None => false,
    };
    if owner {
        return Ok((true, true));
    }
    if !results_visible_now(survey, now) {
        return Ok((false, false));
    }
    let audience = match (survey.audience, user.and_then(|u| u.member_id)) {
        (Audience::Link, _) => true,
        (_, Some(member)) => super::in_audience(conn, survey, member)?,
        (_, None) => false,
    };
    Ok((audience, false))
}

#[get("/surveys/<id>/results?<live>")]
async fn results(
    app: AppState<'_>,
    page: Page,
    id: String,
    live: Option<bool>,
) -> AppResult<Template> {
    let now = app.clock.now();
    let user = page.user.clone();
    let (survey, responses, owner) = app
        .db
        .run(move |conn| {
            let survey = super::load(conn, &id)?;
            let (visible, owner) = may_see(conn, user.as_ref(), &survey, now)?;
            if !visible {
                return Err(if user.is_some() || survey.audience == Audience::Link {
                    AppError::Forbidden
                } else {
                    AppError::Unauthorized
                });
            }
            let responses = store::responses(conn, &survey.id)?;
            Ok((survey, responses, owner))
        })
        .await?;
    let open = survey.phase(now) == Phase::Open;
    Ok(page.render(
        "surveys/results",
        json!({
            "survey": survey.summary(now),
            "questions": tally::results(&survey.questions, &responses),
            "channels": tally::channels(&responses),
            "owner": owner,
            "open": open,
            "refresh": (open && live == Some(true)).then_some(REFRESH_SECONDS),
            "updated": now.format("%H:%M:%S").to_string(),
        }),
    ))
}

/// Column headings: one per question, one per date of a scheduling poll.
/// Words of the export in the reader's language (or the internal values
/// for machines).
struct SheetWords<'a> {
    reader: CsvFor,
    catalogues: &'a Catalogues,
}

impl SheetWords<'_> {
    fn word(&self, key: &str, machine: &str) -> String {
        self.reader.word(self.catalogues, key, machine)
    }

    fn availability(&self, mark: Availability) -> String {
        self.word(&format!("csv.{}", mark.as_str()), mark.as_str())
    }

    fn answer(&self, kind: &Kind, answer: &Answer) -> String {
        match answer {
            Answer::YesNo(yes) => self.word(
                if *yes { "csv.yes" } else { "csv.no" },
                if *yes { "yes" } else { "no" },
            ),
            Answer::Schedule(marks) => marks
                .iter()
                .map(|m| self.availability(*m))
                .collect::<Vec<_>>()
                .join("; "),
            Answer::Number(v) if self.reader == CsvFor::People(Language::De) => {
                format_number(*v).replace('.', ",")
            }
            _ => answer_text(kind, answer),
        }
    }
}

fn headings(survey: &Survey, words: &SheetWords<'_>) -> Vec<String> {
    let mut row = vec![
        words.word("csv.response", "response"),
        words.word("csv.channel", "channel"),
    ];
    if !survey.anonymous {
        row.push(words.word("csv.member", "member"));
    }
    for (n, q) in survey.questions.iter().enumerate() {
        match &q.kind {
            Kind::Schedule { slots } => {
                row.extend(
                    slots
                        .iter()
                        .map(|s| format!("{}. {} [{}]", n + 1, q.text, s)),
                );
            }
            _ => row.push(format!("{}. {}", n + 1, q.text)),
        }
    }
    row
}

fn cells(
    survey: &Survey,
    response: &Response,
    names: &HashMap<i64, String>,
    words: &SheetWords<'_>,
) -> Vec<String> {
    let channel = response.channel.as_str();
    let mut row = vec![
        response.id.clone(),
        words.word(&format!("csv.channel_{channel}"), channel),
    ];
    if !survey.anonymous {
        row.push(
            response
                .member_id
                .and_then(|m| names.get(&m).cloned())
                .unwrap_or_default(),
        );
    }
    for (q, a) in survey.questions.iter().zip(&response.answers) {
        match (&q.kind, a) {
            (Kind::Schedule { .. }, Answer::Schedule(marks)) => {
                row.extend(marks.iter().map(|m| words.availability(*m)));
            }
            (_, Answer::Text(text)) => row.push(text.clone()),
            (kind, answer) => row.push(words.answer(kind, answer)),
        }
    }
    row
}

/// Membership numbers of the members behind named responses.
fn member_numbers(conn: &mut DbConn, responses: &[Response]) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = responses.iter().filter_map(|r| r.member_id).collect();
    let mut names = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, String, String, String)> = members::table
            .filter(members::id.eq_any(chunk))
            .select((
                members::id,
                members::membership_number,
                members::first_name,
                members::last_name,
            ))
            .load(conn)?;
        names.extend(
            rows.into_iter()
                .map(|(id, number, first, last)| (id, format!("{first} {last} ({number})"))),
        );
    }
    Ok(names)
}

async fn owned_with_responses(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
) -> AppResult<(Survey, Vec<Response>, HashMap<i64, String>)> {
    let survey = owner.survey;
    app.db
        .run(move |conn| {
            let responses = store::responses(conn, &survey.id)?;
            let names = member_numbers(conn, &responses)?;
            Ok((survey, responses, names))
        })
        .await
}

/// The answers as CSV: for a spreadsheet by default, for programs with
/// `?format=machine` (see [`CsvFor`]).
#[get("/surveys/<id>/export.csv?<format>")]
async fn export_csv(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
    view: Page,
    id: &str,
    format: Option<&str>,
) -> AppResult<Download> {
    // The guard read and checked the same `<id>`.
    let _ = id;
    let reader = CsvFor::from_query(format, view.lang)?;
    let catalogues = app.catalogues.clone();
    let (survey, responses, names) = owned_with_responses(app, owner).await?;
    let words = SheetWords {
        reader,
        catalogues: &catalogues,
    };
    let mut out = CsvSheet::for_reader(reader);
    out.row(headings(&survey, &words))?;
    for response in &responses {
        out.row(cells(&survey, response, &names, &words))?;
    }
    let bytes = out.into_bytes()?;
    Ok(Download::new(
        ContentType::CSV,
        reader.file_name(&format!("survey-{}", survey.id)),
        bytes,
    ))
}

#[get("/surveys/<id>/export.json")]
async fn export_json(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
    id: &str,
) -> AppResult<Download> {
    // The guard read and checked the same `<id>`.
    let _ = id;
    let (survey, responses, names) = owned_with_responses(app, owner).await?;
    let document = json!({
        "survey": {
            "id": survey.id,
            "title": survey.title,
            "description": survey.description,
            "audience": survey.audience.as_str(),
            "anonymous": survey.anonymous,
            "opens_at": survey.opens_at,
            "closes_at": survey.closes_at,
            "decision": survey.decision,
        },
        "questions": survey.questions,
        "counts": tally::channels(&responses),
        "responses": responses.iter().map(|r| json!({
            "id": r.id,
            "channel": r.channel,
            "member": r.member_id.and_then(|m| names.get(&m)),
            "answers": r.answers,
        })).collect::<Vec<_>>(),
    });
    let text = serde_json::to_vec_pretty(&document)
        .map_err(|e| AppError::Internal(format!("json: {e}")))?;
    Ok(Download::new(
        ContentType::JSON,
        format!("survey-{}.json", survey.id),
        text,
    ))
}

/// The full URL behind the QR code and on the print-out.
pub fn public_link(public_url: &str, id: &str) -> String {
    format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        super::short_path(id)
    )
}

#[get("/surveys/<id>/display")]
async fn display(
    app: AppState<'_>,
    page: Page,
    owner: SurveyOwner<SurveyId>,
    id: &str,
) -> AppResult<Template> {
    let now = app.clock.now();
    let survey = owner.survey;
    // The guard read and checked the same `<id>`.
    let _ = id;
    Ok(page.render(
        "surveys/display",
        json!({
            "survey": survey.summary(now),
            "link": public_link(&app.settings.public_url, &survey.id),
        }),
    ))
}

/// The QR code of the survey's URL as a PNG, 10 pixels per module with the
/// four-module quiet zone the standard asks for.
pub fn qr_png(url: &str) -> AppResult<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(format!("qr: {e}")))?;
    let width = code.width();
    let colors = code.to_colors();
    let (scale, quiet) = (10usize, 4usize);
    let side = (width + 2 * quiet) * scale;
    let side32 = u32::try_from(side).map_err(|_| AppError::Internal("qr too large".into()))?;
    let image = image::GrayImage::from_fn(side32, side32, |x, y| {
        let module = |v: u32| (usize::try_from(v).unwrap_or(0) / scale).checked_sub(quiet);
        let dark = match (module(x), module(y)) {
            (Some(mx), Some(my)) if mx < width && my < width => {
                colors.get(my * width + mx) == Some(&qrcode::Color::Dark)
            }
            _ => false,
        };
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(format!("png: {e}")))?;
    Ok(png.into_inner())
}

/// Only the public URL is in the picture, so anyone may load it.
#[get("/surveys/<id>/qr.png")]
async fn qr_png_route(app: AppState<'_>, id: String) -> AppResult<(ContentType, Vec<u8>)> {
    let lookup = id.clone();
    app.db
        .run(move |conn| super::load(conn, &lookup).map(|_| ()))
        .await?;
    Ok((
        ContentType::PNG,
        qr_png(&public_link(&app.settings.public_url, &id))?,
    ))
}

#[get("/surveys/<id>/print")]
async fn print(
    app: AppState<'_>,
    page: Page,
    owner: SurveyOwner<SurveyId>,
    id: &str,
) -> AppResult<Template> {
    let now = app.clock.now();
    let survey = owner.survey;
    // The guard read and checked the same `<id>`.
    let _ = id;
    let questions = form_view(&survey, &Fields(Vec::new()), &[]);
    Ok(page.render(
        "surveys/print",
        json!({
            "survey": survey.summary(now),
            "questions": questions,
            "link": public_link(&app.settings.public_url, &survey.id),
            "schedule_label": survey.questions.iter().any(|q| matches!(q.kind, Kind::Schedule { .. })),
        }),
    ))
}
