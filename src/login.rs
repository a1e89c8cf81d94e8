//! Signing in and out, and setting a password through a mailed one-time
//! link (which is also how a member without an account gets one).

use chrono::Duration;
use diesel::prelude::*;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde_json::json;
use std::net::IpAddr;

use crate::audit::{self, Action, Event};
use crate::auth::{self, CurrentUser, SESSION_COOKIE};
use crate::db::models::PasswordReset;
use crate::db::schema::{accounts, members, password_resets};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::mail::Mail;
use crate::ratelimit;
use crate::web::{AppState, CsrfForm, Page};
use votum_crypto::SecretString;

pub fn routes() -> Vec<Route> {
    routes![
        login_form,
        login,
        logout,
        forgot_form,
        forgot,
        reset_form,
        reset,
        switch_language
    ]
}

/// Shortest password accepted anywhere (NIST SP 800-63B asks for at least 8).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Why a new password (typed twice) is refused, as a catalogue key.
pub fn password_problem(password: &str, repeat: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        Some("password.too_short")
    } else if password != repeat {
        Some("password.mismatch")
    } else {
        None
    }
}
const RESET_LINK_HOURS: i64 = 2;

/// Only same-site paths are followed after login or a language switch (no
/// open redirect, no 500). Browsers drop tabs and line breaks from URLs, so
/// `/\t/evil` would become `//evil`: a target with any control character,
/// space or backslash, or that is not a valid origin URI, is replaced by `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
                && rocket::http::uri::Origin::parse(path).is_ok() =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[get("/login?<next>")]
fn login_form(page: Page, next: Option<&str>) -> Template {
    page.render("login", json!({"next": safe_next(next), "login": ""}))
}

#[derive(FromForm)]
struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

#[post("/login", data = "<form>")]
async fn login(
    app: AppState<'_>,
    page: Page,
    cookies: &CookieJar<'_>,
    client: Option<IpAddr>,
    form: CsrfForm<LoginForm>,
) -> AppResult<Result<Redirect, (Status, Template)>> {
    let form = form.0;
    let name = form.login.trim().to_lowercase();
    let password = SecretString::new(form.password);
    let now = app.clock.now();
    let address = client.map(|ip| ip.to_string()).unwrap_or_default();
    let hours = app.settings.session_hours;
    let lookup = name.clone();
    let outcome = app
        .db
        .run(move |conn| {
            let account = auth::find_account(conn, &lookup)?;
            // Counted by the account, whatever spelling (login, number,
            // e-mail) was typed; names without an account by the name.
            let key = match &account {
                Some(account) => format!("account:{}", account.id),
                None => format!("name:{lookup}"),
            };
            let buckets = LoginBuckets::new(&key, &address);
            // Each check counts the attempt in the same statement, so
            // parallel attempts cannot pass together; a good one is given
            // back below.
            if !ratelimit::take(conn, now, &buckets.pair, ratelimit::LOGIN_PER_PAIR)?
                || !ratelimit::take(conn, now, &buckets.address, ratelimit::LOGIN_PER_ADDRESS)?
            {
                return Ok(Err("login.rate_limited"));
            }
            if ratelimit::take_backoff(conn, now, &buckets.account, ratelimit::LOGIN_PER_ACCOUNT)?
                .is_err()
            {
                return Ok(Err("login.slow_down"));
            }
            // Hash even for unknown names so timing does not reveal them.
            let stored = account
                .as_ref()
                .map_or(votum_crypto::password::decoy_hash(), |a| {
                    a.password_hash.as_str()
                });
            let matches = votum_crypto::password::verify(&password, stored)?;
            match account {
                Some(account) if matches => {
                    ratelimit::clear(conn, &buckets.pair)?;
                    ratelimit::clear(conn, &buckets.account)?;
                    ratelimit::refund(conn, &buckets.address)?;
                    let secret = auth::start_session(conn, account.id, now, hours)?;
                    audit::record(
                        conn,
                        now,
                        Event {
                            actor: Some(account.id),
                            action: Action::Login,
                            member: account.member_id,
                            group: None,
                            detail: "",
                        },
                    )?;
                    Ok(Ok(secret))
                }
                _ => {
                    audit::record(
                        conn,
                        now,
                        Event {
                            actor: None,
                            action: Action::LoginFailed,
                            member: None,
                            group: None,
                            detail: "",
                        },
                    )?;
                    Ok(Err("login.failed"))
                }
            }
        })
        .await?;
    match outcome {
        Ok(secret) => {
            auth::set_session_cookie(cookies, &secret, app.settings.secure_cookies, hours);
            Ok(Ok(Redirect::to(safe_next(form.next.as_deref()))))
        }
        Err(key) => {
            let status = if key == "login.rate_limited" || key == "login.slow_down" {
                Status::TooManyRequests
            } else {
                Status::UnprocessableEntity
            };
            Ok(Err((
                status,
                page.render(
                    "login",
                    json!({"error": key, "login": form.login, "next": safe_next(form.next.as_deref())}),
                ),
            )))
        }
    }
}

/// The rate-limit buckets of a login attempt on the account (or unknown
/// name) `key` from `address`.
pub struct LoginBuckets {
    /// This account from this address: a hard limit.
    pub pair: String,
    /// Everything from this address: a hard limit.
    pub address: String,
    /// This account from anywhere: a progressive delay.
    pub account: String,
}

impl LoginBuckets {
    pub fn new(key: &str, address: &str) -> LoginBuckets {
        LoginBuckets {
            pair: format!("login-pair:{key}:{address}"),
            address: format!("login-ip:{address}"),
            account: format!("login-account:{key}"),
        }
    }
}

/// A form with nothing but its CSRF token.
#[derive(FromForm)]
struct Empty {
    #[allow(dead_code)]
    csrf: String,
}

#[post("/logout", data = "<_form>")]
async fn logout(
    app: AppState<'_>,
    user: CurrentUser,
    cookies: &CookieJar<'_>,
    _form: CsrfForm<Empty>,
) -> AppResult<Flash<Redirect>> {
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            auth::end_sessions(conn, user.session_digest(), user.account_id, false)?;
            audit::record(
                conn,
                now,
                Event {
                    actor: Some(user.account_id),
                    action: Action::Logout,
                    member: user.member_id,
                    group: None,
                    detail: "",
                },
            )
        })
        .await?;
    cookies.remove(SESSION_COOKIE);
    Ok(Flash::success(Redirect::to("/login"), "login.logged_out"))
}

#[get("/password/forgot")]
fn forgot_form(page: Page) -> Template {
    page.render("password_forgot", json!({"login": ""}))
}

#[derive(FromForm)]
struct ForgotForm {
    login: String,
}

/// Always answers the same, whether or not the name is known, so the form
/// cannot be used to find out who is a member.
#[post("/password/forgot", data = "<form>")]
async fn forgot(
    app: AppState<'_>,
    page: Page,
    client: Option<IpAddr>,
    form: CsrfForm<ForgotForm>,
) -> AppResult<(Status, Template)> {
    let name = form.0.login.trim().to_lowercase();
    if name.is_empty() {
        return Ok((
            Status::UnprocessableEntity,
            page.render(
                "password_forgot",
                json!({"error": "password.login_missing", "login": ""}),
            ),
        ));
    }
    let now = app.clock.now();
    let lang = page.lang;
    let address_bucket = format!(
        "reset-ip:{}",
        client.map(|ip| ip.to_string()).unwrap_or_default()
    );
    let app_url = app.settings.public_url.clone();
    let shown = name.clone();
    let catalogues = app.catalogues.clone();
    let mailer = app.mailer.clone();
    // Member or not, the request does the same work before it answers: one
    // transaction (the rate-limit counts, the lookup, a token), and for a
    // member the few rows of the link, its mail and the audit entry in the
    // same commit. The mail server is talked to only after the answer.
    let (limited, delivery) = app
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                // Counted by the account (or member), like logins: the login
                // name, the membership number and the e-mail address share one
                // count; names without a target by the name typed.
                let found = reset_target(conn, &name)?;
                let name_bucket = reset_bucket(found.as_ref(), &name);
                let under_limit =
                    ratelimit::take(conn, now, &address_bucket, ratelimit::RESET_REQUESTS)?
                        && ratelimit::take(conn, now, &name_bucket, ratelimit::RESET_REQUESTS)?;
                if !under_limit {
                    return Ok((true, None));
                }
                let is_member = found.is_some();
                // An unknown name writes the same rows for a decoy, in a
                // savepoint that is then undone: the same statements run.
                let target = found.unwrap_or_else(ResetTarget::decoy);
                let written = conn.transaction(|conn| {
                    let delivery = write_reset(
                        conn,
                        &target,
                        now,
                        |token| {
                            let link = format!("{app_url}/password/reset/{}", token.expose());
                            Mail {
                                to: target.email.clone(),
                                subject: catalogues.get(lang, "password.mail_subject").to_owned(),
                                body: catalogues.format(
                                    lang,
                                    "password.mail_body",
                                    &[("link", link), ("hours", RESET_LINK_HOURS.to_string())],
                                ),
                            }
                        },
                        &mailer,
                    )
                    .map_err(Undo::Failed)?;
                    if is_member {
                        Ok(delivery)
                    } else {
                        Err(Undo::Decoy)
                    }
                });
                match written {
                    Ok(delivery) => Ok((false, Some(delivery))),
                    Err(Undo::Decoy) => Ok((false, None)),
                    Err(Undo::Failed(e)) => Err(e),
                }
            })
        })
        .await?;
    if let Some(delivery) = delivery {
        delivery.start(app.db.clone(), app.clock.clone());
    }
    if limited {
        return Ok((
            Status::TooManyRequests,
            page.render(
                "password_forgot",
                json!({"error": "password.rate_limited", "login": shown}),
            ),
        ));
    }
    Ok((
        Status::Ok,
        page.render("password_forgot", json!({"sent": true})),
    ))
}

/// Who a reset link is for and where it goes.
struct ResetTarget {
    member_id: Option<i64>,
    account_id: Option<i64>,
    email: String,
}

impl ResetTarget {
    /// Nobody: the rows written for an unknown name, then undone.
    fn decoy() -> ResetTarget {
        ResetTarget {
            member_id: None,
            account_id: None,
            email: "nobody@invalid".into(),
        }
    }
}

/// Why a reset's savepoint is undone.
enum Undo {
    /// The rows were written for a decoy, to take the same time.
    Decoy,
    Failed(AppError),
}

impl From<diesel::result::Error> for Undo {
    fn from(e: diesel::result::Error) -> Self {
        Undo::Failed(e.into())
    }
}

/// Writes a reset link for `target`: retires the earlier ones, stores the
/// new one, queues its mail (made by `mail` from the secret) and records
/// it in the audit log.
fn write_reset(
    conn: &mut DbConn,
    target: &ResetTarget,
    now: chrono::NaiveDateTime,
    mail: impl FnOnce(&SecretString) -> Mail,
    mailer: &crate::mail::Mailer,
) -> AppResult<crate::mail::Delivery> {
    let token = votum_crypto::Token::generate()?;
    retire_reset_links(conn, target)?;
    diesel::insert_into(password_resets::table)
        .values(PasswordReset {
            token_digest: token.digest.clone(),
            member_id: target.member_id,
            account_id: target.account_id,
            expires_at: now + Duration::hours(RESET_LINK_HOURS),
        })
        .execute(conn)?;
    let delivery = mailer.queue(conn, now, mail(&token.secret))?;
    audit::record(
        conn,
        now,
        Event {
            actor: target.account_id,
            action: Action::PasswordResetRequested,
            member: target.member_id,
            group: None,
            detail: "",
        },
    )?;
    Ok(delivery)
}

/// Finds the member (by e-mail or membership number) or account (by login)
/// that `name` names, if it has an e-mail address to send the link to.
/// The rate-limit bucket of a reset request: one per account, else one per
/// member, else one per typed name (see [`crate::privacy::export::rate_limit_buckets`]).
fn reset_bucket_key(member_id: Option<i64>, account_id: Option<i64>, name: &str) -> String {
    match (account_id, member_id) {
        (Some(account), _) => format!("reset:account:{account}"),
        (None, Some(member)) => format!("reset:member:{member}"),
        (None, None) => format!("reset:name:{name}"),
    }
}

fn reset_bucket(target: Option<&ResetTarget>, name: &str) -> String {
    match target {
        Some(t) => reset_bucket_key(t.member_id, t.account_id, name),
        None => reset_bucket_key(None, None, name),
    }
}

fn reset_target(conn: &mut DbConn, name: &str) -> AppResult<Option<ResetTarget>> {
    let found: Vec<(i64, Option<String>)> = members::table
        .filter(
            members::email
                .eq(name)
                .or(members::membership_number.eq(name)),
        )
        .select((members::id, members::email))
        .limit(2)
        .load(conn)?;
    if let [(member_id, Some(email))] = found.as_slice() {
        let account_id = accounts::table
            .filter(accounts::member_id.eq(member_id))
            .select(accounts::id)
            .first(conn)
            .optional()?;
        return Ok(Some(ResetTarget {
            member_id: Some(*member_id),
            account_id,
            email: email.clone(),
        }));
    }
    let Some(account) = auth::find_account(conn, name)? else {
        return Ok(None);
    };
    let email: Option<String> = match account.member_id {
        Some(id) => members::table.find(id).select(members::email).first(conn)?,
        None => None,
    };
    Ok(email.map(|email| ResetTarget {
        member_id: account.member_id,
        account_id: Some(account.id),
        email,
    }))
}

/// Deletes the links mailed earlier to the same member or account: only
/// the newest link works, so an older mail that leaked is worthless.
fn retire_reset_links(conn: &mut DbConn, target: &ResetTarget) -> AppResult<()> {
    // Both statements run for every target (an id of -1 names nobody), so
    // that a decoy does the same work.
    diesel::delete(
        password_resets::table
            .filter(password_resets::member_id.eq(target.member_id.unwrap_or(-1))),
    )
    .execute(conn)?;
    diesel::delete(
        password_resets::table
            .filter(password_resets::account_id.eq(target.account_id.unwrap_or(-1))),
    )
    .execute(conn)?;
    Ok(())
}

/// A reset link that exists and has not expired.
fn valid_reset(
    conn: &mut DbConn,
    token: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<Option<PasswordReset>> {
    Ok(password_resets::table
        .find(votum_crypto::token::digest(token))
        .filter(password_resets::expires_at.gt(now))
        .select(PasswordReset::as_select())
        .first(conn)
        .optional()?)
}

#[get("/password/reset/<token>")]
async fn reset_form(app: AppState<'_>, page: Page, token: String) -> AppResult<(Status, Template)> {
    let now = app.clock.now();
    let check = token.clone();
    let valid = app
        .db
        .run(move |conn| valid_reset(conn, &check, now))
        .await?;
    Ok(match valid {
        Some(_) => (
            Status::Ok,
            page.render("password_reset", json!({"token": token})),
        ),
        None => (
            Status::NotFound,
            page.render("password_reset", json!({"invalid": true})),
        ),
    })
}

#[derive(FromForm)]
struct ResetForm {
    password: String,
    repeat: String,
}

#[post("/password/reset/<token>", data = "<form>")]
async fn reset(
    app: AppState<'_>,
    page: Page,
    token: String,
    form: CsrfForm<ResetForm>,
) -> AppResult<Result<Flash<Redirect>, (Status, Template)>> {
    let form = form.0;
    let error = password_problem(&form.password, &form.repeat);
    if let Some(error) = error {
        return Ok(Err((
            Status::UnprocessableEntity,
            page.render("password_reset", json!({"token": token, "error": error})),
        )));
    }
    let password = SecretString::new(form.password);
    let now = app.clock.now();
    let used = app
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                let Some(reset) = valid_reset(conn, &token, now)? else {
                    return Ok(false);
                };
                // Deleting first makes the link single-use even when two
                // requests race: only one of them deletes the row.
                let deleted = diesel::delete(password_resets::table.find(&reset.token_digest))
                    .execute(conn)?;
                if deleted != 1 {
                    return Ok(false);
                }
                let hash = votum_crypto::password::hash(&password)?;
                let account_id = match (reset.account_id, reset.member_id) {
                    (Some(id), _) => {
                        diesel::update(accounts::table.find(id))
                            .set(accounts::password_hash.eq(hash))
                            .execute(conn)?;
                        auth::end_sessions(conn, "", id, true)?;
                        id
                    }
                    (None, Some(member_id)) => {
                        let number: String = members::table
                            .find(member_id)
                            .select(members::membership_number)
                            .first(conn)?;
                        auth::create_account(conn, &number, Some(member_id), &password, false, now)?
                    }
                    (None, None) => return Ok(false),
                };
                audit::record(
                    conn,
                    now,
                    Event {
                        actor: Some(account_id),
                        action: Action::PasswordChanged,
                        member: reset.member_id,
                        group: None,
                        detail: "reset link",
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if used {
        Ok(Ok(Flash::success(
            Redirect::to("/login"),
            "password.changed",
        )))
    } else {
        Ok(Err((
            Status::NotFound,
            page.render("password_reset", json!({"invalid": true})),
        )))
    }
}

/// Switches the UI language (a cookie; no account needed) and goes back.
#[get("/lang/<code>?<back>")]
fn switch_language(
    app: AppState<'_>,
    cookies: &CookieJar<'_>,
    code: &str,
    back: Option<&str>,
) -> AppResult<Redirect> {
    let lang = crate::i18n::Language::parse(code).ok_or(AppError::NotFound)?;
    let mut c = crate::web::cookie(
        "lang",
        lang.as_str().to_owned(),
        app.settings.secure_cookies,
    );
    c.set_max_age(rocket::time::Duration::days(365));
    cookies.add(c);
    Ok(Redirect::to(safe_next(back)))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_plain_local_paths_are_followed() {
        for good in ["/", "/ballots/x/manage", "/members?q=a&group=2", "/s/abc"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example/",
            "/\t/evil",
            "/\n/evil",
            "/\r\n/evil",
            "/\\evil",
            "/ /evil",
            "/\u{0}",
            "/\u{1b}[31m",
            "/\u{202e}x",
            "https://evil.example/",
            "evil",
            "",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
