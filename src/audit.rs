//! The audit log: who did or read what, when. Every view of another
//! member's data is recorded here and shown to that member.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::ballots::lifecycle::Act;
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
    /// An officer asked for a four-eyes act on a ballot.
    ActRequested(Act),
    /// A second officer confirmed it, and it was carried out.
    ActConfirmed(Act),
    /// A letter run: codes issued and letters written (the count only).
    LettersIssued,
    /// A postal slip entered (never which code).
    PostalSlipEntered,
    /// The electorate file for a credential authority was downloaded
    /// (the number of entries only).
    ElectorateExported,
    /// An open postal batch discarded (its slips freed).
    PostalBatchDiscarded,
    /// An officer named a trustee of a ballot's key ceremony (the number
    /// of trustees now; never the link).
    TrusteeAdded,
    /// An officer removed a trustee; a ceremony under way starts again.
    TrusteeRemoved,
    /// An officer fixed the threshold and started the key ceremony
    /// ("t/n").
    CeremonyStarted,
    /// A trustee's certificate passed the checks ("done/n").
    TrusteeCertificate,
    /// A trustee's share bundle passed the checks ("done/n").
    TrusteeShares,
    /// A trustee's verification passed the checks ("done/n").
    TrusteeVerification,
    /// The last verification came in: the election key is fixed ("t/n").
    CeremonyComplete,
    /// The tally input of an encrypted ballot was fixed (the number of
    /// ballots in its sums).
    TallyInputReady,
    /// A trustee's partial decryption passed the checks ("have/need").
    PartialDecryption,
    /// Enough partial decryptions: the counts are decrypted ("have/need").
    TallyDecrypted,
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
            Action::ActRequested(act) => match act {
                Act::Open => "ballot_open_requested",
                Act::Close => "ballot_close_requested",
                Act::Tally => "ballot_tally_requested",
                Act::Publish => "ballot_publish_requested",
                Act::Reissue => "reissue_requested",
                Act::ImportCredentials => "credentials_import_requested",
                Act::IssueCredentials => "letter_run_requested",
                Act::EnterPostalVotes => "postal_batch_opened",
            },
            Action::ActConfirmed(act) => match act {
                Act::Open => "ballot_opened",
                Act::Close => "ballot_closed",
                Act::Tally => "ballot_tallied",
                Act::Publish => "ballot_published",
                Act::Reissue => "letter_reissued",
                Act::ImportCredentials => "credentials_imported",
                Act::IssueCredentials => "letter_run_confirmed",
                Act::EnterPostalVotes => "postal_batch_confirmed",
            },
            Action::LettersIssued => "letters_issued",
            Action::PostalSlipEntered => "postal_slip_entered",
            Action::ElectorateExported => "electorate_exported",
            Action::PostalBatchDiscarded => "postal_batch_discarded",
            Action::TrusteeAdded => "trustee_added",
            Action::TrusteeRemoved => "trustee_removed",
            Action::CeremonyStarted => "ceremony_started",
            Action::TrusteeCertificate => "trustee_certificate",
            Action::TrusteeShares => "trustee_shares",
            Action::TrusteeVerification => "trustee_verification",
            Action::CeremonyComplete => "ceremony_complete",
            Action::TallyInputReady => "tally_input_ready",
            Action::PartialDecryption => "partial_decryption",
            Action::TallyDecrypted => "tally_decrypted",
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
            ballot_id: None,
        })
        .execute(conn)?;
    Ok(())
}

/// An officer's act on a ballot. Names the officer and the ballot, and a
/// member only for a re-issue; `detail` holds counts, never a code,
/// credential, tag or choice. Written in the act's own transaction.
pub fn record_ballot(
    conn: &mut DbConn,
    at: NaiveDateTime,
    actor: Option<i64>,
    action: Action,
    ballot: &str,
    member: Option<i64>,
    detail: &str,
) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values(AuditEntry {
            id: votum_crypto::random_id()?,
            at,
            actor_account_id: actor,
            action: action.as_str().to_owned(),
            member_id: member,
            group_id: None,
            detail: detail.to_owned(),
            ballot_id: Some(ballot.to_owned()),
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
                    ballot_id: None,
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

/// The catalogue key of a stored action; unknown (older) codes fall back to
/// a generic label in the catalogue.
pub fn action_key(action: &str) -> String {
    format!("audit_action.{action}")
}

/// A time as people write it (see [`crate::dates::datetime`]).
pub fn when(lang: crate::i18n::Language, at: NaiveDateTime) -> String {
    crate::dates::datetime(lang, at)
}

/// Names for the ids in audit entries, looked up once each.
#[derive(Default)]
pub struct Names {
    actors: std::collections::HashMap<i64, Option<String>>,
    members: std::collections::HashMap<i64, Option<String>>,
    groups: std::collections::HashMap<i64, Option<String>>,
    ballots: std::collections::HashMap<String, Option<String>>,
}

impl Names {
    /// The display name of the account's member, or its login.
    pub fn actor(&mut self, conn: &mut DbConn, id: Option<i64>) -> AppResult<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.actors.get(&id) {
            return Ok(known.clone());
        }
        let found = crate::privacy::actor_name(conn, id)?;
        self.actors.insert(id, found.clone());
        Ok(found)
    }

    /// "First Last (number)".
    pub fn member(&mut self, conn: &mut DbConn, id: Option<i64>) -> AppResult<Option<String>> {
        use crate::db::schema::members;
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.members.get(&id) {
            return Ok(known.clone());
        }
        let found: Option<(String, String, String)> = members::table
            .find(id)
            .select((
                members::first_name,
                members::last_name,
                members::membership_number,
            ))
            .first(conn)
            .optional()?;
        let found = found.map(|(first, last, number)| format!("{first} {last} ({number})"));
        self.members.insert(id, found.clone());
        Ok(found)
    }

    pub fn group(&mut self, conn: &mut DbConn, id: Option<i64>) -> AppResult<Option<String>> {
        use crate::db::schema::groups;
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.groups.get(&id) {
            return Ok(known.clone());
        }
        let found: Option<String> = groups::table
            .find(id)
            .select(groups::name)
            .first(conn)
            .optional()?;
        self.groups.insert(id, found.clone());
        Ok(found)
    }

    pub fn ballot(&mut self, conn: &mut DbConn, id: Option<&str>) -> AppResult<Option<String>> {
        use crate::db::schema::ballots;
        let Some(id) = id else { return Ok(None) };
        if let Some(known) = self.ballots.get(id) {
            return Ok(known.clone());
        }
        let found: Option<String> = ballots::table
            .find(id)
            .select(ballots::title)
            .first(conn)
            .optional()?;
        self.ballots.insert(id.to_owned(), found.clone());
        Ok(found)
    }
}
