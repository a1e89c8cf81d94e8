//! Answering a survey at its short URL `/s/<id>`: signed-in members, a
//! letter's one-time code (`?code=` from the QR code), or any browser on a
//! public link. Plain HTML forms; no JavaScript needed.

use std::net::IpAddr;

use rocket::http::{CookieJar, Status};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};
use votum_crypto::credential::{Code, CodeError};

use super::questions::{self, FieldError, Kind};
use super::setup::{slot_label, Audience};
use super::store::{self, Participation, Refusal, Respondent};
use super::{Phase, Survey};
use crate::error::{AppError, AppResult};
use crate::ratelimit;
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![show, submit]
}

/// The cookie that tells browsers apart on public-link surveys.
pub const BROWSER_COOKIE: &str = "votum_browser";

/// The questions for the form, with the submitted values and the problem
/// found with each.
pub fn form_view(survey: &Survey, fields: &Fields, errors: &[FieldError]) -> Vec<Value> {
    survey
        .questions
        .iter()
        .enumerate()
        .map(|(n, question)| {
            let name = format!("q{n}");
            let chosen = fields.all(&name);
            let sub = |i: usize| fields.get(&format!("q{n}-o{i}")).unwrap_or("").trim();
            let options: Vec<Value> = question
                .kind
                .options()
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let shown = match question.kind {
                        Kind::Schedule { .. } => slot_label(label),
                        _ => label.clone(),
                    };
                    json!({
                        "index": i,
                        "label": shown,
                        "chosen": chosen.contains(&i.to_string().as_str()),
                        "rank": sub(i),
                        "mark": sub(i),
                    })
                })
                .collect();
            let mut view = json!({
                "index": n,
                "number": n + 1,
                "text": question.text,
                "kind": question.kind.name(),
                "options": options,
                "value": fields.get(&name).unwrap_or(""),
                "error": errors.iter().find(|e| e.question == n).map(|e| e.key),
            });
            match &question.kind {
                Kind::Multiple { min, max, .. } => {
                    set(&mut view, "min", json!(min));
                    set(&mut view, "max", json!(max));
                }
                Kind::Scale {
                    low,
                    high,
                    low_label,
                    high_label,
                } => {
                    set(&mut view, "points", (*low..=*high)
                        .map(|v| json!({"value": v, "chosen": chosen.contains(&v.to_string().as_str())}))
                        .collect::<Vec<Value>>());
                    set(&mut view, "low_label", json!(low_label));
                    set(&mut view, "high_label", json!(high_label));
                }
                Kind::Text { max_len } => set(&mut view, "max_len", json!(max_len)),
                Kind::Number { min, max } => {
                    set(&mut view, "min", json!(min));
                    set(&mut view, "max", json!(max));
                }
                _ => {}
            }
            view
        })
        .collect()
}

/// Everything the answer page needs besides the questions.
struct Standing {
    refusal: Option<Refusal>,
    login_needed: bool,
}

fn standing(
    conn: &mut crate::db::DbConn,
    key: &votum_crypto::MacKey,
    survey: &Survey,
    member: Option<i64>,
    signed_in: bool,
    has_code: bool,
    now: chrono::NaiveDateTime,
) -> AppResult<Standing> {
    let phase = match survey.phase(now) {
        Phase::NotYetOpen => Some(Refusal::NotYetOpen),
        Phase::Closed => Some(Refusal::Closed),
        Phase::Open => None,
    };
    if phase.is_some() || has_code || survey.audience == Audience::Link {
        return Ok(Standing {
            refusal: phase,
            login_needed: false,
        });
    }
    let Some(member) = member else {
        return Ok(Standing {
            refusal: signed_in.then_some(Refusal::NotInAudience),
            login_needed: !signed_in,
        });
    };
    let refusal = match store::participation(conn, key, &survey.id, member)? {
        Some(Participation::Letter) => Some(Refusal::LetterSent),
        Some(_) => Some(Refusal::AlreadyAnswered),
        None if !super::in_audience(conn, survey, member)? => Some(Refusal::NotInAudience),
        None => None,
    };
    Ok(Standing {
        refusal,
        login_needed: false,
    })
}

/// Gives the browser its token for public-link surveys, once.
fn browser_token(app: AppState<'_>, cookies: &CookieJar<'_>) -> AppResult<String> {
    if let Some(c) = cookies.get(BROWSER_COOKIE) {
        return Ok(c.value().to_owned());
    }
    let token = votum_crypto::Token::generate()?;
    let value = token.secret.expose().to_owned();
    let mut cookie = crate::web::cookie(BROWSER_COOKIE, value.clone(), app.settings.secure_cookies);
    cookie.set_max_age(rocket::time::Duration::days(400));
    cookies.add(cookie);
    Ok(value)
}

#[get("/s/<id>?<code>")]
async fn show(
    app: AppState<'_>,
    page: Page,
    cookies: &CookieJar<'_>,
    id: String,
    code: Option<String>,
) -> AppResult<Template> {
    let now = app.clock.now();
    let member = page.user.as_ref().and_then(|u| u.member_id);
    let signed_in = page.user.is_some();
    let has_code = code.as_deref().is_some_and(|c| !c.trim().is_empty());
    let key = app.key.clone();
    let (survey, standing) = app
        .db
        .run(move |conn| {
            let survey = super::load(conn, &id)?;
            let standing = standing(conn, &key, &survey, member, signed_in, has_code, now)?;
            Ok((survey, standing))
        })
        .await?;
    if survey.audience == Audience::Link {
        browser_token(app, cookies)?;
    }
    Ok(render(
        &page,
        &survey,
        now,
        &Fields(Vec::new()),
        &[],
        standing.refusal.map(Refusal::message_key),
        standing.login_needed,
        code.as_deref().unwrap_or(""),
    ))
}

#[allow(clippy::too_many_arguments)]
fn render(
    page: &Page,
    survey: &Survey,
    now: chrono::NaiveDateTime,
    fields: &Fields,
    errors: &[FieldError],
    message: Option<&str>,
    login_needed: bool,
    code: &str,
) -> Template {
    page.render(
        "surveys/answer",
        json!({
            "survey": survey.summary(now),
            "questions": form_view(survey, fields, errors),
            "message_key": message,
            "login_needed": login_needed,
            // A mistyped code or a busy address may try again; a closed
            // survey or a second answer may not.
            "show_form": !login_needed
                && matches!(message, None | Some("surveys.code_unknown" | "surveys.rate_limited")),
            "has_field_errors": !errors.is_empty(),
            "code": code,
            "action": super::short_path(&survey.id),
        }),
    )
}

/// Why a submission was not stored: refused, or answered wrongly.
enum Outcome {
    Stored,
    Refused(Refusal),
    Invalid(Vec<FieldError>),
    RateLimited,
}

#[post("/s/<id>", data = "<form>")]
async fn submit(
    app: AppState<'_>,
    page: Page,
    cookies: &CookieJar<'_>,
    client: Option<IpAddr>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<(Status, Template)> {
    let now = app.clock.now();
    let fields = form.0;
    let code_text = fields.get("code").unwrap_or("").trim().to_owned();
    let member = page.user.as_ref().and_then(|u| u.member_id);
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    let token = cookies.get(BROWSER_COOKIE).map(|c| c.value().to_owned());
    let lookup = id.clone();
    let survey = app.db.run(move |conn| super::load(conn, &lookup)).await?;
    let token = match (survey.audience, token) {
        (Audience::Link, None) if code_text.is_empty() => Some(browser_token(app, cookies)?),
        (_, token) => token,
    };
    if survey.audience != Audience::Link && code_text.is_empty() && page.user.is_none() {
        return Err(AppError::Unauthorized);
    }
    let checked = questions::answers(&survey.questions, &fields);
    let stored = survey.clone();
    let key = app.key.clone();
    let outcome = app
        .db
        .run(move |conn| {
            let respondent = if !code_text.is_empty() {
                let bucket = format!("survey-code:{client}");
                if !ratelimit::allows(conn, now, &bucket, ratelimit::CODE_ENTRY)? {
                    return Ok(Outcome::RateLimited);
                }
                match Code::parse(&code_text) {
                    Ok(code) => Respondent::Code(store::code_digest(&stored.id, &code)),
                    Err(CodeError::Empty) => return Ok(Outcome::Refused(Refusal::CodeUnknown)),
                    Err(_) => {
                        ratelimit::hit(conn, now, &bucket, ratelimit::CODE_ENTRY)?;
                        return Ok(Outcome::Refused(Refusal::CodeUnknown));
                    }
                }
            } else if stored.audience == Audience::Link {
                if !ratelimit::hit(
                    conn,
                    now,
                    &format!("survey-link:{client}"),
                    ratelimit::SURVEY_LINK,
                )? {
                    return Ok(Outcome::RateLimited);
                }
                Respondent::Browser(store::browser_digest(
                    &stored.id,
                    token.as_deref().unwrap_or(""),
                ))
            } else {
                match member {
                    Some(member) => Respondent::Member(member),
                    None => return Ok(Outcome::Refused(Refusal::NotInAudience)),
                }
            };
            let answers = match checked {
                Ok(answers) => answers,
                Err(errors) => {
                    // Closed or already answered says more than a form error.
                    let answered = match &respondent {
                        Respondent::Member(member) => {
                            store::participation(conn, &key, &stored.id, *member)?
                        }
                        _ => None,
                    };
                    return Ok(match (stored.phase(now), answered) {
                        (Phase::NotYetOpen, _) => Outcome::Refused(Refusal::NotYetOpen),
                        (Phase::Closed, _) => Outcome::Refused(Refusal::Closed),
                        (Phase::Open, Some(Participation::Letter)) => {
                            Outcome::Refused(Refusal::LetterSent)
                        }
                        (Phase::Open, Some(_)) => Outcome::Refused(Refusal::AlreadyAnswered),
                        (Phase::Open, None) => Outcome::Invalid(errors),
                    });
                }
            };
            // A code is counted before it is looked up, in the statement
            // that checks the limit, so parallel guesses cannot pass
            // together; a known code gives its count back.
            let code_bucket = format!("survey-code:{client}");
            let by_code = matches!(respondent, Respondent::Code(_));
            if by_code && !ratelimit::take(conn, now, &code_bucket, ratelimit::CODE_ENTRY)? {
                return Ok(Outcome::RateLimited);
            }
            let result = store::record(conn, &key, &stored, &respondent, &answers, now)?;
            if by_code && !matches!(result, Err(Refusal::CodeUnknown)) {
                ratelimit::refund(conn, &code_bucket)?;
            }
            Ok(match result {
                Ok(()) => Outcome::Stored,
                Err(refusal) => Outcome::Refused(refusal),
            })
        })
        .await?;
    let code = fields.get("code").unwrap_or("").to_owned();
    Ok(match outcome {
        Outcome::Stored => (
            Status::Ok,
            page.render(
                "surveys/thanks",
                json!({"survey": survey.summary(now), "results_visible": results_visible_now(&survey, now)}),
            ),
        ),
        Outcome::Invalid(errors) => (
            Status::UnprocessableEntity,
            render(&page, &survey, now, &fields, &errors, None, false, &code),
        ),
        Outcome::Refused(refusal) => {
            let status = match refusal {
                Refusal::AlreadyAnswered | Refusal::LetterSent | Refusal::CodeUsed => {
                    Status::Conflict
                }
                Refusal::NotInAudience => Status::Forbidden,
                _ => Status::UnprocessableEntity,
            };
            (
                status,
                render(
                    &page,
                    &survey,
                    now,
                    &fields,
                    &[],
                    Some(refusal.message_key()),
                    false,
                    &code,
                ),
            )
        }
        Outcome::RateLimited => (
            Status::TooManyRequests,
            render(
                &page,
                &survey,
                now,
                &fields,
                &[],
                Some("surveys.rate_limited"),
                false,
                &code,
            ),
        ),
    })
}

/// Whether anyone who may answer also sees the results now.
pub fn results_visible_now(survey: &Survey, now: chrono::NaiveDateTime) -> bool {
    use super::setup::Visibility;
    match survey.results {
        Visibility::During => survey.phase(now) != Phase::NotYetOpen,
        Visibility::After => survey.phase(now) == Phase::Closed,
        Visibility::Owners => false,
    }
}

/// Adds `key` to a JSON object under construction.
fn set(view: &mut Value, key: &str, value: impl Into<Value>) {
    if let Some(map) = view.as_object_mut() {
        map.insert(key.to_owned(), value.into());
    }
}
