//! Voting credentials.
//!
//! Each elector gets one [`Code`]: 128 random bits, printed in a letter or
//! shown once in the portal. From the code and the ballot id anyone holding
//! the code derives the same ed25519 [`CredentialKey`]; the server keeps only
//! its [`PublicCredential`]. A ballot is signed with the credential key, so a
//! server that never saw the code cannot cast in the elector's name.

mod code;
mod portal;
mod reissue;

pub use crate::ed25519::Signature;
pub use code::{Code, CodeError};
pub use portal::{random_tag, PortalKey};
pub use reissue::ReissueKey;

use crate::ed25519::public_key_type;
use ed25519_dalek::SigningKey;
use ring::hkdf;

/// Domain tag prefixed to the ballot id to form the HKDF salt (record
/// version 1).
const SALT_TAG: &[u8] = b"votum-credential-v1";
/// The same for record version 2: a code gives unrelated keys under the
/// two protocols, so no v1 signature is ever valid in a v2 record.
const SALT_TAG_V2: &[u8] = b"votum-credential-v2";
/// HKDF `info`: what the derived bytes are for.
const SEED_INFO: &[u8] = b"ed25519-seed";

/// The signing key of one credential for one ballot, derived from its code.
///
/// Derivation (specified in `docs/election-record.md`): HKDF-SHA256 with
/// salt `b"votum-credential-v1" || ballot_id` (UTF-8), input keying material
/// the 16 code bytes, info `b"ed25519-seed"`, 32 bytes of output used as
/// the ed25519 seed (RFC 8032 secret key). The same code gives unrelated
/// keys in different ballots. The key is wiped on drop and `Debug` hides it.
pub struct CredentialKey(SigningKey);

impl CredentialKey {
    /// Derives the credential key of `code` for the ballot `ballot_id`.
    pub fn derive(code: &Code, ballot_id: &str) -> CredentialKey {
        CredentialKey::derive_with(SALT_TAG, code, ballot_id)
    }

    /// Derives the credential key of `code` for a ballot of record version
    /// 2: as [`CredentialKey::derive`] with the salt
    /// `b"votum-credential-v2" || ballot_id`.
    pub fn derive_v2(code: &Code, ballot_id: &str) -> CredentialKey {
        CredentialKey::derive_with(SALT_TAG_V2, code, ballot_id)
    }

    fn derive_with(tag: &[u8], code: &Code, ballot_id: &str) -> CredentialKey {
        let mut salt = Vec::with_capacity(tag.len() + ballot_id.len());
        salt.extend_from_slice(tag);
        salt.extend_from_slice(ballot_id.as_bytes());
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(code.as_bytes());
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        let filled = prk
            .expand(&[SEED_INFO], Seed32)
            .and_then(|okm| okm.fill(seed.as_mut()));
        if filled.is_err() {
            // ring refuses only outputs longer than 255 hash lengths or a
            // buffer of another length than requested; 32 of 32 is neither.
            unreachable!("HKDF-SHA256 expand to 32 bytes cannot fail");
        }
        CredentialKey(SigningKey::from_bytes(&seed))
    }

    /// The public credential, the only part the server stores.
    pub fn public(&self) -> PublicCredential {
        PublicCredential(self.0.verifying_key().to_bytes())
    }

    /// Signs `message` (for a ballot: [`crate::ballot_box::cast_message`]).
    pub fn sign(&self, message: &[u8]) -> Signature {
        crate::ed25519::sign(&self.0, message)
    }
}

impl std::fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialKey(<redacted>)")
    }
}

/// HKDF output length: one ed25519 seed.
struct Seed32;

impl hkdf::KeyType for Seed32 {
    fn len(&self) -> usize {
        32
    }
}

public_key_type! {
    /// The public half of a credential: an ed25519 public key (32 bytes).
    /// Text form: URL-safe base64 without padding (43 characters). Ordered by
    /// bytes, so a sorted credential list reveals nothing about issue order.
    PublicCredential
}

impl PublicCredential {
    /// Whether the 32 bytes are the one canonical encoding of an ed25519
    /// point that is not of small order: it decompresses, compresses back
    /// to the same bytes (so `y < p` and no "negative zero" sign bit) and
    /// is not a weak key. Credentials made elsewhere (a credential
    /// authority's file) are imported only when this holds, so one point
    /// never appears under two encodings and no credential verifies many
    /// messages.
    pub fn is_canonical(&self) -> bool {
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        !key.is_weak() && key.to_edwards().compress().to_bytes() == self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> Code {
        Code::from_bytes([7u8; 16])
    }

    #[test]
    fn derivation_is_deterministic_and_bound_to_the_ballot() {
        let a = CredentialKey::derive(&code(), "ballot-1").public();
        let b = CredentialKey::derive(&code(), "ballot-1").public();
        let c = CredentialKey::derive(&code(), "ballot-2").public();
        let d = CredentialKey::derive(&Code::from_bytes([8u8; 16]), "ballot-1").public();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn derivation_matches_hkdf_definition() {
        // Recompute HKDF-SHA256 (RFC 5869) from HMAC by hand to pin the
        // parameters: PRK = HMAC(salt, ikm); OKM = HMAC(PRK, info || 0x01).
        use ring::hmac;
        let salt = hmac::Key::new(hmac::HMAC_SHA256, b"votum-credential-v1ballot-1");
        let prk = hmac::sign(&salt, code().as_bytes());
        let prk = hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref());
        let okm = hmac::sign(&prk, b"ed25519-seed\x01");
        let mut seed = [0u8; 32];
        seed.copy_from_slice(okm.as_ref());
        let expected = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        assert_eq!(
            CredentialKey::derive(&code(), "ballot-1").public().0,
            expected
        );
    }

    #[test]
    fn version_2_derivation_uses_its_own_salt() {
        use ring::hmac;
        let salt = hmac::Key::new(hmac::HMAC_SHA256, b"votum-credential-v2ballot-1");
        let prk = hmac::sign(&salt, code().as_bytes());
        let prk = hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref());
        let okm = hmac::sign(&prk, b"ed25519-seed\x01");
        let mut seed = [0u8; 32];
        seed.copy_from_slice(okm.as_ref());
        let expected = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let v2 = CredentialKey::derive_v2(&code(), "ballot-1").public();
        assert_eq!(v2.0, expected);
        assert_ne!(v2, CredentialKey::derive(&code(), "ballot-1").public());
    }

    #[test]
    fn signatures_verify_only_for_their_message_and_key() {
        let key = CredentialKey::derive(&code(), "b");
        let other = CredentialKey::derive(&code(), "c").public();
        let sig = key.sign(b"hello");
        assert!(key.public().verify(b"hello", &sig));
        assert!(!key.public().verify(b"hellO", &sig));
        assert!(!other.verify(b"hello", &sig));
        let mut bad = sig;
        bad.0[10] ^= 1;
        assert!(!key.public().verify(b"hello", &bad));
    }

    #[test]
    fn text_forms_round_trip() {
        let key = CredentialKey::derive(&code(), "b");
        let public = key.public();
        let text = public.to_base64();
        assert_eq!(text.len(), 43);
        assert_eq!(PublicCredential::from_base64(&text).unwrap(), public);
        let sig = key.sign(b"m");
        let text = sig.to_base64();
        assert_eq!(text.len(), 86);
        assert_eq!(Signature::from_base64(&text).unwrap(), sig);
        assert!(Signature::from_base64(&public.to_base64()).is_err());
        assert!(PublicCredential::from_base64("AAAA").is_err());
        let json = serde_json::to_string(&public).unwrap();
        assert_eq!(json, format!("\"{}\"", public.to_base64()));
        assert_eq!(
            serde_json::from_str::<PublicCredential>(&json).unwrap(),
            public
        );
        assert_eq!(format!("{key:?}"), "CredentialKey(<redacted>)");
    }

    #[test]
    fn non_points_are_refused_as_public_keys() {
        // y = 2 is not the y-coordinate of any point on edwards25519.
        let mut bytes = [0u8; 32];
        bytes[0] = 2;
        let text = crate::base64url::encode(&bytes);
        assert!(PublicCredential::from_base64(&text).is_err());
    }

    #[test]
    fn weak_keys_never_verify() {
        // The identity point (small order): with plain verification some
        // signature would verify for every message; strict refuses it.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let public = PublicCredential(identity);
        let mut sig = [0u8; 64];
        sig[0] = 1; // R = identity, s = 0
        assert!(!public.verify(b"anything", &Signature(sig)));
    }

    #[test]
    fn canonical_points_only() {
        let good = CredentialKey::derive(&code(), "ballot-1").public();
        assert!(good.is_canonical());
        // The bytes of y = p (2^255 - 19): a non-canonical encoding of
        // y = 0, which is a point.
        let mut p_plus = [0xffu8; 32];
        p_plus[0] = 0xed;
        p_plus[31] = 0x7f;
        assert!(!PublicCredential(p_plus).is_canonical());
        // The identity (y = 1) is a small-order point.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(!PublicCredential(identity).is_canonical());
        // y = 1 with the sign bit set: "negative zero" x.
        identity[31] = 0x80;
        assert!(!PublicCredential(identity).is_canonical());
    }
}
