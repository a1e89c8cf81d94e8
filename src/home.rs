//! The signed-in member's own pages: the dashboard and the profile with
//! their data, offices, groups, password change and the log of who looked
//! at their data.

use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::audit::{self, Action, Event};
use crate::auth::CurrentUser;
use crate::db::models::{Account, Member};
use crate::db::schema::{accounts, members};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Page};
use votum_crypto::SecretString;

pub fn routes() -> Vec<Route> {
    routes![dashboard, profile, change_password]
}

/// The signed-in member's record with chapter, offices and working groups.
fn own_record(
    conn: &mut DbConn,
    member_id: i64,
    today: chrono::NaiveDate,
) -> AppResult<serde_json::Value> {
    let member: Member = members::table
        .find(member_id)
        .select(Member::as_select())
        .first(conn)?;
    let mut context = crate::members::belonging(conn, &member, today)?;
    if let Some(map) = context.as_object_mut() {
        map.insert("member".into(), json!(member));
    }
    Ok(context)
}

/// Something on the start page that needs the member's action.
#[derive(Debug, serde::Serialize)]
struct Waiting {
    title: String,
    href: String,
    /// "Abstimmung" or "Umfrage".
    kind_key: &'static str,
    /// The deadline as people write it in the page's language.
    deadline: String,
    /// A note on how to act, where the link alone does not say it.
    hint_key: Option<&'static str>,
}

/// Open ballots the member has not voted in and open surveys they have not
/// answered, the soonest deadline first.
fn waiting(
    conn: &mut DbConn,
    sealing: &votum_crypto::seal::SealingKey,
    key: &votum_crypto::MacKey,
    lang: crate::db::models::Language,
    member: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<Vec<Waiting>> {
    let mut items: Vec<(chrono::NaiveDateTime, Waiting)> = Vec::new();
    for ballot in crate::ballots::waiting::awaiting_vote(conn, sealing, member, now)? {
        items.push((
            ballot.closes_at,
            Waiting {
                href: format!("/vote/{}", ballot.id),
                title: ballot.title,
                kind_key: "dashboard.kind_ballot",
                deadline: crate::dates::datetime(lang, ballot.closes_at),
                hint_key: ballot.by_letter.then_some("dashboard.by_letter"),
            },
        ));
    }
    for survey in crate::surveys::awaiting_answer(conn, key, member, now)? {
        items.push((
            survey.closes_at,
            Waiting {
                href: format!("/s/{}", survey.id),
                title: survey.title,
                kind_key: "dashboard.kind_survey",
                deadline: crate::dates::datetime(lang, survey.closes_at),
                hint_key: None,
            },
        ));
    }
    items.sort_by_key(|(deadline, _)| *deadline);
    Ok(items.into_iter().map(|(_, item)| item).collect())
}

#[get("/")]
async fn dashboard(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let today = app.clock.today();
    let now = app.clock.now();
    let member_id = user.member_id;
    let lang = page.lang;
    let sealing = app.sealing.clone();
    let key = app.key.clone();
    let context = app
        .db
        .run(move |conn| match member_id {
            Some(id) => {
                let mut context = own_record(conn, id, today)?;
                let waiting = waiting(conn, &sealing, &key, lang, id, now)?;
                if let Some(map) = context.as_object_mut() {
                    map.insert("waiting".into(), json!(waiting));
                }
                Ok(context)
            }
            None => Ok(json!({})),
        })
        .await?;
    Ok(page.render("dashboard", context))
}

#[get("/profile")]
async fn profile(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let today = app.clock.today();
    let member_id = user.member_id;
    let own_account = user.account_id;
    let context = app
        .db
        .run(move |conn| {
            let Some(id) = member_id else {
                return Ok(json!({}));
            };
            let mut context = own_record(conn, id, today)?;
            // Views by others only: a member reading their own data is not news.
            let views: Vec<serde_json::Value> = audit::about_member(conn, id, 100)?
                .into_iter()
                .filter(|e| Action::VIEWS.iter().any(|v| v.as_str() == e.action))
                .filter(|e| e.actor_account_id != Some(own_account))
                .map(|e| {
                    let who = e
                        .actor_account_id
                        .and_then(|a| crate::privacy::actor_name(conn, a).ok().flatten());
                    json!({"at": e.at.format("%Y-%m-%d %H:%M").to_string(), "who": who})
                })
                .collect();
            if let Some(map) = context.as_object_mut() {
                map.insert("views".into(), json!(views));
            }
            Ok(context)
        })
        .await?;
    Ok(page.render("profile", context))
}

#[derive(FromForm)]
struct PasswordForm {
    current: String,
    password: String,
    repeat: String,
}

#[post("/profile/password", data = "<form>")]
async fn change_password(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    form: CsrfForm<PasswordForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let form = form.0;
    let current = SecretString::new(form.current);
    let new = SecretString::new(form.password);
    let now = app.clock.now();
    let problem = crate::login::password_problem(new.expose(), &form.repeat);
    let account_id = user.account_id;
    let digest = user.session_digest().to_owned();
    let error = app
        .db
        .run(move |conn| {
            let account: Account = accounts::table
                .find(account_id)
                .select(Account::as_select())
                .first(conn)?;
            if !votum_crypto::password::verify(&current, &account.password_hash)? {
                return Ok(Some("password.current_wrong"));
            }
            if problem.is_some() {
                return Ok(problem);
            }
            let hash = votum_crypto::password::hash(&new)?;
            diesel::update(accounts::table.find(account_id))
                .set(accounts::password_hash.eq(hash))
                .execute(conn)?;
            // Other sessions (a forgotten browser, a thief) end; this one stays.
            diesel::delete(
                crate::db::schema::sessions::table
                    .filter(crate::db::schema::sessions::account_id.eq(account_id))
                    .filter(crate::db::schema::sessions::token_digest.ne(&digest)),
            )
            .execute(conn)?;
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(account_id),
                    action: Action::PasswordChanged,
                    member: account.member_id,
                    group: None,
                    detail: "profile",
                },
            )?;
            Ok::<_, AppError>(None)
        })
        .await?;
    match error {
        None => Ok(Ok(Flash::success(
            Redirect::to("/profile"),
            "password.changed",
        ))),
        Some(key) => Ok(Err((
            Status::UnprocessableEntity,
            page.render("password_change", json!({"error": key})),
        ))),
    }
}
