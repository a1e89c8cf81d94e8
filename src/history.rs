//! The history of a member's record: every change to a field, with the old
//! and new value, when and by whom. Shown to the member, exported with
//! their data, deleted on erasure.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::MemberChange;
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
