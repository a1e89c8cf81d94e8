//! `votum keys rotate`: re-seals every sealed value (bank details, ballot
//! box keys, portal keys of open ballots) under the current sealing key, in batches, so a retired key
//! can then be removed from the configuration.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_crypto::seal::SealingKey;

use crate::audit::{self, Action, Event};
use crate::ballots::setup::{box_key_context, portal_key_context};
use crate::db::schema::{ballots, bank_accounts};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// What one sealed column needed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Re-sealed under the current key.
    pub resealed: usize,
    /// Already under the current key.
    pub current: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rotated {
    pub bank_accounts: Counts,
    pub ballot_keys: Counts,
}

/// One batch of a column: re-seal what is not current; the update only
/// applies if the row still holds the value read (a concurrent write by
/// the app already uses the current key).
fn batch<K: Clone>(
    rows: Vec<(K, String)>,
    sealing: &SealingKey,
    context: impl Fn(&K) -> Vec<u8>,
    name: impl Fn(&K) -> String,
    mut write: impl FnMut(&K, &str, &str) -> AppResult<usize>,
    counts: &mut Counts,
) -> AppResult<()> {
    for (key, sealed) in rows {
        match sealing.reseal(&sealed, &context(&key)) {
            Ok(Some(new)) => {
                if write(&key, &sealed, &new)? == 1 {
                    counts.resealed += 1;
                } else {
                    counts.current += 1;
                }
            }
            Ok(None) => counts.current += 1,
            Err(_) => {
                return Err(AppError::Internal(format!(
                    "{} does not open with any configured key (key id {:?}); \
                     add the key it was sealed with to sealing_retired_keys",
                    name(&key),
                    votum_crypto::seal::sealed_key_id(&sealed).unwrap_or("?")
                )))
            }
        }
    }
    Ok(())
}

/// Re-seals everything, `batch_size` rows per transaction.
pub fn rotate(
    conn: &mut DbConn,
    sealing: &SealingKey,
    batch_size: i64,
    now: NaiveDateTime,
) -> AppResult<Rotated> {
    let mut rotated = Rotated::default();
    let mut after = i64::MIN;
    loop {
        let rows: Vec<(i64, String)> = bank_accounts::table
            .filter(bank_accounts::member_id.gt(after))
            .order(bank_accounts::member_id)
            .limit(batch_size)
            .select((bank_accounts::member_id, bank_accounts::sealed))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else {
            break;
        };
        after = last;
        conn.transaction(|conn| {
            batch(
                rows,
                sealing,
                |id| crate::bank::context(*id),
                |id| format!("bank details of member {id}"),
                |id, old, new| {
                    Ok(diesel::update(
                        bank_accounts::table
                            .filter(bank_accounts::member_id.eq(*id))
                            .filter(bank_accounts::sealed.eq(old)),
                    )
                    .set(bank_accounts::sealed.eq(new))
                    .execute(conn)?)
                },
                &mut rotated.bank_accounts,
            )
        })?;
    }
    let mut after = String::new();
    loop {
        let rows: Vec<(String, String)> = ballots::table
            .filter(ballots::id.gt(&after))
            .order(ballots::id)
            .limit(batch_size)
            .select((ballots::id, ballots::box_key_sealed))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0.clone()) else {
            break;
        };
        after = last;
        conn.transaction(|conn| {
            batch(
                rows,
                sealing,
                |id: &String| box_key_context(id),
                |id| format!("box key of ballot {id}"),
                |id, old, new| {
                    Ok(diesel::update(
                        ballots::table
                            .filter(ballots::id.eq(id))
                            .filter(ballots::box_key_sealed.eq(old)),
                    )
                    .set(ballots::box_key_sealed.eq(new))
                    .execute(conn)?)
                },
                &mut rotated.ballot_keys,
            )
        })?;
    }
    // Portal keys of open ballots (closed ballots have none left).
    let mut after = String::new();
    loop {
        let rows: Vec<(String, Option<String>)> = ballots::table
            .filter(ballots::id.gt(&after))
            .filter(ballots::portal_key_sealed.is_not_null())
            .order(ballots::id)
            .limit(batch_size)
            .select((ballots::id, ballots::portal_key_sealed))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0.clone()) else {
            break;
        };
        after = last;
        let rows: Vec<(String, String)> = rows
            .into_iter()
            .filter_map(|(id, sealed)| sealed.map(|s| (id, s)))
            .collect();
        conn.transaction(|conn| {
            batch(
                rows,
                sealing,
                |id: &String| portal_key_context(id),
                |id| format!("portal key of ballot {id}"),
                |id, old, new| {
                    Ok(diesel::update(
                        ballots::table
                            .filter(ballots::id.eq(id))
                            .filter(ballots::portal_key_sealed.eq(old)),
                    )
                    .set(ballots::portal_key_sealed.eq(new))
                    .execute(conn)?)
                },
                &mut rotated.ballot_keys,
            )
        })?;
    }
    audit::record(
        conn,
        now,
        Event {
            actor: None,
            action: Action::KeysRotated,
            member: None,
            group: None,
            detail: &format!(
                "key {}: bank details {} re-sealed, {} current; ballot keys {} re-sealed, {} current",
                sealing.id(),
                rotated.bank_accounts.resealed,
                rotated.bank_accounts.current,
                rotated.ballot_keys.resealed,
                rotated.ballot_keys.current
            ),
        },
    )?;
    Ok(rotated)
}
