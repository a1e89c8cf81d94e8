//! The member directory every signed-in member may read: name and chapter
//! of the members who agreed to be listed, nothing else. Consent is read on
//! every request, so a withdrawal takes effect at once.

use diesel::prelude::*;
use rocket::get;
use rocket_dyn_templates::Template;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db::models::{ConsentTopic, MemberStatus};
use crate::db::schema::{consents, groups, members};
use crate::error::AppResult;
use crate::web::{AppState, Page};

const PAGE_SIZE: i64 = 50;

#[get("/directory?<q>&<page>")]
pub async fn roster(
    app: AppState<'_>,
    view: Page,
    _user: CurrentUser,
    q: Option<String>,
    page: Option<i64>,
) -> AppResult<Template> {
    let text = q.unwrap_or_default();
    let page_no = page.unwrap_or(1).max(1);
    let prefix = super::query::fold(&text);
    let (rows, more) = app
        .db
        .run(move |conn| {
            let mut query = consents::table
                .inner_join(members::table.inner_join(groups::table))
                .filter(consents::topic.eq(ConsentTopic::Directory.as_str()))
                .filter(consents::withdrawn_at.is_null())
                .filter(members::status.eq(MemberStatus::Active))
                .into_boxed();
            if !prefix.is_empty() {
                query = query
                    .filter(members::sort_key.ge(prefix.clone()))
                    .filter(members::sort_key.lt(format!("{prefix}{}", char::MAX)));
            }
            let mut rows: Vec<(String, String, String)> = query
                .order((members::sort_key, members::id))
                .select((members::first_name, members::last_name, groups::name))
                .limit(PAGE_SIZE + 1)
                .offset((page_no - 1) * PAGE_SIZE)
                .load(conn)?;
            let more = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(usize::try_from(PAGE_SIZE).unwrap_or(50));
            Ok((rows, more))
        })
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(first, last, chapter)| json!({"name": format!("{last}, {first}"), "chapter": chapter}))
        .collect();
    let link = |p: i64| {
        format!(
            "/directory?page={p}&q={}",
            rocket::http::RawStr::new(&text).percent_encode()
        )
    };
    Ok(view.render(
        "members/roster",
        json!({
            "rows": rows,
            "q": text,
            "prev": (page_no > 1).then(|| link(page_no - 1)),
            "next": more.then(|| link(page_no + 1)),
        }),
    ))
}
