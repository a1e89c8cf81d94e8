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

/// [`postal_message`] over choices given as their canonical JSON: under
/// protocol `"encrypted"` the choices member is the encrypted ballot
/// object (E.5), and this is what its slip's credential signs.
pub fn postal_message_canonical(
    fingerprint: &[u8; 32],
    credential: &PublicCredential,
    canonical_choices: &[u8],
) -> Vec<u8> {
    concat(&[
        POSTAL_TAG,
        fingerprint,
        credential.as_bytes(),
        canonical_choices,
    ])
}

/// What a slip's credential signs for a counted postal vote of either
/// protocol: `b"votum-postal-v2\0" || fingerprint || credential ||
/// canonical JSON of the entry's `choices` member` (the array of choices
/// in clear, or the encrypted ballot object).
pub fn postal_message_for(
    fingerprint: &[u8; 32],
    credential: &PublicCredential,
    choices: &super::PostalChoices,
) -> Vec<u8> {
    let choices = canonical::to_canonical(choices);
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

/// The alphabet of [`short_tracking_code`]: Crockford's base32, digits and
/// capital letters without I, L, O and U, so nothing is mistaken for
/// another character when read aloud or written down.
pub const SHORT_CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The short tracking code a voter can write down: the first 80 bits of
/// the ballot hash in [`SHORT_CODE_ALPHABET`] (5 bits per character, most
/// significant first), 16 characters in four groups of four joined by `-`,
/// e.g. `7KQ2-M9XD-0TRB-4HZC`. It names one ballot among billions (2^80);
/// the full hash stays on the receipt.
pub fn short_tracking_code(hash: &[u8; 32]) -> String {
    let mut bits: u128 = 0;
    for byte in hash.iter().take(10) {
        bits = (bits << 8) | u128::from(*byte);
    }
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let index = ((bits >> (75 - 5 * i)) & 31) as usize;
        out.push(char::from(
            SHORT_CODE_ALPHABET.get(index).copied().unwrap_or(b'0'),
        ));
    }
    out
}

/// The first 10 bytes of the ballot hash a short tracking code stands for,
/// read leniently as people type it: case, spaces and dashes do not
/// matter, O reads as 0 and I, L as 1 (Crockford). `None` if it is not 16
/// characters of the alphabet.
pub fn parse_short_tracking_code(text: &str) -> Option<[u8; 10]> {
    let mut bits: u128 = 0;
    let mut count = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let value = SHORT_CODE_ALPHABET
            .iter()
            .position(|a| char::from(*a) == c)?;
        bits = (bits << 5) | value as u128;
        count += 1;
    }
    if count != 16 {
        return None;
    }
    let mut out = [0u8; 10];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (bits >> (72 - 8 * i)) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod short_code_tests {
    use super::*;

    #[test]
    fn short_codes_round_trip_and_read_leniently() {
        let mut hash = [0u8; 32];
        for (i, b) in hash.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        let code = short_tracking_code(&hash);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert!(!code.contains(['I', 'L', 'O', 'U']));
        let first: [u8; 10] = hash[..10].try_into().unwrap();
        assert_eq!(parse_short_tracking_code(&code), Some(first));
        let typed = code.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(parse_short_tracking_code(&typed), Some(first));
        assert_eq!(parse_short_tracking_code("ABCD"), None);
        assert_eq!(parse_short_tracking_code("UUUU-UUUU-UUUU-UUUU"), None);
        assert_eq!(short_tracking_code(&[0; 32]), "0000-0000-0000-0000");
        // The example computed by the Python sketch in election-record.md.
        let counting: Vec<u8> = (0..32).collect();
        let counting: [u8; 32] = counting.try_into().unwrap();
        assert_eq!(short_tracking_code(&counting), "000G-40R4-0M30-E209");
        assert_eq!(short_tracking_code(&[0xff; 32]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
    }
}
