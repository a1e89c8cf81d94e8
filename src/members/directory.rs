//! The chairs' directory: members of the own scope filtered by name,
//! chapter, office, status and channel, and one action that contacts a
//! selection: an e-mail through the outbox to those who chose online and
//! have an address, and one PDF of mail-merge letters for everyone else.
//! Every member shown or contacted gets an entry in their own log.

use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::prelude::*;
use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use rocket_dyn_templates::Template;
use serde_json::{json, Value};
use votum_letters::{Letter, LetterWriter};

use crate::audit::{self, Action};
use crate::auth::{Board, Scope};
use crate::ballots::letters::Download;
use crate::db::models::{Channel, Language, Member, MemberStatus, Role};
use crate::db::schema::{contact_runs, groups, offices};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::groups as group_tree;
use crate::i18n::Catalogues;
use crate::mail::{Mail, Mailer};
use crate::text::{self, Shape};
use crate::web::{AppState, CsrfForm, Fields, Page};

/// At most this many members are shown and contacted at once; a larger
/// selection must be narrowed first.
pub const MAX_SELECTION: usize = 2_000;

/// Name and group must narrow the scope to this many members before the
/// status, channel and office filters are applied in memory.
const LOAD_LIMIT: usize = 50_000;

/// What the chair filters by.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: String,
    pub group: Option<i64>,
    pub role: Option<Role>,
    pub status: Option<MemberStatus>,
    pub channel: Option<Channel>,
}

impl Filter {
    fn from_fields(fields: &Fields) -> Filter {
        Filter {
            q: fields.get("q").unwrap_or("").to_owned(),
            group: fields.get("group").and_then(|g| g.parse().ok()),
            role: fields.get("role").and_then(Role::parse),
            status: fields.get("status").and_then(MemberStatus::parse),
            channel: fields.get("channel").and_then(Channel::parse),
        }
    }

    fn json(&self) -> Value {
        json!({
            "q": self.q,
            "group": self.group.map(|g| g.to_string()),
            "role": self.role.map(Role::as_str),
            "status": self.status.map(MemberStatus::as_str),
            "channel": self.channel.map(Channel::as_str),
        })
    }
}

/// The visible members matching `filter`, with their chapter's name, or
/// `Err(count)` when more than [`MAX_SELECTION`] match.
pub fn matching(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &Filter,
    today: NaiveDate,
) -> AppResult<Result<Vec<Member>, usize>> {
    if let Some(group) = filter.group {
        if !group_tree::in_scope(conn, scope, group)? {
            return Err(AppError::Forbidden);
        }
    }
    // The other filters run in memory: first make sure the name and group
    // part leaves a number worth loading (an index count).
    let (_, total) = super::query::page(conn, scope, filter.group, &filter.q, 0)?;
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    if total > LOAD_LIMIT {
        return Ok(Err(total));
    }
    let mut found: Vec<Member> = super::query::all_matching(conn, scope, filter.group, &filter.q)?
        .into_iter()
        .filter(|m| filter.status.is_none_or(|s| m.status == s.as_str()))
        .filter(|m| filter.channel.is_none_or(|c| m.channel == c.as_str()))
        .collect();
    if let Some(role) = filter.role {
        let mut holders = HashSet::new();
        let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
        for chunk in ids.chunks(5000) {
            holders.extend(
                offices::table
                    .filter(offices::member_id.eq_any(chunk))
                    .filter(offices::role.eq(role.as_str()))
                    .filter(offices::starts_on.le(today))
                    .filter(offices::ends_on.is_null().or(offices::ends_on.ge(today)))
                    .select(offices::member_id)
                    .load::<i64>(conn)?,
            );
        }
        found.retain(|m| holders.contains(&m.id));
    }
    if found.len() > MAX_SELECTION {
        return Ok(Err(found.len()));
    }
    Ok(Ok(found))
}

/// Groups the user may filter by: their board groups and everything below
/// (all groups for an admin).
fn group_choices(conn: &mut DbConn, scope: &Scope) -> AppResult<Vec<Value>> {
    let mut query = groups::table
        .order(groups::name)
        .select((groups::id, groups::name))
        .into_boxed();
    if let Scope::Groups(roots) = scope {
        let below = crate::db::schema::group_tree::table
            .filter(crate::db::schema::group_tree::ancestor_id.eq_any(roots.clone()))
            .select(crate::db::schema::group_tree::group_id);
        query = query.filter(groups::id.eq_any(below));
    }
    Ok(query
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| json!({"id": id.to_string(), "name": name}))
        .collect())
}

/// Renders the directory for `filter`, logging each member shown.
async fn render(
    app: AppState<'_>,
    view: &Page,
    board: &Board,
    filter: Filter,
    extra: Value,
    status: Status,
) -> AppResult<(Status, Template)> {
    let user = board.0.clone();
    let scope = user.scope();
    let now = app.clock.now();
    let shown = filter.clone();
    let (rows, too_many, choices) = app
        .db
        .run(move |conn| {
            let choices = group_choices(conn, &scope)?;
            let found = matching(conn, &scope, &shown, now.date())?;
            let (rows, too_many) = match found {
                Ok(rows) => (rows, None),
                Err(count) => (Vec::new(), Some(count)),
            };
            let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
            audit::record_for_members(
                conn,
                now,
                Some(user.account_id),
                Action::MemberListed,
                shown.group,
                &ids,
                "directory",
            )?;
            Ok((rows, too_many, choices))
        })
        .await?;
    // Ticked again after a refused submission; never ticked in advance.
    let ticked: HashSet<String> = extra
        .get("chosen")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|m| {
            json!({
                "ticked": ticked.contains(&m.id.to_string()),
                "id": m.id.to_string(),
                "name": format!("{}, {}", m.last_name, m.first_name),
                "membership_number": m.membership_number,
                "status": m.status,
                "channel": m.channel,
                "email": m.email.is_some(),
            })
        })
        .collect();
    let mut context = json!({
        "filter": filter.json(),
        "rows": rows,
        "count": rows.len(),
        "too_many": too_many,
        "max": MAX_SELECTION,
        "groups": choices,
        "roles": Role::ALL.iter().filter(|r| r.is_board() || **r == Role::ReturningOfficer).map(|r| r.as_str()).collect::<Vec<_>>(),
        "statuses": MemberStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "channels": Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "run": run_token()?,
        "greet": true,
    });
    if let (Some(map), Value::Object(more)) = (context.as_object_mut(), extra) {
        map.extend(more);
    }
    Ok((status, view.render("members/directory", context)))
}

/// The filter as it comes in the query string.
#[derive(rocket::FromForm, Default)]
pub struct FilterQuery {
    q: Option<String>,
    group: Option<i64>,
    role: Option<String>,
    status: Option<String>,
    channel: Option<String>,
}

#[get("/members/directory?<query..>")]
pub async fn directory(
    app: AppState<'_>,
    view: Page,
    board: Board,
    query: FilterQuery,
) -> AppResult<Template> {
    let filter = Filter {
        q: query.q.unwrap_or_default(),
        group: query.group,
        role: query.role.as_deref().and_then(Role::parse),
        status: query.status.as_deref().and_then(MemberStatus::parse),
        channel: query.channel.as_deref().and_then(Channel::parse),
    };
    let (_, page) = render(app, &view, &board, filter, json!({}), Status::Ok).await?;
    Ok(page)
}

/// What one contact run made.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Contacted {
    pub mails: usize,
    pub letters: usize,
    pub pdf: Option<Vec<u8>>,
}

/// What the chair wrote.
pub struct Message<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub sender: &'a str,
    pub public_url: &'a str,
    pub today: NaiveDate,
    /// Whether each letter and mail starts with "Guten Tag <name>,"; off
    /// when the chair writes their own greeting.
    pub greet: bool,
}

/// Mails those who chose online and have an address; writes a letter for
/// everyone else into one PDF (`None` when no one needs one).
pub fn contact(
    conn: &mut DbConn,
    mailer: &Mailer,
    catalogues: &Catalogues,
    now: chrono::NaiveDateTime,
    members: &[Member],
    message: &Message<'_>,
) -> AppResult<Contacted> {
    let (online, paper): (Vec<&Member>, Vec<&Member>) = members
        .iter()
        .partition(|m| m.channel == Channel::Online.as_str() && m.email.is_some());
    // Browsers send a textarea's line breaks as CRLF: normalise before
    // splitting, or every paragraph runs into one.
    let body = message.body.replace("\r\n", "\n").replace('\r', "\n");
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(|p| p.replace('\n', " ").trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let mut writer = None;
    let paper_ids: Vec<i64> = paper.iter().map(|m| m.id).collect();
    let mut addressees = crate::addresses::load(conn, &paper_ids)?;
    for m in paper.iter().filter_map(|m| addressees.remove(&m.id)) {
        let lang = m.language();
        let recipient = m.window_lines();
        let mut lines = Vec::with_capacity(paragraphs.len() + 2);
        if message.greet {
            lines.push(catalogues.format(lang, "directory.greeting", &[("name", m.name())]));
        }
        lines.extend(paragraphs.iter().cloned());
        // The letter's QR code leads to the portal: say so.
        lines.push(catalogues.get(lang, "directory.letter_qr").to_owned());
        let letter = Letter {
            recipient,
            return_address: message.sender.to_owned(),
            sender_block: vec![message.sender.to_owned()],
            date: crate::dates::date(lang, message.today),
            subject: message.subject.to_owned(),
            body: lines,
            vote_url: format!("{}/login", message.public_url),
            code: m.membership_number.clone(),
            code_label: catalogues.get(lang, "directory.letter_label").to_owned(),
            footer: catalogues.get(lang, "directory.letter_footer").to_owned(),
            slip: None,
        };
        let pdf = match writer.as_mut() {
            Some(pdf) => pdf,
            None => writer.insert(
                LetterWriter::new(Vec::new(), message.subject)
                    .map_err(|e| AppError::Internal(format!("letters: {e}")))?,
            ),
        };
        pdf.write(&letter)
            .map_err(|e| AppError::BadRequest(format!("letter: {e}")))?;
    }
    let pdf = match writer {
        Some(w) => Some(
            w.finish()
                .map_err(|e| AppError::Internal(format!("letters: {e}")))?,
        ),
        None => None,
    };
    // Letters first: a text too long for a letter stops the run before any
    // mail is queued.
    for m in &online {
        let lang = Language::parse(&m.language).unwrap_or(Language::De);
        let text = if message.greet {
            let greeting = catalogues.format(
                lang,
                "directory.greeting",
                &[("name", format!("{} {}", m.first_name, m.last_name))],
            );
            format!("{greeting}\n\n{}", body.trim())
        } else {
            body.trim().to_owned()
        };
        mailer.send(
            conn,
            now,
            Mail {
                to: m.email.clone().unwrap_or_default(),
                subject: message.subject.to_owned(),
                body: text,
            },
        )?;
    }
    Ok(Contacted {
        mails: online.len(),
        letters: paper.len(),
        pdf,
    })
}

/// How long the letters PDF of a run stays downloadable.
const LETTERS_KEPT_HOURS: i64 = 24;

/// A stored contact run, as its sender sees it.
#[derive(Debug, Queryable)]
struct RunSummary {
    sent_at: chrono::NaiveDateTime,
    mails: i64,
    letters: i64,
    has_pdf: bool,
}

/// The run the form with this token made, if it was sent by `account`.
fn stored_run(conn: &mut DbConn, digest: &str, account: i64) -> AppResult<Option<RunSummary>> {
    Ok(contact_runs::table
        .find(digest)
        .filter(contact_runs::account_id.eq(account))
        .select((
            contact_runs::sent_at,
            contact_runs::mails,
            contact_runs::letters,
            contact_runs::letters_pdf.is_not_null(),
        ))
        .first(conn)
        .optional()?)
}

/// A fresh token for the contact form: the run it makes is stored under
/// its digest, so the same form sent twice sends once.
fn run_token() -> AppResult<String> {
    Ok(votum_crypto::Token::generate()?.secret.expose().to_owned())
}

/// What a contact form submission led to.
#[derive(rocket::Responder)]
pub enum ContactOutcome {
    Done(Flash<Redirect>),
    Page((Status, Template)),
}

#[post("/members/contact", data = "<form>")]
pub async fn contact_selection(
    app: AppState<'_>,
    view: Page,
    board: Board,
    form: CsrfForm<Fields>,
) -> AppResult<ContactOutcome> {
    let fields = form.0;
    let filter = Filter::from_fields(&fields);
    let subject = fields.get("subject").unwrap_or("").trim().to_owned();
    let body = fields.get("body").unwrap_or("").trim().to_owned();
    let greet = fields.get("greet").is_some();
    let everyone = fields.get("everyone").is_some();
    let token = fields.get("run").unwrap_or("").to_owned();
    let chosen: HashSet<i64> = fields
        .all("member")
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let mut errors = serde_json::Map::new();
    if subject.is_empty() || subject.chars().count() > 150 {
        errors.insert("subject".into(), json!("directory.subject_missing"));
    } else if let Some(problem) = text::problem(&subject, Shape::Line, 150) {
        errors.insert("subject".into(), json!(problem));
    }
    if body.is_empty() {
        errors.insert("body".into(), json!("directory.body_missing"));
    } else if let Some(problem) = text::problem(&body, Shape::Lines, text::LONG_TEXT) {
        errors.insert("body".into(), json!(problem));
    }
    if chosen.is_empty() && !everyone {
        errors.insert("member".into(), json!("directory.none_selected"));
    }
    if token.len() != 43
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        // A form from before this version, or a forged one: ask to send
        // again from a fresh form rather than risk a second run.
        errors.insert("member".into(), json!("directory.form_expired"));
    }
    let extra = |errors: serde_json::Map<String, Value>| json!({"errors": errors, "has_errors": true, "subject": subject, "body": body, "greet": greet, "chosen": chosen.iter().map(i64::to_string).collect::<Vec<_>>()});
    if !errors.is_empty() {
        let page = render(
            app,
            &view,
            &board,
            filter,
            extra(errors),
            Status::UnprocessableEntity,
        );
        return Ok(ContactOutcome::Page(page.await?));
    }
    let digest = votum_crypto::token::digest(&token);
    let user = board.0.clone();
    let scope = user.scope();
    let now = app.clock.now();
    let mailer = app.mailer.clone();
    let catalogues = app.catalogues.clone();
    let public_url = app.settings.public_url.clone();
    let run_filter = filter.clone();
    let (run_subject, run_body) = (subject.clone(), body.clone());
    let run_digest = digest.clone();
    let run_chosen = chosen.clone();
    let outcome = app
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                // The same form again (double click, reload): nothing is
                // sent twice; the sender sees what the first one did.
                if stored_run(conn, &run_digest, user.account_id)?.is_some() {
                    return Ok(Ok(false));
                }
                // Only members the filter finds in the user's scope: a
                // forged id from elsewhere is never contacted.
                let found = matching(conn, &scope, &run_filter, now.date())?.unwrap_or_default();
                let selected: Vec<Member> = found
                    .into_iter()
                    .filter(|m| everyone || run_chosen.contains(&m.id))
                    .collect();
                if selected.is_empty() {
                    return Ok(Err("directory.none_selected"));
                }
                let sender = match run_filter.group.or(user.board_groups.first().copied()) {
                    Some(g) => group_tree::by_id(conn, g)?.name,
                    None => "Votum".to_owned(),
                };
                let message = Message {
                    subject: &run_subject,
                    body: &run_body,
                    sender: &sender,
                    public_url: &public_url,
                    today: now.date(),
                    greet,
                };
                let contacted = match contact(conn, &mailer, &catalogues, now, &selected, &message)
                {
                    Err(AppError::BadRequest(e)) => {
                        log::info!("contact run refused: {e}");
                        return Ok(Err("directory.body_too_long"));
                    }
                    other => other?,
                };
                // Letters of earlier runs are not kept longer than a day.
                diesel::update(contact_runs::table.filter(
                    contact_runs::sent_at.lt(now - chrono::Duration::hours(LETTERS_KEPT_HOURS)),
                ))
                .set(contact_runs::letters_pdf.eq(None::<Vec<u8>>))
                .execute(conn)?;
                diesel::insert_into(contact_runs::table)
                    .values((
                        contact_runs::run_digest.eq(&run_digest),
                        contact_runs::account_id.eq(user.account_id),
                        contact_runs::sent_at.eq(now),
                        contact_runs::mails.eq(contacted.mails as i64),
                        contact_runs::letters.eq(contacted.letters as i64),
                        contact_runs::letters_pdf.eq(contacted.pdf),
                    ))
                    .execute(conn)?;
                let ids: Vec<i64> = selected.iter().map(|m| m.id).collect();
                audit::record_for_members(
                    conn,
                    now,
                    Some(user.account_id),
                    Action::MembersContacted,
                    run_filter.group,
                    &ids,
                    &format!("{} mails, {} letters", contacted.mails, contacted.letters),
                )?;
                Ok(Ok(true))
            })
        })
        .await?;
    match outcome {
        Ok(fresh) => {
            let (kind, key) = if fresh {
                ("success", "directory.sent")
            } else {
                ("warning", "directory.already_sent")
            };
            let message = app.catalogues.get(view.lang, key).to_owned();
            Ok(ContactOutcome::Done(Flash::new(
                Redirect::to(format!("/members/contact/{digest}")),
                kind,
                message,
            )))
        }
        Err(key) => {
            let mut errors = serde_json::Map::new();
            errors.insert("body".into(), json!(key));
            let page = render(
                app,
                &view,
                &board,
                filter,
                extra(errors),
                Status::UnprocessableEntity,
            );
            Ok(ContactOutcome::Page(page.await?))
        }
    }
}

/// What a contact run did: mails sent, letters made and the letters PDF to
/// download (for a day). Only for the one who sent it.
#[get("/members/contact/<run>")]
pub async fn contact_result(
    app: AppState<'_>,
    view: Page,
    board: Board,
    run: &str,
) -> AppResult<Template> {
    let account = board.0.account_id;
    let digest = run.to_owned();
    let found = app
        .db
        .run(move |conn| stored_run(conn, &digest, account))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(view.render(
        "members/contacted",
        json!({
            "run": run,
            "mails": found.mails,
            "letters": found.letters,
            "has_pdf": found.has_pdf,
            "sent_at": found.sent_at,
            "kept_hours": LETTERS_KEPT_HOURS,
        }),
    ))
}

/// The letters PDF of a contact run, for the one who sent it.
#[get("/members/contact/<run>/letters.pdf")]
pub async fn contact_letters(app: AppState<'_>, board: Board, run: &str) -> AppResult<Download> {
    let account = board.0.account_id;
    let digest = run.to_owned();
    let pdf: Option<Vec<u8>> = app
        .db
        .run(move |conn| {
            Ok::<_, AppError>(
                contact_runs::table
                    .find(&digest)
                    .filter(contact_runs::account_id.eq(account))
                    .select(contact_runs::letters_pdf)
                    .first::<Option<Vec<u8>>>(conn)
                    .optional()?
                    .flatten(),
            )
        })
        .await?;
    let pdf = pdf.ok_or(AppError::NotFound)?;
    Ok(Download::new(ContentType::PDF, "letters.pdf".into(), pdf))
}
