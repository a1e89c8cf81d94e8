//! Finding members within a user's scope: the one place that decides which
//! member rows a chair may read. Every list, search, detail and export goes
//! through the `member_scopes` rows under the user's groups, so a route
//! cannot widen the scope by accident.

use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::auth::Scope;
use crate::db::models::Member;
use crate::db::schema::{groups, member_scopes, members};
use crate::db::{DbConn, MultiBackend};
use crate::error::AppResult;

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

/// The stored sort and search key of a member: folded "last first".
pub fn sort_key(first_name: &str, last_name: &str) -> String {
    fold(&format!("{last_name} {first_name}"))
}

/// What a search text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    Everyone,
    /// An exact membership number.
    Number(String),
    /// Sort keys starting with any of these prefixes: the last name, or
    /// "last first" and "first last" for two words.
    Prefixes(Vec<String>),
}

impl Search {
    pub fn parse(text: &str) -> Search {
        let folded = fold(text);
        if folded.is_empty() {
            return Search::Everyone;
        }
        if folded.chars().all(|c| c.is_ascii_digit()) {
            return Search::Number(folded);
        }
        let words: Vec<&str> = folded.split(' ').collect();
        match words.as_slice() {
            [a, b] => Search::Prefixes(vec![format!("{a} {b}"), format!("{b} {a}")]),
            _ => Search::Prefixes(vec![folded.clone()]),
        }
    }
}

/// `[prefix, prefix + max char)`: the keys starting with `prefix` under
/// byte-wise ordering (SQLite BINARY, PostgreSQL "C"), which an index serves.
fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}{}", char::MAX))
}

/// The groups whose scope rows answer a question: the filter group, else
/// the user's board groups, else (admin) the top of the tree.
fn roots(conn: &mut DbConn, scope: &Scope, group: Option<i64>) -> AppResult<Vec<i64>> {
    Ok(match (scope, group) {
        (_, Some(group)) => vec![group],
        (Scope::Groups(roots), None) => roots.clone(),
        (Scope::All, None) => groups::table
            .filter(groups::parent_id.is_null())
            .select(groups::id)
            .load(conn)?,
    })
}

type BoxedScopes<'a> = member_scopes::BoxedQuery<'a, MultiBackend>;
type Condition = Box<dyn BoxableExpression<member_scopes::table, MultiBackend, SqlType = Bool>>;

/// Scope rows under `roots` that match `search`.
fn matching<'a>(roots: &'a [i64], search: &'a Search) -> BoxedScopes<'a> {
    let query = member_scopes::table
        .filter(member_scopes::group_id.eq_any(roots))
        .into_boxed();
    match search {
        Search::Everyone => query,
        Search::Number(number) => query.filter(
            member_scopes::member_id.eq_any(
                members::table
                    .filter(members::membership_number.eq(number))
                    .select(members::id),
            ),
        ),
        Search::Prefixes(prefixes) => {
            let condition = prefixes
                .iter()
                .map(|p| {
                    let (low, high) = prefix_range(p);
                    Box::new(
                        member_scopes::sort_key
                            .ge(low)
                            .and(member_scopes::sort_key.lt(high)),
                    ) as Condition
                })
                .reduce(|a, b| Box::new(a.or(b)));
            match condition {
                Some(condition) => query.filter(condition),
                None => query,
            }
        }
    }
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

/// Ids of visible members matching `search` in name order: one page, or
/// all with `page = None`.
fn ids(
    conn: &mut DbConn,
    roots: &[i64],
    search: &Search,
    page: Option<i64>,
) -> AppResult<Vec<i64>> {
    let mut query = matching(roots, search);
    if let Some(page) = page {
        query = query.limit(PAGE_SIZE).offset(page.max(0) * PAGE_SIZE);
    }
    // Within one group a member has one row, so the index order is the
    // answer; under several roots a member may appear twice.
    if let [_] = roots {
        Ok(query
            .order((member_scopes::sort_key, member_scopes::member_id))
            .select(member_scopes::member_id)
            .load(conn)?)
    } else {
        Ok(query
            .select((member_scopes::sort_key, member_scopes::member_id))
            .distinct()
            .order((member_scopes::sort_key, member_scopes::member_id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .map(|(_, id)| id)
            .collect())
    }
}

/// Members by id, in the order of `ids`, with their chapter's name.
fn load_in_order(conn: &mut DbConn, ids: &[i64]) -> AppResult<Vec<(Member, String)>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(5000) {
        let mut found: std::collections::HashMap<i64, (Member, String)> = members::table
            .inner_join(groups::table)
            .filter(members::id.eq_any(chunk))
            .select((Member::as_select(), groups::name))
            .load::<(Member, String)>(conn)?
            .into_iter()
            .map(|row| (row.0.id, row))
            .collect();
        rows.extend(chunk.iter().filter_map(|id| found.remove(id)));
    }
    Ok(rows)
}

/// One page of visible members matching `text`, and how many match in all.
pub fn page(
    conn: &mut DbConn,
    scope: &Scope,
    group: Option<i64>,
    text: &str,
    page: i64,
) -> AppResult<(Vec<ListRow>, i64)> {
    let roots = roots(conn, scope, group)?;
    let search = Search::parse(text);
    let total: i64 = if let [_] = roots.as_slice() {
        matching(&roots, &search).count().get_result(conn)?
    } else {
        matching(&roots, &search)
            .select(diesel::dsl::count(member_scopes::member_id).aggregate_distinct())
            .get_result(conn)?
    };
    let ids = ids(conn, &roots, &search, Some(page))?;
    Ok((
        load_in_order(conn, &ids)?
            .into_iter()
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
    let mut query = members::table.filter(members::id.eq(id)).into_boxed();
    if let Scope::Groups(roots) = scope {
        query = query.filter(exists(
            member_scopes::table
                .filter(member_scopes::member_id.eq(id))
                .filter(member_scopes::group_id.eq_any(roots.clone())),
        ));
    }
    Ok(query.select(Member::as_select()).first(conn).optional()?)
}

/// All visible members matching `text`, in name order, for export.
pub fn all_matching(
    conn: &mut DbConn,
    scope: &Scope,
    group: Option<i64>,
    text: &str,
) -> AppResult<Vec<Member>> {
    let roots = roots(conn, scope, group)?;
    let ids = ids(conn, &roots, &Search::parse(text), None)?;
    Ok(load_in_order(conn, &ids)?
        .into_iter()
        .map(|(m, _)| m)
        .collect())
}

/// How many members a group holds, its sub-groups and working groups included.
pub fn count_in_group(conn: &mut DbConn, group: i64) -> AppResult<i64> {
    Ok(member_scopes::table
        .filter(member_scopes::group_id.eq(group))
        .count()
        .get_result(conn)?)
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

    #[test]
    fn search_texts_parse() {
        assert_eq!(Search::parse("  "), Search::Everyone);
        assert_eq!(Search::parse("1000101"), Search::Number("1000101".into()));
        assert_eq!(
            Search::parse("Müller"),
            Search::Prefixes(vec!["mueller".into()])
        );
        assert_eq!(
            Search::parse("Anna  Müller"),
            Search::Prefixes(vec!["anna mueller".into(), "mueller anna".into()])
        );
    }
}
