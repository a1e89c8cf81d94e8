//! Invitations: an e-mail through the outbox for members who get mail, and
//! a printed letter (PDF with a QR code, like the ballot letters) for
//! members who chose paper. A letter carries a one-time code; the database
//! keeps only its digest, and for anonymous surveys no member beside it.
//! The member is marked as reached by letter, so the same person cannot
//! also answer online. Every run reaches only the audience within the
//! sender's scope of today, and writes an entry into the log of each
//! member it addresses (see [`reach`]).

use std::io::Write;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Route};
use votum_crypto::credential::Code;
use votum_letters::{Letter, LetterWriter, Slip, SlipQuestion};

use super::questions::Kind;
use super::reach;
use super::results::public_link;
use super::store::{code_digest, Participation};
use super::Survey;
use crate::addresses::Addressee;
use crate::audit::{self, Action};
use crate::ballots::letters::Download;
use crate::db::models::{Channel, Language};
use crate::db::schema::{
    groups, members, survey_answer_marks, survey_codes, survey_participants, surveys,
};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::i18n::Catalogues;
use crate::mail::{Mail, Mailer};
use crate::rights::{SurveyId, SurveyOwner, SurveySender};
use crate::web::{AppState, CsrfForm, Fields};

pub fn routes() -> Vec<Route> {
    routes![invite, letters]
}

/// Mails the invitation to every member of the audience within the
/// sender's scope who chose online delivery and has an address; each
/// gets an entry in their log. Returns how many went out.
pub fn send_invitations(
    conn: &mut DbConn,
    mailer: &Mailer,
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    sender: &SurveySender,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let ids = reach::recipients(
        conn,
        survey,
        sender.scope_for(survey)?,
        Some(Channel::Online),
    )?;
    let link = public_link(public_url, &survey.id);
    let closes = survey.closes_at.format("%d.%m.%Y %H:%M").to_string();
    let mut mailed: Vec<i64> = Vec::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, Option<String>, String, String, String)> = members::table
            .filter(members::id.eq_any(chunk))
            .select((
                members::id,
                members::email,
                members::first_name,
                members::last_name,
                members::language,
            ))
            .load(conn)?;
        for (member, email, first_name, last_name, language) in rows {
            let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
                continue;
            };
            let lang = Language::parse(&language).unwrap_or(Language::De);
            let args = [
                ("title", survey.title.clone()),
                ("link", link.clone()),
                ("closes", closes.clone()),
                // The mail says "Sie": the greeting names the whole person.
                ("name", format!("{first_name} {last_name}")),
            ];
            mailer.send(
                conn,
                now,
                Mail {
                    to: email,
                    subject: catalogues.format(lang, "surveys.mail_subject", &args),
                    body: catalogues.format(lang, "surveys.mail_body", &args),
                },
            )?;
            mailed.push(member);
        }
    }
    audit::record_for_members(
        conn,
        now,
        Some(sender.account_id()),
        Action::MembersContacted,
        survey.group_id,
        &mailed,
        &format!("survey {} mail", survey.id),
    )?;
    Ok(mailed.len())
}

#[post("/surveys/<id>/invite", data = "<_form>")]
async fn invite(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
    id: &str,
    _form: CsrfForm<Fields>,
) -> AppResult<Flash<Redirect>> {
    let SurveyOwner { user, survey, .. } = owner;
    let now = app.clock.now();
    let mailer = app.mailer.clone();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let target = format!("/surveys/{id}");
    let sent = app
        .db
        .run(move |conn| {
            // Rights first, as they are today: a refused run claims nothing.
            let sender = match crate::rights::survey_sender(conn, &user, &survey)? {
                Ok(sender) => sender,
                Err(refusal) => return Ok(Err(refusal)),
            };
            // Claimed in the database first: of two clicks, one mails.
            let claimed = diesel::update(
                surveys::table
                    .find(&survey.id)
                    .filter(surveys::mailed_at.is_null()),
            )
            .set(surveys::mailed_at.eq(Some(now)))
            .execute(conn)?;
            if claimed != 1 {
                return Ok(Ok(None));
            }
            send_invitations(
                conn,
                &mailer,
                &catalogues,
                &public_url,
                &survey,
                &sender,
                now,
            )
            .map(|sent| Ok(Some(sent)))
        })
        .await?;
    Ok(match sent {
        Ok(Some(sent)) => {
            log::info!("survey invitations sent: {sent}");
            Flash::success(Redirect::to(target), "surveys.invitations_sent")
        }
        Ok(None) => Flash::error(Redirect::to(target), "surveys.invitations_already_sent"),
        Err(refusal) => Flash::error(Redirect::to(target), refusal.message_key()),
    })
}

#[post("/surveys/<id>/letters", data = "<_form>")]
async fn letters(
    app: AppState<'_>,
    owner: SurveyOwner<SurveyId>,
    id: &str,
    _form: CsrfForm<Fields>,
) -> AppResult<Result<Download, Flash<Redirect>>> {
    let SurveyOwner { user, survey, .. } = owner;
    let now = app.clock.now();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let name = format!("survey-letters-{id}.pdf");
    let key = app.key.clone();
    let target = format!("/surveys/{id}");
    let outcome = app
        .db
        .run(move |conn| {
            if survey.phase(now) == super::Phase::Closed {
                return Ok(Err("surveys.letters_closed"));
            }
            let sender = match crate::rights::survey_sender(conn, &user, &survey)? {
                Ok(sender) => sender,
                Err(refusal) => return Ok(Err(refusal.message_key())),
            };
            let mut pdf = Vec::new();
            let written = issue_letters(
                conn,
                &key,
                &catalogues,
                &public_url,
                &survey,
                &sender,
                now,
                &mut pdf,
            )?;
            // A PDF without pages helps nobody; say why there is none.
            Ok(if written == 0 {
                Err("surveys.no_letters")
            } else {
                Ok(pdf)
            })
        })
        .await?;
    Ok(match outcome {
        Ok(pdf) => Ok(Download::new(rocket::http::ContentType::PDF, name, pdf)),
        Err(key) => Err(Flash::error(Redirect::to(target), key)),
    })
}

/// Writes a letter with a fresh code to every paper member of the audience
/// within the sender's scope not yet reached, and records them (and an
/// entry in each one's log) in one transaction after the PDF is complete.
/// Returns how many letters were written.
#[allow(clippy::too_many_arguments)]
pub fn issue_letters(
    conn: &mut DbConn,
    key: &votum_crypto::MacKey,
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    sender: &SurveySender,
    now: NaiveDateTime,
    out: impl Write,
) -> AppResult<usize> {
    let reached: std::collections::HashSet<i64> = survey_participants::table
        .filter(survey_participants::survey_id.eq(&survey.id))
        .select(survey_participants::member_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    // Members who answered an anonymous survey online are known only by
    // their keyed mark.
    let marked: std::collections::HashSet<String> = survey_answer_marks::table
        .filter(survey_answer_marks::survey_id.eq(&survey.id))
        .select(survey_answer_marks::token)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = reach::recipients(
        conn,
        survey,
        sender.scope_for(survey)?,
        Some(Channel::Paper),
    )?
    .into_iter()
    .filter(|id| !reached.contains(id))
    .filter(|id| !marked.contains(&super::store::answered_mark(key, &survey.id, *id)))
    .collect();
    let letter_error = |e: votum_letters::LetterError| AppError::Internal(format!("letters: {e}"));
    // The letter comes from the group that runs the survey, dated today.
    let sender_name: String = match survey.group_id {
        Some(group) => groups::table.find(group).select(groups::name).first(conn)?,
        None => String::new(),
    };
    let from = LetterFrom {
        group: &sender_name,
        today: now.date(),
    };
    let mut writer = LetterWriter::new(out, &survey.title).map_err(letter_error)?;
    let mut issued: Vec<(i64, String)> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(2000) {
        let mut rows: Vec<Addressee> = crate::addresses::load(conn, chunk)?.into_values().collect();
        rows.sort_by(|a, b| (&a.postcode, a.id).cmp(&(&b.postcode, b.id)));
        for member in rows {
            let code = Code::generate()?;
            writer
                .write(&letter(
                    catalogues, public_url, survey, &from, &member, &code,
                ))
                .map_err(|e| {
                    AppError::BadRequest(format!("letter for member {}: {e}", member.id))
                })?;
            issued.push((member.id, code_digest(&survey.id, &code)));
        }
    }
    let mut out = writer.finish().map_err(letter_error)?;
    out.flush()
        .map_err(|e| AppError::Internal(format!("letters: {e}")))?;
    let count = issued.len();
    // Codes sorted by digest, a random order unrelated to the members'.
    let mut codes: Vec<(String, Option<i64>)> = issued
        .iter()
        .map(|(member, digest)| (digest.clone(), (!survey.anonymous).then_some(*member)))
        .collect();
    codes.sort_unstable();
    conn.transaction(|conn| {
        for chunk in issued.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(member, _)| {
                    (
                        survey_participants::survey_id.eq(&survey.id),
                        survey_participants::member_id.eq(*member),
                        survey_participants::channel.eq(Participation::Letter),
                    )
                })
                .collect();
            // A member who answered online meanwhile makes this a conflict:
            // nothing of this run counts, and the PDF is discarded.
            crate::insert_batch!(conn, survey_participants::table, &rows)?;
        }
        for chunk in codes.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(digest, member)| {
                    (
                        survey_codes::survey_id.eq(&survey.id),
                        survey_codes::code_digest.eq(digest),
                        survey_codes::member_id.eq(*member),
                        survey_codes::used.eq(false),
                    )
                })
                .collect();
            crate::insert_batch!(conn, survey_codes::table, &rows)?;
        }
        let addressed: Vec<i64> = issued.iter().map(|(member, _)| *member).collect();
        audit::record_for_members(
            conn,
            now,
            Some(sender.account_id()),
            Action::MembersContacted,
            survey.group_id,
            &addressed,
            &format!("survey {} letter", survey.id),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(count)
}

/// Who a run of survey letters comes from, and when.
struct LetterFrom<'a> {
    /// The name of the group running the survey (empty for a party-wide one).
    group: &'a str,
    today: chrono::NaiveDate,
}

fn letter(
    catalogues: &Catalogues,
    public_url: &str,
    survey: &Survey,
    from: &LetterFrom<'_>,
    member: &Addressee,
    code: &Code,
) -> Letter {
    let lang = member.language();
    let sender = if from.group.is_empty() {
        catalogues.get(lang, "surveys.letter_sender").to_owned()
    } else {
        catalogues.format(
            lang,
            "surveys.letter_sender_group",
            &[("group", from.group.to_owned())],
        )
    };
    let reply_to = if from.group.is_empty() {
        sender.clone()
    } else {
        from.group.to_owned()
    };
    let t = |key: &str| catalogues.get(lang, key).to_owned();
    let shown = code.display();
    let link = public_link(public_url, &survey.id);
    let url = format!(
        "{link}?code={}",
        rocket::http::RawStr::new(&shown).percent_encode()
    );
    let recipient = member.window_lines();
    let args = [
        ("title", survey.title.clone()),
        (
            "closes",
            survey.closes_at.format("%d.%m.%Y %H:%M").to_string(),
        ),
        ("link", link),
        ("name", member.name()),
        // Where the paper reply form goes: the group running the survey.
        ("sender", reply_to.clone()),
    ];
    Letter {
        recipient,
        return_address: sender.clone(),
        sender_block: vec![sender],
        date: crate::dates::date(lang, from.today),
        subject: catalogues.format(lang, "surveys.letter_subject", &args),
        body: [
            "surveys.letter_greeting",
            "surveys.letter_scan",
            "surveys.letter_type",
            "surveys.letter_paper",
            "surveys.letter_deadline",
        ]
        .iter()
        .map(|key| catalogues.format(lang, key, &args))
        .collect(),
        vote_url: url,
        code: shown,
        code_label: t("surveys.letter_code_label"),
        footer: t(if survey.anonymous {
            "surveys.letter_footer"
        } else {
            "surveys.letter_footer_named"
        }),
        // Members without internet answer on the reply form after the
        // letter; the owner types it in on the paper entry page, with the
        // code printed on it, so the letter's code answers only once.
        slip: Some(reply_form(catalogues, lang, survey, &reply_to)),
    }
}

/// The paper reply form printed after a survey letter: every question with
/// a box per option (a line for free text and numbers), what to fill in,
/// where it goes and until when.
fn reply_form(catalogues: &Catalogues, lang: Language, survey: &Survey, sender: &str) -> Slip {
    let t = |key: &str| catalogues.get(lang, key).to_owned();
    let args = [
        ("title", survey.title.clone()),
        (
            "closes",
            survey.closes_at.format("%d.%m.%Y %H:%M").to_string(),
        ),
        ("sender", sender.to_owned()),
    ];
    let line = || "_".repeat(40);
    let questions = survey
        .questions
        .iter()
        .map(|question| {
            let (hint, options) = match &question.kind {
                Kind::Single { options } => (t("surveys.reply_one_mark"), options.clone()),
                Kind::Multiple { options, min, max } => (
                    catalogues.format(
                        lang,
                        "surveys.reply_marks",
                        &[("min", min.to_string()), ("max", max.to_string())],
                    ),
                    options.clone(),
                ),
                Kind::YesNo => (
                    t("surveys.reply_one_mark"),
                    vec![t("surveys.yes"), t("surveys.no")],
                ),
                Kind::Scale {
                    low,
                    high,
                    low_label,
                    high_label,
                } => (
                    t("surveys.reply_one_mark"),
                    (*low..=*high)
                        .map(|n| {
                            let end = if n == *low {
                                low_label
                            } else if n == *high {
                                high_label
                            } else {
                                ""
                            };
                            if end.is_empty() {
                                n.to_string()
                            } else {
                                format!("{n} ({end})")
                            }
                        })
                        .collect(),
                ),
                Kind::Ranking { options } => (t("surveys.reply_ranking"), options.clone()),
                Kind::Text { .. } | Kind::Number { .. } => {
                    (t("surveys.reply_write"), vec![line(), line()])
                }
                Kind::Schedule { slots } => (
                    t("surveys.reply_schedule"),
                    slots
                        .iter()
                        .map(|slot| super::setup::slot_label(slot))
                        .collect(),
                ),
            };
            SlipQuestion {
                text: question.text.clone(),
                hint,
                options,
            }
        })
        .collect();
    Slip {
        heading: catalogues.format(lang, "surveys.reply_heading", &args),
        instructions: ["surveys.reply_how", "surveys.reply_once"]
            .iter()
            .map(|key| catalogues.format(lang, key, &args))
            .collect(),
        questions,
        code_label: t("surveys.reply_code_label"),
        footer: catalogues.format(
            lang,
            if survey.anonymous {
                "surveys.reply_footer"
            } else {
                "surveys.reply_footer_named"
            },
            &args,
        ),
    }
}
