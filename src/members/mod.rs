//! Members: the chair's member list (paged, searchable, exportable) and the
//! detail page, always limited to the reader's scope and audit-logged; the
//! CSV import lives in [`import`].

pub mod directory;
pub mod import;
pub mod query;
pub mod roster;
pub mod scopes;

use diesel::prelude::*;
use rocket::http::ContentType;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Event};
use crate::auth::Board;
use crate::ballots::letters::Download;
use crate::db::models::{Group, Member, Office};
use crate::db::schema::{group_memberships, groups, offices};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::groups as group_tree;
use crate::rights::{ChairOf, MemberId};
use crate::spreadsheet::{CsvFor, CsvSheet};
use crate::web::{AppState, Page};

pub fn routes() -> Vec<Route> {
    routes![
        list,
        detail,
        export,
        directory::directory,
        directory::contact_selection,
        directory::contact_result,
        directory::contact_letters,
        roster::roster
    ]
}

#[get("/members?<q>&<group>&<page>")]
async fn list(
    app: AppState<'_>,
    view: Page,
    board: Board,
    q: Option<String>,
    group: Option<i64>,
    page: Option<i64>,
) -> AppResult<Template> {
    let user = board.0;
    let scope = user.scope();
    let text = q.unwrap_or_default();
    let page_no = page.unwrap_or(1).max(1);
    let now = app.clock.now();
    let search = text.clone();
    let (rows, total, group_name) = app
        .db
        .run(move |conn| {
            let group_name = match group {
                Some(id) => {
                    if !group_tree::in_scope(conn, &scope, id)? {
                        return Err(AppError::Forbidden);
                    }
                    Some(group_tree::by_id(conn, id)?.name)
                }
                None => None,
            };
            let (rows, total) = query::page(conn, &scope, group, &search, page_no - 1)?;
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::MemberListViewed,
                    member: None,
                    group,
                    detail: &format!("page {page_no}, search {search:?}, {} shown", rows.len()),
                },
            )?;
            // Each member shown gets an entry of their own, for their log.
            let shown: Vec<i64> = rows.iter().filter_map(|r| r.id.parse().ok()).collect();
            audit::record_for_members(
                conn,
                now,
                Some(user.account_id),
                Action::MemberListed,
                group,
                &shown,
                "",
            )?;
            Ok((rows, total, group_name))
        })
        .await?;
    let pages = (total + query::PAGE_SIZE - 1) / query::PAGE_SIZE;
    let link = |p: i64| {
        let mut url = format!("/members?page={p}");
        if !text.is_empty() {
            url.push_str(&format!(
                "&q={}",
                rocket::http::RawStr::new(&text).percent_encode()
            ));
        }
        if let Some(g) = group {
            url.push_str(&format!("&group={g}"));
        }
        url
    };
    Ok(view.render(
        "members/list",
        json!({
            "rows": rows,
            "total": total,
            "q": text,
            "group": group,
            "group_name": group_name,
            "page": page_no,
            "pages": pages.max(1),
            "prev": (page_no > 1).then(|| link(page_no - 1)),
            "next": (page_no < pages).then(|| link(page_no + 1)),
            "export": link(1).replacen("/members?page=1", "/members/export.csv?", 1),
        }),
    ))
}

#[derive(Serialize)]
struct OfficeView {
    role_key: String,
    group: String,
    slug: String,
    starts_on: String,
    ends_on: Option<String>,
    current: bool,
}

/// A member's home chapter (with its path), offices and working groups,
/// for the pages that show a member record.
pub fn belonging(
    conn: &mut DbConn,
    member: &Member,
    today: chrono::NaiveDate,
) -> AppResult<serde_json::Value> {
    let chapter_path: Vec<Group> = group_tree::path(conn, member.chapter_id)?;
    let held: Vec<(Office, Group)> = offices::table
        .inner_join(groups::table)
        .filter(offices::member_id.eq(member.id))
        .order(offices::starts_on.desc())
        .select((Office::as_select(), Group::as_select()))
        .load(conn)?;
    let working_groups: Vec<Group> = group_memberships::table
        .inner_join(groups::table.on(groups::id.eq(group_memberships::group_id)))
        .filter(group_memberships::member_id.eq(member.id))
        .select(Group::as_select())
        .load(conn)?;
    let offices: Vec<OfficeView> = held
        .into_iter()
        .map(|(o, g)| OfficeView {
            current: o.is_current(today),
            role_key: format!("role.{}", o.role),
            group: g.name,
            slug: g.slug,
            starts_on: o.starts_on.to_string(),
            ends_on: o.ends_on.map(|d| d.to_string()),
        })
        .collect();
    Ok(json!({
        "chapter_path": chapter_path,
        "chapter": chapter_path.last(),
        "offices": offices,
        "working_groups": working_groups,
    }))
}

#[get("/members/<id>")]
async fn detail(
    app: AppState<'_>,
    view: Page,
    chair: ChairOf<MemberId>,
    id: i64,
) -> AppResult<Template> {
    let ChairOf { user, member, .. } = chair;
    let now = app.clock.now();
    let context = app
        .db
        .run(move |conn| {
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::MemberViewed,
                    member: Some(member.id),
                    group: Some(member.chapter_id),
                    detail: "",
                },
            )?;
            let mut context = belonging(conn, &member, now.date())?;
            let bank = crate::bank::masked_iban(conn, member.id)?;
            let can_reveal = bank.is_some() && crate::bank::may_reveal(conn, &user, member.id)?;
            if let Some(map) = context.as_object_mut() {
                map.insert("member".into(), json!(member));
                map.insert("bank_masked".into(), json!(bank));
                map.insert("can_reveal".into(), json!(can_reveal));
                map.insert("member_id".into(), json!(id.to_string()));
            }
            Ok(context)
        })
        .await?;
    Ok(view.render("members/detail", context))
}

/// CSV header of the export, also accepted by `votum members import`.
pub const CSV_HEADER: [&str; 17] = [
    "membership_number",
    "first_name",
    "last_name",
    "address_extra",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "birth_date",
    "join_date",
    "status",
    "channel",
    "language",
    "chapter",
];

/// Headings of the export for people, by catalogue key, in the order of
/// [`CSV_HEADER`].
const CSV_HEADINGS_FOR_PEOPLE: [&str; 17] = [
    "csv.membership_number",
    "csv.first_name",
    "csv.last_name",
    "csv.address_extra",
    "csv.street",
    "csv.house_number",
    "csv.postcode",
    "csv.city",
    "csv.country",
    "csv.email",
    "csv.phone",
    "csv.birth_date",
    "csv.join_date",
    "csv.status",
    "csv.channel",
    "csv.language",
    "csv.chapter",
];

/// The member list as CSV: for a spreadsheet by default
/// (`?format=spreadsheet`, see [`CsvFor::People`]), for programs and the
/// member import with `?format=machine`.
#[get("/members/export.csv?<q>&<group>&<format>")]
async fn export(
    app: AppState<'_>,
    board: Board,
    view: Page,
    q: Option<String>,
    group: Option<i64>,
    format: Option<&str>,
) -> AppResult<Download> {
    let reader = CsvFor::from_query(format, view.lang)?;
    let user = board.0;
    let scope = user.scope();
    let text = q.unwrap_or_default();
    let now = app.clock.now();
    let words = app.catalogues.clone();
    let bytes = app
        .db
        .run(move |conn| {
            if let Some(id) = group {
                if !group_tree::in_scope(conn, &scope, id)? {
                    return Err(AppError::Forbidden);
                }
            }
            let members = query::all_matching(conn, &scope, group, &text)?;
            // Machines get the short name the import reads; people the name.
            let chapters: std::collections::HashMap<i64, String> = groups::table
                .select((groups::id, groups::slug, groups::name))
                .load::<(i64, String, String)>(conn)?
                .into_iter()
                .map(|(id, slug, name)| match reader {
                    CsvFor::Machines => (id, slug),
                    CsvFor::People(_) => (id, name),
                })
                .collect();
            let word = |key: String, value: &str| reader.word(&words, &key, value);
            let mut out = CsvSheet::for_reader(reader);
            match reader.language() {
                Some(lang) => out.row(CSV_HEADINGS_FOR_PEOPLE.map(|key| words.get(lang, key)))?,
                None => out.row(CSV_HEADER)?,
            }
            for m in &members {
                let chapter = chapters.get(&m.chapter_id).map_or("", String::as_str);
                out.row([
                    m.membership_number.as_str(),
                    &m.first_name,
                    &m.last_name,
                    m.address_extra.as_deref().unwrap_or(""),
                    &m.street,
                    &m.house_number,
                    &m.postcode,
                    &m.city,
                    &m.country,
                    m.email.as_deref().unwrap_or(""),
                    m.phone.as_deref().unwrap_or(""),
                    &reader.date(m.birth_date),
                    &reader.date(m.join_date),
                    &word(format!("status.{}", m.status), &m.status),
                    &word(format!("channel.{}", m.channel), &m.channel),
                    &word(format!("csv.language_{}", m.language), &m.language),
                    chapter,
                ])?;
            }
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::MembersExported,
                    member: None,
                    group,
                    detail: &format!("{} members, search {text:?}", members.len()),
                },
            )?;
            let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
            audit::record_for_members(
                conn,
                now,
                Some(user.account_id),
                Action::MembersExported,
                group,
                &ids,
                "",
            )?;
            out.into_bytes()
        })
        .await?;
    Ok(Download::new(
        ContentType::CSV,
        reader.file_name("members"),
        bytes,
    ))
}
