//! Finding members within a user's scope: the one place that decides which
//! member rows a chair may read. Every list, search, detail and export goes
//! through the `member_scopes` rows under the user's groups, so a route
//! cannot widen the scope by accident.

use diesel::dsl::exists;
use diesel::prelude::*;

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

/// One index range of `member_scopes`. A search becomes one or more of
/// them, each served by the primary key; an OR inside one query would make
/// SQLite scan the whole group instead.
#[derive(Debug)]
enum Range {
    All,
    Member(i64),
    Prefix(String),
}

fn ranges(conn: &mut DbConn, search: &Search) -> AppResult<Vec<Range>> {
    Ok(match search {
        Search::Everyone => vec![Range::All],
        Search::Number(number) => members::table
            .filter(members::membership_number.eq(number))
            .select(members::id)
            .first::<i64>(conn)
            .optional()?
            .map(Range::Member)
            .into_iter()
            .collect(),
        Search::Prefixes(prefixes) => {
            let mut prefixes = prefixes.clone();
            prefixes.dedup();
            // "a b" and "b a" never share a key unless equal, so the
            // ranges are disjoint and their counts add up.
            prefixes.into_iter().map(Range::Prefix).collect()
        }
    })
}

/// Scope rows under `roots` within one range.
fn matching<'a>(roots: &'a [i64], range: &'a Range) -> BoxedScopes<'a> {
    // One root as `=`: PostgreSQL plans `= ANY(array)` as possibly many
    // values and sorts instead of walking the index in order.
    let query = match roots {
        [root] => member_scopes::table
            .filter(member_scopes::group_id.eq(*root))
            .into_boxed(),
        _ => member_scopes::table
            .filter(member_scopes::group_id.eq_any(roots))
            .into_boxed(),
    };
    match range {
        Range::All => query,
        Range::Member(id) => query.filter(member_scopes::member_id.eq(*id)),
        Range::Prefix(prefix) => {
            let (low, high) = prefix_range(prefix);
            query
                .filter(member_scopes::sort_key.ge(low))
                .filter(member_scopes::sort_key.lt(high))
        }
    }
}

/// How many distinct members lie in `range` under `roots`.
fn count(conn: &mut DbConn, roots: &[i64], range: &Range) -> AppResult<i64> {
    // Within one group a member has one row; under several roots a member
    // may have one row per root.
    Ok(if let [_] = roots {
        matching(roots, range).count().get_result(conn)?
    } else {
        matching(roots, range)
            .select(diesel::dsl::count(member_scopes::member_id).aggregate_distinct())
            .get_result(conn)?
    })
}

/// `(sort key, member)` of `range` under `roots` in order, `skip` and
/// `take` applied.
fn keys(
    conn: &mut DbConn,
    roots: &[i64],
    range: &Range,
    skip: i64,
    take: Option<i64>,
) -> AppResult<Vec<(String, i64)>> {
    let mut query = matching(roots, range)
        .select((member_scopes::sort_key, member_scopes::member_id))
        .order((member_scopes::sort_key, member_scopes::member_id));
    // SQLite knows OFFSET only after LIMIT; a whole export needs neither.
    if let Some(take) = take {
        query = query.limit(take).offset(skip);
    }
    if let [_] = roots {
        Ok(query.load(conn)?)
    } else {
        Ok(query.distinct().load(conn)?)
    }
}

/// Ids of members in `ranges` under `roots` in name order: one page, or all
/// with `page = None`.
fn ids(
    conn: &mut DbConn,
    roots: &[i64],
    ranges: &[Range],
    page: Option<i64>,
) -> AppResult<Vec<i64>> {
    let (skip, take) = match page {
        Some(page) => (page.max(0) * PAGE_SIZE, Some(PAGE_SIZE)),
        None => (0, None),
    };
    if let [range] = ranges {
        return Ok(keys(conn, roots, range, skip, take)?
            .into_iter()
            .map(|(_, id)| id)
            .collect());
    }
    // Several disjoint ranges: take enough of each, merge, then page.
    let mut merged = Vec::new();
    for range in ranges {
        merged.extend(keys(conn, roots, range, 0, take.map(|t| skip + t))?);
    }
    merged.sort_unstable();
    Ok(merged
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(take.map_or(usize::MAX, |t| usize::try_from(t).unwrap_or(usize::MAX)))
        .map(|(_, id)| id)
        .collect())
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
    let ranges = ranges(conn, &Search::parse(text))?;
    let mut total = 0;
    for range in &ranges {
        total += count(conn, &roots, range)?;
    }
    let ids = ids(conn, &roots, &ranges, Some(page))?;
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
    let ranges = ranges(conn, &Search::parse(text))?;
    let ids = ids(conn, &roots, &ranges, None)?;
    Ok(load_in_order(conn, &ids)?
        .into_iter()
        .map(|(m, _)| m)
        .collect())
}

/// How many members a group holds, its sub-groups and working groups included.
pub fn count_in_group(conn: &mut DbConn, group: i64) -> AppResult<i64> {
    count(conn, &[group], &Range::All)
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
