//! DEMO ONLY: trustees whose keys are made in this process. `votum demo`
//! uses them so its encrypted ballot can be tallied without people running
//! `votum trustee`, and tests use them where the trustees' processes are
//! not what is tested. Every file still goes through the same upload
//! checks as a real trustee's. A real ballot never uses this: here the
//! server would hold every key share, which is exactly what trustees are
//! there to prevent.

use chrono::NaiveDateTime;
use votum_crypto::group::SystemScalars;
use votum_crypto::threshold::files::{self, TrusteeFile};
use votum_crypto::threshold::{
    check_bundles, decrypt, make_bundle, PartialDecryption, ShareBundle, TallyInput,
    TrusteeIdentity, TrusteeShare,
};

use super::ceremony::{self, Refusal};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// A demo trustee: its row and its keys, held in memory.
pub struct LocalTrustee {
    /// The `trustees` row.
    pub id: i64,
    pub name: String,
    /// The secret part of the trustee's link (`/trustee/<token>`).
    pub token: votum_crypto::SecretString,
    identity: TrusteeIdentity,
    share: Option<TrusteeShare>,
}

fn refused(step: &str, refusal: Refusal) -> AppError {
    AppError::Internal(format!("demo trustees, {step}: {refusal:?}"))
}

fn upload<T: TrusteeFile>(
    conn: &mut DbConn,
    trustee: i64,
    file: &T,
    now: NaiveDateTime,
    step: &str,
) -> AppResult<()> {
    ceremony::upload(conn, trustee, files::to_json(file).as_bytes(), now)?
        .map(|_| ())
        .map_err(|r| refused(step, r))
}

/// Runs a whole key ceremony for the draft `ballot` with trustees named
/// `names` and threshold `threshold`, as officer `by`; returns the
/// trustees with their keys. The election key is fixed afterwards.
pub fn run_ceremony(
    conn: &mut DbConn,
    ballot: &str,
    names: &[&str],
    threshold: u32,
    by: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<LocalTrustee>> {
    let mut tokens = Vec::new();
    for name in names {
        tokens.push(
            ceremony::add_trustee(conn, ballot, name, "", by, now)?
                .map_err(|r| refused("naming", r))?,
        );
    }
    ceremony::start(conn, ballot, &threshold.to_string(), by, now)?
        .map_err(|r| refused("start", r))?;
    let stored = ceremony::load(conn, ballot)?;
    let file = stored
        .file
        .clone()
        .ok_or_else(|| AppError::Internal("demo ceremony not started".into()))?;
    let mut trustees = Vec::new();
    for (row, token) in stored.trustees.iter().zip(tokens) {
        let identity = TrusteeIdentity::generate(&mut SystemScalars)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let certificate = identity
            .certificate(&file, &row.name, &mut SystemScalars)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        upload(conn, row.id, &certificate, now, "certificate")?;
        trustees.push(LocalTrustee {
            id: row.id,
            name: row.name.clone(),
            token,
            identity,
            share: None,
        });
    }
    let roster = ceremony::load(conn, ballot)?
        .roster()
        .ok_or_else(|| AppError::Internal("demo ceremony without roster".into()))?;
    let mut bundles: Vec<ShareBundle> = Vec::new();
    for trustee in &trustees {
        let bundle = make_bundle(&trustee.identity, &roster, &mut SystemScalars)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        upload(conn, trustee.id, &bundle, now, "shares")?;
        bundles.push(bundle);
    }
    for trustee in &mut trustees {
        let (share, verification) =
            check_bundles(&trustee.identity, &roster, &bundles, &mut SystemScalars)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        upload(conn, trustee.id, &verification, now, "verification")?;
        trustee.share = Some(share);
    }
    Ok(trustees)
}

impl LocalTrustee {
    /// This trustee's partial decryption of `input` (as `votum trustee
    /// decrypt` makes it).
    pub fn decrypt(&self, input: &TallyInput) -> AppResult<PartialDecryption> {
        let share = self
            .share
            .as_ref()
            .ok_or_else(|| AppError::Internal("demo trustee without a share".into()))?;
        decrypt::partial_decrypt(&self.identity, share, input, &mut SystemScalars)
            .map_err(|e| AppError::Internal(e.to_string()))
    }
}
