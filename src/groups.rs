//! The organisation tree: group pages, the closure table that answers
//! "this group and everything below" in one indexed lookup, and the check
//! whether a group lies inside a user's scope.

use diesel::prelude::*;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::json;

use crate::auth::{CurrentUser, Scope};
use crate::db::models::{Group, GroupKind, GroupTreeRow};
use crate::db::schema::{group_tree, groups};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, Page};

pub fn routes() -> Vec<Route> {
    routes![index, show]
}

/// Closure rows for a new group: itself at depth 0 and each ancestor.
pub fn tree_rows(conn: &mut DbConn, id: i64, parent: Option<i64>) -> AppResult<Vec<GroupTreeRow>> {
    let mut rows = vec![GroupTreeRow {
        ancestor_id: id,
        group_id: id,
        depth: 0,
    }];
    if let Some(parent) = parent {
        let above: Vec<(i64, i32)> = group_tree::table
            .filter(group_tree::group_id.eq(parent))
            .select((group_tree::ancestor_id, group_tree::depth))
            .load(conn)?;
        rows.extend(above.into_iter().map(|(ancestor_id, depth)| GroupTreeRow {
            ancestor_id,
            group_id: id,
            depth: depth + 1,
        }));
    }
    Ok(rows)
}

/// Inserts a group with its closure rows.
pub fn insert(conn: &mut DbConn, group: &Group) -> AppResult<()> {
    let rows = tree_rows(conn, group.id, group.parent_id)?;
    diesel::insert_into(groups::table)
        .values(group)
        .execute(conn)?;
    crate::insert_batch!(conn, group_tree::table, &rows)?;
    Ok(())
}

/// Ancestors of a group from the top down, the group itself last.
pub fn path(conn: &mut DbConn, id: i64) -> AppResult<Vec<Group>> {
    Ok(group_tree::table
        .inner_join(groups::table.on(groups::id.eq(group_tree::ancestor_id)))
        .filter(group_tree::group_id.eq(id))
        .order(group_tree::depth.desc())
        .select(Group::as_select())
        .load(conn)?)
}

/// Whether `group` is one of the scope's groups or below one of them.
pub fn in_scope(conn: &mut DbConn, scope: &Scope, group: i64) -> AppResult<bool> {
    match scope {
        Scope::All => Ok(true),
        Scope::Groups(roots) => Ok(group_tree::table
            .filter(group_tree::group_id.eq(group))
            .filter(group_tree::ancestor_id.eq_any(roots))
            .count()
            .get_result::<i64>(conn)?
            > 0),
    }
}

/// A group named in a form field.
#[derive(Debug, PartialEq, Eq)]
pub enum Named {
    Found(i64),
    Unknown,
    /// Several groups have this name; the picker's label with the short
    /// name in brackets tells them apart.
    Ambiguous,
}

/// Reads a group from a form field as people fill it in: its name
/// ("Ortsverband Mitte", any case), the picker's label for a name several
/// groups share ("Ortsverband Mitte (ov-mitte-2)"), or its short name
/// (`ov-mitte`), which older links and forms send.
pub fn find_named(conn: &mut DbConn, text: &str) -> AppResult<Named> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Named::Unknown);
    }
    let by_slug = |conn: &mut DbConn, slug: &str| -> AppResult<Option<i64>> {
        Ok(groups::table
            .filter(groups::slug.eq(slug))
            .select(groups::id)
            .first(conn)
            .optional()?)
    };
    if let Some(id) = by_slug(conn, text)? {
        return Ok(Named::Found(id));
    }
    if let Some(slug) = text
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        .map(|(_, slug)| slug)
    {
        if let Some(id) = by_slug(conn, slug)? {
            return Ok(Named::Found(id));
        }
    }
    // Names are compared without case in Rust: SQLite's and PostgreSQL's
    // case folding differ for umlauts.
    let wanted = text.to_lowercase();
    let first = wanted
        .chars()
        .next()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let candidates: Vec<(i64, String)> = groups::table
        .filter(
            groups::name
                .like(format!("{}%", first.to_uppercase()))
                .or(groups::name.like(format!("{first}%"))),
        )
        .select((groups::id, groups::name))
        .load(conn)?;
    let found: Vec<i64> = candidates
        .into_iter()
        .filter(|(_, name)| name.to_lowercase() == wanted)
        .map(|(id, _)| id)
        .collect();
    Ok(match found.as_slice() {
        [] => Named::Unknown,
        [id] => Named::Found(*id),
        _ => Named::Ambiguous,
    })
}

/// The labels a group field offers (a `<datalist>`, so it works without
/// JavaScript as a plain field with suggestions): the groups at or below
/// `roots` (every group for `None`), by name; a name several of them share
/// gets its short name in brackets, which [`find_named`] reads back.
pub fn picker(conn: &mut DbConn, roots: Option<&[i64]>) -> AppResult<Vec<String>> {
    let mut query = groups::table
        .order((groups::name, groups::slug))
        .select((groups::name, groups::slug))
        .into_boxed();
    if let Some(roots) = roots {
        let below = group_tree::table
            .filter(group_tree::ancestor_id.eq_any(roots.to_vec()))
            .select(group_tree::group_id);
        query = query.filter(groups::id.eq_any(below));
    }
    let rows: Vec<(String, String)> = query.load(conn)?;
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (name, _) in &rows {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    Ok(rows
        .iter()
        .map(|(name, slug)| {
            if counts.get(name.as_str()).copied().unwrap_or(0) > 1 {
                format!("{name} ({slug})")
            } else {
                name.clone()
            }
        })
        .collect())
}

#[derive(Serialize)]
struct GroupLink {
    name: String,
    slug: String,
    kind: String,
}

impl From<Group> for GroupLink {
    fn from(g: Group) -> Self {
        GroupLink {
            name: g.name,
            slug: g.slug,
            kind: g.kind,
        }
    }
}

/// The top of the tree: the federal level, its states and working groups.
#[get("/groups")]
async fn index(app: AppState<'_>, page: Page, _user: CurrentUser) -> AppResult<Template> {
    let (top, children) = app
        .db
        .run(|conn| {
            let top: Group = groups::table
                .filter(groups::parent_id.is_null())
                .order(groups::name)
                .select(Group::as_select())
                .first(conn)?;
            let children: Vec<GroupLink> = groups::table
                .filter(groups::parent_id.eq(top.id))
                .order((groups::kind, groups::name))
                .select(Group::as_select())
                .load(conn)?
                .into_iter()
                .map(GroupLink::from)
                .collect();
            Ok((GroupLink::from(top), children))
        })
        .await?;
    Ok(page.render("groups/index", json!({"top": top, "children": children})))
}

#[get("/groups/<slug>")]
async fn show(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    slug: String,
) -> AppResult<Template> {
    let today = app.clock.today();
    let scope = user.scope();
    let view = app
        .db
        .run(move |conn| {
            let group: Group = groups::table
                .filter(groups::slug.eq(&slug))
                .select(Group::as_select())
                .first(conn)?;
            let breadcrumb: Vec<GroupLink> = path(conn, group.id)?.into_iter().map(GroupLink::from).collect();
            let children: Vec<GroupLink> = groups::table
                .filter(groups::parent_id.eq(group.id))
                .order(groups::name)
                .select(Group::as_select())
                .load(conn)?
                .into_iter()
                .map(GroupLink::from)
                .collect();
            let member_count = crate::members::query::count_in_group(conn, group.id)?;
            // Named only where the rule in `offices::known_to` allows.
            let known = crate::offices::known_to(conn, &user, group.id)?;
            let (board, unlisted) = crate::offices::holders(conn, group.id, today, known)?;
            let may_list = in_scope(conn, &scope, group.id)? && scope != Scope::Groups(Vec::new());
            Ok(json!({
                "group": GroupLink::from(group.clone()),
                "group_id": group.id,
                "kind_key": format!("group.kind.{}", GroupKind::parse(&group.kind).map_or("local", GroupKind::as_str)),
                "breadcrumb": breadcrumb,
                "children": children,
                "member_count": member_count,
                "board": board,
                "unlisted": unlisted,
                "may_list": may_list,
            }))
        })
        .await?;
    Ok(page.render("groups/show", view))
}

/// A group by id, for pages that link to it.
pub fn by_id(conn: &mut DbConn, id: i64) -> AppResult<Group> {
    groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
        .map_err(AppError::from)
}
