//! Who is signed in, and what they may see: sessions stored in the database
//! (the cookie holds a random token, the table only its SHA-256), and the
//! request guards that carry identity and rights into routes.

use chrono::Timelike;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rocket::http::{CookieJar, Status};
use rocket::request::{FromRequest, Outcome, Request};

use crate::app::App;
use crate::db::models::{Account, Member, Office, Role, Session};
use crate::db::schema::{accounts, members, offices, sessions};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "votum_session";

/// The signed-in account with the rights it holds today.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account_id: i64,
    pub login: String,
    pub is_admin: bool,
    pub member_id: Option<i64>,
    pub display_name: String,
    /// Groups where the member holds a board office today; they see these
    /// groups' members and all sub-groups'.
    pub board_groups: Vec<i64>,
    /// Groups where the member is returning officer today.
    pub officer_groups: Vec<i64>,
    /// Groups where the member is treasurer today; they may reveal the
    /// bank details of these groups' members and all sub-groups'.
    pub treasurer_groups: Vec<i64>,
    session_digest: String,
}

impl CurrentUser {
    /// The user of this request, loaded once per request.
    pub async fn load<'r>(req: &'r Request<'_>) -> Option<&'r CurrentUser> {
        req.local_cache_async(async {
            let app = req.rocket().state::<App>()?;
            let token = req.cookies().get(SESSION_COOKIE)?.value().to_owned();
            let now = app.clock.now();
            app.db
                .run(move |conn| user_for_session(conn, &token, now))
                .await
                .unwrap_or_else(|e| {
                    log::error!("loading session: {e}");
                    None
                })
        })
        .await
        .as_ref()
    }

    /// Whose data this user may read: everyone (admin) or the members of
    /// the board groups and their sub-groups.
    pub fn scope(&self) -> Scope {
        if self.is_admin {
            Scope::All
        } else {
            Scope::Groups(self.board_groups.clone())
        }
    }

    pub fn session_digest(&self) -> &str {
        &self.session_digest
    }
}

/// The set of members a user may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Groups(Vec<i64>),
}

fn user_for_session(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> AppResult<Option<CurrentUser>> {
    let digest = votum_crypto::token::digest(token);
    let found: Option<(Session, Account)> = sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_digest.eq(&digest))
        .filter(sessions::expires_at.gt(now))
        .select((Session::as_select(), Account::as_select()))
        .first(conn)
        .optional()?;
    let Some((_, account)) = found else {
        return Ok(None);
    };
    let mut user = CurrentUser {
        account_id: account.id,
        display_name: account.login.clone(),
        login: account.login,
        is_admin: account.is_admin,
        member_id: account.member_id,
        board_groups: Vec::new(),
        officer_groups: Vec::new(),
        treasurer_groups: Vec::new(),
        session_digest: digest,
    };
    if let Some(member_id) = account.member_id {
        let member: Member = members::table.find(member_id).first(conn)?;
        user.display_name = format!("{} {}", member.first_name, member.last_name);
        let today = now.date();
        let held: Vec<Office> = offices::table
            .filter(offices::member_id.eq(member_id))
            .select(Office::as_select())
            .load(conn)?;
        // An office gives rights only within its term: an ended term ends them.
        for office in held.into_iter().filter(|o| o.is_current(today)) {
            match Role::parse(&office.role) {
                Some(Role::ReturningOfficer) => user.officer_groups.push(office.group_id),
                Some(role) if role.is_board() => {
                    user.board_groups.push(office.group_id);
                    if role == Role::Treasurer {
                        user.treasurer_groups.push(office.group_id);
                    }
                }
                _ => {}
            }
        }
        user.board_groups.sort_unstable();
        user.board_groups.dedup();
    }
    Ok(Some(user))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match CurrentUser::load(req).await {
            Some(user) => Outcome::Success(user.clone()),
            None => Outcome::Error((Status::Unauthorized, AppError::Unauthorized)),
        }
    }
}

/// A signed-in administrator.
pub struct Admin(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Admin {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match CurrentUser::load(req).await {
            Some(user) if user.is_admin => Outcome::Success(Admin(user.clone())),
            Some(_) => Outcome::Error((Status::Forbidden, AppError::Forbidden)),
            None => Outcome::Error((Status::Unauthorized, AppError::Unauthorized)),
        }
    }
}

/// A signed-in user who may read other members' data: an admin, or a member
/// holding a board office today.
pub struct Board(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Board {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match CurrentUser::load(req).await {
            Some(user) if user.is_admin || !user.board_groups.is_empty() => {
                Outcome::Success(Board(user.clone()))
            }
            Some(_) => Outcome::Error((Status::Forbidden, AppError::Forbidden)),
            None => Outcome::Error((Status::Unauthorized, AppError::Unauthorized)),
        }
    }
}

/// Starts a session for `account_id`; returns the cookie secret.
pub fn start_session(
    conn: &mut DbConn,
    account_id: i64,
    now: NaiveDateTime,
    hours: i64,
) -> AppResult<votum_crypto::SecretString> {
    let token = votum_crypto::Token::generate()?;
    // A session is written when a member signs in, often just before they
    // vote: its times keep the day it began and the full hour it ends, not
    // the minute (see `audit::stored_time`).
    let expires = now + Duration::hours(hours);
    let expires = expires
        .date()
        .and_hms_opt(expires.hour(), 0, 0)
        .map_or(expires, |hour| hour + Duration::hours(1));
    diesel::insert_into(sessions::table)
        .values(Session {
            token_digest: token.digest,
            account_id,
            created_at: now.date().and_time(chrono::NaiveTime::MIN),
            expires_at: expires,
        })
        .execute(conn)?;
    Ok(token.secret)
}

/// Ends one session, or with `all` every session of the account.
pub fn end_sessions(conn: &mut DbConn, digest: &str, account_id: i64, all: bool) -> AppResult<()> {
    if all {
        diesel::delete(sessions::table.filter(sessions::account_id.eq(account_id)))
            .execute(conn)?;
    } else {
        diesel::delete(sessions::table.find(digest)).execute(conn)?;
    }
    Ok(())
}

/// Deletes expired sessions; run now and then.
pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?)
}

pub fn set_session_cookie(
    cookies: &CookieJar<'_>,
    secret: &votum_crypto::SecretString,
    secure: bool,
    hours: i64,
) {
    let mut c = crate::web::cookie(SESSION_COOKIE, secret.expose().to_owned(), secure);
    c.set_max_age(rocket::time::Duration::hours(hours));
    cookies.add(c);
    cookies.remove(crate::web::PRE_SESSION_COOKIE);
}

/// Creates an account with a hashed password.
pub fn create_account(
    conn: &mut DbConn,
    login: &str,
    member_id: Option<i64>,
    password: &votum_crypto::SecretString,
    is_admin: bool,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let id = votum_crypto::random_id()?;
    diesel::insert_into(accounts::table)
        .values(Account {
            id,
            login: login.trim().to_lowercase(),
            member_id,
            password_hash: votum_crypto::password::hash(password)?,
            is_admin,
            created_at: now,
        })
        .execute(conn)?;
    Ok(id)
}

/// The account a login name refers to: an account login, or a member's
/// membership number or e-mail address.
pub fn find_account(conn: &mut DbConn, name: &str) -> AppResult<Option<Account>> {
    let name = name.trim().to_lowercase();
    if let Some(account) = accounts::table
        .filter(accounts::login.eq(&name))
        .select(Account::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(Some(account));
    }
    let member_ids: Vec<i64> = members::table
        .filter(
            members::email
                .eq(&name)
                .or(members::membership_number.eq(&name)),
        )
        .select(members::id)
        .limit(2)
        .load(conn)?;
    // An e-mail address shared by two members does not identify an account.
    let [member_id] = member_ids.as_slice() else {
        return Ok(None);
    };
    Ok(accounts::table
        .filter(accounts::member_id.eq(member_id))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}
