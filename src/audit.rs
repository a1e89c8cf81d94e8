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
    /// A chair saw the member in a list page.
    MemberListed,
    OwnDataChanged,
    EmailChangeRequested,
    EmailConfirmed,
    BankDetailsChanged,
    BankDetailsRevealed,
    ConsentGiven,
    ConsentWithdrawn,
    DataExported,
    MemberErased,
    MembersContacted,
    KeysRotated,
    OfficeAssigned,
    OfficeEnded,
    ErasureRequested,
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
            Action::MemberListed => "member_listed",
            Action::OwnDataChanged => "own_data_changed",
            Action::EmailChangeRequested => "email_change_requested",
            Action::EmailConfirmed => "email_confirmed",
            Action::BankDetailsChanged => "bank_details_changed",
            Action::BankDetailsRevealed => "bank_details_revealed",
            Action::ConsentGiven => "consent_given",
            Action::ConsentWithdrawn => "consent_withdrawn",
            Action::DataExported => "data_exported",
            Action::MemberErased => "member_erased",
            Action::MembersContacted => "members_contacted",
            Action::KeysRotated => "keys_rotated",
            Action::OfficeAssigned => "office_assigned",
            Action::OfficeEnded => "office_ended",
            Action::ErasureRequested => "erasure_requested",
        }
    }

    /// Actions in which someone read a member's data: these make up the
    /// member's "who looked at my data".
    pub const VIEWS: &'static [Action] = &[
        Action::MemberViewed,
        Action::MemberListed,
        Action::MembersExported,
        Action::MembersContacted,
        Action::BankDetailsRevealed,
    ];
}

/// One audit entry to write.
pub struct Event<'a> {
    pub actor: Option<i64>,
    pub action: Action,
    pub member: Option<i64>,
    pub group: Option<i64>,
    pub detail: &'a str,
}

/// The time stored for an entry. Sign-ins and sign-outs happen around the
/// time a member votes; stored to the minute, they could be lined up with
/// the public order of the ballot box. They keep the day only, enough to
/// answer "who signed in to my account, and when".
fn stored_time(action: Action, at: NaiveDateTime) -> NaiveDateTime {
    match action {
        Action::Login | Action::Logout => at.date().and_time(chrono::NaiveTime::MIN),
        _ => at,
    }
}

pub fn record(conn: &mut DbConn, at: NaiveDateTime, event: Event<'_>) -> AppResult<()> {
    let at = stored_time(event.action, at);
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

/// One entry per member for a read of many members at once (a list page,
/// an export, a contact run), so each appears in that member's own log.
pub fn record_for_members(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Option<i64>,
    action: Action,
    group: Option<i64>,
    members: &[i64],
    detail: &str,
) -> AppResult<()> {
    for chunk in members.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|member| {
                Ok(AuditEntry {
                    id: votum_crypto::random_id()?,
                    at,
                    actor_account_id: actor,
                    action: action.as_str().to_owned(),
                    member_id: Some(*member),
                    group_id: group,
                    detail: detail.to_owned(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        crate::insert_batch!(conn, audit_log::table, &rows)?;
    }
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
