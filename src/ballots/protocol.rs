//! Which election record version and protocol a ballot uses, and
//! everything that differs between them: how a code becomes a credential,
//! what a voter signs, the ballot hash, the chain, the receipt, whether the
//! choices are encrypted. Ballots created before record version 2 keep
//! version 1 to their end; ballots created before protocol "encrypted"
//! keep "signed". Every new ballot writes version 2: protocol "encrypted"
//! when it has no ranked question, "signed" with one (ranked questions need
//! the shuffle of issue 12). Other modules ask this one and never read
//! `ballots.record_version` or `ballots.protocol` themselves.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use diesel::prelude::*;
use serde::Serialize;
use votum_ballots::record::v2;
use votum_ballots::Question;
use votum_crypto::ballot_box::BoxKey;
use votum_crypto::credential::{Code, CredentialKey, PublicCredential, Signature};
use votum_crypto::encrypted_ballot::{encrypt_ballot, ElectionParameters, EncryptedBallot};
use votum_crypto::group::SystemScalars;

use crate::db::models::text_enum;
use crate::db::schema::ballots;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// The record version of ballots created from now on.
pub const NEW_BALLOT_VERSION: i32 = 2;

text_enum!(
    /// The protocol of a record-version-2 ballot as stored in
    /// `ballots.protocol` (read only here).
    ProtocolName {
        /// Choices in clear, signed by the credential.
        Signed => "signed",
        /// Choices encrypted for the trustees.
        Encrypted => "encrypted",
    }
);

impl ProtocolName {
    /// The protocol a new ballot with these questions uses: "encrypted"
    /// unless a question is ranked (those stay "signed" until the shuffle
    /// of issue 12 lands).
    pub fn for_questions(questions: &[Question]) -> ProtocolName {
        if v2::encrypted::encryptable(questions) {
            ProtocolName::Encrypted
        } else {
            ProtocolName::Signed
        }
    }
}

/// A ballot's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Record version 1 (legacy ballots).
    V1,
    /// Record version 2, protocol "signed"; the fingerprint is fixed when
    /// the ballot opens (`None` before).
    V2(Option<[u8; 32]>),
    /// Record version 2, protocol "encrypted"; the fingerprint is fixed
    /// when the ballot opens (`None` before), which needs the trustees'
    /// election key.
    Encrypted(Option<[u8; 32]>),
}

/// Why a ballot cannot open yet (protocol-specific conditions only; the
/// four-eyes rules are the officers' module's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningRefusal {
    /// An encrypted ballot without the trustees' election key: the key
    /// ceremony has not finished.
    TrusteesMissing,
}

impl OpeningRefusal {
    /// The message key.
    pub fn message_key(self) -> &'static str {
        match self {
            OpeningRefusal::TrusteesMissing => "officer.trustees_missing",
        }
    }
}

/// Where a ballot stays on protocol "signed" although it has no ranked
/// question: like a ballot created before protocol "encrypted". Only for
/// set-up tools and tests (a draft, before opening); officers' pages never
/// call it.
pub fn keep_signed(conn: &mut DbConn, id: &str) -> AppResult<()> {
    let changed = diesel::update(
        ballots::table
            .find(id)
            .filter(ballots::fingerprint.is_null()),
    )
    .set(ballots::protocol.eq(ProtocolName::Signed))
    .execute(conn)?;
    if changed == 0 {
        return Err(AppError::Conflict("the ballot is open already".into()));
    }
    if let Ok(mut cached) = cache().lock() {
        cached.remove(id);
    }
    Ok(())
}

fn cache() -> &'static Mutex<HashMap<String, Protocol>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Protocol>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Election parameters by fingerprint: fixed at opening, so they never
/// change once cached (the fingerprint covers them).
fn parameters_cache() -> &'static Mutex<HashMap<[u8; 32], ElectionParameters>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], ElectionParameters>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

impl Protocol {
    /// The protocol of ballot `id` (`NotFound` without one). Cached once
    /// it can no longer change (opened, or version 1).
    pub fn of(conn: &mut DbConn, id: &str) -> AppResult<Protocol> {
        if let Some(found) = cache().lock().ok().and_then(|c| c.get(id).copied()) {
            return Ok(found);
        }
        let (version, fingerprint, name): (i32, Option<String>, ProtocolName) = ballots::table
            .find(id)
            .select((
                ballots::record_version,
                ballots::fingerprint,
                ballots::protocol,
            ))
            .first(conn)?;
        let fingerprint = fingerprint
            .map(|f| votum_crypto::base64url::decode_array::<32>(&f))
            .transpose()
            .map_err(|_| AppError::Internal("stored fingerprint is malformed".into()))?;
        let protocol = match (version, name) {
            (1, _) => Protocol::V1,
            (_, ProtocolName::Signed) => Protocol::V2(fingerprint),
            (_, ProtocolName::Encrypted) => Protocol::Encrypted(fingerprint),
        };
        if protocol.is_fixed() {
            if let Ok(mut cached) = cache().lock() {
                if cached.len() >= 10_000 {
                    cached.clear();
                }
                cached.insert(id.to_owned(), protocol);
            }
        }
        Ok(protocol)
    }

    /// Whether nothing about the protocol can change any more (version 1,
    /// or opened).
    fn is_fixed(self) -> bool {
        !matches!(self, Protocol::V2(None) | Protocol::Encrypted(None))
    }

    /// Whether the ballot writes record version 2 (either protocol).
    pub fn is_v2(self) -> bool {
        !matches!(self, Protocol::V1)
    }

    /// Whether the choices are encrypted (protocol "encrypted").
    pub fn is_encrypted(self) -> bool {
        matches!(self, Protocol::Encrypted(_))
    }

    /// The name the election object carries (version 2 only).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Protocol::V1 => None,
            Protocol::V2(_) => Some(v2::PROTOCOL_SIGNED),
            Protocol::Encrypted(_) => Some(v2::PROTOCOL_ENCRYPTED),
        }
    }

    /// The election fingerprint; zero bytes before opening (nothing is
    /// signed for a ballot that is not open, and the box refuses it).
    fn fingerprint(self) -> [u8; 32] {
        match self {
            Protocol::V2(Some(fingerprint)) | Protocol::Encrypted(Some(fingerprint)) => fingerprint,
            _ => [0; 32],
        }
    }

    /// The credential key of `code` for ballot `ballot_id`.
    pub fn derive(self, code: &Code, ballot_id: &str) -> CredentialKey {
        match self {
            Protocol::V1 => CredentialKey::derive(code, ballot_id),
            Protocol::V2(_) | Protocol::Encrypted(_) => CredentialKey::derive_v2(code, ballot_id),
        }
    }

    /// Why ballot `id` cannot open yet under this protocol, if it cannot:
    /// an encrypted ballot needs the trustees' election key.
    pub fn opening_refusal(self, conn: &mut DbConn, id: &str) -> AppResult<Option<OpeningRefusal>> {
        Ok(match self {
            Protocol::Encrypted(None)
                if super::trustees::ceremony::election_key(conn, id)?.is_none() =>
            {
                Some(OpeningRefusal::TrusteesMissing)
            }
            _ => None,
        })
    }

    /// The trustees' keys to fix in the election object at opening
    /// (protocol "encrypted"; `None` for the others).
    pub fn trustees_at_opening(
        self,
        conn: &mut DbConn,
        id: &str,
    ) -> AppResult<Option<votum_crypto::threshold::CeremonyKeys>> {
        match self {
            Protocol::Encrypted(_) => super::trustees::ceremony::election_key(conn, id)?
                .map(Some)
                .ok_or_else(|| {
                    AppError::Conflict("the trustees' key ceremony is not complete".into())
                }),
            _ => Ok(None),
        }
    }

    /// What every ballot of an opened encrypted ballot is encrypted and
    /// proved against ([`v2::encrypted::parameters`] of the stored
    /// election object); `None` for the other protocols and before opening.
    pub fn election_parameters(
        self,
        conn: &mut DbConn,
        id: &str,
    ) -> AppResult<Option<ElectionParameters>> {
        let Protocol::Encrypted(Some(fingerprint)) = self else {
            return Ok(None);
        };
        if let Some(found) = parameters_cache()
            .lock()
            .ok()
            .and_then(|c| c.get(&fingerprint).cloned())
        {
            return Ok(Some(found));
        }
        let election: Option<String> = ballots::table
            .find(id)
            .select(ballots::election)
            .first(conn)?;
        let election: v2::Election = election
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| AppError::Internal("stored election object is malformed".into()))?
            .ok_or_else(|| AppError::Internal("an opened ballot has no election object".into()))?;
        let params = v2::encrypted::parameters(&election)
            .map_err(|e| AppError::Internal(format!("election parameters: {e}")))?;
        if let Ok(mut cached) = parameters_cache().lock() {
            if cached.len() >= 1_000 {
                cached.clear();
            }
            cached.insert(fingerprint, params.clone());
        }
        Ok(Some(params))
    }

    /// The text a voter's credential signs and the box stores for
    /// `choices` entered in a form (no JavaScript): under "encrypted" the
    /// canonical JSON of the ballot the server encrypts here for
    /// `credential` with fresh randomness, which is then forgotten (E.5);
    /// otherwise the plaintext cast text with the form's nonce.
    pub fn cast_text_for_form(
        self,
        conn: &mut DbConn,
        id: &str,
        questions: &[Question],
        credential: &PublicCredential,
        choices: &[votum_ballots::Choice],
        nonce: Option<&str>,
    ) -> AppResult<String> {
        let Some(params) = self.election_parameters(conn, id)? else {
            return super::ballot_box::cast_text_for_form(choices, nonce);
        };
        let ballot = encrypt_choices(&params, questions, credential, choices)?;
        String::from_utf8(ballot.canonical_json())
            .map_err(|_| AppError::Internal("canonical JSON is not UTF-8".into()))
    }

    /// Checks a cast text before the box takes it: under "encrypted" the
    /// text must be the canonical JSON of an encrypted ballot whose proofs
    /// hold for `credential` (`ballot_batch::verify_one`); otherwise one
    /// valid plaintext choice per question.
    pub fn check_cast(
        self,
        conn: &mut DbConn,
        id: &str,
        questions: &[Question],
        credential: &PublicCredential,
        text: &str,
    ) -> AppResult<Result<(), super::ballot_box::Refusal>> {
        use super::ballot_box::Refusal;
        let Some(params) = self.election_parameters(conn, id)? else {
            if self.is_encrypted() {
                // Not open yet: nothing can be checked, nothing is taken.
                return Ok(Err(Refusal::NotYetOpen));
            }
            return Ok(super::ballot_box::check_choices(questions, text));
        };
        let ballot: EncryptedBallot = match serde_json::from_str(text) {
            Ok(ballot) => ballot,
            Err(_) => {
                return Ok(Err(Refusal::InvalidEncryption(
                    "not an encrypted ballot".into(),
                )))
            }
        };
        if ballot.canonical_json() != text.as_bytes() {
            return Ok(Err(Refusal::InvalidEncryption(
                "not in canonical form".into(),
            )));
        }
        Ok(
            votum_crypto::ballot_batch::verify_one(
                &params,
                credential,
                &ballot,
                &mut SystemScalars,
            )
            .map(|_| ())
            .map_err(|e| Refusal::InvalidEncryption(e.to_string())),
        )
    }

    /// What the voter's credential signs to cast `choices`.
    pub fn cast_message(
        self,
        ballot_id: &str,
        credential: &PublicCredential,
        choices: &str,
    ) -> Vec<u8> {
        match self {
            Protocol::V1 => votum_crypto::ballot_box::cast_message(ballot_id, credential, choices),
            Protocol::V2(_) | Protocol::Encrypted(_) => {
                v2::cast_message(&self.fingerprint(), credential, choices)
            }
        }
    }

    /// The ballot hash (tracking code).
    pub fn ballot_hash(
        self,
        ballot_id: &str,
        credential: &PublicCredential,
        choices: &str,
        signature: &Signature,
    ) -> [u8; 32] {
        match self {
            Protocol::V1 => {
                votum_crypto::ballot_box::ballot_hash(ballot_id, credential, choices, signature)
            }
            Protocol::V2(_) | Protocol::Encrypted(_) => {
                v2::ballot_hash(&self.fingerprint(), credential, choices, signature)
            }
        }
    }

    /// The chain value after a ballot.
    pub fn chain_next(self, previous: &[u8; 32], hash: &[u8; 32]) -> [u8; 32] {
        match self {
            Protocol::V1 => votum_crypto::ballot_box::chain_next(previous, hash),
            Protocol::V2(_) | Protocol::Encrypted(_) => v2::chain_next(previous, hash),
        }
    }

    /// The signature of a postal entry by the slip's credential: over the
    /// marks (`counted`) or over "void" (the credential voted online).
    /// Version 1 entries carry none.
    pub fn postal_signature(
        self,
        key: &CredentialKey,
        counted: bool,
        marks: &[votum_ballots::Choice],
    ) -> Option<Signature> {
        match self {
            Protocol::V1 => None,
            Protocol::V2(_) | Protocol::Encrypted(_) => {
                let credential = key.public();
                let message = if counted {
                    v2::postal_message(&self.fingerprint(), &credential, marks)
                } else {
                    v2::postal_void_message(&self.fingerprint(), &credential)
                };
                Some(key.sign(&message))
            }
        }
    }

    /// What a postal entry stores as its choices, and the slip
    /// credential's signature over it: under "encrypted" the canonical JSON
    /// of the ballot the server encrypts here for the slip's credential
    /// (the marks are then dropped), signed as its canonical serialisation
    /// (V2.7); otherwise the marks as JSON, signed by
    /// [`Protocol::postal_signature`]. A void slip stores `[]`.
    pub fn postal_entry(
        self,
        conn: &mut DbConn,
        id: &str,
        key: &CredentialKey,
        counted: bool,
        marks: &[votum_ballots::Choice],
    ) -> AppResult<(String, Option<Signature>)> {
        let params = if counted {
            self.election_parameters(conn, id)?
        } else {
            None
        };
        let Some(params) = params else {
            let marks: &[votum_ballots::Choice] = if counted { marks } else { &[] };
            let stored = serde_json::to_string(marks)
                .map_err(|e| AppError::Internal(format!("marks: {e}")))?;
            return Ok((stored, self.postal_signature(key, counted, marks)));
        };
        let questions = super::ballot_box::questions(conn, id)?;
        let ballot = encrypt_choices(&params, &questions, &key.public(), marks)?;
        let canonical = ballot.canonical_json();
        let message = v2::postal_message_canonical(&self.fingerprint(), &key.public(), &canonical);
        let stored = String::from_utf8(canonical)
            .map_err(|_| AppError::Internal("canonical JSON is not UTF-8".into()))?;
        Ok((stored, Some(key.sign(&message))))
    }

    /// Whether `signature` is the slip credential's signature over a
    /// counted postal entry whose stored `choices` are `canonical` (the
    /// canonical JSON the entry was signed over, V2.7): the tally checks
    /// it before trustees decrypt a sum holding the entry.
    pub fn postal_signed(
        self,
        credential: &PublicCredential,
        canonical: &[u8],
        signature: &Signature,
    ) -> bool {
        credential.verify(
            &v2::postal_message_canonical(&self.fingerprint(), credential, canonical),
            signature,
        )
    }

    /// The receipt the box gives for a ballot.
    pub fn receipt(
        self,
        box_key: &BoxKey,
        ballot_id: &str,
        hash: [u8; 32],
        position: u64,
        head: [u8; 32],
    ) -> AnyReceipt {
        match self {
            Protocol::V1 => AnyReceipt::V1(votum_crypto::Receipt::issue(
                box_key, ballot_id, hash, position, head,
            )),
            Protocol::V2(_) | Protocol::Encrypted(_) => AnyReceipt::V2(v2::Receipt::issue(
                box_key,
                ballot_id,
                self.fingerprint(),
                hash,
                position,
                head,
            )),
        }
    }
}

/// A receipt of either record version, as handed to the voter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum AnyReceipt {
    /// Version 1.
    V1(votum_crypto::Receipt),
    /// Version 2 (names the election fingerprint).
    V2(v2::Receipt),
}

impl AnyReceipt {
    /// The ballot hash: the tracking code's bytes.
    pub fn ballot_hash(&self) -> [u8; 32] {
        match self {
            AnyReceipt::V1(r) => r.ballot_hash,
            AnyReceipt::V2(r) => r.ballot_hash,
        }
    }

    /// The place in the chain.
    pub fn position(&self) -> u64 {
        match self {
            AnyReceipt::V1(r) => r.position,
            AnyReceipt::V2(r) => r.position,
        }
    }

    /// The ballot id it names.
    pub fn ballot_id(&self) -> &str {
        match self {
            AnyReceipt::V1(r) => &r.ballot_id,
            AnyReceipt::V2(r) => &r.ballot_id,
        }
    }

    /// Whether the box with public key `key` signed it.
    pub fn verify(&self, key: &votum_crypto::BoxPublicKey) -> bool {
        match self {
            AnyReceipt::V1(r) => r.verify(key),
            AnyReceipt::V2(r) => r.verify(key),
        }
    }
}

/// Encrypts plaintext `choices` (one per question) for `credential` under
/// `params`, with proofs and fresh randomness from the system, which is
/// dropped (wiped) on return: the server keeps only the ciphertexts. For
/// voters without JavaScript and for postal slips.
pub fn encrypt_choices(
    params: &ElectionParameters,
    questions: &[Question],
    credential: &PublicCredential,
    choices: &[votum_ballots::Choice],
) -> AppResult<EncryptedBallot> {
    if questions.len() != choices.len() {
        return Err(AppError::BadRequest("one answer per question".into()));
    }
    let marks = questions
        .iter()
        .zip(choices)
        .map(|(q, c)| v2::encrypted::marks(q, c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::BadRequest(format!("choice: {e}")))?;
    encrypt_ballot(params, credential, &marks, &mut SystemScalars)
        .map_err(|e| AppError::Internal(format!("encrypting a ballot: {e}")))
}
