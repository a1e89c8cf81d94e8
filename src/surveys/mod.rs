//! Surveys and polls for groups: the everyday questions of a chapter, up to
//! a state party's member survey. Owners create them, members answer once
//! (by login, by a letter's one-time code, or once per browser on a public
//! link), owners enter paper answers, and results show live.
//!
//! Anonymous surveys keep "has answered" (`survey_participants`) apart from
//! the answers (`survey_responses`: random id, no member, no time); both
//! rows are written in one transaction, and the participants' primary key
//! makes a second answer fail, also when two arrive at once.

pub mod answer;
pub mod invite;
pub mod manage;
pub mod questions;
pub mod reach;
pub mod results;
pub mod setup;
pub mod store;
pub mod tally;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::fairing::AdHoc;
use serde_json::{json, Value};

use crate::auth::{CurrentUser, Scope};
use crate::db::models::MemberStatus;
use crate::db::schema::{group_memberships, group_tree, members, survey_policies, surveys};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use questions::Question;
use setup::{Audience, Visibility};

/// Mounts the survey pages.
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("surveys", |rocket| async {
        rocket
            .mount("/", answer::routes())
            .mount("/", manage::routes())
            .mount("/", results::routes())
            .mount("/", invite::routes())
    })
}

/// A survey as stored, with its questions.
#[derive(Debug, Clone)]
pub struct Survey {
    pub id: String,
    pub group_id: Option<i64>,
    pub owner_account_id: i64,
    pub title: String,
    pub description: String,
    pub audience: Audience,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub anonymous: bool,
    pub results: Visibility,
    pub decision: Option<String>,
    pub questions: Vec<Question>,
}

/// Whether answers are taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    NotYetOpen,
    Open,
    Closed,
}

type SurveyRow = (
    String,
    Option<i64>,
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    bool,
    String,
    Option<String>,
);

/// Loads a survey; `NotFound` for an unknown id.
pub fn load(conn: &mut DbConn, id: &str) -> AppResult<Survey> {
    let row: SurveyRow = surveys::table
        .find(id)
        .select((
            surveys::id,
            surveys::group_id,
            surveys::owner_account_id,
            surveys::title,
            surveys::description,
            surveys::audience,
            surveys::opens_at,
            surveys::closes_at,
            surveys::anonymous,
            surveys::results,
            surveys::decision,
        ))
        .first(conn)?;
    let bad = |what: &str| AppError::Internal(format!("survey {id}: stored {what}"));
    let definitions: Vec<String> = crate::db::schema::survey_questions::table
        .filter(crate::db::schema::survey_questions::survey_id.eq(id))
        .order(crate::db::schema::survey_questions::position)
        .select(crate::db::schema::survey_questions::definition)
        .load(conn)?;
    let questions = definitions
        .iter()
        .map(|d| serde_json::from_str::<Question>(d).map_err(|_| bad("question")))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Survey {
        audience: Audience::parse(&row.5).ok_or_else(|| bad("audience"))?,
        results: Visibility::parse(&row.9).ok_or_else(|| bad("visibility"))?,
        id: row.0,
        group_id: row.1,
        owner_account_id: row.2,
        title: row.3,
        description: row.4,
        opens_at: row.6,
        closes_at: row.7,
        anonymous: row.8,
        decision: row.10,
        questions,
    })
}

impl Survey {
    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        if now < self.opens_at {
            Phase::NotYetOpen
        } else if now >= self.closes_at {
            Phase::Closed
        } else {
            Phase::Open
        }
    }

    /// The survey's facts for templates.
    pub fn summary(&self, now: NaiveDateTime) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "audience_key": format!("surveys.audience_{}", self.audience.as_str()),
            "results_key": format!("surveys.results_{}", self.results.as_str()),
            "anonymous": self.anonymous,
            "link": self.audience == Audience::Link,
            "opens_at": self.opens_at.format("%Y-%m-%d %H:%M").to_string(),
            "closes_at": self.closes_at.format("%Y-%m-%d %H:%M").to_string(),
            "open": self.phase(now) == Phase::Open,
            "closed": self.phase(now) == Phase::Closed,
            "decision": self.decision.as_deref().map(setup::slot_label),
        })
    }
}

/// Whether the user may manage the survey: its owner, an admin, or a board
/// member whose scope holds the survey's group. Owner routes take
/// [`crate::rights::SurveyOwner`], which asks this.
pub fn is_owner(conn: &mut DbConn, user: &CurrentUser, survey: &Survey) -> AppResult<bool> {
    if user.is_admin || user.account_id == survey.owner_account_id {
        return Ok(true);
    }
    match survey.group_id {
        Some(group) if !user.board_groups.is_empty() => {
            crate::groups::in_scope(conn, &Scope::Groups(user.board_groups.clone()), group)
        }
        _ => Ok(false),
    }
}

/// Whether the member belongs to the group or one of its sub-groups, by
/// home chapter or working group. Two indexed lookups, whatever the size
/// of the group.
pub fn member_in_group(conn: &mut DbConn, member: i64, group: i64) -> AppResult<bool> {
    let mut homes: Vec<i64> = members::table
        .find(member)
        .filter(members::status.eq(MemberStatus::Active))
        .select(members::chapter_id)
        .load(conn)?;
    if homes.is_empty() {
        return Ok(false);
    }
    homes.extend(
        group_memberships::table
            .filter(group_memberships::member_id.eq(member))
            .select(group_memberships::group_id)
            .load::<i64>(conn)?,
    );
    Ok(group_tree::table
        .filter(group_tree::ancestor_id.eq(group))
        .filter(group_tree::group_id.eq_any(homes))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Whether the member may answer the survey (for public-link surveys,
/// everyone may, through the browser path).
pub fn in_audience(conn: &mut DbConn, survey: &Survey, member: i64) -> AppResult<bool> {
    match (survey.audience, survey.group_id) {
        (Audience::Link, _) => Ok(true),
        (Audience::All, _) | (Audience::Group, None) => Ok(members::table
            .find(member)
            .filter(members::status.eq(MemberStatus::Active))
            .count()
            .get_result::<i64>(conn)?
            > 0),
        (Audience::Group, Some(group)) => member_in_group(conn, member, group),
    }
}

/// An open survey the member is invited to and has not answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AwaitingAnswer {
    pub id: String,
    pub title: String,
    pub closes_at: NaiveDateTime,
}

/// The open surveys waiting for `member`'s answer (of all members or of a
/// group the member belongs to; not public-link ones, and not those whose
/// letter the member answers by code), the soonest deadline first.
pub fn awaiting_answer(
    conn: &mut DbConn,
    key: &votum_crypto::MacKey,
    member: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<AwaitingAnswer>> {
    let open: Vec<(String, String, NaiveDateTime, Option<i64>, String)> = surveys::table
        .filter(surveys::opens_at.le(now))
        .filter(surveys::closes_at.gt(now))
        .filter(surveys::audience.ne(Audience::Link.as_str()))
        .order(surveys::closes_at)
        .select((
            surveys::id,
            surveys::title,
            surveys::closes_at,
            surveys::group_id,
            surveys::audience,
        ))
        .limit(100)
        .load(conn)?;
    let active = members::table
        .find(member)
        .filter(members::status.eq(MemberStatus::Active))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let mut waiting = Vec::new();
    for (id, title, closes_at, group, audience) in open {
        let invited = match (Audience::parse(&audience), group) {
            (Some(Audience::Group), Some(group)) => member_in_group(conn, member, group)?,
            (Some(Audience::All | Audience::Group), _) => active,
            _ => false,
        };
        if invited && store::participation(conn, key, &id, member)?.is_none() {
            waiting.push(AwaitingAnswer {
                id,
                title,
                closes_at,
            });
        }
    }
    Ok(waiting)
}

/// Whether the user may start a survey for `group`: admins; board members
/// for their groups and all below; plain members of a group whose board
/// allowed it.
pub fn may_create_for(conn: &mut DbConn, user: &CurrentUser, group: i64) -> AppResult<bool> {
    if user.is_admin {
        return Ok(true);
    }
    if !user.board_groups.is_empty()
        && crate::groups::in_scope(conn, &Scope::Groups(user.board_groups.clone()), group)?
    {
        return Ok(true);
    }
    let allowed: bool = survey_policies::table
        .find(group)
        .select(survey_policies::members_may_create)
        .first(conn)
        .optional()?
        .unwrap_or(false);
    match user.member_id {
        Some(member) if allowed => member_in_group(conn, member, group),
        _ => Ok(false),
    }
}

/// Lets the members of the board's group start surveys, or stops it.
pub fn set_policy(
    conn: &mut DbConn,
    board: &crate::rights::BoardOf,
    allowed: bool,
) -> AppResult<()> {
    let group = board.group();
    conn.transaction(|conn| {
        diesel::delete(survey_policies::table.find(group)).execute(conn)?;
        diesel::insert_into(survey_policies::table)
            .values((
                survey_policies::group_id.eq(group),
                survey_policies::members_may_create.eq(allowed),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A survey or response id: 80 random bits in hexadecimal.
pub fn new_id() -> AppResult<String> {
    let mut bytes = [0u8; 10];
    votum_crypto::fill_random(&mut bytes)?;
    Ok(votum_crypto::hex(&bytes))
}

/// The short URL people type from a projector or paper: `/s/<id>`.
pub fn short_path(id: &str) -> String {
    format!("/s/{id}")
}
