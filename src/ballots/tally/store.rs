//! The SQL of the encrypted tally: fixing the tally input at the tally act,
//! storing checked partial decryptions, and the decryption with `t` of
//! them. The rules without SQL are in [`super::counting`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_ballots::QuestionResult;
use votum_crypto::credential::{PublicCredential, Signature};
use votum_crypto::encrypted_ballot::ElectionParameters;
use votum_crypto::group::SystemScalars;
use votum_crypto::seal::SealingKey;
use votum_crypto::threshold::decrypt::{check_partial, combine, counts};
use votum_crypto::threshold::files::{self, TrusteeFile};
use votum_crypto::threshold::{CeremonyKeys, PartialDecryption, TallyInput, ThresholdError};

use super::counting::{self, OnlineBallot, PostalBallot, Unsummable};
use super::{TallyStage, TallyState};
use crate::audit::{self, Action};
use crate::ballots::lifecycle::{self, BallotStatus};
use crate::ballots::postal::Registered;
use crate::ballots::protocol::Protocol;
use crate::ballots::setup::b64;
use crate::ballots::trustees::ceremony;
use crate::db::schema::{
    ballot_results, box_entries, credentials, postal_votes, tallies, tally_partials,
};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

fn bad(what: &str) -> AppError {
    AppError::Internal(format!("stored {what} is malformed"))
}

/// What an opened encrypted ballot is encrypted and decrypted under: the
/// encryption parameters of its election object (fingerprint, election
/// key, shapes) and the trustees' keys. `None` for another protocol,
/// before opening or without a complete key ceremony.
pub fn election(
    conn: &mut DbConn,
    ballot: &str,
) -> AppResult<Option<(ElectionParameters, CeremonyKeys)>> {
    let protocol = Protocol::of(conn, ballot)?;
    let Some(params) = protocol.election_parameters(conn, ballot)? else {
        return Ok(None);
    };
    let Some(keys) = ceremony::election_key(conn, ballot)? else {
        return Ok(None);
    };
    Ok(Some((params, keys)))
}

/// Takes the tally row's lock for the rest of the transaction (an update
/// that changes nothing locks the row on PostgreSQL and the database on
/// SQLite); false if there is no tally yet.
fn lock(conn: &mut DbConn, ballot: &str) -> AppResult<bool> {
    Ok(diesel::update(tallies::table.find(ballot))
        .set(tallies::stage.eq(tallies::stage))
        .execute(conn)?
        == 1)
}

/// The counting online ballots and counted postal entries as stored.
fn stored_ballots(
    conn: &mut DbConn,
    ballot: &str,
) -> AppResult<(Vec<OnlineBallot>, Vec<PostalBallot>)> {
    let online = box_entries::table
        .filter(box_entries::ballot_id.eq(ballot))
        .select((
            box_entries::position,
            box_entries::credential,
            box_entries::choices,
            box_entries::signature,
        ))
        .load::<(i64, String, String, String)>(conn)?
        .into_iter()
        .map(|(position, credential, choices, signature)| {
            Ok(OnlineBallot {
                position,
                credential: PublicCredential::from_base64(&credential)
                    .map_err(|_| bad("credential"))?,
                choices,
                signature: Signature::from_base64(&signature).map_err(|_| bad("signature"))?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let batches = crate::ballots::record::confirmed_batches(conn, ballot)?;
    let mut postal = postal_votes::table
        .filter(postal_votes::ballot_id.eq(ballot))
        .filter(postal_votes::batch.eq_any(&batches))
        .filter(postal_votes::status.eq(Registered::Counted))
        .select((
            postal_votes::credential,
            postal_votes::choices,
            postal_votes::signature,
        ))
        .load::<(String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(credential, choices, signature)| {
            Ok(PostalBallot {
                credential: PublicCredential::from_base64(&credential)
                    .map_err(|_| bad("credential"))?,
                choices,
                // A signature that does not decode is no signature: the
                // entry is then refused by name, not by a 500.
                signature: signature.and_then(|s| Signature::from_base64(&s).ok()),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    // The record lists postal entries by credential; so do the sums.
    postal.sort_by_key(|p| p.credential);
    Ok((online, postal))
}

/// The tally act of an encrypted ballot, inside the confirming
/// transaction (which holds the box lock): every counting ballot is checked and summed, and the tally input
/// is stored for the trustees. Returns the number of ballots summed, or
/// why the stored votes cannot be summed (then nothing is stored and the
/// act is refused).
pub fn begin(
    conn: &mut DbConn,
    ballot: &str,
    now: NaiveDateTime,
) -> AppResult<Result<u64, Unsummable>> {
    let Some((params, keys)) = election(conn, ballot)? else {
        return Ok(Err(Unsummable(
            "the ballot has no encryption parameters".into(),
        )));
    };
    let (online, postal) = stored_ballots(conn, ballot)?;
    let protocol = Protocol::of(conn, ballot)?;
    let issued: std::collections::HashSet<PublicCredential> = credentials::table
        .filter(credentials::ballot_id.eq(ballot))
        .filter(credentials::revoked.eq(false))
        .select(credentials::public_key)
        .load::<String>(conn)?
        .iter()
        .filter_map(|key| PublicCredential::from_base64(key).ok())
        .collect();
    let genuine = |b: &OnlineBallot| {
        issued.contains(&b.credential)
            && b.credential.verify(
                &protocol.cast_message(ballot, &b.credential, &b.choices),
                &b.signature,
            )
    };
    let genuine_postal = |p: &PostalBallot, canonical: &[u8]| {
        issued.contains(&p.credential)
            && p.signature
                .as_ref()
                .is_some_and(|s| protocol.postal_signed(&p.credential, canonical, s))
    };
    let ballots = match counting::counting_ballots(online, postal, genuine, genuine_postal) {
        Ok(ballots) => ballots,
        Err(e) => return Ok(Err(e)),
    };
    // Both cores: the batch check of 400,000 ballots is the bulk of the work.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let input = match counting::tally_input(
        ballot,
        &params,
        &keys,
        &ballots,
        threads,
        &mut SystemScalars,
    ) {
        Ok(input) => input,
        Err(e) => return Ok(Err(e)),
    };
    let summed = u64::try_from(ballots.len()).unwrap_or(u64::MAX);
    diesel::insert_into(tallies::table)
        .values((
            tallies::ballot_id.eq(ballot),
            tallies::stage.eq(TallyStage::AwaitingDecryption),
            tallies::input.eq(files::to_json(&input)),
            tallies::digest.eq(b64(&files::digest(&input))),
            tallies::ballots.eq(i64::try_from(summed).unwrap_or(i64::MAX)),
        ))
        .execute(conn)?;
    audit::record_ballot(
        conn,
        now,
        None,
        Action::TallyInputReady,
        ballot,
        None,
        &summed.to_string(),
    )?;
    Ok(Ok(summed))
}

/// A ballot's encrypted tally as stored.
pub struct Tally {
    pub stage: TallyStage,
    pub input: TallyInput,
    /// The tally input fingerprint (base64url of its digest), as `votum
    /// trustee decrypt` prints it.
    pub digest: String,
    pub ballots: u64,
    /// The decrypted counts per question and option, once decrypted.
    pub counts: Option<Vec<Vec<u64>>>,
    /// The partial decryptions stored: (trustee row id, file), by index.
    pub partials: Vec<(i64, PartialDecryption)>,
}

/// Reads a ballot's tally (`None` before the tally act).
pub fn load(conn: &mut DbConn, ballot: &str) -> AppResult<Option<Tally>> {
    let row: Option<(TallyStage, String, String, i64, Option<String>)> = tallies::table
        .find(ballot)
        .select((
            tallies::stage,
            tallies::input,
            tallies::digest,
            tallies::ballots,
            tallies::counts,
        ))
        .first(conn)
        .optional()?;
    let Some((stage, input, digest, ballots, counts)) = row else {
        return Ok(None);
    };
    let partials = tally_partials::table
        .filter(tally_partials::ballot_id.eq(ballot))
        .order(tally_partials::trustee_index.asc())
        .select((tally_partials::trustee_id, tally_partials::partial))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, text)| {
            files::from_json(text.as_bytes())
                .map(|p| (id, p))
                .map_err(|_| bad("partial decryption"))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(Tally {
        stage,
        input: files::from_json(input.as_bytes()).map_err(|_| bad("tally input"))?,
        digest,
        ballots: u64::try_from(ballots).map_err(|_| bad("ballot count"))?,
        counts: counts
            .map(|c| serde_json::from_str(&c))
            .transpose()
            .map_err(|_| bad("counts"))?,
        partials,
    }))
}

/// The tally's state for the pages.
pub fn state(conn: &mut DbConn, ballot: &str) -> AppResult<TallyState> {
    let status = lifecycle::status(conn, ballot)?;
    let Some(tally) = load(conn, ballot)? else {
        return Ok(TallyState::NotStarted);
    };
    Ok(match tally.stage {
        TallyStage::Decrypted if status == BallotStatus::Published => TallyState::Published,
        TallyStage::Decrypted => TallyState::Decrypted,
        TallyStage::AwaitingDecryption => {
            let need = ceremony::election_key(conn, ballot)?
                .map(|k| k.threshold)
                .unwrap_or(0);
            TallyState::AwaitingDecryption {
                have: u32::try_from(tally.partials.len()).unwrap_or(u32::MAX),
                need,
            }
        }
    })
}

/// Why a partial decryption was refused (nothing stored). Each names the
/// reason in the trustee's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The officers have not started the tally: nothing to decrypt yet.
    NotReady,
    /// Enough trustees have decrypted already.
    AlreadyDecrypted,
    /// This trustee's partial decryption is stored already.
    Duplicate,
    /// No file was chosen.
    NoFile,
    /// A trustee file, but not a partial decryption.
    WrongStep,
    /// Not a partial decryption file at all (the detail says why).
    Malformed(String),
    /// Made with the private file of another ceremony (another ballot).
    WrongCeremony,
    /// For another tally input or election (the detail says which).
    WrongInput(String),
    /// Made by (or signed as) another trustee.
    WrongTrustee,
    /// A decryption proof or the signature does not hold (the detail
    /// names which).
    BadProof(String),
}

impl Refusal {
    /// The catalogue key and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Refusal::NotReady => ("tally.not_ready", vec![]),
            Refusal::AlreadyDecrypted => ("tally.already_decrypted", vec![]),
            Refusal::Duplicate => ("tally.duplicate", vec![]),
            Refusal::NoFile => ("trustees.no_file", vec![]),
            Refusal::WrongStep => ("tally.wrong_step", vec![]),
            Refusal::Malformed(detail) => ("tally.malformed", vec![("detail", detail.clone())]),
            Refusal::WrongCeremony => ("tally.wrong_ceremony", vec![]),
            Refusal::WrongInput(detail) => ("tally.wrong_input", vec![("detail", detail.clone())]),
            Refusal::WrongTrustee => ("tally.wrong_trustee", vec![]),
            Refusal::BadProof(detail) => ("tally.bad_proof", vec![("detail", detail.clone())]),
        }
    }

    /// The refusal's status code: a state the upload cannot change (too
    /// early, too late, done already) is a conflict; a file that does not
    /// pass is unprocessable.
    pub fn status(&self) -> rocket::http::Status {
        use rocket::http::Status;
        match self {
            Refusal::NotReady | Refusal::AlreadyDecrypted | Refusal::Duplicate => Status::Conflict,
            _ => Status::UnprocessableEntity,
        }
    }
}

/// What an accepted partial decryption did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// Partial decryptions stored now, and how many are needed.
    pub have: u32,
    pub need: u32,
    /// This one completed the set: the result is decrypted and stored.
    pub decrypted: bool,
}

/// Reads an upload as a partial decryption, telling another trustee file
/// apart from a broken one.
fn read(bytes: &[u8]) -> Result<PartialDecryption, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::NoFile);
    }
    if let Some(format) = files::format_of(bytes) {
        if format != PartialDecryption::FORMAT && format.starts_with("votum-") {
            return Err(Refusal::WrongStep);
        }
    }
    files::from_json(bytes).map_err(|e| Refusal::Malformed(e.to_string()))
}

/// The checks' refusal in the trustee's words.
fn refusal_of(error: ThresholdError) -> Refusal {
    match error {
        ThresholdError::WrongCeremony { .. } => Refusal::WrongCeremony,
        ThresholdError::WrongInput { reason, .. } => Refusal::WrongInput(reason.into()),
        ThresholdError::UnknownTrustee { .. } => Refusal::WrongTrustee,
        e @ (ThresholdError::BadDecryptionProof { .. } | ThresholdError::BadSignature { .. }) => {
            Refusal::BadProof(e.to_string())
        }
        other => Refusal::Malformed(other.to_string()),
    }
}

/// A trustee uploads a partial decryption of the ballot's tally input. It
/// is checked against the ceremony's keys and the stored input (ceremony,
/// input, this trustee's index, signature, every proof) and stored only if
/// it passes. The `t`-th valid one decrypts: the counts are read, the
/// result counted with the lot committed at opening and stored for the
/// officers, in the same transaction.
pub fn upload_partial(
    conn: &mut DbConn,
    sealing: &SealingKey,
    trustee: i64,
    bytes: &[u8],
    now: NaiveDateTime,
) -> AppResult<Result<Accepted, Refusal>> {
    conn.transaction(|conn| {
        let ballot: String = crate::db::schema::trustees::table
            .find(trustee)
            .select(crate::db::schema::trustees::ballot_id)
            .first(conn)?;
        if !lock(conn, &ballot)? {
            return Ok(Err(Refusal::NotReady));
        }
        let Some(tally) = load(conn, &ballot)? else {
            return Ok(Err(Refusal::NotReady));
        };
        if tally.stage == TallyStage::Decrypted {
            return Ok(Err(Refusal::AlreadyDecrypted));
        }
        if tally.partials.iter().any(|(id, _)| *id == trustee) {
            return Ok(Err(Refusal::Duplicate));
        }
        let partial = match read(bytes) {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        let keys = ceremony::election_key(conn, &ballot)?
            .ok_or_else(|| AppError::Internal("a tally without election keys".into()))?;
        // The reasons a trustee can act on come first: a file of another
        // ballot's ceremony, of another tally input, of another trustee.
        if partial.ceremony != keys.ceremony {
            return Ok(Err(Refusal::WrongCeremony));
        }
        if partial.election != tally.input.election {
            return Ok(Err(Refusal::WrongInput("another election".into())));
        }
        if partial.input != files::digest(&tally.input) {
            return Ok(Err(Refusal::WrongInput("another tally input".into())));
        }
        let stored = ceremony::load(conn, &ballot)?;
        let mine = stored
            .roster()
            .and_then(|roster| {
                let me = stored.trustees.iter().find(|t| t.id == trustee)?;
                stored.index_of(&roster, me)
            })
            .ok_or(AppError::NotFound)?;
        if partial.trustee != mine {
            return Ok(Err(Refusal::WrongTrustee));
        }
        if let Err(e) = check_partial(&keys, &tally.input, &partial) {
            return Ok(Err(refusal_of(e)));
        }
        diesel::insert_into(tally_partials::table)
            .values((
                tally_partials::trustee_id.eq(trustee),
                tally_partials::ballot_id.eq(&ballot),
                tally_partials::trustee_index.eq(i32::try_from(mine).unwrap_or(i32::MAX)),
                tally_partials::partial.eq(files::to_json(&partial)),
            ))
            .execute(conn)?;
        let have = u32::try_from(tally.partials.len() + 1).unwrap_or(u32::MAX);
        let need = keys.threshold;
        audit::record_ballot(
            conn,
            now,
            None,
            Action::PartialDecryption,
            &ballot,
            None,
            &format!("{have}/{need}"),
        )?;
        let decrypted = have >= need;
        if decrypted {
            let mut partials: Vec<PartialDecryption> =
                tally.partials.into_iter().map(|(_, p)| p).collect();
            partials.push(partial);
            decrypt(
                conn,
                sealing,
                &ballot,
                &keys,
                &tally.input,
                tally.ballots,
                &partials,
            )?;
            audit::record_ballot(
                conn,
                now,
                None,
                Action::TallyDecrypted,
                &ballot,
                None,
                &format!("{have}/{need}"),
            )?;
        }
        Ok(Ok(Accepted {
            have,
            need,
            decrypted,
        }))
    })
}

/// Combines the partial decryptions, reads the counts and stores them with
/// the result (counted from the counts with the lot seed committed at
/// opening, revealed now). Every partial decryption was checked when it
/// came in; `combine` checks them again, so nothing unchecked is used.
fn decrypt(
    conn: &mut DbConn,
    sealing: &SealingKey,
    ballot: &str,
    keys: &CeremonyKeys,
    input: &TallyInput,
    ballots: u64,
    partials: &[PartialDecryption],
) -> AppResult<()> {
    let combined = combine(keys, input, partials)
        .map_err(|e| AppError::Internal(format!("combining checked partials: {e}")))?;
    let flat = counts(input, &combined, ballots);
    let Some((params, _)) = election(conn, ballot)? else {
        return Err(AppError::Internal("a tally without parameters".into()));
    };
    let per_question = counting::per_question(&params, &flat).ok_or_else(|| {
        AppError::Internal("a decrypted count exceeds the number of ballots".into())
    })?;
    let seed = crate::ballots::record::opened_lot_seed(conn, sealing, ballot)?;
    let results = results(conn, ballot, ballots, &per_question, &seed)?;
    let json = serde_json::to_string(&results)
        .map_err(|e| AppError::Internal(format!("result json: {e}")))?;
    diesel::insert_into(ballot_results::table)
        .values((
            ballot_results::ballot_id.eq(ballot),
            ballot_results::lot_seed.eq(b64(&seed)),
            ballot_results::result.eq(json),
        ))
        .execute(conn)?;
    let counts_json = serde_json::to_string(&per_question)
        .map_err(|e| AppError::Internal(format!("counts json: {e}")))?;
    diesel::update(tallies::table.find(ballot))
        .set((
            tallies::stage.eq(TallyStage::Decrypted),
            tallies::counts.eq(Some(counts_json)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The results of every question from its per-option counts
/// (`votum_ballots::counts`, the same decisions as counting the choices).
pub fn results(
    conn: &mut DbConn,
    ballot: &str,
    ballots: u64,
    counts: &[Vec<u64>],
    seed: &[u8; 32],
) -> AppResult<Vec<QuestionResult>> {
    let questions = crate::ballots::ballot_box::questions(conn, ballot)?;
    let electorate: i64 = crate::db::schema::electors::table
        .filter(crate::db::schema::electors::ballot_id.eq(ballot))
        .count()
        .get_result(conn)?;
    let electorate = u64::try_from(electorate).unwrap_or_default();
    questions
        .iter()
        .zip(counts)
        .map(|(question, counts)| {
            let lot = votum_ballots::record::v2::lot_order(seed, &question.option_ids());
            votum_ballots::counts::tally_counts(question, electorate, ballots, counts, &lot)
                .map_err(|e| AppError::Internal(format!("counts do not fit the question: {e:?}")))
        })
        .collect()
}

/// The partial decryptions used for the result, in trustee order, and the
/// decrypted counts: what the record's `tally` member holds.
pub fn used(conn: &mut DbConn, ballot: &str) -> AppResult<Option<(Tally, Vec<PartialDecryption>)>> {
    let Some(tally) = load(conn, ballot)? else {
        return Ok(None);
    };
    if tally.stage != TallyStage::Decrypted {
        return Ok(None);
    }
    let partials = tally.partials.iter().map(|(_, p)| p.clone()).collect();
    Ok(Some((tally, partials)))
}

/// Tells every trustee with an e-mail address that the tally input is
/// ready (through the outbox, like every mail). The mail carries the
/// tally input fingerprint but never the trustee's link: the server keeps
/// only its digest. Returns how many were mailed.
pub fn notify_trustees(
    conn: &mut DbConn,
    mailer: &crate::mail::Mailer,
    catalogues: &crate::i18n::Catalogues,
    ballot: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let Some(tally) = load(conn, ballot)? else {
        return Ok(0);
    };
    let title: String = crate::db::schema::ballots::table
        .find(ballot)
        .select(crate::db::schema::ballots::title)
        .first(conn)?;
    let stored = ceremony::load(conn, ballot)?;
    let need = stored.keys.as_ref().map_or(0, |k| k.threshold);
    let lang = crate::i18n::Language::De;
    let mut mailed = 0;
    for trustee in &stored.trustees {
        let Some(email) = trustee.email.clone() else {
            continue;
        };
        let args = [
            ("name", trustee.name.clone()),
            ("title", title.clone()),
            ("fingerprint", tally.digest.clone()),
            ("need", need.to_string()),
        ];
        mailer.send(
            conn,
            now,
            crate::mail::Mail {
                to: email,
                subject: catalogues.format(lang, "tally.mail_subject", &args),
                body: catalogues.format(lang, "tally.mail_body", &args),
            },
        )?;
        mailed += 1;
    }
    Ok(mailed)
}
