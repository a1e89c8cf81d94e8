//! Rate limits kept in the database, so that every app instance behind a
//! load balancer counts the same attempts.
//!
//! Each check counts in the same statement that checks (a conditional
//! upsert), so parallel requests cannot all pass a check before any of them
//! counts: an attempt first takes a slot ([`take`]) and then runs; an
//! attempt that turns out good gives its slot back ([`refund`]).
//!
//! Logins are limited per (client address, account) pair, with a hard
//! limit, and per account with a progressive delay ([`Backoff`]): an
//! attacker elsewhere slows the guessing on an account down, but cannot
//! lock its owner out for more than the current delay.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use crate::db::schema::rate_limits;
use crate::db::DbConn;
use crate::error::AppResult;

/// A limit: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

/// Failed logins on one account from one client address.
pub const LOGIN_PER_PAIR: Limit = Limit {
    max: 5,
    window: Duration::minutes(15),
};
/// Failed logins per client address (many names tried from one place).
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 30,
    window: Duration::minutes(15),
};
/// Failed logins on one account from anywhere: free at first, then each
/// attempt waits twice as long after the previous one, up to a minute.
pub const LOGIN_PER_ACCOUNT: Backoff = Backoff {
    free: 5,
    first_delay: Duration::seconds(1),
    max_delay: Duration::seconds(60),
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
/// Answers to public-link surveys per client address. Generous, because a
/// whole meeting may answer from one venue network.
pub const SURVEY_LINK: Limit = Limit {
    max: 300,
    window: Duration::minutes(10),
};

/// Whether `bucket` is still under its limit, without counting a hit (for
/// an early refusal; the binding check is [`take`]).
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

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Integer)]
    hits: i32,
}

/// Counts one hit and tells whether it was within the limit, in one atomic
/// statement (the same upsert works on SQLite and PostgreSQL; PostgreSQL
/// locks the row, SQLite has one writer), so that parallel requests each
/// see their own count.
pub fn take(conn: &mut DbConn, now: NaiveDateTime, bucket: &str, limit: Limit) -> AppResult<bool> {
    let row: Hits = diesel::sql_query(
        "INSERT INTO rate_limits (bucket, window_start, hits, last_hit) VALUES ($1, $2, 1, $2) \
         ON CONFLICT (bucket) DO UPDATE SET \
         hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
         window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END, \
         last_hit = $2 \
         RETURNING hits",
    )
    .bind::<Text, _>(bucket)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now - limit.window)
    .get_result(conn)?;
    Ok(row.hits <= limit.max)
}

/// [`take`] under its older name: counts a hit, tells whether it was within
/// the limit.
pub fn hit(conn: &mut DbConn, now: NaiveDateTime, bucket: &str, limit: Limit) -> AppResult<bool> {
    take(conn, now, bucket, limit)
}

/// Gives back one hit taken by [`take`] for an attempt that turned out
/// good (a valid code), so that only bad attempts use up the limit.
pub fn refund(conn: &mut DbConn, bucket: &str) -> AppResult<()> {
    diesel::update(
        rate_limits::table
            .find(bucket)
            .filter(rate_limits::hits.gt(0)),
    )
    .set(rate_limits::hits.eq(rate_limits::hits - 1))
    .execute(conn)?;
    Ok(())
}

/// Forgets a bucket (after a successful login).
pub fn clear(conn: &mut DbConn, bucket: &str) -> AppResult<()> {
    diesel::delete(rate_limits::table.find(bucket)).execute(conn)?;
    Ok(())
}

/// A progressive delay: `free` attempts per `window` without wait, then
/// each one only `first_delay`, twice that, four times … (at most
/// `max_delay`) after the previous attempt.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: i32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub window: Duration,
}

impl Backoff {
    /// The wait after the `hits`-th attempt before the next one.
    pub fn delay_after(&self, hits: i32) -> Duration {
        if hits < self.free {
            return Duration::zero();
        }
        let doublings = (hits - self.free).clamp(0, 20);
        let delay = self.first_delay * 2_i32.pow(doublings.unsigned_abs());
        delay.min(self.max_delay)
    }
}

/// Takes an attempt under a [`Backoff`]: `Ok(())` when it may run now
/// (and is counted), `Err(wait)` when it comes too early. Atomic through a
/// compare-and-set on the count read: of parallel attempts that read the
/// same count, only one is counted and runs.
pub fn take_backoff(
    conn: &mut DbConn,
    now: NaiveDateTime,
    bucket: &str,
    backoff: Backoff,
) -> AppResult<Result<(), Duration>> {
    let row: Option<(NaiveDateTime, i32, Option<NaiveDateTime>)> = rate_limits::table
        .find(bucket)
        .select((
            rate_limits::window_start,
            rate_limits::hits,
            rate_limits::last_hit,
        ))
        .first(conn)
        .optional()?;
    let claimed = match row {
        None => diesel::sql_query(
            "INSERT INTO rate_limits (bucket, window_start, hits, last_hit) \
             VALUES ($1, $2, 1, $2) ON CONFLICT (bucket) DO NOTHING",
        )
        .bind::<Text, _>(bucket)
        .bind::<Timestamp, _>(now)
        .execute(conn)?,
        Some((start, hits, last)) => {
            let expired = start <= now - backoff.window;
            if !expired {
                let ready_at = last.unwrap_or(start) + backoff.delay_after(hits);
                if now < ready_at {
                    return Ok(Err(ready_at - now));
                }
            }
            let (new_start, new_hits) = if expired { (now, 1) } else { (start, hits + 1) };
            diesel::update(
                rate_limits::table
                    .find(bucket)
                    .filter(rate_limits::hits.eq(hits))
                    .filter(rate_limits::window_start.eq(start)),
            )
            .set((
                rate_limits::window_start.eq(new_start),
                rate_limits::hits.eq(new_hits),
                rate_limits::last_hit.eq(Some(now)),
            ))
            .execute(conn)?
        }
    };
    if claimed == 1 {
        Ok(Ok(()))
    } else {
        // Another attempt on the same bucket was counted in between.
        Ok(Err(backoff.first_delay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_up_to_the_cap() {
        let b = LOGIN_PER_ACCOUNT;
        let secs: Vec<i64> = (0..14).map(|h| b.delay_after(h).num_seconds()).collect();
        assert_eq!(secs, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(b.delay_after(i32::MAX).num_seconds(), 60);
    }
}
