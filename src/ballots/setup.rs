//! Creating a ballot and registering public credentials.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use votum_ballots::Question;
use votum_crypto::credential::{PortalKey, PublicCredential};
use votum_crypto::seal::SealingKey;

use super::credential::{CredentialUse, ElectorChannel};
use super::lifecycle::BallotStatus;
use crate::db::schema::{ballot_boxes, ballot_questions, ballots, credentials, electors};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// Where a credential was made: by the server (portal, or letters printed by
/// the server) or by a separate credential authority whose codes the server
/// never sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Server,
    Authority,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Server => "server",
            Origin::Authority => "authority",
        }
    }
}

/// What a returning officer sets up.
#[derive(Debug, Clone)]
pub struct NewBallot {
    pub group_id: i64,
    pub title: String,
    pub description: String,
    pub cutoff_date: NaiveDate,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub revote_allowed: bool,
    pub shuffle_options: bool,
    pub questions: Vec<Question>,
}

/// The context a box key is sealed under, so a sealed seed cannot be moved
/// to another ballot.
pub fn box_key_context(ballot_id: &str) -> Vec<u8> {
    format!("votum-box-key:{ballot_id}").into_bytes()
}

/// Stores a new ballot with a fresh box key and an empty ballot box, for
/// the group `officer` proves a right over (403 for any other group).
pub fn create(
    conn: &mut DbConn,
    sealing: &SealingKey,
    officer: &crate::rights::OfficerOf,
    ballot: &NewBallot,
    now: NaiveDateTime,
) -> AppResult<String> {
    if officer.group() != ballot.group_id {
        return Err(AppError::Forbidden);
    }
    if ballot.questions.is_empty() {
        return Err(AppError::BadRequest("a ballot needs a question".into()));
    }
    if ballot.closes_at <= ballot.opens_at {
        return Err(AppError::BadRequest(
            "the ballot closes before it opens".into(),
        ));
    }
    for question in &ballot.questions {
        question
            .check()
            .map_err(|e| AppError::BadRequest(format!("question {:?}: {e}", question.text)))?;
    }
    let id = new_ballot_id()?;
    let key = votum_crypto::ballot_box::BoxKey::generate()?;
    let sealed = sealing.seal(key.seed(), &box_key_context(&id))?;
    conn.transaction(|conn| {
        diesel::insert_into(ballots::table)
            .values((
                ballots::id.eq(&id),
                ballots::group_id.eq(ballot.group_id),
                ballots::title.eq(&ballot.title),
                ballots::description.eq(&ballot.description),
                ballots::cutoff_date.eq(ballot.cutoff_date),
                ballots::opens_at.eq(ballot.opens_at),
                ballots::closes_at.eq(ballot.closes_at),
                ballots::revote_allowed.eq(ballot.revote_allowed),
                ballots::shuffle_options.eq(ballot.shuffle_options),
                ballots::status.eq(BallotStatus::Draft),
                ballots::box_public_key.eq(key.public().to_base64()),
                ballots::box_key_sealed.eq(&sealed),
                ballots::created_at.eq(now),
                ballots::record_version.eq(super::protocol::NEW_BALLOT_VERSION),
                ballots::protocol.eq(super::protocol::ProtocolName::for_questions(
                    &ballot.questions,
                )),
            ))
            .execute(conn)?;
        for (position, question) in ballot.questions.iter().enumerate() {
            let definition = serde_json::to_string(question)
                .map_err(|e| AppError::Internal(format!("question json: {e}")))?;
            diesel::insert_into(ballot_questions::table)
                .values((
                    ballot_questions::ballot_id.eq(&id),
                    ballot_questions::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                    ballot_questions::definition.eq(definition),
                ))
                .execute(conn)?;
        }
        diesel::insert_into(ballot_boxes::table)
            .values((
                ballot_boxes::ballot_id.eq(&id),
                ballot_boxes::head.eq(b64(&votum_crypto::ballot_box::chain_genesis(&id))),
                ballot_boxes::length.eq(0),
            ))
            .execute(conn)?;
        Ok::<_, AppError>(())
    })?;
    Ok(id)
}

/// A ballot id: 80 random bits in hexadecimal, unguessable and safe in
/// URLs and file names.
fn new_ballot_id() -> AppResult<String> {
    let mut bytes = [0u8; 10];
    votum_crypto::fill_random(&mut bytes)?;
    Ok(votum_crypto::hex(&bytes))
}

/// URL-safe base64 without padding, the encoding of every byte string in
/// the ballot tables and the record.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Registers public credentials. They are inserted sorted by the public
/// key itself, a random value, so the storage order is a random permutation
/// unrelated to the electorate's order. Each gets a random tag of the same
/// form as a letter's re-issue tag, so every credential row has one shape.
pub fn add_credentials(
    conn: &mut DbConn,
    ballot_id: &str,
    public: &[PublicCredential],
    origin: Origin,
) -> AppResult<()> {
    let tagged = public
        .iter()
        .map(|key| Ok((*key, Some(votum_crypto::credential::random_tag()?))))
        .collect::<AppResult<Vec<_>>>()?;
    add_tagged_credentials(conn, ballot_id, tagged, origin)
}

/// The context a portal key is sealed under (see [`issue_portal_credentials`]).
pub fn portal_key_context(ballot_id: &str) -> Vec<u8> {
    format!("votum-portal-key:{ballot_id}").into_bytes()
}

/// Makes the credentials of every portal elector of an opening ballot, in
/// the opening transaction: a fresh portal key, sealed and stored with the
/// ballot, derives each member's code ([`PortalKey::code`]); the public
/// credentials are stored all at once, in key order, each with a random
/// tag. Later, showing a member their code or casting writes nothing about
/// the member, so no transaction, storage order or time pairs a member with
/// a credential. Returns how many were made.
pub fn issue_portal_credentials(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
) -> AppResult<usize> {
    let key = PortalKey::generate()?;
    let sealed = sealing.seal(key.as_bytes(), &portal_key_context(ballot_id))?;
    diesel::update(ballots::table.find(ballot_id))
        .set(ballots::portal_key_sealed.eq(Some(sealed)))
        .execute(conn)?;
    let members: Vec<i64> = electors::table
        .filter(electors::ballot_id.eq(ballot_id))
        .filter(electors::channel.eq(ElectorChannel::Portal))
        .select(electors::member_id)
        .load(conn)?;
    let protocol = super::protocol::Protocol::of(conn, ballot_id)?;
    let public: Vec<PublicCredential> = members
        .iter()
        .map(|member| {
            protocol
                .derive(&key.code(ballot_id, *member), ballot_id)
                .public()
        })
        .collect();
    add_credentials(conn, ballot_id, &public, Origin::Server)?;
    Ok(public.len())
}

/// The portal key of an open ballot; `None` once the ballot has closed
/// (the key is erased then) or before it opened.
pub fn portal_key(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot_id: &str,
) -> AppResult<Option<PortalKey>> {
    let sealed: Option<String> = ballots::table
        .find(ballot_id)
        .select(ballots::portal_key_sealed)
        .first(conn)?;
    sealed
        .map(|sealed| {
            let bytes = sealing.open(&sealed, &portal_key_context(ballot_id))?;
            Ok(PortalKey::from_bytes(&bytes)?)
        })
        .transpose()
}

/// Erases the portal key when a ballot closes: afterwards nobody, not even
/// the operator with the sealing key, can recompute whose portal credential
/// is whose.
pub fn erase_portal_key(conn: &mut DbConn, ballot_id: &str) -> AppResult<()> {
    diesel::update(ballots::table.find(ballot_id))
        .set(ballots::portal_key_sealed.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Registers public credentials, each with its tag (a letter's re-issue
/// tag, or a random one), sorted by key so that storage order says nothing.
pub fn add_tagged_credentials(
    conn: &mut DbConn,
    ballot_id: &str,
    public: Vec<(PublicCredential, Option<String>)>,
    origin: Origin,
) -> AppResult<()> {
    let mut rows: Vec<(String, Option<String>)> = public
        .into_iter()
        .map(|(key, tag)| (key.to_base64(), tag))
        .collect();
    rows.sort_unstable();
    for chunk in rows.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(key, tag)| {
                (
                    credentials::ballot_id.eq(ballot_id),
                    credentials::public_key.eq(key),
                    credentials::origin.eq(origin.as_str()),
                    credentials::revoked.eq(false),
                    credentials::used.eq(CredentialUse::No),
                    credentials::reissue_tag.eq(tag.as_deref()),
                )
            })
            .collect();
        crate::insert_batch!(conn, credentials::table, &rows)?;
    }
    Ok(())
}

/// Rewrites every credential, ballot box and postal vote row of a ballot,
/// in key order, in the closing transaction. PostgreSQL stamps each row with the
/// transaction that wrote it (`xmin`) and places new rows at the end of
/// the table: the transaction that inserted a re-issued credential is also
/// the one that named its member, and the transactions of casts could be
/// lined up with rows written around them (sign-ins). After the rewrite all
/// rows carry one transaction id and key order, so a dump taken after
/// closing cannot match them. SQLite keeps no such column; its WAL is
/// emptied after each cast (`db::forget_write_order`). Dead row versions
/// stay until the next VACUUM.
pub fn rewrite_credentials(conn: &mut DbConn, ballot_id: &str) -> AppResult<()> {
    if let DbConn::Postgres(_) = conn {
        // In a transaction of its own (a savepoint inside the closing one),
        // so the temporary table lives until the rows are back.
        conn.transaction(|conn| rewrite_rows(conn, ballot_id))?;
    }
    Ok(())
}

fn rewrite_rows(conn: &mut DbConn, ballot_id: &str) -> AppResult<()> {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::Text;
    {
        for (table, order) in [
            ("credentials", "public_key"),
            ("box_entries", "position"),
            ("postal_votes", "credential"),
        ] {
            conn.batch_execute(&format!(
                "CREATE TEMPORARY TABLE rewritten (LIKE {table}) ON COMMIT DROP"
            ))?;
            for statement in [
                format!("INSERT INTO rewritten SELECT * FROM {table} WHERE ballot_id = $1"),
                format!("DELETE FROM {table} WHERE ballot_id = $1"),
                format!(
                    "INSERT INTO {table} SELECT * FROM rewritten WHERE ballot_id = $1 ORDER BY {order}"
                ),
            ] {
                diesel::sql_query(statement)
                    .bind::<Text, _>(ballot_id)
                    .execute(conn)?;
            }
            conn.batch_execute("DROP TABLE rewritten")?;
        }
    }
    Ok(())
}

pub use super::lifecycle::set_status;
