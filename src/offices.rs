//! Offices and functions with their terms: the chapter board page lists
//! the current office holders. It is public, and shows by name only those
//! who agreed to a public listing; the others are counted, not named.
//! (Rights from an office end with its term: see `auth`.)

use diesel::prelude::*;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::db::models::{ConsentTopic, Office};
use crate::db::schema::{consents, groups, members, offices};
use crate::error::AppResult;
use crate::web::{AppState, Page};

pub fn routes() -> Vec<Route> {
    routes![board]
}

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
            let held: Vec<(Office, String, String)> = offices::table
                .inner_join(members::table)
                .filter(offices::group_id.eq(group_id))
                .filter(offices::starts_on.le(today))
                .filter(offices::ends_on.is_null().or(offices::ends_on.ge(today)))
                .order((offices::role, members::sort_key))
                .select((Office::as_select(), members::first_name, members::last_name))
                .load(conn)?;
            let public: Vec<i64> = consents::table
                .filter(consents::topic.eq(ConsentTopic::PublicOffice.as_str()))
                .filter(consents::withdrawn_at.is_null())
                .filter(consents::member_id.eq_any(held.iter().map(|(o, _, _)| o.member_id)))
                .select(consents::member_id)
                .load(conn)?;
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
            Ok(json!({"group": name, "slug": slug, "holders": listed, "unlisted": unlisted}))
        })
        .await?;
    Ok(page.render("offices/board", context))
}
