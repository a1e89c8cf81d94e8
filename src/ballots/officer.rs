//! The returning officers' side: setting up a ballot, the four-eyes acts
//! (one officer requests, another confirms, and only then it happens) and
//! freezing the electorate when the ballot opens.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};

use super::credential::ElectorChannel;
pub use super::lifecycle::Act;
use super::lifecycle::{self, BallotStatus, ResultStage};
use super::questions::{self, SlotError};
use super::setup::{self, NewBallot};
use crate::auth::{CurrentUser, Scope};
use crate::db::models::{Channel, MemberStatus};
use crate::db::schema::{ballots, credentials, electors, groups, members, officer_acts};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::groups::Named;
use crate::rights::{BallotId, Officer, ReturningOfficer};
use crate::text::{self, Shape};
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![index, new_form, create, manage, request, confirm]
}

/// Whether the user is a returning officer for `group` (an office in the
/// group or above it). Routes take [`Officer`], which asks this.
pub fn is_officer_for(conn: &mut DbConn, user: &CurrentUser, group: i64) -> AppResult<bool> {
    if user.officer_groups.is_empty() {
        return Ok(false);
    }
    crate::groups::in_scope(conn, &Scope::Groups(user.officer_groups.clone()), group)
}

/// Records a request for `act`; fails with a conflict if one is pending.
pub fn request_act(
    conn: &mut DbConn,
    ballot: &str,
    act: Act,
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<i64> {
    insert_request(conn, ballot, act, None, officer, now)
}

/// Records a request for `act` about `member` (a re-issue) or about the
/// whole ballot; fails with a conflict if the same one is pending.
pub fn insert_request(
    conn: &mut DbConn,
    ballot: &str,
    act: Act,
    member: Option<i64>,
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let id = votum_crypto::random_id()?;
    // The request and its audit entry in one transaction; nothing secret is
    // written here, so naming the member of a re-issue is safe.
    conn.transaction(|conn| {
        diesel::insert_into(officer_acts::table)
            .values((
                officer_acts::id.eq(id),
                officer_acts::ballot_id.eq(ballot),
                officer_acts::act.eq(act.as_str()),
                officer_acts::member_id.eq(member),
                officer_acts::requested_by.eq(officer),
                officer_acts::requested_at.eq(now),
            ))
            .execute(conn)
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict("act already requested".into()),
                other => other,
            })?;
        crate::audit::record_ballot(
            conn,
            now,
            Some(officer),
            crate::audit::Action::ActRequested(act),
            ballot,
            member,
            "",
        )
    })?;
    Ok(id)
}

/// Why a confirmation was refused, as a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActRefusal {
    NotPending,
    SameOfficer,
    WrongStatus,
    /// A re-issue is confirmed with the officers' key, on its own form.
    KeyNeeded,
    /// No unused letter credential of the member carries the key's tag.
    KeyMismatch,
    /// The lost letter's code was already used: a new one would be a
    /// second vote.
    LetterUsed,
    /// A staged credential import no longer fits the ballot and was
    /// discarded.
    ImportStale,
    /// A postal batch is still open: it must be confirmed or discarded
    /// before the count.
    BatchPending,
    /// The act is confirmed on its own page (a letter run: the letters
    /// page, which hands the confirming officer the letters).
    OwnPage,
    /// The stored votes do not verify (a row no honest entry makes):
    /// nothing is counted or published.
    StoredVotesInvalid,
    /// An encrypted ballot's result is published only once enough
    /// trustees have decrypted it.
    NotDecrypted,
    /// The protocol's condition for opening is not met (an encrypted
    /// ballot without the trustees' election key).
    Opening(super::protocol::OpeningRefusal),
    /// Closing before the announced end was not acknowledged.
    CloseEarlyUnticked,
}

impl ActRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            ActRefusal::NotPending => "officer.not_pending",
            ActRefusal::SameOfficer => "officer.same_officer",
            ActRefusal::WrongStatus => "officer.wrong_status",
            ActRefusal::KeyNeeded => "reissue.key_needed",
            ActRefusal::KeyMismatch => "reissue.key_mismatch",
            ActRefusal::LetterUsed => "reissue.letter_used",
            ActRefusal::ImportStale => "authority.import_stale",
            ActRefusal::BatchPending => "officer.batch_pending",
            ActRefusal::OwnPage => "officer.own_page",
            ActRefusal::StoredVotesInvalid => "officer.stored_votes_invalid",
            ActRefusal::NotDecrypted => "officer.not_decrypted",
            ActRefusal::Opening(refusal) => refusal.message_key(),
            ActRefusal::CloseEarlyUnticked => "officer.close_early_unticked",
        }
    }
}

/// A pending act, checked for confirmation by `officer`.
pub struct PendingRequest {
    pub act: Act,
    pub requested_by: i64,
    pub member: Option<i64>,
}

/// The pending act `act_id` if `officer` may confirm it now: someone else
/// requested it and the ballot is in the status it needs. Call inside the
/// confirming transaction, after taking the ballot box lock.
pub fn pending_request(
    conn: &mut DbConn,
    ballot: &str,
    act_id: i64,
    officer: i64,
) -> AppResult<Result<PendingRequest, ActRefusal>> {
    let pending: Option<(Act, i64, Option<i64>)> = officer_acts::table
        .find(act_id)
        .filter(officer_acts::ballot_id.eq(ballot))
        .filter(officer_acts::confirmed_by.is_null())
        .select((
            officer_acts::act,
            officer_acts::requested_by,
            officer_acts::member_id,
        ))
        .first(conn)
        .optional()?;
    let Some((act, requested_by, member)) = pending else {
        return Ok(Err(ActRefusal::NotPending));
    };
    if requested_by == officer {
        return Ok(Err(ActRefusal::SameOfficer));
    }
    if !act.allowed_in(lifecycle::status(conn, ballot)?) {
        return Ok(Err(ActRefusal::WrongStatus));
    }
    Ok(Ok(PendingRequest {
        act,
        requested_by,
        member,
    }))
}

/// Marks a pending act as confirmed by `officer`, and notes its place in
/// the order of confirmations (and its count, if any) for the record.
pub fn mark_confirmed(
    conn: &mut DbConn,
    act_id: i64,
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    mark_confirmed_with_count(conn, act_id, officer, now, None)
}

/// [`mark_confirmed`] with the count the record states for the act
/// (credentials made at opening, ballots in the box at close, slips in a
/// postal batch, letters in a run).
pub fn mark_confirmed_with_count(
    conn: &mut DbConn,
    act_id: i64,
    officer: i64,
    now: NaiveDateTime,
    count: Option<i64>,
) -> AppResult<()> {
    let ballot: String = officer_acts::table
        .find(act_id)
        .select(officer_acts::ballot_id)
        .first(conn)?;
    diesel::update(officer_acts::table.find(act_id))
        .set((
            officer_acts::confirmed_by.eq(officer),
            officer_acts::confirmed_at.eq(now),
        ))
        .execute(conn)?;
    super::record::note_confirmed(conn, &ballot, act_id, count)
}

/// Confirms a pending act by a second officer and carries it out, in one
/// transaction that holds the ballot box lock. A re-issue needs the
/// officers' key and is confirmed through [`super::reissue::confirm`].
pub fn confirm_act(
    conn: &mut DbConn,
    sealing: &votum_crypto::seal::SealingKey,
    ballot: &str,
    act_id: i64,
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<Result<Act, ActRefusal>> {
    conn.transaction(|conn| {
        if !super::ballot_box::lock(conn, ballot)? {
            return Err(AppError::NotFound);
        }
        let PendingRequest {
            act, requested_by, ..
        } = match pending_request(conn, ballot, act_id, officer)? {
            Ok(pending) => pending,
            Err(refusal) => return Ok(Err(refusal)),
        };
        if act == Act::Reissue {
            return Ok(Err(ActRefusal::KeyNeeded));
        }
        if act == Act::IssueCredentials {
            return Ok(Err(ActRefusal::OwnPage));
        }
        if act == Act::Tally && super::postal::batch_pending(conn, ballot)? {
            return Ok(Err(ActRefusal::BatchPending));
        }
        let protocol = super::protocol::Protocol::of(conn, ballot)?;
        let v2 = protocol.is_v2();
        let pending = super::record::PendingAct {
            act,
            requested_by,
            confirmed_by: officer,
            at: now,
        };
        // Counts only; the entry names the officer and the ballot, never a
        // member (this transaction writes credentials).
        let mut detail = String::new();
        let mut count = None;
        match act {
            Act::Open => {
                if let Some(refusal) = protocol.opening_refusal(conn, ballot)? {
                    return Ok(Err(ActRefusal::Opening(refusal)));
                }
                detail = freeze_electorate(conn, ballot)?.to_string();
                let made = super::setup::issue_portal_credentials(conn, sealing, ballot)?;
                count = Some(i64::try_from(made).unwrap_or(i64::MAX));
                if v2 {
                    super::record::fix_election(conn, sealing, ballot)?;
                }
            }
            Act::Close => {
                super::setup::erase_portal_key(conn, ballot)?;
                super::setup::rewrite_credentials(conn, ballot)?;
                count = Some(super::ballot_box::length(conn, ballot)?);
            }
            // Under protocol "encrypted" the tally act fixes the sums the
            // trustees decrypt; the result comes with their decryptions.
            Act::Tally if protocol.is_encrypted() => {
                match super::tally::store::begin(conn, ballot, now)? {
                    Ok(summed) => detail = summed.to_string(),
                    Err(invalid) => {
                        log::warn!("ballot {ballot} not counted: {}", invalid.0);
                        return Ok(Err(ActRefusal::StoredVotesInvalid));
                    }
                }
            }
            Act::Tally if v2 => {
                if let Err(invalid) = super::record::tally_v2(conn, sealing, ballot, &pending)? {
                    log::warn!("ballot {ballot} not counted: {}", invalid.0);
                    return Ok(Err(ActRefusal::StoredVotesInvalid));
                }
            }
            Act::Tally => {
                super::record::tally(conn, ballot, &pending)?;
            }
            Act::Publish if protocol.is_encrypted() => {
                if !super::tally::store::state(conn, ballot)?.has_result() {
                    return Ok(Err(ActRefusal::NotDecrypted));
                }
                if let Err(invalid) =
                    super::record::publish_encrypted(conn, sealing, ballot, &pending)?
                {
                    log::warn!("ballot {ballot} not published: {}", invalid.0);
                    return Ok(Err(ActRefusal::StoredVotesInvalid));
                }
            }
            Act::Publish if v2 => {
                if let Err(invalid) = super::record::publish_v2(conn, sealing, ballot, &pending)? {
                    log::warn!("ballot {ballot} not published: {}", invalid.0);
                    return Ok(Err(ActRefusal::StoredVotesInvalid));
                }
            }
            Act::Publish => {
                super::record::publish(conn, sealing, ballot, &pending)?;
            }
            Act::ImportCredentials => {
                match super::authority::store::import_staged(conn, ballot, act_id)? {
                    Ok(imported) => {
                        detail = imported.to_string();
                        count = i64::try_from(imported).ok();
                    }
                    // The refused file and its request are gone; nothing
                    // else was written.
                    Err(_) => return Ok(Err(ActRefusal::ImportStale)),
                }
            }
            Act::EnterPostalVotes => {
                let entries = super::postal::batch_size(conn, act_id)?;
                detail = entries.to_string();
                count = Some(entries);
            }
            Act::Reissue | Act::IssueCredentials => {}
        }
        lifecycle::advance(conn, ballot, act)?;
        mark_confirmed_with_count(conn, act_id, officer, now, count)?;
        crate::audit::record_ballot(
            conn,
            now,
            Some(officer),
            crate::audit::Action::ActConfirmed(act),
            ballot,
            None,
            &detail,
        )?;
        Ok(Ok(act))
    })
}

/// Writes the electorate: active members of the ballot's group and its
/// sub-groups who joined on or before the cut-off date, each with the
/// channel their credential goes out by. Runs once, when the ballot opens.
/// Portal electors are issued at once (their credentials are made in the
/// same transaction, [`super::setup::issue_portal_credentials`]); letter
/// electors when their letters are printed.
pub fn freeze_electorate(conn: &mut DbConn, ballot: &str) -> AppResult<usize> {
    let (group, cutoff): (i64, NaiveDate) = ballots::table
        .find(ballot)
        .select((ballots::group_id, ballots::cutoff_date))
        .first(conn)?;
    // SQLite numbers `$n` parameters by first appearance, so they appear
    // here in binding order.
    Ok(diesel::sql_query(
        "INSERT INTO electors (ballot_id, member_id, channel, issued) \
         SELECT $1, m.id, CASE WHEN m.channel = $2 THEN $3 ELSE $4 END, m.channel <> $2 \
         FROM member_scopes s JOIN members m ON m.id = s.member_id \
         WHERE s.group_id = $5 AND m.status = $6 AND m.join_date <= $7",
    )
    .bind::<Text, _>(ballot)
    .bind::<Text, _>(Channel::Paper)
    .bind::<Text, _>(ElectorChannel::for_member(Channel::Paper))
    .bind::<Text, _>(ElectorChannel::for_member(Channel::Online))
    .bind::<BigInt, _>(group)
    .bind::<Text, _>(MemberStatus::Active)
    .bind::<Date, _>(cutoff)
    .execute(conn)?)
}

/// Electors, issued credentials and public credentials of a ballot. The
/// invariant "credentials issued = electors issued" holds when the last
/// two are equal.
pub fn counts(conn: &mut DbConn, ballot: &str) -> AppResult<(i64, i64, i64)> {
    let electorate: i64 = electors::table
        .filter(electors::ballot_id.eq(ballot))
        .count()
        .get_result(conn)?;
    let issued: i64 = electors::table
        .filter(electors::ballot_id.eq(ballot))
        .filter(electors::issued.eq(true))
        .count()
        .get_result(conn)?;
    let credentials: i64 = credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .filter(credentials::revoked.eq(false))
        .count()
        .get_result(conn)?;
    Ok((electorate, issued, credentials))
}

#[get("/ballots")]
async fn index(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let member = user.member_id;
    let officer_groups = user.officer_groups.clone();
    let (mine, managed) = app
        .db
        .run(move |conn| {
            let mine: Vec<(String, String, BallotStatus, NaiveDateTime)> = match member {
                Some(member) => electors::table
                    .inner_join(ballots::table)
                    .filter(electors::member_id.eq(member))
                    .order(ballots::closes_at.desc())
                    .select((
                        ballots::id,
                        ballots::title,
                        ballots::status,
                        ballots::closes_at,
                    ))
                    .load(conn)?,
                None => Vec::new(),
            };
            let managed: Vec<(String, String, BallotStatus, String)> = if officer_groups.is_empty()
            {
                Vec::new()
            } else {
                let below = crate::db::schema::group_tree::table
                    .filter(crate::db::schema::group_tree::ancestor_id.eq_any(officer_groups))
                    .select(crate::db::schema::group_tree::group_id);
                ballots::table
                    .inner_join(groups::table)
                    .filter(ballots::group_id.eq_any(below))
                    .order(ballots::opens_at.desc())
                    .select((ballots::id, ballots::title, ballots::status, groups::name))
                    .load(conn)?
            };
            Ok((mine, managed))
        })
        .await?;
    let now = app.clock.now();
    let mine: Vec<Value> = mine
        .into_iter()
        .map(|(id, title, status, closes_at)| {
            let stage = status.result_stage(now, closes_at);
            json!({
                "id": id,
                "title": title,
                "status_key": status.message_key(),
                "result_key": stage.map(ResultStage::message_key),
                "result_link": stage.is_some_and(ResultStage::has_link),
            })
        })
        .collect();
    let managed: Vec<Value> = managed
        .into_iter()
        .map(|(id, title, status, group)| {
            json!({"id": id, "title": title, "group": group, "status_key": status.message_key()})
        })
        .collect();
    Ok(page.render(
        "ballots/list",
        json!({"mine": mine, "managed": managed, "is_officer": !user.officer_groups.is_empty()}),
    ))
}

fn slot_views(fields: &Fields, errors: &[SlotError]) -> Vec<Value> {
    (0..questions::SLOTS)
        .map(|n| {
            let get = |name: &str| fields.get(&format!("q{n}_{name}")).unwrap_or("").to_owned();
            json!({
                "n": n,
                "number": n + 1,
                "text": get("text"),
                "kind": get("kind"),
                "options": get("options"),
                "min": get("min"),
                "max": get("max"),
                "seats": get("seats"),
                "quorum": get("quorum"),
                "majority": get("majority"),
                "runoff": get("runoff") == "on",
                "error": errors.iter().find(|e| e.slot == n).map(|e| e.key),
            })
        })
        .collect()
}

/// The groups a returning officer may set a ballot up for, for the group
/// field's suggestions: their officer groups and everything below.
fn ballot_group_choices(conn: &mut DbConn, user: &CurrentUser) -> AppResult<Vec<String>> {
    crate::groups::picker(conn, Some(&user.officer_groups))
}

#[get("/ballots/new")]
async fn new_form(app: AppState<'_>, page: Page, officer: ReturningOfficer) -> AppResult<Template> {
    let fields = Fields(Vec::new());
    let user = officer.0;
    let choices = app
        .db
        .run(move |conn| ballot_group_choices(conn, &user))
        .await?;
    Ok(page.render(
        "ballots/new",
        json!({"slots": slot_views(&fields, &[]), "values": {}, "group_choices": choices}),
    ))
}

/// The set-up form's fields other than the questions, checked.
/// The set-up form's fields other than the questions.
struct Basics {
    group_id: i64,
    title: String,
    description: String,
    cutoff_date: NaiveDate,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
}

fn ballot_fields(
    conn: &mut DbConn,
    fields: &Fields,
) -> Result<Basics, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let title = fields.get("title").unwrap_or("").trim().to_owned();
    if title.is_empty() {
        errors.push(("title", "setup.title_missing"));
    }
    if let Some(key) = text::problem(&title, Shape::Line, text::TITLE) {
        errors.push(("title", key));
    }
    let description = fields.get("description").unwrap_or("");
    if let Some(key) = text::problem(description, Shape::Lines, text::LONG_TEXT) {
        errors.push(("description", key));
    }
    let group_id = match crate::groups::find_named(conn, fields.get("group").unwrap_or("")) {
        Ok(Named::Found(id)) => Some(id),
        Ok(Named::Ambiguous) => {
            errors.push(("group", "setup.group_ambiguous"));
            None
        }
        Ok(Named::Unknown) | Err(_) => {
            errors.push(("group", "setup.group_unknown"));
            None
        }
    };
    let date = |name: &str| {
        NaiveDate::parse_from_str(fields.get(name).unwrap_or("").trim(), "%Y-%m-%d").ok()
    };
    let time =
        |name: &str| NaiveTime::parse_from_str(fields.get(name).unwrap_or("").trim(), "%H:%M").ok();
    let cutoff = date("cutoff");
    if cutoff.is_none() {
        errors.push(("cutoff", "setup.date_invalid"));
    }
    let opens = date("opens_date")
        .zip(time("opens_time"))
        .map(|(d, t)| d.and_time(t));
    let closes = date("closes_date")
        .zip(time("closes_time"))
        .map(|(d, t)| d.and_time(t));
    if opens.is_none() {
        errors.push(("opens", "setup.date_invalid"));
    }
    if closes.is_none() {
        errors.push(("closes", "setup.date_invalid"));
    }
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            errors.push(("closes", "setup.closes_before_opens"));
        }
    }
    match (group_id, cutoff, opens, closes, errors.is_empty()) {
        (Some(group_id), Some(cutoff_date), Some(opens_at), Some(closes_at), true) => Ok(Basics {
            group_id,
            title,
            description: fields.get("description").unwrap_or("").trim().to_owned(),
            cutoff_date,
            opens_at,
            closes_at,
        }),
        _ => Err(errors),
    }
}

#[post("/ballots/new", data = "<form>")]
async fn create(
    app: AppState<'_>,
    page: Page,
    officer: ReturningOfficer,
    form: CsrfForm<Fields>,
) -> AppResult<Result<Redirect, (Status, Template)>> {
    let user = officer.0;
    let chooser = user.clone();
    let fields = form.0;
    let now = app.clock.now();
    let sealing = app.sealing.clone();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let outcome = app
        .db
        .run(move |conn| {
            let parsed_questions = questions::parse(&fields);
            let basics = ballot_fields(conn, &fields);
            match (basics, parsed_questions) {
                (Ok(basics), Ok(questions)) => {
                    let Some(proof) = crate::rights::officer_of(conn, &user, basics.group_id)?
                    else {
                        return Ok(Err((
                            fields,
                            vec![("group", "setup.group_not_yours")],
                            Vec::new(),
                        )));
                    };
                    let ballot = NewBallot {
                        group_id: basics.group_id,
                        title: basics.title,
                        description: basics.description,
                        cutoff_date: basics.cutoff_date,
                        opens_at: basics.opens_at,
                        closes_at: basics.closes_at,
                        revote_allowed: fields.get("revote") == Some("on"),
                        shuffle_options: fields.get("shuffle") == Some("on"),
                        questions,
                    };
                    // Before anything is stored: letters that cannot be
                    // printed would be found only after the electorate is
                    // frozen.
                    if let Err(problem) =
                        super::letters::check_printable(conn, &catalogues, &public_url, &ballot)?
                    {
                        return Ok(Err((
                            fields,
                            vec![("letters", problem.message_key())],
                            Vec::new(),
                        )));
                    }
                    Ok(Ok(setup::create(conn, &sealing, &proof, &ballot, now)?))
                }
                (basics, questions) => Ok(Err((
                    fields,
                    basics.err().unwrap_or_default(),
                    questions.err().unwrap_or_default(),
                ))),
            }
        })
        .await?;
    match outcome {
        Ok(id) => Ok(Ok(Redirect::to(format!("/ballots/{id}/manage")))),
        Err((fields, errors, slot_errors)) => {
            let choices = app
                .db
                .run(move |conn| ballot_group_choices(conn, &chooser))
                .await?;
            let values: serde_json::Map<String, Value> = fields
                .0
                .iter()
                .filter(|(k, _)| !k.starts_with('q') && k != "csrf")
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let errors: serde_json::Map<String, Value> = errors
                .into_iter()
                .map(|(field, key)| (field.to_owned(), json!(key)))
                .collect();
            Ok(Err((
                Status::UnprocessableEntity,
                page.render(
                    "ballots/new",
                    json!({
                        "slots": slot_views(&fields, &slot_errors),
                        "values": values,
                        "errors": errors,
                        "has_errors": true,
                        "group_choices": choices,
                    }),
                ),
            )))
        }
    }
}

/// One officer act as listed on the manage page.
#[derive(Queryable)]
struct ActRow(
    i64,
    Act,
    Option<String>,
    i64,
    NaiveDateTime,
    Option<i64>,
    Option<NaiveDateTime>,
);

/// Whether closing now comes before the announced end (only an open
/// ballot can be closed).
fn closes_early(status: BallotStatus, closes_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    status == BallotStatus::Open && now < closes_at
}

/// [`closes_early`] for ballot `id`, read from the database.
fn closes_early_now(
    conn: &mut DbConn,
    id: &str,
    status: BallotStatus,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let closes_at: NaiveDateTime = ballots::table
        .find(id)
        .select(ballots::closes_at)
        .first(conn)?;
    Ok(closes_early(status, closes_at, now))
}

#[get("/ballots/<id>/manage?<find>")]
async fn manage(
    app: AppState<'_>,
    page: Page,
    officer: Officer<BallotId>,
    id: String,
    find: Option<String>,
) -> AppResult<Template> {
    let account = officer.user.account_id;
    let status = officer.status;
    let now = app.clock.now();
    let context = app
        .db
        .run(move |conn| {
            let (title, opens_at, closes_at): (String, NaiveDateTime, NaiveDateTime) = ballots::table
                .find(&id)
                .select((ballots::title, ballots::opens_at, ballots::closes_at))
                .first(conn)?;
            let (electorate, issued, credentials) = counts(conn, &id)?;
            // The lost-letter search: letter electors by name or number.
            let find = find.map(|text| text.trim().to_owned()).filter(|t| !t.is_empty());
            let found = match &find {
                Some(text) if status.issues_letters() => {
                    super::reissue::find_letter_electors(conn, &id, text, 20)?
                }
                _ => Vec::new(),
            };
            let letters_pending: i64 = electors::table
                .filter(electors::ballot_id.eq(&id))
                .filter(electors::channel.eq(ElectorChannel::Letter))
                .filter(electors::issued.eq(false))
                .count()
                .get_result(conn)?;
            let acts: Vec<ActRow> = officer_acts::table
                .left_join(members::table)
                .filter(officer_acts::ballot_id.eq(&id))
                .order(officer_acts::requested_at)
                .select((
                    officer_acts::id,
                    officer_acts::act,
                    members::membership_number.nullable(),
                    officer_acts::requested_by,
                    officer_acts::requested_at,
                    officer_acts::confirmed_by,
                    officer_acts::confirmed_at,
                ))
                .load(conn)?;
            let next = status.next_act();
            // While the next step waits for its second officer, nobody is
            // offered to request it again.
            let next_waiting = acts.iter().any(|ActRow(_, act, _, _, _, confirmed_by, _)| {
                confirmed_by.is_none() && Some(*act) == next
            });
            // Closing before the announced end takes the vote from everyone
            // who has not voted yet: both officers see it and tick it.
            let early = closes_early(status, closes_at, now);
            let acts: Vec<Value> = acts
                .into_iter()
                .map(|ActRow(act_id, act, member, by, at, confirmed_by, confirmed_at)| {
                    json!({
                        "id": act_id.to_string(),
                        "early_close": early && act == Act::Close,
                        "act_key": format!("officer.act_{act}"),
                        "member": member,
                        "requested_at": at.format("%Y-%m-%d %H:%M").to_string(),
                        "mine": by == account,
                        "pending": confirmed_by.is_none(),
                        "confirmed_at": confirmed_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
                    })
                })
                .collect();
            // An encrypted ballot's result exists only once the trustees
            // decrypted it; until then the page says how far they are.
            let tally_state = super::tally::store::state(conn, &id)?;
            let tally = match tally_state {
                super::tally::TallyState::NotStarted => Value::Null,
                super::tally::TallyState::AwaitingDecryption { have, need } => {
                    json!({"state_key": tally_state.message_key(), "have": have, "need": need})
                }
                _ => json!({"state_key": tally_state.message_key()}),
            };
            let has_result = status.has_result()
                && !matches!(
                    tally_state,
                    super::tally::TallyState::AwaitingDecryption { .. }
                );
            let protocol = super::protocol::Protocol::of(conn, &id)?;
            let opening_blocked = if status.previewable() {
                protocol.opening_refusal(conn, &id)?.map(|r| r.message_key())
            } else {
                None
            };
            Ok(json!({
                "protocol_key": protocol.name().map(|p| format!("officer.protocol_{p}")),
                "opening_blocked": opening_blocked,
                "ballot": {"id": id, "title": title, "status_key": status.message_key(),
                           "opens_at": opens_at.format("%Y-%m-%d %H:%M").to_string(),
                           "closes_at": closes_at.format("%Y-%m-%d %H:%M").to_string()},
                "electorate": electorate,
                "issued": issued,
                "credentials": credentials,
                "invariant_holds": issued == credentials,
                "acts": acts,
                "next_act": next.filter(|_| !next_waiting).map(Act::as_str),
                "next_act_key": next.map(|a| format!("officer.act_{a}")),
                "has_result": has_result,
                "tally": tally,
                "next_waiting": next_waiting,
                "early_close": early && next == Some(Act::Close),
                "letters_open": status.issues_letters(),
                "authority_open": super::authority::store::exports_in(status),
                "letters_pending": letters_pending,
                "published": status.is_published(),
                "find": find,
                "found_none": find.is_some() && found.is_empty(),
                "found": found,
            }))
        })
        .await?;
    Ok(page.render("ballots/manage", context))
}

#[post("/ballots/<id>/request", data = "<form>")]
async fn request(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let account = officer.user.account_id;
    let act = form
        .0
        .get("act")
        .and_then(Act::parse)
        // A re-issue names a member and is requested on the re-issue page.
        // An import is requested by uploading its file.
        .filter(|act| {
            !matches!(
                act,
                Act::Reissue
                    | Act::ImportCredentials
                    | Act::IssueCredentials
                    | Act::EnterPostalVotes
            )
        })
        .ok_or(AppError::BadRequest("unknown act".into()))?;
    let now = app.clock.now();
    let target = format!("/ballots/{id}/manage");
    let status = officer.status;
    let early_ticked = form.0.get("early") == Some("yes");
    let outcome = app
        .db
        .run(move |conn| {
            // Asking a second officer to open what cannot open would only
            // fail at the confirmation: say what is missing now.
            if act == Act::Open {
                let protocol = super::protocol::Protocol::of(conn, &id)?;
                if let Some(refusal) = protocol.opening_refusal(conn, &id)? {
                    return Ok(Err(refusal.message_key()));
                }
            }
            if act == Act::Close && !early_ticked && closes_early_now(conn, &id, status, now)? {
                return Ok(Err("officer.close_early_unticked"));
            }
            request_act(conn, &id, act, account, now).map(Ok)
        })
        .await;
    match outcome {
        Ok(Err(key)) => Ok(Flash::error(Redirect::to(target), key)),
        Ok(Ok(_)) => Ok(Flash::success(Redirect::to(target), "officer.requested")),
        Err(AppError::Conflict(_)) => Ok(Flash::error(
            Redirect::to(target),
            "officer.already_requested",
        )),
        Err(e) => Err(e),
    }
}

#[post("/ballots/<id>/confirm/<act>", data = "<form>")]
async fn confirm(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    act: i64,
    form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let account = officer.user.account_id;
    let now = app.clock.now();
    let target = format!("/ballots/{id}/manage");
    let sealing = app.sealing.clone();
    let ballot = id.clone();
    let status = officer.status;
    let early_ticked = form.0.get("early") == Some("yes");
    let outcome = app
        .db
        .run(move |conn| {
            let requested: Option<Act> = officer_acts::table
                .filter(officer_acts::id.eq(act))
                .filter(officer_acts::ballot_id.eq(&id))
                .select(officer_acts::act)
                .first(conn)
                .optional()?;
            if requested == Some(Act::Close)
                && !early_ticked
                && closes_early_now(conn, &id, status, now)?
            {
                return Ok(Err(ActRefusal::CloseEarlyUnticked));
            }
            confirm_act(conn, &sealing, &id, act, account, now)
        })
        .await?;
    if outcome == Ok(Act::Tally) {
        // After the commit: the trustees hear of a tally input that exists.
        let (mailer, catalogues) = (app.mailer.clone(), app.catalogues.clone());
        let mailed = app
            .db
            .run(move |conn| {
                super::tally::store::notify_trustees(conn, &mailer, &catalogues, &ballot, now)
            })
            .await?;
        if mailed > 0 {
            log::info!("trustees told of the tally input: {mailed}");
        }
    }
    Ok(match outcome {
        Ok(_) => Flash::success(Redirect::to(target), "officer.confirmed"),
        Err(refusal) => Flash::error(Redirect::to(target), refusal.message_key()),
    })
}
