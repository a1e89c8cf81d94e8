//! Voting letters: a credential for every letter elector of a ballot,
//! written straight into the letter stream for the print shop. The codes
//! exist only in that stream; the database receives the public credentials
//! (in the random order of the keys) and, per elector, only that a letter
//! went out. Memory stays small: addresses are read in pages; only member
//! ids and the 32-byte public keys (about 50 bytes per letter) are held
//! until the final transaction.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use votum_ballots::authority::CredentialDerivation;
use votum_ballots::question::QuestionKind;
use votum_ballots::Question;
use votum_crypto::credential::{Code, PublicCredential, ReissueKey};
use votum_letters::{Letter, LetterWriter, Slip, SlipQuestion};

use super::credential::ElectorChannel;
use super::lifecycle::{Act, BallotStatus};
use crate::addresses::Addressee;
use crate::db::models::Language;
use crate::db::schema::{ballots, electors, groups, members, officer_acts};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::i18n::Catalogues;
use crate::rights::{BallotId, Officer};
use crate::web::{AppState, CsrfForm, Fields};

pub fn routes() -> Vec<rocket::Route> {
    rocket::routes![prepare, request_run, download]
}

/// The pending letter run (`issue_credentials` act) of a ballot: its id
/// and the officer who requested it.
pub fn pending_run(conn: &mut DbConn, ballot: &str) -> AppResult<Option<(i64, i64)>> {
    Ok(officer_acts::table
        .filter(officer_acts::ballot_id.eq(ballot))
        .filter(officer_acts::act.eq(Act::IssueCredentials))
        .filter(officer_acts::confirmed_by.is_null())
        .select((officer_acts::id, officer_acts::requested_by))
        .first(conn)
        .optional()?)
}

/// One officer asks for a letter run; another confirms it on the letters
/// page, which writes the letters and hands them to the confirming
/// officer. The run is an `issue_credentials` act of the record.
#[rocket::post("/ballots/<id>/letters/request", data = "<_form>")]
async fn request_run(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    _form: CsrfForm<Fields>,
) -> AppResult<rocket::response::Flash<rocket::response::Redirect>> {
    let account = officer.user.account_id;
    let now = app.clock.now();
    let target = rocket::response::Redirect::to(format!("/ballots/{id}/letters"));
    if !officer.status.issues_letters() {
        return Ok(rocket::response::Flash::error(
            target,
            "officer.wrong_status",
        ));
    }
    let outcome = app
        .db
        .run(move |conn| {
            super::officer::request_act(conn, &id, Act::IssueCredentials, account, now)
        })
        .await;
    match outcome {
        Ok(_) => Ok(rocket::response::Flash::success(
            target,
            "officer.requested",
        )),
        Err(AppError::Conflict(_)) => Ok(rocket::response::Flash::error(
            target,
            "officer.already_requested",
        )),
        Err(e) => Err(e),
    }
}

/// The letter run page: a fresh re-issue key to write down, and the button
/// that issues the letters with it. The key is not stored; it travels back
/// with the download request.
#[rocket::get("/ballots/<id>/letters")]
async fn prepare(
    app: AppState<'_>,
    page: crate::web::Page,
    officer: Officer<BallotId>,
    id: String,
) -> AppResult<rocket_dyn_templates::Template> {
    let status = officer.status;
    let account = officer.user.account_id;
    let context = app
        .db
        .run(move |conn| {
            let title: String = ballots::table
                .find(&id)
                .select(ballots::title)
                .first(conn)?;
            let pending: i64 = electors::table
                .filter(electors::ballot_id.eq(&id))
                .filter(electors::channel.eq(ElectorChannel::Letter))
                .filter(electors::issued.eq(false))
                .count()
                .get_result(conn)?;
            let run = pending_run(conn, &id)?;
            Ok(serde_json::json!({
                "ballot": {"id": id, "title": title},
                "open": status.issues_letters(),
                "pending": pending,
                "run_requested": run.is_some(),
                "run_mine": run.is_some_and(|(_, by)| by == account),
                "key": ReissueKey::generate()?.display(),
            }))
        })
        .await?;
    Ok(page.render("ballots/letters", context))
}

/// The letters as a download for the officer. Fine for a chapter or a
/// state; for the whole party use `votum letters`, which streams to a file.
#[rocket::post("/ballots/<id>/letters", data = "<form>")]
async fn download(
    app: AppState<'_>,
    officer: Officer<BallotId>,
    id: String,
    form: CsrfForm<Fields>,
) -> AppResult<rocket::Either<Download, rocket::response::Flash<rocket::response::Redirect>>> {
    let back = |key: &'static str| {
        rocket::Either::Right(rocket::response::Flash::error(
            rocket::response::Redirect::to(format!("/ballots/{id}/letters")),
            key,
        ))
    };
    if form.0.get("noted") != Some("on") {
        return Ok(back("letters.key_not_noted"));
    }
    let Ok(key) = ReissueKey::parse(form.0.get("key").unwrap_or("")) else {
        return Ok(back("letters.key_invalid"));
    };
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let name = format!("letters-{id}.pdf");
    let ballot = id.clone();
    let account = officer.user.account_id;
    let now = app.clock.now();
    let lookup = id.clone();
    let run = app.db.run(move |conn| pending_run(conn, &lookup)).await?;
    match run {
        None => return Ok(back("letters.run_not_requested")),
        Some((_, by)) if by == account => return Ok(back("officer.same_officer")),
        Some(_) => {}
    }
    let pdf = app
        .db
        .run(move |conn| {
            let mut pdf = Vec::new();
            issue(
                conn,
                &catalogues,
                &public_url,
                &ballot,
                &key,
                Some(account),
                now,
                &mut pdf,
            )?;
            Ok(pdf)
        })
        .await;
    // A letter that cannot be printed (an address too wide for the window,
    // say) is named in the log; the officer gets a page saying so, never
    // a bare 400.
    let pdf = match pdf {
        Err(AppError::BadRequest(detail)) => {
            log::warn!("letters not issued: {detail}");
            return Ok(back("letters.cannot_print"));
        }
        other => other?,
    };
    Ok(rocket::Either::Left(Download::new(
        rocket::http::ContentType::PDF,
        name,
        pdf,
    )))
}

/// A file offered for saving rather than showing.
#[derive(rocket::Responder)]
pub struct Download {
    body: (rocket::http::ContentType, Vec<u8>),
    disposition: rocket::http::Header<'static>,
}

impl Download {
    /// `file_name` must be plain ASCII without quotes.
    pub fn new(kind: rocket::http::ContentType, file_name: String, body: Vec<u8>) -> Download {
        Download {
            body: (kind, body),
            disposition: rocket::http::Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{file_name}\""),
            ),
        }
    }
}

/// Members read per page.
const PAGE: usize = 2_000;

/// What was issued.
#[derive(Debug, PartialEq, Eq)]
pub struct Issued {
    pub letters: usize,
}

/// What every letter of a ballot shares. Built from the database by the
/// server's letter run, or from an electorate file by the credential
/// authority ([`LetterRun::from_parts`]): both print the same letter.
pub(crate) struct LetterRun<'a> {
    catalogues: &'a Catalogues,
    /// The page the QR code leads to, without the code.
    vote_page: String,
    ballot_id: &'a str,
    title: String,
    group_name: String,
    organisation: String,
    closes_at: NaiveDateTime,
    /// The postal voting slip in German and in English.
    slips: [Slip; 2],
    /// How the ballot derives credentials from codes.
    derivation: CredentialDerivation,
    /// The date printed on the letters (the day of the run).
    today: Option<NaiveDate>,
}

/// Whom a letter goes to: the window lines, the name in the greeting and
/// the language of the text.
pub(crate) struct Recipient {
    pub lines: Vec<String>,
    pub name: String,
    pub language: Language,
}

impl Recipient {
    fn of(member: &Addressee) -> Recipient {
        Recipient {
            lines: member.window_lines(),
            name: member.name(),
            language: member.language(),
        }
    }
}

impl<'a> LetterRun<'a> {
    /// Letters go out only while the ballot is open: its electorate is
    /// frozen and its codes can still be used.
    fn load(
        conn: &mut DbConn,
        catalogues: &'a Catalogues,
        public_url: &'a str,
        ballot_id: &'a str,
    ) -> AppResult<LetterRun<'a>> {
        let (title, status, closes_at, group_id): (String, BallotStatus, NaiveDateTime, i64) =
            ballots::table
                .find(ballot_id)
                .select((
                    ballots::title,
                    ballots::status,
                    ballots::closes_at,
                    ballots::group_id,
                ))
                .first(conn)?;
        if !status.issues_letters() {
            return Err(AppError::BadRequest(
                "letters are issued once the ballot is open (its electorate frozen) and before it closes".into(),
            ));
        }
        let questions = super::ballot_box::questions(conn, ballot_id)?;
        let derivation = derivation(conn, ballot_id)?;
        LetterRun::new(
            conn,
            (catalogues, public_url),
            (ballot_id, derivation),
            group_id,
            title,
            closes_at,
            &questions,
        )
    }

    /// The run of a ballot of `group_id`, from its definition.
    fn new(
        conn: &mut DbConn,
        (catalogues, public_url): (&'a Catalogues, &'a str),
        (ballot_id, derivation): (&'a str, CredentialDerivation),
        group_id: i64,
        title: String,
        closes_at: NaiveDateTime,
        questions: &[Question],
    ) -> AppResult<LetterRun<'a>> {
        let organisation = crate::groups::path(conn, group_id)?
            .first()
            .map(|g| g.name.clone())
            .unwrap_or_default();
        let group_name: String = groups::table
            .find(group_id)
            .select(groups::name)
            .first(conn)?;
        Ok(LetterRun::from_parts(
            catalogues,
            format!("{public_url}/vote/{ballot_id}"),
            (ballot_id, derivation),
            (title, group_name, organisation),
            closes_at,
            questions,
        ))
    }

    /// The run of a ballot from its parts, without the database:
    /// `(title, group name, organisation)` as printed.
    pub(crate) fn from_parts(
        catalogues: &'a Catalogues,
        vote_page: String,
        (ballot_id, derivation): (&'a str, CredentialDerivation),
        (title, group_name, organisation): (String, String, String),
        closes_at: NaiveDateTime,
        questions: &[Question],
    ) -> LetterRun<'a> {
        let closes = closes_at.format("%d.%m.%Y %H:%M").to_string();
        let slips = [Language::De, Language::En]
            .map(|lang| slip(catalogues, lang, &title, &closes, questions));
        LetterRun {
            catalogues,
            vote_page,
            ballot_id,
            title,
            group_name,
            organisation,
            closes_at,
            slips,
            derivation,
            today: None,
        }
    }

    /// The run, its letters dated `today` (a run without a date prints
    /// none, as the printability check's sample letter).
    pub(crate) fn dated(self, today: NaiveDate) -> LetterRun<'a> {
        LetterRun {
            today: Some(today),
            ..self
        }
    }

    /// Writes the letter of one member with a fresh code and returns the
    /// code's public credential.
    fn write<W: Write>(
        &self,
        writer: &mut LetterWriter<W>,
        member: &Addressee,
    ) -> AppResult<PublicCredential> {
        self.write_to(writer, &Recipient::of(member), &member.membership_number)
    }

    /// Writes the letter of `recipient` (membership number `number`, for
    /// the error message) with a fresh code and returns the code's public
    /// credential. The code lives only in the letter stream.
    pub(crate) fn write_to<W: Write>(
        &self,
        writer: &mut LetterWriter<W>,
        recipient: &Recipient,
        number: &str,
    ) -> AppResult<PublicCredential> {
        let code = Code::generate()?;
        writer
            .write(&self.letter(recipient, &code))
            .map_err(|e| AppError::BadRequest(format!("letter for member {number}: {e}")))?;
        Ok(self.derivation.derive(&code, self.ballot_id).public())
    }

    pub(crate) fn start<W: Write>(&self, out: W) -> AppResult<LetterWriter<W>> {
        LetterWriter::new(out, &self.title).map_err(letter_error)
    }

    fn letter(&self, member: &Recipient, code: &Code) -> Letter {
        let LetterRun {
            catalogues,
            vote_page,
            ballot_id: _,
            title,
            group_name,
            organisation,
            closes_at,
            slips,
            derivation: _,
            today,
        } = self;
        let lang = member.language;
        let t = |key: &str| catalogues.get(lang, key).to_owned();
        let shown = code.display();
        let link = vote_page.clone();
        let vote_url = format!(
            "{link}?code={}",
            rocket::http::RawStr::new(&shown).percent_encode()
        );
        let closes = closes_at.format("%d.%m.%Y %H:%M").to_string();
        let recipient = member.lines.clone();
        let args = [
            ("title", title.to_owned()),
            ("closes", closes),
            ("link", link),
            ("name", member.name.clone()),
        ];
        Letter {
            recipient,
            return_address: format!("{organisation} · {}", t("letters.returning_officer")),
            // A ballot of the whole organisation would name it twice.
            sender_block: std::iter::once(organisation)
                .chain(Some(group_name).filter(|group| group != &organisation))
                .cloned()
                .chain(std::iter::once(t("letters.returning_officer")))
                .collect(),
            date: today
                .map(|day| crate::dates::date(lang, day))
                .unwrap_or_default(),
            subject: catalogues.format(lang, "letters.subject", &args),
            body: [
                "letters.greeting",
                "letters.body_scan",
                "letters.body_type",
                "letters.body_post",
                "letters.body_secret",
                "letters.body_deadline",
            ]
            .iter()
            .map(|key| {
                let text = catalogues.format(lang, key, &args);
                match (*key, check_symbol_name(&shown)) {
                    // A check character that is no letter or digit is
                    // named, so it can be read aloud and found on a phone.
                    ("letters.body_type", Some(name)) => {
                        let symbol = [("symbol", t(name))];
                        let note = catalogues.format(lang, "letters.check_symbol", &symbol);
                        format!("{text} {note}")
                    }
                    _ => text,
                }
            })
            .collect(),
            vote_url,
            code: shown,
            code_label: t("letters.code_label"),
            footer: t("letters.footer"),
            slip: Some(match lang {
                Language::En => slips[1].clone(),
                Language::De => slips[0].clone(),
            }),
        }
    }
}

/// The catalogue key naming the check character of the printed code
/// `shown` when it is one of Crockford's symbols (`*~$=`), not a letter
/// or digit.
fn check_symbol_name(shown: &str) -> Option<&'static str> {
    match shown.chars().last()? {
        '*' => Some("letters.check_star"),
        '~' => Some("letters.check_tilde"),
        '$' => Some("letters.check_dollar"),
        '=' => Some("letters.check_equals"),
        _ => None,
    }
}

/// How the ballot `ballot_id` derives credentials from codes: the
/// derivation of the record version it writes ([`super::protocol`]), for
/// server letter runs and authority exports alike. A ballot not yet stored
/// (the printability check at set-up) is a new one: version 2.
pub fn derivation(conn: &mut DbConn, ballot_id: &str) -> AppResult<CredentialDerivation> {
    match super::protocol::Protocol::of(conn, ballot_id) {
        Ok(super::protocol::Protocol::V1) => Ok(CredentialDerivation::V1),
        Ok(super::protocol::Protocol::V2(_) | super::protocol::Protocol::Encrypted(_))
        | Err(AppError::NotFound) => Ok(CredentialDerivation::V2),
        Err(e) => Err(e),
    }
}

fn letter_error(e: votum_letters::LetterError) -> AppError {
    AppError::Internal(format!("letters: {e}"))
}

pub(crate) fn finish<W: Write>(writer: LetterWriter<W>) -> AppResult<()> {
    let mut out = writer.finish().map_err(letter_error)?;
    out.flush()
        .map_err(|e| AppError::Internal(format!("letters: {e}")))
}

/// Issues a code to every letter elector not yet issued and writes their
/// letters, sorted by postcode, to `out`. Each credential is stored with
/// its tag under `key`, which only the officers keep (see
/// [`ReissueKey`]). Nothing is stored unless every letter was written: the
/// caller discards `out` on error.
/// `by` is the officer's account (none from the command line); the run is
/// logged with its count, in the transaction that stores the credentials,
/// naming no member.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    conn: &mut DbConn,
    catalogues: &Catalogues,
    public_url: &str,
    ballot_id: &str,
    key: &ReissueKey,
    by: Option<i64>,
    now: chrono::NaiveDateTime,
    out: impl Write,
) -> AppResult<Issued> {
    let run = LetterRun::load(conn, catalogues, public_url, ballot_id)?.dated(now.date());
    let mut writer = run.start(out)?;
    // One sorted list of who gets a letter (ids only), then the addresses
    // page by page: a keyset query per page would sort the join each time.
    let order: Vec<i64> = electors::table
        .inner_join(members::table)
        .filter(electors::ballot_id.eq(ballot_id))
        .filter(electors::channel.eq(ElectorChannel::Letter))
        .filter(electors::issued.eq(false))
        .order((members::postcode, members::id))
        .select(members::id)
        .load(conn)?;
    let mut issued: Vec<(i64, PublicCredential)> = Vec::with_capacity(order.len());
    for page in order.chunks(PAGE) {
        let mut rows = crate::addresses::load(conn, page)?;
        for id in page {
            if let Some(member) = rows.remove(id) {
                issued.push((member.id, run.write(&mut writer, &member)?));
            }
        }
    }
    finish(writer)?;
    let count = issued.len();
    conn.transaction(|conn| {
        for chunk in issued.chunks(1000) {
            let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
            let marked = diesel::update(
                electors::table
                    .filter(electors::ballot_id.eq(ballot_id))
                    .filter(electors::member_id.eq_any(&ids))
                    .filter(electors::issued.eq(false)),
            )
            .set(electors::issued.eq(true))
            .execute(conn)?;
            if marked != chunk.len() {
                // Someone issued concurrently: nothing of this run may count.
                return Err(AppError::Conflict(
                    "letters were issued concurrently".into(),
                ));
            }
        }
        let tagged = issued
            .iter()
            .map(|(member, public)| (*public, Some(key.tag(ballot_id, *member))))
            .collect();
        super::setup::add_tagged_credentials(
            conn,
            ballot_id,
            tagged,
            super::setup::Origin::Server,
        )?;
        // From the letters page, the run confirms the pending
        // `issue_credentials` act another officer requested, with its
        // count, in this transaction; without one nothing is stored.
        if let Some(officer) = by {
            match pending_run(conn, ballot_id)? {
                Some((act, requested)) if requested != officer => {
                    super::officer::mark_confirmed_with_count(
                        conn,
                        act,
                        officer,
                        now,
                        Some(i64::try_from(count).unwrap_or(i64::MAX)),
                    )?;
                }
                _ => {
                    return Err(AppError::Conflict(
                        "the letter run needs another officer's request".into(),
                    ))
                }
            }
        }
        crate::audit::record_ballot(
            conn,
            now,
            by,
            crate::audit::Action::LettersIssued,
            ballot_id,
            None,
            &count.to_string(),
        )
    })?;
    Ok(Issued { letters: count })
}

/// Writes the replacement letter of `member` to `out` and returns its new
/// public credential. The caller revokes the old credential and stores the
/// new one in the same transaction.
pub fn replacement(
    conn: &mut DbConn,
    catalogues: &Catalogues,
    public_url: &str,
    ballot_id: &str,
    member: i64,
    today: NaiveDate,
    out: impl Write,
) -> AppResult<PublicCredential> {
    let run = LetterRun::load(conn, catalogues, public_url, ballot_id)?.dated(today);
    let addressee = crate::addresses::load(conn, &[member])?
        .remove(&member)
        .ok_or(AppError::NotFound)?;
    let mut writer = run.start(out)?;
    let public = run.write(&mut writer, &addressee)?;
    finish(writer)?;
    Ok(public)
}

/// Why a ballot's letters could not be printed, as a message key for the
/// set-up form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unprintable {
    /// The title, a question or an option holds a character the letters'
    /// fonts do not have (it would print as "?").
    Character,
    /// Letter or slip needs more pages than a letter may have.
    TooLong,
    /// Another reason the letter writer gave (a line too wide, say).
    Layout,
}

impl Unprintable {
    pub fn message_key(self) -> &'static str {
        match self {
            Unprintable::Character => "setup.unprintable_character",
            Unprintable::TooLong => "setup.letters_too_long",
            Unprintable::Layout => "setup.letters_unprintable",
        }
    }
}

/// Checks, at set-up and before anything is stored, that the letters and
/// postal voting slips of a ballot with this definition can be printed in
/// every language: every character of the title, questions and options is
/// printable, and a letter (with a sample address and a real code in a URL
/// as long as the ballot's) lays out on the pages a letter may have. What
/// passes here prints for every member whose address prints.
pub fn check_printable(
    conn: &mut DbConn,
    catalogues: &Catalogues,
    public_url: &str,
    ballot: &super::setup::NewBallot,
) -> AppResult<Result<(), Unprintable>> {
    let texts =
        std::iter::once(ballot.title.as_str()).chain(ballot.questions.iter().flat_map(|q| {
            std::iter::once(q.text.as_str()).chain(q.options().iter().map(|o| o.label.as_str()))
        }));
    for text in texts {
        if votum_letters::unprintable(text).is_some() {
            return Ok(Err(Unprintable::Character));
        }
    }
    // A ballot id of the real length: the URL in the QR code depends on it.
    let sample_id = "0".repeat(20);
    // Either derivation lays out the same.
    let run = LetterRun::new(
        conn,
        (catalogues, public_url),
        (&sample_id, CredentialDerivation::V1),
        ballot.group_id,
        ballot.title.clone(),
        ballot.closes_at,
        &ballot.questions,
    )?;
    let mut writer = run.start(std::io::sink())?;
    for language in [Language::De, Language::En] {
        let member = Addressee {
            id: 0,
            membership_number: "0".into(),
            first_name: "Erika".into(),
            last_name: "Mustermann".into(),
            address_extra: None,
            street: "Musterstraße".into(),
            house_number: "1".into(),
            postcode: "12345".into(),
            city: "Musterstadt".into(),
            country: "DE".into(),
            language: language.as_str().into(),
        };
        let letter = run.letter(&Recipient::of(&member), &Code::generate()?);
        match writer.write(&letter) {
            Ok(()) => {}
            Err(votum_letters::LetterError::TooLong { .. }) => {
                return Ok(Err(Unprintable::TooLong))
            }
            Err(e @ (votum_letters::LetterError::Io(_) | votum_letters::LetterError::Broken)) => {
                return Err(letter_error(e))
            }
            Err(e) => {
                log::warn!("ballot letters cannot be printed: {e}");
                return Ok(Err(Unprintable::Layout));
            }
        }
    }
    Ok(Ok(()))
}

/// The postal voting slip of a ballot in one language: each question with
/// a box per option and how to mark it, as on the web form.
fn slip(
    catalogues: &Catalogues,
    lang: Language,
    title: &str,
    closes: &str,
    questions: &[Question],
) -> Slip {
    let t = |key: &str| catalogues.get(lang, key).to_owned();
    let args = [("title", title.to_owned()), ("closes", closes.to_owned())];
    let labels = |question: &Question| -> Vec<String> {
        question
            .options()
            .iter()
            .map(|option| option.label.clone())
            .collect()
    };
    Slip {
        heading: catalogues.format(lang, "letters.slip_heading", &args),
        instructions: ["letters.slip_how", "letters.slip_once"]
            .iter()
            .map(|key| catalogues.format(lang, key, &args))
            .collect(),
        questions: questions
            .iter()
            .map(|question| {
                let (hint, options) = match &question.kind {
                    QuestionKind::YesNoAbstain { .. } => (
                        t("letters.slip_one_mark"),
                        vec![t("vote.yes"), t("vote.no"), t("vote.abstain")],
                    ),
                    QuestionKind::SingleChoice { .. } => {
                        let mut options = labels(question);
                        options.push(t("vote.abstain"));
                        (t("letters.slip_one_mark"), options)
                    }
                    QuestionKind::Approval {
                        min_marks,
                        max_marks,
                        ..
                    } => (
                        catalogues.format(
                            lang,
                            "vote.approval_hint",
                            &[
                                ("min", min_marks.to_string()),
                                ("max", max_marks.to_string()),
                            ],
                        ),
                        labels(question),
                    ),
                    QuestionKind::RankedSchulze { .. } => {
                        (t("letters.slip_ranked"), labels(question))
                    }
                    QuestionKind::RankedStv { seats, .. } => (
                        format!(
                            "{} {}",
                            catalogues.format(
                                lang,
                                "letters.slip_seats",
                                &[("seats", seats.to_string())]
                            ),
                            t("letters.slip_ranked")
                        ),
                        labels(question),
                    ),
                };
                SlipQuestion {
                    text: question.text.clone(),
                    hint,
                    options,
                }
            })
            .collect(),
        code_label: t("letters.slip_code_label"),
        footer: t("letters.slip_footer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code whose check character is `symbol`: the 128-bit number 32–35
    /// has itself as remainder modulo 37.
    fn code_ending_in(value: u128) -> Code {
        Code::from_bytes(value.to_be_bytes())
    }

    #[test]
    fn a_check_character_that_is_no_letter_or_digit_is_named_in_the_letter() {
        let catalogues = Catalogues::load().unwrap();
        let run = LetterRun::from_parts(
            &catalogues,
            "https://portal.example.org/vote/b1".into(),
            ("b1", CredentialDerivation::V1),
            (
                "Satzung".into(),
                "Bundesverband".into(),
                "Bundesverband".into(),
            ),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(18, 0, 0))
                .unwrap(),
            &[],
        )
        .dated(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let recipient = |language| Recipient {
            lines: vec!["Erika Mustermann".into()],
            name: "Erika Mustermann".into(),
            language,
        };
        for (value, named) in [
            (32, "„*“ (Stern)"),
            (33, "„~“ (Tilde)"),
            (34, "„$“ (Dollar)"),
        ] {
            let letter = run.letter(&recipient(Language::De), &code_ending_in(value));
            assert!(letter.body.concat().contains(named), "{:?}", letter.body);
        }
        let letter = run.letter(&recipient(Language::En), &code_ending_in(35));
        assert!(
            letter.body.concat().contains("(equals sign)"),
            "{:?}",
            letter.body
        );
        // A letter or digit needs no word; the date and the sender once.
        let letter = run.letter(&recipient(Language::De), &code_ending_in(5));
        assert!(
            !letter.body.concat().contains("Prüfzeichen"),
            "{:?}",
            letter.body
        );
        assert_eq!(letter.date, "23.11.2026");
        assert_eq!(letter.sender_block, ["Bundesverband", "Wahlleitung"]);
    }
}
