//! Administration pages: figures, the mail outbox and the audit log.

use diesel::prelude::*;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::auth::Admin;
use crate::db::models::{Channel, MemberStatus};
use crate::db::schema::{accounts, groups, members};
use crate::error::AppResult;
use crate::web::{AppState, Page};

pub fn routes() -> Vec<Route> {
    routes![overview, outbox, audit_log]
}

#[get("/admin")]
async fn overview(app: AppState<'_>, page: Page, _admin: Admin) -> AppResult<Template> {
    let figures = app
        .db
        .run(|conn| {
            let members: i64 = members::table.count().get_result(conn)?;
            let active: i64 = members::table
                .filter(members::status.eq(MemberStatus::Active))
                .count()
                .get_result(conn)?;
            let paper: i64 = members::table
                .filter(members::channel.eq(Channel::Paper))
                .count()
                .get_result(conn)?;
            let groups: i64 = groups::table.count().get_result(conn)?;
            let accounts: i64 = accounts::table.count().get_result(conn)?;
            Ok(json!({
                "members": members,
                "active": active,
                "paper": paper,
                "groups": groups,
                "accounts": accounts,
            }))
        })
        .await?;
    Ok(page.render("admin/overview", json!({"figures": figures})))
}

#[get("/admin/outbox")]
async fn outbox(app: AppState<'_>, page: Page, _admin: Admin) -> AppResult<Template> {
    let messages = app
        .db
        .run(|conn| crate::mail::outbox_page(conn, 200))
        .await?;
    let messages: Vec<_> = messages
        .into_iter()
        .map(|m| {
            json!({
                "created_at": m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                "recipient": m.recipient,
                "subject": m.subject,
                "body": m.body,
                "sent_at": m.sent_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
                "error": m.error,
            })
        })
        .collect();
    Ok(page.render("admin/outbox", json!({"messages": messages})))
}

/// The audit log, newest first; `member` narrows it to the entries about
/// one member (what that member sees in their own log, with actors named).
/// Actions are translated, and members, actors, groups and ballots are
/// shown by name, not by id.
#[get("/admin/audit?<member>")]
async fn audit_log(
    app: AppState<'_>,
    page: Page,
    _admin: Admin,
    member: Option<i64>,
) -> AppResult<Template> {
    let lang = page.lang;
    let entries = app
        .db
        .run(move |conn| {
            let entries = match member {
                Some(id) => crate::audit::about_member(conn, id, 1000)?,
                None => crate::audit::recent(conn, 500)?,
            };
            let mut names = crate::audit::Names::default();
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                out.push(json!({
                    "at": crate::audit::when(lang, e.at),
                    "actor": names.actor(conn, e.actor_account_id)?,
                    "action_key": crate::audit::action_key(&e.action),
                    "member_id": e.member_id.map(|m| m.to_string()),
                    "member": names.member(conn, e.member_id)?,
                    "group": names.group(conn, e.group_id)?,
                    "ballot": names.ballot(conn, e.ballot_id.as_deref())?,
                    "detail": e.detail,
                }));
            }
            Ok(out)
        })
        .await?;
    let member_name = match member {
        Some(id) => {
            app.db
                .run(move |conn| crate::audit::Names::default().member(conn, Some(id)))
                .await?
        }
        None => None,
    };
    Ok(page.render(
        "admin/audit",
        json!({"entries": entries, "member": member.map(|m| m.to_string()),
               "member_name": member_name}),
    ))
}
