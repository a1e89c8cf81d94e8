//! Members keep their own data current: contact data, postal address,
//! communication channel and language, phone; a new e-mail address counts
//! once the link mailed to it is opened; consents given and withdrawn.
//! Every change goes into the member's history.

pub mod email;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::audit::{self, Action, Event};
use crate::auth::CurrentUser;
use crate::db::models::{Channel, Consent, ConsentTopic, Language, Member};
use crate::db::schema::{consents, members};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::history;
use crate::text::{self, Shape};
use crate::web::{AppState, CsrfForm, Page};

pub fn routes() -> Vec<Route> {
    routes![
        edit,
        save_contact,
        email::request_email,
        email::confirm_email_page,
        email::confirm_email,
        save_consents
    ]
}

/// The version of the consent wording shown now; stored with each consent
/// so it is known later what exactly was agreed to.
pub const CONSENT_WORDING: &str = "2026-12-01";

/// The contact form as typed.
#[derive(FromForm, Default, Serialize, Clone)]
pub struct ContactForm {
    pub address_extra: String,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub phone: String,
    pub channel: String,
    pub language: String,
}

impl ContactForm {
    fn of(m: &Member) -> ContactForm {
        ContactForm {
            address_extra: m.address_extra.clone().unwrap_or_default(),
            street: m.street.clone(),
            house_number: m.house_number.clone(),
            postcode: m.postcode.clone(),
            city: m.city.clone(),
            country: m.country.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            channel: m.channel.clone(),
            language: m.language.clone(),
        }
    }
}

type FieldErrors = Vec<(&'static str, &'static str)>;

/// Checks the form; errors are catalogue keys by field. `has_email` says
/// whether online delivery has an address to go to.
pub fn validate(form: &ContactForm, has_email: bool) -> Result<ContactForm, FieldErrors> {
    let mut errors = Vec::new();
    let t = |s: &str| s.trim().to_owned();
    let clean = ContactForm {
        address_extra: t(&form.address_extra),
        street: t(&form.street),
        house_number: t(&form.house_number),
        postcode: t(&form.postcode),
        city: t(&form.city),
        country: t(&form.country).to_uppercase(),
        phone: t(&form.phone),
        channel: t(&form.channel),
        language: t(&form.language),
    };
    if let Some(problem) = text::problem(&clean.address_extra, Shape::Line, 60) {
        errors.push(("address_extra", problem));
    }
    for (field, value, max) in [
        ("street", &clean.street, 60),
        ("house_number", &clean.house_number, text::HOUSE_NUMBER),
        ("city", &clean.city, 60),
    ] {
        if value.is_empty() {
            errors.push((field, "selfservice.required"));
        } else if let Some(problem) = text::problem(value, Shape::Line, max) {
            errors.push((field, problem));
        }
    }
    if clean.country.len() != 2 || !clean.country.chars().all(|c| c.is_ascii_uppercase()) {
        errors.push(("country", "selfservice.country_invalid"));
    }
    let postcode_ok = if clean.country == "DE" {
        clean.postcode.len() == 5 && clean.postcode.chars().all(|c| c.is_ascii_digit())
    } else {
        (2..=10).contains(&clean.postcode.len())
            && clean
                .postcode
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    };
    if !postcode_ok {
        errors.push(("postcode", "selfservice.postcode_invalid"));
    }
    let phone_ok =
        clean.phone.is_empty()
            || ((5..=30).contains(&clean.phone.len())
                && clean.phone.chars().enumerate().all(|(i, c)| {
                    c.is_ascii_digit() || " /()-".contains(c) || (i == 0 && c == '+')
                }));
    if !phone_ok {
        errors.push(("phone", "selfservice.phone_invalid"));
    }
    match Channel::parse(&clean.channel) {
        None => errors.push(("channel", "selfservice.choose")),
        Some(Channel::Online) if !has_email => {
            errors.push(("channel", "selfservice.online_needs_email"))
        }
        Some(_) => {}
    }
    if Language::parse(&clean.language).is_none() {
        errors.push(("language", "selfservice.choose"));
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

fn errors_json(errors: &[(&'static str, &'static str)]) -> Value {
    Value::Object(
        errors
            .iter()
            .map(|(field, key)| ((*field).to_owned(), json!(key)))
            .collect::<Map<_, _>>(),
    )
}

fn none_if_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// Applies a validated form to the member's record and keeps the history.
pub fn apply_contact(
    conn: &mut DbConn,
    now: NaiveDateTime,
    member_id: i64,
    actor: Option<i64>,
    form: &ContactForm,
) -> AppResult<usize> {
    conn.transaction(|conn| {
        let m: Member = members::table
            .find(member_id)
            .select(Member::as_select())
            .first(conn)?;
        let changes = [
            (
                "address_extra",
                m.address_extra.clone(),
                none_if_empty(&form.address_extra),
            ),
            ("street", Some(m.street.clone()), Some(form.street.clone())),
            (
                "house_number",
                Some(m.house_number.clone()),
                Some(form.house_number.clone()),
            ),
            (
                "postcode",
                Some(m.postcode.clone()),
                Some(form.postcode.clone()),
            ),
            ("city", Some(m.city.clone()), Some(form.city.clone())),
            (
                "country",
                Some(m.country.clone()),
                Some(form.country.clone()),
            ),
            ("phone", m.phone.clone(), none_if_empty(&form.phone)),
            (
                "channel",
                Some(m.channel.clone()),
                Some(form.channel.clone()),
            ),
            (
                "language",
                Some(m.language.clone()),
                Some(form.language.clone()),
            ),
        ];
        diesel::update(members::table.find(member_id))
            .set((
                members::address_extra.eq(none_if_empty(&form.address_extra)),
                members::street.eq(&form.street),
                members::house_number.eq(&form.house_number),
                members::postcode.eq(&form.postcode),
                members::city.eq(&form.city),
                members::country.eq(&form.country),
                members::phone.eq(none_if_empty(&form.phone)),
                members::channel.eq(&form.channel),
                members::language.eq(&form.language),
            ))
            .execute(conn)?;
        let stored = history::record(conn, now, member_id, actor, &changes)?;
        if stored > 0 {
            let fields: Vec<&str> = changes
                .iter()
                .filter(|(_, old, new)| old != new)
                .map(|(field, _, _)| *field)
                .collect();
            audit::record(
                conn,
                now,
                Event {
                    actor,
                    action: Action::OwnDataChanged,
                    member: Some(member_id),
                    group: None,
                    detail: &fields.join(","),
                },
            )?;
        }
        Ok(stored)
    })
}

/// The consents of a member by topic: given (and not withdrawn) or not.
pub fn consents_of(conn: &mut DbConn, member_id: i64) -> AppResult<Vec<Consent>> {
    Ok(consents::table
        .filter(consents::member_id.eq(member_id))
        .select(Consent::as_select())
        .load(conn)?)
}

/// Whether the member agrees to `topic` now.
pub fn has_consent(conn: &mut DbConn, member_id: i64, topic: ConsentTopic) -> AppResult<bool> {
    Ok(consents::table
        .filter(consents::member_id.eq(member_id))
        .filter(consents::topic.eq(topic.as_str()))
        .filter(consents::withdrawn_at.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub(crate) async fn edit_page(
    app: AppState<'_>,
    page: &Page,
    member_id: i64,
    values: Option<ContactForm>,
    errors: Value,
) -> AppResult<Template> {
    let (member, consents, changes) = app
        .db
        .run(move |conn| {
            let m: Member = members::table
                .find(member_id)
                .select(Member::as_select())
                .first(conn)?;
            let consents = consents_of(conn, member_id)?;
            let changes = history::of_member(conn, member_id, 50)?;
            Ok((m, consents, changes))
        })
        .await?;
    let consent_view: Vec<Value> = ConsentTopic::ALL
        .iter()
        .map(|topic| {
            let row = consents.iter().find(|c| c.topic == topic.as_str());
            let given = row.filter(|c| c.withdrawn_at.is_none());
            json!({
                "topic": topic.as_str(),
                "given": given.is_some(),
                "given_at": given.map(|c| c.given_at.format("%Y-%m-%d").to_string()),
                "version": given.map(|c| c.wording_version.clone()),
                "withdrawn_at": row.and_then(|c| c.withdrawn_at).map(|t| t.format("%Y-%m-%d").to_string()),
            })
        })
        .collect();
    let changes: Vec<Value> = changes
        .into_iter()
        .map(|c| {
            json!({
                "at": c.changed_at.format("%Y-%m-%d %H:%M").to_string(),
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
            })
        })
        .collect();
    let has_errors = errors.as_object().is_some_and(|e| !e.is_empty());
    Ok(page.render(
        "selfservice/edit",
        json!({
            "values": values.unwrap_or_else(|| ContactForm::of(&member)),
            "email": member.email,
            "errors": errors,
            "has_errors": has_errors,
            "consents": consent_view,
            "wording": CONSENT_WORDING,
            "changes": changes,
        }),
    ))
}

#[get("/profile/edit")]
async fn edit(app: AppState<'_>, page: Page, user: CurrentUser) -> AppResult<Template> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    edit_page(app, &page, member_id, None, json!({})).await
}

#[post("/profile/edit", data = "<form>")]
async fn save_contact(
    app: AppState<'_>,
    page: Page,
    user: CurrentUser,
    form: CsrfForm<ContactForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let form = form.0;
    let has_email = app
        .db
        .run(move |conn| {
            Ok(members::table
                .find(member_id)
                .select(members::email)
                .first::<Option<String>>(conn)?
                .is_some())
        })
        .await?;
    match validate(&form, has_email) {
        Ok(clean) => {
            let now = app.clock.now();
            let actor = Some(user.account_id);
            app.db
                .run(move |conn| apply_contact(conn, now, member_id, actor, &clean))
                .await?;
            Ok(Ok(Flash::success(
                Redirect::to("/profile/edit"),
                "selfservice.saved",
            )))
        }
        Err(errors) => Ok(Err((
            Status::UnprocessableEntity,
            edit_page(app, &page, member_id, Some(form), errors_json(&errors)).await?,
        ))),
    }
}

#[derive(FromForm)]
struct ConsentForm {
    directory: bool,
    newsletter: bool,
    public_office: bool,
}

/// Gives or withdraws `topic` for the member; returns whether it changed.
pub fn set_consent(
    conn: &mut DbConn,
    now: NaiveDateTime,
    member_id: i64,
    actor: Option<i64>,
    topic: ConsentTopic,
    agree: bool,
) -> AppResult<bool> {
    let current = has_consent(conn, member_id, topic)?;
    if current == agree {
        return Ok(false);
    }
    let row = consents::table
        .filter(consents::member_id.eq(member_id))
        .filter(consents::topic.eq(topic.as_str()));
    if agree {
        diesel::delete(row).execute(conn)?;
        // A concurrent second consent hits the primary key: 409, no double row.
        diesel::insert_into(consents::table)
            .values(Consent {
                member_id,
                topic: topic.as_str().to_owned(),
                wording_version: CONSENT_WORDING.to_owned(),
                given_at: now,
                withdrawn_at: None,
            })
            .execute(conn)?;
    } else {
        diesel::update(row)
            .set(consents::withdrawn_at.eq(Some(now)))
            .execute(conn)?;
    }
    audit::record(
        conn,
        now,
        Event {
            actor,
            action: if agree {
                Action::ConsentGiven
            } else {
                Action::ConsentWithdrawn
            },
            member: Some(member_id),
            group: None,
            detail: topic.as_str(),
        },
    )?;
    Ok(true)
}

#[post("/profile/consents", data = "<form>")]
async fn save_consents(
    app: AppState<'_>,
    user: CurrentUser,
    form: CsrfForm<ConsentForm>,
) -> AppResult<Flash<Redirect>> {
    let member_id = user.member_id.ok_or(AppError::NotFound)?;
    let form = form.0;
    let now = app.clock.now();
    let actor = Some(user.account_id);
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                for (topic, agree) in [
                    (ConsentTopic::Directory, form.directory),
                    (ConsentTopic::Newsletter, form.newsletter),
                    (ConsentTopic::PublicOffice, form.public_office),
                ] {
                    set_consent(conn, now, member_id, actor, topic, agree)?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Flash::success(
        Redirect::to("/profile/edit"),
        "selfservice.consents_saved",
    ))
}
