//! Open ballots that wait for a member's vote, for the start page. Whether
//! the member has voted is asked of the voter's module ([`super::vote`]),
//! which reads it from the portal credential without a row linking the
//! two.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_crypto::seal::SealingKey;

use super::lifecycle::BallotStatus;
use super::vote::{standing, Standing};
use crate::db::schema::{ballots, electors};
use crate::db::DbConn;
use crate::error::AppResult;

/// An open ballot the member is elector of and has not voted in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AwaitingVote {
    pub id: String,
    pub title: String,
    pub closes_at: NaiveDateTime,
    /// The member votes with the code from a letter; whether that code has
    /// been used nobody can tell from the member.
    pub by_letter: bool,
}

/// The open ballots waiting for `member`'s vote, the soonest deadline first.
pub fn awaiting_vote(
    conn: &mut DbConn,
    sealing: &SealingKey,
    member: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<AwaitingVote>> {
    let open: Vec<(String, String, NaiveDateTime)> = electors::table
        .inner_join(ballots::table)
        .filter(electors::member_id.eq(member))
        .filter(ballots::status.eq_any(BallotStatus::accepting_casts()))
        .filter(ballots::opens_at.le(now))
        .filter(ballots::closes_at.gt(now))
        .order(ballots::closes_at)
        .select((ballots::id, ballots::title, ballots::closes_at))
        .load(conn)?;
    let mut waiting = Vec::new();
    for (id, title, closes_at) in open {
        let by_letter = match standing(conn, sealing, &id, Some(member))? {
            Standing::Portal { used: Some(false) } => false,
            Standing::Letter => true,
            Standing::Portal { .. } | Standing::None => continue,
        };
        waiting.push(AwaitingVote {
            id,
            title,
            closes_at,
            by_letter,
        });
    }
    Ok(waiting)
}
