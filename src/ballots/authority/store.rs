//! The server's side of the credential authority, without HTTP: the
//! electorate file the officers export, and a public-credentials file
//! staged by one officer and imported when a second confirms
//! (`docs/election-record.md`, "Credential authority").

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use votum_ballots::authority::{
    roll_hash, AuthorityFileError, ElectorateEntry, ElectorateFile, LetterBallot,
    PublicCredentialsFile, Sender, ELECTORATE_FORMAT, FILE_VERSION,
};

use crate::ballots::credential::ElectorChannel;
use crate::ballots::lifecycle::{Act, BallotStatus};
use crate::ballots::officer;
use crate::ballots::setup::{self, Origin};
use crate::db::models::{Channel, MemberStatus};
use crate::db::schema::{
    ballots, credential_imports, credentials, electors, groups, member_scopes, members,
    officer_acts,
};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// The form of the ballot's times in the files.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Reads a time written in [`TIME_FORMAT`].
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT).ok()
}

/// Why an import (or an export) was refused, as a message for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The file itself, or the file against the ballot.
    File(AuthorityFileError),
    /// No file chosen.
    NoFile,
    /// Credentials are imported while the ballot is open (the electorate
    /// frozen), exports made while it is in set-up or open.
    WrongStatus,
    /// No letter elector waits for a credential.
    NobodyPending,
    /// A credential of the file is already registered for the ballot.
    AlreadyPresent,
    /// Another import waits for confirmation.
    AlreadyStaged,
}

impl Refusal {
    /// The message key and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        use AuthorityFileError as E;
        let key = match self {
            Refusal::File(error) => match error {
                E::Malformed(_) | E::BadEntry(_) | E::DuplicateMember(_) => {
                    "authority.file_unreadable"
                }
                E::WrongFormat { .. } => "authority.file_wrong_format",
                E::WrongVersion => "authority.file_wrong_version",
                E::DefinitionAltered | E::WrongDefinition => "authority.file_wrong_definition",
                E::Empty => "authority.file_empty",
                E::Duplicate { index } => {
                    return (
                        "authority.file_duplicate",
                        vec![("number", index.to_string())],
                    )
                }
                E::NotSorted { .. } => "authority.file_not_sorted",
                E::NotCanonical { index } => {
                    return (
                        "authority.file_bad_point",
                        vec![("number", index.to_string())],
                    )
                }
                E::BadTag { .. } | E::DuplicateTag => "authority.file_bad_tag",
                E::WrongBallot => "authority.file_wrong_ballot",
                E::WrongCount { expected, found } => {
                    return (
                        "authority.file_wrong_count",
                        vec![
                            ("expected", expected.to_string()),
                            ("found", found.to_string()),
                        ],
                    )
                }
                E::WrongRoll => "authority.file_wrong_roll",
            },
            Refusal::NoFile => "authority.no_file",
            Refusal::WrongStatus => "authority.wrong_status",
            Refusal::NobodyPending => "authority.nobody_pending",
            Refusal::AlreadyPresent => "authority.already_present",
            Refusal::AlreadyStaged => "authority.already_staged",
        };
        (key, Vec::new())
    }
}

/// What the ballot's letters say about it, and where it stands.
pub struct BallotFacts {
    pub letter: LetterBallot,
    pub status: BallotStatus,
    group_id: i64,
    cutoff: NaiveDate,
}

/// The ballot as its letters print it.
pub fn ballot_facts(conn: &mut DbConn, ballot_id: &str) -> AppResult<BallotFacts> {
    #[allow(clippy::type_complexity)]
    let (title, opens_at, closes_at, revoting, status, group_id, cutoff): (
        String,
        NaiveDateTime,
        NaiveDateTime,
        bool,
        BallotStatus,
        i64,
        NaiveDate,
    ) = ballots::table
        .find(ballot_id)
        .select((
            ballots::title,
            ballots::opens_at,
            ballots::closes_at,
            ballots::revote_allowed,
            ballots::status,
            ballots::group_id,
            ballots::cutoff_date,
        ))
        .first(conn)?;
    let questions = crate::ballots::ballot_box::questions(conn, ballot_id)?;
    Ok(BallotFacts {
        letter: LetterBallot {
            id: ballot_id.to_owned(),
            title,
            questions,
            opens_at: opens_at.format(TIME_FORMAT).to_string(),
            closes_at: closes_at.format(TIME_FORMAT).to_string(),
            revoting,
        },
        status,
        group_id,
        cutoff,
    })
}

/// Letter electors without a credential, by postcode then member id (the
/// print shop's order, as the server's letter run). For an open ballot
/// from the frozen electorate; in set-up, the members the opening will
/// freeze as letter electors (same rule as `officer::freeze_electorate`).
/// The roll hash at import tells whether the two agree.
fn pending_members(conn: &mut DbConn, ballot_id: &str, facts: &BallotFacts) -> AppResult<Vec<i64>> {
    Ok(match facts.status {
        BallotStatus::Open => electors::table
            .inner_join(members::table)
            .filter(electors::ballot_id.eq(ballot_id))
            .filter(electors::channel.eq(ElectorChannel::Letter))
            .filter(electors::issued.eq(false))
            .order((members::postcode, members::id))
            .select(members::id)
            .load(conn)?,
        BallotStatus::Draft => member_scopes::table
            .inner_join(members::table)
            .filter(member_scopes::group_id.eq(facts.group_id))
            .filter(members::status.eq(MemberStatus::Active))
            .filter(members::join_date.le(facts.cutoff))
            .filter(members::channel.eq(Channel::Paper))
            .order((members::postcode, members::id))
            .select(members::id)
            .load(conn)?,
        _ => Vec::new(),
    })
}

/// Whether exports are made in `status`.
pub fn exports_in(status: BallotStatus) -> bool {
    matches!(status, BallotStatus::Draft | BallotStatus::Open)
}

/// The electorate file of the ballot's letter electors without a
/// credential, logged (with the count only) in the audit log.
pub fn export(
    conn: &mut DbConn,
    public_url: &str,
    ballot_id: &str,
    by: i64,
    now: NaiveDateTime,
) -> AppResult<Result<ElectorateFile, Refusal>> {
    let facts = ballot_facts(conn, ballot_id)?;
    if !exports_in(facts.status) {
        return Ok(Err(Refusal::WrongStatus));
    }
    let order = pending_members(conn, ballot_id, &facts)?;
    if order.is_empty() {
        return Ok(Err(Refusal::NobodyPending));
    }
    let mut entries = Vec::with_capacity(order.len());
    for page in order.chunks(2_000) {
        let mut rows = crate::addresses::load(conn, page)?;
        for id in page {
            if let Some(member) = rows.remove(id) {
                entries.push(ElectorateEntry {
                    address: member.window_lines(),
                    language: member.language().as_str().to_owned(),
                    membership_number: member.membership_number,
                });
            }
        }
    }
    let organisation = crate::groups::path(conn, facts.group_id)?
        .first()
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let group: String = groups::table
        .find(facts.group_id)
        .select(groups::name)
        .first(conn)?;
    crate::audit::record_ballot(
        conn,
        now,
        Some(by),
        crate::audit::Action::ElectorateExported,
        ballot_id,
        None,
        &entries.len().to_string(),
    )?;
    Ok(Ok(ElectorateFile {
        format: ELECTORATE_FORMAT.into(),
        version: FILE_VERSION,
        definition_hash: facts.letter.definition_hash(),
        credential_derivation: crate::ballots::letters::derivation(conn, ballot_id)?,
        ballot: facts.letter,
        vote_page: format!("{public_url}/vote/{ballot_id}"),
        sender: Sender {
            organisation,
            group,
        },
        entries,
    }))
}

/// The membership numbers of the open ballot's letter electors without a
/// credential.
fn pending_numbers(conn: &mut DbConn, ballot_id: &str) -> AppResult<Vec<String>> {
    Ok(electors::table
        .inner_join(members::table)
        .filter(electors::ballot_id.eq(ballot_id))
        .filter(electors::channel.eq(ElectorChannel::Letter))
        .filter(electors::issued.eq(false))
        .select(members::membership_number)
        .load(conn)?)
}

/// Checks a read file against the ballot as it stands: open, its id and
/// definition hash, as many credentials as letter electors waiting, for
/// exactly those electors (roll hash), none registered already.
fn check(
    conn: &mut DbConn,
    ballot_id: &str,
    file: &PublicCredentialsFile,
) -> AppResult<Result<(), Refusal>> {
    let facts = ballot_facts(conn, ballot_id)?;
    if !Act::ImportCredentials.allowed_in(facts.status) {
        return Ok(Err(Refusal::WrongStatus));
    }
    let numbers = pending_numbers(conn, ballot_id)?;
    if numbers.is_empty() {
        return Ok(Err(Refusal::NobodyPending));
    }
    let roll = roll_hash(numbers.iter().map(String::as_str));
    if let Err(e) = file.check_against(
        ballot_id,
        &facts.letter.definition_hash(),
        &roll,
        numbers.len(),
    ) {
        return Ok(Err(Refusal::File(e)));
    }
    let keys: Vec<String> = file
        .credentials
        .iter()
        .map(|c| c.credential.to_base64())
        .collect();
    for chunk in keys.chunks(1000) {
        let present: i64 = credentials::table
            .filter(credentials::ballot_id.eq(ballot_id))
            .filter(credentials::public_key.eq_any(chunk))
            .count()
            .get_result(conn)?;
        if present > 0 {
            return Ok(Err(Refusal::AlreadyPresent));
        }
    }
    Ok(Ok(()))
}

/// Reads and checks an uploaded public-credentials file and stages it: a
/// pending `import_credentials` act by `officer` that a second officer
/// confirms. Returns how many credentials wait. Nothing is stored when the
/// file is refused.
pub fn stage(
    conn: &mut DbConn,
    ballot_id: &str,
    bytes: &[u8],
    officer: i64,
    now: NaiveDateTime,
) -> AppResult<Result<usize, Refusal>> {
    if bytes.is_empty() {
        return Ok(Err(Refusal::NoFile));
    }
    let file = match PublicCredentialsFile::from_json(bytes) {
        Ok(file) => file,
        Err(e) => return Ok(Err(Refusal::File(e))),
    };
    // Stored canonical: the confirming officer imports exactly what was
    // checked here.
    let body = String::from_utf8(file.to_canonical_json())
        .map_err(|_| AppError::Internal("canonical JSON is UTF-8".into()))?;
    conn.transaction(|conn| {
        if !crate::ballots::ballot_box::lock(conn, ballot_id)? {
            return Err(AppError::NotFound);
        }
        if let Err(refusal) = check(conn, ballot_id, &file)? {
            return Ok(Err(refusal));
        }
        let act = match officer::insert_request(
            conn,
            ballot_id,
            Act::ImportCredentials,
            None,
            officer,
            now,
        ) {
            Ok(act) => act,
            Err(AppError::Conflict(_)) => return Ok(Err(Refusal::AlreadyStaged)),
            Err(e) => return Err(e),
        };
        diesel::insert_into(credential_imports::table)
            .values((
                credential_imports::act_id.eq(act),
                credential_imports::ballot_id.eq(ballot_id),
                credential_imports::body.eq(&body),
            ))
            .execute(conn)?;
        Ok(Ok(file.credentials.len()))
    })
}

/// The number of credentials in the import staged as act `act_id`.
pub fn staged_count(conn: &mut DbConn, act_id: i64) -> AppResult<Option<usize>> {
    let body: Option<String> = credential_imports::table
        .find(act_id)
        .select(credential_imports::body)
        .first(conn)
        .optional()?;
    Ok(body
        .and_then(|b| PublicCredentialsFile::from_json(b.as_bytes()).ok())
        .map(|f| f.credentials.len()))
}

/// Carries out the confirmed import staged as act `act_id`: checks the
/// file again against the ballot as it stands now, stores its credentials
/// with `origin: "authority"` and marks the letter electors issued. Call
/// inside the confirming transaction, after taking the ballot box lock.
/// A file that no longer fits (the electorate changed, another import or
/// letter run came first) is discarded with its request, and the refusal
/// returned.
pub fn import_staged(
    conn: &mut DbConn,
    ballot_id: &str,
    act_id: i64,
) -> AppResult<Result<usize, Refusal>> {
    let body: String = credential_imports::table
        .find(act_id)
        .filter(credential_imports::ballot_id.eq(ballot_id))
        .select(credential_imports::body)
        .first(conn)?;
    let checked = match PublicCredentialsFile::from_json(body.as_bytes()) {
        Ok(file) => check(conn, ballot_id, &file)?.map(|()| file),
        Err(e) => Err(Refusal::File(e)),
    };
    diesel::delete(credential_imports::table.find(act_id)).execute(conn)?;
    let file = match checked {
        Ok(file) => file,
        Err(refusal) => {
            diesel::delete(officer_acts::table.find(act_id)).execute(conn)?;
            return Ok(Err(refusal));
        }
    };
    let count = file.credentials.len();
    let marked = diesel::update(
        electors::table
            .filter(electors::ballot_id.eq(ballot_id))
            .filter(electors::channel.eq(ElectorChannel::Letter))
            .filter(electors::issued.eq(false)),
    )
    .set(electors::issued.eq(true))
    .execute(conn)?;
    if marked != count {
        // The roll hash was checked under the box lock a moment ago.
        return Err(AppError::Conflict(
            "letter electors changed during the import".into(),
        ));
    }
    let tagged = file
        .credentials
        .into_iter()
        .map(|c| (c.credential, Some(c.reissue_tag)))
        .collect();
    setup::add_tagged_credentials(conn, ballot_id, tagged, Origin::Authority)?;
    Ok(Ok(count))
}
