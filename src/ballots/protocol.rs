//! Which election record version a ballot writes, and everything that
//! differs between the versions: how a code becomes a credential, what a
//! voter signs, the ballot hash, the chain, the receipt. Ballots created
//! before record version 2 keep version 1 to their end; every new ballot
//! writes version 2 (protocol "signed"). Other modules ask this one and
//! never look at the version themselves.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use diesel::prelude::*;
use serde::Serialize;
use votum_ballots::record::v2;
use votum_crypto::ballot_box::BoxKey;
use votum_crypto::credential::{Code, CredentialKey, PublicCredential, Signature};

use crate::db::schema::ballots;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// The record version of ballots created from now on.
pub const NEW_BALLOT_VERSION: i32 = 2;

/// A ballot's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Record version 1 (legacy ballots).
    V1,
    /// Record version 2, protocol "signed"; the fingerprint is fixed when
    /// the ballot opens (`None` before).
    V2(Option<[u8; 32]>),
}

fn cache() -> &'static Mutex<HashMap<String, Protocol>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Protocol>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

impl Protocol {
    /// The protocol of ballot `id` (`NotFound` without one). Cached once
    /// it can no longer change (opened, or version 1).
    pub fn of(conn: &mut DbConn, id: &str) -> AppResult<Protocol> {
        if let Some(found) = cache().lock().ok().and_then(|c| c.get(id).copied()) {
            return Ok(found);
        }
        let (version, fingerprint): (i32, Option<String>) = ballots::table
            .find(id)
            .select((ballots::record_version, ballots::fingerprint))
            .first(conn)?;
        let protocol = match version {
            1 => Protocol::V1,
            _ => Protocol::V2(
                fingerprint
                    .map(|f| votum_crypto::base64url::decode_array::<32>(&f))
                    .transpose()
                    .map_err(|_| AppError::Internal("stored fingerprint is malformed".into()))?,
            ),
        };
        if protocol != Protocol::V2(None) {
            if let Ok(mut cached) = cache().lock() {
                if cached.len() >= 10_000 {
                    cached.clear();
                }
                cached.insert(id.to_owned(), protocol);
            }
        }
        Ok(protocol)
    }

    /// The election fingerprint; zero bytes before opening (nothing is
    /// signed for a ballot that is not open, and the box refuses it).
    fn fingerprint(self) -> [u8; 32] {
        match self {
            Protocol::V2(Some(fingerprint)) => fingerprint,
            _ => [0; 32],
        }
    }

    /// The credential key of `code` for ballot `ballot_id`.
    pub fn derive(self, code: &Code, ballot_id: &str) -> CredentialKey {
        match self {
            Protocol::V1 => CredentialKey::derive(code, ballot_id),
            Protocol::V2(_) => CredentialKey::derive_v2(code, ballot_id),
        }
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
            Protocol::V2(_) => v2::cast_message(&self.fingerprint(), credential, choices),
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
            Protocol::V2(_) => v2::ballot_hash(&self.fingerprint(), credential, choices, signature),
        }
    }

    /// The chain value after a ballot.
    pub fn chain_next(self, previous: &[u8; 32], hash: &[u8; 32]) -> [u8; 32] {
        match self {
            Protocol::V1 => votum_crypto::ballot_box::chain_next(previous, hash),
            Protocol::V2(_) => v2::chain_next(previous, hash),
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
            Protocol::V2(_) => {
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
            Protocol::V2(_) => AnyReceipt::V2(v2::Receipt::issue(
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
