//! The voter's pages: the ballot (reached from a letter's QR code, by typing
//! the code, or after login), a confirmation step, the cast and its receipt,
//! and "check my receipt". Plain HTML forms; no JavaScript needed.
//!
//! Without JavaScript the browser cannot sign, so the server derives the
//! credential key from the code in the submitted form, signs, casts and
//! forgets the code. Codes are never stored or logged.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::http::Status;
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};
use votum_ballots::question::QuestionKind;
use votum_ballots::Question;
use votum_crypto::credential::{Code, CodeError, CredentialKey};
use votum_crypto::seal::SealingKey;

use super::ballot_box::{self, Refusal, SignedBallot};
use super::credential::{CredentialUse, ElectorChannel};
use super::definition::{self, Definition};
use super::form::{choices, FieldError};
use super::lifecycle::BallotStatus;
use crate::auth::CurrentUser;
use crate::db::schema::{ballot_boxes, ballots, box_entries, credentials, electors};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ratelimit;
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, Fields, Page};

pub fn routes() -> Vec<Route> {
    routes![
        ballot_page,
        review,
        cast,
        check,
        portal_code,
        receipt_download
    ]
}

/// What the voter's pages show of a ballot: its cached definition and the
/// status read now.
pub(crate) struct BallotInfo {
    definition: Arc<Definition>,
    pub(crate) status: BallotStatus,
}

impl std::ops::Deref for BallotInfo {
    type Target = Definition;

    fn deref(&self) -> &Definition {
        &self.definition
    }
}

pub(crate) fn load(conn: &mut DbConn, id: &str) -> AppResult<BallotInfo> {
    let definition = definition::get(conn, id)?;
    let status = super::lifecycle::status(conn, id)?;
    Ok(BallotInfo { definition, status })
}

impl BallotInfo {
    /// Why nobody can vote now, if so.
    fn closed_reason(&self, now: NaiveDateTime) -> Option<Refusal> {
        self.status
            .voting_refusal(now, self.opens_at, self.closes_at)
    }

    /// The questions for the form, with the voter's earlier answers and
    /// the problems found with them.
    /// `seed` orders the options per voter where the ballot asks for it,
    /// so no option profits from always standing first.
    pub(crate) fn form_view(
        &self,
        fields: &Fields,
        errors: &[FieldError],
        seed: &str,
    ) -> Vec<Value> {
        self.questions
            .iter()
            .enumerate()
            .map(|(n, question)| {
                let chosen = fields.all(&format!("q{n}"));
                let mut ordered: Vec<&votum_ballots::question::BallotOption> =
                    question.options().iter().collect();
                if self.shuffle_options {
                    ordered.sort_by_cached_key(|o| {
                        votum_crypto::sha256(format!("{seed}\0{n}\0{}", o.id.0).as_bytes())
                    });
                }
                let options: Vec<Value> = ordered
                    .into_iter()
                    .map(|o| {
                        let id = o.id.0.to_string();
                        json!({
                            "id": id,
                            "label": o.label,
                            "chosen": chosen.contains(&id.as_str()),
                            "rank": fields.get(&format!("q{n}-o{id}")).unwrap_or(""),
                        })
                    })
                    .collect();
                let (kind, min, max) = match &question.kind {
                    QuestionKind::YesNoAbstain { .. } => ("yes_no", 0, 0),
                    QuestionKind::SingleChoice { .. } => ("single", 0, 0),
                    QuestionKind::Approval {
                        min_marks,
                        max_marks,
                        ..
                    } => ("approval", *min_marks, *max_marks),
                    QuestionKind::RankedSchulze { .. } => ("ranked", 0, 0),
                    QuestionKind::RankedStv { seats, .. } => ("ranked", 0, *seats),
                };
                json!({
                    "index": n,
                    "number": n + 1,
                    "text": question.text,
                    "kind": kind,
                    "min": min,
                    "max": max,
                    "options": options,
                    "yes": chosen == ["yes"],
                    "no": chosen == ["no"],
                    "abstain": chosen == ["abstain"],
                    "error": errors.iter().find(|e| e.question == n).map(|e| e.key),
                })
            })
            .collect()
    }

    pub(crate) fn summary(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "closes_at": self.closes_at.format("%Y-%m-%d %H:%M").to_string(),
            "revote_allowed": self.revote_allowed,
        })
    }
}

/// A signed-in member's standing in a ballot's electorate.
pub(super) enum Standing {
    /// Not an elector (or not signed in).
    None,
    /// Gets a letter.
    Letter,
    /// Votes in the portal; `used` says whether the portal credential has
    /// been used (read from the credential, which no row links to the
    /// member), `None` while the ballot is not open.
    Portal { used: Option<bool> },
}

/// The member's portal code while the ballot is open: derived from the
/// ballot's portal key, so it can be shown again at any time; nothing is
/// written when it is.
fn portal_code_of(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot: &str,
    member: i64,
) -> AppResult<Option<Code>> {
    Ok(super::setup::portal_key(conn, sealing, ballot)?.map(|key| key.code(ballot, member)))
}

pub(super) fn standing(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot: &str,
    member: Option<i64>,
) -> AppResult<Standing> {
    let Some(member) = member else {
        return Ok(Standing::None);
    };
    let channel: Option<ElectorChannel> = electors::table
        .find((ballot, member))
        .select(electors::channel)
        .first(conn)
        .optional()?;
    match channel {
        None => Ok(Standing::None),
        Some(ElectorChannel::Letter) => Ok(Standing::Letter),
        Some(ElectorChannel::Portal) => {
            let used = match portal_code_of(conn, sealing, ballot, member)? {
                Some(code) => {
                    let public = super::protocol::Protocol::of(conn, ballot)?
                        .derive(&code, ballot)
                        .public()
                        .to_base64();
                    let used: Option<CredentialUse> = credentials::table
                        .find((ballot, public))
                        .select(credentials::used)
                        .first(conn)
                        .optional()?;
                    Some(used.is_some_and(CredentialUse::is_used))
                }
                None => None,
            };
            Ok(Standing::Portal { used })
        }
    }
}

/// The ballot page. `code` comes from the letter's QR code.
#[get("/vote/<id>?<code>")]
async fn ballot_page(
    app: AppState<'_>,
    page: Page,
    officer: Option<Officer<BallotId>>,
    id: String,
    code: Option<String>,
) -> AppResult<Template> {
    let now = app.clock.now();
    let member = page.user.as_ref().and_then(|u| u.member_id);
    let officer = officer.is_some();
    let sealing = app.sealing.clone();
    let (ballot, standing) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            let standing = standing(conn, &sealing, &id, member)?;
            Ok((ballot, standing))
        })
        .await?;
    let fields = Fields(Vec::new());
    // Officers preview a ballot before it opens.
    let preview = officer && ballot.status.previewable();
    let closed = ballot.closed_reason(now).filter(|_| !preview);
    let portal_open = closed.is_none() && matches!(standing, Standing::Portal { used: Some(_) });
    let result = ballot.status.result_stage(now, ballot.closes_at);
    Ok(page.render(
        "ballots/vote",
        json!({
            "ballot": ballot.summary(),
            "questions": ballot.form_view(&fields, &[], page.browser_seed()),
            "code": code.unwrap_or_default(),
            "closed_key": closed.as_ref().map(Refusal::message_key),
            "result_key": result.map(super::lifecycle::ResultStage::message_key),
            "result_link": result.is_some_and(super::lifecycle::ResultStage::has_link),
            "portal_code_available": portal_open,
            "portal_voted": portal_open && matches!(standing, Standing::Portal { used: Some(true) }),
            "letter_elector": matches!(standing, Standing::Letter),
            "preview": preview,
        }),
    ))
}

/// Shows the signed-in member's portal code, as often as they ask. The
/// code is derived from the ballot's portal key; its credential was stored
/// with all others when the ballot opened. Nothing is written here, so no
/// row, transaction or time pairs the member with the credential.
#[post("/vote/<id>/portal-code", data = "<_form>")]
async fn portal_code(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    id: String,
    _form: CsrfForm<Fields>,
) -> AppResult<(Status, Template)> {
    let now = app.clock.now();
    let member = user.member_id.ok_or(AppError::Forbidden)?;
    let sealing = app.sealing.clone();
    let (ballot, code) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            if let Some(reason) = ballot.closed_reason(now) {
                return Ok((ballot, Err((Status::Conflict, reason.message_key()))));
            }
            let code = match standing(conn, &sealing, &ballot.id, Some(member))? {
                Standing::Portal { .. } => portal_code_of(conn, &sealing, &ballot.id, member)?,
                Standing::None | Standing::Letter => None,
            };
            Ok((
                ballot,
                code.map(|code| code.display())
                    .ok_or((Status::Forbidden, "vote.not_portal_elector")),
            ))
        })
        .await?;
    let fields = Fields(Vec::new());
    Ok(match code {
        Ok(code) => (
            Status::Ok,
            page.render(
                "ballots/vote",
                json!({
                    "ballot": ballot.summary(),
                    "questions": ballot.form_view(&fields, &[], page.browser_seed()),
                    "code": code,
                    "new_portal_code": code,
                }),
            ),
        ),
        Err((status, key)) => (
            status,
            page.render(
                "ballots/vote",
                json!({
                    "ballot": ballot.summary(),
                    "questions": ballot.form_view(&fields, &[], page.browser_seed()),
                    "error_key": key,
                }),
            ),
        ),
    })
}

/// Checks a typed or scanned code against the ballot: the key it derives,
/// or the message for the voter.
/// The credential key of a typed code, or the message for a bad code.
fn parse_code(
    code: &str,
    ballot_id: &str,
    protocol: super::protocol::Protocol,
) -> Result<CredentialKey, &'static str> {
    match Code::parse(code) {
        Ok(code) => Ok(protocol.derive(&code, ballot_id)),
        Err(CodeError::Empty) => Err("vote.code_missing"),
        Err(CodeError::CheckFailed) => Err("vote.code_mistyped"),
        Err(_) => Err("vote.code_malformed"),
    }
}

/// Whether a credential with the stored `(revoked, used)` may vote now,
/// or the message why not.
fn credential_verdict(
    row: Option<(bool, CredentialUse)>,
    revote: bool,
) -> Result<(), &'static str> {
    match CredentialUse::online_refusal(row, revote) {
        None => Ok(()),
        // A typed code that is valid but unknown here belongs elsewhere.
        Some(Refusal::UnknownCredential) => Err("vote.code_other_ballot"),
        Some(refusal) => Err(refusal.message_key()),
    }
}

/// What a submission needs from the database, read in one query: the
/// ballot's status, the code's credential row and the client's rate-limit
/// bucket. Casting is the hot path; each query is a round trip.
#[derive(QueryableByName)]
struct SubmissionState {
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: BallotStatus,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bool>)]
    revoked: Option<bool>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    used: Option<CredentialUse>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    window_start: Option<NaiveDateTime>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    hits: Option<i32>,
}

fn submission_state(
    conn: &mut DbConn,
    ballot: &str,
    credential: &str,
    bucket: &str,
) -> AppResult<SubmissionState> {
    use diesel::sql_types::Text;
    // SQLite numbers `$n` parameters by first appearance, so they appear
    // here in binding order.
    Ok(diesel::sql_query(
        "SELECT b.status, c.revoked, c.used, r.window_start, r.hits FROM ballots b \
         LEFT JOIN credentials c ON c.ballot_id = b.id AND c.public_key = $1 \
         LEFT JOIN rate_limits r ON r.bucket = $2 \
         WHERE b.id = $3",
    )
    .bind::<Text, _>(credential)
    .bind::<Text, _>(bucket)
    .bind::<Text, _>(ballot)
    .get_result(conn)?)
}

/// Everything the review and cast steps check, in one place.
enum Checked {
    /// The ballot, the voter's key, the choices and the form's nonce.
    Ready(
        BallotInfo,
        Box<CredentialKey>,
        Vec<votum_ballots::Choice>,
        Option<String>,
    ),
    Refused(BallotInfo, Fields, Option<&'static str>, Vec<FieldError>),
}

fn check_submission(
    conn: &mut DbConn,
    id: &str,
    fields: Fields,
    now: NaiveDateTime,
    client: &str,
) -> AppResult<Checked> {
    let definition = definition::get(conn, id)?;
    let protocol = super::protocol::Protocol::of(conn, id)?;
    let key = parse_code(fields.get("code").unwrap_or(""), id, protocol);
    let credential = key
        .as_ref()
        .map(|k| k.public().to_base64())
        .unwrap_or_default();
    let bucket = format!("code-ip:{client}");
    let state = submission_state(conn, id, &credential, &bucket)?;
    let ballot = BallotInfo {
        definition,
        status: state.status,
    };
    if let Some(reason) = ballot.closed_reason(now) {
        return Ok(Checked::Refused(
            ballot,
            fields,
            Some(reason.message_key()),
            Vec::new(),
        ));
    }
    let window = state.window_start.zip(state.hits);
    if !ratelimit::allows_row(window, now, ratelimit::CODE_ENTRY) {
        return Ok(Checked::Refused(
            ballot,
            fields,
            Some("vote.rate_limited"),
            Vec::new(),
        ));
    }
    // The attempt is counted before the code is checked, in the statement
    // that checks the limit, so parallel guesses cannot pass together; a
    // good code gives its count back.
    if !ratelimit::take(conn, now, &bucket, ratelimit::CODE_ENTRY)? {
        return Ok(Checked::Refused(
            ballot,
            fields,
            Some("vote.rate_limited"),
            Vec::new(),
        ));
    }
    let row = state.revoked.zip(state.used);
    let key = match key.and_then(|key| credential_verdict(row, ballot.revote_allowed).map(|()| key))
    {
        Ok(key) => {
            ratelimit::refund(conn, &bucket)?;
            Some(key)
        }
        Err(message) => {
            return Ok(Checked::Refused(ballot, fields, Some(message), Vec::new()));
        }
    };
    match (choices(&ballot.questions, &fields), key) {
        (Ok(choices), Some(key)) => {
            let nonce = fields.get("nonce").map(str::to_owned);
            Ok(Checked::Ready(ballot, Box::new(key), choices, nonce))
        }
        (Err(errors), _) => Ok(Checked::Refused(ballot, fields, None, errors)),
        (Ok(_), None) => Ok(Checked::Refused(
            ballot,
            fields,
            Some("vote.code_missing"),
            Vec::new(),
        )),
    }
}

fn refused_page(
    page: &Page,
    ballot: &BallotInfo,
    fields: &Fields,
    message: Option<&str>,
    errors: &[FieldError],
) -> (Status, Template) {
    (
        Status::UnprocessableEntity,
        page.render(
            "ballots/vote",
            json!({
                "ballot": ballot.summary(),
                "questions": ballot.form_view(fields, errors, page.browser_seed()),
                "code": fields.get("code").unwrap_or(""),
                "error_key": message,
                "has_field_errors": !errors.is_empty(),
            }),
        ),
    )
}

#[post("/vote/<id>/review", data = "<form>")]
async fn review(
    app: AppState<'_>,
    page: Page,
    client: Option<IpAddr>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<(Status, Template)> {
    let now = app.clock.now();
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    let fields = form.0;
    // The fields travel on as hidden inputs: the cast step checks them again.
    // A fresh nonce makes this form one ballot: sent twice, it is the
    // same ballot, not a re-vote (`ballot_box::cast_text_for_form`).
    let mut hidden: Vec<Value> = fields
        .0
        .iter()
        .filter(|(name, _)| name != "csrf" && name != "edit" && name != "nonce")
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    hidden.push(json!({"name": "nonce", "value": ballot_box::form_nonce()?}));
    if fields.get("edit").is_some() {
        let ballot = app.db.run(move |conn| load(conn, &id)).await?;
        return Ok((
            Status::Ok,
            page.render(
                "ballots/vote",
                json!({
                    "ballot": ballot.summary(),
                    "questions": ballot.form_view(&fields, &[], page.browser_seed()),
                    "code": fields.get("code").unwrap_or(""),
                }),
            ),
        ));
    }
    let checked = app
        .db
        .run(move |conn| check_submission(conn, &id, fields, now, &client))
        .await?;
    Ok(match checked {
        Checked::Refused(ballot, fields, message, errors) => {
            refused_page(&page, &ballot, &fields, message, &errors)
        }
        Checked::Ready(ballot, _, choices, _) => {
            let answers = describe(&ballot.questions, &choices);
            (
                Status::Ok,
                page.render(
                    "ballots/review",
                    json!({
                        "ballot": ballot.summary(),
                        "answers": answers,
                        "hidden": hidden,
                    }),
                ),
            )
        }
    })
}

/// The voter's choices in words, for the confirmation step.
fn describe(questions: &[Question], choices: &[votum_ballots::Choice]) -> Vec<Value> {
    use votum_ballots::{Choice, SingleVote, YesNoVote};
    questions
        .iter()
        .zip(choices.iter().cloned())
        .map(|(question, choice)| {
            let label = |id: votum_ballots::question::OptionId| {
                question
                    .options()
                    .iter()
                    .find(|o| o.id == id)
                    .map_or_else(String::new, |o| o.label.clone())
            };
            let (key, labels): (&str, Vec<String>) = match choice {
                Choice::YesNo(YesNoVote::Yes) => ("vote.yes", vec![]),
                Choice::YesNo(YesNoVote::No) => ("vote.no", vec![]),
                Choice::YesNo(YesNoVote::Abstain) | Choice::Single(SingleVote::Abstain) => {
                    ("vote.abstain", vec![])
                }
                Choice::Single(SingleVote::For(id)) => ("vote.for", vec![label(id)]),
                Choice::Approval(ids) if ids.is_empty() => ("vote.no_marks", vec![]),
                Choice::Approval(ids) => ("vote.marked", ids.into_iter().map(label).collect()),
                Choice::Ranked(ids) => ("vote.ranked", ids.into_iter().map(label).collect()),
            };
            json!({"text": question.text, "key": key, "labels": labels})
        })
        .collect()
}

#[post("/vote/<id>/cast", data = "<form>")]
async fn cast(
    app: AppState<'_>,
    page: Page,
    client: Option<IpAddr>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<(Status, Template)> {
    let now = app.clock.now();
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    let fields = form.0;
    let sealing = app.sealing.clone();
    let outcome = app
        .db
        .run(move |conn| {
            let (ballot, key, choices, nonce) =
                match check_submission(conn, &id, fields, now, &client)? {
                    Checked::Ready(ballot, key, choices, nonce) => (ballot, key, choices, nonce),
                    Checked::Refused(ballot, fields, message, errors) => {
                        return Ok(Err((ballot, fields, message, errors)))
                    }
                };
            let credential = key.public();
            let protocol = super::protocol::Protocol::of(conn, &ballot.id)?;
            // Under "encrypted" the server encrypts here (no JavaScript) and
            // keeps only the ciphertexts; the choices go out of scope below.
            let choices_json = protocol.cast_text_for_form(
                conn,
                &ballot.id,
                &ballot.questions,
                &credential,
                &choices,
                nonce.as_deref(),
            )?;
            let message = protocol.cast_message(&ballot.id, &credential, &choices_json);
            let signed = SignedBallot {
                ballot_id: ballot.id.clone(),
                credential,
                signature: key.sign(&message),
                choices_json,
            };
            let encrypted = protocol.is_encrypted();
            match ballot_box::cast(conn, &sealing, now, &signed)? {
                Ok(receipt) => Ok(Ok((ballot, receipt, false, encrypted))),
                // The same form sent again: the ballot is in the box once;
                // show its receipt again.
                Err(Refusal::Replayed) => match ballot_box::receipt_for(conn, &sealing, &signed)? {
                    Some(receipt) => Ok(Ok((ballot, receipt, true, encrypted))),
                    None => Ok(Err((
                        ballot,
                        Fields(Vec::new()),
                        Some(Refusal::Replayed.message_key()),
                        Vec::new(),
                    ))),
                },
                Err(refusal) => Ok(Err((
                    ballot,
                    Fields(Vec::new()),
                    Some(refusal.message_key()),
                    Vec::new(),
                ))),
            }
        })
        .await?;
    Ok(match outcome {
        Ok((ballot, receipt, submitted_again, server_encrypted)) => {
            let receipt_json = serde_json::to_string_pretty(&receipt)
                .map_err(|e| AppError::Internal(format!("receipt json: {e}")))?;
            (
                Status::Ok,
                page.render(
                    "ballots/receipt",
                    json!({
                        "ballot": ballot.summary(),
                        "submitted_again": submitted_again,
                        "server_encrypted": server_encrypted,
                        "tracking": super::setup::b64(&receipt.ballot_hash()),
                        "short_tracking": votum_ballots::record::v2::short_tracking_code(
                            &receipt.ballot_hash()
                        ),
                        // The chain counts from 0; people count from 1.
                        "position": receipt.position() + 1,
                        "receipt": receipt_json,
                        "receipt_compact": serde_json::to_string(&receipt)
                            .map_err(|e| AppError::Internal(format!("receipt json: {e}")))?,
                    }),
                ),
            )
        }
        Err((ballot, fields, message, errors)) => {
            refused_page(&page, &ballot, &fields, message, &errors)
        }
    })
}

/// "Is my ballot in the box?" by tracking code.
#[get("/vote/<id>/check?<tracking>")]
async fn check(
    app: AppState<'_>,
    page: Page,
    id: String,
    tracking: Option<String>,
) -> AppResult<Template> {
    let lookup = tracking.clone().map(|t| t.trim().to_owned());
    let (ballot, found) = app
        .db
        .run(move |conn| {
            let ballot = load(conn, &id)?;
            let found = match &lookup {
                Some(code) if !code.is_empty() => find_entry(conn, &id, code)?,
                _ => None,
            };
            Ok((ballot, found))
        })
        .await?;
    Ok(page.render(
        "ballots/check",
        json!({
            "ballot": ballot.summary(),
            "tracking": tracking,
            "found": found.map(|entry| json!({
                // The chain counts from 0; people count from 1.
                "position": entry.position + 1,
                "length": entry.length,
                "replaced": entry.replaced,
                "short": entry.short,
                "hash": entry.hash,
            })),
            "asked": tracking.is_some_and(|t| !t.trim().is_empty()),
        }),
    ))
}

/// A ballot in the box as the check page shows it.
struct FoundEntry {
    position: i64,
    length: i64,
    /// A later ballot of the same credential replaced it (a re-vote).
    replaced: bool,
    short: String,
    hash: String,
}

/// The box entry a tracking code names: the full ballot hash (base64url)
/// or the short code of the receipt (`v2::short_tracking_code`).
fn find_entry(conn: &mut DbConn, ballot: &str, code: &str) -> AppResult<Option<FoundEntry>> {
    use votum_ballots::record::v2::{parse_short_tracking_code, short_tracking_code};
    let candidates: Vec<(i64, String, String)> = match parse_short_tracking_code(code) {
        // 10 bytes are 13⅓ base64url characters: the first 13 are a prefix
        // of the full hash; the exact match is checked below.
        Some(first) if code.len() < 40 => {
            let prefix: String = votum_crypto::base64url::encode(&first)
                .chars()
                .take(13)
                .collect();
            box_entries::table
                .filter(box_entries::ballot_id.eq(ballot))
                .filter(box_entries::hash.like(format!("{prefix}%")))
                .select((
                    box_entries::position,
                    box_entries::hash,
                    box_entries::credential,
                ))
                .load(conn)?
        }
        _ => box_entries::table
            .filter(box_entries::ballot_id.eq(ballot))
            .filter(box_entries::hash.eq(code))
            .select((
                box_entries::position,
                box_entries::hash,
                box_entries::credential,
            ))
            .load(conn)?,
    };
    let wanted = parse_short_tracking_code(code);
    let names = |hash: &str| -> bool {
        if hash == code {
            return true;
        }
        match (wanted, votum_crypto::base64url::decode_array::<32>(hash)) {
            (Some(first), Ok(full)) => full.get(..10) == Some(&first[..]),
            _ => false,
        }
    };
    let Some((position, hash, credential)) = candidates.into_iter().find(|(_, h, _)| names(h))
    else {
        return Ok(None);
    };
    let length: i64 = ballot_boxes::table
        .find(ballot)
        .select(ballot_boxes::length)
        .first(conn)?;
    let later: i64 = box_entries::table
        .filter(box_entries::ballot_id.eq(ballot))
        .filter(box_entries::credential.eq(&credential))
        .filter(box_entries::position.gt(position))
        .count()
        .get_result(conn)?;
    let bytes = votum_crypto::base64url::decode_array::<32>(&hash)
        .map_err(|_| AppError::Internal("stored ballot hash".into()))?;
    Ok(Some(FoundEntry {
        position,
        length,
        replaced: later > 0,
        short: short_tracking_code(&bytes),
        hash,
    }))
}

/// The receipt as a file to keep. Only a receipt that this ballot's box
/// key signed is handed back, so the download cannot serve other content.
#[post("/vote/<id>/receipt", data = "<form>")]
async fn receipt_download(
    app: AppState<'_>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<super::letters::Download> {
    let text = form.0.get("receipt").unwrap_or("").to_owned();
    let receipt: super::protocol::AnyReceipt =
        serde_json::from_str(&text).map_err(|_| AppError::BadRequest("not a receipt".into()))?;
    let lookup = id.clone();
    let key: String = app
        .db
        .run(move |conn| {
            Ok(ballots::table
                .find(&lookup)
                .select(ballots::box_public_key)
                .first(conn)?)
        })
        .await?;
    let key = votum_crypto::BoxPublicKey::from_base64(&key)
        .map_err(|_| AppError::Internal("stored box key".into()))?;
    if receipt.ballot_id() != id || !receipt.verify(&key) {
        return Err(AppError::BadRequest(
            "the receipt is not signed by this ballot box".into(),
        ));
    }
    let pretty = serde_json::to_string_pretty(&receipt)
        .map_err(|e| AppError::Internal(format!("receipt json: {e}")))?;
    Ok(super::letters::Download::new(
        rocket::http::ContentType::JSON,
        format!("receipt-{id}-{}.json", receipt.position()),
        pretty.into_bytes(),
    ))
}
