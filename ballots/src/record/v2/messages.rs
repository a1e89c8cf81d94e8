//! Every byte string hashed or signed in record version 2. Each starts with
//! a domain tag of its own ending in NUL (none shared with version 1), then
//! the election fingerprint, so nothing made for one election or purpose is
//! valid for another. All other parts have fixed lengths, except the last
//! one, so no separators are needed.

use super::canonical;
use crate::choice::Choice;
use crate::question::OptionId;
use crate::tie::TieBreaker;
use serde::{Deserialize, Serialize};
use votum_crypto::ballot_box::{BoxKey, BoxPublicKey};
use votum_crypto::base64url;
use votum_crypto::credential::{PublicCredential, Signature};

const CAST_TAG: &[u8] = b"votum-ballot-v2\0";
const BALLOT_HASH_TAG: &[u8] = b"votum-ballot-hash-v2\0";
const GENESIS_TAG: &[u8] = b"votum-chain-v2-genesis\0";
const CHAIN_TAG: &[u8] = b"votum-chain-v2\0";
const RECEIPT_TAG: &[u8] = b"votum-receipt-v2\0";
const RECORD_TAG: &[u8] = b"votum-record-v2\0";
const POSTAL_TAG: &[u8] = b"votum-postal-v2\0";
const POSTAL_VOID_TAG: &[u8] = b"votum-postal-void-v2\0";
const LOT_TAG: &[u8] = b"votum-lot-v2\0";
const LOT_COMMITMENT_TAG: &[u8] = b"votum-lot-commitment-v2\0";

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// What a voter signs: `b"votum-ballot-v2\0" || fingerprint || credential
/// (32 bytes) || choices text (UTF-8)`.
pub fn cast_message(
    fingerprint: &[u8; 32],
    credential: &PublicCredential,
    choices: &str,
) -> Vec<u8> {
    concat(&[
        CAST_TAG,
        fingerprint,
        credential.as_bytes(),
        choices.as_bytes(),
    ])
}

/// The ballot hash (tracking code): SHA-256(`b"votum-ballot-hash-v2\0" ||
/// cast_message || signature (64 bytes)`).
pub fn ballot_hash(
    fingerprint: &[u8; 32],
    credential: &PublicCredential,
    choices: &str,
    signature: &Signature,
) -> [u8; 32] {
    let mut data = concat(&[BALLOT_HASH_TAG]);
    data.extend_from_slice(&cast_message(fingerprint, credential, choices));
    data.extend_from_slice(signature.as_bytes());
    votum_crypto::sha256(&data)
}

/// The chain value before the first ballot: SHA-256(`b"votum-chain-v2-genesis\0"
/// || fingerprint`).
pub fn chain_genesis(fingerprint: &[u8; 32]) -> [u8; 32] {
    votum_crypto::sha256(&concat(&[GENESIS_TAG, fingerprint]))
}

/// The chain value after a ballot: SHA-256(`b"votum-chain-v2\0" || previous
/// || ballot hash`).
pub fn chain_next(previous: &[u8; 32], ballot_hash: &[u8; 32]) -> [u8; 32] {
    votum_crypto::sha256(&concat(&[CHAIN_TAG, previous, ballot_hash]))
}

/// What the box key signs over a record: `b"votum-record-v2\0" ||
/// fingerprint || record hash`.
pub fn record_message(fingerprint: &[u8; 32], record_hash: &[u8; 32]) -> Vec<u8> {
    concat(&[RECORD_TAG, fingerprint, record_hash])
}

/// What a slip's credential signs for a counted postal vote:
/// `b"votum-postal-v2\0" || fingerprint || credential || canonical JSON of
/// the array of choices`.
pub fn postal_message(
    fingerprint: &[u8; 32],
    credential: &PublicCredential,
    choices: &[Choice],
) -> Vec<u8> {
    let choices = canonical::to_canonical(&choices);
    concat(&[POSTAL_TAG, fingerprint, credential.as_bytes(), &choices])
}

/// What a slip's credential signs when the slip is void because the
/// credential voted online: `b"votum-postal-void-v2\0" || fingerprint ||
/// credential`.
pub fn postal_void_message(fingerprint: &[u8; 32], credential: &PublicCredential) -> Vec<u8> {
    concat(&[POSTAL_VOID_TAG, fingerprint, credential.as_bytes()])
}

/// The commitment to the lot seed in the election object:
/// SHA-256(`b"votum-lot-commitment-v2\0" || seed`).
pub fn lot_commitment(seed: &[u8; 32]) -> [u8; 32] {
    votum_crypto::sha256(&concat(&[LOT_COMMITMENT_TAG, seed]))
}

/// The tie-break order of a question's options: ids sorted by
/// SHA-256(`b"votum-lot-v2\0" || seed || id (u32 big-endian)`) ascending,
/// equal keys by id. Earlier is favoured.
pub fn lot_order(seed: &[u8; 32], ids: &[OptionId]) -> TieBreaker {
    let mut keyed: Vec<([u8; 32], u32)> = ids
        .iter()
        .map(|id| {
            let key = votum_crypto::sha256(&concat(&[LOT_TAG, seed, &id.0.to_be_bytes()]));
            (key, id.0)
        })
        .collect();
    keyed.sort_unstable();
    TieBreaker::from_order(keyed.into_iter().map(|(_, id)| OptionId(id)).collect())
}

/// Value of [`Receipt::format`].
pub const RECEIPT_FORMAT: &str = "votum-receipt";

/// A version 2 receipt: the box's word that the ballot with `ballot_hash`
/// is at `position` of the chain of the election with `fingerprint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// Always 2.
    pub version: u32,
    /// The ballot id (for people; the fingerprint binds it).
    pub ballot_id: String,
    /// The election fingerprint.
    #[serde(with = "base64url::array")]
    pub fingerprint: [u8; 32],
    /// The ballot hash: the tracking code.
    #[serde(with = "base64url::array")]
    pub ballot_hash: [u8; 32],
    /// 0-based place in the chain.
    pub position: u64,
    /// The chain value right after this ballot.
    #[serde(with = "base64url::array")]
    pub chain_head: [u8; 32],
    /// The box key's signature over [`Receipt::message`].
    pub signature: Signature,
}

impl Receipt {
    /// Signs a receipt with the box key.
    pub fn issue(
        box_key: &BoxKey,
        ballot_id: &str,
        fingerprint: [u8; 32],
        ballot_hash: [u8; 32],
        position: u64,
        chain_head: [u8; 32],
    ) -> Receipt {
        let mut receipt = Receipt {
            format: RECEIPT_FORMAT.into(),
            version: super::VERSION,
            ballot_id: ballot_id.to_owned(),
            fingerprint,
            ballot_hash,
            position,
            chain_head,
            signature: Signature([0; 64]),
        };
        receipt.signature = box_key.sign(&receipt.message());
        receipt
    }

    /// The signed bytes: `b"votum-receipt-v2\0" || fingerprint ||
    /// ballot_hash || position (u64 big-endian) || chain_head`.
    pub fn message(&self) -> Vec<u8> {
        concat(&[
            RECEIPT_TAG,
            &self.fingerprint,
            &self.ballot_hash,
            &self.position.to_be_bytes(),
            &self.chain_head,
        ])
    }

    /// Whether the box with public key `box_key` signed this receipt.
    pub fn verify(&self, box_key: &BoxPublicKey) -> bool {
        box_key.verify(&self.message(), &self.signature)
    }

    /// The tracking code: base64url of the ballot hash.
    pub fn tracking_code(&self) -> String {
        base64url::encode(&self.ballot_hash)
    }

    /// The canonical JSON text of the receipt.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&canonical::to_canonical(self)).into_owned()
    }
}
