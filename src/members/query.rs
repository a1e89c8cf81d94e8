//! Finding members within a user's scope: the one place that decides which
//! member rows a chair may read. Every list, search, detail and export goes
//! through [`visible`], so a route cannot widen the scope by accident.

use diesel::dsl::exists;
use diesel::prelude::*;

use crate::auth::Scope;
use crate::db::models::Member;
use crate::db::schema::{group_memberships, group_tree, groups, members};
use crate::db::{DbConn, MultiBackend};
use crate::error::AppResult;

type BoxedMembers<'a> = members::BoxedQuery<'a, MultiBackend>;

/// Lower case with umlauts spelt out and accents dropped, so "Müller",
/// "Mueller" and "MÜLLER" find each other and sort together.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'æ' => out.push_str("ae"),
            'ö' | 'ø' | 'œ' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'à' | 'á' | 'â' | 'ã' | 'å' => out.push('a'),
            'ç' | 'č' | 'ć' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' | 'ń' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' => out.push('u'),
            'š' | 'ś' | 'ş' => out.push('s'),
            'ž' | 'ź' | 'ż' => out.push('z'),
            'ł' => out.push('l'),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The stored search keys for a member's name.
pub fn name_keys(first_name: &str, last_name: &str) -> (String, String) {
    (fold(&format!("{last_name} {first_name}")), fold(first_name))
}

/// Members the scope may read, optionally narrowed to one group's subtree:
/// those whose home chapter lies below a scope group, and those in a
/// working group below one.
pub fn visible<'a>(scope: &'a Scope, group: Option<i64>) -> BoxedMembers<'a> {
    let mut query = members::table.into_boxed();
    if let Scope::Groups(roots) = scope {
        let chapters = group_tree::table
            .filter(group_tree::ancestor_id.eq_any(roots))
            .select(group_tree::group_id);
        let in_working_group = group_memberships::table
            .filter(group_memberships::member_id.eq(members::id))
            .filter(
                group_memberships::group_id.eq_any(
                    group_tree::table
                        .filter(group_tree::ancestor_id.eq_any(roots))
                        .select(group_tree::group_id),
                ),
            );
        query = query.filter(
            members::chapter_id
                .eq_any(chapters)
                .or(exists(in_working_group)),
        );
    }
    if let Some(group) = group {
        let below = group_tree::table
            .filter(group_tree::ancestor_id.eq(group))
            .select(group_tree::group_id);
        let in_working_group = group_memberships::table
            .filter(group_memberships::member_id.eq(members::id))
            .filter(
                group_memberships::group_id.eq_any(
                    group_tree::table
                        .filter(group_tree::ancestor_id.eq(group))
                        .select(group_tree::group_id),
                ),
            );
        query = query.filter(
            members::chapter_id
                .eq_any(below)
                .or(exists(in_working_group)),
        );
    }
    query
}

/// Narrows a member query by a search text: a membership number, or the
/// beginning of last name, first name, or both in either order.
pub fn search<'a>(query: BoxedMembers<'a>, text: &str) -> BoxedMembers<'a> {
    let folded = fold(text);
    if folded.is_empty() {
        return query;
    }
    if folded.chars().all(|c| c.is_ascii_digit()) {
        return query.filter(members::membership_number.eq(folded));
    }
    let words: Vec<&str> = folded.split(' ').collect();
    match words.as_slice() {
        [word] => {
            let (low, high) = prefix_range(word);
            let (first_low, first_high) = prefix_range(word);
            query.filter(
                members::sort_key
                    .ge(low)
                    .and(members::sort_key.lt(high))
                    .or(members::first_name_key
                        .ge(first_low)
                        .and(members::first_name_key.lt(first_high))),
            )
        }
        [a, b, ..] => {
            let (low1, high1) = prefix_range(&format!("{a} {b}"));
            let (low2, high2) = prefix_range(&format!("{b} {a}"));
            query.filter(
                members::sort_key
                    .ge(low1)
                    .and(members::sort_key.lt(high1))
                    .or(members::sort_key.ge(low2).and(members::sort_key.lt(high2))),
            )
        }
        [] => query,
    }
}

/// `[prefix, prefix + max char)`: the keys starting with `prefix` under
/// byte-wise ordering (SQLite BINARY, PostgreSQL "C"), which an index serves.
fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}{}", char::MAX))
}

/// One row of the member list.
#[derive(Debug, serde::Serialize)]
pub struct ListRow {
    pub id: String,
    pub membership_number: String,
    pub name: String,
    pub chapter: String,
    pub city: String,
    pub status: String,
    pub channel: String,
    pub email: Option<String>,
}

pub const PAGE_SIZE: i64 = 50;

/// One page of visible members matching `text`, and how many match in all.
pub fn page(
    conn: &mut DbConn,
    scope: &Scope,
    group: Option<i64>,
    text: &str,
    page: i64,
) -> AppResult<(Vec<ListRow>, i64)> {
    let total: i64 = search(visible(scope, group), text)
        .count()
        .get_result(conn)?;
    let ids: Vec<i64> = search(visible(scope, group), text)
        .order((members::sort_key, members::id))
        .limit(PAGE_SIZE)
        .offset(page.max(0) * PAGE_SIZE)
        .select(members::id)
        .load(conn)?;
    let mut rows: Vec<(Member, String)> = members::table
        .inner_join(groups::table)
        .filter(members::id.eq_any(&ids))
        .select((Member::as_select(), groups::name))
        .load(conn)?;
    rows.sort_by(|(a, _), (b, _)| (&a.sort_key, a.id).cmp(&(&b.sort_key, b.id)));
    Ok((
        rows.into_iter()
            .map(|(m, chapter)| ListRow {
                id: m.id.to_string(),
                membership_number: m.membership_number,
                name: format!("{}, {}", m.last_name, m.first_name),
                chapter,
                city: m.city,
                status: m.status,
                channel: m.channel,
                email: m.email,
            })
            .collect(),
        total,
    ))
}

/// One member, if the scope may read them.
pub fn find_visible(conn: &mut DbConn, scope: &Scope, id: i64) -> AppResult<Option<Member>> {
    Ok(visible(scope, None)
        .filter(members::id.eq(id))
        .select(Member::as_select())
        .first(conn)
        .optional()?)
}

/// All visible members matching `text`, ordered by name, for export.
pub fn all_matching(
    conn: &mut DbConn,
    scope: &Scope,
    group: Option<i64>,
    text: &str,
) -> AppResult<Vec<Member>> {
    Ok(search(visible(scope, group), text)
        .order((members::sort_key, members::id))
        .select(Member::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_spellings() {
        assert_eq!(fold("Müller"), fold("MUELLER"));
        assert_eq!(fold("  Groß  Straße "), "gross strasse");
        assert_eq!(fold("José"), "jose");
    }
}
