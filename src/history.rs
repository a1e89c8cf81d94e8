//! The history of a member's record: every change to a field, with the old
//! and new value, when and by whom. Shown to the member, exported with
//! their data, deleted on erasure.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{Member, MemberChange};
use crate::db::schema::member_changes;
use crate::db::DbConn;
use crate::error::AppResult;

/// One changed field: name, old value, new value.
pub type Change<'a> = (&'a str, Option<String>, Option<String>);

/// Stores the changes that really change something.
pub fn record(
    conn: &mut DbConn,
    at: NaiveDateTime,
    member_id: i64,
    actor: Option<i64>,
    changes: &[Change<'_>],
) -> AppResult<usize> {
    let mut stored = 0;
    for (field, old, new) in changes.iter().filter(|(_, old, new)| old != new) {
        diesel::insert_into(member_changes::table)
            .values(MemberChange {
                id: votum_crypto::random_id()?,
                member_id,
                changed_at: at,
                actor_account_id: actor,
                field: (*field).to_owned(),
                old_value: old.clone(),
                new_value: new.clone(),
            })
            .execute(conn)?;
        stored += 1;
    }
    Ok(stored)
}

/// The member's changes, newest first.
pub fn of_member(conn: &mut DbConn, member_id: i64, limit: i64) -> AppResult<Vec<MemberChange>> {
    Ok(member_changes::table
        .filter(member_changes::member_id.eq(member_id))
        .order(member_changes::changed_at.desc())
        .limit(limit)
        .select(MemberChange::as_select())
        .load(conn)?)
}

/// The fields in which two versions of a member record differ, as changes
/// from `old` to `new` (an import or an office correcting the record).
pub fn member_diff(old: &Member, new: &Member) -> Vec<Change<'static>> {
    let text = |s: &str| Some(s.to_owned());
    let pairs: [(&'static str, Option<String>, Option<String>); 16] = [
        ("first_name", text(&old.first_name), text(&new.first_name)),
        ("last_name", text(&old.last_name), text(&new.last_name)),
        (
            "address_extra",
            old.address_extra.clone(),
            new.address_extra.clone(),
        ),
        ("street", text(&old.street), text(&new.street)),
        (
            "house_number",
            text(&old.house_number),
            text(&new.house_number),
        ),
        ("postcode", text(&old.postcode), text(&new.postcode)),
        ("city", text(&old.city), text(&new.city)),
        ("country", text(&old.country), text(&new.country)),
        ("email", old.email.clone(), new.email.clone()),
        ("phone", old.phone.clone(), new.phone.clone()),
        (
            "birth_date",
            Some(old.birth_date.to_string()),
            Some(new.birth_date.to_string()),
        ),
        (
            "join_date",
            Some(old.join_date.to_string()),
            Some(new.join_date.to_string()),
        ),
        ("status", text(&old.status), text(&new.status)),
        ("channel", text(&old.channel), text(&new.channel)),
        ("language", text(&old.language), text(&new.language)),
        (
            "chapter",
            Some(old.chapter_id.to_string()),
            Some(new.chapter_id.to_string()),
        ),
    ];
    pairs.into_iter().filter(|(_, a, b)| a != b).collect()
}
