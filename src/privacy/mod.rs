//! Data protection for every member: the "my data" export (JSON and a
//! readable page), the own log of who read or changed the data, and
//! erasure on request (by an administrator).

pub mod erase;
pub mod export;
pub mod overview;

use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

use crate::audit::{self, Action, Event};
use crate::auth::{Admin, CurrentUser};
use crate::ballots::letters::Download;
use crate::db::schema::{accounts, members};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Page};

pub fn routes() -> Vec<Route> {
    routes![
        export_page,
        export_json,
        own_log,
        request_erasure,
        erasure_requests,
        erase_page,
        erase_member
    ]
}

fn exported(
    conn: &mut DbConn,
    member_id: i64,
    account: i64,
    now: chrono::NaiveDateTime,
    how: &str,
) -> AppResult<Value> {
    // The export itself is logged first, so it lists itself.
    log_export(conn, member_id, account, now, how)?;
    export::collect(conn, member_id)
}

fn log_export(
    conn: &mut DbConn,
    member_id: i64,
    account: i64,
    now: chrono::NaiveDateTime,
    how: &str,
) -> AppResult<()> {
    audit::record(
        conn,
        now,
        Event {
            actor: Some(account),
            action: Action::DataExported,
            member: Some(member_id),
            group: None,
            detail: how,
        },
    )
}

/// "Meine Daten" for people: what is stored, by topic ([`overview`]); the
/// JSON download has every table and column for machines.
#[get("/profile/export")]
async fn export_page(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let now = app.clock.now();
    let lang = page.lang;
    let catalogues = app.catalogues.clone();
    let topics = app
        .db
        .run(move |conn| {
            // Logged first, so the page counts its own view.
            log_export(conn, member_id, user.account_id, now, "page")?;
            overview::topics(conn, member_id, lang, &catalogues)
        })
        .await?;
    Ok(page.render("privacy/export", json!({ "topics": topics })))
}

#[get("/profile/export.json")]
async fn export_json(app: AppState<'_>, user: CurrentUser) -> AppResult<Download> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let now = app.clock.now();
    let data = app
        .db
        .run(move |conn| exported(conn, member_id, user.account_id, now, "json"))
        .await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Download::new(
        ContentType::JSON,
        "my-data.json".into(),
        body,
    ))
}

/// How a reader appears in a member's own log.
pub fn actor_name(conn: &mut DbConn, account: i64) -> AppResult<Option<String>> {
    let found: Option<(String, Option<i64>)> = accounts::table
        .find(account)
        .select((accounts::login, accounts::member_id))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((_, Some(member))) => {
            let (first, last): (String, String) = members::table
                .find(member)
                .select((members::first_name, members::last_name))
                .first(conn)?;
            Some(format!("{first} {last}"))
        }
        Some((login, None)) => Some(login),
        None => None,
    })
}

/// Everything the audit log holds about the member: views by others,
/// changes, consents, exports; with who did it.
#[get("/profile/log")]
async fn own_log(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let own_account = user.account_id;
    let entries = app
        .db
        .run(move |conn| {
            let entries = audit::about_member(conn, member_id, 1000)?;
            let mut names = std::collections::HashMap::new();
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let who = match e.actor_account_id {
                    Some(a) if a == own_account => None,
                    Some(a) => {
                        let name = match names.get(&a) {
                            Some(known) => known,
                            None => {
                                let found = actor_name(conn, a)?;
                                names.entry(a).or_insert(found)
                            }
                        };
                        name.clone()
                    }
                    None => None,
                };
                let view = Action::VIEWS.iter().any(|v| v.as_str() == e.action);
                out.push(json!({
                    "at": e.at.format("%Y-%m-%d %H:%M").to_string(),
                    "action_key": audit::action_key(&e.action),
                    "who": who,
                    "self": e.actor_account_id == Some(own_account),
                    "view": view,
                }));
            }
            Ok(out)
        })
        .await?;
    Ok(page.render("privacy/log", json!({"entries": entries})))
}

/// The member asks for erasure; an admin checks and erases (dues or a
/// running office may have to be settled first).
#[post("/profile/erasure", data = "<_form>")]
async fn request_erasure(
    app: AppState<'_>,
    user: CurrentUser,
    _form: CsrfForm<crate::web::Fields>,
) -> AppResult<Flash<Redirect>> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::ErasureRequested,
                    member: Some(member_id),
                    group: None,
                    detail: "",
                },
            )
        })
        .await?;
    Ok(Flash::success(
        Redirect::to("/profile/export"),
        "privacy.erasure_requested",
    ))
}

/// Members who asked for erasure and are not erased yet.
#[get("/admin/erasures")]
async fn erasure_requests(app: AppState<'_>, page: Page, _admin: Admin) -> AppResult<Template> {
    let open = app
        .db
        .run(|conn| {
            use crate::db::schema::audit_log;
            let asked: Vec<(i64, chrono::NaiveDateTime)> = audit_log::table
                .filter(audit_log::action.eq(Action::ErasureRequested.as_str()))
                .filter(audit_log::member_id.is_not_null())
                .order(audit_log::at)
                .select((audit_log::member_id.assume_not_null(), audit_log::at))
                .load(conn)?;
            let erased: std::collections::HashSet<i64> = audit_log::table
                .filter(audit_log::action.eq(Action::MemberErased.as_str()))
                .filter(audit_log::member_id.is_not_null())
                .select(audit_log::member_id.assume_not_null())
                .load::<i64>(conn)?
                .into_iter()
                .collect();
            let mut seen = std::collections::HashSet::new();
            let mut open = Vec::new();
            for (member, at) in asked {
                if erased.contains(&member) || !seen.insert(member) {
                    continue;
                }
                let (number, first, last): (String, String, String) = members::table
                    .find(member)
                    .select((
                        members::membership_number,
                        members::first_name,
                        members::last_name,
                    ))
                    .first(conn)?;
                open.push(json!({
                    "id": member.to_string(),
                    "number": number,
                    "name": format!("{first} {last}"),
                    "at": at.format("%Y-%m-%d %H:%M").to_string(),
                }));
            }
            Ok(open)
        })
        .await?;
    Ok(page.render("privacy/erasures", json!({"requests": open})))
}

#[get("/admin/members/<id>/erase")]
async fn erase_page(app: AppState<'_>, page: Page, _admin: Admin, id: i64) -> AppResult<Template> {
    let (number, first, last) = app
        .db
        .run(move |conn| {
            Ok(members::table
                .find(id)
                .select((
                    members::membership_number,
                    members::first_name,
                    members::last_name,
                ))
                .first::<(String, String, String)>(conn)?)
        })
        .await?;
    Ok(page.render(
        "privacy/erase",
        json!({"id": id.to_string(), "number": number, "name": format!("{first} {last}")}),
    ))
}

#[derive(FromForm)]
struct EraseForm {
    /// The membership number typed again: erasure cannot be undone.
    confirm: String,
}

#[post("/admin/members/<id>/erase", data = "<form>")]
async fn erase_member(
    app: AppState<'_>,
    page: Page,
    admin: Admin,
    id: i64,
    form: CsrfForm<EraseForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let now = app.clock.now();
    let typed = form.0.confirm.trim().to_owned();
    let actor = admin.0.account_id;
    let outcome = app
        .db
        .run(move |conn| {
            let (number, first, last): (String, String, String) = members::table
                .find(id)
                .select((
                    members::membership_number,
                    members::first_name,
                    members::last_name,
                ))
                .first(conn)?;
            if typed != number {
                return Ok(Err((number, format!("{first} {last}"))));
            }
            erase::erase(conn, now, id, Some(actor)).map(Ok)
        })
        .await?;
    match outcome {
        Ok(_) => Ok(Ok(Flash::success(Redirect::to("/admin"), "privacy.erased"))),
        Err((number, name)) => Ok(Err((
            Status::UnprocessableEntity,
            page.render(
                "privacy/erase",
                json!({"id": id.to_string(), "number": number, "name": name,
                       "error": "privacy.confirm_mismatch"}),
            ),
        ))),
    }
}
