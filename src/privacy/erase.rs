//! Erasure on request: the member row stays as a pseudonym (so elector
//! rolls, turnout and results keep their counts) and everything personal
//! goes: names, address, contacts, bank details, consents, history,
//! accounts and sessions, mail, rate-limit entries, and the name on answers
//! to named surveys.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::audit::{self, Action, Event};
use crate::db::models::{Channel, MemberStatus};
use crate::db::schema::{
    accounts, bank_accounts, consents, contact_runs, email_confirmations, group_memberships,
    member_changes, member_scopes, members, officer_acts, offices, outbox, password_resets,
    rate_limits, sessions, survey_codes, survey_responses, surveys,
};
use crate::db::DbConn;
use crate::error::AppResult;

/// What an erased member is called.
pub const ERASED_NAME: &str = "Gelöscht";

/// Erases `member_id` as described above, in one transaction; returns the
/// pseudonym that replaces the membership number.
pub fn erase(
    conn: &mut DbConn,
    now: NaiveDateTime,
    member_id: i64,
    actor: Option<i64>,
) -> AppResult<String> {
    conn.transaction(|conn| {
        let names = super::export::identifiers(conn, member_id)?;
        let buckets = super::export::rate_limit_buckets(conn, member_id, &names)?;
        let mut random = [0u8; 8];
        votum_crypto::fill_random(&mut random)?;
        let pseudonym = format!("X-{}", votum_crypto::hex(&random));
        let placeholder = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        diesel::update(members::table.find(member_id))
            .set((
                members::membership_number.eq(&pseudonym),
                members::first_name.eq(ERASED_NAME),
                members::last_name.eq(ERASED_NAME),
                members::address_extra.eq(None::<String>),
                members::street.eq(""),
                members::house_number.eq(""),
                members::postcode.eq(""),
                members::city.eq(""),
                members::email.eq(None::<String>),
                members::phone.eq(None::<String>),
                members::birth_date.eq(placeholder),
                members::join_date.eq(placeholder),
                members::status.eq(MemberStatus::Ended),
                members::channel.eq(Channel::Paper),
                members::sort_key.eq(crate::members::query::sort_key(ERASED_NAME, ERASED_NAME)),
            ))
            .execute(conn)?;
        // Out of every chair's list: an erased member is no one to contact.
        diesel::delete(member_scopes::table.filter(member_scopes::member_id.eq(member_id)))
            .execute(conn)?;
        diesel::delete(bank_accounts::table.filter(bank_accounts::member_id.eq(member_id)))
            .execute(conn)?;
        diesel::delete(consents::table.filter(consents::member_id.eq(member_id))).execute(conn)?;
        // Answers to named surveys stay counted but no longer name anyone;
        // survey_participants stays like the electoral roll (it says only
        // that the pseudonym answered, so nobody answers twice).
        diesel::update(survey_responses::table.filter(survey_responses::member_id.eq(member_id)))
            .set(survey_responses::member_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::update(survey_codes::table.filter(survey_codes::member_id.eq(member_id)))
            .set(survey_codes::member_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(
            email_confirmations::table.filter(email_confirmations::member_id.eq(member_id)),
        )
        .execute(conn)?;
        diesel::delete(member_changes::table.filter(member_changes::member_id.eq(member_id)))
            .execute(conn)?;
        diesel::delete(group_memberships::table.filter(group_memberships::member_id.eq(member_id)))
            .execute(conn)?;
        diesel::delete(offices::table.filter(offices::member_id.eq(member_id))).execute(conn)?;
        let account_ids: Vec<i64> = accounts::table
            .filter(accounts::member_id.eq(member_id))
            .select(accounts::id)
            .load(conn)?;
        diesel::delete(
            password_resets::table.filter(
                password_resets::member_id
                    .eq(member_id)
                    .or(password_resets::account_id.eq_any(&account_ids)),
            ),
        )
        .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::account_id.eq_any(&account_ids)))
            .execute(conn)?;
        // Contact runs the member sent as a chair (their letters name
        // others, and the run names the sender).
        diesel::delete(contact_runs::table.filter(contact_runs::account_id.eq_any(&account_ids)))
            .execute(conn)?;
        for account in account_ids {
            // An account named in a ballot's officer acts must stay for the
            // record's four-eyes check; it keeps only a pseudonymous login
            // and can no longer sign in.
            let acted: i64 = officer_acts::table
                .filter(
                    officer_acts::requested_by
                        .eq(account)
                        .or(officer_acts::confirmed_by.eq(account)),
                )
                .count()
                .get_result(conn)?;
            // So must the owner of a survey, which others have answered.
            let owns: i64 = surveys::table
                .filter(surveys::owner_account_id.eq(account))
                .count()
                .get_result(conn)?;
            if acted + owns > 0 {
                diesel::update(accounts::table.find(account))
                    .set((
                        accounts::login.eq(format!("{pseudonym}-{account}")),
                        accounts::member_id.eq(None::<i64>),
                        accounts::password_hash.eq(votum_crypto::password::decoy_hash()),
                    ))
                    .execute(conn)?;
            } else {
                diesel::delete(accounts::table.find(account)).execute(conn)?;
            }
        }
        diesel::delete(outbox::table.filter(outbox::recipient.eq_any(&names))).execute(conn)?;
        diesel::delete(rate_limits::table.filter(rate_limits::bucket.eq_any(&buckets)))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            Event {
                actor,
                action: Action::MemberErased,
                member: Some(member_id),
                group: None,
                detail: "",
            },
        )?;
        Ok(pseudonym)
    })
}
