//! The owners' side: the survey list, the "new survey" form, the survey's
//! own page, paper answers entered by the owner, a scheduling poll's
//! decision, and whether plain members of a group may start surveys.

use diesel::prelude::*;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

use super::answer::form_view;
use super::questions::{self, Kind};
use super::setup::{self, Audience, Errors, SLOTS};
use super::store::{self, Respondent};
use super::{tally, Phase};
use crate::auth::CurrentUser;
use crate::db::schema::{group_memberships, group_tree, groups, members, survey_policies, surveys};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::groups::Named;
use crate::rights::{SurveyId, SurveyOwner};
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![index, new_form, create, manage, paper_form, paper, decide, policy]
}

type Listed = (
    String,
    String,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    String,
);

#[get("/surveys")]
async fn index(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let now = app.clock.now();
    let member = user.member_id;
    let board = user.board_groups.clone();
    let account = user.account_id;
    let is_admin = user.is_admin;
    let (open, mine, policies) = app
        .db
        .run(move |conn| {
            // Open surveys for all members, and for the groups the member
            // belongs to, by home chapter or working group.
            let mut open: Vec<Listed> = Vec::new();
            if let Some(member) = member {
                let mut homes: Vec<i64> = crate::db::schema::members::table
                    .find(member)
                    .select(crate::db::schema::members::chapter_id)
                    .load(conn)?;
                homes.extend(
                    crate::db::schema::group_memberships::table
                        .filter(crate::db::schema::group_memberships::member_id.eq(member))
                        .select(crate::db::schema::group_memberships::group_id)
                        .load::<i64>(conn)?,
                );
                let above: Vec<i64> = group_tree::table
                    .filter(group_tree::group_id.eq_any(&homes))
                    .select(group_tree::ancestor_id)
                    .load(conn)?;
                open = surveys::table
                    .filter(surveys::opens_at.le(now))
                    .filter(surveys::closes_at.gt(now))
                    .filter(
                        surveys::audience.eq(Audience::All).or(surveys::group_id
                            .eq_any(above)
                            .and(surveys::audience.eq(Audience::Group))),
                    )
                    .order(surveys::closes_at)
                    .select((
                        surveys::id,
                        surveys::title,
                        surveys::opens_at,
                        surveys::closes_at,
                        surveys::audience,
                    ))
                    .limit(100)
                    .load(conn)?;
            }
            let below = group_tree::table
                .filter(group_tree::ancestor_id.eq_any(board.clone()))
                .select(group_tree::group_id.nullable());
            let mut query = surveys::table
                .select((
                    surveys::id,
                    surveys::title,
                    surveys::opens_at,
                    surveys::closes_at,
                    surveys::audience,
                ))
                .order(surveys::created_at.desc())
                .limit(200)
                .into_boxed();
            if !is_admin {
                query = query.filter(
                    surveys::owner_account_id
                        .eq(account)
                        .or(surveys::group_id.eq_any(below)),
                );
            }
            let mine: Vec<Listed> = query.load(conn)?;
            let policies: Vec<(i64, String, Option<bool>)> = groups::table
                .left_join(survey_policies::table)
                .filter(groups::id.eq_any(board))
                .select((
                    groups::id,
                    groups::name,
                    survey_policies::members_may_create.nullable(),
                ))
                .load(conn)?;
            Ok((open, mine, policies))
        })
        .await?;
    let view = |(id, title, opens, closes, audience): Listed| {
        let phase = if now < opens {
            "not_yet_open"
        } else if now >= closes {
            "closed"
        } else {
            "open"
        };
        json!({"id": id, "title": title, "closes_at": closes.format("%Y-%m-%d %H:%M").to_string(),
               "phase_key": format!("surveys.phase_{phase}"),
               "audience_key": format!("surveys.audience_{audience}")})
    };
    Ok(page.render(
        "surveys/list",
        json!({
            "open": open.into_iter().map(view).collect::<Vec<_>>(),
            "mine": mine.into_iter().map(view).collect::<Vec<_>>(),
            "policies": policies.into_iter().map(|(id, name, allowed)| json!({"id": id, "name": name, "allowed": allowed.unwrap_or(false)})).collect::<Vec<_>>(),
        }),
    ))
}

/// The form's context; `may_all`: whether "all members" is offered.
/// Where a person may plausibly start a survey, for the group field's
/// suggestions: their board groups and everything below, their own groups
/// (where members may be allowed to), every group for an admin or a
/// party-wide role. The right itself is checked when the form is sent.
fn group_choices(conn: &mut DbConn, user: &CurrentUser, may_all: bool) -> AppResult<Vec<String>> {
    if user.is_admin || may_all {
        return crate::groups::picker(conn, None);
    }
    let mut roots = user.board_groups.clone();
    if let Some(member) = user.member_id {
        roots.extend(
            group_memberships::table
                .filter(group_memberships::member_id.eq(member))
                .select(group_memberships::group_id)
                .load::<i64>(conn)?,
        );
        roots.extend(
            members::table
                .find(member)
                .select(members::chapter_id)
                .first::<i64>(conn)
                .optional()?,
        );
    }
    crate::groups::picker(conn, Some(&roots))
}

/// Which fields a question of a kind needs, so the form shows only those.
#[derive(serde::Serialize)]
struct KindFields {
    /// Answer options, one a line (choices, ranking).
    options: bool,
    /// Dates, one a line (scheduling poll).
    dates: bool,
    /// Fewest and most marks (multiple choice).
    marks: bool,
    /// Smallest and largest number (number).
    bounds: bool,
    /// Labels of the scale's ends.
    scale: bool,
    /// Longest text.
    max_len: bool,
}

impl KindFields {
    fn of(kind: &str) -> KindFields {
        KindFields {
            options: matches!(kind, "single" | "multiple" | "ranking"),
            dates: kind == "schedule",
            marks: kind == "multiple",
            bounds: kind == "number",
            scale: matches!(kind, "scale5" | "scale10"),
            max_len: kind == "text",
        }
    }
}

/// How many question blocks the form shows: as many as were shown before
/// (`questions`), at least every filled one and one, one more after "add a
/// question", never more than the survey takes.
fn shown_questions(fields: &Fields, add: bool) -> usize {
    let before = fields
        .get("questions")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(1);
    let filled = (0..SLOTS)
        .rev()
        .find(|n| {
            fields
                .get(&format!("q{n}_text"))
                .is_some_and(|t| !t.trim().is_empty())
        })
        .map_or(0, |n| n + 1);
    (before.max(filled).max(1) + usize::from(add)).min(SLOTS)
}

fn new_view(fields: &Fields, errors: &Errors, may_all: bool, choices: &[String]) -> Value {
    new_view_adding(fields, errors, may_all, choices, false)
}

fn new_view_adding(
    fields: &Fields,
    errors: &Errors,
    may_all: bool,
    choices: &[String],
    add: bool,
) -> Value {
    let error = |name: &str| errors.iter().find(|(f, _)| f == name).map(|(_, k)| *k);
    let value = |name: &str| fields.get(name).unwrap_or("").to_owned();
    let slots: Vec<Value> = (0..shown_questions(fields, add))
        .map(|n| {
            let get = |f: &str| value(&format!("q{n}_{f}"));
            let kind = Some(get("kind"))
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| "single".into());
            json!({
                "n": n, "number": n + 1,
                "text": get("text"), "kind": kind, "options": get("options"),
                "min": get("min"), "max": get("max"), "max_len": get("max_len"),
                "low_label": get("low_label"), "high_label": get("high_label"),
                "error": error(&format!("q{n}")),
                "fields": KindFields::of(&kind),
            })
        })
        .collect();
    let mut values = serde_json::Map::new();
    for name in [
        "title",
        "description",
        "group",
        "audience",
        "results",
        "opens_date",
        "opens_time",
        "closes_date",
        "closes_time",
        "anonymous",
    ] {
        values.insert(name.into(), json!(value(name)));
    }
    let mut errors_map = serde_json::Map::new();
    for (field, key) in errors {
        errors_map.insert(field.clone(), json!(key));
    }
    let shown = slots.len();
    json!({"slots": slots, "questions": shown, "may_add": shown < SLOTS, "values": values, "errors": errors_map, "has_errors": !errors.is_empty(), "may_all": may_all, "group_choices": choices})
}

#[get("/surveys/new?<group>")]
async fn new_form(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    group: Option<String>,
) -> AppResult<Template> {
    let now = app.clock.now();
    let (may_all, choices) = app
        .db
        .run(move |conn| {
            let may_all = super::reach::party_wide(conn, &user)?;
            Ok::<_, AppError>((may_all, group_choices(conn, &user, may_all)?))
        })
        .await?;
    let closes = now + chrono::Duration::days(7);
    let defaults = [
        ("group", group.unwrap_or_default()),
        ("audience", "group".to_owned()),
        ("results", "during".to_owned()),
        ("opens_date", now.format("%Y-%m-%d").to_string()),
        ("opens_time", now.format("%H:%M").to_string()),
        ("closes_date", closes.format("%Y-%m-%d").to_string()),
        ("closes_time", closes.format("%H:%M").to_string()),
        ("q0_kind", "single".to_owned()),
    ];
    let fields = Fields(
        defaults
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    );
    Ok(page.render(
        "surveys/new",
        new_view(&fields, &Vec::new(), may_all, &choices),
    ))
}

#[post("/surveys/new", data = "<form>")]
async fn create(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    form: CsrfForm<Fields>,
) -> AppResult<Result<Redirect, (Status, Template)>> {
    let fields = form.0;
    let now = app.clock.now();
    // "Add a question" and "show the fields of this type" only redraw the
    // form (one question at a time, without JavaScript); nothing is stored.
    if let Some(step) = fields.get("step").map(str::to_owned) {
        let (may_all, choices) = app
            .db
            .run(move |conn| {
                let may_all = super::reach::party_wide(conn, &user)?;
                Ok::<_, AppError>((may_all, group_choices(conn, &user, may_all)?))
            })
            .await?;
        let add = step == "add";
        return Ok(Err((
            Status::Ok,
            page.render(
                "surveys/new",
                new_view_adding(&fields, &Vec::new(), may_all, &choices, add),
            ),
        )));
    }
    let parsed = setup::parse(&fields);
    let outcome = app
        .db
        .run(move |conn| {
            let named = crate::groups::find_named(conn, fields.get("group").unwrap_or(""))?;
            let mut errors = match &parsed {
                Ok(_) => Vec::new(),
                Err(errors) => errors.clone(),
            };
            let creator = match named {
                Named::Unknown | Named::Ambiguous => {
                    if !errors.iter().any(|(f, _)| f == "group") {
                        errors.push((
                            "group".into(),
                            if named == Named::Ambiguous {
                                "surveys.setup.group_ambiguous"
                            } else {
                                "surveys.setup.group_unknown"
                            },
                        ));
                    }
                    None
                }
                Named::Found(g) => {
                    let creator = crate::rights::survey_creator_of(conn, &user, g)?;
                    if creator.is_none() {
                        errors.push(("group".into(), "surveys.setup.group_not_yours"));
                    }
                    creator
                }
            };
            // Only audiences within the person's scope; a forged choice is
            // refused like any other mistake.
            if let Ok(survey) = &parsed {
                if !super::reach::may_choose(conn, &user, survey.audience)? {
                    errors.push(("audience".into(), "surveys.setup.audience_not_yours"));
                }
            }
            let may_all = super::reach::party_wide(conn, &user)?;
            match (parsed, creator) {
                (Ok(survey), Some(creator)) if errors.is_empty() => Ok(Ok(store::create(
                    conn,
                    &survey,
                    &creator,
                    user.account_id,
                    now,
                )?)),
                _ => {
                    let choices = group_choices(conn, &user, may_all)?;
                    Ok(Err((fields, errors, may_all, choices)))
                }
            }
        })
        .await?;
    Ok(match outcome {
        Ok(id) => Ok(Redirect::to(format!("/surveys/{id}"))),
        Err((fields, errors, may_all, choices)) => Err((
            Status::UnprocessableEntity,
            page.render("surveys/new", new_view(&fields, &errors, may_all, &choices)),
        )),
    })
}

#[get("/surveys/<id>")]
async fn manage(
    app: AppState<'_>,
    page: Page,
    owner: SurveyOwner<SurveyId>,
    id: &str,
) -> AppResult<Template> {
    let now = app.clock.now();
    let SurveyOwner { user, survey, .. } = owner;
    // The guard read and checked the same `<id>`.
    let _ = id;
    let (survey, counts, may_invite) = app
        .db
        .run(move |conn| {
            let counts = store::channel_counts(conn, &survey.id)?;
            let may_invite = super::reach::sender_scope(conn, &user, &survey)?;
            Ok((survey, counts, may_invite))
        })
        .await?;
    let schedule: Vec<Value> = survey
        .questions
        .iter()
        .filter_map(|q| match &q.kind {
            Kind::Schedule { slots } => Some(slots),
            _ => None,
        })
        .flatten()
        .map(|slot| json!({"slot": slot, "label": setup::slot_label(slot), "chosen": survey.decision.as_deref() == Some(slot.as_str())}))
        .collect();
    Ok(page.render(
        "surveys/manage",
        json!({
            "survey": survey.summary(now),
            "channels": tally::channel_view(&counts),
            "short_path": super::short_path(&survey.id),
            "schedule": schedule,
            "invitable": survey.audience != super::setup::Audience::Link && may_invite.is_ok(),
            "invite_refused": may_invite.err().filter(|_| survey.audience != super::setup::Audience::Link).map(|r| r.message_key()),
        }),
    ))
}

#[get("/surveys/<id>/paper")]
async fn paper_form(
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
        "surveys/paper",
        json!({"survey": survey.summary(now), "questions": form_view(&survey, &Fields(Vec::new()), &[])}),
    ))
}

/// The owner types in one returned paper form; it counts as channel
/// "paper", without a member. Also after closing: forms collected at the
/// meeting are often typed in the next day.
#[post("/surveys/<id>/paper", data = "<form>")]
async fn paper(
    app: AppState<'_>,
    page: Page,
    owner: SurveyOwner<SurveyId>,
    id: &str,
    form: CsrfForm<Fields>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let now = app.clock.now();
    let fields = form.0;
    let survey = owner.survey;
    // The guard read and checked the same `<id>`.
    let _ = id;
    if survey.phase(now) == Phase::NotYetOpen {
        return Err(AppError::Forbidden);
    }
    // A reply form from a letter carries the letter's code: typed in, the
    // form answers for that code (once), as the letter's answer.
    let code_text = fields.get("code").unwrap_or("").trim().to_owned();
    let respondent = if code_text.is_empty() {
        Respondent::Paper
    } else {
        match votum_crypto::credential::Code::parse(&code_text) {
            Ok(code) => Respondent::Code(store::code_digest(&survey.id, &code)),
            Err(_) => {
                return Ok(Err((
                    Status::UnprocessableEntity,
                    page.render(
                        "surveys/paper",
                        json!({"survey": survey.summary(now), "questions": form_view(&survey, &fields, &[]), "code": code_text, "code_error": "surveys.paper_code_invalid"}),
                    ),
                )))
            }
        }
    };
    match questions::answers(&survey.questions, &fields) {
        Ok(answers) => {
            let stored = survey.clone();
            let key = app.key.clone();
            let outcome = app
                .db
                .run(move |conn| store::record(conn, &key, &stored, &respondent, &answers, now))
                .await?;
            match outcome {
                Ok(()) => Ok(Ok(Flash::success(
                    Redirect::to(format!("/surveys/{}/paper", survey.id)),
                    "surveys.paper_saved",
                ))),
                Err(refusal) => Ok(Err((
                    Status::Conflict,
                    page.render(
                        "surveys/paper",
                        json!({"survey": survey.summary(now), "questions": form_view(&survey, &fields, &[]), "code": code_text, "code_error": refusal.message_key()}),
                    ),
                ))),
            }
        }
        Err(errors) => Ok(Err((
            Status::UnprocessableEntity,
            page.render(
                "surveys/paper",
                json!({"survey": survey.summary(now), "questions": form_view(&survey, &fields, &errors), "has_field_errors": true, "code": code_text}),
            ),
        ))),
    }
}

/// Stores a scheduling poll's chosen date as the survey's decision (there
/// is no calendar yet to enter it into).
#[post("/surveys/<id>/decision", data = "<form>")]
async fn decide(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
    id: &str,
    form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let slot = form.0.get("slot").unwrap_or("").to_owned();
    let target = format!("/surveys/{id}");
    let survey = owner.survey;
    let ok = app
        .db
        .run(move |conn| {
            let offered = survey
                .questions
                .iter()
                .any(|q| matches!(&q.kind, Kind::Schedule { slots } if slots.contains(&slot)));
            if !offered {
                return Ok(false);
            }
            diesel::update(surveys::table.find(&survey.id))
                .set(surveys::decision.eq(Some(slot)))
                .execute(conn)?;
            Ok(true)
        })
        .await?;
    Ok(if ok {
        Flash::success(Redirect::to(target), "surveys.decision_saved")
    } else {
        Flash::error(Redirect::to(target), "surveys.decision_unknown")
    })
}

/// A board lets its group's members start surveys, or stops it.
#[post("/surveys/policy", data = "<form>")]
async fn policy(
    app: AppState<'_>,
    user: CurrentUser,
    form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let group: i64 = form
        .0
        .get("group")
        .and_then(|g| g.parse().ok())
        .ok_or_else(|| AppError::BadRequest("group".into()))?;
    let allowed = form.0.get("allowed") == Some("on");
    let board = crate::rights::board_of(&user, group)?;
    app.db
        .run(move |conn| super::set_policy(conn, &board, allowed))
        .await?;
    Ok(Flash::success(
        Redirect::to("/surveys"),
        "surveys.policy_saved",
    ))
}
