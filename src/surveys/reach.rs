//! Whom a survey may be for, and whom its invitations may reach.
//!
//! The rules (SECURITY.md, "Survey audiences and invitations"):
//!
//! - The audience a person may choose is limited to what they may see:
//!   a group in their scope (see [`super::may_create_for`]), a public link,
//!   and "all members" only for a party-wide role ([`party_wide`]).
//! - An invitation run (mail or letter) reaches the survey's audience
//!   intersected with the sender's scope *at the time of the run*, since
//!   offices end: an admin reaches everyone, a board member the members of
//!   their board groups and all below. Plain members run no invitations at
//!   all, also for a survey they own: they share the link or the QR code.
//! - A run that would reach more than [`LARGE_RUN`] members is for
//!   party-wide roles only.
//! - Each member addressed gets an entry in their own log.

use diesel::prelude::*;

use super::setup::Audience;
use super::Survey;
use crate::auth::{CurrentUser, Scope};
use crate::db::models::{Channel, MemberStatus};
use crate::db::schema::{groups, member_scopes, members};
use crate::db::DbConn;
use crate::error::AppResult;

/// The most members one invitation run may reach unless the sender holds a
/// party-wide role: a large district. A state's or the party's member
/// survey goes out through the party office (admins) or the federal board.
pub const LARGE_RUN: i64 = 2_000;

/// Whether the user holds a party-wide role: an admin, or a board office
/// of a top-level group (the federal board). Only they may choose the
/// audience "all members" and run invitations above [`LARGE_RUN`].
pub fn party_wide(conn: &mut DbConn, user: &CurrentUser) -> AppResult<bool> {
    if user.is_admin {
        return Ok(true);
    }
    if user.board_groups.is_empty() {
        return Ok(false);
    }
    Ok(groups::table
        .filter(groups::id.eq_any(&user.board_groups))
        .filter(groups::parent_id.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Whether the user may choose `audience` for a survey of a group they
/// may create surveys for.
pub fn may_choose(conn: &mut DbConn, user: &CurrentUser, audience: Audience) -> AppResult<bool> {
    match audience {
        Audience::Group | Audience::Link => Ok(true),
        Audience::All => party_wide(conn, user),
    }
}

/// Why an invitation run is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sender holds no board office (or it has ended) and is no admin.
    NoScope,
    /// The run would reach more than [`LARGE_RUN`] members.
    TooLarge,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NoScope => "surveys.invite_no_scope",
            Refusal::TooLarge => "surveys.invite_too_large",
        }
    }
}

/// The members an invitation run of `user` may reach: their scope as it
/// is today, after the size rule.
pub fn sender_scope(
    conn: &mut DbConn,
    user: &CurrentUser,
    survey: &Survey,
) -> AppResult<Result<Scope, Refusal>> {
    let scope = user.scope();
    if party_wide(conn, user)? {
        return Ok(Ok(scope));
    }
    if scope == Scope::Groups(Vec::new()) {
        return Ok(Err(Refusal::NoScope));
    }
    let reached = recipients(conn, survey, &scope, None)?.len();
    if i64::try_from(reached).unwrap_or(i64::MAX) > LARGE_RUN {
        return Ok(Err(Refusal::TooLarge));
    }
    Ok(Ok(scope))
}

/// Ids of the active members in the survey's audience and in `scope`,
/// with the given channel (`None`: any), in id order.
pub fn recipients(
    conn: &mut DbConn,
    survey: &Survey,
    scope: &Scope,
    channel: Option<Channel>,
) -> AppResult<Vec<i64>> {
    let mut query = members::table
        .filter(members::status.eq(MemberStatus::Active))
        .select(members::id)
        .order(members::id)
        .into_boxed();
    if let Some(channel) = channel {
        query = query.filter(members::channel.eq(channel));
    }
    match (survey.audience, survey.group_id) {
        (Audience::Link, _) => return Ok(Vec::new()),
        (Audience::Group, Some(group)) => {
            query = query.filter(
                members::id.eq_any(
                    member_scopes::table
                        .filter(member_scopes::group_id.eq(group))
                        .select(member_scopes::member_id),
                ),
            );
        }
        _ => {}
    }
    if let Scope::Groups(roots) = scope {
        query = query.filter(
            members::id.eq_any(
                member_scopes::table
                    .filter(member_scopes::group_id.eq_any(roots.clone()))
                    .select(member_scopes::member_id),
            ),
        );
    }
    Ok(query.load(conn)?)
}
