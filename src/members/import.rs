//! `votum members import FILE.csv`: idempotent by membership number. Every
//! bad row is reported with its line and reason; a file with any bad row
//! changes nothing unless the caller asks to skip invalid rows.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::query::sort_key;
use crate::db::models::{Channel, GroupKind, GroupMembership, Language, Member, MemberStatus};
use crate::db::schema::{group_memberships, groups, members};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::text::{self, Shape};

/// A row that could not be imported, with its line in the file (the header
/// is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub errors: Vec<RowError>,
    /// False when errors stopped the import and nothing was written.
    pub applied: bool,
}

#[derive(Debug, serde::Deserialize)]
struct CsvRow {
    membership_number: String,
    first_name: String,
    last_name: String,
    #[serde(default)]
    address_extra: String,
    street: String,
    house_number: String,
    postcode: String,
    city: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    birth_date: String,
    join_date: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    language: String,
    chapter: String,
}

fn date(field: &str, value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value.trim(), "%d.%m.%Y"))
        .map_err(|_| format!("{field} {value:?} is not a date (YYYY-MM-DD or DD.MM.YYYY)"))
}

fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, String> {
    let value = value.trim();
    if value.is_empty() {
        Err(format!("{field} is empty"))
    } else {
        Ok(value)
    }
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The row with the apostrophes the members export puts before formula
/// starts removed (`'+49 30 1234` was `+49 30 1234`), so that an export
/// imports as it was.
fn restored(row: CsvRow) -> CsvRow {
    let r = |value: String| crate::spreadsheet::restore(&value).to_owned();
    CsvRow {
        membership_number: r(row.membership_number),
        first_name: r(row.first_name),
        last_name: r(row.last_name),
        address_extra: r(row.address_extra),
        street: r(row.street),
        house_number: r(row.house_number),
        postcode: r(row.postcode),
        city: r(row.city),
        country: r(row.country),
        email: r(row.email),
        phone: r(row.phone),
        birth_date: r(row.birth_date),
        join_date: r(row.join_date),
        status: r(row.status),
        channel: r(row.channel),
        language: r(row.language),
        chapter: r(row.chapter),
    }
}

/// Checks every text field of a row with the portal's one text rule.
fn check_texts(row: &CsvRow) -> Result<(), String> {
    for (field, value, max) in [
        ("membership_number", &row.membership_number, 32),
        ("first_name", &row.first_name, text::NAME),
        ("last_name", &row.last_name, text::NAME),
        ("address_extra", &row.address_extra, text::ADDRESS),
        ("street", &row.street, text::ADDRESS),
        ("house_number", &row.house_number, text::HOUSE_NUMBER),
        ("postcode", &row.postcode, text::POSTCODE),
        ("city", &row.city, text::ADDRESS),
        ("country", &row.country, text::POSTCODE),
        ("email", &row.email, text::EMAIL),
        ("phone", &row.phone, text::PHONE),
        ("chapter", &row.chapter, text::TITLE),
    ] {
        if let Some(problem) = text::problem(value.trim(), Shape::Line, max) {
            let length = value.chars().count();
            return Err(format!(
                "{field} {} ({length} characters, at most {max})",
                text::describe(problem)
            ));
        }
    }
    Ok(())
}

/// Checks one row; `chapters` maps group slugs to ids of groups members may
/// belong to.
fn validate(row: CsvRow, chapters: &HashMap<String, i64>) -> Result<Member, String> {
    let row = restored(row);
    check_texts(&row)?;
    let number = required("membership_number", &row.membership_number)?;
    if !number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(format!(
            "membership_number {number:?} may hold only letters, digits and '-'"
        ));
    }
    let first_name = required("first_name", &row.first_name)?;
    let last_name = required("last_name", &row.last_name)?;
    let birth_date = date("birth_date", &row.birth_date)?;
    let join_date = date("join_date", &row.join_date)?;
    if join_date < birth_date {
        return Err("join_date is before birth_date".into());
    }
    let email = match optional(&row.email) {
        Some(email) => {
            let email = email.to_lowercase();
            email
                .parse::<lettre::Address>()
                .map_err(|_| format!("email {email:?} is not an e-mail address"))?;
            Some(email)
        }
        None => None,
    };
    let status = match row.status.trim() {
        "" => MemberStatus::Active,
        s => MemberStatus::parse(s)
            .ok_or_else(|| format!("status {s:?} is not one of active, suspended, ended"))?,
    };
    let channel = match row.channel.trim() {
        "" if email.is_some() => Channel::Online,
        "" => Channel::Paper,
        s => {
            Channel::parse(s).ok_or_else(|| format!("channel {s:?} is not one of paper, online"))?
        }
    };
    if channel == Channel::Online && email.is_none() {
        return Err("channel is online but there is no email".into());
    }
    let language = match row.language.trim() {
        "" => Language::De,
        s => Language::parse(s).ok_or_else(|| format!("language {s:?} is not one of de, en"))?,
    };
    let chapter = required("chapter", &row.chapter)?;
    let chapter_id = *chapters
        .get(chapter)
        .ok_or_else(|| format!("chapter {chapter:?} is not the slug of a chapter"))?;
    let sort_key = sort_key(first_name, last_name);
    Ok(Member {
        id: 0,
        membership_number: number.to_owned(),
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        address_extra: optional(&row.address_extra),
        street: required("street", &row.street)?.to_owned(),
        house_number: required("house_number", &row.house_number)?.to_owned(),
        postcode: required("postcode", &row.postcode)?.to_owned(),
        city: required("city", &row.city)?.to_owned(),
        country: optional(&row.country)
            .unwrap_or_else(|| "DE".into())
            .to_uppercase(),
        email,
        phone: optional(&row.phone),
        birth_date,
        join_date,
        status: status.as_str().into(),
        channel: channel.as_str().into(),
        language: language.as_str().into(),
        chapter_id,
        sort_key,
    })
}

/// Whether two rows hold the same data (ids aside).
fn same(a: &Member, b: &Member) -> bool {
    let mut a = a.clone();
    a.id = b.id;
    a == *b
}

/// Reads and checks the whole file, then writes it in one transaction;
/// each changed field goes into the member's history, dated `now`.
pub fn import(
    conn: &mut DbConn,
    input: impl Read,
    skip_invalid: bool,
    now: chrono::NaiveDateTime,
) -> AppResult<Report> {
    let chapters: HashMap<String, i64> = groups::table
        .filter(groups::kind.ne(GroupKind::WorkingGroup.as_str()))
        .select((groups::slug, groups::id))
        .load(conn)?
        .into_iter()
        .collect();
    let mut report = Report::default();
    let mut valid = Vec::new();
    let mut seen = HashSet::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(input);
    for (index, record) in reader.deserialize::<CsvRow>().enumerate() {
        let line = record
            .as_ref()
            .err()
            .and_then(|e| e.position())
            .map_or(index as u64 + 2, |p| p.line());
        let checked = record
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => format!("{err}"),
                _ => e.to_string(),
            })
            .and_then(|row| validate(row, &chapters));
        match checked {
            Ok(member) if !seen.insert(member.membership_number.clone()) => {
                report.errors.push(RowError {
                    line,
                    reason: format!(
                        "membership_number {} appears twice in the file",
                        member.membership_number
                    ),
                })
            }
            Ok(member) => valid.push(member),
            Err(reason) => report.errors.push(RowError { line, reason }),
        }
    }
    if !report.errors.is_empty() && !skip_invalid {
        return Ok(report);
    }
    report.skipped = report.errors.len();
    conn.transaction(|conn| {
        for chunk in valid.chunks(500) {
            let numbers: Vec<&str> = chunk.iter().map(|m| m.membership_number.as_str()).collect();
            let existing: HashMap<String, Member> = members::table
                .filter(members::membership_number.eq_any(&numbers))
                .select(Member::as_select())
                .load(conn)?
                .into_iter()
                .map(|m| (m.membership_number.clone(), m))
                .collect();
            let mut fresh = Vec::new();
            let mut changed = Vec::new();
            for member in chunk {
                match existing.get(&member.membership_number) {
                    Some(old) if same(member, old) => report.unchanged += 1,
                    Some(old) => {
                        let mut updated = member.clone();
                        updated.id = old.id;
                        diesel::update(members::table.find(old.id))
                            .set((
                                members::first_name.eq(&updated.first_name),
                                members::last_name.eq(&updated.last_name),
                                members::address_extra.eq(&updated.address_extra),
                                members::street.eq(&updated.street),
                                members::house_number.eq(&updated.house_number),
                                members::postcode.eq(&updated.postcode),
                                members::city.eq(&updated.city),
                                members::country.eq(&updated.country),
                                members::email.eq(&updated.email),
                                members::phone.eq(&updated.phone),
                                members::birth_date.eq(updated.birth_date),
                                members::join_date.eq(updated.join_date),
                                members::status.eq(&updated.status),
                                members::channel.eq(&updated.channel),
                                members::language.eq(&updated.language),
                                members::chapter_id.eq(updated.chapter_id),
                                members::sort_key.eq(&updated.sort_key),
                            ))
                            .execute(conn)?;
                        crate::history::record(
                            conn,
                            now,
                            old.id,
                            None,
                            &crate::history::member_diff(old, &updated),
                        )?;
                        changed.push(old.id);
                        report.updated += 1;
                    }
                    None => {
                        let mut new = member.clone();
                        new.id = votum_crypto::random_id()?;
                        fresh.push(new);
                    }
                }
            }
            super::scopes::refresh(conn, &changed)?;
            report.inserted += fresh.len();
            insert_members(conn, &fresh)?;
        }
        Ok::<_, AppError>(())
    })?;
    report.applied = true;
    Ok(report)
}

/// Inserts members in batches small enough for SQLite's bind limit, with
/// their scope rows.
pub fn insert_members(conn: &mut DbConn, rows: &[Member]) -> AppResult<()> {
    for batch in rows.chunks(1000) {
        crate::insert_batch!(conn, members::table, batch)?;
        let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
        super::scopes::refresh(conn, &ids)?;
    }
    Ok(())
}

/// Adds working-group memberships, with the members' new scope rows.
pub fn join_groups(conn: &mut DbConn, rows: &[GroupMembership]) -> AppResult<()> {
    for batch in rows.chunks(1000) {
        crate::insert_batch!(conn, group_memberships::table, batch)?;
        let ids: Vec<i64> = batch.iter().map(|m| m.member_id).collect();
        super::scopes::refresh(conn, &ids)?;
    }
    Ok(())
}
