//! The audit log: who did or read what, when. Every view of another
//! member's data is recorded here and shown to that member.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::AuditEntry;
use crate::db::schema::audit_log;
use crate::db::DbConn;
use crate::error::AppResult;

/// What happened, as stored in `audit_log.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    PasswordResetRequested,
    PasswordChanged,
    MemberViewed,
    MemberListViewed,
    MembersExported,
    MembersImported,
    AccountCreated,
    LetterReissued,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::PasswordResetRequested => "password_reset_requested",
            Action::PasswordChanged => "password_changed",
            Action::MemberViewed => "member_viewed",
            Action::MemberListViewed => "member_list_viewed",
            Action::MembersExported => "members_exported",
            Action::MembersImported => "members_imported",
            Action::AccountCreated => "account_created",
            Action::LetterReissued => "letter_reissued",
        }
    }
}

/// One audit entry to write.
pub struct Event<'a> {
    pub actor: Option<i64>,
    pub action: Action,
    pub member: Option<i64>,
    pub group: Option<i64>,
    pub detail: &'a str,
}

pub fn record(conn: &mut DbConn, at: NaiveDateTime, event: Event<'_>) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values(AuditEntry {
            id: votum_crypto::random_id()?,
            at,
            actor_account_id: event.actor,
            action: event.action.as_str().to_owned(),
            member_id: event.member,
            group_id: event.group,
            detail: event.detail.to_owned(),
        })
        .execute(conn)?;
    Ok(())
}

/// The newest entries, for the admin's audit page.
pub fn recent(conn: &mut DbConn, limit: i64) -> AppResult<Vec<AuditEntry>> {
    Ok(audit_log::table
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?)
}

/// Entries about one member ("who looked at my data").
pub fn about_member(conn: &mut DbConn, member: i64, limit: i64) -> AppResult<Vec<AuditEntry>> {
    Ok(audit_log::table
        .filter(audit_log::member_id.eq(member))
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)?)
}
