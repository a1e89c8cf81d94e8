//! The ballot box: what a voter signs, the ballot hash (the voter's tracking
//! code), the hash chain over all cast ballots, the receipt the box signs,
//! and the published lot for tie-breaks.
//!
//! Every byte string hashed or signed starts with its own domain tag ending
//! in a NUL byte, so no value made for one purpose is valid for another.
//! The exact layouts are specified in `docs/election-record.md`; a ballot id
//! never contains a NUL byte (the record verifier refuses one).

use crate::ed25519::{public_key_type, Signature};
use crate::{base64url, CryptoError, PublicCredential};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// Domain tag of [`cast_message`].
const CAST_TAG: &[u8] = b"votum-ballot-v1\0";
/// Domain tag of [`ballot_hash`].
const BALLOT_HASH_TAG: &[u8] = b"votum-ballot-hash-v1\0";
/// Domain tag of [`chain_genesis`].
const GENESIS_TAG: &[u8] = b"votum-chain-v1-genesis\0";
/// Domain tag of [`chain_next`].
const CHAIN_TAG: &[u8] = b"votum-chain-v1\0";
/// Domain tag of the message a [`Receipt`] signs.
const RECEIPT_TAG: &[u8] = b"votum-receipt-v1\0";
/// Domain tag of [`lot_order`].
const LOT_TAG: &[u8] = b"votum-lot-v1\0";

/// The ed25519 key of one ballot box. It signs receipts and the election
/// record. The seed is stored sealed ([`crate::seal`]); the key is wiped on
/// drop and `Debug` hides it.
pub struct BoxKey(SigningKey);

impl BoxKey {
    /// A new key from the operating system's CSPRNG (ring).
    pub fn generate() -> Result<BoxKey, CryptoError> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        crate::fill_random(seed.as_mut())?;
        Ok(BoxKey::from_seed(&seed))
    }

    /// The key with this 32-byte seed (RFC 8032 secret key).
    pub fn from_seed(seed: &[u8; 32]) -> BoxKey {
        BoxKey(SigningKey::from_bytes(seed))
    }

    /// Like [`BoxKey::from_seed`] for a seed held in a slice (as returned by
    /// [`crate::SealingKey::open`]); refuses any length but 32.
    pub fn from_seed_bytes(seed: &[u8]) -> Result<BoxKey, CryptoError> {
        let seed: &[u8; 32] = seed
            .try_into()
            .map_err(|_| CryptoError::InvalidKey("a box key seed has 32 bytes"))?;
        Ok(BoxKey::from_seed(seed))
    }

    /// The seed, for sealed storage only.
    pub fn seed(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// The public key, published when the ballot opens and in the record.
    pub fn public(&self) -> BoxPublicKey {
        BoxPublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        crate::ed25519::sign(&self.0, message)
    }
}

impl std::fmt::Debug for BoxKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxKey(<redacted>)")
    }
}

public_key_type! {
    /// The public key of a ballot box (ed25519, 32 bytes). Text form:
    /// URL-safe base64 without padding.
    BoxPublicKey
}

/// The exact bytes a voter signs to cast `choices_json` with `credential`:
/// `b"votum-ballot-v1\0" || ballot_id || b"\0" || credential (32 bytes) ||
/// b"\0" || choices_json`.
///
/// `choices_json` is opaque here; the record stores it verbatim and the
/// verifier parses it.
pub fn cast_message(ballot_id: &str, credential: &PublicCredential, choices_json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(CAST_TAG.len() + ballot_id.len() + 34 + choices_json.len());
    out.extend_from_slice(CAST_TAG);
    out.extend_from_slice(ballot_id.as_bytes());
    out.push(0);
    out.extend_from_slice(credential.as_bytes());
    out.push(0);
    out.extend_from_slice(choices_json.as_bytes());
    out
}

/// The hash of a cast ballot: SHA-256 of `b"votum-ballot-hash-v1\0" ||
/// cast_message(..) || signature (64 bytes)`. Its base64url form is the
/// voter's tracking code.
pub fn ballot_hash(
    ballot_id: &str,
    credential: &PublicCredential,
    choices_json: &str,
    signature: &Signature,
) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(BALLOT_HASH_TAG);
    ctx.update(&cast_message(ballot_id, credential, choices_json));
    ctx.update(signature.as_bytes());
    digest32(ctx)
}

/// The chain value before the first ballot:
/// SHA-256(`b"votum-chain-v1-genesis\0" || ballot_id`).
pub fn chain_genesis(ballot_id: &str) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(GENESIS_TAG);
    ctx.update(ballot_id.as_bytes());
    digest32(ctx)
}

/// The chain value after appending a ballot with hash `entry_hash`:
/// SHA-256(`b"votum-chain-v1\0" || prev || entry_hash`).
pub fn chain_next(prev: &[u8; 32], entry_hash: &[u8; 32]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(CHAIN_TAG);
    ctx.update(prev);
    ctx.update(entry_hash);
    digest32(ctx)
}

fn digest32(ctx: ring::digest::Context) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// What the box hands a voter after appending the ballot: proof that the
/// ballot with `ballot_hash` is at `position` (0-based) of the chain, whose
/// value after it is `chain_head`. Anyone can later check it against the
/// election record; a box that drops or reorders ballots is caught by it.
///
/// JSON: `{"ballot_id": string, "ballot_hash": b64, "position": integer,
/// "chain_head": b64, "signature": b64}` with base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The ballot (election) id.
    pub ballot_id: String,
    /// The cast ballot's hash ([`ballot_hash`]).
    #[serde(with = "base64url::array")]
    pub ballot_hash: [u8; 32],
    /// Its 0-based place in the chain.
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
        ballot_hash: [u8; 32],
        position: u64,
        chain_head: [u8; 32],
    ) -> Receipt {
        let message = receipt_message(ballot_id, &ballot_hash, position, &chain_head);
        Receipt {
            ballot_id: ballot_id.to_owned(),
            ballot_hash,
            position,
            chain_head,
            signature: box_key.sign(&message),
        }
    }

    /// The signed bytes: `b"votum-receipt-v1\0" || ballot_id || b"\0" ||
    /// ballot_hash || position (u64 big-endian) || chain_head`.
    pub fn message(&self) -> Vec<u8> {
        receipt_message(
            &self.ballot_id,
            &self.ballot_hash,
            self.position,
            &self.chain_head,
        )
    }

    /// Whether the box with public key `box_key` signed this receipt.
    pub fn verify(&self, box_key: &BoxPublicKey) -> bool {
        box_key.verify(&self.message(), &self.signature)
    }

    /// The voter's tracking code: base64url of the ballot hash.
    pub fn tracking_code(&self) -> String {
        base64url::encode(&self.ballot_hash)
    }
}

fn receipt_message(
    ballot_id: &str,
    ballot_hash: &[u8; 32],
    position: u64,
    chain_head: &[u8; 32],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(RECEIPT_TAG.len() + ballot_id.len() + 73);
    out.extend_from_slice(RECEIPT_TAG);
    out.extend_from_slice(ballot_id.as_bytes());
    out.push(0);
    out.extend_from_slice(ballot_hash);
    out.extend_from_slice(&position.to_be_bytes());
    out.extend_from_slice(chain_head);
    out
}

/// The published tie-break order of option `ids` under `seed`: ids sorted by
/// SHA-256(`b"votum-lot-v1\0" || seed || id (u32 big-endian)`) ascending
/// (bytewise), equal hashes (never seen in practice) by id. Earlier means
/// favoured. Duplicate ids are kept.
pub fn lot_order(seed: &[u8], ids: &[u32]) -> Vec<u32> {
    let mut keyed: Vec<([u8; 32], u32)> = ids
        .iter()
        .map(|&id| {
            let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
            ctx.update(LOT_TAG);
            ctx.update(seed);
            ctx.update(&id.to_be_bytes());
            (digest32(ctx), id)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sha256, Code, CredentialKey};

    fn credential() -> CredentialKey {
        CredentialKey::derive(&Code::from_bytes([1; 16]), "b-1")
    }

    #[test]
    fn cast_message_layout() {
        let public = credential().public();
        let message = cast_message("b-1", &public, r#"[1]"#);
        let mut expected = b"votum-ballot-v1\0b-1\0".to_vec();
        expected.extend_from_slice(&public.0);
        expected.extend_from_slice(b"\0[1]");
        assert_eq!(message, expected);
    }

    #[test]
    fn ballot_hash_and_chain_match_their_definitions() {
        let key = credential();
        let public = key.public();
        let signature = key.sign(&cast_message("b-1", &public, "[]"));
        let mut data = b"votum-ballot-hash-v1\0".to_vec();
        data.extend_from_slice(&cast_message("b-1", &public, "[]"));
        data.extend_from_slice(&signature.0);
        let hash = ballot_hash("b-1", &public, "[]", &signature);
        assert_eq!(hash, sha256(&data));

        let genesis = chain_genesis("b-1");
        assert_eq!(genesis, sha256(b"votum-chain-v1-genesis\0b-1"));
        let mut data = b"votum-chain-v1\0".to_vec();
        data.extend_from_slice(&genesis);
        data.extend_from_slice(&hash);
        assert_eq!(chain_next(&genesis, &hash), sha256(&data));
        assert_ne!(chain_genesis("b-2"), genesis);
    }

    #[test]
    fn box_key_round_trips_through_its_seed() {
        let key = BoxKey::generate().unwrap();
        let again = BoxKey::from_seed(key.seed());
        assert_eq!(key.public(), again.public());
        let from_slice = BoxKey::from_seed_bytes(key.seed().as_slice()).unwrap();
        assert_eq!(from_slice.public(), key.public());
        assert!(BoxKey::from_seed_bytes(&[0u8; 31]).is_err());
        assert_ne!(key.public(), BoxKey::generate().unwrap().public());
        let sig = key.sign(b"record");
        assert!(key.public().verify(b"record", &sig));
        assert!(!key.public().verify(b"recorD", &sig));
        assert_eq!(format!("{key:?}"), "BoxKey(<redacted>)");
        let text = key.public().to_base64();
        assert_eq!(BoxPublicKey::from_base64(&text).unwrap(), key.public());
    }

    #[test]
    fn receipts_verify_and_every_field_is_bound() {
        let key = BoxKey::generate().unwrap();
        let receipt = Receipt::issue(&key, "b-1", [3; 32], 41, [4; 32]);
        assert!(receipt.verify(&key.public()));
        assert!(!receipt.verify(&BoxKey::generate().unwrap().public()));
        let mut other = receipt.clone();
        other.ballot_id = "b-2".into();
        assert!(!other.verify(&key.public()));
        let mut other = receipt.clone();
        other.ballot_hash[0] ^= 1;
        assert!(!other.verify(&key.public()));
        let mut other = receipt.clone();
        other.position += 1;
        assert!(!other.verify(&key.public()));
        let mut other = receipt.clone();
        other.chain_head[31] ^= 0x80;
        assert!(!other.verify(&key.public()));

        let mut expected = b"votum-receipt-v1\0b-1\0".to_vec();
        expected.extend_from_slice(&[3; 32]);
        expected.extend_from_slice(&41u64.to_be_bytes());
        expected.extend_from_slice(&[4; 32]);
        assert_eq!(receipt.message(), expected);
    }

    #[test]
    fn receipt_json_round_trips_with_base64_fields() {
        let key = BoxKey::generate().unwrap();
        let receipt = Receipt::issue(&key, "b-1", [0xfb; 32], 7, [0; 32]);
        let json = serde_json::to_string(&receipt).unwrap();
        assert!(json.contains(&format!("\"ballot_hash\":\"{}\"", receipt.tracking_code())));
        assert!(json.contains("\"position\":7"));
        assert!(json.contains(&format!(
            "\"signature\":\"{}\"",
            receipt.signature.to_base64()
        )));
        let back: Receipt = serde_json::from_str(&json).unwrap();
        assert_eq!(back, receipt);
        assert!(back.verify(&key.public()));
        let extra = json.replacen('{', "{\"x\":1,", 1);
        assert!(serde_json::from_str::<Receipt>(&extra).is_err());
    }

    #[test]
    fn lot_order_is_deterministic_seed_dependent_and_a_permutation() {
        let ids: Vec<u32> = (1..=12).collect();
        let a = lot_order(b"seed-a", &ids);
        assert_eq!(a, lot_order(b"seed-a", &ids));
        let mut reversed = ids.clone();
        reversed.reverse();
        assert_eq!(a, lot_order(b"seed-a", &reversed));
        assert_ne!(a, lot_order(b"seed-b", &ids));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ids);
        // Pinned from the definition, so an accidental change shows.
        let mut keyed: Vec<([u8; 32], u32)> = ids
            .iter()
            .map(|&id| {
                let mut data = b"votum-lot-v1\0seed-a".to_vec();
                data.extend_from_slice(&id.to_be_bytes());
                (sha256(&data), id)
            })
            .collect();
        keyed.sort();
        assert_eq!(a, keyed.iter().map(|k| k.1).collect::<Vec<_>>());
        assert!(lot_order(b"s", &[]).is_empty());
    }
}
