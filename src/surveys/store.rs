//! Writing surveys and answers. Exactly-once comes from the database: the
//! primary keys of `survey_participants` (named surveys),
//! `survey_answer_marks` (anonymous ones) and `survey_browsers`, and the
//! conditional update that spends a letter's code. The answer is stored in
//! the same transaction, so it exists only if its "has answered" mark does.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_crypto::MacKey;

use super::questions::Answer;
use super::setup::NewSurvey;
use super::{Phase, Survey};
use crate::db::models::text_enum;
use crate::db::schema::{
    survey_answer_marks, survey_browsers, survey_codes, survey_participants, survey_questions,
    survey_responses, surveys,
};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

text_enum!(
    /// Why a member has a `survey_participants` row: answered in the portal
    /// (named surveys only; anonymous ones keep a keyed mark instead) or was
    /// sent a letter with a code. This module owns the column.
    Participation {
        Portal => "portal",
        Letter => "letter",
    }
);

text_enum!(
    /// How an answer came in (`survey_responses.channel`).
    ResponseChannel {
        /// A signed-in member in the portal.
        Portal => "portal",
        /// Anyone with the public link.
        Link => "link",
        /// With the code printed in a letter.
        Letter => "letter",
        /// A returned paper form typed in by the owner.
        Paper => "paper",
    }
);

/// Stores a new survey for the group `creator` proves a right over, owned
/// by `account_id`.
pub fn create(
    conn: &mut DbConn,
    survey: &NewSurvey,
    creator: &crate::rights::SurveyCreatorOf,
    account_id: i64,
    now: NaiveDateTime,
) -> AppResult<String> {
    let group_id = creator.group();
    let id = super::new_id()?;
    conn.transaction(|conn| {
        diesel::insert_into(surveys::table)
            .values((
                surveys::id.eq(&id),
                surveys::group_id.eq(Some(group_id)),
                surveys::owner_account_id.eq(account_id),
                surveys::title.eq(&survey.title),
                surveys::description.eq(&survey.description),
                surveys::audience.eq(survey.audience),
                surveys::opens_at.eq(survey.opens_at),
                surveys::closes_at.eq(survey.closes_at),
                surveys::anonymous.eq(survey.anonymous),
                surveys::results.eq(survey.results),
                surveys::created_at.eq(now),
            ))
            .execute(conn)?;
        for (position, question) in survey.questions.iter().enumerate() {
            let definition = serde_json::to_string(question)
                .map_err(|e| AppError::Internal(format!("question json: {e}")))?;
            diesel::insert_into(survey_questions::table)
                .values((
                    survey_questions::survey_id.eq(&id),
                    survey_questions::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                    survey_questions::definition.eq(definition),
                ))
                .execute(conn)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// Who is answering.
#[derive(Debug, Clone)]
pub enum Respondent {
    /// A signed-in member.
    Member(i64),
    /// A browser on a public link: the digest of its token for this survey.
    Browser(String),
    /// A letter's one-time code: its digest.
    Code(String),
    /// The owner entering a paper form.
    Paper,
}

/// Why an answer was not taken, as a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotYetOpen,
    Closed,
    AlreadyAnswered,
    LetterSent,
    NotInAudience,
    CodeUnknown,
    CodeUsed,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NotYetOpen => "surveys.not_yet_open",
            Refusal::Closed => "surveys.closed",
            Refusal::AlreadyAnswered => "surveys.already_answered",
            Refusal::LetterSent => "surveys.letter_sent",
            Refusal::NotInAudience => "surveys.not_in_audience",
            Refusal::CodeUnknown => "surveys.code_unknown",
            Refusal::CodeUsed => "surveys.code_used",
        }
    }
}

/// The digest under which a letter's code is stored: bound to the survey,
/// so a code is worth nothing elsewhere.
pub fn code_digest(survey_id: &str, code: &votum_crypto::credential::Code) -> String {
    let mut input = format!("votum-survey-code\0{survey_id}\0").into_bytes();
    input.extend_from_slice(code.as_bytes());
    votum_crypto::hex(&votum_crypto::sha256(&input))
}

/// The digest under which a browser's answer to a survey is marked: the
/// same browser gets unrelated marks in different surveys.
pub fn browser_digest(survey_id: &str, token: &str) -> String {
    votum_crypto::hex(&votum_crypto::sha256(
        format!("votum-survey-browser\0{survey_id}\0{token}").as_bytes(),
    ))
}

/// The mark that `member` has answered the anonymous survey `survey_id`:
/// an HMAC under the server's secret key, so the stored mark names nobody
/// to a reader of the database, while the server can still tell whether a
/// member has answered.
pub fn answered_mark(key: &MacKey, survey_id: &str, member: i64) -> String {
    key.tag(
        "votum-survey-answered-v1",
        &format!("{survey_id}\0{member}"),
    )
}

/// Stores an answer, or says why not. `answers` must have been checked
/// against the survey's questions. `key` is the server's secret key (see
/// [`answered_mark`]).
pub fn record(
    conn: &mut DbConn,
    key: &MacKey,
    survey: &Survey,
    respondent: &Respondent,
    answers: &[Answer],
    now: NaiveDateTime,
) -> AppResult<Result<(), Refusal>> {
    if !matches!(respondent, Respondent::Paper) {
        match survey.phase(now) {
            Phase::NotYetOpen => return Ok(Err(Refusal::NotYetOpen)),
            Phase::Closed => return Ok(Err(Refusal::Closed)),
            Phase::Open => {}
        }
    }
    if let Respondent::Member(member) = respondent {
        if !super::in_audience(conn, survey, *member)? {
            return Ok(Err(Refusal::NotInAudience));
        }
    }
    let text = serde_json::to_string(answers)
        .map_err(|e| AppError::Internal(format!("answers json: {e}")))?;
    let outcome = conn.transaction(|conn| {
        let (member, channel) = match respondent {
            Respondent::Member(member) if survey.anonymous => {
                // No member-identifying row in this transaction: "has
                // answered" is a keyed mark that names nobody without the
                // key. Written first, so SQLite takes the write lock before
                // anything is read.
                diesel::insert_into(survey_answer_marks::table)
                    .values((
                        survey_answer_marks::survey_id.eq(&survey.id),
                        survey_answer_marks::token.eq(answered_mark(key, &survey.id, *member)),
                    ))
                    .execute(conn)?;
                // A member sent a letter answers with its code.
                let letter = survey_participants::table
                    .find((&survey.id, member))
                    .count()
                    .get_result::<i64>(conn)?;
                if letter > 0 {
                    return Err(AppError::Conflict("letter sent".into()));
                }
                (None, ResponseChannel::Portal)
            }
            Respondent::Member(member) => {
                diesel::insert_into(survey_participants::table)
                    .values((
                        survey_participants::survey_id.eq(&survey.id),
                        survey_participants::member_id.eq(member),
                        survey_participants::channel.eq(Participation::Portal),
                    ))
                    .execute(conn)?;
                (Some(*member), ResponseChannel::Portal)
            }
            Respondent::Browser(digest) => {
                diesel::insert_into(survey_browsers::table)
                    .values((
                        survey_browsers::survey_id.eq(&survey.id),
                        survey_browsers::token_digest.eq(digest),
                    ))
                    .execute(conn)?;
                (None, ResponseChannel::Link)
            }
            Respondent::Code(digest) => {
                let spent = diesel::update(
                    survey_codes::table
                        .find((&survey.id, digest))
                        .filter(survey_codes::used.eq(false)),
                )
                .set(survey_codes::used.eq(true))
                .execute(conn)?;
                if spent != 1 {
                    return Err(AppError::Conflict("code not usable".into()));
                }
                let member: Option<i64> = survey_codes::table
                    .find((&survey.id, digest))
                    .select(survey_codes::member_id)
                    .first(conn)?;
                (member, ResponseChannel::Letter)
            }
            Respondent::Paper => (None, ResponseChannel::Paper),
        };
        diesel::insert_into(survey_responses::table)
            .values((
                survey_responses::survey_id.eq(&survey.id),
                survey_responses::id.eq(super::new_id()?),
                // Anonymous surveys never store who answered.
                survey_responses::member_id.eq(member.filter(|_| !survey.anonymous)),
                survey_responses::channel.eq(channel),
                survey_responses::answers.eq(&text),
            ))
            .execute(conn)?;
        Ok(())
    });
    match outcome {
        Ok(()) => {
            if survey.anonymous {
                crate::db::forget_write_order(conn);
            }
            Ok(Ok(()))
        }
        Err(AppError::Conflict(_)) => Ok(Err(why_refused(conn, survey, respondent)?)),
        Err(e) => Err(e),
    }
}

/// After a conflict (the transaction is rolled back): what stood in the way.
fn why_refused(conn: &mut DbConn, survey: &Survey, respondent: &Respondent) -> AppResult<Refusal> {
    Ok(match respondent {
        Respondent::Member(member) => {
            let channel: Option<Participation> = survey_participants::table
                .find((&survey.id, member))
                .select(survey_participants::channel)
                .first(conn)
                .optional()?;
            if channel == Some(Participation::Letter) {
                Refusal::LetterSent
            } else {
                Refusal::AlreadyAnswered
            }
        }
        Respondent::Code(digest) => {
            let known = survey_codes::table
                .find((&survey.id, digest))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if known {
                Refusal::CodeUsed
            } else {
                Refusal::CodeUnknown
            }
        }
        Respondent::Browser(_) | Respondent::Paper => Refusal::AlreadyAnswered,
    })
}

/// Whether the member has answered in the portal or was sent a letter.
pub fn participation(
    conn: &mut DbConn,
    key: &MacKey,
    survey: &str,
    member: i64,
) -> AppResult<Option<Participation>> {
    let channel: Option<Participation> = survey_participants::table
        .find((survey, member))
        .select(survey_participants::channel)
        .first(conn)
        .optional()?;
    if channel.is_some() {
        return Ok(channel);
    }
    let marked = survey_answer_marks::table
        .find((survey, answered_mark(key, survey, member)))
        .count()
        .get_result::<i64>(conn)?;
    Ok((marked > 0).then_some(Participation::Portal))
}

/// How many answers came through each channel, counted in the database
/// (the owner's page needs no answer texts).
pub fn channel_counts(conn: &mut DbConn, survey: &str) -> AppResult<Vec<(ResponseChannel, i64)>> {
    Ok(survey_responses::table
        .filter(survey_responses::survey_id.eq(survey))
        .group_by(survey_responses::channel)
        .select((survey_responses::channel, diesel::dsl::count_star()))
        .load(conn)?)
}

/// One stored response.
#[derive(Debug, Clone)]
pub struct Response {
    pub id: String,
    pub member_id: Option<i64>,
    pub channel: ResponseChannel,
    pub answers: Vec<Answer>,
}

/// All responses of a survey, in the (random) order of their ids.
pub fn responses(conn: &mut DbConn, survey: &str) -> AppResult<Vec<Response>> {
    let rows: Vec<(String, Option<i64>, ResponseChannel, String)> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey))
        .order(survey_responses::id)
        .select((
            survey_responses::id,
            survey_responses::member_id,
            survey_responses::channel,
            survey_responses::answers,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, member_id, channel, answers)| {
            let answers = serde_json::from_str(&answers)
                .map_err(|e| AppError::Internal(format!("stored answers of {id}: {e}")))?;
            Ok(Response {
                id,
                member_id,
                channel,
                answers,
            })
        })
        .collect()
}
