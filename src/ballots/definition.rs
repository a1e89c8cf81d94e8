//! A ballot's definition: everything set up before it opens, which no route
//! changes afterwards. Casting needs it for every ballot, so each app
//! instance keeps the definitions it has read. Nothing here is state that
//! another instance needs: the status, credentials and the box live only in
//! the database and are read inside every cast's transaction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_ballots::Question;

use crate::db::schema::ballots;
use crate::db::DbConn;
use crate::error::AppResult;

/// The unchanging part of a ballot.
#[derive(Debug)]
pub struct Definition {
    pub id: String,
    pub title: String,
    pub description: String,
    pub group_id: i64,
    pub shuffle_options: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub revote_allowed: bool,
    pub questions: Vec<Question>,
    /// The box key's seed, still sealed: opened per cast, never cached open.
    pub box_key_sealed: String,
}

/// Definitions kept per instance. Ballot ids are random, so entries of
/// different databases (tests) cannot collide. Ballots are few; the bound
/// only guards against an unexpected flood of ids.
fn cache() -> &'static Mutex<HashMap<String, Arc<Definition>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Definition>>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

const CACHE_LIMIT: usize = 10_000;

#[derive(Queryable)]
struct Row {
    title: String,
    description: String,
    group_id: i64,
    shuffle_options: bool,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    revote_allowed: bool,
    box_key_sealed: String,
}

/// The definition of ballot `id`; `NotFound` if there is none.
pub fn get(conn: &mut DbConn, id: &str) -> AppResult<Arc<Definition>> {
    if let Some(found) = cache().lock().ok().and_then(|c| c.get(id).cloned()) {
        return Ok(found);
    }
    let row: Row = ballots::table
        .find(id)
        .select((
            ballots::title,
            ballots::description,
            ballots::group_id,
            ballots::shuffle_options,
            ballots::opens_at,
            ballots::closes_at,
            ballots::revote_allowed,
            ballots::box_key_sealed,
        ))
        .first(conn)?;
    let definition = Arc::new(Definition {
        id: id.to_owned(),
        title: row.title,
        description: row.description,
        group_id: row.group_id,
        shuffle_options: row.shuffle_options,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        revote_allowed: row.revote_allowed,
        questions: super::ballot_box::questions(conn, id)?,
        box_key_sealed: row.box_key_sealed,
    });
    if let Ok(mut cached) = cache().lock() {
        if cached.len() >= CACHE_LIMIT {
            cached.clear();
        }
        cached.insert(id.to_owned(), definition.clone());
    }
    Ok(definition)
}
