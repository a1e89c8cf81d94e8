//! "My data": everything stored about a member, table by table, including
//! who looked at it. Every table of the schema is either exported here or
//! named in [`NOT_ABOUT_MEMBERS`] with the reason; a test enumerates the
//! database's tables so a new table cannot be forgotten.

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use crate::db::models::{AuditEntry, Consent, Member, MemberChange, Office};
use crate::db::schema::{
    accounts, audit_log, bank_accounts, consents, contact_runs, electors, email_confirmations,
    group_memberships, member_changes, member_scopes, members, officer_acts, offices, outbox,
    password_resets, rate_limits, sessions, survey_codes, survey_participants, survey_responses,
    surveys,
};
use crate::db::DbConn;
use crate::error::AppResult;

/// Tables that hold nothing about a particular member, and why.
pub const NOT_ABOUT_MEMBERS: &[(&str, &str)] = &[
    (
        "act_details",
        "the order and counts of ballot officers' acts, for the election record",
    ),
    ("groups", "the organisation's groups"),
    ("survey_questions", "survey definitions"),
    (
        "survey_browsers",
        "digests of browser cookies of public-link surveys, without a member link",
    ),
    ("survey_policies", "which groups let members create surveys"),
    (
        "survey_answer_marks",
        "keyed marks that an anonymous survey was answered, by design without a member link",
    ),
    ("group_tree", "the organisation's group hierarchy"),
    ("ballots", "ballot definitions"),
    ("ballot_questions", "ballot definitions"),
    (
        "credentials",
        "public voting credentials, by design without a member link",
    ),
    ("ballot_boxes", "hash chain heads, without a member link"),
    (
        "box_entries",
        "cast ballots, by design without a member link",
    ),
    ("ballot_results", "results and election records"),
    (
        "postal_votes",
        "returned voting slips, by design without a member link",
    ),
    (
        "credential_imports",
        "public credentials of a credential authority awaiting a second officer, without a member link",
    ),
    (
        "trustee_ceremonies",
        "a ballot's key ceremony: public trustee files, without a member link",
    ),
    (
        "trustees",
        "a ballot's trustees, named by the officers (not members' records), and their public files",
    ),
    (
        "tallies",
        "an encrypted ballot's tally: sums of many ballots, without a member link",
    ),
    (
        "tally_partials",
        "trustees' partial decryptions of a tally, without a member link",
    ),
];

fn time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The identifiers a member can be named by outside the member table
/// (login names, e-mail addresses, membership number), for the tables
/// keyed by text: rate limits and the outbox.
pub fn identifiers(conn: &mut DbConn, member_id: i64) -> AppResult<Vec<String>> {
    let member: Member = members::table
        .find(member_id)
        .select(Member::as_select())
        .first(conn)?;
    let mut names = vec![member.membership_number.clone()];
    names.extend(member.email.clone());
    names.extend(
        accounts::table
            .filter(accounts::member_id.eq(member_id))
            .select(accounts::login)
            .load::<String>(conn)?,
    );
    names.extend(
        email_confirmations::table
            .filter(email_confirmations::member_id.eq(member_id))
            .select(email_confirmations::email)
            .load::<String>(conn)?,
    );
    // Earlier addresses from the history.
    names.extend(
        member_changes::table
            .filter(member_changes::member_id.eq(member_id))
            .filter(member_changes::field.eq("email"))
            .select((member_changes::old_value, member_changes::new_value))
            .load::<(Option<String>, Option<String>)>(conn)?
            .into_iter()
            .flat_map(|(old, new)| old.into_iter().chain(new)),
    );
    names.sort();
    names.dedup();
    Ok(names)
}

/// Rate-limit buckets that name one of `identifiers` (`reset:name:<name>`,
/// `login-account:name:<name>`), the member (`reset:member:<id>`) or an
/// account of the member or with one of them as login
/// (`reset:account:<id>`, `login-account:account:<id>`,
/// `login-pair:account:<id>:<address>`).
pub fn rate_limit_buckets(
    conn: &mut DbConn,
    member_id: i64,
    identifiers: &[String],
) -> AppResult<Vec<String>> {
    let mut account_ids: Vec<i64> = accounts::table
        .filter(
            accounts::login
                .eq_any(identifiers)
                .or(accounts::member_id.eq(member_id)),
        )
        .select(accounts::id)
        .load(conn)?;
    account_ids.sort_unstable();
    account_ids.dedup();
    let keys: Vec<String> = identifiers
        .iter()
        .map(|name| format!("name:{name}"))
        .chain(account_ids.iter().map(|id| format!("account:{id}")))
        .collect();
    let buckets: Vec<String> = identifiers
        .iter()
        // `reset:<name>` is how buckets were named before they were counted
        // per account.
        .map(|name| format!("reset:{name}"))
        .chain(keys.iter().map(|key| format!("reset:{key}")))
        .chain(std::iter::once(format!("reset:member:{member_id}")))
        .chain(keys.iter().map(|key| format!("login-account:{key}")))
        .collect();
    let mut found: Vec<String> = rate_limits::table
        .filter(rate_limits::bucket.eq_any(&buckets))
        .select(rate_limits::bucket)
        .load(conn)?;
    for key in &keys {
        let prefix = format!("login-pair:{key}:");
        found.extend(
            rate_limits::table
                .filter(rate_limits::bucket.like(format!("{prefix}%")))
                .select(rate_limits::bucket)
                .load::<String>(conn)?
                .into_iter()
                // `_` and `%` in a name are LIKE wildcards.
                .filter(|bucket| bucket.starts_with(&prefix)),
        );
    }
    Ok(found)
}

/// Everything about `member_id`, as JSON: `tables` maps each table to the
/// member's rows; `not_about_members` names the other tables.
pub fn collect(conn: &mut DbConn, member_id: i64) -> AppResult<Value> {
    let mut tables = Map::new();
    let member: Member = members::table
        .find(member_id)
        .select(Member::as_select())
        .first(conn)?;
    tables.insert("members".into(), json!([member]));

    let rows: Vec<Office> = offices::table
        .filter(offices::member_id.eq(member_id))
        .select(Office::as_select())
        .load(conn)?;
    tables.insert("offices".into(), json!(rows));

    let rows: Vec<(i64, chrono::NaiveDate)> = group_memberships::table
        .filter(group_memberships::member_id.eq(member_id))
        .select((group_memberships::group_id, group_memberships::since))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(g, since)| json!({"member_id": member_id, "group_id": g, "since": since}))
        .collect();
    tables.insert("group_memberships".into(), json!(rows));

    let rows: Vec<(i64, String)> = member_scopes::table
        .filter(member_scopes::member_id.eq(member_id))
        .select((member_scopes::group_id, member_scopes::sort_key))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(g, key)| json!({"member_id": member_id, "group_id": g, "sort_key": key}))
        .collect();
    tables.insert("member_scopes".into(), json!(rows));

    let account_rows: Vec<(i64, String, bool, chrono::NaiveDateTime)> = accounts::table
        .filter(accounts::member_id.eq(member_id))
        .select((
            accounts::id,
            accounts::login,
            accounts::is_admin,
            accounts::created_at,
        ))
        .load(conn)?;
    let account_ids: Vec<i64> = account_rows.iter().map(|a| a.0).collect();
    let rows: Vec<Value> = account_rows
        .into_iter()
        .map(|(id, login, admin, created)| {
            json!({
                "member_id": member_id, "id": id.to_string(), "login": login,
                "is_admin": admin, "created_at": time(created),
                "password_hash": "(an Argon2id hash; the password itself is not stored)",
            })
        })
        .collect();
    tables.insert("accounts".into(), json!(rows));

    let rows: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime)> = sessions::table
        .filter(sessions::account_id.eq_any(&account_ids))
        .select((sessions::created_at, sessions::expires_at))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(c, e)| json!({"created_at": time(c), "expires_at": time(e)}))
        .collect();
    tables.insert("sessions".into(), json!(rows));

    let rows: Vec<(Option<i64>, chrono::NaiveDateTime)> = password_resets::table
        .filter(
            password_resets::member_id
                .eq(member_id)
                .or(password_resets::account_id.eq_any(&account_ids)),
        )
        .select((password_resets::member_id, password_resets::expires_at))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(m, e)| json!({"member_id": m, "expires_at": time(e)}))
        .collect();
    tables.insert("password_resets".into(), json!(rows));

    let rows: Vec<AuditEntry> = audit_log::table
        .filter(audit_log::member_id.eq(member_id))
        .order(audit_log::at.desc())
        .select(AuditEntry::as_select())
        .load(conn)?;
    tables.insert("audit_log".into(), json!(rows));

    let ids = identifiers(conn, member_id)?;
    let rows: Vec<(String, chrono::NaiveDateTime, String)> = outbox::table
        .filter(outbox::recipient.eq_any(&ids))
        .select((outbox::recipient, outbox::created_at, outbox::subject))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(r, c, s)| json!({"recipient": r, "created_at": time(c), "subject": s}))
        .collect();
    tables.insert("outbox".into(), json!(rows));

    let buckets = rate_limit_buckets(conn, member_id, &ids)?;
    tables.insert("rate_limits".into(), json!(buckets));

    let rows: Vec<(String, String, bool)> = electors::table
        .filter(electors::member_id.eq(member_id))
        .select((electors::ballot_id, electors::channel, electors::issued))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(b, c, i)| json!({"member_id": member_id, "ballot_id": b, "channel": c, "issued": i}))
        .collect();
    tables.insert("electors".into(), json!(rows));

    let rows: Vec<(i64, String, String, Option<i64>, chrono::NaiveDateTime)> = officer_acts::table
        .filter(
            officer_acts::member_id
                .eq(member_id)
                .or(officer_acts::requested_by.eq_any(&account_ids))
                .or(officer_acts::confirmed_by.eq_any(&account_ids)),
        )
        .select((
            officer_acts::id,
            officer_acts::ballot_id,
            officer_acts::act,
            officer_acts::member_id,
            officer_acts::requested_at,
        ))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(id, b, act, m, at)| {
            json!({"id": id.to_string(), "ballot_id": b, "act": act, "member_id": m, "requested_at": time(at)})
        })
        .collect();
    tables.insert("officer_acts".into(), json!(rows));

    let rows: Vec<MemberChange> = member_changes::table
        .filter(member_changes::member_id.eq(member_id))
        .order(member_changes::changed_at.desc())
        .select(MemberChange::as_select())
        .load(conn)?;
    tables.insert("member_changes".into(), json!(rows));

    let rows: Vec<(String, chrono::NaiveDateTime)> = email_confirmations::table
        .filter(email_confirmations::member_id.eq(member_id))
        .select((email_confirmations::email, email_confirmations::expires_at))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(e, x)| json!({"member_id": member_id, "email": e, "expires_at": time(x)}))
        .collect();
    tables.insert("email_confirmations".into(), json!(rows));

    // Masked: the full details are for the treasurer, and an export file
    // travels further than a page.
    let rows: Vec<(String, chrono::NaiveDateTime)> = bank_accounts::table
        .filter(bank_accounts::member_id.eq(member_id))
        .select((bank_accounts::iban_masked, bank_accounts::updated_at))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(m, u)| json!({"member_id": member_id, "iban_masked": m, "updated_at": time(u), "sealed": "(IBAN, BIC, holder and SEPA mandate, encrypted)"}))
        .collect();
    tables.insert("bank_accounts".into(), json!(rows));

    let rows: Vec<Consent> = consents::table
        .filter(consents::member_id.eq(member_id))
        .select(Consent::as_select())
        .load(conn)?;
    tables.insert("consents".into(), json!(rows));

    let rows: Vec<(String, String, chrono::NaiveDateTime)> = surveys::table
        .filter(surveys::owner_account_id.eq_any(&account_ids))
        .select((surveys::id, surveys::title, surveys::created_at))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(id, title, created)| json!({"id": id, "title": title, "created_at": time(created), "owned": true}))
        .collect();
    tables.insert("surveys".into(), json!(rows));

    let rows: Vec<(String, String)> = survey_participants::table
        .filter(survey_participants::member_id.eq(member_id))
        .select((survey_participants::survey_id, survey_participants::channel))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(survey, channel)| json!({"member_id": member_id, "survey_id": survey, "channel": channel}))
        .collect();
    tables.insert("survey_participants".into(), json!(rows));

    let rows: Vec<(String, bool)> = survey_codes::table
        .filter(survey_codes::member_id.eq(member_id))
        .select((survey_codes::survey_id, survey_codes::used))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(survey, used)| json!({"member_id": member_id, "survey_id": survey, "used": used, "code": "(only a digest of the letter's code is stored)"}))
        .collect();
    tables.insert("survey_codes".into(), json!(rows));

    // Answers to named surveys; anonymous answers carry no member.
    let rows: Vec<(String, String, String)> = survey_responses::table
        .filter(survey_responses::member_id.eq(member_id))
        .select((
            survey_responses::survey_id,
            survey_responses::channel,
            survey_responses::answers,
        ))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(survey, channel, answers)| {
            json!({"member_id": member_id, "survey_id": survey, "channel": channel, "answers": answers})
        })
        .collect();
    tables.insert("survey_responses".into(), json!(rows));

    // Runs of "Mitglieder anschreiben" this member sent as a chair; the
    // letters PDF of a run names other members and stays out of the export.
    let rows: Vec<(chrono::NaiveDateTime, i64, i64, bool)> = contact_runs::table
        .filter(contact_runs::account_id.eq_any(&account_ids))
        .select((
            contact_runs::sent_at,
            contact_runs::mails,
            contact_runs::letters,
            contact_runs::letters_pdf.is_not_null(),
        ))
        .load(conn)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(at, mails, letters, pdf)| {
            json!({"sent_at": time(at), "mails": mails, "letters": letters, "letters_pdf_kept": pdf})
        })
        .collect();
    tables.insert("contact_runs".into(), json!(rows));

    let unrelated: Map<String, Value> = NOT_ABOUT_MEMBERS
        .iter()
        .map(|(table, why)| ((*table).to_owned(), json!(why)))
        .collect();
    Ok(json!({
        "format": "votum-member-export/1",
        "member_id": member_id,
        "tables": tables,
        "not_about_members": unrelated,
    }))
}
