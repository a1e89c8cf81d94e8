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
#[get("/admin/audit?<member>")]
async fn audit_log(
    app: AppState<'_>,
    page: Page,
    _admin: Admin,
    member: Option<i64>,
) -> AppResult<Template> {
    let entries = app
        .db
        .run(move |conn| {
            let entries = match member {
                Some(id) => crate::audit::about_member(conn, id, 1000)?,
                None => crate::audit::recent(conn, 500)?,
            };
            let mut names = std::collections::HashMap::new();
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let actor = match e.actor_account_id {
                    Some(a) => match names.get(&a) {
                        Some(known) => Some(known),
                        None => {
                            let found = crate::privacy::actor_name(conn, a)?
                                .unwrap_or_else(|| a.to_string());
                            Some(&*names.entry(a).or_insert(found))
                        }
                    }
                    .cloned(),
                    None => None,
                };
                out.push(json!({
                    "at": e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    "actor": actor,
                    "action": e.action,
                    "member": e.member_id.map(|m| m.to_string()),
                    "detail": e.detail,
                }));
            }
            Ok(out)
        })
        .await?;
    Ok(page.render(
        "admin/audit",
        json!({"entries": entries, "member": member.map(|m| m.to_string())}),
    ))
}
