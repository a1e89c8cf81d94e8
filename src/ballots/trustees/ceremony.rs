//! The key ceremony of a ballot, on the server: the officers name the
//! trustees and the threshold, each trustee uploads one file per step
//! through a secret link, and the server checks every upload with
//! `votum_crypto::threshold` before storing it. When every verification is
//! in, the server computes the election public key and the verification
//! keys (`ceremony_keys`) and keeps them; [`election_key`] hands them to
//! the encrypted ballot. The server never sees a trustee's private file.
//!
//! The stage of a ceremony is [`CeremonyStage`], stored in
//! `trustee_ceremonies.stage` and compared nowhere else. Trustee links are
//! stored as the SHA-256 digest of the token only (like password-reset
//! links), and never logged; audit entries carry counts only.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use votum_crypto::threshold::files::{self, TrusteeFile};
use votum_crypto::threshold::{
    ceremony_keys, check_bundle, check_certificate, check_verification, CeremonyFile, CeremonyKeys,
    Certificate, Roster, ShareBundle, Verification, MAX_TRUSTEES,
};
use votum_crypto::SecretString;

use crate::audit::{self, Action};
use crate::ballots::lifecycle::{self, Act};
use crate::db::models::text_enum;
use crate::db::schema::{trustee_ceremonies, trustees};
use crate::db::DbConn;
use crate::error::AppResult;

text_enum!(
    /// Where a ballot's key ceremony stands.
    CeremonyStage {
        /// The officers are naming the trustees; nothing is fixed yet.
        Setup => "setup",
        /// Step 1: each trustee uploads a certificate.
        Certificates => "certificates",
        /// Step 2: each trustee uploads a share bundle.
        Shares => "shares",
        /// Step 3: each trustee uploads a verification.
        Verifications => "verifications",
        /// The election public key is fixed.
        Complete => "complete",
    }
);

impl CeremonyStage {
    /// The stage after every trustee uploaded the file of this one.
    fn next(self) -> CeremonyStage {
        use CeremonyStage::*;
        match self {
            Setup => Certificates,
            Certificates => Shares,
            Shares => Verifications,
            Verifications | Complete => Complete,
        }
    }

    /// The step number a trustee sees (1–3), if the stage is one.
    pub fn step(self) -> Option<u8> {
        match self {
            CeremonyStage::Certificates => Some(1),
            CeremonyStage::Shares => Some(2),
            CeremonyStage::Verifications => Some(3),
            CeremonyStage::Setup | CeremonyStage::Complete => None,
        }
    }

    /// The catalogue key naming the stage.
    pub fn message_key(self) -> String {
        format!("trustees.stage_{}", self.as_str())
    }
}

/// The longest trustee name the officers may type (the certificate allows
/// the same).
pub const MAX_NAME: usize = 200;

/// The threshold Votum recommends for `n` trustees: a majority,
/// ⌊n/2⌋ + 1. Fewer than a majority can then never decrypt together (the
/// secret needs that many to collude), and up to ⌈n/2⌉ − 1 trustees may
/// lose their key or stay away without voiding the election (Helios' IACR
/// 2025 failure needed all). Belenios leaves the choice to the
/// administrator; a majority balances secrecy and availability.
pub fn recommended_threshold(n: u32) -> u32 {
    n / 2 + 1
}

/// A trustee as the pages show it (never the token digest).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = trustees)]
pub struct TrusteeRow {
    pub id: i64,
    pub ballot_id: String,
    pub name: String,
    pub email: Option<String>,
    pub position: i32,
    pub certificate: Option<String>,
    pub bundle: Option<String>,
    pub verification: Option<String>,
}

impl TrusteeRow {
    /// The file this trustee uploaded for `stage`, if any.
    fn file(&self, stage: CeremonyStage) -> Option<&String> {
        match stage {
            CeremonyStage::Certificates => self.certificate.as_ref(),
            CeremonyStage::Shares => self.bundle.as_ref(),
            CeremonyStage::Verifications => self.verification.as_ref(),
            CeremonyStage::Setup | CeremonyStage::Complete => None,
        }
    }

    /// Whether this trustee has done the step of `stage`.
    pub fn done(&self, stage: CeremonyStage) -> bool {
        self.file(stage).is_some()
    }

    fn certificate_file(&self) -> Option<Certificate> {
        self.certificate
            .as_ref()
            .and_then(|text| files::from_json(text.as_bytes()).ok())
    }
}

/// A ballot's ceremony as stored.
pub struct Ceremony {
    pub stage: CeremonyStage,
    /// The ceremony file, once started.
    pub file: Option<CeremonyFile>,
    /// The keys, once complete.
    pub keys: Option<CeremonyKeys>,
    /// The trustees in the order the officers added them.
    pub trustees: Vec<TrusteeRow>,
}

impl Ceremony {
    /// How many trustees have done the current step.
    pub fn done_count(&self) -> usize {
        self.trustees.iter().filter(|t| t.done(self.stage)).count()
    }

    /// The roster of all certificates, once all are in.
    pub fn roster(&self) -> Option<Roster> {
        let file = self.file.as_ref()?;
        let certificates: Option<Vec<Certificate>> = self
            .trustees
            .iter()
            .map(TrusteeRow::certificate_file)
            .collect();
        Roster::new(file, certificates?).ok()
    }

    /// The trustee's index in the roster (1 …), once all certificates are in.
    pub fn index_of(&self, roster: &Roster, trustee: &TrusteeRow) -> Option<u32> {
        trustee
            .certificate_file()
            .and_then(|c| roster.index_of(&c.signing_key))
    }
}

/// Reads a ballot's ceremony (a ballot without one is in set-up with no
/// trustees).
pub fn load(conn: &mut DbConn, ballot: &str) -> AppResult<Ceremony> {
    let row: Option<(CeremonyStage, Option<String>, Option<String>)> = trustee_ceremonies::table
        .find(ballot)
        .select((
            trustee_ceremonies::stage,
            trustee_ceremonies::ceremony,
            trustee_ceremonies::keys,
        ))
        .first(conn)
        .optional()?;
    let (stage, file, keys) = row.unwrap_or((CeremonyStage::Setup, None, None));
    let trustees = trustees::table
        .filter(trustees::ballot_id.eq(ballot))
        .order(trustees::position.asc())
        .select(TrusteeRow::as_select())
        .load(conn)?;
    Ok(Ceremony {
        stage,
        file: file.and_then(|t| files::from_json(t.as_bytes()).ok()),
        keys: keys.and_then(|t| files::from_json(t.as_bytes()).ok()),
        trustees,
    })
}

/// The election public key and the trustees' verification keys of a
/// ballot whose ceremony is complete; `None` before. The encrypted ballot
/// (a later step) encrypts under `keys.election_key()` and refuses to open
/// without it.
pub fn election_key(conn: &mut DbConn, ballot: &str) -> AppResult<Option<CeremonyKeys>> {
    let ceremony = load(conn, ballot)?;
    Ok(match ceremony.stage {
        CeremonyStage::Complete => ceremony.keys,
        _ => None,
    })
}

/// Why the officers' or a trustee's request was refused (nothing stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The ballot is no longer in set-up.
    NotInSetup,
    /// A trustee's name is empty, too long or has control characters.
    BadName,
    /// The e-mail address does not look like one.
    BadEmail,
    /// More than [`MAX_TRUSTEES`] trustees.
    TooMany,
    /// No trustee named yet.
    NoTrustees,
    /// The threshold is not a number from 1 to n.
    BadThreshold,
    /// The ceremony runs already (remove a trustee to start again).
    AlreadyStarted,
    /// The officers have not started the ceremony.
    NotStarted,
    /// The ceremony is complete: nothing more to upload.
    Complete,
    /// No file was chosen.
    NoFile,
    /// A trustee file of another step.
    WrongStep,
    /// This trustee has done this step already and the next step has begun.
    AlreadyUploaded,
    /// The file names another trustee index than this trustee's.
    WrongTrustee,
    /// Another trustee uploaded a certificate with the same key.
    DuplicateKey,
    /// The file did not pass the checks; the detail (English, from the
    /// checks) says which.
    File(String),
}

impl Refusal {
    /// The catalogue key and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Refusal::NotInSetup => ("trustees.not_in_setup", vec![]),
            Refusal::BadName => ("trustees.bad_name", vec![]),
            Refusal::BadEmail => ("trustees.bad_email", vec![]),
            Refusal::TooMany => ("trustees.too_many", vec![]),
            Refusal::NoTrustees => ("trustees.no_trustees", vec![]),
            Refusal::BadThreshold => ("trustees.bad_threshold", vec![]),
            Refusal::AlreadyStarted => ("trustees.already_started", vec![]),
            Refusal::NotStarted => ("trustees.not_started", vec![]),
            Refusal::Complete => ("trustees.nothing_to_upload", vec![]),
            Refusal::NoFile => ("trustees.no_file", vec![]),
            Refusal::WrongStep => ("trustees.wrong_step", vec![]),
            Refusal::AlreadyUploaded => ("trustees.already_uploaded", vec![]),
            Refusal::WrongTrustee => ("trustees.wrong_trustee", vec![]),
            Refusal::DuplicateKey => ("trustees.duplicate_key", vec![]),
            Refusal::File(detail) => ("trustees.bad_file", vec![("detail", detail.clone())]),
        }
    }
}

/// A refusal or a value.
pub type Outcome<T> = AppResult<Result<T, Refusal>>;

/// Takes the ceremony row's lock for the rest of the transaction (an
/// update that changes nothing locks the row on PostgreSQL and the
/// database on SQLite), creating the row in set-up if there is none.
fn lock(conn: &mut DbConn, ballot: &str) -> AppResult<()> {
    let locked = diesel::update(trustee_ceremonies::table.find(ballot))
        .set(trustee_ceremonies::stage.eq(trustee_ceremonies::stage))
        .execute(conn)?;
    if locked == 0 {
        diesel::insert_into(trustee_ceremonies::table)
            .values((
                trustee_ceremonies::ballot_id.eq(ballot),
                trustee_ceremonies::stage.eq(CeremonyStage::Setup),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether the ballot is still in set-up (its opening still to come).
fn in_setup(conn: &mut DbConn, ballot: &str) -> AppResult<bool> {
    Ok(Act::Open.allowed_in(lifecycle::status(conn, ballot)?))
}

/// Puts the ceremony back to set-up: the ceremony file, every uploaded
/// file and the keys are dropped (the trustees start again from step 1).
fn reset(conn: &mut DbConn, ballot: &str) -> AppResult<()> {
    diesel::update(trustee_ceremonies::table.find(ballot))
        .set((
            trustee_ceremonies::stage.eq(CeremonyStage::Setup),
            trustee_ceremonies::ceremony.eq(None::<String>),
            trustee_ceremonies::keys.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(trustees::table.filter(trustees::ballot_id.eq(ballot)))
        .set((
            trustees::certificate.eq(None::<String>),
            trustees::bundle.eq(None::<String>),
            trustees::verification.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

fn plausible_email(email: &str) -> bool {
    let mut parts = email.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && domain.contains('.') && !email.chars().any(char::is_whitespace)
    )
}

/// The officers name a trustee; returns the trustee's secret link token
/// (shown once, stored only as its digest). A ceremony under way starts
/// again from set-up, since the number of trustees changed.
pub fn add_trustee(
    conn: &mut DbConn,
    ballot: &str,
    name: &str,
    email: &str,
    by: i64,
    now: NaiveDateTime,
) -> Outcome<SecretString> {
    let name = name.trim();
    let email = email.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Ok(Err(Refusal::BadName));
    }
    if !email.is_empty() && !plausible_email(email) {
        return Ok(Err(Refusal::BadEmail));
    }
    conn.transaction(|conn| {
        if !in_setup(conn, ballot)? {
            return Ok(Err(Refusal::NotInSetup));
        }
        lock(conn, ballot)?;
        let ceremony = load(conn, ballot)?;
        if ceremony.trustees.len() >= MAX_TRUSTEES as usize {
            return Ok(Err(Refusal::TooMany));
        }
        if ceremony.stage != CeremonyStage::Setup {
            return Ok(Err(Refusal::AlreadyStarted));
        }
        let position = ceremony
            .trustees
            .iter()
            .map(|t| t.position)
            .max()
            .unwrap_or(0)
            + 1;
        let token = votum_crypto::Token::generate()?;
        diesel::insert_into(trustees::table)
            .values((
                trustees::id.eq(votum_crypto::random_id()?),
                trustees::ballot_id.eq(ballot),
                trustees::name.eq(name),
                trustees::email.eq((!email.is_empty()).then_some(email)),
                trustees::token_digest.eq(&token.digest),
                trustees::position.eq(position),
            ))
            .execute(conn)?;
        audit::record_ballot(
            conn,
            now,
            Some(by),
            Action::TrusteeAdded,
            ballot,
            None,
            &(ceremony.trustees.len() + 1).to_string(),
        )?;
        Ok(Ok(token.secret))
    })
}

/// The officers remove a trustee (a trustee named by a failed check, one
/// who cannot take part). A ceremony under way starts again from set-up
/// without that trustee: every file uploaded so far is dropped.
pub fn remove_trustee(
    conn: &mut DbConn,
    ballot: &str,
    trustee: i64,
    by: i64,
    now: NaiveDateTime,
) -> Outcome<()> {
    conn.transaction(|conn| {
        if !in_setup(conn, ballot)? {
            return Ok(Err(Refusal::NotInSetup));
        }
        lock(conn, ballot)?;
        let removed = diesel::delete(
            trustees::table
                .filter(trustees::ballot_id.eq(ballot))
                .filter(trustees::id.eq(trustee)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(crate::error::AppError::NotFound);
        }
        reset(conn, ballot)?;
        let left = load(conn, ballot)?.trustees.len();
        audit::record_ballot(
            conn,
            now,
            Some(by),
            Action::TrusteeRemoved,
            ballot,
            None,
            &left.to_string(),
        )?;
        Ok(Ok(()))
    })
}

/// The officers fix the threshold and start the ceremony: the ceremony
/// file is made, and every trustee can do step 1.
pub fn start(
    conn: &mut DbConn,
    ballot: &str,
    threshold: &str,
    by: i64,
    now: NaiveDateTime,
) -> Outcome<()> {
    conn.transaction(|conn| {
        if !in_setup(conn, ballot)? {
            return Ok(Err(Refusal::NotInSetup));
        }
        lock(conn, ballot)?;
        let ceremony = load(conn, ballot)?;
        if ceremony.stage != CeremonyStage::Setup {
            return Ok(Err(Refusal::AlreadyStarted));
        }
        let Ok(n) = u32::try_from(ceremony.trustees.len()) else {
            return Ok(Err(Refusal::TooMany));
        };
        if n == 0 {
            return Ok(Err(Refusal::NoTrustees));
        }
        let Ok(t) = threshold.trim().parse::<u32>() else {
            return Ok(Err(Refusal::BadThreshold));
        };
        let Ok(file) = CeremonyFile::new(ballot, t, n) else {
            return Ok(Err(Refusal::BadThreshold));
        };
        diesel::update(trustee_ceremonies::table.find(ballot))
            .set((
                trustee_ceremonies::stage.eq(CeremonyStage::Certificates),
                trustee_ceremonies::ceremony.eq(files::to_json(&file)),
            ))
            .execute(conn)?;
        audit::record_ballot(
            conn,
            now,
            Some(by),
            Action::CeremonyStarted,
            ballot,
            None,
            &format!("{t}/{n}"),
        )?;
        Ok(Ok(()))
    })
}

/// Finds the trustee a secret link names: (trustee id, ballot id).
pub fn trustee_by_token(conn: &mut DbConn, token: &str) -> AppResult<Option<(i64, String)>> {
    Ok(trustees::table
        .filter(trustees::token_digest.eq(votum_crypto::token::digest(token)))
        .select((trustees::id, trustees::ballot_id))
        .first(conn)
        .optional()?)
}

/// What an accepted upload did.
#[derive(Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The stage the ceremony is in now.
    pub stage: CeremonyStage,
}

/// Reads a file of kind `T`, telling a trustee file of another step apart
/// from a broken one.
fn read<T: TrusteeFile>(bytes: &[u8]) -> Result<T, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::NoFile);
    }
    let known = [
        CeremonyFile::FORMAT,
        Certificate::FORMAT,
        ShareBundle::FORMAT,
        Verification::FORMAT,
        CeremonyKeys::FORMAT,
        votum_crypto::threshold::TallyInput::FORMAT,
        votum_crypto::threshold::PartialDecryption::FORMAT,
    ];
    if let Some(format) = files::format_of(bytes) {
        if format != T::FORMAT && known.contains(&format.as_str()) {
            return Err(Refusal::WrongStep);
        }
    }
    files::from_json(bytes).map_err(|e| Refusal::File(e.to_string()))
}

/// A trustee uploads the file of the current step. The file is checked
/// with the public checks of `votum_crypto::threshold` (format, this
/// ceremony and roster, this trustee's index, signature, proofs) and stored
/// only if it passes; when the last trustee's file of a step is in, the
/// ceremony moves on, and after the last verification the election key is
/// computed and fixed.
pub fn upload(
    conn: &mut DbConn,
    trustee: i64,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Outcome<Accepted> {
    conn.transaction(|conn| {
        let ballot: String = trustees::table
            .find(trustee)
            .select(trustees::ballot_id)
            .first(conn)?;
        lock(conn, &ballot)?;
        let ceremony = load(conn, &ballot)?;
        let Some(me) = ceremony.trustees.iter().find(|t| t.id == trustee) else {
            return Err(crate::error::AppError::NotFound);
        };
        let file = match (&ceremony.file, ceremony.stage) {
            (_, CeremonyStage::Complete) => return Ok(Err(Refusal::Complete)),
            (Some(file), _) => file.clone(),
            (None, _) => return Ok(Err(Refusal::NotStarted)),
        };
        if !in_setup(conn, &ballot)? {
            return Ok(Err(Refusal::NotInSetup));
        }
        let stored = match ceremony.stage {
            CeremonyStage::Setup | CeremonyStage::Complete => return Ok(Err(Refusal::NotStarted)),
            CeremonyStage::Certificates => {
                let certificate: Certificate = match read(bytes) {
                    Ok(c) => c,
                    Err(r) => return Ok(Err(r)),
                };
                if let Err(e) = check_certificate(&file, &certificate) {
                    return Ok(Err(Refusal::File(e.to_string())));
                }
                let clash = ceremony
                    .trustees
                    .iter()
                    .filter(|t| t.id != trustee)
                    .filter_map(TrusteeRow::certificate_file)
                    .any(|c| {
                        c.signing_key == certificate.signing_key
                            || c.encryption_key == certificate.encryption_key
                    });
                if clash {
                    return Ok(Err(Refusal::DuplicateKey));
                }
                diesel::update(trustees::table.find(trustee))
                    .set(trustees::certificate.eq(files::to_json(&certificate)))
                    .execute(conn)?;
                Action::TrusteeCertificate
            }
            CeremonyStage::Shares => {
                let Some(roster) = ceremony.roster() else {
                    return Err(crate::error::AppError::Internal(
                        "trustee certificates stored but no roster".into(),
                    ));
                };
                let bundle: ShareBundle = match read(bytes) {
                    Ok(b) => b,
                    Err(r) => return Ok(Err(r)),
                };
                if ceremony.index_of(&roster, me) != Some(bundle.trustee) {
                    return Ok(Err(Refusal::WrongTrustee));
                }
                if let Err(e) = check_bundle(&roster, &bundle) {
                    return Ok(Err(Refusal::File(e.to_string())));
                }
                diesel::update(trustees::table.find(trustee))
                    .set(trustees::bundle.eq(files::to_json(&bundle)))
                    .execute(conn)?;
                Action::TrusteeShares
            }
            CeremonyStage::Verifications => {
                let Some(roster) = ceremony.roster() else {
                    return Err(crate::error::AppError::Internal(
                        "trustee certificates stored but no roster".into(),
                    ));
                };
                let verification: Verification = match read(bytes) {
                    Ok(v) => v,
                    Err(r) => return Ok(Err(r)),
                };
                if ceremony.index_of(&roster, me) != Some(verification.trustee) {
                    return Ok(Err(Refusal::WrongTrustee));
                }
                let bundles = stored_bundles(&ceremony)?;
                if let Err(e) = check_verification(&roster, &bundles, &verification) {
                    return Ok(Err(Refusal::File(e.to_string())));
                }
                diesel::update(trustees::table.find(trustee))
                    .set(trustees::verification.eq(files::to_json(&verification)))
                    .execute(conn)?;
                Action::TrusteeVerification
            }
        };
        let ceremony = load(conn, &ballot)?;
        audit::record_ballot(
            conn,
            now,
            None,
            stored,
            &ballot,
            None,
            &format!("{}/{}", ceremony.done_count(), ceremony.trustees.len()),
        )?;
        let stage = if ceremony.done_count() == ceremony.trustees.len() {
            advance(conn, &ballot, &ceremony, &file, now)?
        } else {
            ceremony.stage
        };
        Ok(Ok(Accepted { stage }))
    })
}

fn stored_bundles(ceremony: &Ceremony) -> AppResult<Vec<ShareBundle>> {
    ceremony
        .trustees
        .iter()
        .map(|t| {
            t.bundle
                .as_ref()
                .and_then(|text| files::from_json(text.as_bytes()).ok())
                .ok_or_else(|| crate::error::AppError::Internal("a share bundle is missing".into()))
        })
        .collect()
}

/// Every trustee did the step: the ceremony moves on; after step 3 the
/// keys are computed from every stored file and fixed.
fn advance(
    conn: &mut DbConn,
    ballot: &str,
    ceremony: &Ceremony,
    file: &CeremonyFile,
    now: NaiveDateTime,
) -> AppResult<CeremonyStage> {
    let next = ceremony.stage.next();
    let mut keys_text = None;
    if next == CeremonyStage::Complete {
        let read_all = |pick: fn(&TrusteeRow) -> Option<&String>| -> Vec<String> {
            ceremony.trustees.iter().filter_map(pick).cloned().collect()
        };
        let certificates: Vec<Certificate> = read_all(|t| t.certificate.as_ref())
            .iter()
            .filter_map(|t| files::from_json(t.as_bytes()).ok())
            .collect();
        let bundles: Vec<ShareBundle> = read_all(|t| t.bundle.as_ref())
            .iter()
            .filter_map(|t| files::from_json(t.as_bytes()).ok())
            .collect();
        let verifications: Vec<Verification> = read_all(|t| t.verification.as_ref())
            .iter()
            .filter_map(|t| files::from_json(t.as_bytes()).ok())
            .collect();
        let keys = ceremony_keys(file, certificates, &bundles, &verifications)
            .map_err(|e| crate::error::AppError::Internal(format!("ceremony keys: {e}")))?;
        keys_text = Some(files::to_json(&keys));
        audit::record_ballot(
            conn,
            now,
            None,
            Action::CeremonyComplete,
            ballot,
            None,
            &format!("{}/{}", keys.threshold, keys.trustees.len()),
        )?;
    }
    diesel::update(trustee_ceremonies::table.find(ballot))
        .set((
            trustee_ceremonies::stage.eq(next),
            trustee_ceremonies::keys.eq(keys_text),
        ))
        .execute(conn)?;
    Ok(next)
}

/// A file a trustee may download now: its name and canonical text.
/// `ceremony.json` from step 1 on, `certificate-i.json` from step 2 on,
/// `shares-i.json` from step 3 on, `keys.json` once complete (i is the
/// trustee index of the roster, 1 …).
pub fn download(ceremony: &Ceremony, name: &str) -> Option<String> {
    let stage = ceremony.stage;
    let at_least = |s: CeremonyStage| stage_order(stage) >= stage_order(s);
    if name == "ceremony.json" && at_least(CeremonyStage::Certificates) {
        return ceremony.file.as_ref().map(files::to_json);
    }
    if name == "keys.json" {
        return ceremony.keys.as_ref().map(files::to_json);
    }
    let (kind, rest) = name.split_once('-')?;
    let index: u32 = rest.strip_suffix(".json")?.parse().ok()?;
    let roster = ceremony.roster()?;
    let trustee = ceremony
        .trustees
        .iter()
        .find(|t| ceremony.index_of(&roster, t) == Some(index))?;
    match kind {
        "certificate" if at_least(CeremonyStage::Shares) => trustee.certificate.clone(),
        "shares" if at_least(CeremonyStage::Verifications) => trustee.bundle.clone(),
        _ => None,
    }
}

/// The files a trustee downloads for the current step, by name.
pub fn downloads_for_step(ceremony: &Ceremony) -> Vec<String> {
    let n = ceremony.trustees.len();
    match ceremony.stage {
        CeremonyStage::Setup => vec![],
        CeremonyStage::Certificates => vec!["ceremony.json".into()],
        CeremonyStage::Shares => (1..=n).map(|i| format!("certificate-{i}.json")).collect(),
        CeremonyStage::Verifications => (1..=n)
            .map(|i| format!("certificate-{i}.json"))
            .chain((1..=n).map(|i| format!("shares-{i}.json")))
            .collect(),
        CeremonyStage::Complete => vec!["keys.json".into()],
    }
}

fn stage_order(stage: CeremonyStage) -> u8 {
    match stage {
        CeremonyStage::Setup => 0,
        CeremonyStage::Certificates => 1,
        CeremonyStage::Shares => 2,
        CeremonyStage::Verifications => 3,
        CeremonyStage::Complete => 4,
    }
}

/// The base64url text of a 32-byte value, as `votum trustee` prints it.
pub fn fingerprint(bytes: &[u8; 32]) -> String {
    votum_crypto::base64url::encode(bytes)
}

/// The election public key as `votum trustee check` prints it.
pub fn public_key_text(keys: &CeremonyKeys) -> String {
    votum_crypto::base64url::encode(&votum_crypto::group::encode_point(&keys.public_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_majority_is_recommended() {
        assert_eq!(recommended_threshold(1), 1);
        assert_eq!(recommended_threshold(2), 2);
        assert_eq!(recommended_threshold(3), 2);
        assert_eq!(recommended_threshold(4), 3);
        assert_eq!(recommended_threshold(5), 3);
    }

    #[test]
    fn stages_move_forward_to_complete() {
        let mut stage = CeremonyStage::Setup;
        let mut seen = vec![stage];
        while stage != CeremonyStage::Complete {
            stage = stage.next();
            seen.push(stage);
        }
        assert_eq!(seen.len(), 5);
        assert_eq!(
            seen.iter().filter_map(|s| s.step()).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }
}
