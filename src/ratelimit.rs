//! Fixed-window rate limits kept in the database, so that every app
//! instance behind a load balancer counts the same attempts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use crate::db::schema::rate_limits;
use crate::db::DbConn;
use crate::error::AppResult;

/// A limit: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

/// Failed logins per login name.
pub const LOGIN_PER_NAME: Limit = Limit {
    max: 5,
    window: Duration::minutes(15),
};
/// Failed logins per client address (many names tried from one place).
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window: Duration::minutes(15),
};
/// Wrong voting codes per client address: the check symbol already catches
/// typos, so repeated unknown codes look like guessing.
pub const CODE_ENTRY: Limit = Limit {
    max: 20,
    window: Duration::minutes(15),
};
/// Password-reset mails per address and per client.
pub const RESET_REQUESTS: Limit = Limit {
    max: 5,
    window: Duration::hours(1),
};

/// Whether `bucket` is still under its limit, without counting a hit.
pub fn allows(
    conn: &mut DbConn,
    now: NaiveDateTime,
    bucket: &str,
    limit: Limit,
) -> AppResult<bool> {
    let row: Option<(NaiveDateTime, i32)> = rate_limits::table
        .find(bucket)
        .select((rate_limits::window_start, rate_limits::hits))
        .first(conn)
        .optional()?;
    Ok(allows_row(row, now, limit))
}

/// [`allows`] for a bucket row `(window_start, hits)` already read.
pub fn allows_row(row: Option<(NaiveDateTime, i32)>, now: NaiveDateTime, limit: Limit) -> bool {
    match row {
        Some((start, hits)) if start > now - limit.window => hits < limit.max,
        _ => true,
    }
}

/// Counts one hit in one atomic statement (the same upsert syntax works on
/// SQLite and PostgreSQL) and tells whether the bucket was still under its
/// limit before this hit.
pub fn hit(conn: &mut DbConn, now: NaiveDateTime, bucket: &str, limit: Limit) -> AppResult<bool> {
    let allowed = allows(conn, now, bucket, limit)?;
    diesel::sql_query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
         hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
         window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END",
    )
    .bind::<Text, _>(bucket)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now - limit.window)
    .execute(conn)?;
    Ok(allowed)
}

/// Forgets a bucket (after a successful login).
pub fn clear(conn: &mut DbConn, bucket: &str) -> AppResult<()> {
    diesel::delete(rate_limits::table.find(bucket)).execute(conn)?;
    Ok(())
}

/// Answers to public-link surveys per client address. Generous, because a
/// whole meeting may answer from one venue network.
pub const SURVEY_LINK: Limit = Limit {
    max: 300,
    window: Duration::minutes(10),
};
