//! Offices and functions with their terms. Admins assign an office with
//! start and end and end a running term; the rights an office gives end
//! with its term (`auth` reads only current offices). The chapter board
//! page lists the current office holders: it is public, and names only
//! those who agreed to a public listing; the others are counted.

use chrono::NaiveDate;
use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::{self, Action, Event};
use crate::auth::{Admin, CurrentUser};
use crate::db::models::{ConsentTopic, Group, Office, Role};
use crate::db::schema::{consents, groups, members, offices};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::history;
use crate::web::{AppState, CsrfForm, Page};

pub fn routes() -> Vec<Route> {
    routes![board, manage, assign, end_term]
}

#[derive(FromForm, Default, Serialize)]
struct OfficeForm {
    group: String,
    role: String,
    starts_on: String,
    ends_on: String,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

async fn manage_page(
    app: AppState<'_>,
    page: &Page,
    id: i64,
    values: OfficeForm,
    errors: Value,
    status: Status,
) -> AppResult<(Status, Template)> {
    let today = app.clock.today();
    let (name, held) = app
        .db
        .run(move |conn| {
            let (first, last): (String, String) = members::table
                .find(id)
                .select((members::first_name, members::last_name))
                .first(conn)?;
            let held: Vec<(Office, Group)> = offices::table
                .inner_join(groups::table)
                .filter(offices::member_id.eq(id))
                .order(offices::starts_on.desc())
                .select((Office::as_select(), Group::as_select()))
                .load(conn)?;
            let choices = crate::groups::picker(conn, None)?;
            Ok((format!("{first} {last}"), (held, choices)))
        })
        .await?;
    let (held, group_choices) = held;
    let held: Vec<Value> = held
        .into_iter()
        .map(|(o, g)| {
            json!({
                "id": o.id.to_string(),
                "role_key": format!("role.{}", o.role),
                "group": g.name,
                "starts_on": o.starts_on.to_string(),
                "ends_on": o.ends_on.map(|d| d.to_string()),
                "current": o.is_current(today),
                "open": o.ends_on.is_none_or(|end| end >= today),
            })
        })
        .collect();
    let has_errors = errors.as_object().is_some_and(|e| !e.is_empty());
    Ok((
        status,
        page.render(
            "offices/manage",
            json!({
                "id": id.to_string(),
                "name": name,
                "held": held,
                "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "group_choices": group_choices,
                "values": values,
                "errors": errors,
                "has_errors": has_errors,
                "today": today.to_string(),
            }),
        ),
    ))
}

#[get("/admin/members/<id>/offices")]
async fn manage(app: AppState<'_>, page: Page, _admin: Admin, id: i64) -> AppResult<Template> {
    let values = OfficeForm {
        starts_on: app.clock.today().to_string(),
        ..<OfficeForm as Default>::default()
    };
    let (_, page) = manage_page(app, &page, id, values, json!({}), Status::Ok).await?;
    Ok(page)
}

/// Inserts an office; the member's history and the audit log say so.
fn insert_office(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    actor: i64,
    office: &Office,
) -> AppResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(offices::table)
            .values(office)
            .execute(conn)?;
        let term = format!(
            "{} {} {}–{}",
            office.role,
            office.group_id,
            office.starts_on,
            office.ends_on.map(|d| d.to_string()).unwrap_or_default()
        );
        history::record(
            conn,
            now,
            office.member_id,
            Some(actor),
            &[("office", None, Some(term))],
        )?;
        audit::record(
            conn,
            now,
            Event {
                actor: Some(actor),
                action: Action::OfficeAssigned,
                member: Some(office.member_id),
                group: Some(office.group_id),
                detail: &office.role,
            },
        )
    })
}

#[post("/admin/members/<id>/offices", data = "<form>")]
async fn assign(
    app: AppState<'_>,
    page: Page,
    admin: Admin,
    id: i64,
    form: CsrfForm<OfficeForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let form = form.0;
    // By name, as the picker suggests it (or the short name).
    let typed = form.group.clone();
    let named = app
        .db
        .run(move |conn| crate::groups::find_named(conn, &typed))
        .await?;
    let mut errors = serde_json::Map::new();
    let group = match named {
        crate::groups::Named::Found(id) => Some(id),
        crate::groups::Named::Ambiguous => {
            errors.insert("group".into(), json!("offices.ambiguous_group"));
            None
        }
        crate::groups::Named::Unknown => {
            errors.insert("group".into(), json!("offices.unknown_group"));
            None
        }
    };
    let role = Role::parse(form.role.trim());
    if role.is_none() {
        errors.insert("role".into(), json!("selfservice.choose"));
    }
    let starts_on = date(&form.starts_on);
    if starts_on.is_none() {
        errors.insert("starts_on".into(), json!("offices.date_invalid"));
    }
    let ends_on = if form.ends_on.trim().is_empty() {
        None
    } else {
        match date(&form.ends_on) {
            None => {
                errors.insert("ends_on".into(), json!("offices.date_invalid"));
                None
            }
            Some(end) if starts_on.is_some_and(|start| end < start) => {
                errors.insert("ends_on".into(), json!("offices.end_before_start"));
                None
            }
            end => end,
        }
    };
    let (Some(group_id), Some(role), Some(starts_on), true) =
        (group, role, starts_on, errors.is_empty())
    else {
        let (status, page) = manage_page(
            app,
            &page,
            id,
            form,
            Value::Object(errors),
            Status::UnprocessableEntity,
        )
        .await?;
        return Ok(Err((status, page)));
    };
    let office = Office {
        id: votum_crypto::random_id()?,
        member_id: id,
        group_id,
        role: role.as_str().to_owned(),
        starts_on,
        ends_on,
    };
    let now = app.clock.now();
    let actor = admin.0.account_id;
    app.db
        .run(move |conn| insert_office(conn, now, actor, &office))
        .await?;
    Ok(Ok(Flash::success(
        Redirect::to(format!("/admin/members/{id}/offices")),
        "offices.assigned",
    )))
}

#[derive(FromForm)]
struct EndForm {
    ends_on: String,
}

/// Ends a running term on the given day (its last day in office).
#[post("/admin/members/<id>/offices/<office>/end", data = "<form>")]
async fn end_term(
    app: AppState<'_>,
    page: Page,
    admin: Admin,
    id: i64,
    office: i64,
    form: CsrfForm<EndForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let now = app.clock.now();
    let actor = admin.0.account_id;
    let end = date(&form.0.ends_on);
    let problem = app
        .db
        .run(move |conn| {
            let Some(end) = end else {
                return Ok(Some("offices.date_invalid"));
            };
            conn.transaction(|conn| {
                let held: Office = offices::table
                    .filter(offices::id.eq(office))
                    .filter(offices::member_id.eq(id))
                    .select(Office::as_select())
                    .first(conn)?;
                if end < held.starts_on {
                    return Ok(Some("offices.end_before_start"));
                }
                if held.ends_on.is_some_and(|old| old < now.date()) {
                    return Ok(Some("offices.already_ended"));
                }
                diesel::update(offices::table.find(office))
                    .set(offices::ends_on.eq(Some(end)))
                    .execute(conn)?;
                history::record(
                    conn,
                    now,
                    id,
                    Some(actor),
                    &[(
                        "office_end",
                        held.ends_on.map(|d| d.to_string()),
                        Some(format!("{} {} {end}", held.role, held.group_id)),
                    )],
                )?;
                audit::record(
                    conn,
                    now,
                    Event {
                        actor: Some(actor),
                        action: Action::OfficeEnded,
                        member: Some(id),
                        group: Some(held.group_id),
                        detail: &held.role,
                    },
                )?;
                Ok::<_, AppError>(None)
            })
        })
        .await?;
    match problem {
        None => Ok(Ok(Flash::success(
            Redirect::to(format!("/admin/members/{id}/offices")),
            "offices.ended",
        ))),
        Some(key) => {
            let (status, page) = manage_page(
                app,
                &page,
                id,
                <OfficeForm as Default>::default(),
                json!({"end": key}),
                Status::UnprocessableEntity,
            )
            .await?;
            Ok(Err((status, page)))
        }
    }
}

/// Whether a page may name a group's office holders without their consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Inside the party, to a viewer for whom this board is their own.
    ToTheViewer,
    /// Everywhere else: only those with a standing `public_office` consent.
    ByConsentOnly,
}

/// Which boards a signed-in viewer knows by name, consent or not.
///
/// The rule (SECURITY.md, "Office holders"): a member belongs to their home
/// chapter and every group above it (a member of a local chapter is also a
/// member of its district, state and federal party), and to their working
/// groups and the groups above those. The boards of these groups are
/// elected by, and answer to, the member: their names are known to them,
/// as at a members' meeting. Admins, and board members for the groups in
/// their scope (whose members they may read anyway), know them too. Every
/// other board, and every page outside the party (the public board page),
/// names only those who agreed to a public listing.
pub fn known_to(conn: &mut DbConn, user: &CurrentUser, group: i64) -> AppResult<Known> {
    let known = user.is_admin
        || (!user.board_groups.is_empty() && crate::groups::in_scope(conn, &user.scope(), group)?)
        || match user.member_id {
            Some(member) => crate::surveys::member_in_group(conn, member, group)?,
            None => false,
        };
    Ok(if known {
        Known::ToTheViewer
    } else {
        Known::ByConsentOnly
    })
}

/// The current office holders of a group a page may name, by role and
/// name, and how many more there are who may not be named there.
pub fn holders(
    conn: &mut DbConn,
    group_id: i64,
    today: NaiveDate,
    known: Known,
) -> AppResult<(Vec<Value>, usize)> {
    let held: Vec<(Office, String, String)> = offices::table
        .inner_join(members::table)
        .filter(offices::group_id.eq(group_id))
        .filter(offices::starts_on.le(today))
        .filter(offices::ends_on.is_null().or(offices::ends_on.ge(today)))
        .order((offices::role, members::sort_key))
        .select((Office::as_select(), members::first_name, members::last_name))
        .load(conn)?;
    let public: Vec<i64> = match known {
        Known::ToTheViewer => held.iter().map(|(o, _, _)| o.member_id).collect(),
        Known::ByConsentOnly => consents::table
            .filter(consents::topic.eq(ConsentTopic::PublicOffice.as_str()))
            .filter(consents::withdrawn_at.is_null())
            .filter(consents::member_id.eq_any(held.iter().map(|(o, _, _)| o.member_id)))
            .select(consents::member_id)
            .load(conn)?,
    };
    let mut listed = Vec::new();
    let mut unlisted = 0;
    for (office, first, last) in held {
        if public.contains(&office.member_id) {
            listed.push(json!({
                "role_key": format!("role.{}", office.role),
                "name": format!("{first} {last}"),
                "since": office.starts_on.to_string(),
                "until": office.ends_on.map(|d| d.to_string()),
            }));
        } else {
            unlisted += 1;
        }
    }
    Ok((listed, unlisted))
}

/// The public board page: no sign-in, so consent only.
#[get("/groups/<slug>/board")]
async fn board(app: AppState<'_>, page: Page, slug: String) -> AppResult<Template> {
    let today = app.clock.today();
    let context = app
        .db
        .run(move |conn| {
            let (group_id, name): (i64, String) = groups::table
                .filter(groups::slug.eq(&slug))
                .select((groups::id, groups::name))
                .first(conn)?;
            let (listed, unlisted) = holders(conn, group_id, today, Known::ByConsentOnly)?;
            Ok(json!({"group": name, "slug": slug, "holders": listed, "unlisted": unlisted}))
        })
        .await?;
    Ok(page.render("offices/board", context))
}
